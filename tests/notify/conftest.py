"""Reaching people on their channels: the job-dating world (tests/jobdating) on SQLite only (nothing
here depends on the database), a person's SMS choice, and the outbox rows that a notification wrote."""
from __future__ import annotations

import pytest

from tests.jobdating.conftest import world  # noqa: F401  (fixture used by name)

MOBILE = "+33612345678"


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def choose(session, user, notify_by: str, phone: str | None = MOBILE) -> None:
    """The person's choice as the profile records it: the number, the channel and the SMS consent."""
    from fair.accounts import consent
    from fair.accounts.consent import ConsentPurpose

    user.phone, user.notify_by = phone, notify_by
    if notify_by != "email":
        consent.give(session, user.id, ConsentPurpose.sms, "SMS consent as shown", "test-1")
    session.commit()


def rows(session, *, to: str | None = None, channel: str | None = None, template: str | None = None) -> list:
    from fair.mail.models import OutboxMessage

    session.expire_all()
    query = session.query(OutboxMessage).order_by(OutboxMessage.id)
    for column, value in (("to_address", to), ("channel", channel), ("template", template)):
        if value is not None:
            query = query.filter(getattr(OutboxMessage, column) == value)
    return query.all()


def templates(session, to: str) -> list[tuple[str, str]]:
    """(channel, template) of every outbox row for this address or number, in order."""
    return [(row.channel, row.template) for row in rows(session, to=to)]
