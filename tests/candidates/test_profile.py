"""The candidate's profile, the statistics consent, and "suggested for you" with its reasons."""
from __future__ import annotations

from fair.accounts.models import User
from fair.candidates.models import CandidateProfile
from tests.companies.helpers import field_errors, page_text
from tests.conftest import login, post_form

PROFILE = {"full_name": "Camille Candidate", "phone": "06 12 34 56 78", "preferred_contact": "both",
           "postcode": "59000", "city": "Lille", "birth_year": "1990", "skills": "CACES 3, permis C",
           "languages": "français", "mobility": "Roubaix, Tourcoing", "availability": "dès mars",
           "prefers_phone_interview": "y", "accessibility_needs": ""}


def test_the_candidate_saves_a_profile(app, client, world, session):
    login(client, world.candidate.email)
    assert client.get("/candidate/profile").status_code == 200
    response = post_form(client, "/candidate/profile", PROFILE)
    assert response.status_code == 302
    profile = session.query(CandidateProfile).one()
    assert (profile.postcode, profile.city, profile.birth_year) == ("59000", "Lille", 1990)
    user = session.get(User, world.candidate.id)
    assert (user.notify_by, user.phone) == ("both", "+33612345678")  # a mobile: kept in E.164
    assert profile.prefers_phone_interview and not profile.needs_interpreter
    assert profile.situations == [] and profile.situation_consent_at is None


def test_bad_values_get_french_errors_and_change_nothing(app, client, world, session):
    login(client, world.candidate.email)
    response = post_form(client, "/candidate/profile", {**PROFILE, "postcode": "ABC", "birth_year": "demain",
                                                        "preferred_contact": "pigeon", "full_name": " "})
    assert response.status_code == 422
    assert field_errors(response, "postcode") == ["Un code postal a 5 chiffres, par exemple 59000."]
    assert field_errors(response, "birth_year") == ["Saisissez une année, par exemple 1990."]
    assert field_errors(response, "preferred_contact") == ["Choisissez dans la liste."]
    assert field_errors(response, "full_name") == ["Ce champ est obligatoire."]
    assert session.query(CandidateProfile).count() == 0


def test_situations_are_kept_only_with_the_consent(app, client, world, session):
    login(client, world.candidate.email)
    response = post_form(client, "/candidate/profile", {**PROFILE, "situations": ["qpv", "under_26"]})
    assert field_errors(response, "situation_consent") == [
        "Pour enregistrer votre situation, cochez cette case ; sinon, décochez les situations."]
    assert session.query(CandidateProfile).count() == 0
    post_form(client, "/candidate/profile", {**PROFILE, "situations": ["qpv", "under_26"], "situation_consent": "y"})
    profile = session.query(CandidateProfile).one()
    assert profile.situations == ["qpv", "under_26"] and profile.situation_consent_at is not None
    response = post_form(client, "/candidate/profile", {**PROFILE, "situations": ["qpv", "nonsense"],
                                                        "situation_consent": "y"})
    assert field_errors(response, "situations") == ["Choisissez dans la liste."]
    post_form(client, "/candidate/profile", {**PROFILE})  # consent withdrawn: the situations go
    session.expire_all()
    profile = session.query(CandidateProfile).one()
    assert profile.situations == [] and profile.situation_consent_at is None


def test_suggestions_come_with_their_reasons(app, client, world, session):
    login(client, world.candidate.email)
    assert "Remplissez votre profil" in page_text(client.get("/candidate/"))
    post_form(client, "/candidate/profile", PROFILE)
    text = page_text(client.get("/candidate/"))
    # Cariste: "CACES 3" in its description, in Roubaix (a town the candidate can work in), open to beginners.
    # Conducteur poids lourd: CACES 3 and permis C asked, in Lille (the candidate's town).
    # Boulanger: in Roubaix only.
    first = text.index("Conducteur poids lourd")
    second = text.index("Cariste")
    third = text.index("Boulanger")
    assert first < second < third
    assert "Correspond à : CACES 3, permis C" in text
    assert "Près de chez vous : Lille" in text and "Près de chez vous : Roubaix" in text
    assert "Débutants acceptés" in text


def test_an_offer_already_applied_to_is_not_suggested(app, client, world, session):
    from fair.candidates.models import Application

    login(client, world.candidate.email)
    post_form(client, "/candidate/profile", PROFILE)
    session.add(Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, message=""))
    session.commit()
    text = page_text(client.get("/candidate/"))
    suggested = text[text.index("Suggestions pour vous"):]
    assert "Conducteur poids lourd" not in suggested and "Cariste" in suggested
