"""What the public may see: draft and archived fairs only to their organisers; nothing across fairs."""
from __future__ import annotations

import pytest

from tests.companies.helpers import page_text
from tests.conftest import login


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_fair_not_yet_or_no_longer_public_is_not_found(client, session, fair, status):
    from fair.fairs.models import EditionStatus

    fair.edition.status = EditionStatus(status)
    session.commit()
    for path in ("/fairs/rencontres-emploi",
                 f"/fairs/rencontres-emploi/booths/{fair.booths.bakery.id}",
                 f"/fairs/rencontres-emploi/offers/{fair.offers.baker.id}"):
        assert client.get(path).status_code == 404, path
    assert "Rencontres pour l'emploi" not in page_text(client.get("/"))


def test_its_organisers_preview_a_draft_fair_with_a_banner(client, session, fair):
    from fair.fairs.models import EditionStatus

    fair.edition.status = EditionStatus.draft
    session.commit()
    login(client, "organiser@example.org")

    page = page_text(client.get("/fairs/rencontres-emploi"))
    assert "Aperçu : ce salon est un brouillon — il n'est pas visible par le public." in page
    assert "Boulanger" in page
    assert client.get(f"/fairs/rencontres-emploi/offers/{fair.offers.baker.id}").status_code == 200


def test_organisers_of_another_fair_and_recruiters_do_not_see_a_draft(client, factory, session, fair):
    from fair.fairs.models import EditionStatus

    fair.edition.status = EditionStatus.draft
    session.commit()
    factory.member(factory.organisation("organiser"), email="other.organiser@example.org")
    factory.member(fair.booths.bakery.company, email="baker@example.org")

    other_organiser = client.application.test_client()
    login(other_organiser, "other.organiser@example.org")
    assert other_organiser.get("/fairs/rencontres-emploi").status_code == 404
    recruiter = client.application.test_client()
    login(recruiter, "baker@example.org")
    assert recruiter.get("/fairs/rencontres-emploi").status_code == 404


def test_a_published_fair_shows_no_banner(client, fair):
    assert "Aperçu" not in page_text(client.get("/fairs/rencontres-emploi"))


def test_booth_and_offer_of_another_fair_are_not_found_under_this_slug(client, factory, fair):
    other_fair = factory.edition(fair.organiser_org, status="published", slug="autre-salon")
    other_booth = factory.booth(other_fair, factory.organisation("company", name="Ailleurs"))
    other_offer = factory.offer(other_booth, "Poste ailleurs")

    assert client.get(f"/fairs/rencontres-emploi/booths/{other_booth.id}").status_code == 404
    assert client.get(f"/fairs/rencontres-emploi/offers/{other_offer.id}").status_code == 404
    assert client.get(f"/fairs/autre-salon/offers/{other_offer.id}").status_code == 200
    assert client.get("/fairs/no-such-fair").status_code == 404


def test_an_unpublished_offer_is_not_found(client, fair):
    assert client.get(f"/fairs/rencontres-emploi/offers/{fair.offers.hidden.id}").status_code == 404


def test_the_booth_page_shows_the_company_and_its_published_offers(client, factory, fair):
    from fair.companies.models import BoothDocument, BoothStaff

    booth = fair.booths.hospital
    staff = factory.member(booth.company, email="rh@example.org", full_name="Demo Recruiter")
    factory.session.add_all([
        BoothDocument(booth=booth, title="Nos métiers du soin", url="https://example.org/soin.pdf"),
        BoothStaff(booth=booth, user=staff, job_title="Responsable du recrutement"),
    ])
    booth.video_url = "https://video.example.org/hopital"
    booth.stand_number = "C3"
    factory.session.commit()

    response = client.get(f"/fairs/rencontres-emploi/booths/{booth.id}")
    page = page_text(response)
    body = response.get_data(as_text=True)
    assert "Centre hospitalier" in page and "Soigner ensemble." in page and "Stand C3" in page
    assert 'href="https://video.example.org/hopital"' in body
    assert 'href="https://example.org/soin.pdf"' in body and "Nos métiers du soin" in page
    assert "Demo Recruiter Responsable du recrutement" in page
    assert "Infirmier de nuit" in page and "Secrétaire médicale" in page
    assert "Offre masquée" not in page


def test_the_offer_page_shows_everything_a_candidate_needs(client, fair):
    response = client.get(f"/fairs/rencontres-emploi/offers/{fair.offers.nurse.id}")
    page = page_text(response)
    assert response.status_code == 200
    for text in ("Infirmier de nuit", "Centre hospitalier", "Contrat CDI", "Lieu Tourcoing",
                 "Télétravail Sur site", "Débutants acceptés Non, une première expérience est demandée",
                 "Équipe de réanimation.", "Diplôme d'État infirmier"):
        assert text in page, text
    assert f'href="/fairs/rencontres-emploi/booths/{fair.booths.hospital.id}"' in response.get_data(as_text=True)

    driver = page_text(client.get(f"/fairs/rencontres-emploi/offers/{fair.offers.driver.id}"))
    assert "Code ROME N4101" in driver
    beginner = page_text(client.get(f"/fairs/rencontres-emploi/offers/{fair.offers.forklift.id}"))
    assert "Débutants acceptés Oui" in beginner and "Intérim" in beginner, beginner
