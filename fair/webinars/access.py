"""Webinars their hosts may manage: the edition's organisers, or the company whose booth runs it.

Anyone else finds nothing (404), as if the webinar did not exist.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fair.access import as_id, organisations_of
from fair.accounts.models import OrganisationKind
from fair.companies.models import Booth
from fair.extensions import db
from fair.fairs.access import editions_run_by
from fair.fairs.models import Edition
from fair.webinars.models import Webinar


def organiser_webinar(webinar_id: Any, user_id: int) -> Webinar | None:
    """A webinar of an edition this person organises (booths' webinars included); else None."""
    wanted = as_id(webinar_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Webinar).join(Edition, Edition.id == Webinar.edition_id)
        .where(Webinar.id == wanted, Edition.id.in_(editions_run_by(user_id)))
    ).scalars().first()


def company_webinar(webinar_id: Any, user_id: int) -> Webinar | None:
    """A webinar of a booth of this person's company; else None."""
    wanted = as_id(webinar_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Webinar).join(Booth, Booth.id == Webinar.booth_id)
        .where(Webinar.id == wanted, Booth.company_id.in_(organisations_of(user_id, OrganisationKind.company)))
    ).scalars().first()
