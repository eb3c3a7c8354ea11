"""The outbox: every email of the product is a row written in the transaction of the change that
causes it, and sent by a worker once that transaction is committed.

Why a row and not just a job: a job enqueued before commit can run before its data exists or after
a rollback, and a job alone cannot tell "already sent" from "not yet". The row can: its
`idempotency_key` is unique (queueing it twice gives one message) and a send job takes it only
through a conditional UPDATE (queued / failed_temporary → sending), so the same job run twice sends
once. A worker that dies in the middle of a send leaves the row in `sending` with a lease
(`claimed_until`); the sweeper gives it back once the lease is over, so it is sent at most once more.
A job that is alive renews the lease of the rows it still has to send while it sends (a slow SMTP
server must not make a live batch look dead), and stops if it lost it.

Temporary SMTP failures (4xx answers, refused or dropped connections) retry with growing delays
through RQ's scheduler; permanent ones (5xx) stop at `failed_permanent` and are listed to the
organiser of the edition the mail belongs to.

Secrets: a rendered password reset mail (or survey mail) holds a live link, and the database only
keeps a hash of that token. The link therefore sits in its outbox row only between queueing and
sending (minutes, and never longer than the link's own lifetime): once sent, the bodies of
`SECRET_TEMPLATES` are erased from the row.
"""
from __future__ import annotations

import datetime as dt
import email.policy
import logging
import smtplib
import socket
import ssl
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from fair.clock import now
from fair.db import utcnow
from fair.extensions import db
from fair.jobs import JobCall, after_commit_batch, enqueue_call, submit, submit_after_commit
from fair.mail import jobs, unsubscribe
from fair.mail.mime import calendar_message
from fair.mail.models import CLAIMABLE_STATUSES, OutboxMessage, OutboxStatus
from fair.mail.render import keep_for_viewer, render_mail

log = logging.getLogger("fair.mail")

BATCH_SIZE = 200             # rows per send job: one SMTP connection for all of them
BULK_THRESHOLD = 20          # a transaction queueing more mail than this goes to the `bulk` queue
COMMIT_EVERY = 25            # sent rows recorded together (a crash resends at most these)
LEASE = dt.timedelta(minutes=5)           # a claimed row is another job's after this (OUTBOX_LEASE_SECONDS)
QUEUED_GRACE = dt.timedelta(minutes=5)    # a queued row untouched this long lost its job: the sweeper re-enqueues it
RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600)  # seconds before attempt 2, 3, …
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
SECRET_TEMPLATES = frozenset({"reset_password", "survey", "export_ready", "follow_up", "sign_in_code"})
ERASED = "[erased once sent: this mail held a secret link]"

SMTP_POLICY = email.policy.default.clone(linesep="\r\n")


# ---------------------------------------------------------------- queueing

def queue_mail(session: Session, *, to: str | None, template: str, locale: str, context: dict[str, Any], key: str,
               calendar: tuple[str, bytes] | None = None, edition_id: int | None = None,
               channel: str = "mail", not_before: dt.datetime | None = None,
               extra: dict[str, Any] | None = None,
               rendered: tuple[str, str, str | None] | None = None) -> OutboxMessage | None:
    """Render `template` for `channel` (mail: `templates/mail/<template>.*`) in `locale` now and write
    one outbox row in `session`.

    No commit: the caller's transaction decides. The send job is enqueued after that commit. An
    existing `key` returns the existing row and queues nothing more. `calendar=(method, ics)` makes
    an invitation / cancellation mail (text/calendar part plus an .ics attachment).

    `not_before`: the row is not sent before that instant (claim and the sweeper wait; its send
    job is enqueued for that time). `extra`: channel columns of the row (fair.sms: segments…).
    `rendered`: (subject, text, html) already rendered by the caller (fair.sms counts segments first).
    No `to` (a person without an address on this channel) queues nothing and answers None.
    """
    if not to:  # a phone-only account has no address: nothing to send by mail (fair.accounts.phone)
        log.info("%s not queued on %s: the person has no address on this channel", template, channel)
        return None
    existing = _by_key(session, key)
    if existing is not None:
        return existing
    subject, text, html = rendered or CHANNELS[channel].render(template, locale, context)
    stamp = now()
    values = dict(
        idempotency_key=key, channel=channel, to_address=to, template=template, locale=locale or "fr",
        subject=" ".join(subject.split())[:300], text_body=text, html_body=html,
        calendar_method=calendar[0].upper() if calendar else None,
        calendar_ics=calendar[1] if calendar else None,
        message_id=make_msgid(domain=_message_id_domain()),
        edition_id=edition_id, status=OutboxStatus.queued, attempts=0,
        created_at=stamp, updated_at=stamp, not_before=not_before,
        **(extra or {}),
    )
    # ON CONFLICT DO NOTHING rather than a savepoint: a concurrent transaction that queued the same
    # key wins without breaking this one (and pysqlite's savepoints would end the outer transaction).
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    result = session.execute(insert(OutboxMessage).values(**values)
                             .on_conflict_do_nothing(index_elements=["idempotency_key"]))
    row = _by_key(session, key)
    if row is None:  # pragma: no cover - the row exists either way
        raise RuntimeError(f"outbox row {key!r} vanished")
    if result.rowcount != 1:
        return row
    if not_before is not None and not_before > stamp:
        submit_after_commit(session, replace(jobs.send_messages.call([row.id], at=not_before), queue="mail"))
    else:
        _send_after_commit(session, row.id)
    return row


def _by_key(session: Session, key: str) -> OutboxMessage | None:
    return session.execute(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).scalar_one_or_none()


def _message_id_domain() -> str:
    sender = current_app.config.get("MAIL_FROM") or ""
    domain = sender.rpartition("@")[2].strip(" >")
    return domain or "fair.localhost"


def _send_after_commit(session: Session, message_id: int) -> None:
    """The rows a transaction queues go to send jobs once it commits (one job per BATCH_SIZE rows);
    if Redis refuses, the jobs are held (fair.jobs) and the sweeper is a second net."""
    redis_url, bind = current_app.config["REDIS_URL"], session.get_bind()

    def send(ids: list[int]) -> None:
        for call in send_calls(ids):
            submit(call, redis_url, bind)

    after_commit_batch(session, "outbox", send).append(message_id)


def send_calls(ids: Sequence[int], queue: str | None = None) -> list[JobCall]:
    """One send job per BATCH_SIZE rows; big batches go to `bulk` so they never delay a reset link."""
    name = queue or ("bulk" if len(ids) > BULK_THRESHOLD else "mail")
    return [replace(jobs.send_messages.call(list(ids[start:start + BATCH_SIZE])), queue=name)
            for start in range(0, len(ids), BATCH_SIZE)]


def enqueue_send(ids: Sequence[int], redis_url: str | None = None, queue: str | None = None) -> None:
    """Send these rows now (outside a transaction: the sweeper, the worker's catch-up)."""
    for call in send_calls(ids, queue):
        enqueue_call(call, redis_url or current_app.config["REDIS_URL"])


# ---------------------------------------------------------------- sending

class PermanentFailure(Exception):
    pass


class TemporaryFailure(Exception):
    pass


class ConnectionFailure(TemporaryFailure):
    """The server could not be reached: no use trying the rest of the batch now."""


class LeaseLost(Exception):
    """The sweeper gave this job's rows to another job (the job stalled past its lease): stop sending."""


def lease() -> dt.timedelta:
    """How long a claim holds without renewal (config `OUTBOX_LEASE_SECONDS`, default LEASE)."""
    seconds = current_app.config.get("OUTBOX_LEASE_SECONDS")
    return dt.timedelta(seconds=float(seconds)) if seconds else LEASE


def claim(session: Session, ids: Iterable[int], at: dt.datetime | None = None) -> tuple[str, list[OutboxMessage]]:
    """Take the rows that may be sent now, in one conditional UPDATE, and commit the claim.

    A row already taken (sending, sent, failed_permanent), a temporary failure whose retry time
    has not come, or a row held until `not_before` is left alone: that is what makes a duplicate
    job harmless.
    """
    at = at or now()
    token = uuid.uuid4().hex
    ids = list(ids)
    if not ids:
        return token, []
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(ids),
            or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= at),
            or_(
                OutboxMessage.status == OutboxStatus.queued,
                and_(OutboxMessage.status == OutboxStatus.failed_temporary,
                     or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= at)),
            ),
        )
        .values(status=OutboxStatus.sending, claim_token=token, claimed_until=at + lease(),
                attempts=OutboxMessage.attempts + 1, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    rows = session.execute(
        select(OutboxMessage).where(OutboxMessage.claim_token == token).order_by(OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).scalars().all()
    return token, list(rows)


def build_email(row: OutboxMessage, session: Session | None = None) -> EmailMessage:
    """The message of a row: text + HTML, or the calendar structure mail clients accept for invitations.
    A bulk message (fair.mail.unsubscribe) also gets its List-Unsubscribe headers, worked out from
    the row itself, so the outbox keeps no column for them."""
    if row.calendar_method and row.calendar_ics is not None:
        message = _calendar_message(row)
    else:
        message = EmailMessage()
        message["To"] = row.to_address
        message["Subject"] = row.subject
        message.set_content(row.text_body)
        if row.html_body:
            message.add_alternative(row.html_body, subtype="html")
    for header in ("From", "Date", "Message-ID"):
        if header in message:
            del message[header]
    message["From"] = _parsed_header("From", current_app.config["MAIL_FROM"])
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = row.message_id
    for name, value in unsubscribe.list_headers(session or db.session, row).items():  # bulk mail only
        message[name] = value
    return message


@lru_cache(maxsize=16)
def _parsed_header(name: str, value: str):
    """A header parsed once: the same sender on every message need not be parsed again each time."""
    return email.policy.default.header_factory(name, value)


def _calendar_message(row: OutboxMessage) -> EmailMessage:
    assert row.calendar_method and row.calendar_ics is not None
    return calendar_message(row.to_address, row.subject, row.text_body, row.html_body,
                            row.calendar_ics, row.calendar_method)


# ---------------------------------------------------------------- channels

class Sender(Protocol):
    """Sends the rows of one batch over one connection; raises PermanentFailure, TemporaryFailure or
    ConnectionFailure (the rest of the batch waits) for a row that did not go.

    A sender that keeps several messages in flight (SMPP's window) also has
    `settled(wait: bool) -> list[(row, exception or None)]`: the rows whose answer has come (all
    of them with `wait`); `send` returning then only means "submitted". A sender may set the row's
    `provider_message_id` and `delivery` (with `set_committed_value`): they are recorded with it."""

    def send(self, row: OutboxMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Channel:
    """One way of reaching people. The outbox (rows written after commit, claims, leases, retries,
    the sweeper, failures listed to organisers) is the same for every channel: a channel brings
    only how a message is written and how it is sent."""

    name: str
    render: Callable[[str, str, dict[str, Any]], tuple[str, str, str | None]]  # → subject, text, html
    sender: Callable[[Session], Sender]  # opened once per batch
    # Run after a batch's outcomes are committed, with the ids of this channel's rows in it
    # (fair.sms: receipts that came in, the fallback of rows that failed for good).
    after_batch: Callable[[Session, list[int]], Any] | None = None


CHANNELS: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    CHANNELS[channel.name] = channel


class MailSender:
    """Mail: one SMTP connection reused for every row of the batch, or the dev mail viewer."""

    def __init__(self, session: Session) -> None:
        self.transport = Transport(session)

    def send(self, row: OutboxMessage) -> None:
        try:
            message = build_email(row, self.transport.session)
        except Exception as exc:  # a row that cannot be built never will be: do not retry it
            log.exception("outbox message %s cannot be built", row.id)
            raise PermanentFailure(f"cannot build the message: {_describe(exc)}") from exc
        self.transport.send(message, row.to_address)

    def close(self) -> None:
        self.transport.close()


class Transport:
    """Where a batch of mail goes: one SMTP connection reused for every row, or the dev mail viewer."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.url = current_app.config["MAIL_URL"]
        self.sender = parseaddr(current_app.config["MAIL_FROM"])[1]
        self.client: smtplib.SMTP | None = None

    def send(self, message: EmailMessage, to: str) -> None:
        if not self.url:
            keep_for_viewer(message)
            return
        try:
            client = self._connected()
        except (OSError, smtplib.SMTPException) as exc:
            raise ConnectionFailure(f"cannot reach the mail server: {_describe(exc)}") from exc
        try:
            if to.isascii() and self.sender.isascii():
                # The envelope is known: flatten once, without send_message's header re-parsing.
                client.sendmail(self.sender, [to], message.as_bytes(policy=SMTP_POLICY))
            else:
                client.send_message(message)  # SMTPUTF8 when the server offers it
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._reset(client)
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(_refusal(exc.recipients)) from exc
            raise TemporaryFailure(_refusal(exc.recipients)) from exc
        except smtplib.SMTPResponseException as exc:
            self._reset(client)
            detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            if exc.smtp_code >= 500:
                raise PermanentFailure(detail) from exc
            raise TemporaryFailure(detail) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TemporaryFailure(_describe(exc)) from exc

    def _connected(self) -> smtplib.SMTP:
        if self.client is not None and self.client.sock is not None:
            return self.client
        self.close()
        self.client = open_smtp(self.url)
        return self.client

    def _reset(self, client: smtplib.SMTP) -> None:
        """After a refusal smtplib sent RSET (or closed on 421); drop a connection that is gone."""
        if client.sock is None:
            self.close()

    def close(self) -> None:
        if self.client is not None:
            try:
                if self.client.sock is not None:
                    self.client.quit()
            except (OSError, smtplib.SMTPException):
                pass
            try:
                self.client.close()
            except OSError:
                pass
            self.client = None


def open_smtp(url: str, timeout: float = 30) -> smtplib.SMTP:
    """MAIL_URL: smtp://[user:pass@]host[:port][?starttls=1] or smtps://…"""
    parts = urlsplit(url)
    options = parse_qs(parts.query)
    host = parts.hostname or "localhost"
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, parts.port or 25, timeout=timeout)
    try:
        if options.get("starttls", ["0"])[0] in {"1", "true", "yes"}:
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
    except BaseException:
        client.close()
        raise
    return client


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refusal(recipients: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(reason)}" for address, (code, reason) in recipients.items())


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout):
        return "timed out"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def retry_delay(attempts: int) -> dt.timedelta:
    """Delay after the `attempts`-th failed attempt."""
    return dt.timedelta(seconds=RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1])


def send_batch(session: Session, ids: Sequence[int]) -> dict[str, int]:
    """Claim, send each channel's rows over one connection, record each outcome. Returns counts per outcome.

    Sent rows are recorded COMMIT_EVERY at a time: a worker killed in between leaves them in
    `sending`, and the sweeper sends them at most once more. Once a quarter of the lease has gone by,
    the sent rows are recorded and the lease of the others renewed (`_renew`); if the sweeper took
    them meanwhile, the batch stops there and leaves them to the job that has them now.
    """
    token, rows = claim(session, ids)
    counts = {"sent": 0, "failed_temporary": 0, "failed_permanent": 0, "skipped": len(ids) - len(rows)}
    if not rows:
        return counts
    by_channel: dict[str, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)
    retries: dict[int, list[int]] = defaultdict(list)
    touched: dict[str, list[int]] = {}
    sent: list[OutboxMessage] = []
    unrecorded = 0
    pending = {row.id for row in rows}  # claimed, not yet tried
    held_for = lease()
    renewed_at = now()
    try:
        for name, group in by_channel.items():
            channel = CHANNELS.get(name)
            if channel is None:
                for row in group:
                    _record_permanent(session, row, token, f"no channel {name!r} on this worker")
                    counts["failed_permanent"] += 1
                continue
            sender = channel.sender(session)
            settled = getattr(sender, "settled", None)  # a sender with messages in flight
            if channel.after_batch is not None:
                touched[name] = [row.id for row in group]

            def record(results: list[tuple[OutboxMessage, Exception | None]]) -> None:
                nonlocal unrecorded
                for done, error in results:
                    if error is None:
                        sent.append(done)
                        counts["sent"] += 1
                    elif isinstance(error, PermanentFailure):
                        _record_permanent(session, done, token, str(error))
                        counts["failed_permanent"] += 1
                    else:
                        _record_failure(session, done, token, str(error), retries, counts)
                    unrecorded += 1
                if unrecorded >= COMMIT_EVERY:
                    _record_sent(session, sent, token)
                    session.commit()
                    unrecorded = 0

            try:
                for index, row in enumerate(group):
                    if now() - renewed_at >= held_for / 4:
                        _renew(session, pending, sent, token, held_for)
                        renewed_at, unrecorded = now(), 0
                    pending.discard(row.id)
                    try:
                        sender.send(row)
                    except ConnectionFailure as exc:
                        for waiting in group[index:]:
                            pending.discard(waiting.id)
                        record((settled(True) if settled else [])
                               + [(waiting, exc) for waiting in group[index:]])
                        break
                    except (PermanentFailure, TemporaryFailure) as exc:
                        record([(row, exc)])
                    else:
                        record(settled(False) if settled else [(row, None)])
                else:
                    if settled:
                        record(settled(True))
            finally:
                sender.close()
    except LeaseLost:
        log.warning("outbox batch stopped: the lease of %d message(s) was lost to another job", len(pending))
    finally:
        _record_sent(session, sent, token)
        session.commit()
    for name, touched_ids in touched.items():
        CHANNELS[name].after_batch(session, touched_ids)  # type: ignore[misc]
    for delay, delayed in retries.items():
        enqueue_call(replace(jobs.send_messages.call(delayed, at=utcnow() + dt.timedelta(seconds=delay)), queue="mail"),
                     current_app.config["REDIS_URL"])
    log.info("outbox batch: %s", counts)
    return counts


def _renew(session: Session, pending: set[int], sent: list[OutboxMessage], token: str,
           held_for: dt.timedelta) -> None:
    """Record what was sent, extend the lease of the rows still to send, and commit (so the sweeper
    sees it). Only where this job's claim still holds: fewer rows renewed than pending means the
    sweeper gave some away, and the batch stops (`LeaseLost`)."""
    _record_sent(session, sent, token)
    renewed = 0
    if pending:
        at = now()
        renewed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(pending), OutboxMessage.claim_token == token,
                   OutboxMessage.status == OutboxStatus.sending)
            .values(claimed_until=at + held_for, updated_at=at)
            .execution_options(synchronize_session=False)
        ).rowcount
    session.commit()
    if renewed != len(pending):
        raise LeaseLost


def _finish(session: Session, row: OutboxMessage, token: str, **values: Any) -> None:
    values.update(claim_token=None, claimed_until=None, updated_at=now())
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.claim_token == token)
        .values(**values).execution_options(synchronize_session=False)
    )
    for name, value in values.items():
        set_committed_value(row, name, value)  # the object follows the row without a second UPDATE


def _record_sent(session: Session, rows: list[OutboxMessage], token: str) -> None:
    """Mark `rows` sent in one executemany UPDATE (still only where this job's claim holds); empties `rows`."""
    if not rows:
        return
    at = now()
    table = OutboxMessage.__table__
    common = {"status": OutboxStatus.sent.value, "sent_at": at, "updated_at": at, "last_error": None,
              "next_attempt_at": None, "claim_token": None, "claimed_until": None}
    statement = (update(table).where(table.c.id == bindparam("row_id"), table.c.claim_token == token)
                 .values(**common, provider_message_id=bindparam("provider_id"), delivery=bindparam("row_delivery")))
    session.execute(statement, [{"row_id": row.id, "provider_id": row.provider_message_id,
                                 "row_delivery": row.delivery} for row in rows])
    secret = [row.id for row in rows if row.template in SECRET_TEMPLATES]
    if secret:
        session.execute(update(table).where(table.c.id.in_(secret)).values(text_body=ERASED, html_body=None))
    for row in rows:
        for name, value in common.items():
            set_committed_value(row, name, OutboxStatus.sent if name == "status" else value)
        if row.template in SECRET_TEMPLATES:
            set_committed_value(row, "text_body", ERASED)
            set_committed_value(row, "html_body", None)
    rows.clear()


def _record_permanent(session: Session, row: OutboxMessage, token: str, error: str) -> None:
    log.warning("outbox message %s to %s refused for good: %s", row.id, row.to_address, error)
    _finish(session, row, token, status=OutboxStatus.failed_permanent, last_error=error[:2000],
            next_attempt_at=None)


def _record_failure(session: Session, row: OutboxMessage, token: str, error: str,
                    retries: dict[int, list[int]], counts: dict[str, int]) -> None:
    if row.attempts >= MAX_ATTEMPTS:
        _record_permanent(session, row, token, f"gave up after {row.attempts} attempts: {error}")
        counts["failed_permanent"] += 1
        return
    delay = retry_delay(row.attempts)
    log.info("outbox message %s: attempt %s failed (%s), retry in %s", row.id, row.attempts, error, delay)
    _finish(session, row, token, status=OutboxStatus.failed_temporary, last_error=error[:2000],
            next_attempt_at=now() + delay)
    retries[int(delay.total_seconds())].append(row.id)
    counts["failed_temporary"] += 1


# ---------------------------------------------------------------- the sweeper

def sweep(session: Session) -> list[int]:
    """Give back what a dead worker or a lost enqueue left behind, and enqueue it again.

    - `sending` past its lease: the worker died mid-send (SIGKILL, OOM, machine lost) → queued;
    - `queued` untouched for QUEUED_GRACE: its job never ran (Redis flushed, enqueue failed);
    - `failed_temporary` whose retry is overdue by QUEUED_GRACE: its scheduled job was lost.
    Enqueueing a row twice is harmless: only one job can claim it.
    """
    at = now()
    # A row that killed its worker MAX_ATTEMPTS times (a message too big for memory, say) stops here.
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.sending, OutboxMessage.claimed_until < at,
               OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(status=OutboxStatus.failed_permanent, claim_token=None, claimed_until=None, updated_at=at,
                last_error=f"gave up after {MAX_ATTEMPTS} attempts: the worker stopped while sending")
        .execution_options(synchronize_session=False)
    )
    stale = session.execute(
        select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.sending,
                                       OutboxMessage.claimed_until < at)
    ).scalars().all()
    if stale:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(stale), OutboxMessage.status == OutboxStatus.sending,
                   OutboxMessage.claimed_until < at)
            .values(status=OutboxStatus.queued, claim_token=None, claimed_until=None, updated_at=at)
            .execution_options(synchronize_session=False)
        )
        log.warning("outbox: %d message(s) left in sending by a dead worker are queued again", len(stale))
    forgotten = session.execute(
        select(OutboxMessage.id).where(
            # a row held until `not_before` has its own send job then: it is forgotten only past that
            or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before < at - QUEUED_GRACE),
            or_(and_(OutboxMessage.status == OutboxStatus.queued, OutboxMessage.updated_at < at - QUEUED_GRACE),
                and_(OutboxMessage.status == OutboxStatus.failed_temporary,
                     OutboxMessage.next_attempt_at < at - QUEUED_GRACE))
        ).order_by(OutboxMessage.id).limit(10 * BATCH_SIZE)
    ).scalars().all()
    if forgotten:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(forgotten))
            .values(updated_at=at).execution_options(synchronize_session=False)
        )
    session.commit()
    ids = sorted(set(stale) | set(forgotten))
    if ids:
        enqueue_send(ids)
    return ids


FAILED_DELIVERIES = ("failed", "expired", "rejected", "undeliverable", "deleted")


def failed_for_edition(session: Session, edition_id: int) -> list[OutboxMessage]:
    """Messages of an edition that will not arrive, or not yet: what its organiser should look at
    (refused or retried by the server, or sent and reported undelivered by the network)."""
    return list(session.execute(
        select(OutboxMessage).where(
            OutboxMessage.edition_id == edition_id,
            or_(OutboxMessage.status.in_([OutboxStatus.failed_permanent, OutboxStatus.failed_temporary]),
                OutboxMessage.delivery.in_(FAILED_DELIVERIES)),
        ).order_by(OutboxMessage.updated_at.desc(), OutboxMessage.id.desc())
    ).scalars().all())


register_channel(Channel("mail", lambda template, locale, context: render_mail(template, locale, **context),
                         MailSender))


__all__ = ["queue_mail", "send_batch", "sweep", "claim", "failed_for_edition",
           "CLAIMABLE_STATUSES"]
