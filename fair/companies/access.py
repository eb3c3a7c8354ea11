"""The company's own objects, looked up for one of its members (anyone else finds nothing: 404)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from fair.access import as_id, organisations_of
from fair.accounts.models import Organisation, OrganisationKind
from fair.companies.models import Booth
from fair.extensions import db


def recruiter_booth(booth_id: Any, user_id: int) -> Booth | None:
    """The booth if this person is a member of its company; another company's booth is None."""
    wanted = as_id(booth_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Booth)
        .where(Booth.id == wanted, Booth.company_id.in_(organisations_of(user_id, OrganisationKind.company)))
        .options(joinedload(Booth.edition), joinedload(Booth.company))
    ).scalars().first()


def member_company(company_id: Any, user_id: int) -> Organisation | None:
    """The company (an active one) if this person is one of its members; any other organisation is None."""
    wanted = as_id(company_id)
    if wanted is None:
        return None
    return db.session.execute(select(Organisation).where(
        Organisation.id == wanted, Organisation.id.in_(organisations_of(user_id, OrganisationKind.company)))
    ).scalar_one_or_none()
