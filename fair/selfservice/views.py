"""`/r/<token>`: the self-service page of a link from an SMS or a letter, without signing in, and the
printed convocations (one booking's letter, an edition's letters at once) for advisers and organisers.

The page is the form: each button posts (with CSRF) an action that spends one use of the link. A link
unknown, of another purpose, expired, revoked or used up, or whose booking changed, gets a page saying
so and changes nothing. Refused links count against the client's address (`SELFSERVICE_REFUSED_LIMIT`)
on top of the overall `SELFSERVICE_RATE_LIMIT`: past it every request of that address is answered
429, so 256-bit tokens cannot be enumerated. No page here is indexed or sends a referrer.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fair import audit, links
from fair.accounts.models import User
from fair.extensions import db, limiter
from fair.jobdating import services as jobdating
from fair.jobdating.services import slots_by_day
from fair.selfservice import access, letters, services
from fair.selfservice.links import booking_link
from fair.timezones import fair_zone

bp = Blueprint("selfservice", __name__)

REFUSED_STATUS = {
    links.LinkRefusal.unknown: 404,
    links.LinkRefusal.wrong_purpose: 404,
    links.LinkRefusal.expired: 410,
    links.LinkRefusal.revoked: 410,
    links.LinkRefusal.used: 410,
}
CHANGED_STATUS = 409  # the link is good, its object is not (a booking cancelled meanwhile)


def _rate_limit() -> str:
    return current_app.config["SELFSERVICE_RATE_LIMIT"]


def _refused_limit() -> str:
    return current_app.config["SELFSERVICE_REFUSED_LIMIT"]


def _was_refused(response: Response) -> bool:
    return response.status_code in (404, 409, 410)


@bp.after_request
def _private(response: Response) -> Response:
    """The secret is in the address: no index, no referrer, no shared cache."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(429)
def _throttled(_error):
    return render_template("selfservice/refused.html", reason="throttled"), 429


@bp.app_context_processor
def _adviser_letters():
    """`selfservice_letter_editions()` for the adviser's home: editions with letters to print."""
    def selfservice_letter_editions():
        if not current_user.is_authenticated or not current_user.is_adviser:
            return []
        return access.letter_editions(current_user.id)
    return {"selfservice_letter_editions": selfservice_letter_editions}


def _their_language(opened: services.Opened):
    """The page speaks the language of the person the link is for, unless the visitor chose one."""
    chosen = request.cookies.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return force_locale(chosen)
    person = db.session.get(User, opened.token.user_id) if opened.token.user_id else None
    return force_locale(person.locale if person is not None and person.locale else
                        current_app.config["BABEL_DEFAULT_LOCALE"])


def _refused(reason: str, status: int):
    db.session.rollback()
    return render_template("selfservice/refused.html", reason=reason), status


def _page(opened: services.Opened, token: str, *, error: str | None = None, status: int = 200):
    booking, entry = opened.booking, opened.entry
    context = {"opened": opened, "token": token, "error": error, "booking": booking, "entry": entry}
    if booking is not None:
        edition = booking.booth.edition
        sentence, place, join_url = letters.how(booking, with_phone=False)
        context.update(edition=edition, tz=edition.timezone, how=sentence, place=place, join_url=join_url,
                       days=slots_by_day(services.move_choices(db.session, booking), fair_zone(edition)))
    if entry is not None:
        context.update(edition=entry.booth.edition, tz=entry.booth.edition.timezone, slot=entry.offered_slot)
    return render_template("selfservice/page.html", **context), status


@bp.route("/r/<token>")
@limiter.limit(_rate_limit)
@limiter.limit(_refused_limit, deduct_when=_was_refused)
def show(token: str):
    try:
        opened = services.open_link(db.session, token)
    except links.LinkRefused as refused:
        return _refused(refused.reason.value, REFUSED_STATUS[refused.reason])
    except services.ObjectChanged as changed:
        return _refused(changed.reason, CHANGED_STATUS)
    elsewhere = services.redirect_path(opened, token)
    if elsewhere:
        db.session.rollback()
        return redirect(elsewhere, 303)
    with _their_language(opened):
        return _page(opened, token)


@bp.route("/r/<token>", methods=["POST"])
@limiter.limit(_rate_limit)
@limiter.limit(_refused_limit, deduct_when=_was_refused)
def act(token: str):
    action = request.form.get("action", "")
    purpose = services.purpose_of_action(action)
    if purpose is None:
        return _refused("action", 400)
    try:
        opened = services.spend(db.session, token, purpose)
    except links.LinkRefused as refused:
        return _refused(refused.reason.value, REFUSED_STATUS[refused.reason])
    except services.ObjectChanged as changed:
        return _refused(changed.reason, CHANGED_STATUS)
    with _their_language(opened):
        try:
            return _do(opened, token, action)
        except jobdating.BookingError as error:
            db.session.rollback()
            return _page(services.open_link(db.session, token), token, error=str(error.message), status=422)


def _do(opened: services.Opened, token: str, action: str):
    booking, entry = opened.booking, opened.entry
    if action == "confirm":
        services.confirm(db.session, booking)
        db.session.commit()
        flash(_("Thank you: the company knows you will be there."), "success")
        return redirect(url_for(".show", token=token), 303)
    if action == "move":
        chosen = request.form.get("slot_id", "")
        if not chosen.isdigit():
            db.session.rollback()
            return _page(services.open_link(db.session, token), token, error=_("Choose a slot from the list."),
                         status=422)
        services.move(db.session, booking, int(chosen))
        db.session.commit()
        flash(_("Your interview has been moved. This link still works for the new time."), "success")
        return redirect(url_for(".show", token=token), 303)
    if action == "cancel":
        reason = request.form.get("reason", "").strip()
        if len(reason) > services.REASON_MAX:
            db.session.rollback()
            return _page(services.open_link(db.session, token), token, status=422,
                         error=_("The reason is too long: at most %(n)d characters.", n=services.REASON_MAX))
        services.cancel(db.session, booking, reason)
        db.session.commit()
        return render_template("selfservice/done.html", done="cancelled")
    if action == "take":
        booked = services.take(db.session, entry)
        db.session.flush()
        link = booking_link(db.session, booked)
        db.session.commit()
        flash(_("The slot is yours: your interview is booked."), "success")
        return redirect(link, 303)
    services.decline(db.session, entry)
    db.session.commit()
    return render_template("selfservice/done.html", done="declined")


# ---------------------------------------------------------------- printed convocations


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.route("/letters/bookings/<int:booking_id>.pdf")
@login_required
def booking_letter(booking_id: int):
    """One person's convocation, with a fresh self-service link (printing issues it)."""
    booking = access.printable_booking(booking_id, current_user.id)
    if booking is None:
        abort(404)
    data = letters.render_letters(db.session, [booking])
    audit.record(db.session, "selfservice.letter_printed", booking, label=f"booking {booking.id}")
    db.session.commit()
    return _pdf(data, f"convocation-{booking.id}.pdf")


@bp.route("/letters/editions/<int:edition_id>.pdf")
@login_required
def edition_letters(edition_id: int):
    """Every letter of an edition at once: the organisers', or the adviser's association's people."""
    edition, bookings = access.printable_bookings(edition_id, current_user.id)
    if edition is None:
        abort(404)
    data = letters.render_letters(db.session, bookings)
    audit.record(db.session, "selfservice.letters_printed", edition, details={"letters": len(bookings)})
    db.session.commit()
    return _pdf(data, f"convocations-{edition.slug}.pdf")

