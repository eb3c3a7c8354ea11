"""What a company's token changes, through the same services (and so the same rules, mails and
webhook events) as the recruiter's pages. Each function takes plain arguments and never commits;
a refusal is a `Problem` the view answers."""
from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from fair import audit
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
from fair.jobdating.models import Outcome as InterviewOutcome
from fair.outcomes import services as outcomes
from fair.outcomes.forms import OutcomeForm
from fair.outcomes.models import RecordedAs

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
    mailing.application_moved(application)
    return application


def record_hire(token: ApiToken, body: dict, *, booking: Booking | None, application: Application | None):
    """A hire, as the recruiter's hire form records it (the same form checks it, the same service writes
    it and plans the follow-ups); recording it again changes it. Answers (outcome, created)."""
    if booking is not None and booking.outcome is not InterviewOutcome.hired:
        raise problems.refused(_("Record the interview as hired on the interview day first."))
    if application is not None and application.status is ApplicationStatus.withdrawn:
        raise problems.refused(_("This change is not possible from the application's current status."))
    candidate_id = booking.candidate_id if booking is not None else application.candidate_id
    values = {"contract": body["contract"], "starts_on": body["starts_on"], "weekly_hours": body["weekly_hours"],
              "job_title": body.get("job_title"), "social_clause": body.get("social_clause"),
              "social_clause_contract": body.get("social_clause_contract")}
    formdata = MultiDict({name: ("y" if value is True else str(value)) for name, value in values.items()
                          if value is not None and value is not False})
    form = OutcomeForm(formdata=formdata, meta={"csrf": False},
                       cohorts=outcomes.trainee_cohorts(db.session, candidate_id))
    if not form.validate():
        raise problems.invalid({f"#/{name}": str(messages[0]) for name, messages in form.errors.items()})
    if booking is not None:
        existing = outcomes.outcome_of_booking(db.session, booking)
        edition_id, company_id = booking.edition_id, booking.booth.company_id
    else:
        existing = outcomes.outcome_of_application(db.session, application)
        edition_id, company_id = application.offer.booth.edition_id, application.offer.booth.company_id
    outcome = outcomes.record(db.session, candidate_id=candidate_id, details=form.details(),
                              recorded_as=RecordedAs.recruiter, recorded_by_id=token.created_by_id,
                              edition_id=edition_id, company_id=company_id,
                              booking_id=booking.id if booking is not None else None,
                              application_id=application.id if application is not None else None, existing=existing)
    # As the hire page logs it: no name, the outcome's number and contract say what was done.
    audit.record(db.session, "outcome.hire", outcome, label=outcome.contract.value, organisation_id=company_id,
                 actor=token.created_by, details={"api_token": token.prefix})
    return outcome, existing is None


def cancel_booking(token: ApiToken, booking: Booking, reason: str) -> Booking:
    """As a recruiter cancels: with a reason the candidate is told, who is offered other slots."""
    try:
        jobdating.cancel_booking(db.session, booking, by_user_id=token.created_by_id, reason=reason,
                                 by_recruiter=True)
    except jobdating.BookingError as error:
        raise problems.refused(str(error.message)) from error
    return booking
