"""Permission matrix rows of the calendar pages, the calendar feed and the bulk invitations."""
from __future__ import annotations

import datetime as dt

from tests.matrix import Check, everyone, only, signed_in

B = "/console/editions/{edition_f}/bulk-invitations"


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import User
    from fair.notify.models import BulkInvitation, BulkStatus, CalendarEntry, CalendarFeed

    candidate = session.execute(select(User).where(User.email == world.users["candidate"])).scalar_one()
    start = dt.datetime(2030, 3, 12, 9, 0, tzinfo=dt.timezone.utc)
    entry = CalendarEntry(uid="booking-1-matrix@fair.test", sequence=0, user_id=candidate.id,
                          edition_id=world.ids["edition_f"], kind="booking", ref_id=1, starts_at=start,
                          ends_at=start + dt.timedelta(minutes=20), summary="Entretien", description="",
                          location="Stand 1")
    feed = CalendarFeed(user_id=candidate.id, token="matrix-feed-token")
    bulk_f = BulkInvitation(edition_id=world.ids["edition_f"], filename="list.csv", status=BulkStatus.paused,
                            total=0, sent=0, rejected=[])
    bulk_g = BulkInvitation(edition_id=world.ids["edition_g"], filename="list.csv", status=BulkStatus.paused,
                            total=0, sent=0, rejected=[])
    session.add_all([entry, feed, bulk_f, bulk_g])
    session.flush()
    world.ids.update({"entry_candidate": entry.id, "feed_token": feed.token, "bulk_f": bulk_f.id, "bulk_g": bulk_g.id})


EXPECTED = {
    "agenda.my_calendar": [Check("GET", lambda i: "/calendar/", signed_in(200))],
    "agenda.renew_feed": [Check("POST", lambda i: "/calendar/feed", signed_in(302), {})],
    "agenda.entry_ics": [Check("GET", lambda i: "/calendar/entries/{entry_candidate}.ics".format(**i),
                               only({"candidate": 200}))],
    "agenda.feed": [
        Check("GET", lambda i: "/calendar/{feed_token}.ics".format(**i), everyone(200)),
        Check("GET", lambda i: "/calendar/not-a-token.ics", everyone(404)),
    ],
    "agenda.bulk_invitations": [
        Check("GET", lambda i: B.format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: B.format(**i), only({"organiser_f": 422}), {}),
        Check("GET", lambda i: "/console/editions/{edition_g}/bulk-invitations".format(**i), only({"organiser_g": 200})),
    ],
    "agenda.bulk_from_partner": [
        # No partner chosen: the organiser is told so (422); everyone else gets 404.
        Check("POST", lambda i: B.format(**i) + "/from-partner", only({"organiser_f": 422}), {}),
        Check("POST", lambda i: "/console/editions/{edition_g}/bulk-invitations/from-partner".format(**i),
              only({"organiser_g": 422}), {"partner": "1"}),
    ],
    "agenda.bulk_invitation": [
        Check("GET", lambda i: (B + "/{bulk_f}").format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: (B + "/{bulk_g}").format(**i), only({})),
    ],
    "agenda.pause_bulk": [Check("POST", lambda i: (B + "/{bulk_f}/pause").format(**i), only({"organiser_f": 302}), {})],
    "agenda.resume_bulk": [Check("POST", lambda i: (B + "/{bulk_g}/resume").format(**i), only({}), {})],
    "agenda.reminder_settings": [
        Check("GET", lambda i: "/console/editions/{edition_f}/reminders".format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: "/console/editions/{edition_f}/reminders".format(**i), only({"organiser_f": 422}),
              {"hours": "soon"}),
        Check("GET", lambda i: "/console/editions/{edition_g}/reminders".format(**i), only({"organiser_g": 200})),
    ],
    "agenda.script": [
        Check("GET", lambda i: "/notify/js/live.js", everyone(200)),
        Check("GET", lambda i: "/notify/js/notices.js", everyone(200)),
        Check("GET", lambda i: "/notify/js/other.js", everyone(404)),
    ],
}

# Making a new feed address makes the candidate's old one answer 404: after the feed checks.
RUN_LAST = ["agenda.renew_feed"]
