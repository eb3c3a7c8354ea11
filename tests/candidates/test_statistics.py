"""The organiser's count of who the fair reached: situations only of consenting candidates, small
groups not shown, another organiser's fair 404."""
from __future__ import annotations

from fair.candidates.models import Application, CandidateProfile
from fair.db import utcnow
from tests.companies.helpers import page_text
from tests.conftest import login


def test_situations_are_counted_only_with_consent_and_small_groups_hidden(app, client, factory, world, session):
    organiser = factory.member(world.edition.organiser, email="organiser@example.org")
    for n in range(7):
        user = factory.user(email=f"person{n}@example.org")
        consent = utcnow() if n < 6 else None
        situations = ["qpv"] + (["under_26"] if n < 2 else [])
        session.add(CandidateProfile(user=user, situations=situations, situation_consent_at=consent))
        session.add(Application(candidate_id=user.id, offer_id=world.offer_a.id, message=""))
    session.commit()
    login(client, organiser.email)
    text = page_text(client.get(f"/console/editions/{world.edition.id}/candidates"))
    assert "Candidats ayant candidaté 7" in text
    assert "Seuls les candidats ayant accepté le texte sur les statistiques sont comptés : 6 candidats." in text
    assert "J'habite un quartier prioritaire (QPV) 6" in text  # the 7th did not agree
    assert "J'ai moins de 26 ans moins de 5" in text
    assert "Je perçois le RSA 0" in text
    assert "Envoyée 7" in text


def test_another_organiser_gets_404(app, client, factory, world):
    other = factory.member(factory.organisation("organiser", "Other organiser"), email="other@example.org")
    login(client, other.email)
    assert client.get(f"/console/editions/{world.edition.id}/candidates").status_code == 404
