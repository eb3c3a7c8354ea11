"""Surveys after a fair: the mail leaves once the fair has ended, once per person who took part; its
one-tap links (read from the real mail) record the first answer without signing in and a second tap
changes it; the page saves the rest; links of another purpose, tampered, expired or revoked and
answers that are not choices are refused with a translated page and change nothing; the edition's
report shows the counts, the average and the comments, to its organisers only."""
from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from fair import clock
from tests.conftest import count, login, page_text, post_form, run_jobs
from tests.health.helpers import book, open_slots

START = dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc)
END = START + dt.timedelta(hours=8)
AFTER = END + dt.timedelta(hours=1)


@pytest.fixture
def world(factory, session):
    from fair.candidates.models import Application
    from fair.companies.models import BoothStaff
    from fair.jobdating.models import Attendance, Booking, BookingStatus

    lead = factory.organisation("organiser", "Métropole emploi")
    factory.person("odile@example.org", "Odile Organisatrice", lead)
    other_org = factory.organisation("organiser", "Autre organisateur")
    factory.person("other.organiser@example.org", "Autre", other_org)
    edition = factory.edition(lead, title="Rencontres pour l'emploi", starts_at=START, ends_at=END)
    draft = factory.edition(lead, status="draft", title="Brouillon", starts_at=START, ends_at=END)
    company = factory.organisation("company", "Alpha Logistique")
    rita = factory.person("rita@alpha.example", "Rita Recruteuse", company)
    idle_member = factory.person("idle@alpha.example", "Membre Absent", company)  # staffed nothing: no survey
    booth = factory.booth(edition, company)
    session.add(BoothStaff(booth=booth, user=rita))
    offer = factory.offer(booth, title="Cariste")
    slots = open_slots(factory, booth, rita, 4)
    ana = factory.person("ana@example.org", "Ana Lima")
    ben = factory.person("ben@example.org", "Ben Okafor")
    chloe = factory.person("chloe@example.org", "Chloé Martin", locale="en")
    dan = factory.person("dan@example.org", "Dan Petit")
    book(session, slots[0], ana)
    book(session, slots[1], ben)
    book(session, slots[2], dan)
    for booking in session.query(Booking).all():
        if booking.candidate_id == ben.id:
            booking.attendance = Attendance.no_show  # did not come: no survey
        if booking.candidate_id == dan.id:
            booking.status = BookingStatus.cancelled
    session.add(Application(candidate_id=chloe.id, offer_id=offer.id))
    draft_company = factory.organisation("company", "Brouillon SA")
    draft_booth = factory.booth(draft, draft_company)
    draft_slots = open_slots(factory, draft_booth, factory.person("rh@brouillon.example", "RH", draft_company), 1)
    book(session, draft_slots[0], dan)
    session.commit()
    return SimpleNamespace(edition=edition, draft=draft, ana=ana, ben=ben, chloe=chloe, dan=dan, rita=rita,
                           idle_member=idle_member)


def tap_links(message) -> dict[str, str]:
    """Answer code → the path of its one-tap link, read from the mail's text part."""
    text = message.get_body(("plain",)).get_content()
    return {code: path for path, code in re.findall(r"http://fair\.test(/surveys/[^/\s]+/overall/(\d))", text)}


def survey_path(message) -> str:
    return re.search(r"http://fair\.test(/surveys/[^/\s]+)\s", message.get_body(("plain",)).get_content()).group(1)


def _response(session, user):
    from fair.surveys.models import SurveyResponse

    session.expire_all()
    return session.query(SurveyResponse).filter_by(user_id=user.id).one_or_none()


def _send(app, moment=AFTER) -> int:
    from fair.surveys.jobs import send_surveys

    with clock.frozen_at(moment):
        sent = send_surveys()
    run_jobs(app)
    return sent


def test_the_survey_leaves_after_the_fair_and_one_tap_records_then_changes_the_answer(app, client, world, smtp,
                                                                                        session):
    from fair.mail.models import OutboxMessage
    from fair.mail.outbox import ERASED

    assert _send(app, END - dt.timedelta(minutes=1)) == 0  # not before the end
    assert _send(app) == 3  # Ana (booked), Chloé (applied), Rita (staffed the booth)
    [mail] = smtp.wait_for("ana@example.org")
    smtp.wait_for("chloe@example.org")
    smtp.wait_for("rita@alpha.example")
    assert not any(smtp.to(who) for who in ("ben@example.org", "dan@example.org", "idle@alpha.example"))
    assert str(mail["Subject"]) == "« Rencontres pour l'emploi » : comment ça s’est passé ? Un clic pour nous le dire"
    links = tap_links(mail)
    assert sorted(links) == ["1", "2", "3", "4", "5"]

    with clock.frozen_at(AFTER + dt.timedelta(days=1)):
        page = client.get(links["4"])
        assert page.status_code == 200
        assert "Merci : votre réponse est enregistrée" in page_text(page)
        assert "Avez-vous rencontré les entreprises que vous vouliez rencontrer ?" in page_text(page)
        assert _response(session, world.ana).answers == {"overall": "4"}
        assert _response(session, world.ana).role == "candidate"

        assert client.get(links["2"]).status_code == 200  # a second tap changes the answer
        assert _response(session, world.ana).answers == {"overall": "2"}

        path = survey_path(mail)
        saved = post_form(client, path, {"overall": "2", "met_companies": "partly", "come_again": "yes",
                                         "comment": "Très bien organisé, merci."})
        assert saved.status_code == 302
        response = _response(session, world.ana)
        assert response.answers == {"overall": "2", "met_companies": "partly", "come_again": "yes"}
        assert response.comment == "Très bien organisé, merci."

    from fair.surveys.models import SurveyResponse
    assert count(session, SurveyResponse) == 1
    assert _send(app, AFTER + dt.timedelta(hours=2)) == 0  # the next run sends nothing more
    assert count(session, OutboxMessage, OutboxMessage.template == "survey") == 3
    # The links act for their owner without signing in: the sent rows keep no copy of them.
    assert {row.text_body for row in session.query(OutboxMessage).filter_by(template="survey")} == {ERASED}
    assert len(smtp.to("ana@example.org")) == 1


def test_the_recruiter_gets_the_recruiters_questions(app, client, world, smtp, session):
    _send(app)
    [mail] = smtp.wait_for("rita@alpha.example")
    with clock.frozen_at(AFTER):
        page = client.get(tap_links(mail)["5"])
    assert "Avez-vous rencontré des candidats que vous embaucheriez ?" in page_text(page)
    assert _response(session, world.rita).role == "recruiter"


@pytest.mark.parametrize("case", ["another purpose", "tampered", "expired", "revoked", "not a choice"])
def test_a_bad_link_or_answer_is_refused_with_a_translated_page_and_changes_nothing(app, client, world, smtp,
                                                                                     session, case):
    from fair import links as action_links
    from fair.links import ActionToken

    _send(app)
    [mail] = smtp.wait_for("ana@example.org")
    tap = tap_links(mail)["4"]
    token = tap.split("/")[2]
    moment = AFTER
    if case == "another purpose":
        raw = action_links.issue(session, "unsubscribe", user_id=world.ana.id, ttl=dt.timedelta(days=30),
                                 subject_type="edition", subject_id=world.edition.id, max_uses=50)
        session.commit()
        tap, status, words = f"/surveys/{raw}/overall/4", 404, "n’est pas un lien d’enquête"
    elif case == "tampered":
        tap, status, words = tap.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB")), 404, \
            "n’est pas un lien d’enquête"
    elif case == "expired":
        moment, status, words = AFTER + dt.timedelta(days=31), 410, "Ce lien a expiré"
    elif case == "revoked":
        with clock.frozen_at(AFTER):
            action_links.revoke(session, purpose="survey", user_id=world.ana.id)
        session.commit()
        status, words = 410, "Ce lien a été retiré"
    else:
        tap, status, words = tap.replace("/overall/4", "/overall/7"), 400, "ne fait pas partie des choix"
    with clock.frozen_at(moment):
        refused = client.get(tap)
    assert refused.status_code == status
    assert words in page_text(refused)
    assert _response(session, world.ana) is None
    session.expire_all()
    assert sum(t.uses for t in session.query(ActionToken).all()) == 0


def test_a_refused_form_answers_422_and_keeps_the_earlier_answers(app, client, world, smtp, session):
    _send(app)
    [mail] = smtp.wait_for("ana@example.org")
    with clock.frozen_at(AFTER):
        client.get(tap_links(mail)["5"])
        refused = post_form(client, survey_path(mail), {"overall": "9", "met_companies": "yes", "comment": ""})
    assert refused.status_code == 422
    assert "Choisissez l’une des réponses." in page_text(refused)
    assert _response(session, world.ana).answers == {"overall": "5"}


def test_the_report_shows_counts_average_and_comments_without_names_to_organisers_only(app, client, world, smtp,
                                                                                         session):
    _send(app)
    with clock.frozen_at(AFTER):
        for who, code, comment in (("ana@example.org", "4", "Super accueil."), ("chloe@example.org", "2", "")):
            mail = smtp.wait_for(who)[0]
            client.get(tap_links(mail)[code])
            post_form(client, survey_path(mail), {"overall": code, "met_companies": "yes", "come_again": "maybe",
                                                  "comment": comment})
        client.get(tap_links(smtp.wait_for("rita@alpha.example")[0])["5"])
    organiser = app.test_client()
    login(organiser, "odile@example.org")
    page = organiser.get(f"/console/editions/{world.edition.id}/report")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    section = page_text(SimpleNamespace(get_data=lambda as_text: re.search(
        r'<section aria-labelledby="survey-heading">.*?</section>', body, re.S).group(0)))
    assert "Candidats : 2 réponses" in section
    assert "Recruteurs : 1 réponse" in section
    assert "Dans l’ensemble, comment s’est passé le salon ? — moyenne 3,0 sur 5" in section
    assert "4 – Bien 1" in section and "2 – Mauvais 1" in section and "Oui 2" in section
    assert "moyenne 5,0 sur 5" in section
    assert "Super accueil." in section
    assert "Ana" not in section and "Chloé" not in section and "ana@example.org" not in section
    other = app.test_client()
    login(other, "other.organiser@example.org")
    assert other.get(f"/console/editions/{world.edition.id}/report").status_code == 404


def test_no_survey_for_a_draft_nor_a_fair_ended_long_ago(app, world, smtp):
    assert _send(app, END + dt.timedelta(days=8)) == 0
    assert smtp.to("dan@example.org") == []


def test_the_survey_links_are_throttled_per_address(app_config, valkey, smtp, factory, session):
    """Guessing links or hammering one: past the limit, 429, and nothing more is recorded."""
    from fair import create_app, links

    application = create_app({**app_config, "SURVEY_RATE_LIMIT": "3 per minute"})
    lead = factory.organisation("organiser", "Ville")
    edition = factory.edition(lead, starts_at=START, ends_at=END)
    person = factory.person("tap@example.org", "Tap")
    token = links.issue(session, "survey", user_id=person.id, ttl=dt.timedelta(days=30), subject_type="edition",
                        subject_id=edition.id, max_uses=50)
    session.commit()
    client = application.test_client()
    answers = [client.get(f"/surveys/{token}/overall/{code}").status_code for code in ("1", "2", "3", "4")]
    assert answers == [200, 200, 200, 429]
    assert _response(session, person).answers == {"overall": "3"}
