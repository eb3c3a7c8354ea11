"""Permission matrix rows of the calendar pages, the calendar feed and an edition's reminder times."""
from __future__ import annotations

import datetime as dt

from tests.matrix import Check, everyone, only, signed_in


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import User
    from fair.calendar.models import CalendarEntry, CalendarFeed
    from fair.security import hash_token

    candidate = session.execute(select(User).where(User.email == world.users["candidate"])).scalar_one()
    start = dt.datetime(2030, 3, 12, 9, 0, tzinfo=dt.timezone.utc)
    entry = CalendarEntry(uid="booking-1-matrix@fair.test", sequence=0, user_id=candidate.id,
                          edition_id=world.ids["edition_f"], kind="booking", ref_id=1, starts_at=start,
                          ends_at=start + dt.timedelta(minutes=20), summary="Entretien", description="",
                          location="Stand 1")
    feed = CalendarFeed(user_id=candidate.id, token_hash=hash_token("matrix-feed-token"))
    session.add_all([entry, feed])
    session.flush()
    world.ids.update({"entry_candidate": entry.id, "feed_token": "matrix-feed-token"})


EXPECTED = {
    "agenda.my_calendar": [Check("GET", lambda i: "/calendar/", signed_in(200))],
    "agenda.renew_feed": [Check("POST", lambda i: "/calendar/feed", signed_in(302), {})],
    "agenda.entry_ics": [Check("GET", lambda i: "/calendar/entries/{entry_candidate}.ics".format(**i),
                               only({"candidate": 200}))],
    "agenda.feed": [
        Check("GET", lambda i: "/calendar/{feed_token}.ics".format(**i), everyone(200)),
        Check("GET", lambda i: "/calendar/not-a-token.ics", everyone(404)),
    ],
    "agenda.reminder_settings": [
        Check("GET", lambda i: "/console/editions/{edition_f}/reminders".format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: "/console/editions/{edition_f}/reminders".format(**i), only({"organiser_f": 422}),
              {"hours": "soon"}),
        Check("GET", lambda i: "/console/editions/{edition_g}/reminders".format(**i), only({"organiser_g": 200})),
    ],
}

# Making a new feed address makes the candidate's old one answer 404: after the feed checks.
RUN_LAST = ["agenda.renew_feed"]
