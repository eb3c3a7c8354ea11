"""Organisers create, edit and publish editions; bad input is explained and nothing is saved."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import login, post_form
from tests.fairs.helpers import VALID_EDITION, count, field_errors, input_value, page_text

UTC = dt.timezone.utc


def _edition_by_slug(session, slug):
    from fair.fairs.models import Edition

    session.expire_all()
    return session.execute(select(Edition).where(Edition.slug == slug)).scalars().first()


def test_organiser_creates_an_edition_then_publishes_it(client, session, world):
    from fair.fairs.models import EditionStatus

    login(client, "organiser.f@example.org")
    console = client.get("/console/")
    assert console.status_code == 200
    assert "Créer un salon" in page_text(console)

    response = post_form(client, "/console/editions/new", VALID_EDITION)
    assert response.status_code == 302
    edition = _edition_by_slug(session, "rencontres-emploi-2030")
    assert edition is not None and edition.organiser_id == world.organiser_f.id
    assert edition.status == EditionStatus.draft
    assert edition.starts_at == dt.datetime(2030, 6, 12, 7, 0, tzinfo=UTC)  # 09:00 summer time in Paris
    assert edition.registration_closes_at == dt.datetime(2030, 6, 12, 10, 0, tzinfo=UTC)
    assert edition.audiences == ["youth_under_26", "over_50"]
    assert edition.languages == ["fr", "en"]
    assert response.headers["Location"].endswith(f"/console/editions/{edition.id}")

    page = client.get(f"/console/editions/{edition.id}")
    text = page_text(page)
    assert "Le salon « Rencontres pour l'emploi 2030 » a été créé en brouillon." in text
    assert "Brouillon" in text and "09:00" in text and "Jeunes de moins de 26 ans" in text

    response = post_form(client, f"/console/editions/{edition.id}/status", {"status": "published"},
                         form_page=f"/console/editions/{edition.id}")
    assert response.status_code == 302
    assert _edition_by_slug(session, "rencontres-emploi-2030").status == EditionStatus.published
    assert "Le salon est maintenant « Publié »." in page_text(client.get(f"/console/editions/{edition.id}"))

    listing = page_text(client.get("/console/"))
    assert "Rencontres pour l'emploi 2030" in listing and "Publié" in listing
    assert "0 stand" in listing and "0 offre" in listing and "0 partenaire" in listing


def test_the_slug_is_built_from_the_title_when_left_empty(client, session, world):
    login(client, "organiser.f@example.org")
    data = dict(VALID_EDITION, slug="", title="Job dating Quartiers Nord — Été 2030")
    assert post_form(client, "/console/editions/new", data).status_code == 302
    assert _edition_by_slug(session, "job-dating-quartiers-nord-ete-2030") is not None
    response = post_form(client, "/console/editions/new", dict(data, title="«  »"))
    assert field_errors(response, "slug") == ["Indiquez l'adresse web du salon."]


INVALID_CASES = {
    "missing title": ({"title": "  "}, "title", "Indiquez le titre du salon."),
    "slug with capitals": ({"slug": "Salon Lille"}, "slug",
                           "Utilisez uniquement des lettres minuscules, des chiffres et des tirets "
                           "(par exemple : salon-emploi-lille-2030)."),
    "slug taken": ({"slug": "salon-g"}, "slug",
                   "Cette adresse web est déjà utilisée par un autre salon. Choisissez-en une autre."),
    "unknown time zone": ({"timezone": "Mars/Olympus_Mons"}, "timezone",
                          "Fuseau horaire inconnu. Choisissez-en un dans la liste."),
    "missing start": ({"starts_at": ""}, "starts_at", "Indiquez le début du salon."),
    "unreadable date": ({"starts_at": "demain matin"}, "starts_at",
                        "Indiquez une date et une heure, par exemple 27/10/2030 09:00."),
    "end before start": ({"ends_at": "2030-06-12T08:00"}, "ends_at", "Le salon doit finir après avoir commencé."),
    "end equal to start": ({"ends_at": "2030-06-12T09:00"}, "ends_at", "Le salon doit finir après avoir commencé."),
    "registration closes before it opens": (
        {"registration_closes_at": "2030-04-30T08:00"}, "registration_closes_at",
        "La clôture des inscriptions doit suivre leur ouverture."),
    "registration closes after the end": (
        {"registration_closes_at": "2030-06-12T18:00"}, "registration_closes_at",
        "Les inscriptions doivent se clôturer au plus tard à la fin du salon."),
    "no audience": ({"audiences": []}, "audiences", "Choisissez au moins un public (ou « Tout public »)."),
    "no language": ({"languages": []}, "languages", "Choisissez au moins une langue."),
    "hybrid without venue": ({"format": "hybrid", "venue": ""}, "venue",
                             "Indiquez le lieu d'un salon hybride."),
    "logo over http": ({"logo_url": "http://example.org/logo.png"}, "logo_url",
                       "L'adresse du logo doit être une adresse sécurisée commençant par https://."),
    "colour not #rrggbb": ({"brand_colour": "bleu"}, "brand_colour",
                           "Indiquez une couleur sous la forme # suivi de six chiffres hexadécimaux, "
                           "par exemple #1d4f91."),
    "slot too short": ({"default_slot_minutes": "3"}, "default_slot_minutes",
                       "La durée d'un créneau doit être comprise entre 5 et 120 minutes."),
    "slot not a number": ({"default_slot_minutes": "vingt"}, "default_slot_minutes", "Saisissez un nombre entier."),
    "too many bookings": ({"max_bookings_per_candidate": "21"}, "max_bookings_per_candidate",
                          "Un candidat peut réserver entre 1 et 20 entretiens."),
    "unknown booking rule": ({"booking_policy": "lottery"}, "booking_policy",
                             "Choisissez qui peut réserver des entretiens."),
}


@pytest.mark.parametrize("case", list(INVALID_CASES), ids=list(INVALID_CASES))
def test_each_validation_error_is_shown_in_french_next_to_its_field_and_nothing_is_saved(client, session, world,
                                                                                      case):
    from fair.fairs.models import Edition

    changes, field_id, message = INVALID_CASES[case]
    login(client, "organiser.f@example.org")
    before = count(session, Edition)
    response = post_form(client, "/console/editions/new", dict(VALID_EDITION, **changes))
    assert response.status_code == 422
    assert field_errors(response, field_id) == [message]
    assert "Merci de corriger les erreurs ci-dessous." in page_text(response)
    assert count(session, Edition) == before
    # What the organiser typed is still there.
    assert input_value(response, "title") == dict(VALID_EDITION, **changes)["title"]


def test_every_problem_is_shown_at_once(client, session, world):
    from fair.fairs.models import Edition

    login(client, "organiser.f@example.org")
    response = post_form(client, "/console/editions/new",
                         dict(VALID_EDITION, title="", slug="", ends_at="2030-06-11T17:00",
                              default_slot_minutes="500"))
    assert field_errors(response, "title") == ["Indiquez le titre du salon."]
    assert field_errors(response, "slug") == []
    assert field_errors(response, "ends_at") == ["Le salon doit finir après avoir commencé."]
    assert field_errors(response, "default_slot_minutes") == [
        "La durée d'un créneau doit être comprise entre 5 et 120 minutes."]
    assert count(session, Edition) == 2


def test_validation_errors_in_english(client, session, world):
    login(client, "organiser.f@example.org")
    client.set_cookie("lang", "en")
    response = post_form(client, "/console/editions/new",
                         dict(VALID_EDITION, ends_at="2030-06-12T08:00", timezone="Nowhere/Atlantis"))
    assert field_errors(response, "timezone") == ["Unknown time zone. Choose one from the list."]
    assert field_errors(response, "ends_at") == []  # cannot be placed in time without a zone
    response = post_form(client, "/console/editions/new", dict(VALID_EDITION, ends_at="2030-06-12T08:00"))
    assert field_errors(response, "ends_at") == ["The fair must end after it starts."]
    assert "Please correct the errors below." in page_text(response)


def test_a_time_in_the_autumn_dst_change_day_is_stored_in_utc_and_shown_back_in_local_time(client, session,
                                                                                          world):
    """2030-10-27 is the last Sunday of October: Paris goes back from UTC+2 to UTC+1 at 03:00."""
    login(client, "organiser.f@example.org")
    data = dict(VALID_EDITION, starts_at="2030-10-27T09:00", ends_at="2030-10-27T17:00",
                registration_opens_at="2030-10-01T09:00", registration_closes_at="2030-10-26T20:00")
    assert post_form(client, "/console/editions/new", data).status_code == 302
    edition = _edition_by_slug(session, "rencontres-emploi-2030")
    assert edition.starts_at == dt.datetime(2030, 10, 27, 8, 0, tzinfo=UTC)
    assert edition.registration_closes_at == dt.datetime(2030, 10, 26, 18, 0, tzinfo=UTC)  # still summer time

    form = client.get(f"/console/editions/{edition.id}/edit")
    assert input_value(form, "starts_at") == "2030-10-27T09:00"
    assert input_value(form, "registration_closes_at") == "2030-10-26T20:00"
    page = page_text(client.get(f"/console/editions/{edition.id}"))
    assert "27 oct. 2030, 09:00 – 17:00" in page


@pytest.mark.parametrize("wall_time, message", [
    ("2030-03-31T02:30", "02:30 n'existe pas ce jour-là dans le fuseau horaire Europe/Paris (passage à "
                         "l'heure d'été). Choisissez une autre heure."),
    ("2030-10-27T02:30", "02:30 existe deux fois ce jour-là dans le fuseau horaire Europe/Paris (passage à "
                         "l'heure d'hiver). Choisissez une heure en dehors de l'heure du changement."),
], ids=["spring gap", "autumn overlap"])
def test_a_local_time_that_does_not_name_one_instant_is_refused(client, session, world, wall_time, message):
    from fair.fairs.models import Edition

    login(client, "organiser.f@example.org")
    data = dict(VALID_EDITION, starts_at=wall_time, ends_at=wall_time[:10] + "T17:00",
                registration_opens_at="2030-03-01T09:00", registration_closes_at=wall_time[:10] + "T12:00")
    response = post_form(client, "/console/editions/new", data)
    assert response.status_code == 422
    assert field_errors(response, "starts_at") == [message]
    assert count(session, Edition) == 2


def test_editing_keeps_its_own_slug_and_converts_times_in_the_new_zone(client, session, world):
    login(client, "organiser.f@example.org")
    edition_id = world.edition_f.id
    form = client.get(f"/console/editions/{edition_id}/edit")
    assert input_value(form, "slug") == "salon-f"
    assert input_value(form, "starts_at") == "2030-03-12T09:00"  # 08:00 UTC is 09:00 in Paris in March
    data = dict(VALID_EDITION, slug="salon-f", title="Salon de la Métropole (Réunion)", timezone="Indian/Reunion",
                starts_at="2030-03-12T09:00", ends_at="2030-03-12T17:00",
                registration_opens_at="2030-02-01T09:00", registration_closes_at="2030-03-12T12:00")
    response = post_form(client, f"/console/editions/{edition_id}/edit", data)
    assert response.status_code == 302
    edition = _edition_by_slug(session, "salon-f")
    assert edition.title == "Salon de la Métropole (Réunion)"
    assert edition.timezone == "Indian/Reunion"
    assert edition.starts_at == dt.datetime(2030, 3, 12, 5, 0, tzinfo=UTC)  # Réunion is UTC+4


def test_a_failed_edit_changes_nothing(client, session, world):
    login(client, "organiser.f@example.org")
    edition_id = world.edition_f.id
    response = post_form(client, f"/console/editions/{edition_id}/edit",
                         dict(VALID_EDITION, slug="salon-g", title="Nouveau titre"))
    assert field_errors(response, "slug") == [
        "Cette adresse web est déjà utilisée par un autre salon. Choisissez-en une autre."]
    edition = _edition_by_slug(session, "salon-f")
    assert edition.title == "Salon de la Métropole"


def test_an_illegal_status_move_is_refused_with_a_message(client, session, world):
    from fair.fairs.models import EditionStatus

    login(client, "organiser.f@example.org")
    path = f"/console/editions/{world.edition_f.id}"
    response = post_form(client, f"{path}/status", {"status": "live"}, form_page=path)
    assert response.status_code == 302
    text = page_text(client.get(path))
    assert "Un salon ne peut pas passer de « Brouillon » à « En direct »." in text
    assert _edition_by_slug(session, "salon-f").status == EditionStatus.draft

    response = post_form(client, f"{path}/status", {"status": "celebrated"}, form_page=path)
    assert "Ce statut n'existe pas." in page_text(client.get(path))
    assert _edition_by_slug(session, "salon-f").status == EditionStatus.draft


def test_the_status_buttons_follow_the_allowed_moves(client, session, world):
    from fair.fairs.models import EditionStatus

    login(client, "organiser.f@example.org")
    path = f"/console/editions/{world.edition_f.id}"
    for target in ("published", "draft", "published", "live", "closed", "live", "closed", "archived"):
        page = client.get(path).get_data(as_text=True)
        assert f'name="status" value="{target}"' in page
        post_form(client, f"{path}/status", {"status": target}, form_page=path)
        assert _edition_by_slug(session, "salon-f").status == EditionStatus(target)
    page = client.get(path).get_data(as_text=True)
    assert 'name="status"' not in page  # an archived fair goes nowhere
    response = client.post(f"{path}/status", data={"status": "draft", "csrf_token": _token(client, path)})
    assert _edition_by_slug(session, "salon-f").status == EditionStatus.archived
    assert response.status_code == 302


def _token(client, path):
    from tests.conftest import csrf_token

    return csrf_token(client, path)


def test_publishing_needs_a_description(client, session, world, factory):
    from fair.fairs.models import EditionStatus

    edition = factory.edition(world.organiser_f, status="draft", slug="sans-description", description="")
    login(client, "organiser.f@example.org")
    path = f"/console/editions/{edition.id}"
    assert "Avant de publier, ajoutez une description." in page_text(client.get(path))
    post_form(client, f"{path}/status", {"status": "published"}, form_page=path)
    assert "Avant de publier, ajoutez une description." in page_text(client.get(path))
    assert _edition_by_slug(session, "sans-description").status == EditionStatus.draft


def test_a_status_change_without_csrf_token_is_refused(client, session, world):
    from fair.fairs.models import EditionStatus

    login(client, "organiser.f@example.org")
    response = client.post(f"/console/editions/{world.edition_f.id}/status", data={"status": "published"})
    assert response.status_code == 400
    assert _edition_by_slug(session, "salon-f").status == EditionStatus.draft


def test_the_edition_page_lists_booths_partners_and_offers_50_per_page(client, session, world, recruiter, factory):
    from fair.accounts.models import PartnerType
    from fair.companies.models import BoothStaff
    from fair.fairs.models import EditionPartner

    edition = world.edition_f
    booth = factory.booth(edition, world.company)
    session.add(BoothStaff(booth_id=booth.id, user_id=recruiter.id, job_title="Recruteur"))
    other = factory.booth(edition, factory.organisation("company", name="Boulangerie du Nord"))
    partner = factory.organisation("partner", name="Mission locale de la Métropole",
                                   partner_type=PartnerType.mission_locale)
    session.add(EditionPartner(edition_id=edition.id, organisation_id=partner.id))
    session.commit()
    for n in range(52):
        factory.offer(booth, title=f"Conducteur {n:02d}", contract_type="cdi")
    for n in range(3):
        factory.offer(other, title=f"Boulanger {n}", contract_type="alternance", place="Roubaix")

    login(client, "organiser.f@example.org")
    page = client.get(f"/console/editions/{edition.id}")
    text = page_text(page)
    assert "Stands (2)" in text and "Offres (55)" in text and "Partenaires (1)" in text
    assert "Transports Rapides 52 Demo Recruiter" in text
    assert "Boulangerie du Nord 3 Personne pour l'instant" in text
    assert "Mission locale de la Métropole (Mission locale)" in text
    offer_rows = re.findall(r'<th scope="row"[^>]*>(?:Conducteur|Boulanger) \d', page.get_data(as_text=True))
    assert len(offer_rows) == 50
    assert "Page 1 sur 2" in text and "Boulanger 0" in text  # companies in alphabetical order
    second = page_text(client.get(f"/console/editions/{edition.id}?page=2"))
    assert "Conducteur 51" in second and "Conducteur 00" not in second
    assert client.get(f"/console/editions/{edition.id}?page=3").status_code == 404

    console = page_text(client.get("/console/"))
    assert "2 stands" in console and "55 offres" in console and "1 partenaire" in console
