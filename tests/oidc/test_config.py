"""OIDC_PROVIDERS is read once at start: a list the app cannot use stops it with a message saying why."""
from __future__ import annotations

import json

import pytest

from fair.config import ConfigError, oidc_providers

GOOD = {"name": "proconnect", "issuer": "https://proconnect.example/api/v2", "client_id": "abc"}


def test_empty_means_passwords_only():
    assert oidc_providers("") == [] and oidc_providers("  ") == []


def test_one_object_or_a_list():
    assert oidc_providers(json.dumps(GOOD)) == [GOOD]
    assert oidc_providers(json.dumps([GOOD, {**GOOD, "name": "other"}]))[1]["name"] == "other"


@pytest.mark.parametrize("raw, says", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "list of objects"),
    (json.dumps([GOOD, GOOD]), "distinct name"),
    (json.dumps({**GOOD, "name": "Pro Connect"}), "distinct name"),
    (json.dumps({**GOOD, "client_id": ""}), "has no client_id"),
    (json.dumps({**GOOD, "issuer": "http://proconnect.example"}), "https://"),
])
def test_a_list_that_cannot_work_stops_the_app(raw, says):
    with pytest.raises(ConfigError, match=says):
        oidc_providers(raw)


def test_an_explicit_unverified_address_wins_over_trusting_the_provider():
    from fair.oidc.providers import Provider
    from fair.oidc.services import email_is_verified

    trusted = Provider.from_config({**GOOD, "trust_email": True})
    plain = Provider.from_config(GOOD)
    assert email_is_verified(trusted, {}) and email_is_verified(trusted, {"email_verified": "true"})
    assert not email_is_verified(trusted, {"email_verified": False})
    assert not email_is_verified(trusted, {"email_verified": "false"})
    assert not email_is_verified(plain, {}) and email_is_verified(plain, {"email_verified": True})
