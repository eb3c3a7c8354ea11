"""Permission matrix rows of the team pages: recruiter A owns company A, recruiter B is a member (not
an owner) of company B. Members read their team; only owners act on it; everyone else gets 404."""
from __future__ import annotations

import datetime as dt

from tests.matrix import Check, everyone, only

T = "/organisations/{company_a}/team"
TB = "/organisations/{company_b}/team"


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import (
        JoinRequest,
        Membership,
        MembershipRole,
        Organisation,
        TeamInvitation,
        User,
    )
    from fair.db import utcnow
    from fair.security import new_token

    def org(name):
        return session.execute(select(Organisation).where(Organisation.name == name)).scalar_one()

    def membership(email):
        return session.execute(select(Membership).join(User, User.id == Membership.user_id)
                               .where(User.email == email)).scalars().first()

    company_a, company_b = org("Company A"), org("Company B")
    membership_a, membership_b = membership(world.users["recruiter_a"]), membership(world.users["recruiter_b"])
    membership_a.role = MembershipRole.owner
    token, token_hash = new_token()
    later = utcnow() + dt.timedelta(days=3)
    invitations = {
        name: TeamInvitation(organisation_id=organisation.id, email=f"{name}@example.org", token_hash=hashed,
                             expires_at=later)
        for name, organisation, hashed in (
            ("tinv_resend", company_a, new_token()[1]), ("tinv_revoke", company_a, new_token()[1]),
            ("tinv_b", company_b, new_token()[1]), ("tinv_link", company_a, token_hash))
    }
    joiners = [factory.user(email=f"joiner{n}@example.org") for n in range(3)]
    requests = {
        "join_approve": JoinRequest(organisation_id=company_a.id, user_id=joiners[0].id),
        "join_refuse": JoinRequest(organisation_id=company_a.id, user_id=joiners[1].id),
        "join_b": JoinRequest(organisation_id=company_b.id, user_id=joiners[2].id),
    }
    session.add_all([*invitations.values(), *requests.values()])
    session.flush()
    world.ids.update({"company_a": company_a.id, "company_b": company_b.id, "team_token": token,
                      "membership_a": membership_a.id, "membership_b": membership_b.id,
                      **{name: row.id for name, row in {**invitations, **requests}.items()}})


A = {"recruiter_a": 302}
EXPECTED = {
    "teams.team": [
        Check("GET", lambda i: T.format(**i), only({"recruiter_a": 200})),
        Check("GET", lambda i: TB.format(**i), only({"recruiter_b": 200})),
    ],
    "teams.invite": [
        Check("POST", lambda i: (T + "/invitations").format(**i), only({"recruiter_a": 422}), {}),
        Check("POST", lambda i: (TB + "/invitations").format(**i), only({}), {}),  # a member is no owner
    ],
    "teams.resend_invitation": [
        Check("POST", lambda i: (T + "/invitations/{tinv_resend}/resend").format(**i), only(A), {}),
        Check("POST", lambda i: (TB + "/invitations/{tinv_b}/resend").format(**i), only({}), {}),
        Check("POST", lambda i: (T + "/invitations/{tinv_b}/resend").format(**i), only({}), {}),
    ],
    "teams.revoke_invitation": [
        Check("POST", lambda i: (T + "/invitations/{tinv_revoke}/revoke").format(**i), only(A), {}),
        Check("POST", lambda i: (TB + "/invitations/{tinv_b}/revoke").format(**i), only({}), {}),
    ],
    "teams.remove_member": [
        # The last owner removing themself is refused with a message (302 back to the team page).
        Check("POST", lambda i: (T + "/members/{membership_a}/remove").format(**i), only(A), {}),
        Check("POST", lambda i: (TB + "/members/{membership_b}/remove").format(**i), only({}), {}),
        Check("POST", lambda i: (T + "/members/{membership_b}/remove").format(**i), only({}), {}),
    ],
    "teams.change_role": [
        Check("POST", lambda i: (T + "/members/{membership_a}/role").format(**i), only(A), {}),
        Check("POST", lambda i: (TB + "/members/{membership_b}/role").format(**i), only({}), {}),
    ],
    "teams.leave": [
        # Recruiter A is the last owner: refused (302 with a message); outsiders get 404.
        Check("POST", lambda i: (T + "/leave").format(**i), only(A), {}),
    ],
    "teams.approve_join_request": [
        Check("POST", lambda i: (T + "/join-requests/{join_approve}/approve").format(**i), only(A), {}),
        Check("POST", lambda i: (TB + "/join-requests/{join_b}/approve").format(**i), only({}), {}),
    ],
    "teams.refuse_join_request": [
        Check("POST", lambda i: (T + "/join-requests/{join_refuse}/refuse").format(**i), only(A), {}),
        Check("POST", lambda i: (T + "/join-requests/{join_b}/refuse").format(**i), only({}), {}),
    ],
    "teams.accept_invitation": [
        # Anyone holding the link reads what it is; only its address may accept (tested in test_teams).
        Check("GET", lambda i: "/team-invitations/{team_token}".format(**i), everyone(200)),
        Check("GET", lambda i: "/team-invitations/tampered-token", everyone(404)),
    ],
}

RUN_LAST = ["teams.resend_invitation", "teams.revoke_invitation", "teams.approve_join_request",
            "teams.refuse_join_request", "teams.remove_member", "teams.change_role", "teams.leave"]
