"""Video routes in the permission matrix. The world gets an open queue-call room between recruiter A
and the candidate at booth A; the job-dating rules' booking of the candidate (recruiter A's slot)
gives the booking room. Only the room's two people get in: recruiter B, the organisers and the
adviser get 404."""
from __future__ import annotations

from tests.matrix import Check, only

C = "candidate"
RA = "recruiter_a"
EXPECTED: dict[str, list[Check]] = {
    "video.booking_room": [
        Check("GET", lambda i: "/call/booking/{jd_booking_c}".format(**i), only({C: 302, RA: 302})),
        Check("GET", lambda i: "/call/booking/{jd_booking_other}".format(**i), only({RA: 302})),
        Check("GET", lambda i: "/call/booking/999999", only({})),
    ],
    "video.check": [
        Check("GET", lambda i: "/call/{call_token}/check".format(**i), only({C: 200, RA: 200})),
        Check("GET", lambda i: "/call/not-a-token/check", only({})),
    ],
    "video.room": [Check("GET", lambda i: "/call/{call_token}".format(**i), only({C: 200, RA: 200}))],
    "video.phone": [Check("POST", lambda i: "/call/{call_token}/phone".format(**i), only({C: 302, RA: 302}), {})],
}

# The recruiter's POST switches the room to phone.
RUN_LAST = ["video.phone"]


def build(factory, session, world) -> None:
    import datetime as dt

    from sqlalchemy import select

    from fair.accounts.models import User
    from fair.db import utcnow
    from fair.video.models import CallSource
    from fair.video.rooms import open_room

    def user(role: str) -> User:
        return session.execute(select(User).where(User.email == world.users[role])).scalar_one()

    now = utcnow()
    room = open_room(session, source=CallSource.queue, booth_id=world.ids["booth_a"],
                     recruiter_id=user("recruiter_a").id, candidate_id=user("candidate").id,
                     opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(hours=2))
    session.commit()
    world.ids["call_token"] = room.token
