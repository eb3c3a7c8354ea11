"""Job-dating pages and the small JSON API.

Candidates book from a booth's interview page and find their bookings in "my day"; advisers book for
a candidate they refer (confirmed referral); recruiters open availability and run their day; the
organiser reads the fill rates. Every object is looked up among those of the person asking:
another owner's booking, range or edition answers 404.
"""
from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fair import clock
from fair.access import candidate_required, member_org_ids, owned_or_404, role_required
from fair.accounts.models import OrganisationKind, User
from fair.candidates.access import followed_by
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.extensions import db
from fair.fairs.access import editions_run_by, organiser_edition
from fair.fairs.models import PUBLIC_STATUSES, Edition
from fair.forms import form_status
from fair.jobdating import services
from fair.jobdating.access import candidate_booking, candidate_waitlist_entry, recruiter_booking
from fair.jobdating.forms import (
    ATTENDANCE_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    AvailabilityForm,
    OutcomeForm,
    RecruiterCancelForm,
    fair_days,
)
from fair.jobdating.models import (
    Attendance,
    Availability,
    Booking,
    BookingStatus,
    Outcome,
    Slot,
    SlotMode,
    WaitlistEntry,
    WaitlistStatus,
)
from fair.pipeline.forms import PipelineForm
from fair.pipeline.forms import save as save_pipeline
from fair.timezones import fair_zone, local_day_bounds, local_to_utc, zone_named
from fair.web import local_time

bp = Blueprint("jobdating", __name__)

recruiter_only = role_required(OrganisationKind.company)
organiser_only = role_required(OrganisationKind.organiser)


@bp.app_context_processor
def jobdating_labels() -> dict[str, Any]:
    return {"mode_label": lambda m: MODE_LABELS.get(SlotMode(m), m),
            "attendance_label": lambda a: ATTENDANCE_LABELS.get(Attendance(a), a) if a else "",
            "outcome_label": lambda o: OUTCOME_LABELS.get(Outcome(o), o) if o else ""}


def candidate_or_adviser(view: Callable) -> Callable:
    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not (current_user.is_candidate or current_user.is_adviser):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _public_booth(slug: str, booth_id: int) -> Booth:
    booth = db.session.execute(
        select(Booth).join(Edition, Edition.id == Booth.edition_id)
        .where(Booth.id == booth_id, Edition.slug == slug, Edition.status.in_(PUBLIC_STATUSES))
    ).scalar_one_or_none()
    if booth is None:
        abort(404)
    return booth


def _referred_candidates() -> list[User]:
    """Candidates who agreed that this adviser's structure may act for them."""
    if not current_user.is_authenticated or not current_user.is_adviser:
        return []
    return list(db.session.execute(
        select(User).where(User.id.in_(followed_by(current_user.id))).order_by(User.full_name)
    ).scalars())


def _acting_for() -> int | None:
    """The candidate the request books for: the signed-in candidate, or one the adviser refers."""
    if current_user.is_candidate:
        return current_user.id
    wanted = request.form.get("candidate_id", "")
    for person in _referred_candidates():
        if str(person.id) == wanted:
            return person.id
    return None


# ---------------------------------------------------------------- candidates (and advisers)


@bp.route("/fairs/<slug>/booths/<int:booth_id>/interviews")
def booth_slots(slug: str, booth_id: int):
    return _booth_slots_page(_public_booth(slug, booth_id))


def _booth_slots_page(booth: Booth, candidate_error: str | None = None):
    """The booth's free slots; `candidate_error` says why the adviser's booking form was refused (422)."""
    edition = booth.edition
    tz = fair_zone(edition)
    viewer = current_user.id if current_user.is_authenticated and current_user.is_candidate else None
    slots = services.free_slots(db.session, booth.id, candidate_id=viewer)
    waitlist = None
    if viewer:
        waitlist = db.session.execute(select(WaitlistEntry).where(
            WaitlistEntry.booth_id == booth.id, WaitlistEntry.candidate_id == viewer,
            WaitlistEntry.status.in_((WaitlistStatus.waiting, WaitlistStatus.offered)))).scalar_one_or_none()
    return render_template("jobdating/booth_slots.html", booth=booth, edition=edition, brand_edition=edition,
                           days=services.slots_by_day(slots, tz), full=services.booth_is_full(db.session, booth.id),
                           waitlist=waitlist, referred=_referred_candidates(),
                           candidate_error=candidate_error), 422 if candidate_error else 200


def _conflict_page(error: services.BookingError, slot: Slot | None, candidate_id: int | None):
    nearest = services.nearest_free_slots(db.session, slot, candidate_id=candidate_id) if slot else []
    booth = db.session.get(Booth, slot.booth_id) if slot else None
    return render_template("jobdating/conflict.html", error=error, slot=slot, booth=booth,
                           edition=booth.edition if booth else None, nearest=nearest,
                           referred=_referred_candidates(), candidate_id=candidate_id), error.status


@bp.route("/interviews/slots/<int:slot_id>/book", methods=["POST"])
@candidate_or_adviser
def book(slot_id: int):
    chosen = request.form.get("slot_id") or str(slot_id)
    if not chosen.isdigit():
        abort(404)
    slot = db.session.get(Slot, int(chosen))
    if slot is None or slot.booth.edition.status not in PUBLIC_STATUSES:
        abort(404)
    candidate_id = _acting_for()
    if candidate_id is None:
        return _booth_slots_page(slot.booth, candidate_error=_("Choose the candidate you are booking for."))
    try:
        booking = services.book(db.session, slot_id=slot.id, candidate_id=candidate_id, booked_by_id=current_user.id)
        db.session.commit()
    except services.BookingError as error:
        db.session.rollback()
        return _conflict_page(error, db.session.get(Slot, slot.id), candidate_id)
    tz = slot.booth.edition.timezone
    flash(_("Your interview with %(company)s is booked for %(time)s.", company=slot.booth.company.name,
            time=local_time(booking.starts_at, tz)), "success")
    if current_user.is_candidate:
        return redirect(url_for(".my_day"))
    return redirect(url_for(".booth_slots", slug=slot.booth.edition.slug, booth_id=slot.booth_id))


@bp.route("/interviews/my-day")
@candidate_required
def my_day():
    now = clock.now()
    bookings = services.candidate_bookings(db.session, current_user.id,
                                           start=now - dt.timedelta(hours=12))
    days: dict[tuple[dt.date, str], list[Booking]] = {}
    for booking in bookings:
        tz = booking.booth.edition.timezone
        day = booking.starts_at.astimezone(fair_zone(booking.booth.edition)).date()
        days.setdefault((day, tz), []).append(booking)
    cancelled_for_me = list(db.session.execute(select(Booking).where(
        Booking.candidate_id == current_user.id, Booking.status == BookingStatus.cancelled,
        Booking.cancelled_by_id != current_user.id, Booking.starts_at > now).order_by(Booking.starts_at)).scalars())
    return render_template("jobdating/my_day.html", days=days, now=now, cancelled_for_me=cancelled_for_me,
                           waitlist=services.candidate_waitlist(db.session, current_user.id),
                           cutoff=dt.timedelta(minutes=_cfg("BOOKING_CHANGE_CUTOFF_MINUTES")))


def _cfg(name: str) -> Any:
    return current_app.config[name]


@bp.route("/interviews/bookings/<int:booking_id>/cancel", methods=["POST"])
@candidate_required
def cancel(booking_id: int):
    booking = owned_or_404(candidate_booking(booking_id, current_user.id))
    try:
        services.cancel_booking(db.session, booking, by_user_id=current_user.id)
        db.session.commit()
        flash(_("Your interview has been cancelled."), "success")
    except services.BookingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    return redirect(url_for(".my_day"))


@bp.route("/interviews/bookings/<int:booking_id>/reschedule", methods=["GET", "POST"])
@candidate_required
def reschedule(booking_id: int):
    booking = owned_or_404(candidate_booking(booking_id, current_user.id))
    error = None
    if request.method == "POST":
        chosen = request.form.get("slot_id", "")
        if not chosen.isdigit():
            error = _("Choose a slot from the list.")
        else:
            try:
                services.reschedule(db.session, booking, int(chosen))
                db.session.commit()
                flash(_("Your interview has been moved to %(time)s.",
                        time=local_time(booking.starts_at, booking.booth.edition.timezone)), "success")
                return redirect(url_for(".my_day"))
            except services.BookingError as refused:
                db.session.rollback()
                error = str(refused.message)
    slots = [s for s in services.free_slots(db.session, booking.booth_id, candidate_id=current_user.id)
             if s.id != booking.slot_id]
    edition = booking.booth.edition
    return render_template("jobdating/reschedule.html", booking=booking, edition=edition, error=error,
                           days=services.slots_by_day(slots, fair_zone(edition))), (422 if error else 200)


@bp.route("/interviews/booths/<int:booth_id>/waitlist", methods=["POST"])
@candidate_required
def join_waitlist(booth_id: int):
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.edition.status not in PUBLIC_STATUSES:
        abort(404)
    try:
        services.join_waitlist(db.session, booth, current_user.id)
        db.session.commit()
        flash(_("You are on the waiting list: if a slot frees up, it will be kept for you for a while."), "success")
    except services.BookingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    return redirect(url_for(".booth_slots", slug=booth.edition.slug, booth_id=booth.id))


@bp.route("/interviews/waitlist/<int:entry_id>/accept", methods=["POST"])
@candidate_required
def accept_offer(entry_id: int):
    entry = owned_or_404(candidate_waitlist_entry(entry_id, current_user.id))
    try:
        services.accept_offer(db.session, entry)
        db.session.commit()
        flash(_("The slot is yours: your interview is booked."), "success")
    except services.BookingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    return redirect(url_for(".my_day"))


@bp.route("/interviews/waitlist/<int:entry_id>/leave", methods=["POST"])
@candidate_required
def leave_waitlist(entry_id: int):
    entry = owned_or_404(candidate_waitlist_entry(entry_id, current_user.id))
    services.leave_waitlist(db.session, entry)
    db.session.commit()
    flash(_("You have left the waiting list."), "success")
    return redirect(url_for(".my_day"))


# ---------------------------------------------------------------- recruiters


@bp.route("/recruiter/booths/<int:booth_id>/availability", methods=["GET", "POST"])
@recruiter_only
def availability(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    edition = booth.edition
    form = AvailabilityForm(fair_days(edition), formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if form.validate():
            tz = fair_zone(edition)
            day = dt.date.fromisoformat(form.day.data)
            try:
                created = services.open_availability(
                    db.session, booth=booth, recruiter_id=current_user.id, mode=SlotMode(form.mode.data),
                    starts_at=local_to_utc(dt.datetime.combine(day, form.start.data), tz),
                    ends_at=local_to_utc(dt.datetime.combine(day, form.end.data), tz),
                    slot_minutes=form.slot_minutes.data,
                    buffer_minutes=form.buffer_minutes.data or 0, location=form.location.data or "")
                db.session.commit()
                flash(_("%(n)d interview slots are open.", n=len(created.slots)), "success")
                return redirect(url_for(".availability", booth_id=booth.id))
            except services.AvailabilityError as error:
                db.session.rollback()
                form.end.errors = list(form.end.errors) + [str(error.message)]
    ranges = services.booth_availabilities(db.session, booth.id)
    booked = {s.id for r in ranges for s in r.slots if services.active_booking_of_slot(db.session, s.id)}
    return render_template("jobdating/availability.html", booth=booth, edition=edition, form=form, ranges=ranges,
                           booked=booked), form_status(form)


@bp.route("/recruiter/booths/<int:booth_id>/availability/<int:availability_id>/delete", methods=["POST"])
@recruiter_only
def delete_availability(booth_id: int, availability_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    found = owned_or_404(db.session.execute(select(Availability).where(
        Availability.id == availability_id, Availability.booth_id == booth.id)).scalar_one_or_none())
    try:
        services.remove_availability(db.session, found)
        db.session.commit()
        flash(_("The time range has been removed."), "success")
    except services.AvailabilityError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    return redirect(url_for(".availability", booth_id=booth.id))


@bp.route("/recruiter/interviews")
@recruiter_only
def recruiter_day():
    return _recruiter_day_page(request.args.get("day", ""))


def _recruiter_day_page(wanted: str, *, failed: Booking | None = None, outcome_form: OutcomeForm | None = None,
                        cancel_form: RecruiterCancelForm | None = None, pipeline_form: PipelineForm | None = None):
    """The recruiter's day; `failed` is the booking whose submitted form is shown again with its errors."""
    now = clock.now()
    booths = list(db.session.execute(select(Booth).where(
        Booth.company_id.in_(member_org_ids(OrganisationKind.company)))).scalars())
    edition = booths[0].edition if booths else None
    tz = fair_zone(edition) if edition else zone_named(None)
    days = services.recruiter_days(db.session, current_user.id, tz)
    try:
        day = dt.date.fromisoformat(wanted) if wanted else None
    except ValueError:
        day = None
    if day is None:
        today = now.astimezone(tz).date()
        day = next((d for d in days if d >= today), days[-1] if days else today)
    start, end = local_day_bounds(day, tz)
    rows = services.recruiter_day(db.session, current_user.id, start, end)
    return render_template("jobdating/recruiter_day.html", rows=rows, day=day, day_start=start, days=days,
                           timezone=tz.key, now=now, phone_visible=services.phone_visible,
                           outcome_form=outcome_form or OutcomeForm(formdata=None),
                           cancel_form=cancel_form or RecruiterCancelForm(formdata=None),
                           pipeline_form=pipeline_form,
                           failed=failed, booths=booths), form_status(outcome_form, cancel_form, pipeline_form)


def _booking_day(booking: Booking) -> str:
    return booking.starts_at.astimezone(fair_zone(booking.booth.edition)).date().isoformat()


def _back_to_day(booking: Booking):
    return redirect(url_for(".recruiter_day", day=_booking_day(booking)))


@bp.route("/recruiter/interviews/<int:booking_id>/cancel", methods=["POST"])
@recruiter_only
def recruiter_cancel(booking_id: int):
    booking = owned_or_404(recruiter_booking(booking_id, current_user.id))
    form = RecruiterCancelForm()
    if not form.validate():
        return _recruiter_day_page(_booking_day(booking), failed=booking, cancel_form=form)
    try:
        services.cancel_booking(db.session, booking, by_user_id=current_user.id, reason=form.reason.data,
                                by_recruiter=True)
        db.session.commit()
        flash(_("The interview has been cancelled; the candidate is told why and offered other slots."), "success")
    except services.BookingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    return _back_to_day(booking)


@bp.route("/recruiter/interviews/<int:booking_id>/outcome", methods=["POST"])
@recruiter_only
def record_outcome(booking_id: int):
    booking = owned_or_404(recruiter_booking(booking_id, current_user.id))
    form, pipeline_form = OutcomeForm(), PipelineForm()
    if not all([form.validate(), pipeline_form.validate()]):  # both, so every error is shown at once
        return _recruiter_day_page(_booking_day(booking), failed=booking, outcome_form=form,
                                   pipeline_form=pipeline_form)
    try:
        services.record_outcome(db.session, booking, attendance=Attendance(form.attendance.data),
                                outcome=Outcome(form.outcome.data) if form.outcome.data else None)
        save_pipeline(pipeline_form, db.session, company_id=booking.booth.company_id,
                      candidate_id=booking.candidate_id, author_id=current_user.id, source="interview",
                      edition_id=booking.edition_id)
        db.session.commit()
    except services.BookingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back_to_day(booking)
    if booking.outcome is Outcome.hired:  # the hire itself (contract, start, hours) is recorded by fair/outcomes
        flash(_("The outcome has been recorded. Now say how the person is hired."), "success")
        return redirect(url_for("outcomes.hire_booking", booking_id=booking.id))
    flash(_("The outcome has been recorded."), "success")
    return _back_to_day(booking)


# ---------------------------------------------------------------- organisers


@bp.route("/console/interviews")
@organiser_only
def organiser_index():
    editions = list(db.session.execute(select(Edition).where(
        Edition.id.in_(editions_run_by(current_user.id))).order_by(Edition.starts_at.desc())
    ).scalars())
    return render_template("jobdating/organiser_index.html",
                           rows=[(e, services.edition_overview(db.session, e)["total"]) for e in editions])


@bp.route("/adviser/interviews")
@role_required(OrganisationKind.partner)
def adviser_interviews():
    """The interviews of the candidates this adviser refers: no-shows and outcomes included."""
    people = _referred_candidates()
    bookings = list(db.session.execute(
        select(Booking).where(Booking.candidate_id.in_([p.id for p in people])).order_by(Booking.starts_at)
    ).scalars()) if people else []
    return render_template("jobdating/adviser_interviews.html", bookings=bookings,
                           no_shows={p.id: services.no_show_count(db.session, p.id) for p in people})


@bp.route("/console/editions/<int:edition_id>/interviews")
@organiser_only
def overview(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    return render_template("jobdating/overview.html", edition=edition,
                           overview=services.edition_overview(db.session, edition))


# ---------------------------------------------------------------- JSON API


def _slot_json(slot: Slot, tz: str) -> dict[str, Any]:
    return {"id": slot.id, "booth_id": slot.booth_id, "mode": slot.mode.value,
            "starts_at": slot.starts_at.isoformat(), "ends_at": slot.ends_at.isoformat(),
            "local_time": local_time(slot.starts_at, tz)}


@bp.route("/api/jobdating/booths/<int:booth_id>/slots")
def api_free_slots(booth_id: int):
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.edition.status not in PUBLIC_STATUSES:
        abort(404)
    tz = booth.edition.timezone
    return jsonify({"booth_id": booth.id, "timezone": tz,
                    "slots": [_slot_json(s, tz) for s in services.free_slots(db.session, booth.id)]})


@bp.route("/api/jobdating/slots/<int:slot_id>/bookings", methods=["POST"])
def api_book(slot_id: int):
    if not current_user.is_authenticated:
        return jsonify({"error": _("Please log in to see this page.")}), 401
    if not (current_user.is_candidate or current_user.is_adviser):
        abort(404)
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.booth.edition.status not in PUBLIC_STATUSES:
        abort(404)
    payload = request.get_json(silent=True) or {}
    if current_user.is_candidate:
        candidate_id = current_user.id
    else:
        wanted = str(payload.get("candidate_id", ""))
        candidate_id = next((p.id for p in _referred_candidates() if str(p.id) == wanted), None)
        if candidate_id is None:
            return jsonify({"error": _("Choose the candidate you are booking for.")}), 422
    tz = slot.booth.edition.timezone
    try:
        booking = services.book(db.session, slot_id=slot.id, candidate_id=candidate_id, booked_by_id=current_user.id)
        db.session.commit()
    except services.BookingError as error:
        db.session.rollback()
        body: dict[str, Any] = {"error": str(error.message), "code": error.code}
        if error.status == 409:
            nearest = services.nearest_free_slots(db.session, db.session.get(Slot, slot_id), candidate_id=candidate_id)
            body["nearest"] = [_slot_json(s, tz) for s in nearest]
        return jsonify(body), error.status
    return jsonify({"id": booking.id, "slot": _slot_json(slot, tz), "status": booking.status.value}), 201
