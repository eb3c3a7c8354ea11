"""France Travail offers in a booth: checked criteria, the API's offer mapped to fair's, imported
once (a re-import updates), refreshed daily and withdrawn when closed there.

An offer closed at France Travail is withdrawn, not deleted: it is hidden from candidates
(unpublished, `withdrawn_at` set) and kept for the applications already made, which say so. If
it comes back, the next import or refresh publishes it again.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from fair import audit, clock
from fair.companies.models import Booth, ContractType, Offer, OfferSource, RemoteMode
from fair.fairs.models import Edition, EditionStatus
from fair.francetravail.client import FranceTravailClient, FranceTravailError

log = logging.getLogger("fair.francetravail")

OFFER_PAGE = "https://candidat.francetravail.fr/offres/recherche/detail/{id}"

# France Travail's `typeContrat` codes; any other code is "other", its own label kept.
CONTRACTS = {
    "CDI": ContractType.cdi,
    "CDD": ContractType.cdd,
    "MIS": ContractType.interim,   # mission intérimaire
    "SAI": ContractType.cdd,       # saisonnier: a seasonal fixed-term contract
    "DDI": ContractType.insertion,  # CDD d'insertion (structures of insertion by activity)
}
# Natures of contract that say more than the type (`natureContrat`): work-study contracts.
ALTERNANCE_NATURES = ("contrat d'apprentissage", "contrat de professionnalisation")

SEARCH_FIELDS = ("motsCles", "codeROME", "commune", "departement")


@dataclass(frozen=True)
class ImportReport:
    created: int = 0
    updated: int = 0
    truncated: bool = False


# ---------------------------------------------------------------- criteria

def siret_is_valid(value: str) -> bool:
    """14 digits passing the Luhn check (La Poste's establishments, SIREN 356000000, use a sum of
    digits divisible by 5 instead, as INSEE documents)."""
    if not re.fullmatch(r"\d{14}", value or ""):
        return False
    if value.startswith("356000000"):
        return sum(int(d) for d in value) % 5 == 0
    total = 0
    for position, digit in enumerate(int(d) for d in reversed(value)):
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def search_criteria(*, siret: str = "", words: str = "", rome: str = "", commune: str = "",
                    departement: str = "") -> dict[str, str]:
    """The API's parameters for a search by SIRET, or by words, ROME code, town or department."""
    if siret:
        return {"siret": siret}
    criteria = {"motsCles": words.strip(), "codeROME": rome.strip().upper(), "commune": commune.strip(),
                "departement": departement.strip().upper()}
    return {key: value for key, value in criteria.items() if value}


# ---------------------------------------------------------------- mapping

def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def contract_of(raw: dict[str, Any]) -> tuple[ContractType, str | None]:
    """fair's contract type for an API offer, and the API's label when fair has no word for it."""
    code = str(raw.get("typeContrat") or "").upper()
    nature = str(raw.get("natureContrat") or "").lower()
    if raw.get("alternance") or any(n in nature for n in ALTERNANCE_NATURES):
        return ContractType.alternance, None
    kind = CONTRACTS.get(code)
    if kind is not None:
        return kind, None
    return ContractType.other, _text(raw.get("typeContratLibelle") or code, 120) or None


def place_of(raw: dict[str, Any]) -> str:
    """The town as people read it: "75 - PARIS 15" becomes "Paris 15 (75015)" when the postcode is known."""
    where = raw.get("lieuTravail") or {}
    label = str(where.get("libelle") or "").strip()
    town = label.split(" - ", 1)[1] if " - " in label else label
    town = town.title() if town.isupper() else town
    postcode = str(where.get("codePostal") or "").strip()
    if postcode and town:
        return f"{town} ({postcode})"[:120]
    return (town or postcode or "France")[:120]


def offer_url(raw: dict[str, Any]) -> str:
    origin = raw.get("origineOffre") or {}
    url = str(origin.get("urlOrigine") or "")
    if url.startswith("https://"):
        return url[:500]
    return OFFER_PAGE.format(id=raw["id"])


def mapped_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """The columns of an Offer for one offer of the API (`resultats[i]` or `GET /offres/<id>`)."""
    contract, original = contract_of(raw)
    salary = raw.get("salaire") or {}
    experience = str(raw.get("experienceExige") or "")
    return {
        "title": _text(raw.get("intitule"), 200) or _text(raw.get("appellationlibelle"), 200) or str(raw["id"]),
        "description": str(raw.get("description") or "").strip(),
        "place": place_of(raw),
        "contract_type": contract,
        "contract_label_original": original,
        "working_hours": _text(raw.get("dureeTravailLibelleConverti") or raw.get("dureeTravailLibelle"), 200) or None,
        "salary_text": _text(salary.get("libelle") or salary.get("commentaire"), 300) or None,
        "rome_code": _text(raw.get("romeCode"), 5) or None,
        "rome_label": _text(raw.get("romeLibelle"), 200) or None,
        "positions": max(1, int(raw.get("nombrePostes") or 1)),
        "open_to_beginners": experience == "D",
        "external_url": offer_url(raw),
    }


@dataclass(frozen=True)
class Preview:
    """One offer of a search as the import page lists it."""

    id: str
    title: str
    place: str
    contract: ContractType
    contract_label_original: str | None
    company: str
    already_imported: bool


def previews(session: Session, booth: Booth, offers: Iterable[dict[str, Any]]) -> list[Preview]:
    known = imported_ids(session, booth)
    out = []
    for raw in offers:
        if not raw.get("id"):
            continue
        fields = mapped_fields(raw)
        out.append(Preview(id=str(raw["id"]), title=fields["title"], place=fields["place"],
                           contract=fields["contract_type"], contract_label_original=fields["contract_label_original"],
                           company=_text((raw.get("entreprise") or {}).get("nom"), 200),
                           already_imported=str(raw["id"]) in known))
    return out


# ---------------------------------------------------------------- import and refresh

def imported_ids(session: Session, booth: Booth) -> set[str]:
    return set(session.execute(select(Offer.external_id).where(
        Offer.booth_id == booth.id, Offer.source == OfferSource.france_travail)).scalars())


def _apply(offer: Offer, fields: dict[str, Any]) -> bool:
    """Copy the fields that differ; True when something changed."""
    changed = False
    for name, value in fields.items():
        if getattr(offer, name) != value:
            setattr(offer, name, value)
            changed = True
    return changed


def import_offers(session: Session, booth: Booth, offers: Iterable[dict[str, Any]],
                  chosen: set[str] | None = None, *, criteria: dict[str, str] | None = None) -> ImportReport:
    """Create or update the booth's copies of `offers` (those whose id is in `chosen`, or all), and
    write the import to the audit log.

    One row per booth and France Travail id (a unique constraint): importing again updates it and
    publishes it again if it had been withdrawn. Never commits."""
    existing = {o.external_id: o for o in session.execute(select(Offer).where(
        Offer.booth_id == booth.id, Offer.source == OfferSource.france_travail)).scalars()}
    now = clock.now()
    created = updated = 0
    for raw in offers:
        external_id = str(raw.get("id") or "")
        if not external_id or (chosen is not None and external_id not in chosen):
            continue
        fields = mapped_fields(raw)
        offer = existing.get(external_id)
        if offer is None:
            offer = Offer(booth=booth, source=OfferSource.france_travail, external_id=external_id,
                          remote=RemoteMode.none, requirements="", is_published=True, **fields)
            session.add(offer)
            existing[external_id] = offer
            created += 1
        else:
            _apply(offer, fields)
            if offer.withdrawn_at is not None:
                offer.withdrawn_at = None
                offer.is_published = True
            updated += 1
        offer.imported_at = now
    session.flush()
    audit.record(session, "offers.imported_france_travail", booth, label=booth.company.name,
                 organisation_id=booth.company_id,
                 details={"criteria": criteria or {}, "created": created, "updated": updated})
    return ImportReport(created=created, updated=updated)


REFRESHED_STATUSES = (EditionStatus.published, EditionStatus.live)


def offers_to_refresh(session: Session) -> list[Offer]:
    """Imported offers of editions still open or to come (published or live, not ended)."""
    return list(session.execute(
        select(Offer).join(Booth, Booth.id == Offer.booth_id).join(Edition, Edition.id == Booth.edition_id)
        .where(Offer.source == OfferSource.france_travail, Edition.status.in_(REFRESHED_STATUSES),
               Edition.ends_at > clock.now())
        .options(joinedload(Offer.booth)).order_by(Offer.id)
    ).scalars())


def refresh_offer(session: Session, offer: Offer, client: FranceTravailClient) -> str:
    """Ask France Travail for the offer again: "updated", "unchanged", "withdrawn" (closed there) or
    "restored" (listed again). Never commits."""
    raw = client.offer(offer.external_id or "")
    if raw is None:
        already = offer.withdrawn_at is not None and not offer.is_published
        offer.withdrawn_at = offer.withdrawn_at or clock.now()
        offer.is_published = False  # even if someone published it again by hand: it is closed there
        return "unchanged" if already else "withdrawn"
    changed = _apply(offer, mapped_fields({**raw, "id": offer.external_id}))
    offer.imported_at = clock.now()
    if offer.withdrawn_at is not None:
        offer.withdrawn_at = None
        offer.is_published = True
        return "restored"
    return "updated" if changed else "unchanged"


__all__ = ["FranceTravailError", "ImportReport", "Preview", "import_offers", "mapped_fields", "offers_to_refresh",
           "previews", "refresh_offer", "search_criteria", "siret_is_valid"]
