"""Run a fair again: a draft copy of an edition, its dates moved to a new first day.

Insertion employers' groups run the same job dating every month with the same associations. A copy
keeps what the organiser set up — every setting of the edition (description, zone, audiences,
languages, format, venue, branding, booking policy, interview length, anonymity…), its
co-organisers and partners — and brings the companies back the way any company comes in: by an
invitation to one of its owners, which gives the company its booth when accepted. Booths, offers,
recruiters' availability and everything a person did (applications, bookings, waitlists, queues,
chats, referrals, calendar entries, registrations) belong to the old edition and stay there.

Every instant moves by the same number of days **in the edition's time zone**, so a fair at 09:00
in January is at 09:00 in July although Paris is then at UTC+2 rather than UTC+1.

This layer may not read webinars or calendar settings (they sit above it, `.importlinter`): the
caller passes their parts in as `steps`, as the bulk invitations take `referred_people`.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from fair import audit
from fair.accounts.models import Membership, MembershipRole, Organisation, User
from fair.companies.models import Booth
from fair.fairs import services
from fair.fairs.models import Edition, EditionOrganiser, EditionPartner, EditionStatus, InvitationKind
from fair.timezones import fair_zone, local_to_utc, utc_to_local

log = logging.getLogger("fair.fairs")

Shift = Callable[[dt.datetime], dt.datetime]
# A part of the copy kept by a higher layer: (session, old edition, new edition, shift).
CopyStep = Callable[[Session, Edition, Edition, Shift], object]

# Columns that name the new edition or that it gets fresh; every other column is a setting, copied.
_OWN_COLUMNS = frozenset({"id", "slug", "title", "status", "copied_from_id", "created_at", "updated_at"})


class CopyInvalid(services.FieldErrors):
    """Bad input for a copy, per field of the copy form (title, slug, starts_on)."""


def day_shift(edition: Edition, starts_on: dt.date) -> Shift:
    """Moves an instant by the days between the edition's first local day and `starts_on`, at the same
    wall-clock time of the edition's zone (a time the change of hour skips or repeats follows
    `fair.timezones.local_to_utc`)."""
    zone = fair_zone(edition)
    days = starts_on - utc_to_local(edition.starts_at, zone).date()

    def shift(instant: dt.datetime) -> dt.datetime:
        return local_to_utc(utc_to_local(instant, zone) + days, zone)

    return shift


def copy_errors(session: Session, edition: Edition, *, title: str | None, slug: str | None,
                starts_on: dt.date | None) -> dict[str, list[str]]:
    """Every problem of a copy's name, address and first day at once, in the words of
    `services.edition_errors`. The settings are taken as they are: they were checked when saved, and
    the organiser edits the draft (checked again then) before publishing it."""
    data = services.edition_form_data(edition)
    data.title, data.slug = title, slug
    errors: dict[str, list[str]] = {}
    if not isinstance(starts_on, dt.date):
        errors["starts_on"] = [_("Enter the first day of the new fair.")]
    else:
        zone = fair_zone(edition)
        shift = day_shift(edition, starts_on)
        for name in services.DATETIME_FIELDS:
            setattr(data, name, utc_to_local(shift(getattr(edition, name)), zone))
    found, _values = services.edition_errors(data)
    for name in ("title", "slug"):
        if name in found:
            errors[name] = found[name]
    dates = [message for name in services.DATETIME_FIELDS for message in found.get(name, [])]
    if dates and "starts_on" not in errors:
        errors["starts_on"] = dates[:1]
    return errors


def copy_edition(session: Session, edition: Edition, *, title: str | None, slug: str | None,
                 starts_on: dt.date | None, by: User, steps: Iterable[CopyStep] = ()) -> Edition:
    """A draft copy of `edition` whose first day is `starts_on`; CopyInvalid and nothing written if not.

    The companies of the old booths are invited again (`services.invite`, mailed after commit).
    """
    errors = copy_errors(session, edition, title=title, slug=slug, starts_on=starts_on)
    if errors:
        raise CopyInvalid(errors)
    assert starts_on is not None
    shift = day_shift(edition, starts_on)
    _found, values = services.edition_errors(_named(edition, title, slug))

    copied = Edition(status=EditionStatus.draft, copied_from_id=edition.id,
                     title=values["title"], slug=values["slug"])
    for column in Edition.__table__.columns:
        if column.key in _OWN_COLUMNS:
            continue
        value = getattr(edition, column.key)
        if isinstance(value, dt.datetime):
            value = shift(value)
        elif isinstance(value, (list, dict)):
            value = type(value)(value)
        setattr(copied, column.key, value)
    session.add(copied)
    session.flush()

    for co in edition.co_organisers:
        session.add(EditionOrganiser(edition_id=copied.id, organisation_id=co.organisation_id))
    for partner in edition.partners:
        session.add(EditionPartner(edition_id=copied.id, organisation_id=partner.organisation_id))
    session.flush()

    _invite_companies_again(session, edition, copied, by)
    for step in steps:
        step(session, edition, copied, shift)
    audit.record(session, "edition.copy", copied, organisation_id=copied.organiser_id, actor=by,
                 details={"from": edition.id})
    session.flush()
    log.info("edition %s copied from %s by user %s", copied.id, edition.id, by.id)
    return copied


def _named(edition: Edition, title: str | None, slug: str | None) -> services.EditionData:
    data = services.edition_form_data(edition)
    data.title, data.slug = title, slug
    return data


def company_contact(session: Session, company_id: int) -> User | None:
    """Who answers for a company: its first owner, else its first member (active accounts only)."""
    return session.execute(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == company_id, User.is_active_account.is_(True))
        .order_by((Membership.role == MembershipRole.owner).desc(), Membership.id)
        .limit(1)
    ).scalars().first()


def _invite_companies_again(session: Session, old: Edition, new: Edition, by: User) -> None:
    """One company invitation per booth of the old edition, naming the company, to its contact.

    `services.invite` only names organisations already in the edition (a new edition has none), so
    the invitation is made for the company's name and then pointed at the company itself: accepting
    it brings that company in, never a namesake.
    """
    companies = session.execute(
        select(Organisation).join(Booth, Booth.company_id == Organisation.id)
        .where(Booth.edition_id == old.id, Organisation.is_active.is_(True))
        .order_by(Organisation.name, Organisation.id)
    ).scalars().all()
    for company in companies:
        contact = company_contact(session, company.id)
        if contact is None:
            log.info("company %s has no member to invite again to edition %s", company.id, new.id)
            continue
        try:
            invitation = services.invite(new, InvitationKind.company, contact.email, company.name,
                                         invited_by_id=by.id)
        except services.InvitationInvalid as exc:  # e.g. one person owning two companies
            log.info("company %s not invited again to edition %s: %s", company.id, new.id, exc)
            continue
        invitation.organisation_id = company.id
    session.flush()
