"""The profile's address and gender: the save queues the placement after commit, the job sets the
QPV answer, the person alone reads it; a changed address is placed again, an emptied one cleared, an
address the API cannot place is "unknown" and the save never fails."""
from __future__ import annotations

import json

import pytest

from fair.candidates.models import CandidateProfile, Gender, QpvStatus
from fair.territory import jobs, qpv
from tests.conftest import login, page_text, post_form, run_jobs
from tests.territory.conftest import boundary_file

PROFILE = {"full_name": "Camille Candidate", "preferred_contact": "email", "postcode": "59000", "city": "Lille",
           "address_line": "12 rue des Lilas", "birth_year": "1990", "gender": "female"}
INSIDE = "Votre adresse se trouve dans un quartier prioritaire (QPV) : Les Lilas"
OUTSIDE = "Votre adresse ne se trouve pas dans un quartier prioritaire (QPV)."


@pytest.fixture
def candidate(factory, session):
    qpv.replace_zones(session, qpv.parse_boundaries(json.dumps(boundary_file())))
    session.commit()
    return factory.user(email="camille@example.org", full_name="Camille Candidate")


def _profile(session) -> CandidateProfile:
    session.expire_all()
    return session.query(CandidateProfile).one()


def test_saving_an_address_places_it_and_only_the_person_reads_the_answer(app, client, session, candidate,
                                                                          geocoder_api):
    geocoder_api.match("12 rue des Lilas 59000 Lille", 3.01, 50.61)
    geocoder_api.match("3 avenue de Paris 59000 Lille", 3.15, 50.62)
    login(client, candidate.email)
    page = page_text(client.get("/candidate/profile"))
    assert "Personne ne voit votre réponse" in page and "Je préfère ne pas répondre" in page
    assert post_form(client, "/candidate/profile", PROFILE).status_code == 302
    profile = _profile(session)
    assert (profile.gender, profile.address_line, profile.qpv_status) == (Gender.female, "12 rue des Lilas", None)
    run_jobs(app)
    profile = _profile(session)
    assert (profile.qpv_status, profile.qpv_code) == (QpvStatus.inside, "QN05901M")
    assert profile.geocoded_at is not None
    assert INSIDE in page_text(client.get("/candidate/profile"))

    post_form(client, "/candidate/profile", {**PROFILE, "address_line": "3 avenue de Paris"})
    assert _profile(session).qpv_status is None  # the old answer went with the old address
    run_jobs(app)
    assert (_profile(session).qpv_status, _profile(session).qpv_code) == (QpvStatus.outside, None)
    assert OUTSIDE in page_text(client.get("/candidate/profile"))

    post_form(client, "/candidate/profile", {**PROFILE, "address_line": "3 avenue de Paris", "gender": "undisclosed"})
    run_jobs(app)
    assert len(geocoder_api.asked("3 avenue de Paris 59000 Lille")) == 1  # unchanged address: not asked again
    assert _profile(session).gender is Gender.undisclosed

    post_form(client, "/candidate/profile", {**PROFILE, "address_line": "", "gender": ""})
    profile = _profile(session)
    assert (profile.qpv_status, profile.geocoded_at, profile.gender) == (None, None, None)
    text = page_text(client.get("/candidate/profile"))
    assert "quartier prioritaire (QPV) :" not in text and OUTSIDE not in text


def test_an_address_that_cannot_be_placed_is_unknown_and_shows_nothing(app, client, session, candidate,
                                                                     geocoder_api):
    login(client, candidate.email)  # the fake API knows no "Nulle part": an empty FeatureCollection
    assert post_form(client, "/candidate/profile", {**PROFILE, "address_line": "Nulle part"}).status_code == 302
    run_jobs(app)
    assert _profile(session).qpv_status is QpvStatus.unknown
    text = page_text(client.get("/candidate/profile"))
    assert "quartier prioritaire (QPV) :" not in text and OUTSIDE not in text


def test_a_failing_api_never_fails_the_save_and_the_periodic_run_places_it_later(app, client, session, candidate,
                                                                               geocoder_api):
    geocoder_api.answer("12 rue des Lilas 59000 Lille", {"status": 502})
    login(client, candidate.email)
    assert post_form(client, "/candidate/profile", PROFILE).status_code == 302
    run_jobs(app)
    assert _profile(session).geocoded_at is None  # not concluded: left for a later run
    geocoder_api.match("12 rue des Lilas 59000 Lille", 3.32, 50.62)
    assert jobs.place_pending() == {"inside": 1, "outside": 0, "unknown": 0, "postponed": 0}
    assert (_profile(session).qpv_status, _profile(session).qpv_code) == (QpvStatus.inside, "QN05902M")


def test_a_bad_gender_is_refused_in_words(app, client, session, candidate, geocoder_api):
    login(client, candidate.email)
    response = post_form(client, "/candidate/profile", {**PROFILE, "gender": "robot"})
    assert response.status_code == 422 and "Choisissez dans la liste." in page_text(response)
    assert session.query(CandidateProfile).count() == 0


def test_without_a_geocoder_the_self_declaration_stands(app, client, session, candidate, geocoder_api):
    app.config["GEOCODER_URL"] = ""
    login(client, candidate.email)
    post_form(client, "/candidate/profile", {**PROFILE, "situations": ["qpv"], "situation_consent": "y"})
    run_jobs(app)
    assert geocoder_api.requests == []
    profile = _profile(session)
    assert profile.qpv_status is None and profile.situations == ["qpv"]
