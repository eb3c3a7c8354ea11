"""Single-purpose links that act without signing in: a survey answered in one tap from a mail, and
whatever later needs the same (self-service appointment links, follow-up surveys).

Only the SHA-256 of the link's secret (256 bits from `secrets`) is stored. A token names its purpose,
the person it acts for and, optionally, the object it concerns; it expires, may be revoked, and is
spent after `max_uses` uses. `redeem` checks all of that in the caller's transaction and says which
rule refused, so the page can explain it.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, Integer, String, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from fair.clock import now
from fair.db import Base, UTCDateTime, utcnow
from fair.security import hash_token, new_token


class ActionToken(Base):
    __tablename__ = "action_tokens"
    __table_args__ = (Index("ix_action_tokens_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # What the link may do, e.g. "survey": a token of one purpose opens no other page.
    purpose: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    max_uses: Mapped[int] = mapped_column(Integer, default=1)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class LinkRefusal(str, enum.Enum):
    unknown = "unknown"
    wrong_purpose = "wrong_purpose"
    expired = "expired"
    used = "used"
    revoked = "revoked"


# The status of the page that explains a refusal: a link that never was one (or is of another purpose)
# is not found; one that was valid is gone.
REFUSAL_STATUS = {
    LinkRefusal.unknown: 404,
    LinkRefusal.wrong_purpose: 404,
    LinkRefusal.expired: 410,
    LinkRefusal.revoked: 410,
    LinkRefusal.used: 410,
}


class LinkRefused(Exception):
    def __init__(self, reason: LinkRefusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


def issue(session: Session, purpose: str, *, user_id: int | None, ttl: dt.timedelta,
          subject_type: str | None = None, subject_id: int | None = None, max_uses: int = 1) -> str:
    """A new link secret for `purpose` (the caller puts it in a URL); the row joins the caller's transaction."""
    raw, digest = new_token()
    session.add(ActionToken(token_hash=digest, purpose=purpose, user_id=user_id, subject_type=subject_type,
                            subject_id=subject_id, max_uses=max_uses, expires_at=now() + ttl))
    return raw


def peek(session: Session, raw: str, purpose: str) -> ActionToken:
    """The live token for `raw`, without using it (a page that shows before it acts); raises LinkRefused."""
    return _live(session, raw, purpose)


def peek_any(session: Session, raw: str) -> ActionToken:
    """The live token for `raw` whatever its purpose (one address, `/r/<token>`, dispatching on it)."""
    return _live(session, raw, None)


def _live(session: Session, raw: str, purpose: str | None) -> ActionToken:
    token = session.execute(select(ActionToken).where(ActionToken.token_hash == hash_token(raw or ""))
                            ).scalars().first()
    if token is None:
        raise LinkRefused(LinkRefusal.unknown)
    if purpose is not None and token.purpose != purpose:
        raise LinkRefused(LinkRefusal.wrong_purpose)
    if token.revoked_at is not None:
        raise LinkRefused(LinkRefusal.revoked)
    if token.uses >= token.max_uses:
        raise LinkRefused(LinkRefusal.used)
    if token.expires_at <= now():
        raise LinkRefused(LinkRefusal.expired)
    return token


def redeem(session: Session, raw: str, purpose: str) -> ActionToken:
    """Use the link once. The use is a conditional UPDATE, so two requests racing on a one-use link
    cannot both pass; raises LinkRefused with the rule that refused."""
    token = peek(session, raw, purpose)
    moment = now()
    spent = session.execute(
        update(ActionToken).where(ActionToken.id == token.id, ActionToken.uses < ActionToken.max_uses,
                                  ActionToken.revoked_at.is_(None))
        .values(uses=ActionToken.uses + 1, used_at=moment).execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise LinkRefused(LinkRefusal.used)
    session.refresh(token)
    return token


def revoke(session: Session, *, purpose: str, subject_type: str | None = None, subject_id: int | None = None,
           user_id: int | None = None) -> int:
    """Revoke the live tokens of a purpose for an object or a person; answers how many."""
    conditions = [ActionToken.purpose == purpose, ActionToken.revoked_at.is_(None)]
    if subject_type is not None:
        conditions += [ActionToken.subject_type == subject_type, ActionToken.subject_id == subject_id]
    if user_id is not None:
        conditions.append(ActionToken.user_id == user_id)
    return session.execute(update(ActionToken).where(*conditions).values(revoked_at=now())
                           .execution_options(synchronize_session=False)).rowcount
