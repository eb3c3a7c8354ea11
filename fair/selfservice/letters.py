"""Printed convocations: a one-page A4 letter per booking, for people who read paper better than
mail. The letter says when (the fair's zone), where or how (place, phone call, video), what to
bring, and carries a QR code of a fresh self-service link (`/r/<token>`) with the short link printed
under it; a hybrid edition's letter adds the person's check-in ticket (fair/checkin). Each letter is
written in its reader's language; many letters make one PDF, one page each.
"""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from fair import instance
from fair.candidates.models import CandidateProfile
from fair.checkin.services import is_hybrid, qr_svg, ticket_code
from fair.jobdating import services as jobdating
from fair.jobdating.models import Booking, SlotMode
from fair.pdf import render_pdf
from fair.selfservice.links import booking_link
from fair.timezones import fair_zone


def postal_address(session: Session, user_id: int) -> list[str]:
    """The lines of the person's address under their name, as far as their profile knows it."""
    profile = session.execute(select(CandidateProfile).where(CandidateProfile.user_id == user_id)).scalars().first()
    if profile is None:
        return []
    town = " ".join(part for part in ((profile.postcode or "").strip(), (profile.city or "").strip()) if part)
    return [line for line in ((profile.address_line or "").strip(), town) if line]


def how(booking: Booking, *, with_phone: bool) -> tuple[str, str | None, str | None]:
    """(sentence, place, address to join) of the interview's mode, worded as the booking's mail and
    calendar entry word it; the page behind a link shows no phone number (`with_phone=False`)."""
    slot = booking.slot
    _summary, _description, location, join_url = jobdating._texts(booking, slot, for_recruiter=False)
    local = slot.starts_at.astimezone(fair_zone(booking.booth.edition)).strftime("%H:%M")
    if slot.mode == SlotMode.phone:
        if with_phone:
            return (_("Phone interview: the recruiter will call you at %(time)s on %(phone)s.", time=local,
                      phone=booking.candidate.phone or _("the number of your account")), None, None)
        return _("Phone interview: the recruiter will call you at %(time)s.", time=local), None, None
    if slot.mode == SlotMode.video:
        return _("Video interview."), None, join_url
    return _("On-site interview."), location or None, None


def letter_context(session: Session, booking: Booking) -> dict:
    """What one letter shows, in the current locale; issues the fresh self-service link it carries."""
    edition = booking.booth.edition
    link = booking_link(session, booking)
    sentence, place, join_url = how(booking, with_phone=True)
    ticket = qr_svg(ticket_code(edition.id, booking.candidate_id)) if is_hybrid(edition) else None
    return {"booking": booking, "edition": edition, "company": booking.booth.company.name,
            "person": booking.candidate, "address": postal_address(session, booking.candidate_id),
            "tz": edition.timezone, "how": sentence, "place": place, "join_url": join_url,
            "link": link, "link_qr": qr_svg(link), "ticket_qr": ticket,
            "instance_name": instance.current(session).name}


def render_letters(session: Session, bookings: list[Booking]) -> bytes:
    """One PDF, one page per booking, each in its reader's language."""
    pages = []
    for booking in bookings:
        with force_locale(booking.candidate.locale or "fr"):
            pages.append(render_template("selfservice/_letter_page.html", **letter_context(session, booking)))
    return render_pdf(render_template("selfservice/letter.html", pages=pages))
