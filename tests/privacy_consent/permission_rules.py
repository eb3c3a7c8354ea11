"""Permission matrix rows of consents, unsubscribe links and an organiser's own retention periods.

Each signed-in person reads their own consents (another person's answers 404 when withdrawn); the
unsubscribe link works for anyone who holds it, signed in or not, without a CSRF token (RFC 8058);
only an owner of an organiser reaches its retention page."""
from __future__ import annotations

from tests.matrix import Check, everyone, only, signed_in


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.consent import ConsentPurpose, ConsentRecord
    from fair.accounts.models import Membership, MembershipRole, Organisation, User
    from fair.mail.unsubscribe import token_for

    def user(role):
        return session.execute(select(User).where(User.email == world.users[role])).scalar_one()

    org_f = session.execute(select(Organisation).where(Organisation.name == "Organiser F")).scalar_one()
    org_g = session.execute(select(Organisation).where(Organisation.name == "Organiser G")).scalar_one()
    membership_f = session.execute(select(Membership).where(Membership.user_id == user("organiser_f").id,
                                                            Membership.organisation_id == org_f.id)).scalar_one()
    membership_f.role = MembershipRole.owner
    candidate = user("candidate")
    other = factory.user(email="consent.other@example.org")
    mine = ConsentRecord(user_id=candidate.id, purpose=ConsentPurpose.talent_pool, text="Keep my profile",
                         version="v", locale="en")
    theirs = ConsentRecord(user_id=other.id, purpose=ConsentPurpose.talent_pool, text="Keep my profile",
                           version="v", locale="en")
    session.add_all([mine, theirs])
    session.flush()
    world.ids.update({"consent_mine": mine.id, "consent_other": theirs.id, "org_f_id": org_f.id,
                      "org_g_id": org_g.id,
                      "unsubscribe_token": token_for("someone@example.org", org_f.id)})


EXPECTED = {
    "privacy.consents": [Check("GET", lambda i: "/account/consents", signed_in(200))],
    "privacy.withdraw": [
        Check("POST", lambda i: "/account/consents/{consent_other}/withdraw".format(**i), only({}), {}),
        Check("POST", lambda i: "/account/consents/{consent_mine}/withdraw".format(**i), only({"candidate": 302}), {}),
    ],
    "privacy.unsubscribe": [
        Check("GET", lambda i: "/unsubscribe/{unsubscribe_token}".format(**i), everyone(200)),
        Check("GET", lambda i: "/unsubscribe/not-a-token", everyone(404)),
        Check("POST", lambda i: "/unsubscribe/{unsubscribe_token}".format(**i), everyone(200), {}),
    ],
    "privacy.organiser_retention": [
        Check("GET", lambda i: "/organisations/{org_f_id}/retention".format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: "/organisations/{org_g_id}/retention".format(**i), only({})),
        Check("POST", lambda i: "/organisations/{org_f_id}/retention".format(**i), only({"organiser_f": 302}),
              {"days_application_after_edition": "", "days_talent_pool_after_contact": ""}),
    ],
}
RUN_LAST = ["privacy.withdraw", "privacy.unsubscribe", "privacy.organiser_retention"]
