"""Permission matrix rows of the network pages, in the shared world: Partner P (the adviser's structure)
is a member of Network N, whose coordinator is none of the matrix's roles; Network M is a second network
with another member. The adviser works in a member: they see the network, never its management; every
other role, and anything of Network M, gets 404. Partner P and a sensitive partner S take part in fair F,
where both companies exhibit. The roles of a network (coordinators of two networks, referent, member
adviser, outsider) are tried one by one in tests/networks/test_network_matrix.py."""
from __future__ import annotations

from tests.matrix import Check, only

N = "/networks/{network_n}"
M = "/networks/{network_m}"
P = "/editions/{edition_f}/partners"
AD = {"adviser": 200}
EDITION_F = {"organiser_f": 200, "recruiter_a": 200, "recruiter_b": 200}


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import Organisation, PartnerType, User
    from fair.fairs.models import EditionPartner
    from fair.networks.models import NetworkMember

    partner = session.execute(select(Organisation).where(Organisation.name == "Partner P")).scalar_one()
    adviser = session.execute(select(User).where(User.email == world.users["adviser"])).scalar_one()
    network_n = factory.organisation("network", "Network N")
    network_m = factory.organisation("network", "Network M")
    factory.member(network_n, email="coordinator.n@example.org")
    factory.member(network_m, email="coordinator.m@example.org")
    partner_r = factory.organisation("partner", "Partner R")
    sensitive = factory.organisation("partner", "Partner S", partner_type=PartnerType.justice)
    row_p = NetworkMember(network_id=network_n.id, member_id=partner.id, referent_id=adviser.id)
    row_q = NetworkMember(network_id=network_m.id, member_id=partner_r.id)
    session.add_all([row_p, row_q,
                     EditionPartner(edition_id=world.ids["edition_f"], organisation_id=partner.id),
                     EditionPartner(edition_id=world.ids["edition_f"], organisation_id=sensitive.id)])
    session.flush()
    world.ids.update({"network_n": network_n.id, "network_m": network_m.id, "row_p": row_p.id, "row_q": row_q.id,
                      "partner_p": partner.id, "partner_s": sensitive.id})


EXPECTED = {
    # Companies A and B belong to networks X and Y of the recruitment needs' rows (tests/needs).
    "networks.index": [Check("GET", lambda i: "/networks", only({**AD, "recruiter_a": 200, "recruiter_b": 200}))],
    "networks.network": [
        Check("GET", lambda i: N.format(**i), only(AD)),
        Check("GET", lambda i: M.format(**i), only({})),
    ],
    # Management is the coordinators' (none of these roles): the member's adviser gets 404 too.
    "networks.add_member": [
        Check("POST", lambda i: (N + "/members").format(**i), only({}), {"organisation_id": "0"}),
        Check("POST", lambda i: (M + "/members").format(**i), only({}), {}),
    ],
    "networks.set_referent": [
        Check("POST", lambda i: (N + "/members/{row_p}/referent").format(**i), only({}), {"referent_id": ""}),
        Check("POST", lambda i: (N + "/members/{row_q}/referent").format(**i), only({}), {"referent_id": ""}),
    ],
    "networks.mark_left": [
        Check("POST", lambda i: (N + "/members/{row_p}/leave").format(**i), only({}), {}),
        Check("POST", lambda i: (M + "/members/{row_q}/leave").format(**i), only({}), {}),
    ],
    "reports.network_report": [
        Check("GET", lambda i: (N + "/figures").format(**i), only({})),
        Check("GET", lambda i: (M + "/figures").format(**i), only({})),
    ],
    "reports.network_report_export": [
        Check("POST", lambda i: (N + "/figures/export").format(**i), only({}), {"format": "csv"}),
    ],
    "networks.my_networks": [Check("GET", lambda i: "/candidate/networks", only({"candidate": 200}))],
    # The candidate is followed by Partner P, a member of Network N (not of Network M).
    "networks.give_consent": [
        Check("POST", lambda i: "/candidate/networks/{network_n}/consent".format(**i), only({"candidate": 303}), {}),
        Check("POST", lambda i: "/candidate/networks/{network_m}/consent".format(**i), only({}), {}),
    ],
    "networks.withdraw_consent": [
        Check("POST", lambda i: "/candidate/networks/{network_n}/withdraw".format(**i), only({"candidate": 303}),
              {}),
        Check("POST", lambda i: "/candidate/networks/{network_m}/withdraw".format(**i), only({}), {}),
    ],
    "networks.adviser_consent": [
        Check("GET", lambda i: "/adviser/referrals/{referral_c}/networks".format(**i), only(AD)),
        Check("POST", lambda i: "/adviser/referrals/{referral_c}/networks".format(**i), only({}),
              {"network_id": "0"}),
    ],
    "networks.edition_partners": [
        Check("GET", lambda i: (P).format(**i), only(EDITION_F)),
        Check("GET", lambda i: "/editions/{edition_g}/partners".format(**i), only({"organiser_g": 200})),
    ],
    "networks.edition_partner": [
        Check("GET", lambda i: (P + "/{partner_p}").format(**i), only(EDITION_F)),
        # A sensitive partner is never named to companies: its page answers 404 to them.
        Check("GET", lambda i: (P + "/{partner_s}").format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: "/editions/{edition_g}/partners/{partner_p}".format(**i), only({})),
    ],
}
