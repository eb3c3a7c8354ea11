"""Recording outcomes: a recruiter's "hired" leads to the hire form, which refuses absurd input with
translated errors and records the contract with its follow-ups (another company gets 404); an adviser
records an outcome with an employer that had no booth; a cohort's trainee's later CDI links back to the
cohort's page; the follow-up link answers once, expires, refuses another purpose and another person's,
and its answer reaches the structure's advisers (read in the real mail), who can also answer for the person; erasure
empties the free text and keeps the rows."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from fair import clock
from tests.conftest import count, login, page_text, post_form, run_jobs
from tests.outcomes.helpers import AFTER, build_world, hire


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def world(factory, session):
    return build_world(factory, session)


def _utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.timezone.utc)


def test_hired_leads_to_the_hire_form_which_checks_and_plans_the_follow_ups(app, client, world, session):
    from fair.outcomes.models import FollowUp, Outcome

    hire_path = f"/recruiter/interviews/{world.booking_ana.id}/hire"
    with clock.frozen_at(AFTER):
        login(client, "rita@alpha.example")
        marked = post_form(client, f"/recruiter/interviews/{world.booking_ana.id}/outcome",
                           {"attendance": "attended", "outcome": "hired"}, form_page="/recruiter/interviews")
        assert marked.status_code == 302 and marked.location.endswith(hire_path)
        form = client.get(hire_path)
        assert form.status_code == 200 and "Ana Lima" in page_text(form)

        refused = post_form(client, hire_path, {"contract": "cdi", "job_title": "Cariste", "starts_on": "1926-04-01",
                                                "weekly_hours": "70", "social_clause": "y"})
        assert refused.status_code == 422
        text = page_text(refused)
        assert "Entre 1 et 48 heures par semaine." in text
        assert "Saisissez une date de début comprise entre deux ans avant et un an après aujourd’hui." in text
        assert "Indiquez le marché public auquel se rattache la clause sociale." in text
        assert count(session, Outcome) == 0

        saved = post_form(client, hire_path, {"contract": "cdi", "job_title": "Cariste", "starts_on": "2030-04-01",
                                              "weekly_hours": "35", "social_clause": "y",
                                              "social_clause_contract": "Tramway lot 3"})
        assert saved.status_code == 302
    outcome = session.query(Outcome).one()
    assert (outcome.candidate_id, outcome.company_id, outcome.booking_id, outcome.edition_id) == (
        world.ana.id, world.alpha.id, world.booking_ana.id, world.edition.id)
    assert (outcome.contract.value, outcome.weekly_hours, outcome.social_clause_contract) == (
        "cdi", 35, "Tramway lot 3")
    follow_ups = session.query(FollowUp).order_by(FollowUp.months).all()
    # 10:00 in Paris (summer time from 31 March 2030) on the start, then 1, 3 and 6 months later.
    assert [(f.months, f.due_at) for f in follow_ups] == [
        (0, _utc(2030, 4, 1, 8)), (1, _utc(2030, 5, 1, 8)), (3, _utc(2030, 7, 1, 8)), (6, _utc(2030, 10, 1, 8))]

    other = app.test_client()
    with clock.frozen_at(AFTER):
        login(other, "bob@beta.example")
        assert other.get(hire_path).status_code == 404
        assert post_form(other, hire_path, {"contract": "cdi"}, form_page="/account").status_code == 404
    assert count(session, FollowUp) == 4


def test_an_adviser_records_an_outcome_and_a_trainee_s_later_cdi_links_back_to_the_cohort(app, client, world,
                                                                                          session):
    from fair.outcomes.models import ContractType, Outcome, RecordedAs, TrainingCohort

    with clock.frozen_at(AFTER):
        login(client, "rita@alpha.example")
        created = post_form(client, "/cohorts", {"name": "POEC caristes", "kind": "poec",
                                                 "organisation_id": str(world.alpha.id),
                                                 "starts_on": "2030-04-01", "ends_on": "2030-05-31"})
        assert created.status_code == 302
        cohort = session.query(TrainingCohort).one()
        unknown = post_form(client, f"/cohorts/{cohort.id}", {"email": "stranger@example.org"})
        assert unknown.status_code == 422
        assert "n’est pas celle d’une personne que votre organisation a rencontrée" in page_text(unknown)
        assert post_form(client, f"/cohorts/{cohort.id}", {"email": "ANA@example.org"}).status_code == 302

    adviser = app.test_client()
    person_page = f"/adviser/referrals/{world.referral.id}/outcomes"
    with clock.frozen_at(AFTER):
        login(adviser, "awa@mission.example")
        home = adviser.get("/adviser/")
        assert person_page in home.get_data(as_text=True)
        page = adviser.get(person_page)
        assert "POEC caristes" in page_text(page)
        saved = post_form(adviser, person_page, {
            "employer_name": "Boulangerie du Coin", "contract": "cdi", "job_title": "Vendeuse",
            "starts_on": "2030-06-02", "weekly_hours": "28", "cohort_id": str(cohort.id), "note": "Très contente"})
        assert saved.status_code == 302
    later = session.query(Outcome).filter_by(contract=ContractType.cdi).one()
    assert (later.recorded_as, later.employer_name, later.company_id, later.cohort_id) == (
        RecordedAs.adviser, "Boulangerie du Coin", None, cohort.id)

    with clock.frozen_at(AFTER):
        page = client.get(f"/cohorts/{cohort.id}")
    row = re.search(r"<th scope=\"row\">Ana Lima</th>.*?</tr>", page.get_data(as_text=True), re.S).group(0)
    assert "CDI" in row and "Boulangerie du Coin" in row
    other = app.test_client()
    with clock.frozen_at(AFTER):
        login(other, "bob@beta.example")
        assert other.get(f"/cohorts/{cohort.id}").status_code == 404


def _fresh(session, model, row_id):
    session.expire_all()
    return session.get(model, row_id)


def _mail_links(message) -> dict[str, str]:
    text = message.get_body(("plain",)).get_content()
    return {code: path for path, code in re.findall(r"http://fair\.test(/follow-up/[^/\s]+/(same|other|no))", text)}


def test_the_follow_up_is_answered_in_one_tap_and_reaches_the_structure_s_advisers(app, client, world, session,
                                                                                     smtp, factory):
    from fair.outcomes.jobs import send_follow_ups
    from fair.outcomes.models import AnsweredBy, FollowUp

    # The consent is the Mission locale's: Awa's colleague hears of the answer too; another structure's
    # adviser (following nobody here) does not.
    factory.person("ines@mission.example", "Inès Collègue", world.mission)
    factory.person("omar@ailleurs.example", "Omar Ailleurs", factory.organisation("partner", "Ailleurs"))
    outcome = hire(session, world)
    due = _utc(2030, 4, 1, 8)
    with clock.frozen_at(due - dt.timedelta(minutes=1)):
        assert send_follow_ups() == 0
    with clock.frozen_at(due + dt.timedelta(minutes=5)):
        assert send_follow_ups() == 1
        assert send_follow_ups() == 0  # sent once
    run_jobs(app)
    [mail] = smtp.wait_for("ana@example.org")
    assert "Êtes-vous toujours en poste" in str(mail["Subject"])
    links = _mail_links(mail)
    assert sorted(links) == ["no", "other", "same"]

    with clock.frozen_at(due + dt.timedelta(days=1)):
        page = client.get(links["same"])
    assert page.status_code == 200 and "Merci : votre réponse est enregistrée" in page_text(page)
    assert '<meta name="referrer" content="no-referrer">' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    first_id = session.query(FollowUp.id).filter_by(outcome_id=outcome.id, months=0).scalar()
    first = _fresh(session, FollowUp, first_id)
    assert (first.in_job, first.contract.value, first.answered_by) == (True, "cdi", AnsweredBy.person)
    run_jobs(app)
    [told] = smtp.wait_for("awa@mission.example")
    assert "Ana Lima a répondu au suivi de son emploi" in str(told["Subject"])
    assert "Réponse : Oui, même contrat" in told.get_body(("plain",)).get_content()
    [colleague] = smtp.wait_for("ines@mission.example")
    assert "Ana Lima a répondu au suivi de son emploi" in str(colleague["Subject"])
    assert f"/adviser/people/{world.ana.id}" in colleague.get_body(("plain",)).get_content()
    assert smtp.to("omar@ailleurs.example") == []

    # A mistaken tap is corrected on the page: another contract, which one.
    page_path = links["same"].rsplit("/", 1)[0]
    with clock.frozen_at(due + dt.timedelta(days=1)):
        missing = post_form(client, page_path, {"answer": "other"})
        assert missing.status_code == 422 and "Indiquez le contrat que vous avez maintenant." in page_text(missing)
        assert post_form(client, page_path, {"answer": "other", "contract": "temporary"}).status_code == 200
    first = _fresh(session, FollowUp, first_id)
    assert (first.in_job, first.contract.value) == (True, "temporary")
    run_jobs(app)
    assert len(smtp.wait_for("awa@mission.example", count=2)) == 2

    with clock.frozen_at(due + dt.timedelta(days=31)):  # expired
        assert client.get(links["no"]).status_code == 410
    assert _fresh(session, FollowUp, first_id).contract.value == "temporary"


def test_a_person_who_chose_sms_gets_the_follow_up_by_sms_and_its_short_link_opens_the_page(app, client, world,
                                                                                           session):
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose
    from fair.mail.models import OutboxMessage
    from fair.outcomes.jobs import send_follow_ups

    person = world.ana
    person.phone, person.notify_by = "+33612345678", "sms"
    consent.give(session, person.id, ConsentPurpose.sms, "SMS consent as shown", "test-1")
    session.commit()
    hire(session, world)
    with clock.frozen_at(_utc(2030, 4, 1, 8, 5)):
        assert send_follow_ups() == 1
    session.expire_all()
    [text] = session.query(OutboxMessage).filter_by(template="follow_up").all()
    assert text.channel == "sms" and text.to_address == "+33612345678"
    match = re.fullmatch(r"Toujours en poste chez (.+) \? Répondez en un clic : http://fair\.test(/r/[\w-]{43})",
                         text.text_body)
    assert match, text.text_body
    assert match.group(1) == world.alpha.name
    with clock.frozen_at(_utc(2030, 4, 1, 9)):
        opened = client.get(match.group(2))  # /r/ leads to the follow-up's own page
        assert opened.status_code == 303
        page = client.get(opened.headers["Location"])
    assert page.status_code == 200 and "Êtes-vous toujours à ce poste ?" in page_text(page)


def test_the_follow_up_link_refuses_once_used_another_purpose_and_another_person(app, client, world, session):
    from fair import links
    from fair.outcomes.models import FollowUp

    outcome = hire(session, world)
    follow_up = session.query(FollowUp).filter_by(outcome_id=outcome.id, months=1).one()
    ttl = dt.timedelta(days=30)
    once = links.issue(session, "follow_up", user_id=world.ana.id, ttl=ttl, subject_type="follow_up",
                       subject_id=follow_up.id, max_uses=1)
    survey = links.issue(session, "survey", user_id=world.ana.id, ttl=ttl, subject_type="follow_up",
                         subject_id=follow_up.id, max_uses=5)
    bens = links.issue(session, "follow_up", user_id=world.ben.id, ttl=ttl, subject_type="follow_up",
                       subject_id=follow_up.id, max_uses=5)
    session.commit()

    assert client.get(f"/follow-up/{once}/no").status_code == 200
    used = client.get(f"/follow-up/{once}/same")
    assert used.status_code == 410 and "Ce lien a été utilisé trop de fois" in page_text(used)
    assert client.get(f"/follow-up/{survey}/same").status_code == 404
    assert client.get(f"/follow-up/{survey}").status_code == 404
    assert client.get(f"/follow-up/{bens}/same").status_code == 404
    assert _fresh(session, FollowUp, follow_up.id).in_job is False  # only the one valid tap counted


def test_the_adviser_answers_for_the_person_and_erasure_keeps_the_rows(app, client, world, session):
    from fair.accounts.models import User
    from fair.outcomes.models import AnsweredBy, FollowUp, Outcome
    from fair.privacy import erasure

    outcome = hire(session, world)
    follow_up = session.query(FollowUp).filter_by(outcome_id=outcome.id, months=3).one()
    follow_up.sent_at = follow_up.due_at
    session.commit()
    path = f"/adviser/referrals/{world.referral.id}/outcomes"
    with clock.frozen_at(AFTER):
        login(client, "awa@mission.example")
        answered = post_form(client, f"/adviser/referrals/{world.referral.id}/follow-ups/{follow_up.id}",
                             {"answer": "no"}, form_page=path)
        assert answered.status_code == 302
    follow_up = _fresh(session, FollowUp, follow_up.id)
    assert (follow_up.in_job, follow_up.answered_by, follow_up.answered_by_id) == (False, AnsweredBy.adviser,
                                                                                    world.awa.id)

    erasure.erase(session, _fresh(session, User, world.ana.id), actor=None, how="admin")
    session.commit()
    session.expire_all()
    kept = session.get(Outcome, outcome.id)
    assert (kept.job_title, kept.contract.value, kept.weekly_hours) == ("", "cdi", 35)
    assert count(session, FollowUp, FollowUp.outcome_id == outcome.id) == 4


def test_a_recorded_hire_keeps_the_person_s_part_in_the_fair_from_retention(app, world, session):
    from fair.jobdating.models import Booking
    from fair.privacy.jobs import anonymise_applications

    hire(session, world)  # recorded from the pipeline or an application: the interview has no outcome
    with clock.frozen_at(AFTER + dt.timedelta(days=93)):
        anonymise_applications()
    session.expire_all()
    assert session.get(Booking, world.booking_ana.id).candidate_id == world.ana.id
    assert session.get(Booking, world.booking_ben.id).candidate_id != world.ben.id  # not retained: anonymised
