"""The recruiter's inbox per booth and offer: filter, shortlist, invite, reject with a reason from a list;
the candidate gets a kind French message through the outbox and the worker."""
from __future__ import annotations

import pytest

from fair.candidates.models import Application, ApplicationStatus, CandidateCv, CvKind
from tests.candidates.helpers import pdf_bytes
from tests.companies.helpers import field_errors, page_text
from tests.conftest import csrf_token, login, run_jobs
from tests.exports.helpers import fetch_export


@pytest.fixture
def applied(world, factory, session):
    """The candidate applied to offers A and A2 (with a CV), the other candidate to offer A."""
    from fair.candidates import storage

    cv = CandidateCv(user=world.candidate, kind=CvKind.pdf, original_name="Camille CV.pdf",
                     storage_name=storage.store(pdf_bytes()), size=len(pdf_bytes()), sha256="0" * 64)
    session.add(cv)
    session.flush()
    first = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, cv_id=cv.id,
                        message="Permis C depuis 2015.")
    second = Application(candidate_id=world.candidate.id, offer_id=world.offer_a2.id, message="")
    third = Application(candidate_id=world.other_candidate.id, offer_id=world.offer_a.id, message="")
    session.add_all([first, second, third])
    session.commit()
    return first, second, third


def inbox_path(world, suffix: str = "") -> str:
    return f"/recruiter/booths/{world.booth_a.id}/applications{suffix}"


def post(client, path: str, data: dict | None = None, form_page: str | None = None):
    return client.post(path, data={"csrf_token": csrf_token(client, form_page or "/account"), **(data or {})})


def test_the_inbox_lists_applications_of_the_booth_and_filters_them(app, client, world, applied):
    first, second, third = applied
    login(client, world.recruiter_a.email)
    text = page_text(client.get(inbox_path(world)))
    assert "3 candidatures" in text
    assert "Camille Candidate" in text and "Dominique Other" in text
    by_offer = page_text(client.get(inbox_path(world, f"?offer={world.offer_a2.id}")))
    assert "1 candidature" in by_offer and "Dominique Other" not in by_offer
    with_cv = page_text(client.get(inbox_path(world, "?cv=1")))
    assert "1 candidature" in with_cv
    # The offers page links to each offer's applications.
    offers_page = client.get(f"/recruiter/booths/{world.booth_a.id}/offers").get_data(as_text=True)
    assert f"applications?offer={world.offer_a.id}" in offers_page


def test_shortlist_then_the_candidate_and_the_filter_see_it(app, client, world, applied, session):
    first, _, _ = applied
    login(client, world.recruiter_a.email)
    response = post(client, inbox_path(world, f"/{first.id}/shortlist"))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Application, first.id).status is ApplicationStatus.shortlisted
    assert "1 candidature" in page_text(client.get(inbox_path(world, "?status=shortlisted")))
    candidate = app.test_client()
    login(candidate, world.candidate.email)
    assert "Présélectionnée" in page_text(candidate.get("/candidate/applications"))


def test_reject_needs_a_reason_from_the_list(app, client, world, applied, session):
    first, _, _ = applied
    login(client, world.recruiter_a.email)
    response = post(client, inbox_path(world, f"/{first.id}/reject"), {"reason": "you are too old"})
    assert response.status_code == 422
    assert field_errors(response, "reason") == ["Choisissez un motif dans la liste."]
    session.expire_all()
    assert session.get(Application, first.id).status is ApplicationStatus.submitted


def test_reject_sends_a_kind_french_message_through_the_outbox(app, client, world, applied, session, smtp):
    from fair.mail.models import OutboxMessage

    first, _, _ = applied
    login(client, world.recruiter_a.email)
    response = post(client, inbox_path(world, f"/{first.id}/reject"), {"reason": "position_filled"})
    assert response.status_code == 302
    session.expire_all()
    application = session.get(Application, first.id)
    assert application.status is ApplicationStatus.rejected and application.rejection_reason.value == "position_filled"
    rows = session.query(OutboxMessage).filter_by(to_address=world.candidate.email).all()
    assert len(rows) == 1 and rows[0].template == "application_rejected"
    run_jobs(app)
    [message] = smtp.wait_for(world.candidate.email)
    assert message["Subject"] == "Votre candidature à « Conducteur poids lourd »"
    body = message.get_body(("plain",)).get_content()
    assert "Bonjour Camille Candidate," in body
    assert "Le motif indiqué : Le poste a été pourvu." in body
    assert "Cette réponse concerne cette offre seulement" in body
    candidate = app.test_client()
    login(candidate, world.candidate.email)
    assert "Motif indiqué : Le poste a été pourvu." in page_text(candidate.get("/candidate/applications"))
    # Re-sending the same request changes nothing and mails nothing more.
    post(client, inbox_path(world, f"/{first.id}/reject"), {"reason": "experience"})
    session.expire_all()
    assert session.query(OutboxMessage).filter_by(to_address=world.candidate.email).count() == 1


def test_invite_to_book_mails_the_candidate(app, client, world, applied, session, smtp):
    first, _, _ = applied
    login(client, world.recruiter_a.email)
    assert post(client, inbox_path(world, f"/{first.id}/invite")).status_code == 302
    session.expire_all()
    assert session.get(Application, first.id).status is ApplicationStatus.invited
    run_jobs(app)
    [message] = smtp.wait_for(world.candidate.email)
    assert message["Subject"] == "Transports Rapides souhaite vous rencontrer"
    assert f"/fairs/rencontres-emploi/booths/{world.booth_a.id}" in message.get_body(("plain",)).get_content()


def test_a_withdrawn_application_leaves_the_inbox(app, client, world, applied, session):
    first, _, _ = applied
    first.status = ApplicationStatus.withdrawn
    session.commit()
    login(client, world.recruiter_a.email)
    assert "2 candidatures" in page_text(client.get(inbox_path(world)))
    assert client.get(inbox_path(world, f"/{first.id}")).status_code == 404


def test_the_recruiter_downloads_the_cv_of_an_application(app, client, world, applied):
    first, _, _ = applied
    login(client, world.recruiter_a.email)
    response = client.get(inbox_path(world, f"/{first.id}/cv"))
    assert response.status_code == 200 and response.data == pdf_bytes()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_csv_export_of_the_inbox(app, client, world, applied):
    login(client, world.recruiter_a.email)
    response = fetch_export(app, client, inbox_path(world, ".csv"), inbox_path(world))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f"attachment; filename=applications-booth-{world.booth_a.id}.csv"
    text = response.get_data(as_text=True)
    assert "Camille Candidate" in text and "candidate@example.org" in text


def test_the_inbox_is_paged_and_keeps_its_filters(app, client, world, applied, monkeypatch):
    from fair.candidates import views

    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 2)
    login(client, world.recruiter_a.email)
    first_page = client.get(inbox_path(world, "?cv=0"))
    text = page_text(first_page)
    assert "3 candidatures" in text and "Page 1 sur 2" in text
    assert text.count("Conducteur poids lourd ·") + text.count("Cariste ·") == 2
    assert "page=2" in first_page.get_data(as_text=True)
    second = page_text(client.get(inbox_path(world, "?page=2")))
    assert "Page 2 sur 2" in second and "Dominique Other" in second
    assert client.get(inbox_path(world, "?page=abc")).status_code == 200


def test_the_csv_export_neutralises_formulas(app, client, world, applied, session):
    from fair.candidates.models import CandidateProfile

    session.add(CandidateProfile(user_id=world.candidate.id, skills='=HYPERLINK("http://evil.example","x")',
                                 languages="+33 français", situations=[]))
    session.commit()
    login(client, world.recruiter_a.email)
    text = fetch_export(app, client, inbox_path(world, ".csv"), inbox_path(world)).get_data(as_text=True)
    assert "'=HYPERLINK" in text and "'+33 français" in text
    assert ',=HYPERLINK' not in text and ',"=HYPERLINK' not in text
