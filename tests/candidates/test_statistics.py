"""The organiser's count of who the fair reached (now the edition's report, fair.reports): situations
only of consenting candidates, small groups not shown, another organiser's fair 404."""
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
    old = client.get(f"/console/editions/{world.edition.id}/candidates", follow_redirects=True)
    text = page_text(old)
    assert old.request.path == f"/console/editions/{world.edition.id}/report"
    assert "Ensemble des personnes 7 7 0" in text
    assert "Dont personnes ayant accepté d’être comptées dans les publics 6 6 0" in text
    assert "Résidents d’un quartier prioritaire (QPV) 6 6 0" in text  # the 7th did not agree
    assert "Moins de 26 ans < 5 < 5 0" in text
    assert "Allocataires du RSA 0 0 0" in text


def test_another_organiser_gets_404(app, client, factory, world):
    other = factory.member(factory.organisation("organiser", "Other organiser"), email="other@example.org")
    login(client, other.email)
    assert client.get(f"/console/editions/{world.edition.id}/candidates").status_code == 404
    assert client.get(f"/console/editions/{world.edition.id}/report").status_code == 404
