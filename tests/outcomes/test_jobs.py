"""The periodic jobs of outcomes, on SQLite and PostgreSQL (their queries compare times and exclude
recorded outcomes): recruiters are reminded 3 days after a fair, once, of the attended interviews that
have no outcome; the follow-ups leave when due, once, and not when long past."""
from __future__ import annotations

import datetime as dt

import pytest

from fair import clock
from tests.conftest import run_jobs
from tests.outcomes.helpers import END, build_world, hire


@pytest.fixture
def world(factory, session):
    return build_world(factory, session)


def test_recruiters_are_reminded_once_of_interviews_without_outcome(app, world, session, smtp):
    from fair.jobdating.models import Attendance
    from fair.jobdating.models import Outcome as InterviewOutcome
    from fair.outcomes.jobs import send_outcome_reminders

    world.booking_ana.attendance = Attendance.attended                      # no outcome yet: reminded
    world.booking_ben.attendance = Attendance.attended
    world.booking_ben.outcome = InterviewOutcome.not_retained               # has one
    world.booking_chloe.attendance = Attendance.no_show                     # did not come
    session.commit()

    with clock.frozen_at(END + dt.timedelta(days=2)):
        assert send_outcome_reminders() == 0
    with clock.frozen_at(END + dt.timedelta(days=3, hours=1)):
        assert send_outcome_reminders() == 1
        assert send_outcome_reminders() == 0  # the outbox key says it was sent
    run_jobs(app)
    [mail] = smtp.wait_for("rita@alpha.example")
    assert str(mail["Subject"]) == "« Rencontres pour l'emploi » : que sont devenues les personnes rencontrées ?"
    text = mail.get_body(("plain",)).get_content()
    assert "Ana Lima" in text and "Ben Okafor" not in text and "Chloé Martin" not in text
    assert "http://fair.test/recruiter/interviews?day=2030-03-12" in text
    assert not smtp.to("bob@beta.example")

    hire(session, world)  # an outcome recorded since: nothing left to remind at 14 days
    world.booking_ana.outcome = InterviewOutcome.hired
    session.commit()
    with clock.frozen_at(END + dt.timedelta(days=14, hours=1)):
        assert send_outcome_reminders() == 0
    run_jobs(app)
    assert len(smtp.to("rita@alpha.example")) == 1


def test_follow_ups_leave_when_due_and_once(app, world, session):
    from fair.mail.models import OutboxMessage
    from fair.outcomes.jobs import send_follow_ups
    from fair.outcomes.models import FollowUp

    outcome = hire(session, world)
    one_month = dt.datetime(2030, 5, 1, 8, tzinfo=dt.timezone.utc)
    with clock.frozen_at(one_month + dt.timedelta(minutes=1)):
        # month 0 (1 April) is more than two weeks past: not asked any more; month 1 is due now
        assert send_follow_ups() == 1
        assert send_follow_ups() == 0
    session.expire_all()
    sent = {f.months for f in session.query(FollowUp).filter(FollowUp.outcome_id == outcome.id,
                                                              FollowUp.sent_at.is_not(None))}
    assert sent == {1}
    assert session.query(OutboxMessage).filter_by(template="follow_up").count() == 1
