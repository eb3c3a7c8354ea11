"""Who may use the recruiter pages: only the company's own members; a closed fair is frozen."""
from __future__ import annotations

import pytest

from fair.companies.models import Booth, BoothDocument, Offer
from tests.companies.helpers import count, page_text
from tests.conftest import csrf_token, login


def company_a_pages(world) -> list[str]:
    booth, offer = world.booth_a.id, world.offer_a.id
    return [
        f"/recruiter/booths/{booth}",
        f"/recruiter/booths/{booth}/offers",
        f"/recruiter/booths/{booth}/offers/new",
        f"/recruiter/booths/{booth}/offers/{offer}/edit",
        f"/recruiter/booths/{booth}/offers/{offer}/delete",
    ]


def company_a_actions(world) -> list[tuple[str, dict]]:
    booth, offer = world.booth_a.id, world.offer_a.id
    return [
        (f"/recruiter/booths/{booth}", {"pitch": "Piraté", "video_url": "", "stand_number": ""}),
        (f"/recruiter/booths/{booth}/documents", {"title": "Piraté", "url": "https://evil.example/x"}),
        (f"/recruiter/booths/{booth}/staff", {"user_id": world.recruiter_b.id, "job_title": "Piraté"}),
        (f"/recruiter/booths/{booth}/offers/new", {"title": "Piraté", "contract_type": "cdi", "positions": "1",
                                                  "place": "Lille", "remote": "none", "description": "x"}),
        (f"/recruiter/booths/{booth}/offers/{offer}/edit", {"title": "Piraté", "contract_type": "cdi",
                                                            "positions": "1", "place": "Lille", "remote": "none",
                                                            "description": "x"}),
        (f"/recruiter/booths/{booth}/offers/{offer}/unpublish", {}),
        (f"/recruiter/booths/{booth}/offers/{offer}/delete", {}),
    ]


def test_a_recruiter_of_another_company_gets_404_everywhere_and_changes_nothing(client, session, world):
    login(client, "recruiter.b@example.org")
    for path in company_a_pages(world):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, f"/recruiter/booths/{world.booth_b.id}")
    for path, data in company_a_actions(world):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 404, path

    session.expire_all()
    assert session.get(Booth, world.booth_a.id).pitch == "Nous transportons la région."
    offer = session.get(Offer, world.offer_a.id)
    assert (offer.title, offer.is_published) == ("Conducteur poids lourd", True)
    assert count(session, Offer) == 2 and count(session, BoothDocument) == 0
    assert "Transports Rapides" not in page_text(client.get("/recruiter/"))


def test_an_offer_of_another_booth_is_not_found_under_my_booth(client, world):
    login(client, "recruiter.a@example.org")
    path = f"/recruiter/booths/{world.booth_a.id}/offers/{world.offer_b.id}/edit"
    assert client.get(path).status_code == 404


def test_a_candidate_gets_404_on_recruiter_pages(client, world):
    login(client, "candidate@example.org")
    assert client.get("/recruiter/").status_code == 404
    for path in company_a_pages(world):
        assert client.get(path).status_code == 404, path


def test_an_organiser_is_not_a_recruiter(client, world):
    login(client, "organiser@example.org")
    assert client.get("/recruiter/").status_code == 404
    assert client.get(f"/recruiter/booths/{world.booth_a.id}").status_code == 404


@pytest.mark.parametrize("path", ["/recruiter/", "/recruiter/booths/1", "/recruiter/booths/1/offers"])
def test_anonymous_visitors_are_sent_to_login(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_a_closed_fair_refuses_every_change(client, session, world, status):
    from fair.fairs.models import Edition, EditionStatus

    session.get(Edition, world.edition.id).status = EditionStatus(status)
    session.commit()
    login(client, "recruiter.a@example.org")
    booth_page = f"/recruiter/booths/{world.booth_a.id}"
    token = csrf_token(client, booth_page)
    assert "Ce salon est terminé : son stand et ses offres ne peuvent plus être modifiés." in page_text(
        client.get(booth_page))

    for path, data in company_a_actions(world):
        if path.endswith("/staff"):
            data = {**data, "user_id": world.colleague_a.id}
        response = client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 302, path
        followed = client.get(response.headers["Location"]).get_data(as_text=True)
        assert '<p class="flash flash-error">Ce salon est terminé' in followed, path

    session.expire_all()
    assert session.get(Booth, world.booth_a.id).pitch == "Nous transportons la région."
    offer = session.get(Offer, world.offer_a.id)
    assert (offer.title, offer.is_published) == ("Conducteur poids lourd", True)
    assert count(session, Offer) == 2 and count(session, BoothDocument) == 0
