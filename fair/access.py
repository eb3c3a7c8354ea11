"""Who may see what: lookups that answer 404 for objects of another owner (never 403).

Each domain keeps the lookups of its own objects in its `access` module (the recruiter's booth in
`fair.companies.access`, the organiser's edition in `fair.fairs.access`...): each returns the object
only if the given person owns it, else None. A view answers that None with `owned_or_404`, a socket
handler with its `not_found` refusal, so another owner's object looks the same as one that does not exist.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from fair.accounts.models import Membership, Organisation, OrganisationKind
from fair.extensions import db, login_manager

T = TypeVar("T")


def owned_or_404(found: T | None) -> T:
    """What an owner-scoped lookup found; nothing (absent, or someone else's) answers 404."""
    if found is None:
        abort(404)
    return found


def as_id(value: Any) -> int | None:
    """An id from a URL or a socket payload if it can name a row (a positive 32-bit integer), else None.

    Beyond an integer column PostgreSQL would refuse the query: such a value simply finds nothing.
    """
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def organisations_of(user_id: int, kind: OrganisationKind) -> Select:
    """The ids of the active organisations of `kind` this person belongs to, as a subquery for `in_()`.

    A deactivated (or merged) organisation gives its members no role: its pages answer 404 to them.
    """
    return (select(Organisation.id)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user_id, Organisation.kind == kind, Organisation.is_active.is_(True)))


def member_org_ids(kind: OrganisationKind) -> list[int]:
    if not current_user.is_authenticated:
        return []
    return list(db.session.execute(organisations_of(current_user.id, kind)).scalars())


def role_required(kind: OrganisationKind) -> Callable:
    """The signed-in user must belong to an organisation of `kind`; others get 404."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not member_org_ids(kind):
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def admin_required(view: Callable) -> Callable:
    """The signed-in user must be an administrator of the instance; others get 404."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def candidate_required(view: Callable) -> Callable:
    """Signed-in people without any organisation role (candidates); others get 404."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_candidate:
            abort(404)
        return view(*args, **kwargs)

    return wrapped
