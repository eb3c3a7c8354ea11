"""A web node's part in the outage test: while Redis is down it commits one change of each kind whose
job follows the commit, then waits (its retry thread trying Redis) until the test kills it.

Run as `python -m tests.workers.outage_node '<json ids>'` with DATABASE_URL and REDIS_URL set.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time

from fair import create_app
from fair.accounts.jobs import send_password_reset
from fair.accounts.models import User
from fair.calendar.agenda import schedule_entry
from fair.candidates import services as candidates
from fair.candidates.models import CandidateCv
from fair.companies.models import Booth
from fair.db import db, utcnow
from fair.jobdating import services as jobdating
from fair.live import services as live


def main(ids: dict) -> None:
    app = create_app()
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]):
        session = db.session
        # a mail job: the password reset
        send_password_reset.after_commit(session, ids["reset_user"])
        session.commit()
        # a calendar sync: a booking
        jobdating.book(session, slot_id=ids["slot"], candidate_id=ids["booker"])
        session.commit()
        # reminders at a time: an appointment 70 s from now, reminded 1 minute before, so 10 s from
        # now: held while Redis is down, sent by the worker once it is back
        start = utcnow() + dt.timedelta(seconds=70)
        schedule_entry(session, user_id=ids["reminded"], edition_id=ids["edition"], kind="booking", ref_id=4242,
                       starts_at=start, ends_at=start + dt.timedelta(minutes=20), summary="Entretien rappelé",
                       description="", location="Stand 4")
        session.commit()
        # an expiry: a called candidate's turn (LIVE_TURN_SECONDS)
        booth = session.get(Booth, ids["booth"])
        live.join(session, booth, session.get(User, ids["queued"]), utcnow())
        session.commit()
        live.call_next(session, booth, ids["recruiter"], utcnow())
        session.commit()
        # a file removal: a deleted CV
        candidates.delete_cv(session.get(CandidateCv, ids["cv"]))
        session.commit()
    print("committed", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
