"""The audit log: who among the staff did what to which object, when, and from which address.

`record()` adds one row in the caller's transaction, so the entry exists exactly when the action
does. Rows are append-only: no route edits or deletes them, the ORM refuses to, and on PostgreSQL
a trigger refuses UPDATE and DELETE too.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Integer, String, and_, event, func, or_, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from fair.db import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # What the actor was called then: the log must read the same after an account changes or goes.
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40), index=True)
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_label: Mapped[str] = mapped_column(String(300), default="")
    # The organisation the action concerns, so that its owners can read their own part of the log.
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str] = mapped_column(String(64), default="")


class AuditLogIsAppendOnly(Exception):
    """Raised when anything tries to change or delete an audit row through the ORM."""


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("the audit log is append-only")


def record(session: Session, action: str, obj: Any = None, *, object_type: str | None = None,
           object_id: int | None = None, label: str | None = None, organisation_id: int | None = None,
           actor: Any = None, details: dict | None = None) -> AuditEntry:
    """One row for one staff action, in the caller's transaction.

    `obj` is the row acted upon (its table name, id and a readable name are taken from it), or pass
    `object_type`/`object_id`/`label`. The actor defaults to the signed-in person of the request;
    commands run from a shell pass theirs (or None: "the command line").
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        label = label if label is not None else _label_of(obj)
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        object_label=(label or "")[:300],
        organisation_id=organisation_id,
        details=details or {},
        ip_address=(request.remote_addr or "")[:64] if has_request_context() else "",
    )
    session.add(entry)
    return entry


def _label_of(obj: Any) -> str:
    for attribute in ("name", "title", "email", "full_name"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return ""


def pseudonymise(session: Session, *, user_id: int, email: str | None, full_name: str, pseudonym: str) -> int:
    """Replace an erased person's address and name, where the log quotes them, by `pseudonym`.

    The one change the log accepts, and only for erasure: a core UPDATE (the ORM guard above refuses
    any change of a loaded row) of `actor_email` and `object_label` only. On PostgreSQL the trigger
    lets it through because the transaction says `SET LOCAL fair.erasure = 'on'` (it ends with the
    transaction) and nothing else of the row changes. Rows keep their actor id, action, object and time.
    Answers how many rows changed.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL fair.erasure = 'on'"))
    lowered = (email or "").lower()  # a phone-only account has no address: only its id is looked for
    by_actor = [AuditEntry.actor_id == user_id]
    about = [and_(AuditEntry.object_type == "users", AuditEntry.object_id == user_id)]
    if lowered:
        by_actor.append(func.lower(AuditEntry.actor_email) == lowered)
        about.append(func.lower(AuditEntry.object_label) == lowered)
    changed = session.execute(
        update(AuditEntry).where(or_(*by_actor))
        .values(actor_email=pseudonym).execution_options(synchronize_session=False)).rowcount
    if full_name:
        about.append(and_(AuditEntry.object_type.in_(("users", "memberships")),
                          AuditEntry.object_label == full_name))
    changed += session.execute(
        update(AuditEntry).where(or_(*about)).values(object_label=pseudonym)
        .execution_options(synchronize_session=False)).rowcount
    return changed
