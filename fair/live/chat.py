"""Booth chat: public questions and answers, moderation (hide, mute) and private recruiter–candidate chat.

Text is stored as typed (trimmed, at most 1,000 characters) and turned into HTML only on the way out:
escaped first, then http(s) addresses made into links, then cleaned once more by nh3, so what a
person typed can never become markup, whatever the page or the client that shows it.

Names in the public chat are the same for every reader, because a broadcast is encoded once for the
whole booth room: recruiters and organisers appear under their full name (they speak for the
booth); a candidate appears as first name + initial ("Marie D."), which is enough to follow a
conversation without publishing who is looking for a job. In an edition with anonymised
applications, a candidate appears under a label instead, so that a recruiter never learns a name
there: the candidates domain's "Candidate no. 00042" when they applied to one of the booth's offers
(the recruiter finds the same label in their inbox), else "Anonymous candidate K7QX", a code stable
on that booth only. Because readers speak different languages, the label travels as `anon`
(`{"code", "applied"}`) and each page words it in its own language; `author` holds it in the
language of whoever rendered it, for clients that do not know better.

People are named in payloads by a chat id of the booth (`chat_id`), never by their user id: the same
person gets unrelated ids on two booths, so that nobody can link one person's messages across booths
or editions. Events that name a person (mute, unmute, private messages) take that id back, and
`user_by_chat_id` finds the person only among those this booth's chat deals with.

Services take plain arguments and never commit: the socket handler owns the transaction.
"""
from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import html
import re
from dataclasses import dataclass
from typing import Any

import nh3
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint, delete, exists, or_, select, union
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from fair.accounts.models import Membership, User
from fair.accounts.services import require_confirmed
from fair.candidates.models import Application
from fair.candidates.services import pseudonym
from fair.companies.models import Booth, Offer
from fair.db import Base, UTCDateTime, bidi_free, enum_column, utcnow
from fair.fairs.models import Edition, EditionStatus
from fair.fairs.rules import editions_run_by
from fair.live.models import OPEN_STATUSES, QueueEntry

MAX_TEXT = 1000
PAGE = 50
CHAT_STATUSES = (EditionStatus.published, EditionStatus.live)


class ChatRole(str, enum.Enum):
    recruiter = "recruiter"  # a member of the booth's company: their messages are the booth's answers
    organiser = "organiser"  # a member of the edition's organiser
    candidate = "candidate"  # anybody else who follows the booth


class ChatMessage(Base):
    """One public message on a booth's chat; hiding keeps the row (who hid it, when) for the record."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_booth_visible", "booth_id", "hidden_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[ChatRole] = mapped_column(enum_column(ChatRole, "chat_role"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    hidden_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    booth: Mapped[Booth] = relationship()

    _no_bidi = bidi_free("text")


class ChatMute(Base):
    """A person who may not post on one booth's public chat, until `until` (None: until unmuted)."""

    __tablename__ = "chat_mutes"
    __table_args__ = (UniqueConstraint("booth_id", "user_id", name="uq_chat_mutes_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    muted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PrivateMessage(Base):
    """A message of the private conversation between one recruiter of a booth and one candidate."""

    __tablename__ = "chat_private_messages"
    __table_args__ = (
        Index("ix_chat_private_messages_pair", "booth_id", "recruiter_id", "candidate_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booth_id: Mapped[int] = mapped_column(ForeignKey("booths.id", ondelete="CASCADE"))
    recruiter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_recruiter: Mapped[bool] = mapped_column()
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recruiter: Mapped[User] = relationship(foreign_keys=[recruiter_id])
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    booth: Mapped[Booth] = relationship()

    _no_bidi = bidi_free("text")


class ChatRefused(Exception):
    """A chat rule said no; `code` is the contract's code, `message` is already translated."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------- safe text

_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»"
_LINK_REL = "nofollow noopener ugc"


def clean_text(raw: Any) -> str:
    """The text as it will be stored: a string, trimmed, not empty, at most MAX_TEXT characters."""
    if not isinstance(raw, str):
        raise ChatRefused(_("Write a message first."), "invalid")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not text:
        raise ChatRefused(_("Write a message first."), "invalid")
    if len(text) > MAX_TEXT:
        raise ChatRefused(_("A message holds at most %(count)s characters.", count=MAX_TEXT), "too_long")
    return text


def render_html(text: str) -> str:
    """Escaped text with its http(s) addresses as links opening in a new tab, checked by nh3."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = match.group(0)
        trimmed = url.rstrip(_TRAILING)
        if "(" in trimmed and url.endswith(")") and trimmed.count("(") > trimmed.count(")"):
            trimmed += ")"  # https://fr.wikipedia.org/wiki/Lille_(France)
        end = match.start() + len(trimmed)
        parts.append(html.escape(text[position:match.start()], quote=True))
        safe = html.escape(trimmed, quote=True)
        parts.append(f'<a href="{safe}">{safe}</a>')
        position = end
    parts.append(html.escape(text[position:], quote=True))
    return nh3.clean(
        "".join(parts),
        tags={"a"},
        attributes={"a": {"href"}},
        set_tag_attribute_values={"a": {"target": "_blank"}},
        link_rel=_LINK_REL,
        url_schemes={"http", "https"},
        url_relative=None,
    )


# ---------------------------------------------------------------- who is who on a booth

def booth_for_chat(session: Session, booth_id: Any) -> Booth | None:
    """The booth if its edition is published or live (the chat is open then), else None."""
    if not isinstance(booth_id, int) or isinstance(booth_id, bool):
        return None
    booth = session.get(Booth, booth_id)
    if booth is None or booth.edition.status not in CHAT_STATUSES:
        return None
    return booth


def _member_of(session: Session, user_id: int, organisation_id: int) -> bool:
    return session.execute(
        select(exists().where(Membership.user_id == user_id, Membership.organisation_id == organisation_id))
    ).scalar_one()


def is_booth_recruiter(session: Session, booth: Booth, user_id: int) -> bool:
    return _member_of(session, user_id, booth.company_id)


def is_edition_organiser(session: Session, booth: Booth, user_id: int) -> bool:
    return session.execute(editions_run_by(user_id).where(Edition.id == booth.edition_id)).first() is not None


def can_moderate(session: Session, booth: Booth, user_id: int) -> bool:
    """The booth's recruiters and the edition's organisers."""
    return is_booth_recruiter(session, booth, user_id) or is_edition_organiser(session, booth, user_id)


def role_on(session: Session, booth: Booth, user_id: int) -> ChatRole:
    if is_booth_recruiter(session, booth, user_id):
        return ChatRole.recruiter
    if is_edition_organiser(session, booth, user_id):
        return ChatRole.organiser
    return ChatRole.candidate


def first_name_initial(full_name: str) -> str:
    """"Marie Dupont-Lefèvre" → "Marie D."; a single word stays as it is."""
    words = full_name.split()
    if not words:
        return "?"
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][0].upper()}."


@dataclass(frozen=True)
class Anon:
    code: str
    applied: bool

    def label(self) -> str:
        if self.applied:
            return _("Candidate no. %(code)s", code=self.code)
        return _("Anonymous candidate %(code)s", code=self.code)


def _visitor_code(booth_id: int, user_id: int) -> str:
    """Four letters and digits, stable for a person on one booth, unrelated from one booth to another."""
    secret = str(current_app.config.get("SECRET_KEY", ""))
    digest = hashlib.sha256(f"chat:{booth_id}:{user_id}:{secret}".encode()).digest()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(alphabet[b % len(alphabet)] for b in digest[:4])


CHAT_ID_LENGTH = 16


def chat_id(booth_id: int, user_id: int) -> str:
    """The person's id on one booth's chat: stable there, unrelated to their user id and to their id on
    any other booth (an HMAC of both with the app's secret key)."""
    secret = str(current_app.config.get("SECRET_KEY", "")).encode()
    digest = hmac.new(secret, f"fair.live.chat_id:{booth_id}:{user_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:CHAT_ID_LENGTH]


def _chat_people(session: Session, booth: Booth) -> set[int]:
    """Everyone this booth's chat deals with: authors of its messages, people muted there, both sides of
    its private conversations, its queue's candidates, applicants to its offers and its recruiters."""
    queries = (
        select(ChatMessage.author_id).where(ChatMessage.booth_id == booth.id),
        select(ChatMute.user_id).where(ChatMute.booth_id == booth.id),
        select(PrivateMessage.recruiter_id).where(PrivateMessage.booth_id == booth.id),
        select(PrivateMessage.candidate_id).where(PrivateMessage.booth_id == booth.id),
        select(QueueEntry.candidate_id).where(QueueEntry.booth_id == booth.id),
        select(Application.candidate_id).join(Offer, Offer.id == Application.offer_id)
        .where(Offer.booth_id == booth.id),
        select(Membership.user_id).where(Membership.organisation_id == booth.company_id),
    )
    return set(session.execute(union(*queries)).scalars())


def user_by_chat_id(session: Session, booth: Booth, code: Any) -> User | None:
    """The person this booth's chat knows under `code` (see `chat_id`), else None: an id of another booth,
    or of someone the booth never dealt with, names nobody."""
    if not isinstance(code, str) or len(code) != CHAT_ID_LENGTH:
        return None
    found = None
    for user_id in _chat_people(session, booth):
        if hmac.compare_digest(chat_id(booth.id, user_id), code):
            found = user_id
    return None if found is None else session.get(User, found)


def anon_for(session: Session, booth: Booth, user_id: int) -> Anon:
    application = session.execute(
        select(Application).join(Offer, Offer.id == Application.offer_id)
        .where(Offer.booth_id == booth.id, Application.candidate_id == user_id)
        .order_by(Application.id).limit(1)
    ).scalars().first()
    if application is not None:
        return Anon(pseudonym(application), True)
    return Anon(_visitor_code(booth.id, user_id), False)


def public_name(session: Session, booth: Booth, user: User, role: ChatRole) -> tuple[str, Anon | None]:
    """The name every reader of the public chat sees for `user` (see the module's docstring)."""
    if role is not ChatRole.candidate or user.erased_at is not None:
        return user.full_name, None  # an erased account reads "Deleted account", whatever the role
    if booth.edition.anonymised_applications:
        anon = anon_for(session, booth, user.id)
        return anon.label(), anon
    return first_name_initial(user.full_name), None


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def message_payload(session: Session, message: ChatMessage, names: dict[int, tuple[str, Anon | None]] | None = None
                    ) -> dict[str, Any]:
    """ChatMessage as the contract gives it: `{"id", "booth", "user", "author", "anon", "role", "html", "at"}`."""
    cache = names if names is not None else {}
    if message.author_id not in cache:
        cache[message.author_id] = public_name(session, message.booth, message.author, message.role)
    author, anon = cache[message.author_id]
    return {
        "id": message.id,
        "booth": message.booth_id,
        "user": chat_id(message.booth_id, message.author_id),
        "author": author,
        "anon": None if anon is None else {"code": anon.code, "applied": anon.applied},
        "role": message.role.value,
        "answer": message.role is ChatRole.recruiter,
        "html": render_html(message.text),
        "at": _iso(message.created_at),
    }


# ---------------------------------------------------------------- public chat

def history(session: Session, booth_id: int, viewer_id: int | None, before: int | None = None,
            limit: int = PAGE) -> list[dict[str, Any]]:
    """The booth's recent public messages as a newcomer sees them (hidden ones left out), oldest first.

    Every reader gets the same list (names included), so that history and live broadcasts agree;
    `viewer_id` is kept in the signature for the live core, which passes who is asking.
    `before` gives the page of older messages preceding that message id.
    """
    # the authors in one more query (not one per author); the booth is the same for all
    statement = select(ChatMessage).options(selectinload(ChatMessage.author)).where(
        ChatMessage.booth_id == booth_id, ChatMessage.hidden_at.is_(None))
    if before is not None:
        statement = statement.where(ChatMessage.id < before)
    rows = list(session.execute(statement.order_by(ChatMessage.id.desc()).limit(limit)).scalars())
    names: dict[int, tuple[str, Anon | None]] = {}
    return [message_payload(session, message, names) for message in reversed(rows)]


def active_mute(session: Session, booth_id: int, user_id: int) -> ChatMute | None:
    mute = session.execute(
        select(ChatMute).where(ChatMute.booth_id == booth_id, ChatMute.user_id == user_id)
    ).scalars().first()
    if mute is None or (mute.until is not None and mute.until <= utcnow()):
        return None
    return mute


def post(session: Session, booth: Booth, author: User, raw_text: Any) -> ChatMessage:
    """A public message on the booth, refused when the author is muted there."""
    text = clean_text(raw_text)
    if active_mute(session, booth.id, author.id) is not None:
        raise ChatRefused(_("You can no longer post on this booth's chat: a moderator muted you."), "muted")
    role = role_on(session, booth, author.id)
    if role is ChatRole.candidate:
        require_confirmed(author)
    message = ChatMessage(booth=booth, author=author, role=role, text=text)
    session.add(message)
    session.flush()
    return message


def message_for_moderator(session: Session, message_id: Any, moderator_id: int) -> ChatMessage | None:
    """The message if `moderator_id` may moderate its booth (published or live), else None (404)."""
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        return None
    message = session.get(ChatMessage, message_id)
    if message is None or booth_for_chat(session, message.booth_id) is None:
        return None
    if not can_moderate(session, message.booth, moderator_id):
        return None
    return message


def hide(message: ChatMessage, moderator_id: int) -> bool:
    """Hide a message; False if it already was (nothing to tell the room again)."""
    if message.hidden_at is not None:
        return False
    message.hidden_at = utcnow()
    message.hidden_by_id = moderator_id
    return True


def mute(session: Session, booth: Booth, who: Any, moderator_id: int, minutes: Any = None) -> ChatMute:
    """Mute a person (named by their chat id on this booth) for `minutes` (1 to 7 days' worth) or until
    unmuted."""
    person = user_by_chat_id(session, booth, who)
    if person is None:
        raise ChatRefused(_("This person was not found."), "not_found")
    user_id = person.id
    if can_moderate(session, booth, user_id):
        raise ChatRefused(_("A recruiter of the booth or an organiser cannot be muted."), "invalid")
    until = None
    if minutes is not None:
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 7 * 24 * 60:
            raise ChatRefused(_("Choose a duration between 1 minute and 7 days."), "invalid")
        until = utcnow() + dt.timedelta(minutes=minutes)
    existing = session.execute(
        select(ChatMute).where(ChatMute.booth_id == booth.id, ChatMute.user_id == user_id)
    ).scalars().first()
    if existing is None:
        existing = ChatMute(booth_id=booth.id, user_id=user_id)
        session.add(existing)
    existing.muted_by_id = moderator_id
    existing.created_at = utcnow()
    existing.until = until
    session.flush()
    return existing


def unmute(session: Session, booth: Booth, who: Any) -> int | None:
    """Let the person named by their chat id write again: their user id if they were muted, else None."""
    person = user_by_chat_id(session, booth, who)
    if person is None:
        raise ChatRefused(_("This person was not found."), "not_found")
    result = session.execute(delete(ChatMute).where(ChatMute.booth_id == booth.id, ChatMute.user_id == person.id))
    return person.id if result.rowcount else None


def mutes(session: Session, booth: Booth) -> list[dict[str, Any]]:
    """People muted on this booth now, named as in the public chat (moderators' list)."""
    rows = session.execute(
        select(ChatMute).where(ChatMute.booth_id == booth.id,
                               or_(ChatMute.until.is_(None), ChatMute.until > utcnow()))
        .order_by(ChatMute.created_at)
    ).scalars()
    answer = []
    for row in rows:
        name, anon = public_name(session, booth, row.user, ChatRole.candidate)
        answer.append({"user": chat_id(booth.id, row.user_id), "author": name,
                       "anon": None if anon is None else {"code": anon.code, "applied": anon.applied},
                       "until": None if row.until is None else _iso(row.until)})
    return answer


# ---------------------------------------------------------------- private chat

def _in_queue(session: Session, booth_id: int, user_id: int) -> bool:
    """Whether the candidate holds an open entry (waiting, called, in a call) in the booth's walk-in queue."""
    return session.execute(select(exists().where(
        QueueEntry.booth_id == booth_id, QueueEntry.candidate_id == user_id, QueueEntry.status.in_(OPEN_STATUSES),
    ))).scalar_one()


def _conversation_exists(session: Session, booth_id: int, recruiter_id: int, candidate_id: int) -> bool:
    return session.execute(select(exists().where(
        PrivateMessage.booth_id == booth_id, PrivateMessage.recruiter_id == recruiter_id,
        PrivateMessage.candidate_id == candidate_id,
    ))).scalar_one()


def may_contact(session: Session, booth: Booth, candidate_id: int) -> bool:
    """A recruiter may write first to a candidate who is in the booth's queue, applied to one of its
    offers, or wrote on its public chat."""
    applied = session.execute(select(exists().where(
        Application.candidate_id == candidate_id, Application.offer_id == Offer.id, Offer.booth_id == booth.id,
    ))).scalar_one()
    if applied:
        return True
    wrote = session.execute(select(exists().where(
        ChatMessage.booth_id == booth.id, ChatMessage.author_id == candidate_id,
    ))).scalar_one()
    return wrote or _in_queue(session, booth.id, candidate_id)


@dataclass(frozen=True)
class Pair:
    """Who is who in a private conversation; `sender_is_recruiter` tells which side is writing."""

    booth: Booth
    recruiter: User
    candidate: User
    sender_is_recruiter: bool


def pair_for(session: Session, booth: Booth, me: User, other_code: Any) -> Pair | None:
    """The conversation between `me` and the person whose chat id on this booth is `other_code`, if one
    of them is its recruiter and the other is not (no private chat between candidates, nor between
    recruiters); else None (404)."""
    other = user_by_chat_id(session, booth, other_code)
    if other is None or other.id == me.id:
        return None
    me_recruiter = is_booth_recruiter(session, booth, me.id)
    other_recruiter = is_booth_recruiter(session, booth, other.id)
    if me_recruiter == other_recruiter:
        return None
    if me_recruiter:
        if is_edition_organiser(session, booth, other.id):
            return None
        return Pair(booth, me, other, True)
    return Pair(booth, other, me, False)


def send_private(session: Session, pair: Pair, raw_text: Any) -> PrivateMessage:
    """A recruiter writes first only to someone the booth already deals with; a candidate only answers."""
    text = clean_text(raw_text)
    exists_already = _conversation_exists(session, pair.booth.id, pair.recruiter.id, pair.candidate.id)
    if pair.sender_is_recruiter:
        if not exists_already and not may_contact(session, pair.booth, pair.candidate.id):
            raise ChatRefused(_("You can write privately only to candidates in your queue, who applied "
                                "to your offers or who wrote on your booth's chat."), "not_allowed")
    else:
        require_confirmed(pair.candidate)
    if not pair.sender_is_recruiter and not exists_already:
        raise ChatRefused(_("A recruiter has to write to you first. Ask your question on the booth's chat."),
                          "not_allowed")
    message = PrivateMessage(booth=pair.booth, recruiter=pair.recruiter, candidate=pair.candidate,
                             from_recruiter=pair.sender_is_recruiter, text=text)
    session.add(message)
    session.flush()
    return message


def _private_names(session: Session, booth: Booth, recruiter: User, candidate: User
                   ) -> tuple[str, tuple[str, Anon | None]]:
    """(the recruiter as the candidate sees them, the candidate as the recruiter sees them)."""
    recruiter_name = f"{recruiter.full_name} ({booth.company.name})"
    if booth.edition.anonymised_applications:
        anon = anon_for(session, booth, candidate.id)
        return recruiter_name, (anon.label(), anon)
    return recruiter_name, (candidate.full_name, None)


def private_payload(session: Session, message: PrivateMessage, for_recruiter: bool) -> dict[str, Any]:
    """A private message as one side sees it: `with` is the other person, `mine` says who wrote."""
    recruiter_name, (candidate_name, anon) = _private_names(session, message.booth, message.recruiter,
                                                            message.candidate)
    if for_recruiter:
        other, other_name, other_anon = message.candidate_id, candidate_name, anon
    else:
        other, other_name, other_anon = message.recruiter_id, recruiter_name, None
    mine = message.from_recruiter == for_recruiter
    return {
        "id": message.id,
        "booth": message.booth_id,
        "with": chat_id(message.booth_id, other),
        "with_name": other_name,
        "anon": None if other_anon is None else {"code": other_anon.code, "applied": other_anon.applied},
        "from": chat_id(message.booth_id, message.recruiter_id if message.from_recruiter else message.candidate_id),
        "mine": mine,
        "html": render_html(message.text),
        "at": _iso(message.created_at),
    }


def private_history(session: Session, pair: Pair, before: int | None = None, limit: int = PAGE
                    ) -> list[dict[str, Any]]:
    statement = select(PrivateMessage).where(
        PrivateMessage.booth_id == pair.booth.id, PrivateMessage.recruiter_id == pair.recruiter.id,
        PrivateMessage.candidate_id == pair.candidate.id,
    )
    if before is not None:
        statement = statement.where(PrivateMessage.id < before)
    rows = list(session.execute(statement.order_by(PrivateMessage.id.desc()).limit(limit)).scalars())
    return [private_payload(session, row, pair.sender_is_recruiter) for row in reversed(rows)]


def conversations(session: Session, booth: Booth, me: User) -> list[dict[str, Any]]:
    """My private conversations on this booth, most recent first: `{"with", "with_name", "anon", "last_at"}`."""
    recruiter = is_booth_recruiter(session, booth, me.id)
    mine = PrivateMessage.recruiter_id if recruiter else PrivateMessage.candidate_id
    rows = session.execute(
        select(PrivateMessage).where(PrivateMessage.booth_id == booth.id, mine == me.id)
        .order_by(PrivateMessage.id.desc())
    ).scalars()
    seen: dict[int, dict[str, Any]] = {}
    for row in rows:
        other = row.candidate_id if recruiter else row.recruiter_id
        if other in seen:
            continue
        payload = private_payload(session, row, recruiter)
        seen[other] = {"with": payload["with"], "with_name": payload["with_name"], "anon": payload["anon"],
                       "last_at": payload["at"]}
    return list(seen.values())


# ---------------------------------------------------------------- retention


def purge_ended(session: Session, now: dt.datetime, days: int) -> dict[str, int]:
    """Delete the chat of every booth whose fair ended more than `days` ago: public messages (hidden
    ones too), private conversations and mutes. Answers how many rows of each went."""
    ended = select(Booth.id).join(Edition, Booth.edition_id == Edition.id).where(
        Edition.ends_at < now - dt.timedelta(days=days))
    counts = {}
    for name, model in (("messages", ChatMessage), ("private", PrivateMessage), ("mutes", ChatMute)):
        counts[name] = session.execute(delete(model).where(model.booth_id.in_(ended))).rowcount
    return counts
