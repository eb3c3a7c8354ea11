"""Deleting one's account in Chromium (issue 15, item 4): the page says what goes and what stays, a
wrong password is refused beside its field, the right one deletes the account and signs out; logging
in again fails. The deletion page and the page after pass axe-core at 390 and 1280 px; screenshots are
kept in test-artifacts/."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations, check_and_shoot, describe, log_in

pytestmark = pytest.mark.e2e



def test_a_candidate_deletes_their_account(live_server, page, factory):
    factory.person("nadia.depart@example.org", "Nadia Départ")
    log_in(page, live_server, "nadia.depart@example.org")
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Supprimer mon compte").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ce qui reste, anonyme").is_visible()
    check_and_shoot(page, "erasure-delete")

    page.get_by_label("Votre mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_load_state()
    assert "Le mot de passe n’est pas correct." in page.locator("#password-errors").inner_text()
    assert not axe_violations(page), describe(axe_violations(page))

    page.get_by_label("Votre mot de passe").fill("correct horse battery staple")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_load_state()
    assert page.url.endswith("/account/deleted")
    assert page.get_by_role("heading", name="Votre compte a été supprimé").is_visible()
    check_and_shoot(page, "erasure-done")

    log_in(page, live_server, "nadia.depart@example.org")
    assert page.url.endswith("/login")
    page.goto(f"{live_server}/account")
    assert "/login" in page.url


def test_the_administrators_erase_page(live_server, page, factory, session):
    from fair.accounts.models import User

    admin = factory.person("ada.admin@example.org", "Ada Admin")
    session.get(User, admin.id).is_admin = True
    session.commit()
    person = factory.person("sam.sujet@example.org", "Sam Sujet")
    log_in(page, live_server, "ada.admin@example.org")
    page.goto(f"{live_server}/admin/people/{person.id}")
    page.get_by_role("link", name="Effacer sur demande").click()
    page.wait_for_load_state()
    check_and_shoot(page, "erasure-admin")
    page.get_by_label("Saisissez l’adresse électronique de la personne pour confirmer").fill("sam.sujet@example.org")
    page.get_by_role("button", name="Effacer ce compte").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Compte supprimé").is_visible()
    assert not axe_violations(page), describe(axe_violations(page))
