"""In Chromium against `python wsgi.py`: a candidate whose address was placed in a QPV reads it on their
profile, and gives their street line and gender; their adviser confirms their situation on its page.
axe-core, no sideways scrolling, and screenshots at 390 and 1280 px of both pages."""
from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import check_and_shoot, log_in
from tests.territory.conftest import boundary_file
from tests.territory.helpers import followed_person

pytestmark = pytest.mark.e2e


def test_the_profile_tells_the_qpv_and_the_adviser_confirms_the_situation(live_server, page, browser, factory,
                                                                         session, app):
    from fair.candidates.models import CandidateProfile, QpvStatus
    from fair.db import utcnow
    from fair.territory import qpv

    qpv.replace_zones(session, qpv.parse_boundaries(json.dumps(boundary_file())))
    world = followed_person(factory, session, consenting=True, situations=("rsa",))
    profile = session.get(CandidateProfile, world.profile.id)
    profile.postcode, profile.city, profile.address_line = "59000", "Lille", "12 rue des Lilas"
    profile.qpv_status, profile.qpv_code, profile.geocoded_at = QpvStatus.inside, "QN05901M", utcnow()
    session.commit()

    log_in(page, live_server, world.person.email)
    page.goto(f"{live_server}/candidate/profile")
    main = page.locator("main")
    assert "Votre adresse se trouve dans un quartier prioritaire (QPV) : Les Lilas" in main.inner_text()
    check_and_shoot(page, "territory-profile")
    page.get_by_label("Genre").select_option(label="Je préfère ne pas répondre")
    page.get_by_label("Adresse (numéro et voie)").fill("14 rue des Lilas")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    page.wait_for_load_state()
    assert "Votre profil a été enregistré." in page.locator("main").inner_text()
    session.expire_all()
    saved = session.get(CandidateProfile, world.profile.id)
    assert (saved.gender.value, saved.address_line) == ("undisclosed", "14 rue des Lilas")

    adviser_page = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                       bypass_csp=True).new_page()
    log_in(adviser_page, live_server, world.adviser.email)
    adviser_page.goto(f"{live_server}/adviser/referrals/{world.referral.id}")
    adviser_page.get_by_role("link", name="Confirmer ou corriger sa situation (pour les chiffres)").click()
    adviser_page.wait_for_load_state()
    check_and_shoot(adviser_page, "territory-confirm-situations")
    adviser_page.get_by_label("J'ai une reconnaissance de travailleur handicapé (RQTH)").check()
    adviser_page.get_by_role("button", name="Confirmer sa situation").click()
    adviser_page.wait_for_load_state()
    assert "la personne voit que vous l’avez confirmée" in adviser_page.locator("main").inner_text()
    adviser_page.context.close()
    session.expire_all()
    assert sorted(session.get(CandidateProfile, world.profile.id).situations) == ["rqth", "rsa"]
