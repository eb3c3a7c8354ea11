""""Call me back": a person who can't use video or chat asks a booth's company to phone them.

Rules: the fair must be live; one open request per person and booth (a partial unique index holds it
against two tabs at once); the number is the person's mobile checked by `parse_mobile`, given with
their consent to this company. In an anonymised edition the desk shows the person's label and not
the number until the person agrees to reveal it (the company asks, the person accepts): a number
says who someone is. Each outcome the recruiter records (reached, no answer, wrong number, call
again) is written to the audit log; "reached" and "wrong number" close the request.

Services take plain arguments and never commit; views commit, then `changed()` tells open desks.
"""
from __future__ import annotations

import datetime as dt
import logging

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import Session, joinedload

from fair import audit
from fair.accounts.models import User
from fair.accounts.services import require_confirmed
from fair.callbacks.models import CallbackRequest, CallbackStatus
from fair.companies.models import Booth
from fair.fairs.models import EditionStatus
from fair.live import events
from fair.sockets import broadcast

log = logging.getLogger("fair.callbacks")

CONSENT_TEXT = _l("I agree that %(company)s receives my mobile number to call me back about this fair.")
OUTCOMES = (CallbackStatus.reached, CallbackStatus.no_answer, CallbackStatus.wrong_number,
            CallbackStatus.call_again)
_CLOSING = (CallbackStatus.reached, CallbackStatus.wrong_number)
RECENTLY_CLOSED = 20  # closed requests the desk still lists, latest first


class CallbackRefused(Exception):
    MESSAGES = {
        "not_live": _l("Call-back requests open while the fair is live."),
        "already_open": _l("You already asked this company to call you back: you can follow or cancel your "
                           "request below."),
        "closed": _l("This request is closed."),
        "not_shared": _l("The person has not shared their number yet."),
        "window": _l("The end of the time range must come after its start, later today."),
    }

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = str(self.MESSAGES[code])


def open_request(session: Session, booth_id: int, candidate_id: int) -> CallbackRequest | None:
    return session.execute(select(CallbackRequest).where(
        CallbackRequest.booth_id == booth_id, CallbackRequest.candidate_id == candidate_id,
        CallbackRequest.is_open.is_(True))).scalars().first()


def latest_request(session: Session, booth_id: int, candidate_id: int) -> CallbackRequest | None:
    """The open request, else the last closed one (the person sees how it ended)."""
    return session.execute(select(CallbackRequest).where(
        CallbackRequest.booth_id == booth_id, CallbackRequest.candidate_id == candidate_id)
        .order_by(CallbackRequest.is_open.desc(), CallbackRequest.created_at.desc(), CallbackRequest.id.desc())
    ).scalars().first()


def is_anonymised(request: CallbackRequest) -> bool:
    return bool(request.booth.edition.anonymised_applications)


def number_visible(request: CallbackRequest) -> bool:
    """What the company may read: always in a named edition, once shared in an anonymised one."""
    return not is_anonymised(request) or request.shared_at is not None


def label(request: CallbackRequest) -> str:
    """The person as the desk names them: their name, or a number in an anonymised edition."""
    if is_anonymised(request):
        return _("Call-back no. %(code)s", code=f"{request.id:05d}")
    return request.candidate.full_name


def request_callback(session: Session, booth: Booth, candidate: User, *, mobile: str,
                     window: tuple[dt.datetime, dt.datetime] | None, consent_text: str,
                     now: dt.datetime) -> CallbackRequest:
    """`mobile` is E.164 already; `window` a range of today (aware UTC) or None for "as soon as possible"."""
    if booth.edition.status is not EditionStatus.live:
        raise CallbackRefused("not_live")
    require_confirmed(candidate)
    if window is not None and not (now < window[1] and window[0] < window[1]):
        raise CallbackRefused("window")
    if open_request(session, booth.id, candidate.id) is not None:
        raise CallbackRefused("already_open")
    request = CallbackRequest(
        booth_id=booth.id, candidate_id=candidate.id, mobile=mobile, consent_text=consent_text[:500],
        window_start=window[0] if window else None, window_end=window[1] if window else None,
        status=CallbackStatus.waiting, is_open=True, created_at=now,
        shared_at=None if booth.edition.anonymised_applications else now,
    )
    session.add(request)
    session.flush()  # the same request from another tab at the same moment: IntegrityError, the view rolls back
    log.info("call-back request %s at booth %s", request.id, booth.id)
    return request


def _close(request: CallbackRequest, status: CallbackStatus, now: dt.datetime) -> None:
    request.status = status
    request.is_open = False
    request.closed_at = now


def cancel(session: Session, request: CallbackRequest, now: dt.datetime) -> None:
    if not request.is_open:
        raise CallbackRefused("closed")
    _close(request, CallbackStatus.cancelled, now)


def ask_to_share(session: Session, request: CallbackRequest, now: dt.datetime) -> None:
    """The company would like to call: the person sees the question on their request."""
    if not request.is_open:
        raise CallbackRefused("closed")
    if request.share_asked_at is None:
        request.share_asked_at = now
        audit.record(session, "callback.share_asked", request, label=label(request),
                     organisation_id=request.booth.company_id)


def share(session: Session, request: CallbackRequest, now: dt.datetime) -> None:
    """The person agrees that the company sees their number (anonymised editions)."""
    if not request.is_open:
        raise CallbackRefused("closed")
    if request.shared_at is None:
        request.shared_at = now


def record_outcome(session: Session, request: CallbackRequest, outcome: CallbackStatus, note: str,
                   by: User, now: dt.datetime) -> None:
    if not request.is_open:
        raise CallbackRefused("closed")
    if not number_visible(request):
        raise CallbackRefused("not_shared")
    request.calls += 1
    request.note = (note or "").strip()[:1000]
    request.outcome_at = now
    request.outcome_by_id = by.id
    if outcome in _CLOSING:
        _close(request, outcome, now)
    else:
        request.status = outcome
    audit.record(session, "callback.outcome", request, label=label(request),
                 organisation_id=request.booth.company_id, details={"outcome": outcome.value})


def desk_list(session: Session, booth: Booth) -> list[CallbackRequest]:
    """Open requests first (who asked for "now", then by the start of their range, then by age), then
    the latest closed ones."""
    base = select(CallbackRequest).where(CallbackRequest.booth_id == booth.id).options(
        joinedload(CallbackRequest.candidate), joinedload(CallbackRequest.booth).joinedload(Booth.edition))
    waiting = session.execute(base.where(CallbackRequest.is_open.is_(True)).order_by(
        case((CallbackRequest.window_start.is_(None), 0), else_=1), CallbackRequest.window_start,
        CallbackRequest.created_at, CallbackRequest.id)).scalars().all()
    closed = session.execute(base.where(CallbackRequest.is_open.is_(False))
                             .order_by(CallbackRequest.closed_at.desc(), CallbackRequest.id.desc())
                             .limit(RECENTLY_CLOSED)).scalars().all()
    return [*waiting, *closed]


def candidate_requests(session: Session, candidate_id: int) -> list[CallbackRequest]:
    return list(session.execute(select(CallbackRequest).where(CallbackRequest.candidate_id == candidate_id)
                                .options(joinedload(CallbackRequest.booth))
                                .order_by(CallbackRequest.created_at.desc(), CallbackRequest.id.desc())).scalars())


def changed(booth_id: int) -> None:
    """After the commit: the booth's open desks reload their list (the event names no one; the list is
    fetched over HTTP, where the recruiter's right to it is checked)."""
    broadcast("callbacks_changed", {"booth": booth_id}, events.staff_room(booth_id))

