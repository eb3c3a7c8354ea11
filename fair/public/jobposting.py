"""What search engines read of an offer: schema.org `JobPosting` (JSON-LD) and the edition's JSON feed.

Both say only what the public offer page shows: the offer's own fields, the company's name and
website (shown on the page), the fair's end as the offer's end. Nothing about applicants, staff or
the organiser's settings. The page embeds the JSON-LD with Jinja's `tojson`, which writes `<`, `>`,
`&` and `'` as `\\u003c`…, so a title holding `</script>` cannot end the script element.
"""
from __future__ import annotations

import html
import re
from typing import Any

from flask import url_for

from fair.companies.labels import contract_label, remote_label
from fair.companies.models import ContractType, Offer, RemoteMode
from fair.fairs.models import Edition, EditionStatus

EMPLOYMENT_TYPES = {
    ContractType.cdi: "FULL_TIME",
    ContractType.cdd: "TEMPORARY",
    ContractType.interim: "TEMPORARY",
    ContractType.alternance: "INTERN",
    ContractType.stage: "INTERN",
    ContractType.insertion: "TEMPORARY",
    ContractType.training: "OTHER",
    ContractType.other: "OTHER",
}
APPLYING_STATUSES = (EditionStatus.published, EditionStatus.live)
_POSTCODE = re.compile(r"\b(\d{5}|2[AB]\d{3})\b")
# France Travail's salary wording: "Mensuel de 1800.00 Euros à 2100.00 Euros sur 12 mois", "Horaire de 11.88 Euros".
_SALARY = re.compile(r"^(Annuel|Mensuel|Horaire)\s+de\s+([\d.,]+)\s+Euros(?:\s+à\s+([\d.,]+)\s+Euros)?", re.IGNORECASE)
_SALARY_UNITS = {"annuel": "YEAR", "mensuel": "MONTH", "horaire": "HOUR"}


def employment_type(offer: Offer) -> str:
    if offer.working_hours and "partiel" in offer.working_hours.lower():
        return "PART_TIME"
    return EMPLOYMENT_TYPES[offer.contract_type]


def _address(place: str) -> dict[str, str]:
    """"Lille", "Paris 15 (75015)" or "59000 Lille" as a PostalAddress."""
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    match = _POSTCODE.search(place)
    if match:
        address["postalCode"] = match.group(1)
    locality = _POSTCODE.sub("", place).replace("()", "").strip(" -,")
    address["addressLocality"] = locality or place
    return address


def _amount(text: str) -> float:
    return float(text.replace(",", "."))


def base_salary(offer: Offer) -> dict[str, Any] | None:
    """A MonetaryAmount when the salary text says an amount and a unit, else None (the text stays on the page)."""
    match = _SALARY.match(offer.salary_text or "")
    if not match:
        return None
    try:
        low = _amount(match.group(2))
        high = _amount(match.group(3)) if match.group(3) else None
    except ValueError:
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": _SALARY_UNITS[match.group(1).lower()]}
    if high is not None and high > low:
        value.update(minValue=low, maxValue=high)
    else:
        value["value"] = low
    return {"@type": "MonetaryAmount", "currency": "EUR", "value": value}


def _description_html(offer: Offer) -> str:
    parts = [offer.description, offer.requirements]
    return "".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in parts if part and part.strip())


def job_posting(offer: Offer, edition: Edition) -> dict[str, Any]:
    """The offer's JobPosting, as Google's structured data guidelines list its required and
    recommended properties."""
    company = offer.booth.company
    organisation: dict[str, Any] = {"@type": "Organization", "name": company.name}
    if company.website and company.website.startswith("https://"):
        organisation["sameAs"] = company.website
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": _description_html(offer) or html.escape(offer.title),
        "datePosted": offer.created_at.date().isoformat(),
        "validThrough": edition.ends_at.isoformat(),
        "employmentType": employment_type(offer),
        "hiringOrganization": organisation,
        "identifier": {"@type": "PropertyValue", "name": company.name, "value": str(offer.id)},
        "directApply": edition.status in APPLYING_STATUSES,
        "url": url_for("public.offer", slug=edition.slug, offer_id=offer.id, _external=True),
    }
    if offer.remote == RemoteMode.full:
        posting["jobLocationType"] = "TELECOMMUTE"
        posting["applicantLocationRequirements"] = {"@type": "Country", "name": "FR"}
    else:
        posting["jobLocation"] = {"@type": "Place", "address": _address(offer.place)}
    if offer.positions > 1:
        posting["totalJobOpenings"] = offer.positions
    if offer.rome_code:
        posting["occupationalCategory"] = offer.rome_code
    salary = base_salary(offer)
    if salary:
        posting["baseSalary"] = salary
    if offer.open_to_beginners:
        posting["experienceRequirements"] = "no requirements"
    return posting


def feed_item(offer: Offer, edition: Edition) -> dict[str, Any]:
    """One offer of the edition's public feed: the fields its public page shows."""
    booth = offer.booth
    return {
        "id": offer.id,
        "url": url_for("public.offer", slug=edition.slug, offer_id=offer.id, _external=True),
        "title": offer.title,
        "company": {"name": booth.company.name, "website": booth.company.website or None,
                    "booth_url": url_for("public.booth", slug=edition.slug, booth_id=booth.id, _external=True)},
        "contract_type": offer.contract_type.value,
        "contract_label": offer.contract_label_original or contract_label(offer.contract_type),
        "place": offer.place,
        "remote": offer.remote.value,
        "remote_label": remote_label(offer.remote),
        "positions": offer.positions,
        "open_to_beginners": offer.open_to_beginners,
        "description": offer.description,
        "requirements": offer.requirements,
        "rome_code": offer.rome_code,
        "rome_label": offer.rome_label,
        "working_hours": offer.working_hours,
        "salary": offer.salary_text,
        "source": offer.source.value if offer.source else None,
        "source_url": offer.external_url,
        "date_posted": offer.created_at.isoformat(),
        "updated_at": offer.updated_at.isoformat(),
        "job_posting": job_posting(offer, edition),
    }
