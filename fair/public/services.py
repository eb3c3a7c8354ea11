"""What anyone may see of a fair: published editions, their booths and their published offers.

Every list here is built with a fixed number of queries (joins and grouped COUNTs), whatever the
number of companies and offers: the demo fair alone has several hundred offers.
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from fair.accounts.models import Organisation
from fair.companies.models import Booth, BoothStaff, ContractType, Offer, RemoteMode
from fair.db import utcnow
from fair.extensions import db
from fair.fairs.models import PUBLIC_STATUSES, Edition, EditionStatus
from fair.fairs.rules import editions_run_by
from fair.public.search import fold, fold_text, search_terms

log = logging.getLogger("fair.public")


@dataclass(frozen=True)
class EditionSummary:
    edition: Edition
    company_count: int
    offer_count: int


@dataclass(frozen=True)
class BoothSummary:
    booth: Booth
    offer_count: int


@dataclass(frozen=True)
class OfferFilters:
    q: str = ""
    contract: ContractType | None = None
    place: str | None = None
    remote: RemoteMode | None = None
    beginners: bool = False

    def as_query_args(self) -> dict[str, str]:
        """The filters as URL parameters, so that page links keep them."""
        args: dict[str, str] = {}
        if self.q:
            args["q"] = self.q
        if self.contract:
            args["contract"] = self.contract.value
        if self.place:
            args["place"] = self.place
        if self.remote:
            args["remote"] = self.remote.value
        if self.beginners:
            args["beginners"] = "y"
        return args

    @property
    def active(self) -> bool:
        return bool(self.as_query_args())


@dataclass
class OfferPage:
    items: list[Offer]
    total: int
    page: int
    per_page: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _published_offer_counts(column, where) -> dict[int, int]:
    rows = db.session.execute(
        select(column, func.count(Offer.id))
        .select_from(Offer)
        .join(Booth, Booth.id == Offer.booth_id)
        .where(Offer.is_published.is_(True), where)
        .group_by(column)
    )
    return {key: count for key, count in rows}


def public_editions() -> list[EditionSummary]:
    """Published, live and closed fairs: the coming and running ones first (soonest first), then
    the ones that are over (latest first)."""
    editions = db.session.execute(
        select(Edition).where(Edition.status.in_(PUBLIC_STATUSES)).order_by(Edition.starts_at)
    ).scalars().all()
    if not editions:
        return []
    ids = [e.id for e in editions]
    companies = dict(db.session.execute(
        select(Booth.edition_id, func.count(Booth.id)).where(Booth.edition_id.in_(ids)).group_by(Booth.edition_id)
    ).all())
    offers = _published_offer_counts(Booth.edition_id, Booth.edition_id.in_(ids))
    now = utcnow()

    def is_over(edition: Edition) -> bool:
        return edition.status == EditionStatus.closed or edition.ends_at < now

    coming = [e for e in editions if not is_over(e)]
    over = sorted((e for e in editions if is_over(e)), key=lambda e: e.starts_at, reverse=True)
    return [EditionSummary(e, companies.get(e.id, 0), offers.get(e.id, 0)) for e in coming + over]


def edition_by_slug(slug: str) -> Edition | None:
    return db.session.execute(
        select(Edition).where(Edition.slug == slug).options(joinedload(Edition.organiser))
    ).scalars().first()


def may_see(edition: Edition, user_id: int | None) -> bool:
    """The public sees published, live and closed fairs; the organisers (lead or co-) also preview the others."""
    if edition.is_public:
        return True
    return user_id is not None and db.session.execute(
        editions_run_by(user_id).where(Edition.id == edition.id)).first() is not None


def edition_booths(edition: Edition) -> list[BoothSummary]:
    booths = db.session.execute(
        select(Booth)
        .join(Organisation, Organisation.id == Booth.company_id)
        .where(Booth.edition_id == edition.id)
        .options(contains_eager(Booth.company))
        .order_by(Organisation.name, Booth.id)
    ).scalars().all()
    counts = _published_offer_counts(Offer.booth_id, Booth.edition_id == edition.id)
    # Alphabetical as people read it: "Bâtir" before "Brasseries", whatever the database collation.
    booths = sorted(booths, key=lambda b: (fold_text(b.company.name), b.id))
    return [BoothSummary(b, counts.get(b.id, 0)) for b in booths]


def edition_offer_count(edition: Edition) -> int:
    return db.session.execute(
        select(func.count(Offer.id)).join(Booth, Booth.id == Offer.booth_id)
        .where(Booth.edition_id == edition.id, Offer.is_published.is_(True))
    ).scalar_one()


def edition_places(edition: Edition) -> list[str]:
    """The places of the fair's published offers, for the place filter."""
    places = db.session.execute(
        select(Offer.place).distinct().join(Booth, Booth.id == Offer.booth_id)
        .where(Booth.edition_id == edition.id, Offer.is_published.is_(True))
    ).scalars()
    return sorted(places, key=lambda place: (fold_text(place), place))


def _filtered_offers(statement: Select, edition: Edition, filters: OfferFilters) -> Select:
    statement = statement.where(Booth.edition_id == edition.id, Offer.is_published.is_(True))
    for term in search_terms(filters.q):
        pattern = f"%{_escape_like(term)}%"
        statement = statement.where(or_(
            fold(Offer.title).like(pattern, escape="\\"),
            fold(Offer.description).like(pattern, escape="\\"),
            fold(Organisation.name).like(pattern, escape="\\"),
        ))
    if filters.contract:
        statement = statement.where(Offer.contract_type == filters.contract)
    if filters.place:
        statement = statement.where(Offer.place == filters.place)
    if filters.remote:
        statement = statement.where(Offer.remote == filters.remote)
    if filters.beginners:
        statement = statement.where(Offer.open_to_beginners.is_(True))
    return statement


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_offers(edition: Edition, filters: OfferFilters, page: int, per_page: int) -> OfferPage:
    """One page of the fair's published offers that match, with the total number of matches.

    A page number past the end shows the last page rather than an empty list.
    """
    base = (
        select(Offer)
        .join(Booth, Booth.id == Offer.booth_id)
        .join(Organisation, Organisation.id == Booth.company_id)
    )
    total = db.session.execute(
        _filtered_offers(
            select(func.count(Offer.id)).select_from(Offer)
            .join(Booth, Booth.id == Offer.booth_id)
            .join(Organisation, Organisation.id == Booth.company_id),
            edition, filters,
        )
    ).scalar_one()
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    items = db.session.execute(
        _filtered_offers(base, edition, filters)
        .options(contains_eager(Offer.booth).contains_eager(Booth.company))
        .order_by(fold(Offer.title), Offer.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars().all()
    return OfferPage(items=list(items), total=total, page=page, per_page=per_page)


def booth_in_edition(edition: Edition, booth_id: int) -> Booth | None:
    return db.session.execute(
        select(Booth)
        .where(Booth.id == booth_id, Booth.edition_id == edition.id)
        .options(
            joinedload(Booth.company), selectinload(Booth.documents),
            selectinload(Booth.staff).joinedload(BoothStaff.user),
        )
    ).scalars().first()


def booth_published_offers(booth: Booth) -> list[Offer]:
    return list(db.session.execute(
        select(Offer).where(Offer.booth_id == booth.id, Offer.is_published.is_(True))
        .order_by(fold(Offer.title), Offer.id)
    ).scalars())


def published_offer_in_edition(edition: Edition, offer_id: int) -> Offer | None:
    return db.session.execute(
        select(Offer)
        .join(Booth, Booth.id == Offer.booth_id)
        .join(Organisation, Organisation.id == Booth.company_id)
        .where(Offer.id == offer_id, Booth.edition_id == edition.id, Offer.is_published.is_(True))
        .options(contains_eager(Offer.booth).contains_eager(Booth.company))
    ).scalars().first()


def edition_published_offers(edition: Edition) -> list[Offer]:
    """Every published offer of the fair, oldest first (the public JSON feed), in one query."""
    return list(db.session.execute(
        select(Offer)
        .join(Booth, Booth.id == Offer.booth_id)
        .join(Organisation, Organisation.id == Booth.company_id)
        .where(Booth.edition_id == edition.id, Offer.is_published.is_(True))
        .options(contains_eager(Offer.booth).contains_eager(Booth.company))
        .order_by(Offer.id)
    ).scalars())
