"""One open call-back request per person and booth, held by the database (a partial unique index) on
SQLite and PostgreSQL alike: two tabs asking at once cannot both succeed; closed requests don't count."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from fair.callbacks.models import CallbackRequest, CallbackStatus


def test_the_database_refuses_a_second_open_request_but_not_a_closed_one(session, factory):
    organiser = factory.organisation("organiser")
    company = factory.organisation("company")
    booth = factory.booth(factory.live_edition(organiser), company)
    person = factory.user()

    def ask(is_open: bool = True) -> None:
        session.add(CallbackRequest(booth_id=booth.id, candidate_id=person.id, mobile="+33612345678",
                                    consent_text="ok", is_open=is_open,
                                    status=CallbackStatus.waiting if is_open else CallbackStatus.reached))
        session.commit()

    ask(is_open=False)
    ask(is_open=False)
    ask()
    with pytest.raises(IntegrityError):
        ask()
    session.rollback()
    assert session.query(CallbackRequest).filter_by(is_open=True).count() == 1
