"""In Chromium against `python wsgi.py`: a candidate chooses text messages on their profile, types a
landline and is told why in French, then their mobile number; axe-core and screenshots at phone and
desktop width of the form with its error."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import check_and_shoot, log_in

pytestmark = pytest.mark.e2e


def test_a_candidate_chooses_sms_with_a_mobile_number(live_server, page, factory, session):
    from fair.accounts.consent import ConsentPurpose, current
    from fair.accounts.models import User

    person = factory.user(email="sms.choice@example.org", full_name="Sacha Martin")
    log_in(page, live_server, person.email)
    page.goto(f"{live_server}/candidate/profile")
    page.get_by_label("Comment voulez-vous recevoir vos confirmations et rappels ?").select_option("sms")
    page.get_by_label("Numéro de téléphone").fill("01 23 45 67 89")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    page.wait_for_load_state()
    assert "Ce numéro ne peut pas recevoir de SMS" in page.locator("main").inner_text()
    check_and_shoot(page, "notify-preferences-error")

    page.get_by_label("Numéro de téléphone").fill("06 12 34 56 78")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    page.wait_for_load_state()
    assert "Votre profil a été enregistré." in page.locator("main").inner_text()
    assert page.get_by_label("Numéro de téléphone").input_value() == "06 12 34 56 78"
    session.expire_all()
    user = session.get(User, person.id)
    assert (user.notify_by, user.phone) == ("sms", "+33612345678")
    assert current(session, person.id, ConsentPurpose.sms) is not None
