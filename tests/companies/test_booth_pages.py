"""Recruiters see their company's booths and edit the presentation, documents and team."""
from __future__ import annotations

import datetime as dt

from fair.companies.models import Booth, BoothDocument, BoothStaff
from tests.companies.helpers import count, field_errors, page_text
from tests.conftest import login, post_form

HTTPS_ERROR = "Saisissez une adresse web complète commençant par https://"


def test_dashboard_lists_my_booths_with_dates_in_the_fair_time_zone(client, factory, world):
    other_fair = factory.edition(
        world.organiser_org, status="draft", title="Job dating Cayenne", timezone="America/Cayenne",
        starts_at=dt.datetime(2031, 6, 2, 12, 0, tzinfo=dt.timezone.utc),
        ends_at=dt.datetime(2031, 6, 2, 20, 0, tzinfo=dt.timezone.utc),
    )
    factory.booth(other_fair, world.company_a)
    factory.offer(world.booth_a, title="Cariste", is_published=False)
    login(client, "recruiter.a@example.org")

    page = page_text(client.get("/recruiter/"))

    assert "Rencontres pour l'emploi" in page
    assert "12 mars 2030, 09:00 – 17:00" in page  # 08:00–16:00 UTC in Paris
    assert "Job dating Cayenne" in page
    assert "2 juin 2031, 09:00 – 17:00" in page  # 12:00–20:00 UTC in Cayenne (UTC−3)
    assert "2 offres" in page and "1 visible par les candidats" in page
    assert "Brouillon" in page and "À venir" in page
    assert "Boulangerie du Nord" not in page  # another company's booth


def test_a_recruiter_saves_the_booth_presentation(client, session, world):
    login(client, "recruiter.a@example.org")
    path = f"/recruiter/booths/{world.booth_a.id}"

    response = post_form(client, path, {
        "pitch": "Transporteur régional, 300 salariés.",
        "video_url": "https://video.example.org/presentation",
        "stand_number": "B12",
    })

    assert response.status_code == 302
    assert "Votre stand a été enregistré." in page_text(client.get(path))
    session.expire_all()
    booth = session.get(Booth, world.booth_a.id)
    assert (booth.pitch, booth.video_url, booth.stand_number) == (
        "Transporteur régional, 300 salariés.", "https://video.example.org/presentation", "B12")
    public = page_text(client.get(f"/fairs/rencontres-emploi/booths/{booth.id}"))
    assert "Transporteur régional, 300 salariés." in public and "Stand B12" in public


def test_a_video_link_without_https_is_refused_and_nothing_is_saved(client, session, world):
    login(client, "recruiter.a@example.org")
    path = f"/recruiter/booths/{world.booth_a.id}"

    response = post_form(client, path, {"pitch": "Nouveau texte", "video_url": "http://video.example.org/x"})

    assert response.status_code == 422
    assert field_errors(response, "video_url") == [HTTPS_ERROR]
    session.expire_all()
    booth = session.get(Booth, world.booth_a.id)
    assert booth.pitch == "Nous transportons la région." and booth.video_url is None


def test_the_booth_form_speaks_english_when_asked(client, world):
    login(client, "recruiter.a@example.org")
    client.get("/lang/en")
    response = post_form(client, f"/recruiter/booths/{world.booth_a.id}", {"video_url": "javascript:alert(1)"})
    assert field_errors(response, "video_url") == ["Enter a full web address starting with https://"]


def test_documents_are_added_and_removed(client, session, world):
    login(client, "recruiter.a@example.org")
    booth_page = f"/recruiter/booths/{world.booth_a.id}"

    added = post_form(client, f"{booth_page}/documents",
                      {"title": "Nos métiers", "url": "https://example.org/metiers.pdf"}, form_page=booth_page)
    assert added.status_code == 302
    assert "Le document a été ajouté." in page_text(client.get(booth_page))
    document = session.execute(BoothDocument.__table__.select()).one()
    assert (document.title, document.url) == ("Nos métiers", "https://example.org/metiers.pdf")
    assert "Nos métiers" in page_text(client.get(f"/fairs/rencontres-emploi/booths/{world.booth_a.id}"))

    removed = post_form(client, f"{booth_page}/documents/{document.id}/delete", {}, form_page=booth_page)
    assert removed.status_code == 302
    assert count(session, BoothDocument) == 0


def test_a_document_needs_a_title_and_an_https_link(client, session, world):
    login(client, "recruiter.a@example.org")
    booth_page = f"/recruiter/booths/{world.booth_a.id}"

    response = post_form(client, f"{booth_page}/documents", {"title": "", "url": "ftp://example.org/a.pdf"},
                         form_page=booth_page)

    assert response.status_code == 422
    assert field_errors(response, "title") == ["Ce champ est obligatoire."]
    assert field_errors(response, "url") == [HTTPS_ERROR]
    assert count(session, BoothDocument) == 0


def test_the_team_is_chosen_among_the_company_members_with_a_job_title(client, session, world):
    login(client, "recruiter.a@example.org")
    booth_page = f"/recruiter/booths/{world.booth_a.id}"
    form_page = page_text(client.get(booth_page))
    assert "Demo Colleague A" in form_page and "Demo Recruiter B" not in form_page

    post_form(client, f"{booth_page}/staff", {"user_id": world.colleague_a.id, "job_title": "Chargée de recrutement"},
              form_page=booth_page)
    post_form(client, f"{booth_page}/staff", {"user_id": world.colleague_a.id, "job_title": "Responsable RH"},
              form_page=booth_page)

    staff = session.execute(BoothStaff.__table__.select()).all()
    assert [(s.user_id, s.job_title) for s in staff] == [(world.colleague_a.id, "Responsable RH")]
    public = page_text(client.get(f"/fairs/rencontres-emploi/booths/{world.booth_a.id}"))
    assert "Demo Colleague A Responsable RH" in public

    post_form(client, f"{booth_page}/staff/{staff[0].id}/delete", {}, form_page=booth_page)
    assert count(session, BoothStaff) == 0


def test_someone_outside_the_company_cannot_be_put_on_the_team(client, session, world):
    login(client, "recruiter.a@example.org")
    booth_page = f"/recruiter/booths/{world.booth_a.id}"

    response = post_form(client, f"{booth_page}/staff", {"user_id": world.recruiter_b.id, "job_title": "Espion"},
                         form_page=booth_page)

    assert response.status_code == 422
    assert field_errors(response, "user_id")
    assert count(session, BoothStaff) == 0
