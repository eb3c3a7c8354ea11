"""What an organiser does with a fair edition: configure it, move it through its statuses, bring
companies and partners in by invitation.

Services take plain arguments and never commit: the request (or the job) owns the transaction.
Rules live here rather than in the forms so that every caller (console, demo loader, a future API)
gets the same checks and the same messages.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager, selectinload

from fair import audit, clock
from fair.accounts.models import (
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    PartnerType,
    User,
)
from fair.accounts.services import mark_email_confirmed
from fair.companies.models import Booth, BoothStaff, Offer
from fair.extensions import db
from fair.fairs import jobs
from fair.fairs.labels import AUDIENCE_LABELS, LANGUAGE_LABELS, STATUS_LABELS
from fair.fairs.models import (
    STATUS_TRANSITIONS,
    BookingPolicy,
    Edition,
    EditionFormat,
    EditionOrganiser,
    EditionPartner,
    EditionStatus,
    Invitation,
    InvitationKind,
)
from fair.fairs.rules import MIN_CONTRAST, contrast_with_white, editions_run_by, is_reserved_slug
from fair.forms import EMAIL_RE, FieldErrors
from fair.teams import services as teams
from fair.timezones import is_known_timezone, local_to_utc, utc_to_local, wall_time_change

log = logging.getLogger("fair.fairs")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
HTTPS_URL_RE = re.compile(r"^https://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
SLOT_MINUTES = (5, 120)
MAX_BOOKINGS = (1, 20)
INVITATION_SALT = "invitation"


# ---------------------------------------------------------------- errors


class EditionInvalid(FieldErrors):
    pass


class InvitationInvalid(FieldErrors):
    pass


class StatusChangeRefused(Exception):
    """An organiser asked for a move that STATUS_TRANSITIONS or the publishing rules do not allow."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvitationUnusable(Exception):
    """The link cannot be used; `reason` is one of invalid, expired, used, other_address."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


# ---------------------------------------------------------------- editions


@dataclass
class EditionData:
    """An edition as an organiser describes it. Naive datetimes are wall-clock times in `timezone`."""

    title: str | None = None
    slug: str | None = None
    description: str | None = ""
    privacy_purposes: str | None = ""
    timezone: str | None = "Europe/Paris"
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None
    audiences: list[str] = field(default_factory=lambda: ["all"])
    languages: list[str] = field(default_factory=lambda: ["fr"])
    format: str = EditionFormat.online.value
    venue: str | None = None
    logo_url: str | None = None
    banner_url: str | None = None
    brand_colour: str | None = "#1d4f91"
    booking_policy: str = BookingPolicy.open.value
    default_slot_minutes: int | None = 20
    max_bookings_per_candidate: int | None = 3
    anonymised_applications: bool = False
    sms_segment_budget: int | None = None


SMS_BUDGET_MAX = 10_000_000
DATETIME_FIELDS = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def slugify(text: str) -> str:
    """A web address part from a title: "Rencontres pour l'emploi" → "rencontres-pour-l-emploi"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")


def _clean(text: str | None) -> str:
    return (text or "").strip()


def edition_errors(data: EditionData, edition_id: int | None = None) -> tuple[dict[str, list[str]], dict]:
    """Every rule an edition must follow, checked at once so the organiser sees all problems together.

    Fields left as None (because the form could not read them) are reported as missing. Returns the
    errors and the cleaned values ready for the model.
    """
    errors: dict[str, list[str]] = {}
    values: dict = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = _clean(data.title)
    if not title:
        add("title", _("Enter the title of the fair."))
    elif len(title) > 200:
        add("title", _("The title must be at most %(n)d characters long.", n=200))
    values["title"] = title

    slug = _clean(data.slug) or slugify(title)
    if not slug:
        if title:  # without a title, its own error already says what to do
            add("slug", _("Enter the web address of the fair."))
    elif len(slug) > 80:
        add("slug", _("The web address must be at most %(n)d characters long.", n=80))
    elif not SLUG_RE.match(slug):
        add("slug", _("Use only lowercase letters, digits and hyphens (for example: job-fair-lille-2030)."))
    elif is_reserved_slug(slug):
        add("slug", _("This web address is reserved by the site. Choose another one."))
    else:
        taken = select(Edition.id).where(Edition.slug == slug)
        if edition_id is not None:
            taken = taken.where(Edition.id != edition_id)
        if db.session.execute(taken).first() is not None:
            add("slug", _("This web address is already used by another fair. Choose another one."))
    values["slug"] = slug

    values["description"] = (data.description or "").strip()
    values["privacy_purposes"] = (data.privacy_purposes or "").strip()
    if len(values["privacy_purposes"]) > 4000:
        add("privacy_purposes", _("The purposes must be at most %(n)d characters long.", n=4000))

    zone = _clean(data.timezone)
    zone_ok = is_known_timezone(zone)
    if not zone:
        add("timezone", _("Choose the time zone of the fair."))
    elif not zone_ok:
        add("timezone", _("Unknown time zone. Choose one from the list."))
    values["timezone"] = zone

    missing = {
        "starts_at": _("Enter when the fair starts."),
        "ends_at": _("Enter when the fair ends."),
        "registration_opens_at": _("Enter when registration opens."),
        "registration_closes_at": _("Enter when registration closes."),
    }
    instants: dict[str, dt.datetime] = {}
    for name in DATETIME_FIELDS:
        value = getattr(data, name)
        if value is None:
            add(name, missing[name])
            continue
        if not zone_ok:
            continue  # cannot be placed in time until the zone is known
        # An edition's dates are not guessed: a skipped or repeated time is refused and asked again.
        change, wall = wall_time_change(value, zone), value.strftime("%H:%M")
        if change == "skipped":
            add(name, _("%(time)s does not exist on that day in the %(zone)s time zone (clocks go "
                        "forward). Choose another time.", time=wall, zone=zone))
        elif change == "repeated":
            add(name, _("%(time)s happens twice on that day in the %(zone)s time zone (clocks go "
                        "back). Choose a time outside the hour of the change.", time=wall, zone=zone))
        else:
            instants[name] = local_to_utc(value, zone)
    values.update(instants)

    starts, ends = instants.get("starts_at"), instants.get("ends_at")
    opens, closes = instants.get("registration_opens_at"), instants.get("registration_closes_at")
    if starts and ends and ends <= starts:
        add("ends_at", _("The fair must end after it starts."))
    if opens and closes and closes <= opens:
        add("registration_closes_at", _("Registration must close after it opens."))
    if closes and ends and closes > ends:
        add("registration_closes_at", _("Registration must close no later than the end of the fair."))

    audiences = [a for a in dict.fromkeys(data.audiences or []) if a]
    if not audiences:
        add("audiences", _("Choose at least one audience (or “Everyone”)."))
    elif any(a not in AUDIENCE_LABELS for a in audiences):
        add("audiences", _("Choose audiences from the list."))
    # "Everyone" already includes every other audience.
    values["audiences"] = ["all"] if "all" in audiences else [a for a in AUDIENCE_LABELS if a in audiences]

    languages = [code for code in dict.fromkeys(data.languages or []) if code]
    if not languages:
        add("languages", _("Choose at least one language."))
    elif any(code not in LANGUAGE_LABELS for code in languages):
        add("languages", _("Choose languages from the list."))
    values["languages"] = [code for code in LANGUAGE_LABELS if code in languages]

    try:
        fair_format = EditionFormat(data.format)
    except ValueError:
        add("format", _("Choose online or hybrid."))
        fair_format = EditionFormat.online
    values["format"] = fair_format
    venue = _clean(data.venue)
    if fair_format == EditionFormat.hybrid and not venue:
        add("venue", _("Enter the venue of a hybrid fair."))
    elif len(venue) > 300:
        add("venue", _("The venue must be at most %(n)d characters long.", n=300))
    values["venue"] = venue or None

    logo = _clean(data.logo_url)
    if logo:
        if len(logo) > 500:
            add("logo_url", _("The logo address must be at most %(n)d characters long.", n=500))
        elif not HTTPS_URL_RE.match(logo):
            add("logo_url", _("The logo address must be a secure web address starting with https://."))
    values["logo_url"] = logo or None

    banner = _clean(data.banner_url)
    if banner:
        if len(banner) > 500:
            add("banner_url", _("The banner address must be at most %(n)d characters long.", n=500))
        elif not HTTPS_URL_RE.match(banner):
            add("banner_url", _("The banner address must be a secure web address starting with https://."))
    values["banner_url"] = banner or None

    colour = _clean(data.brand_colour)
    if not COLOUR_RE.match(colour):
        add("brand_colour", _("Enter a colour as # followed by six hexadecimal digits, for example #1d4f91."))
    else:
        contrast = contrast_with_white(colour)
        # Floored to one decimal, so that a refused colour never shows "4.5:1".
        if contrast < MIN_CONTRAST:
            add("brand_colour", _("This colour gives a contrast of %(ratio)s:1 with white text; choose a darker "
                                  "one (at least %(minimum)s:1).",
                                  ratio=format_decimal(math.floor(contrast * 10) / 10, locale=get_locale()),
                                  minimum=format_decimal(MIN_CONTRAST, locale=get_locale())))
    values["brand_colour"] = colour.lower()

    try:
        values["booking_policy"] = BookingPolicy(data.booking_policy)
    except ValueError:
        add("booking_policy", _("Choose who may book interviews."))

    low, high = SLOT_MINUTES
    if data.default_slot_minutes is None:
        add("default_slot_minutes", _("Enter the default length of an interview slot."))
    elif not low <= data.default_slot_minutes <= high:
        add("default_slot_minutes", _("The slot length must be between %(low)d and %(high)d minutes.",
                                      low=low, high=high))
    values["default_slot_minutes"] = data.default_slot_minutes

    low, high = MAX_BOOKINGS
    if data.max_bookings_per_candidate is None:
        add("max_bookings_per_candidate", _("Enter how many interviews a candidate may book."))
    elif not low <= data.max_bookings_per_candidate <= high:
        add("max_bookings_per_candidate", _("A candidate may book between %(low)d and %(high)d interviews.",
                                            low=low, high=high))
    values["max_bookings_per_candidate"] = data.max_bookings_per_candidate

    values["anonymised_applications"] = bool(data.anonymised_applications)
    if data.sms_segment_budget is not None and not 0 <= data.sms_segment_budget <= SMS_BUDGET_MAX:
        add("sms_segment_budget", _("The text message budget must be between 0 and %(high)d segments.",
                                    high=SMS_BUDGET_MAX))
    values["sms_segment_budget"] = data.sms_segment_budget
    return errors, values


def create_edition(organiser_id: int, data: EditionData) -> Edition:
    """A new edition, always a draft: nobody sees it until the organiser publishes it."""
    organiser = db.session.get(Organisation, organiser_id)
    if organiser is None or organiser.kind != OrganisationKind.organiser:
        raise ValueError("editions belong to an organiser organisation")
    errors, values = edition_errors(data)
    if errors:
        raise EditionInvalid(errors)
    edition = Edition(organiser_id=organiser_id, status=EditionStatus.draft, **values)
    db.session.add(edition)
    db.session.flush()
    log.info("edition %s (%s) created by organiser %s", edition.id, edition.slug, organiser_id)
    return edition


def update_edition(edition: Edition, data: EditionData) -> Edition:
    errors, values = edition_errors(data, edition_id=edition.id)
    if errors:
        raise EditionInvalid(errors)
    for name, value in values.items():
        setattr(edition, name, value)
    db.session.flush()
    log.info("edition %s updated", edition.id)
    return edition


def edition_form_data(edition: Edition) -> EditionData:
    """An edition as the form shows it: stored UTC instants back to wall-clock times of its zone."""
    return EditionData(
        title=edition.title,
        slug=edition.slug,
        description=edition.description,
        privacy_purposes=edition.privacy_purposes or "",
        timezone=edition.timezone,
        audiences=list(edition.audiences or []),
        languages=list(edition.languages or []),
        format=edition.format.value,
        venue=edition.venue,
        logo_url=edition.logo_url,
        banner_url=edition.banner_url,
        brand_colour=edition.brand_colour,
        booking_policy=edition.booking_policy.value,
        default_slot_minutes=edition.default_slot_minutes,
        max_bookings_per_candidate=edition.max_bookings_per_candidate,
        anonymised_applications=edition.anonymised_applications,
        sms_segment_budget=edition.sms_segment_budget,
        **{name: utc_to_local(getattr(edition, name), edition.timezone) for name in DATETIME_FIELDS},
    )


def publishing_problems(edition: Edition) -> list[str]:
    """What a visitor would miss on the public page if the edition were published as it is."""
    problems = []
    if not (edition.title or "").strip():
        problems.append(_("a title"))
    if not (edition.description or "").strip():
        problems.append(_("a description"))
    if not all(getattr(edition, name) for name in DATETIME_FIELDS):
        problems.append(_("dates"))
    return problems


def allowed_statuses(edition: Edition) -> tuple[EditionStatus, ...]:
    return STATUS_TRANSITIONS.get(edition.status, ())


def change_status(edition: Edition, target: EditionStatus | str) -> Edition:
    try:
        target = EditionStatus(target)
    except ValueError:
        raise StatusChangeRefused(_("This status does not exist.")) from None
    if target not in allowed_statuses(edition):
        raise StatusChangeRefused(_("A fair cannot go from “%(current)s” to “%(target)s”.",
                                    current=STATUS_LABELS[edition.status], target=STATUS_LABELS[target]))
    if target == EditionStatus.published:
        problems = publishing_problems(edition)
        if problems:
            raise StatusChangeRefused(_("Before publishing, add %(missing)s.", missing=", ".join(problems)))
    previous = edition.status
    edition.status = target
    db.session.flush()
    log.info("edition %s moved from %s to %s", edition.id, previous.value, target.value)
    return edition


# ---------------------------------------------------------------- what organisers see


def organiser_editions(user_id: int) -> list[tuple[Edition, int, int, int]]:
    """Editions this person runs (lead or co-organiser) with their numbers of booths, offers and
    partners, newest first."""
    booths = (select(Booth.edition_id, func.count(Booth.id).label("n"))
              .group_by(Booth.edition_id).subquery())
    offers = (select(Booth.edition_id, func.count(Offer.id).label("n"))
              .join(Offer, Offer.booth_id == Booth.id).group_by(Booth.edition_id).subquery())
    partners = (select(EditionPartner.edition_id, func.count(EditionPartner.id).label("n"))
                .group_by(EditionPartner.edition_id).subquery())
    rows = db.session.execute(
        select(Edition,
               func.coalesce(booths.c.n, 0), func.coalesce(offers.c.n, 0), func.coalesce(partners.c.n, 0))
        .outerjoin(booths, booths.c.edition_id == Edition.id)
        .outerjoin(offers, offers.c.edition_id == Edition.id)
        .outerjoin(partners, partners.c.edition_id == Edition.id)
        .where(Edition.id.in_(editions_run_by(user_id)))
        .order_by(Edition.starts_at.desc(), Edition.id.desc())
    ).all()
    return [(row[0], int(row[1]), int(row[2]), int(row[3])) for row in rows]


@dataclass
class BoothSummary:
    booth: object
    offers: int
    staff: list[str]


def edition_booths(edition_id: int) -> list[BoothSummary]:
    counts = dict(db.session.execute(
        select(Offer.booth_id, func.count(Offer.id)).join(Booth, Booth.id == Offer.booth_id)
        .where(Booth.edition_id == edition_id).group_by(Offer.booth_id)
    ).all())
    booths = db.session.execute(
        select(Booth).join(Organisation, Organisation.id == Booth.company_id)
        .where(Booth.edition_id == edition_id)
        .options(selectinload(Booth.company), selectinload(Booth.staff).selectinload(BoothStaff.user))
        .order_by(func.lower(Organisation.name), Booth.id)
    ).scalars().all()
    return [
        BoothSummary(booth, int(counts.get(booth.id, 0)),
                     sorted(s.user.full_name for s in booth.staff))
        for booth in booths
    ]


def edition_partners(edition_id: int) -> list[EditionPartner]:
    return list(db.session.execute(
        select(EditionPartner).join(Organisation, Organisation.id == EditionPartner.organisation_id)
        .where(EditionPartner.edition_id == edition_id)
        .options(selectinload(EditionPartner.organisation))
        .order_by(func.lower(Organisation.name))
    ).scalars())


def edition_offers_page(edition_id: int, page: int, per_page: int = 50) -> tuple[list, int]:
    """One page of the edition's offers (company, then title) and the total number of offers."""
    total = db.session.execute(
        select(func.count(Offer.id)).join(Booth, Booth.id == Offer.booth_id).where(Booth.edition_id == edition_id)
    ).scalar_one()
    offers = db.session.execute(
        select(Offer).join(Offer.booth).join(Organisation, Organisation.id == Booth.company_id)
        .where(Booth.edition_id == edition_id)
        .options(contains_eager(Offer.booth).contains_eager(Booth.company))
        .order_by(func.lower(Organisation.name), func.lower(Offer.title), Offer.id)
        .limit(per_page).offset(max(page - 1, 0) * per_page)
    ).unique().scalars().all()
    return list(offers), int(total)


# ---------------------------------------------------------------- co-organisers


class CoOrganiserInvalid(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def edition_co_organisers(edition_id: int) -> list[EditionOrganiser]:
    return list(db.session.execute(
        select(EditionOrganiser).join(Organisation, Organisation.id == EditionOrganiser.organisation_id)
        .where(EditionOrganiser.edition_id == edition_id)
        .options(selectinload(EditionOrganiser.organisation))
        .order_by(func.lower(Organisation.name), EditionOrganiser.id)
    ).scalars())


def co_organiser_choices(edition: Edition) -> list[Organisation]:
    """Active organiser organisations that could co-organise: neither the lead nor one already in."""
    already = select(EditionOrganiser.organisation_id).where(EditionOrganiser.edition_id == edition.id)
    return list(db.session.execute(
        select(Organisation).where(Organisation.kind == OrganisationKind.organiser, Organisation.is_active.is_(True),
                                   Organisation.id != edition.organiser_id, Organisation.id.not_in(already))
        .order_by(func.lower(Organisation.name), Organisation.id)
    ).scalars())


def add_co_organiser(edition: Edition, organisation_id: int | None) -> EditionOrganiser:
    """Another organiser organisation runs the edition too; its members now see and manage it."""
    organisation = next((o for o in co_organiser_choices(edition) if o.id == organisation_id), None)
    if organisation is None:
        raise CoOrganiserInvalid(_("Choose an active organiser organisation from the list."))
    link = EditionOrganiser(edition_id=edition.id, organisation_id=organisation.id)
    db.session.add(link)
    db.session.flush()
    audit.record(db.session, "edition.co_organiser_add", edition, organisation_id=edition.organiser_id,
                 details={"co_organiser_id": organisation.id, "co_organiser": organisation.name})
    log.info("edition %s co-organised by organisation %s", edition.id, organisation.id)
    return link


def remove_co_organiser(edition: Edition, link: EditionOrganiser) -> None:
    organisation = link.organisation
    db.session.delete(link)
    db.session.flush()
    audit.record(db.session, "edition.co_organiser_remove", edition, organisation_id=edition.organiser_id,
                 details={"co_organiser_id": organisation.id, "co_organiser": organisation.name})
    log.info("edition %s no longer co-organised by organisation %s", edition.id, organisation.id)


# ---------------------------------------------------------------- invitations


def invitation_state(invitation: Invitation, now: dt.datetime | None = None) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.expires_at <= (now or clock.now()):
        return "expired"
    return "pending"


def invitation_organisation_choices(edition_id: int) -> list[Organisation]:
    """Organisations already in the edition, to which more people may be invited."""
    companies = select(Booth.company_id).where(Booth.edition_id == edition_id)
    partners = select(EditionPartner.organisation_id).where(EditionPartner.edition_id == edition_id)
    return list(db.session.execute(
        select(Organisation).where(Organisation.id.in_(companies.union(partners).scalar_subquery()))
        .order_by(func.lower(Organisation.name))
    ).scalars())


def invite(
    edition: Edition,
    kind: InvitationKind | str,
    email: str,
    organisation_name: str | None,
    invited_by_id: int | None,
    partner_type: PartnerType | str | None = None,
    organisation_id: int | None = None,
    now: dt.datetime | None = None,
) -> Invitation:
    """Record an invitation and queue its email for after the commit.

    A partner's type has nowhere to live on the invitation, so the partner organisation is created
    now (without members); a company is only created when someone accepts, so unanswered
    invitations leave no empty companies behind.
    """
    now = now or clock.now()
    errors: dict[str, list[str]] = {}
    try:
        kind = InvitationKind(kind)
    except ValueError:
        errors["kind"] = [_("Choose a company or a partner.")]
        kind = None
    email = (email or "").strip()
    if not email:
        errors["email"] = [_("Enter the email address of the person to invite.")]
    elif len(email) > 254 or not EMAIL_RE.match(email):
        errors["email"] = [_("Enter a valid email address, like name@example.org.")]
    name = (organisation_name or "").strip()
    organisation: Organisation | None = None
    if organisation_id:
        organisation = next((o for o in invitation_organisation_choices(edition.id) if o.id == organisation_id),
                            None)
        if organisation is None or (kind and organisation.kind.value != kind.value):
            errors["organisation_id"] = [_("Choose an organisation of the right kind that takes part in this fair.")]
        else:
            name = organisation.name
            if email and teams.is_member_address(db.session, organisation.id, email):
                errors["email"] = [_("This person is already a member of %(organisation)s.",
                                     organisation=organisation.name)]
    if not name:
        errors["organisation_name"] = [_("Enter the name of the organisation.")]
    elif len(name) > 200:
        errors["organisation_name"] = [_("The name must be at most %(n)d characters long.", n=200)]
    if kind == InvitationKind.partner and organisation is None:
        try:
            partner_type = PartnerType(partner_type)
        except ValueError:
            errors["partner_type"] = [_("Choose the type of partner.")]
    if not errors:
        pending = db.session.execute(
            select(Invitation.id).where(
                Invitation.edition_id == edition.id,
                Invitation.kind == kind,
                func.lower(Invitation.email) == email.lower(),
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > now,
            )
        ).first()
        if pending is not None:
            errors["email"] = [_("An invitation to this address is already waiting for an answer. "
                                 "You can send it again from the list below.")]
    if errors:
        raise InvitationInvalid(errors)

    if kind == InvitationKind.partner and organisation is None:
        organisation = Organisation(kind=OrganisationKind.partner, partner_type=PartnerType(partner_type), name=name)
        db.session.add(organisation)
        db.session.flush()
    invitation = Invitation(
        edition_id=edition.id,
        kind=kind,
        email=email,
        organisation_name=name,
        organisation_id=organisation.id if organisation else None,
        invited_by_id=invited_by_id,
        created_at=now,
        expires_at=now + dt.timedelta(seconds=current_app.config["INVITATION_MAX_AGE"]),
    )
    db.session.add(invitation)
    db.session.flush()
    jobs.send_invitation.after_commit(db.session, invitation.id)
    log.info("invitation %s (%s) to edition %s queued", invitation.id, kind.value, edition.id)
    return invitation


def resend_invitation(invitation: Invitation, now: dt.datetime | None = None) -> Invitation:
    """Mail the link again with a fresh validity period (an expired invitation comes back to life)."""
    if invitation.accepted_at is not None:
        raise InvitationUnusable("used", invitation)
    now = now or clock.now()
    invitation.expires_at = now + dt.timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])
    db.session.flush()
    jobs.send_invitation.after_commit(db.session, invitation.id)
    log.info("invitation %s resent", invitation.id)
    return invitation


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(invitation_id: int) -> str:
    return _serializer().dumps(invitation_id)


def invitation_from_token(token: str, now: dt.datetime | None = None) -> Invitation:
    """The invitation a link names, if it can still be used; InvitationUnusable tells why not."""
    try:
        invitation_id = _serializer().loads(token, max_age=current_app.config["INVITATION_MAX_AGE"])
    except SignatureExpired:
        raise InvitationUnusable("expired") from None
    except BadSignature:
        raise InvitationUnusable("invalid") from None
    invitation = db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    if invitation is None:
        raise InvitationUnusable("invalid")
    state = invitation_state(invitation, now)
    if state == "accepted":
        raise InvitationUnusable("used", invitation)
    if state == "expired":
        raise InvitationUnusable("expired", invitation)
    return invitation


@dataclass
class Acceptance:
    invitation: Invitation
    organisation: Organisation
    membership: Membership | None
    booth: object | None = None
    partner: EditionPartner | None = None
    # Set when the organisation already had owners: nothing is brought in until one of them approves.
    join_request: JoinRequest | None = None


def accept_invitation(invitation_id: int, user_id: int, now: dt.datetime | None = None, *,
                      join_request: JoinRequest | None = None) -> Acceptance:
    """Make the user a member of the invited organisation and bring that organisation into the fair.

    The invitation is bound to the address it was sent to: another address raises
    InvitationUnusable("other_address") and changes nothing. It is claimed with a conditional UPDATE
    first, so two clicks (or two tabs) racing each other cannot both succeed; everything else reuses
    what already exists. Into an organisation that already has owners, a person not yet a member only
    gets a pending join request (`fair.teams.services.request_to_join`); an owner's approval calls
    this again with that `join_request`, which brings in what the invitation named.
    """
    now = now or clock.now()
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise InvitationUnusable("invalid")
    if join_request is not None:
        if join_request.invitation_id != invitation.id or join_request.status != JoinRequestStatus.approved:
            raise InvitationUnusable("invalid", invitation)
        user_id = join_request.user_id
    else:
        state = invitation_state(invitation, now)
        if state != "pending":
            raise InvitationUnusable("used" if state == "accepted" else "expired", invitation)
        user = db.session.get(User, user_id)
        if user is None or not teams.same_address(invitation.email, user.email):
            raise InvitationUnusable("other_address", invitation)
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation_id, Invitation.accepted_at.is_(None), Invitation.expires_at > now)
            .values(accepted_at=now, accepted_by_id=user_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            raise InvitationUnusable("used", invitation)
        db.session.refresh(invitation)
        mark_email_confirmed(user, invitation.email)  # the link reached that mailbox

    kind = OrganisationKind(invitation.kind.value)
    organisation = db.session.get(Organisation, invitation.organisation_id) if invitation.organisation_id else None
    if organisation is None:
        organisation = Organisation(kind=kind, name=invitation.organisation_name)
        db.session.add(organisation)
        db.session.flush()
        invitation.organisation_id = organisation.id
    elif join_request is None and teams.needs_owner_approval(db.session, organisation, user_id):
        waiting = teams.request_to_join(db.session, organisation, user, invitation_id=invitation.id,
                                        requested_by_id=invitation.invited_by_id)
        log.info("invitation %s accepted by user %s: waits for the owners of organisation %s",
                 invitation.id, user_id, organisation.id)
        return Acceptance(invitation=invitation, organisation=organisation, membership=None, join_request=waiting)

    membership = db.session.execute(
        select(Membership).where(Membership.user_id == user_id, Membership.organisation_id == organisation.id)
    ).scalars().first()
    if membership is None:
        has_members = db.session.execute(
            select(Membership.id).where(Membership.organisation_id == organisation.id).limit(1)
        ).first() is not None
        membership = Membership(user_id=user_id, organisation_id=organisation.id,
                                role=MembershipRole.member if has_members else MembershipRole.owner)
        db.session.add(membership)

    result = Acceptance(invitation=invitation, organisation=organisation, membership=membership)
    if kind == OrganisationKind.company:
        booth = db.session.execute(
            select(Booth).where(Booth.edition_id == invitation.edition_id, Booth.company_id == organisation.id)
        ).scalars().first()
        if booth is None:
            booth = Booth(edition_id=invitation.edition_id, company_id=organisation.id, pitch="")
            db.session.add(booth)
        result.booth = booth
    else:
        partner = db.session.execute(
            select(EditionPartner).where(EditionPartner.edition_id == invitation.edition_id,
                                         EditionPartner.organisation_id == organisation.id)
        ).scalars().first()
        if partner is None:
            partner = EditionPartner(edition_id=invitation.edition_id, organisation_id=organisation.id)
            db.session.add(partner)
        result.partner = partner
    db.session.flush()
    log.info("invitation %s accepted by user %s for organisation %s", invitation.id, user_id, organisation.id)
    return result
