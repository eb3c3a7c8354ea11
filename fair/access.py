"""Who may see what: lookups that answer 404 for objects of another owner (never 403)."""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from fair.accounts.models import Membership, Organisation, OrganisationKind
from fair.extensions import db


def member_org_ids(kind: OrganisationKind) -> list[int]:
    if not current_user.is_authenticated:
        return []
    rows = db.session.execute(
        select(Organisation.id)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == current_user.id, Organisation.kind == kind)
    ).scalars()
    return list(rows)


def role_required(kind: OrganisationKind) -> Callable:
    """The signed-in user must belong to an organisation of `kind`; others get 404."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from fair.extensions import login_manager

                return login_manager.unauthorized()
            if not member_org_ids(kind):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def candidate_required(view: Callable) -> Callable:
    """Signed-in people without any organisation role (candidates); others get 404."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            from fair.extensions import login_manager

            return login_manager.unauthorized()
        if not current_user.is_candidate:
            abort(404)
        return view(*args, **kwargs)

    return wrapped
