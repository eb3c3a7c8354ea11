"""An organiser's own editions, looked up for one of its members (anyone else finds nothing: 404)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fair.access import as_id, organisations_of
from fair.accounts.models import OrganisationKind
from fair.extensions import db
from fair.fairs.models import Edition


def organiser_edition(edition_id: Any, user_id: int) -> Edition | None:
    """The edition if this person belongs to its organiser; another organiser's edition is None."""
    wanted = as_id(edition_id)
    if wanted is None:
        return None
    return db.session.execute(
        select(Edition).where(Edition.id == wanted,
                              Edition.organiser_id.in_(organisations_of(user_id, OrganisationKind.organiser)))
    ).scalars().first()
