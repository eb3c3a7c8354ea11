"""A company with an owner and a member; a person outside it; helpers to read the team page."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import csrf_token


@pytest.fixture
def team(factory):
    company = factory.organisation("company", name="Transports Rapides")
    owner = factory.member(company, email="owner@transports.example", full_name="Olivia Owner", role="owner")
    member = factory.member(company, email="member@transports.example", full_name="Marc Member")
    outsider = factory.user(email="outsider@example.org", full_name="Oscar Outsider")
    other = factory.organisation("company", name="Autre Entreprise")
    factory.member(other, email="owner@autre.example", full_name="Other Owner", role="owner")
    return SimpleNamespace(company=company, company_id=company.id, owner=owner, member=member, outsider=outsider,
                           other=other,
                           path=f"/organisations/{company.id}/team")


def logout(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})


def audit_actions(session, organisation_id: int) -> list[str]:
    from sqlalchemy import select

    from fair.audit import AuditEntry

    session.expire_all()
    return list(session.execute(
        select(AuditEntry.action).where(AuditEntry.organisation_id == organisation_id).order_by(AuditEntry.id)
    ).scalars())
