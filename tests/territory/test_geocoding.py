"""The geocoder against a local server answering as the national address API documents: a match, no
match, a low score, a town only, a timeout, a 429 then success (its Retry-After respected), a 500
retried, and the cache (a second call does not reach the server)."""
from __future__ import annotations

import pytest

from fair.redis_conn import get_redis
from fair.territory.geocoding import CACHE_PREFIX, Geocoder, GeocoderUnavailable, address_key, normalise_address

LINE, POSTCODE, CITY = "12 rue des Lilas", "59000", "Lille"
QUERY = "12 rue des Lilas 59000 Lille"


@pytest.fixture
def geocoder(app, geocoder_api) -> Geocoder:
    return Geocoder(url=geocoder_api.url, redis=get_redis(), timeout=0.5, retries=2, backoff=0.05)


def test_a_match_gives_the_point_and_sends_the_documented_query(geocoder, geocoder_api):
    geocoder_api.match(QUERY, 3.06, 50.63)
    placement = geocoder.locate(LINE, POSTCODE, CITY)
    assert (placement.lon, placement.lat, placement.kind, placement.citycode) == (3.06, 50.63, "housenumber", "59350")
    assert [params for _at, params in geocoder_api.requests] == [{"q": QUERY, "postcode": "59000", "limit": "1"}]


def test_the_cache_answers_the_second_time_under_a_hash_of_the_address(geocoder, geocoder_api):
    geocoder_api.match(QUERY, 3.06, 50.63)
    first = geocoder.locate(LINE, POSTCODE, CITY)
    again = geocoder.locate("12, Rue des LILAS ", POSTCODE, "lille")  # the same address, spelt otherwise
    assert again == first
    assert len(geocoder_api.asked(QUERY)) == 1
    keys = [k.decode() for k in get_redis().keys(CACHE_PREFIX + "*")]
    assert keys == [CACHE_PREFIX + address_key(LINE, POSTCODE, CITY)]
    assert b"Lilas" not in get_redis().get(keys[0])  # the point and its quality, not the address's words


@pytest.mark.parametrize(("answer", "why"), [
    ({}, "no match: an empty FeatureCollection"),
    ({"score": 0.31}, "a score under GEOCODER_MIN_SCORE"),
    ({"kind": "municipality"}, "the town's centre only"),
])
def test_an_address_not_placed_well_enough_is_none(geocoder, geocoder_api, answer, why):
    if answer:
        geocoder_api.match(QUERY, 3.06, 50.63, **answer)
    assert geocoder.locate(LINE, POSTCODE, CITY) is None, why
    assert geocoder.locate(LINE, POSTCODE, CITY) is None
    assert len(geocoder_api.asked(QUERY)) == 1  # a miss is cached too


def test_a_429_is_waited_out_as_retry_after_says_then_the_answer_is_used(geocoder, geocoder_api):
    geocoder_api.answer(QUERY, {"status": 429, "headers": {"Retry-After": "1"}},
                        {"body": {"type": "FeatureCollection", "features": [
                            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [3.06, 50.63]},
                             "properties": {"score": 0.9, "type": "street", "citycode": "59350"}}]}})
    placement = geocoder.locate(LINE, POSTCODE, CITY)
    assert placement is not None and placement.kind == "street"
    first, second = geocoder_api.asked(QUERY)
    assert second - first >= 1.0


def test_a_server_error_is_retried(geocoder, geocoder_api):
    geocoder_api.match(QUERY, 3.06, 50.63)
    geocoder_api.scripts[QUERY].insert(0, {"status": 500})
    assert geocoder.locate(LINE, POSTCODE, CITY) is not None
    assert len(geocoder_api.asked(QUERY)) == 2


def test_a_server_that_keeps_failing_or_hangs_makes_the_geocoder_unavailable(geocoder, geocoder_api):
    geocoder_api.answer(QUERY, {"status": 503})
    with pytest.raises(GeocoderUnavailable):
        geocoder.locate(LINE, POSTCODE, CITY)
    assert len(geocoder_api.asked(QUERY)) == 3  # the first try and GEOCODER_RETRIES more
    geocoder_api.answer("1 place du Marché 59000 Lille", {"hang": True})
    slow = Geocoder(url=geocoder_api.url, redis=get_redis(), timeout=0.2, retries=1, backoff=0.01)
    with pytest.raises(GeocoderUnavailable):
        slow.locate("1 place du Marché", "59000", "Lille")
    assert len(geocoder_api.asked("1 place du Marché 59000 Lille")) == 2
    assert get_redis().get(CACHE_PREFIX + address_key("1 place du Marché", "59000", "Lille")) is None


def test_normalised_addresses_ignore_case_accents_and_punctuation():
    assert normalise_address("12, Rue de l'Église", "59000", "LILLE") == "12 rue de l eglise 59000 lille"
