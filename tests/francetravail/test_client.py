"""The API client against the fake service: token kept then renewed, paging by range up to the index
limit, 204, 206, 429 and 5xx answers."""
from __future__ import annotations

import datetime as dt

import pytest

from fair import clock
from fair.francetravail.client import FranceTravailClient, FranceTravailError, FranceTravailUnavailable

SIRET = "73282932000074"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(app, france_travail, waits) -> FranceTravailClient:
    made = FranceTravailClient.from_config(app.config)
    made.sleep = waits.append  # the waits asked for are recorded instead of slept
    return made


def test_a_token_is_kept_until_shortly_before_it_expires_then_fetched_again(client, france_travail):
    france_travail.add(3, SIRET)
    start = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.timezone.utc)
    moment = [start]
    clock.set_clock(lambda: moment[0])
    try:
        assert len(client.search({"siret": SIRET}).offers) == 3
        assert len(client.search({"siret": SIRET}).offers) == 3
        assert france_travail.tokens == ["token-1"]
        moment[0] = start + dt.timedelta(seconds=1499 - 30)  # within the last minute of its life
        client.search({"siret": SIRET})
    finally:
        clock.set_clock(None)
    assert france_travail.tokens == ["token-1", "token-2"]
    token_posts = [form for path, form in france_travail.requests if path.endswith("access_token")]
    assert token_posts[0]["scope"] == "api_offresdemploiv2 o2dsoffre"
    assert token_posts[0]["client_secret"]  # client_secret_post, as France Travail asks


def test_paging_by_range_with_206_answers_reads_every_offer(client, france_travail):
    france_travail.add(320, SIRET)
    result = client.search({"siret": SIRET})
    assert len(result.offers) == 320 and result.total == 320 and not result.truncated
    assert len({o["id"] for o in result.offers}) == 320
    assert [p["range"] for p in france_travail.searches()] == ["0-149", "150-299", "300-449"]


def test_paging_stops_at_the_index_limit_and_says_so(client, france_travail):
    france_travail.add(3300, SIRET)
    result = client.search({"siret": SIRET})
    assert result.truncated and result.total == 3300 and len(result.offers) == 3150
    assert france_travail.searches()[-1]["range"] == "3000-3149"
    assert len(france_travail.searches()) == 21


def test_no_offer_is_a_204(client, france_travail):
    result = client.search({"siret": SIRET})
    assert result.offers == [] and not result.truncated


def test_a_429_is_waited_out_as_retry_after_says_then_retried(client, france_travail, waits):
    france_travail.add(2, SIRET)
    france_travail.script("/offres/search", 429, {"Retry-After": "2"})
    assert len(client.search({"siret": SIRET}).offers) == 2
    assert 2.0 in waits
    assert len(france_travail.searches()) == 2


def test_5xx_are_retried_with_backoff_then_given_up(client, france_travail, waits):
    for _ in range(3):
        france_travail.script("/offres/search", 503)
    with pytest.raises(FranceTravailUnavailable) as failure:
        client.search({"siret": SIRET})
    assert failure.value.status == "unavailable"
    assert len(france_travail.searches()) == 3  # the call and its two retries
    assert waits == [0.01, 0.02]


def test_a_bad_request_is_reported_not_retried(client, france_travail):
    france_travail.script("/offres/search", 400)
    with pytest.raises(FranceTravailError) as failure:
        client.search({"siret": SIRET})
    assert failure.value.status == "bad_request"
    assert len(france_travail.searches()) == 1


def test_a_wrong_secret_gets_no_token(app, france_travail):
    client = FranceTravailClient.from_config({**app.config, "FRANCE_TRAVAIL_CLIENT_SECRET": "wrong"})
    with pytest.raises(FranceTravailUnavailable) as failure:
        client.search({"siret": SIRET})
    assert failure.value.status == "token"
    assert france_travail.searches() == []
