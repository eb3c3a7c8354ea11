"""What the calendar-entry tests share: mail goes to the SMTP sink (this folder otherwise keeps it
for the dev viewer), an edition and a candidate."""
from __future__ import annotations

import datetime as dt

import pytest

START = dt.datetime(2030, 3, 12, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_URL": smtp.url}


@pytest.fixture
def world(factory):
    organiser = factory.organisation("organiser", "Métropole emploi")
    edition = factory.edition(organiser, title="Rencontres pour l'emploi")
    candidate = factory.user(email="candidate@example.org", full_name="Camille Martin")
    return edition, candidate
