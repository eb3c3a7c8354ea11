"""Rate limits per token: the budget in every answer's headers, 429 with Retry-After beyond it, and
another token's budget untouched. The limit is lowered to 3 a minute for these tests."""
from __future__ import annotations

import pytest

from tests.api.world import bearer


@pytest.fixture
def app_config(app_config):
    return {**app_config, "API_RATE_LIMIT": "3 per minute"}


def test_each_token_has_its_own_rate_limit(client, world):
    h = bearer(world.alpha_token)
    remaining = []
    for _ in range(3):
        response = client.get("/api/v1/offers", headers=h)
        assert response.status_code == 200
        assert response.headers["RateLimit-Limit"] == "3"
        remaining.append(int(response.headers["RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    refused = client.get("/api/v1/offers", headers=bearer(world.alpha_token, "en"))
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert refused.get_json()["title"] == "Too many requests"
    assert client.get("/api/v1/offers", headers=bearer(world.beta_token)).status_code == 200


