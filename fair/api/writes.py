"""What a company's token changes, through the same services (and so the same rules, mails and
webhook events) as the recruiter's pages. Each function takes plain arguments and never commits;
a refusal is a `Problem` the view answers."""
from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from fair.api import problems
from fair.api.models import ApiToken
from fair.candidates import mailing
from fair.candidates import services as candidates
from fair.candidates.models import Application, ApplicationStatus, RejectionReason
from fair.companies import services as companies
from fair.companies.forms import OfferForm
from fair.companies.models import Booth, Offer
from fair.extensions import db
from fair.jobdating import services as jobdating
from fair.jobdating.models import Booking

FORM_FIELDS = ("title", "contract_type", "positions", "place", "remote", "description", "requirements", "rome_code",
               "open_to_beginners")


def _offer_values(offer: Offer) -> dict:
    return {"title": offer.title, "contract_type": offer.contract_type.value, "positions": offer.positions,
            "place": offer.place, "remote": offer.remote.value, "description": offer.description,
            "requirements": offer.requirements or "", "rome_code": offer.rome_code,
            "open_to_beginners": bool(offer.open_to_beginners)}


def _checked_offer_fields(values: dict) -> dict:
    """The recruiter's offer form checks the values, with the same rules and the same words."""
    formdata = MultiDict()
    for name in FORM_FIELDS:
        value = values.get(name)
        if value is None or value is False:
            continue
        formdata[name] = "y" if value is True else str(value)
    form = OfferForm(formdata=formdata, meta={"csrf": False})
    if not form.validate():
        raise problems.invalid({f"#/{name}": str(messages[0]) for name, messages in form.errors.items()})
    return form.offer_fields()


def _closed() -> problems.Problem:
    return problems.refused(_("This fair is closed: its booth and offers can no longer be changed."))


def create_offer(booth: Booth, body: dict) -> Offer:
    fields = _checked_offer_fields({"remote": "none", "positions": 1, **body})
    try:
        offer = companies.create_offer(booth, fields)
        if body.get("is_published") is False:
            companies.set_offer_published(booth, offer, False)
    except companies.EditionLocked as error:
        raise _closed() from error
    db.session.flush()
    return offer


def update_offer(offer: Offer, body: dict) -> Offer:
    booth = offer.booth
    try:
        if any(name in body for name in FORM_FIELDS):
            companies.update_offer(booth, offer, _checked_offer_fields({**_offer_values(offer), **body}))
        if "is_published" in body:
            companies.set_offer_published(booth, offer, bool(body["is_published"]))
    except companies.EditionLocked as error:
        raise _closed() from error
    db.session.flush()
    return offer


def move_application(application: Application, body: dict) -> Application:
    """Shortlist, invite or decline: the candidate (and their advisers) are told as from the inbox."""
    target = ApplicationStatus(body["status"])
    reason = RejectionReason(body["rejection_reason"]) if body.get("rejection_reason") else None
    if target is ApplicationStatus.rejected and reason is None:
        raise problems.invalid({"#/rejection_reason": _("Choose a reason from the list.")})
    try:
        candidates.move(application, target, reason)
    except candidates.MoveRefused as error:
        raise problems.refused(_("This change is not possible from the application's current status.")) from error
    if target is ApplicationStatus.invited:
        mailing.application_invited(application)
    elif target is ApplicationStatus.rejected:
        mailing.application_rejected(application)
    mailing.advisers_of_status(application)
    return application


def cancel_booking(token: ApiToken, booking: Booking, reason: str) -> Booking:
    """As a recruiter cancels: with a reason the candidate is told, who is offered other slots."""
    try:
        jobdating.cancel_booking(db.session, booking, by_user_id=token.created_by_id, reason=reason,
                                 by_recruiter=True)
    except jobdating.BookingError as error:
        raise problems.refused(str(error.message)) from error
    return booking
