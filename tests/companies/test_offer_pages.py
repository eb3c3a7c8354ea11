"""Recruiters create, edit, hide, publish and delete their booth's offers; bad input saves nothing."""
from __future__ import annotations

import pytest

from fair.companies.models import ContractType, Offer, RemoteMode
from tests.companies.helpers import count, field_errors, page_text
from tests.conftest import login, post_form

GOOD_OFFER = {
    "title": "Agent de quai",
    "contract_type": "interim",
    "positions": "12",
    "place": "Lesquin",
    "remote": "none",
    "description": "Chargement et déchargement des camions.",
    "requirements": "CACES 1 apprécié",
    "rome_code": "n1103",
    "open_to_beginners": "y",
}


def test_a_recruiter_publishes_an_offer_that_candidates_then_see(client, session, world):
    login(client, "recruiter.a@example.org")
    offers_page = f"/recruiter/booths/{world.booth_a.id}/offers"

    response = post_form(client, f"{offers_page}/new", GOOD_OFFER)

    assert response.status_code == 302 and response.headers["Location"] == offers_page
    listing = page_text(client.get(offers_page))
    assert "L'offre « Agent de quai » a été publiée." in listing
    assert "Agent de quai" in listing and "Intérim" in listing and "12 postes" in listing
    offer = session.execute(Offer.__table__.select().where(Offer.title == "Agent de quai")).one()
    assert offer.contract_type == ContractType.interim.value or offer.contract_type == ContractType.interim
    assert (offer.positions, offer.place, offer.rome_code, offer.open_to_beginners) == (12, "Lesquin", "N1103", True)
    public = page_text(client.get(f"/fairs/rencontres-emploi/offers/{offer.id}"))
    assert "Agent de quai" in public and "CACES 1 apprécié" in public and "N1103" in public


@pytest.mark.parametrize("changes, field, message", [
    ({"title": ""}, "title", "Ce champ est obligatoire."),
    ({"positions": "0"}, "positions", "Saisissez un nombre entre 1 et 500."),
    ({"positions": "501"}, "positions", "Saisissez un nombre entre 1 et 500."),
    ({"positions": "beaucoup"}, "positions", "Saisissez un nombre entier."),
    ({"rome_code": "12345"}, "rome_code",
     "Un code ROME est composé d'une lettre suivie de 4 chiffres, par exemple N1103."),
    ({"rome_code": "N11"}, "rome_code",
     "Un code ROME est composé d'une lettre suivie de 4 chiffres, par exemple N1103."),
    ({"contract_type": "freelance"}, "contract_type", "Choisissez un type de contrat de la liste."),
    ({"place": "  "}, "place", "Ce champ est obligatoire."),
    ({"description": ""}, "description", "Ce champ est obligatoire."),
])
def test_bad_offers_are_explained_in_french_and_nothing_is_saved(client, session, world, changes, field, message):
    login(client, "recruiter.a@example.org")
    before = count(session, Offer)

    response = post_form(client, f"/recruiter/booths/{world.booth_a.id}/offers/new", {**GOOD_OFFER, **changes})

    assert response.status_code == 422
    assert field_errors(response, field) == [message]
    assert "Merci de corriger les erreurs ci-dessous." in page_text(response)
    assert count(session, Offer) == before


def test_offer_errors_are_in_english_for_an_english_speaker(client, session, world):
    login(client, "recruiter.a@example.org")
    client.get("/lang/en")

    response = post_form(client, f"/recruiter/booths/{world.booth_a.id}/offers/new",
                         {**GOOD_OFFER, "positions": "0", "rome_code": "ABCDE"})

    assert field_errors(response, "positions") == ["Enter a number between 1 and 500."]
    assert field_errors(response, "rome_code") == ["A ROME code is one letter followed by 4 digits, for example N1103."]
    assert count(session, Offer) == 2


def test_a_recruiter_edits_an_offer(client, session, world):
    login(client, "recruiter.a@example.org")
    path = f"/recruiter/booths/{world.booth_a.id}/offers/{world.offer_a.id}/edit"
    form = page_text(client.get(path))
    assert "Conducteur poids lourd" in client.get(path).get_data(as_text=True) and "Modifier l'offre" in form

    response = post_form(client, path, {**GOOD_OFFER, "title": "Conducteur SPL", "remote": "partial",
                                        "contract_type": "cdd", "open_to_beginners": ""})

    assert response.status_code == 302
    session.expire_all()
    offer = session.get(Offer, world.offer_a.id)
    assert (offer.title, offer.contract_type, offer.remote, offer.open_to_beginners) == (
        "Conducteur SPL", ContractType.cdd, RemoteMode.partial, False)


def test_a_hidden_offer_disappears_from_the_public_pages_until_published_again(client, session, world):
    login(client, "recruiter.a@example.org")
    offers_page = f"/recruiter/booths/{world.booth_a.id}/offers"
    public_offer = f"/fairs/rencontres-emploi/offers/{world.offer_a.id}"

    post_form(client, f"{offers_page}/{world.offer_a.id}/unpublish", {}, form_page=offers_page)
    assert "Masquée aux candidats" in page_text(client.get(offers_page))
    assert client.get(public_offer).status_code == 404
    assert "Conducteur poids lourd" not in page_text(client.get("/fairs/rencontres-emploi"))

    post_form(client, f"{offers_page}/{world.offer_a.id}/publish", {}, form_page=offers_page)
    assert client.get(public_offer).status_code == 200


def test_deleting_an_offer_asks_first_then_deletes_on_post(client, session, world):
    login(client, "recruiter.a@example.org")
    path = f"/recruiter/booths/{world.booth_a.id}/offers/{world.offer_a.id}/delete"

    confirmation = client.get(path)
    assert confirmation.status_code == 200
    assert "Supprimer l'offre « Conducteur poids lourd » ?" in page_text(confirmation)
    assert session.get(Offer, world.offer_a.id) is not None

    response = post_form(client, path, {})
    assert response.status_code == 302
    assert count(session, Offer, Offer.id == world.offer_a.id) == 0
    assert count(session, Offer) == 1  # company B's offer is untouched


def test_a_nul_character_is_refused_and_nothing_is_saved(client, session, world):
    """No person types one, but a pasted or scripted value can hold it: PostgreSQL stores none in text,
    and the save once ended in a 500 there."""
    login(client, "recruiter.a@example.org")
    before = count(session, Offer)

    response = post_form(client, f"/recruiter/booths/{world.booth_a.id}/offers/new",
                         {**GOOD_OFFER, "description": "Chargement\x00 des camions."})

    assert response.status_code == 400
    assert "La demande n'a pas pu être comprise." in page_text(response)
    assert count(session, Offer) == before
    assert client.get(f"/recruiter/booths/{world.booth_a.id}/offers?q=a\x00b").status_code == 400
