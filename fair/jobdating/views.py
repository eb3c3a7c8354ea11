"""Job-dating pages and the small JSON API.

Candidates book from a booth's interview page and find their bookings in "my day"; advisers act for
every person their structure follows (`fair.candidates.access.followed_by`): book one or several,
cancel several with a reason, move one, read each person's agenda and the structure's
(docs/advisers.md); recruiters open availability and run their day; the organiser reads the
fill rates. Every object is looked up among those of the person asking:
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
from fair.accounts.models import Membership, OrganisationKind, User
from fair.accounts.services import EmailNotConfirmed
from fair.candidates import followup
from fair.candidates.access import followed_by, structure_referrals
from fair.candidates.models import Referral
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.extensions import db
from fair.fairs.access import editions_run_by, organiser_edition
from fair.fairs.models import PUBLIC_STATUSES, Edition
from fair.forms import form_status
from fair.jobdating import services
from fair.jobdating.access import (
    candidate_booking,
    candidate_waitlist_entry,
    followed_booking,
    followed_person,
    recruiter_booking,
)
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
    by_adviser = {b.id for b in cancelled_for_me if services.cancelled_by_adviser(db.session, b)}
    return render_template("jobdating/my_day.html", days=days, now=now, cancelled_for_me=cancelled_for_me,
                           by_adviser=by_adviser,
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
    return _move_page(booking, "jobdating/reschedule.html", url_for(".my_day"),
                      lambda time: _("Your interview has been moved to %(time)s.", time=time),
                      lambda refused: str(refused.message))


def _move_page(booking: Booking, template: str, done_url: str, moved: Callable[[str], str],
               refusal: Callable) -> Any:
    """The one page that moves an interview to another free slot of its booth (the reschedule service),
    for the person themself or for an adviser acting for them; `moved(time)` says it was done."""
    error = None
    if request.method == "POST":
        chosen = request.form.get("slot_id", "")
        if not chosen.isdigit():
            error = _("Choose a slot from the list.")
        else:
            try:
                services.reschedule(db.session, booking, int(chosen), by_user_id=current_user.id)
                db.session.commit()
                flash(moved(local_time(booking.starts_at, booking.booth.edition.timezone)), "success")
                return redirect(done_url)
            except services.BookingError as refused:
                db.session.rollback()
                error = refusal(refused)
    slots = [s for s in services.free_slots(db.session, booking.booth_id, candidate_id=booking.candidate_id)
             if s.id != booking.slot_id]
    edition = booking.booth.edition
    return render_template(template, booking=booking, edition=edition, error=error,
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
                           failed=failed, booths=booths,
                           referrers=followup.referrers_of(db.session, [b.candidate_id for _s, b in rows if b]),
                           ), form_status(outcome_form, cancel_form, pipeline_form)


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


# ---------------------------------------------------------------- advisers: acting for the people they follow


adviser_only = role_required(OrganisationKind.partner)


def _structure_advisers() -> list[User]:
    """The adviser and their colleagues: the members of the adviser's structures (partner organisations)."""
    return list(db.session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id.in_(member_org_ids(OrganisationKind.partner)))
        .distinct().order_by(User.full_name)
    ).scalars())


def _referred_by(adviser_id: int) -> set[int]:
    """The people of the structure this colleague referred (the filter "by adviser" of the agenda)."""
    return set(db.session.execute(structure_referrals(current_user.id).where(
        Referral.adviser_id == adviser_id).with_only_columns(Referral.candidate_id)).scalars())


@bp.route("/adviser/interviews")
@adviser_only
def adviser_interviews():
    return _structure_agenda()


def _structure_agenda(cancel_error: str | None = None, reason: str = "", status: int = 200):
    """The interviews of every person the adviser's structures follow, filterable by the adviser who
    referred them and by day (the fair's day); no-shows and outcomes included."""
    people = _referred_candidates()
    colleagues = _structure_advisers()
    errors = []
    adviser_id = request.args.get("adviser", "")
    wanted = {p.id for p in people}
    if adviser_id:
        if adviser_id.isdigit() and int(adviser_id) in {c.id for c in colleagues}:
            wanted &= _referred_by(int(adviser_id))
        else:
            errors.append(_("Choose an adviser from the list."))
            adviser_id = ""
    day_text = request.args.get("day", "")
    day = None
    if day_text:
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            errors.append(_("Enter a valid date."))
            day_text = ""
    bookings = list(db.session.execute(
        select(Booking).where(Booking.candidate_id.in_(wanted)).order_by(Booking.starts_at, Booking.id)
    ).scalars()) if wanted else []
    if day is not None:
        bookings = [b for b in bookings if b.starts_at.astimezone(fair_zone(b.booth.edition)).date() == day]
    return render_template("jobdating/adviser_interviews.html", bookings=bookings, colleagues=colleagues,
                           adviser_id=adviser_id, day=day_text, filter_errors=errors, now=clock.now(),
                           cancel_error=cancel_error, reason=reason, person=None,
                           no_shows={p.id: services.no_show_count(db.session, p.id) for p in people}), status


@bp.route("/adviser/people/<int:candidate_id>/agenda")
@adviser_only
def adviser_person_agenda(candidate_id: int):
    person = owned_or_404(followed_person(candidate_id, current_user.id))
    return _person_agenda(person)


def _person_agenda(person: User, cancel_error: str | None = None, reason: str = "", status: int = 200):
    """One person's interviews (upcoming, then past and cancelled) and webinars, in each fair's time zone."""
    now = clock.now()
    bookings = list(db.session.execute(
        select(Booking).where(Booking.candidate_id == person.id).order_by(Booking.starts_at, Booking.id)
    ).scalars())
    upcoming = [b for b in bookings if b.status == BookingStatus.active and b.ends_at > now]
    past = [b for b in bookings if b not in upcoming]
    past.reverse()
    return render_template("jobdating/adviser_person_agenda.html", person=person, upcoming=upcoming, past=past,
                           now=now, cancel_error=cancel_error, reason=reason,
                           webinars=services.person_webinars(db.session, person.id),
                           no_shows=services.no_show_count(db.session, person.id)), status


@bp.route("/adviser/booths/<int:booth_id>/book", methods=["GET", "POST"])
@adviser_only
def adviser_book_several(booth_id: int):
    """Book several followed people at once: a chosen slot each, or the next free one. Each person is
    booked in a transaction of their own, through the same service as a candidate's own booking."""
    booth = db.session.get(Booth, booth_id)
    if booth is None or booth.edition.status not in PUBLIC_STATUSES:
        abort(404)
    people = _referred_candidates()
    results, error = [], None
    if request.method == "POST":
        followed = {p.id: p for p in people}
        chosen = request.form.getlist("candidate_id")
        if any(not c.isdigit() or int(c) not in followed for c in chosen):
            abort(404)  # another structure's people are not named here
        wishes = []
        for candidate_id in dict.fromkeys(int(c) for c in chosen):
            slot_text = request.form.get(f"slot_{candidate_id}", "")
            if slot_text and not (slot_text.isdigit() and _slot_of_booth(int(slot_text), booth.id)):
                error = _("Choose a slot from the list.")
            wishes.append((followed[candidate_id], int(slot_text) if slot_text.isdigit() else None))
        if not wishes:
            error = _("Choose at least one person.")
        if error is None:
            results = [_book_one(booth, person, slot_id) for person, slot_id in wishes]
    tz = fair_zone(booth.edition)
    slots = services.free_slots(db.session, booth.id)
    return render_template("jobdating/adviser_book.html", booth=booth, edition=booth.edition, people=people,
                           slots=slots, days=services.slots_by_day(slots, tz), results=results,
                           error=error), 422 if error else 200


def _slot_of_booth(slot_id: int, booth_id: int) -> bool:
    slot = db.session.get(Slot, slot_id)
    return slot is not None and slot.booth_id == booth_id


def _refusal_text(error: services.BookingError) -> str:
    """A refusal worded for the adviser: the person, not "you", has the other interview or the quota."""
    if isinstance(error, services.Overlap):
        return _("This person already has an interview at this time.")
    return str(error.message)


def _book_one(booth: Booth, person: User, slot_id: int | None) -> dict[str, Any]:
    try:
        if slot_id is None:
            booking = services.book_next_free(db.session, booth_id=booth.id, candidate_id=person.id,
                                              booked_by_id=current_user.id)
        else:
            booking = services.book(db.session, slot_id=slot_id, candidate_id=person.id,
                                    booked_by_id=current_user.id)
        db.session.commit()
    except services.BookingError as error:
        db.session.rollback()
        return {"person": person, "booking": None, "error": _refusal_text(error)}
    except EmailNotConfirmed:
        db.session.rollback()
        return {"person": person, "booking": None,
                "error": _("This person has not confirmed their email address yet.")}
    return {"person": person, "booking": booking, "error": None}


@bp.route("/adviser/interviews/cancel", methods=["POST"])
@adviser_only
def adviser_cancel_several():
    """Cancel the chosen bookings of followed people, with a reason, each in its own transaction."""
    person = None
    if request.form.get("person"):
        person = owned_or_404(followed_person(request.form["person"], current_user.id))
    chosen = request.form.getlist("booking_id")
    bookings = [owned_or_404(followed_booking(b, current_user.id)) for b in dict.fromkeys(chosen)]
    reason = (request.form.get("reason") or "").strip()
    error = None
    if not bookings:
        error = _("Choose at least one interview.")
    elif not reason:
        error = _("Give the candidate a reason.")
    elif len(reason) > 1000:
        error = _("At most %(max)d characters.", max=1000)
    if error:
        if person is not None:
            return _person_agenda(person, cancel_error=error, reason=reason, status=422)
        return _structure_agenda(cancel_error=error, reason=reason, status=422)
    for booking in bookings:
        who, company = booking.candidate.full_name, booking.booth.company.name
        when = local_time(booking.starts_at, booking.booth.edition.timezone)
        try:
            services.cancel_booking(db.session, booking, by_user_id=current_user.id, reason=reason)
            db.session.commit()
            flash(_("%(name)s: the interview with %(company)s at %(time)s is cancelled.", name=who, company=company,
                    time=when), "success")
        except services.BookingError as refused:
            db.session.rollback()
            flash(_("%(name)s: the interview with %(company)s at %(time)s was not cancelled: %(reason)s",
                    name=who, company=company, time=when, reason=str(refused.message)), "error")
    if person is not None:
        return redirect(url_for(".adviser_person_agenda", candidate_id=person.id))
    return redirect(url_for(".adviser_interviews"))


@bp.route("/adviser/interviews/<int:booking_id>/move", methods=["GET", "POST"])
@adviser_only
def adviser_move(booking_id: int):
    """Move a followed person's interview to another free slot of the same booth (the reschedule service)."""
    booking = owned_or_404(followed_booking(booking_id, current_user.id))
    return _move_page(booking, "jobdating/adviser_move.html",
                      url_for(".adviser_person_agenda", candidate_id=booking.candidate_id),
                      lambda time: _("The interview of %(name)s has been moved to %(time)s.",
                                     name=booking.candidate.full_name, time=time),
                      _refusal_text)


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
    found = services.slot_and_edition(db.session, slot_id)
    if found is None or found[1].status not in PUBLIC_STATUSES:
        abort(404)
    slot, edition, taken = found
    payload = request.get_json(silent=True) or {}
    if current_user.is_candidate:
        candidate_id = current_user.id
    else:
        wanted = str(payload.get("candidate_id", ""))
        candidate_id = next((p.id for p in _referred_candidates() if str(p.id) == wanted), None)
        if candidate_id is None:
            return jsonify({"error": _("Choose the candidate you are booking for.")}), 422
    tz = edition.timezone
    try:
        booking = services.book(db.session, slot_id=slot.id, candidate_id=candidate_id, booked_by_id=current_user.id,
                                taken=taken)
        db.session.commit()
    except services.BookingError as error:
        # Answered before the rollback, which would expire what the answer reads (the person, the slot).
        body: dict[str, Any] = {"error": str(error.message), "code": error.code}
        if error.status == 409:
            nearest = services.nearest_free_slots(db.session, slot, candidate_id=candidate_id)
            body["nearest"] = [_slot_json(s, tz) for s in nearest]
        db.session.rollback()
        return jsonify(body), error.status
    return jsonify({"id": booking.id, "slot": _slot_json(slot, tz), "status": booking.status.value}), 201
