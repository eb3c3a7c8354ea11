"""Permission matrix rows of recruitment needs. Network X has company A (recruiter_a) and partner P (the
adviser) as members; network Y has company B (recruiter_b) (the networks' own rows use N and M). Company
A's need in X has a proposal by P; company B's need in Y has one too. The posting company answers, the
member structure's adviser proposes; everyone else, and every other network's need, gets 404."""
from __future__ import annotations

from tests.matrix import Check, only

NA, NB = "/needs/{need_a}", "/needs/{need_b}"


def build(factory, session, world) -> None:
    import datetime as dt

    from sqlalchemy import select

    from fair.accounts.models import Organisation, User
    from fair.needs.models import NeedProposal, RecruitmentNeed
    from fair.networks.models import NetworkMember

    def org(name):
        return session.execute(select(Organisation).where(Organisation.name == name)).scalar_one()

    def user(role):
        return session.execute(select(User).where(User.email == world.users[role])).scalar_one()

    company_a, company_b, partner = org("Company A"), org("Company B"), org("Partner P")
    network_x = factory.organisation("network", "Network X")
    network_y = factory.organisation("network", "Network Y")
    session.add_all([NetworkMember(network_id=network_x.id, member_id=company_a.id),
                     NetworkMember(network_id=network_x.id, member_id=partner.id),
                     NetworkMember(network_id=network_y.id, member_id=company_b.id)])
    person = factory.user(email="proposed@example.org")
    needs = {}
    for name, network, company, role in (("need_a", network_x, company_a, "recruiter_a"),
                                         ("need_b", network_y, company_b, "recruiter_b")):
        needs[name] = RecruitmentNeed(network_id=network.id, company_id=company.id, posted_by_id=user(role).id,
                                      job_title="Agent", posts=1, starts_on=dt.date(2030, 3, 1))
    session.add_all(needs.values())
    session.flush()
    proposals = {f"proposal_{key[-1]}": NeedProposal(need_id=need.id, candidate_id=person.id,
                                                     structure_id=partner.id, adviser_id=user("adviser").id)
                 for key, need in needs.items()}
    session.add_all(proposals.values())
    session.flush()
    world.ids.update({"network_x": network_x.id, "network_y": network_y.id,
                      **{k: v.id for k, v in {**needs, **proposals}.items()}})


A, B = {"recruiter_a": 200}, {"recruiter_b": 200}
EXPECTED = {
    "needs.index": [Check("GET", lambda i: "/needs", only({"recruiter_a": 200, "recruiter_b": 200, "adviser": 200}))],
    "needs.new": [
        Check("GET", lambda i: "/networks/{network_x}/needs/new".format(**i), only(A)),
        Check("GET", lambda i: "/networks/{network_y}/needs/new".format(**i), only(B)),
        Check("POST", lambda i: "/networks/{network_x}/needs/new".format(**i), only({"recruiter_a": 422}), {}),
    ],
    "needs.need": [
        Check("GET", lambda i: NA.format(**i), only({"recruiter_a": 200, "adviser": 200})),
        Check("GET", lambda i: NB.format(**i), only(B)),
    ],
    "needs.propose": [
        Check("POST", lambda i: (NA + "/proposals").format(**i), only({"adviser": 422}), {}),
        Check("POST", lambda i: (NB + "/proposals").format(**i), only({}), {}),
    ],
    "needs.answer": [
        Check("POST", lambda i: (NA + "/proposals/{proposal_a}/answer").format(**i), only({"recruiter_a": 422}), {}),
        Check("POST", lambda i: (NA + "/proposals/{proposal_b}/answer").format(**i), only({}), {}),
        Check("POST", lambda i: (NB + "/proposals/{proposal_b}/answer").format(**i), only({"recruiter_b": 422}), {}),
    ],
    "needs.job_dating": [
        Check("GET", lambda i: (NA + "/job-dating?booth={booth_a}").format(**i), only(A)),
        Check("GET", lambda i: (NA + "/job-dating?booth={booth_b}").format(**i), only({})),
        Check("GET", lambda i: (NB + "/job-dating?booth={booth_a}").format(**i), only({})),
    ],
    "needs.close": [
        Check("POST", lambda i: (NA + "/close").format(**i), only({"recruiter_a": 302}), {}),
        Check("POST", lambda i: (NB + "/close").format(**i), only({"recruiter_b": 302}), {}),
    ],
}
RUN_LAST = ["needs.close"]
