"""Two-step verification in Chromium (issue 14, item 3): setting it up with the key shown on the page,
then logging in with a recovery code. The enrolment and verify pages pass axe-core on a phone and a
desktop; screenshots of both are kept in test-artifacts/."""
from __future__ import annotations

import pyotp
import pytest

from tests.e2e.conftest import axe_violations, check_and_shoot, describe, log_in

pytestmark = pytest.mark.e2e



def test_setting_up_two_step_verification_and_logging_in_with_it(live_server, page, factory):
    recruiter = factory.member(factory.organisation("company", "Transports Rapides du Nord"),
                               email="rania.recruteuse@example.org", full_name="Rania Recruteuse")
    log_in(page, live_server, recruiter.email)
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Configurer la validation en deux étapes").click()
    page.wait_for_load_state()
    assert page.get_by_role("img", name="QR code à scanner avec l’application d’authentification").is_visible()
    check_and_shoot(page, "mfa-setup")

    # A wrong code: the message beside the field, nothing turned on, still no violation.
    page.get_by_label("Code de l’application (6 chiffres)").fill("12345")
    page.get_by_role("button", name="Activer la validation en deux étapes").click()
    page.wait_for_load_state()
    assert "Ce code n’est pas bon" in page.locator("#code-errors").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))

    secret = page.locator("#mfa-secret").inner_text().replace(" ", "")
    page.get_by_label("Code de l’application (6 chiffres)").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Activer la validation en deux étapes").click()
    page.wait_for_load_state()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert not axe_violations(page), describe(axe_violations(page))

    page.context.clear_cookies()
    log_in(page, live_server, recruiter.email)
    assert page.url.endswith("/login/verify")
    check_and_shoot(page, "mfa-verify")
    page.get_by_label("Code de l’application, ou code de secours").fill("000000")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    assert "Ce code n’est pas bon" in page.get_by_role("alert").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))

    page.get_by_label("Code de l’application, ou code de secours").fill(codes[0])
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_load_state()
    assert page.url.endswith("/recruiter/")
    assert "Il en reste 9" in page.locator("body").inner_text()
