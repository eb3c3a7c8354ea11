"""What search engines read: the JobPosting JSON-LD of a public offer page and the edition's JSON feed."""
from __future__ import annotations

import json
import re

from fair.companies.models import OfferSource

# Google's JobPosting structured data: required, then recommended properties.
REQUIRED = ("title", "description", "datePosted", "hiringOrganization")
RECOMMENDED = ("validThrough", "employmentType", "identifier", "directApply")


def _ld(response) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.get_data(as_text=True), re.S)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def _world(factory):
    organiser = factory.organisation("organiser", "Ville de Lille")
    company = factory.organisation("company", "Logi Nord", website="https://logi.example")
    edition = factory.edition(organiser, slug="salon-lille")
    return edition, factory.booth(edition, company)


def test_an_offer_page_carries_its_job_posting_safely_escaped(app, client, factory):
    edition, booth = _world(factory)
    offer = factory.offer(booth, title="Cariste </script><script>alert(1)</script>", place="Lille (59000)",
                          description="Conduite de chariots.\nCACES 3.", positions=3,
                          salary_text="Mensuel de 1900.00 Euros à 2100.00 Euros sur 12 mois",
                          source=OfferSource.france_travail, external_id="190XYZK",
                          external_url="https://candidat.francetravail.fr/offres/recherche/detail/190XYZK")
    response = client.get(f"/fairs/{edition.slug}/offers/{offer.id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<script>alert(1)" not in body  # the title ended no script element
    posting = _ld(response)
    assert all(posting.get(name) for name in REQUIRED)
    assert all(name in posting for name in RECOMMENDED)
    assert posting["@context"] == "https://schema.org/" and posting["@type"] == "JobPosting"
    assert posting["title"] == offer.title
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": "Logi Nord",
                                             "sameAs": "https://logi.example"}
    assert posting["jobLocation"]["address"] == {"@type": "PostalAddress", "addressCountry": "FR",
                                                 "postalCode": "59000", "addressLocality": "Lille"}
    assert posting["employmentType"] == "FULL_TIME" and posting["directApply"] is True
    assert posting["validThrough"].startswith("2030-03-12T16:00")
    assert posting["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "MONTH",
                                              "minValue": 1900.0, "maxValue": 2100.0}
    assert posting["totalJobOpenings"] == 3
    assert "CACES 3." in posting["description"]
    assert "https://logi.example" in body  # what the JSON-LD says, the page shows


def test_a_fully_remote_offer_is_telecommute(app, client, factory):
    edition, booth = _world(factory)
    offer = factory.offer(booth, title="Téléconseiller", remote="full", contract_type="cdd")
    posting = _ld(client.get(f"/fairs/{edition.slug}/offers/{offer.id}"))
    assert posting["jobLocationType"] == "TELECOMMUTE" and "jobLocation" not in posting
    assert posting["applicantLocationRequirements"] == {"@type": "Country", "name": "FR"}
    assert posting["employmentType"] == "TEMPORARY" and "baseSalary" not in posting


def test_the_edition_feed_lists_published_offers_with_validators(app, client, factory):
    edition, booth = _world(factory)
    shown = factory.offer(booth, title="Cariste")
    factory.offer(booth, title="Brouillon caché", is_published=False)
    response = client.get(f"/fairs/{edition.slug}/offers.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    feed = response.get_json()
    assert feed["count"] == 1 and [o["title"] for o in feed["offers"]] == ["Cariste"]
    item = feed["offers"][0]
    assert item["url"].endswith(f"/fairs/{edition.slug}/offers/{shown.id}")
    assert item["company"]["name"] == "Logi Nord" and item["job_posting"]["@type"] == "JobPosting"
    assert "public" in response.headers["Cache-Control"] and response.headers["Last-Modified"]
    again = client.get(f"/fairs/{edition.slug}/offers.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304

    draft = factory.edition(booth.edition.organiser, status="draft", slug="brouillon")
    assert client.get(f"/fairs/{draft.slug}/offers.json").status_code == 404
