"""Issue 14 item 4: registration is throttled per address (as accounts are looked up) and per network."""
from __future__ import annotations

from fair.accounts.models import User
from tests.accounts.helpers import count, page_text
from tests.accounts.test_register import VALID
from tests.conftest import post_form


def register(app, email: str, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return post_form(client, "/register", {**VALID, "email": email})


def test_one_address_is_limited_whatever_way_it_is_written_or_wherever_it_comes_from(app, session):
    app.config["REGISTER_RATE_LIMIT"] = "2 per hour"
    assert register(app, "camille@example.org", "192.0.2.1").status_code == 302
    assert register(app, "CAMILLE@EXAMPLE.ORG", "198.51.100.1").status_code == 302
    refused = register(app, "camille@ｅxample.org", "203.0.113.1")  # a full-width "e" in the domain
    assert refused.status_code == 429
    assert "Trop de tentatives" in page_text(refused)
    assert "Réessayez dans une heure." in page_text(refused)
    assert register(app, "dominique@example.org", "203.0.113.1").status_code == 302  # another address
    assert count(session, User) == 2


def test_one_network_is_limited_whatever_addresses_it_registers(app, session):
    app.config["REGISTER_NETWORK_RATE_LIMIT"] = "2 per hour"
    assert register(app, "a@example.org", "192.0.2.1").status_code == 302
    assert register(app, "b@example.org", "192.0.2.77").status_code == 302
    assert register(app, "c@example.org", "192.0.2.200").status_code == 429  # the same /24
    assert register(app, "d@example.org", "198.51.100.1").status_code == 302  # another network
    assert register(app, "e@example.org", "2001:db8:1:2::1").status_code == 302
    assert register(app, "f@example.org", "2001:db8:1:2:ffff::9").status_code == 302
    assert register(app, "g@example.org", "2001:db8:1:2:abcd::1").status_code == 429  # the same /64
    assert register(app, "h@example.org", "2001:db8:1:3::1").status_code == 302
    assert count(session, User) == 6
