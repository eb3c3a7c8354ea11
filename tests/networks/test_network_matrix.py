"""The network pages for the roles a network has: its coordinator, a second network's coordinator, a
member's referent, another member's adviser, an adviser outside any of it, a followed candidate.
Another network's objects answer 404; management is the coordinators' alone."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token, login
from tests.matrix import LOGIN
from tests.networks.world import build

ROLES = ("anonymous", "coordinator", "other_coordinator", "referent", "member_adviser", "outsider", "candidate")


def _checks(w) -> list[tuple[str, str, dict, dict]]:
    """(method, path, form, outcome per role; roles not named get 404 once signed in)."""
    n, m = f"/networks/{w.union.id}", f"/networks/{w.other_union.id}"
    row = w.tremplin_row
    other_row = w.outsider_row
    members = {"coordinator": 200, "referent": 200, "member_adviser": 200}
    return [
        ("GET", "/networks", {}, {**members, "other_coordinator": 200, "outsider": 200}),
        ("GET", n, {}, members),
        ("GET", m, {}, {"other_coordinator": 200, "outsider": 200}),
        ("GET", f"{n}/figures?year=2030", {}, {"coordinator": 200}),
        ("GET", f"{m}/figures?year=2030", {}, {"other_coordinator": 200}),
        ("POST", f"{n}/figures/export?year=2030", {"format": "nonsense"}, {"coordinator": 404}),
        ("POST", f"{n}/members", {"organisation_id": "0"}, {"coordinator": 422}),
        ("POST", f"{m}/members", {"organisation_id": "0"}, {"other_coordinator": 422}),
        ("POST", f"{n}/members/{row}/referent", {"referent_id": str(w.referent.id)}, {"coordinator": 303}),
        # A row of the second network through the first network's address: 404 even to its coordinator.
        ("POST", f"{n}/members/{other_row}/referent", {"referent_id": ""}, {}),
        ("POST", f"{m}/members/{row}/leave", {}, {}),
        ("GET", f"/adviser/referrals/{w.camille_referral.id}/networks", {}, {"referent": 200}),
        ("GET", "/candidate/networks", {}, {"candidate": 200}),
        ("POST", f"/candidate/networks/{w.other_union.id}/consent", {}, {}),
        ("POST", f"/candidate/networks/{w.union.id}/consent", {}, {"candidate": 303}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_network_roles(role, app, client, session, factory):
    from sqlalchemy import select

    from fair.networks.models import NetworkMember

    world = build(app, session, factory)
    world.tremplin_row = session.execute(select(NetworkMember.id).where(
        NetworkMember.member_id == world.tremplin.id)).scalar_one()
    world.outsider_row = session.execute(select(NetworkMember.id).where(
        NetworkMember.member_id == world.outsider.id)).scalar_one()
    users = {"coordinator": world.coordinator, "other_coordinator": world.other_coordinator,
             "referent": world.referent, "member_adviser": world.other_adviser,
             "outsider": world.outsider_adviser, "candidate": world.camille}
    if role != "anonymous":
        login(client, users[role].email)
    failures = []
    for method, path, form, allowed in _checks(world):
        want = LOGIN if role == "anonymous" else allowed.get(role, 404)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={**form, "csrf_token": csrf_token(client, "/login" if role == "anonymous"
                                                                                 else "/account")})
        got = response.status_code
        if got in (302, 303) and "/login" in response.headers.get("Location", ""):
            got = LOGIN
        if got != want:
            failures.append(f"{method} {path} as {role}: got {got}, expected {want}")
    assert not failures, "\n".join(failures)
