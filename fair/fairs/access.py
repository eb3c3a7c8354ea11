"""An organiser's own editions, looked up for one of its members (anyone else finds nothing: 404).

An edition is run by its lead organiser and its co-organisers (`EditionOrganiser`); the members of
either see and manage it, through `fair.fairs.rules.editions_run_by`. Only the lead's members
choose the co-organisers (`lead_edition`).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fair.access import as_id, organisations_of
from fair.accounts.models import OrganisationKind
from fair.extensions import db
from fair.fairs.models import Edition
from fair.fairs.rules import editions_run_by

__all__ = ["organiser_edition", "lead_edition", "editions_run_by"]


def organiser_edition(edition_id: Any, user_id: int) -> Edition | None:
    """The edition if this person belongs to its lead or a co-organiser; anyone else's edition is None."""
    wanted = as_id(edition_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Edition).where(Edition.id == wanted, Edition.id.in_(editions_run_by(user_id)))
    ).scalars().first()


def lead_edition(edition_id: Any, user_id: int) -> Edition | None:
    """The edition if this person belongs to its lead organiser (who alone chooses co-organisers)."""
    wanted = as_id(edition_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Edition).where(Edition.id == wanted,
                              Edition.organiser_id.in_(organisations_of(user_id, OrganisationKind.organiser)))
    ).scalars().first()
