"""What a recruiter may do with their company's booths and offers.

Services take plain arguments and never commit: the request that calls them owns the transaction.
Lookups are scoped to the companies the recruiter belongs to, so another company's booth is simply
not found (the view answers 404).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from fair.access import member_org_ids
from fair.accounts.models import Membership, OrganisationKind, User
from fair.companies.models import Booth, BoothDocument, BoothStaff, ContractType, Offer, RemoteMode
from fair.extensions import db
from fair.fairs.models import Edition, EditionStatus

log = logging.getLogger("fair.companies")

# Once a fair is over, what candidates saw stays as it was: booths and offers are frozen.
LOCKED_STATUSES = (EditionStatus.closed, EditionStatus.archived)


class EditionLocked(Exception):
    """The booth's edition is closed or archived: nothing about it may change any more."""


@dataclass(frozen=True)
class BoothSummary:
    booth: Booth
    offer_count: int
    published_count: int


def is_locked(edition: Edition) -> bool:
    return edition.status in LOCKED_STATUSES


def _ensure_editable(booth: Booth) -> None:
    if is_locked(booth.edition):
        raise EditionLocked(booth.id)


def company_booths(company_ids: list[int]) -> list[BoothSummary]:
    """Every booth of these companies, newest edition first, with offer counts in one grouped query."""
    if not company_ids:
        return []
    booths = db.session.execute(
        select(Booth)
        .join(Edition, Edition.id == Booth.edition_id)
        .where(Booth.company_id.in_(company_ids))
        .options(joinedload(Booth.edition), joinedload(Booth.company))
        .order_by(Edition.starts_at.desc(), Booth.id)
    ).scalars().all()
    counts = {
        booth_id: (total, published or 0)
        for booth_id, total, published in db.session.execute(
            select(Offer.booth_id, func.count(Offer.id), func.sum(case((Offer.is_published.is_(True), 1), else_=0)))
            .where(Offer.booth_id.in_([b.id for b in booths]))
            .group_by(Offer.booth_id)
        )
    }
    return [BoothSummary(b, *counts.get(b.id, (0, 0))) for b in booths]


def booth_offers(booth: Booth) -> list[Offer]:
    return list(db.session.execute(
        select(Offer).where(Offer.booth_id == booth.id).order_by(Offer.is_published.desc(), Offer.title, Offer.id)
    ).scalars())


def offer_of_booth(booth: Booth, offer_id: int) -> Offer | None:
    return db.session.execute(
        select(Offer).where(Offer.id == offer_id, Offer.booth_id == booth.id)
    ).scalars().first()


def company_members(company_id: int) -> list[User]:
    """The people who may staff the company's booth: its members, by name."""
    return list(db.session.execute(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == company_id, User.is_active_account.is_(True))
        .order_by(User.full_name, User.id)
    ).scalars())


def update_booth(booth: Booth, *, pitch: str, video_url: str | None, stand_number: str | None) -> Booth:
    _ensure_editable(booth)
    booth.pitch = pitch or ""
    booth.video_url = video_url or None
    booth.stand_number = stand_number or None
    log.info("booth %s updated", booth.id)
    return booth


def add_document(booth: Booth, *, title: str, url: str) -> BoothDocument:
    _ensure_editable(booth)
    document = BoothDocument(booth=booth, title=title, url=url)
    db.session.add(document)
    return document


def remove_document(booth: Booth, document_id: int) -> bool:
    _ensure_editable(booth)
    document = next((d for d in booth.documents if d.id == document_id), None)
    if document is None:
        return False
    booth.documents.remove(document)
    db.session.delete(document)
    return True


def set_staff(booth: Booth, *, user_id: int, job_title: str | None) -> BoothStaff:
    """Adds a member to the booth's staff, or updates their job title if they are already on it."""
    _ensure_editable(booth)
    is_member = db.session.execute(
        select(Membership.id).where(Membership.user_id == user_id, Membership.organisation_id == booth.company_id)
    ).first()
    if is_member is None:
        raise LookupError(user_id)
    staff = next((s for s in booth.staff if s.user_id == user_id), None)
    if staff is None:
        staff = BoothStaff(booth=booth, user_id=user_id)
        db.session.add(staff)
    staff.job_title = job_title or None
    return staff


def remove_staff(booth: Booth, staff_id: int) -> bool:
    _ensure_editable(booth)
    staff = next((s for s in booth.staff if s.id == staff_id), None)
    if staff is None:
        return False
    booth.staff.remove(staff)
    db.session.delete(staff)
    return True


def _apply_offer_fields(offer: Offer, fields: dict) -> None:
    offer.title = fields["title"]
    offer.contract_type = ContractType(fields["contract_type"])
    offer.positions = int(fields["positions"])
    offer.place = fields["place"]
    offer.remote = RemoteMode(fields["remote"])
    offer.description = fields["description"]
    offer.requirements = fields.get("requirements") or ""
    offer.rome_code = fields.get("rome_code") or None
    offer.open_to_beginners = bool(fields.get("open_to_beginners"))


def create_offer(booth: Booth, fields: dict) -> Offer:
    _ensure_editable(booth)
    offer = Offer(booth=booth, is_published=True)
    _apply_offer_fields(offer, fields)
    db.session.add(offer)
    log.info("offer created on booth %s", booth.id)
    return offer


def update_offer(booth: Booth, offer: Offer, fields: dict) -> Offer:
    _ensure_editable(booth)
    _apply_offer_fields(offer, fields)
    return offer


def set_offer_published(booth: Booth, offer: Offer, published: bool) -> Offer:
    _ensure_editable(booth)
    offer.is_published = published
    return offer


def delete_offer(booth: Booth, offer: Offer) -> None:
    _ensure_editable(booth)
    db.session.delete(offer)
    log.info("offer %s deleted from booth %s", offer.id, booth.id)


def recruiter_company_ids() -> list[int]:
    return member_org_ids(OrganisationKind.company)
