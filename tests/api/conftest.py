"""The API tests run on SQLite and PostgreSQL (the `app` fixture's parameters), each with its world."""
from __future__ import annotations

import pytest

from tests.api.world import build


@pytest.fixture
def world(factory, session):
    return build(factory, session)
