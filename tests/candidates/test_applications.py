"""Pre-applications: one per candidate and offer (a database constraint), withdraw, statuses."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy.exc import IntegrityError

from fair.candidates.models import Application, ApplicationStatus, CandidateCv
from tests.candidates.helpers import count, pdf_bytes, upload
from tests.companies.helpers import page_text
from tests.conftest import csrf_token, login


def apply(client, offer_id: int, **data):
    path = f"/candidate/offers/{offer_id}/apply"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "cv_id": "", "message": "", **data})


def test_a_candidate_applies_with_a_cv_and_a_message_and_sees_the_status(app, client, world, session):
    login(client, world.candidate.email)
    upload(client, pdf_bytes(), "cv.pdf")
    cv = session.query(CandidateCv).one()
    page = client.get(f"/candidate/offers/{world.offer_a.id}/apply")
    assert "Candidater : Conducteur poids lourd" in page_text(page)
    response = apply(client, world.offer_a.id, cv_id=str(cv.id), message="Disponible dès lundi.")
    assert response.status_code == 302
    application = session.query(Application).one()
    assert (application.candidate_id, application.offer_id, application.cv_id) == (
        world.candidate.id, world.offer_a.id, cv.id)
    assert application.message == "Disponible dès lundi." and application.status is ApplicationStatus.submitted
    text = page_text(client.get("/candidate/applications"))
    assert "Votre candidature à « Conducteur poids lourd » a été envoyée à Transports Rapides." in text
    assert "État : Envoyée" in text and "CV : cv.pdf" in text


def test_applying_twice_answers_already_applied_and_keeps_one_row(app, client, world, session):
    login(client, world.candidate.email)
    assert apply(client, world.offer_a.id).status_code == 302
    second = apply(client, world.offer_a.id, message="encore")
    assert second.status_code == 303
    assert "Vous avez déjà candidaté à cette offre." in page_text(client.get("/candidate/applications"))
    assert count(session, Application) == 1
    assert session.query(Application).one().message == ""


def test_the_database_refuses_a_second_application_row(app, world, session):
    session.add(Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, message=""))
    session.commit()
    session.add(Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, message=""))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_a_cv_of_another_candidate_cannot_be_sent(app, client, world, session, factory):
    login(client, world.other_candidate.email)
    upload(client, pdf_bytes(), "autre.pdf")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    other_cv = session.query(CandidateCv).one()
    login(client, world.candidate.email)
    response = apply(client, world.offer_a.id, cv_id=str(other_cv.id))
    assert response.status_code == 422
    assert "Choisissez l'un de vos CV." in page_text(response)
    assert count(session, Application) == 0


def test_withdraw_then_apply_again(app, client, world, session):
    login(client, world.candidate.email)
    apply(client, world.offer_a.id)
    application = session.query(Application).one()
    response = client.post(f"/candidate/applications/{application.id}/withdraw",
                           data={"csrf_token": csrf_token(client, "/candidate/applications")})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Application, application.id).status is ApplicationStatus.withdrawn
    assert "Retirée" in page_text(client.get("/candidate/applications"))
    assert apply(client, world.offer_a.id, message="Je reviens").status_code == 302
    session.expire_all()
    again = session.query(Application).one()
    assert again.id == application.id and again.status is ApplicationStatus.submitted
    assert again.message == "Je reviens"


def test_no_application_to_a_hidden_offer_or_a_closed_fair(app, client, world, session):
    world.offer_b.is_published = False
    world.edition.status = world.edition.status.__class__("closed")
    session.commit()
    login(client, world.candidate.email)
    assert client.get(f"/candidate/offers/{world.offer_b.id}/apply").status_code == 404
    path = f"/candidate/offers/{world.offer_a.id}/apply"
    token = csrf_token(client, "/candidate/applications")
    assert client.post(path, data={"csrf_token": token, "cv_id": ""}).status_code == 404
    assert count(session, Application) == 0


def test_twenty_parallel_identical_applications_make_one_row(app, client, world, session):
    """20 requests at once, one session cookie: one row, 19 clear "already applied" answers."""
    login(client, world.candidate.email)
    token = csrf_token(client, f"/candidate/offers/{world.offer_a.id}/apply")
    cookie = client.get_cookie("session").value
    clients = []
    for _ in range(20):
        c = app.test_client()
        c.set_cookie("session", cookie)
        clients.append(c)
    barrier = threading.Barrier(20)
    results: list[tuple[int, str]] = [None] * 20  # type: ignore[list-item]
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[i].post(f"/candidate/offers/{world.offer_a.id}/apply",
                                       data={"csrf_token": token, "cv_id": "", "message": "Bonjour"})
            results[i] = (response.status_code, response.headers.get("Location", ""))
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert count(session, Application) == 1
    created = [r for r in results if r[0] == 302]
    already = [i for i, r in enumerate(results) if r[0] == 303]
    assert len(created) == 1 and len(already) == 19, results
    for i in already:
        assert "Vous avez déjà candidaté à cette offre." in page_text(clients[i].get("/candidate/applications"))


def test_the_offer_page_invites_to_apply(app, client, world, session):
    path = f"/fairs/{world.edition.slug}/offers/{world.offer_a.id}"
    anonymous = page_text(client.get(path))
    assert "Se connecter pour candidater" in anonymous
    login(client, world.candidate.email)
    body = client.get(path).get_data(as_text=True)
    assert f'href="/candidate/offers/{world.offer_a.id}/apply"' in body and "Candidater à cette offre" in body
    recruiter = app.test_client()
    login(recruiter, world.recruiter_a.email)
    assert "Candidater à cette offre" not in page_text(recruiter.get(path))
