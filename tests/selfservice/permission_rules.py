"""The self-service routes in the permission matrix. `/r/<token>` needs no sign-in: every visitor
gets what the link decides (its page, a confirmation, 404 for an unknown link, 400 for an action
that is not one). A letter prints for the edition's organisers and the advisers of an association
the person confirmed a referral to; anyone else signed in gets 404, and anonymous visitors log in."""
from __future__ import annotations

import datetime as dt

from tests.matrix import Check, everyone, only

EXPECTED: dict[str, list[Check]] = {
    "selfservice.show": [
        Check("GET", lambda i: "/r/{ss_token}".format(**i), everyone(200)),
        Check("GET", lambda i: "/r/not-a-token", everyone(404)),
    ],
    "selfservice.act": [
        Check("POST", lambda i: "/r/{ss_token}".format(**i), everyone(400), {"action": "dance"}),
        Check("POST", lambda i: "/r/{ss_token}".format(**i), everyone(303), {"action": "confirm"}),
    ],
    "selfservice.booking_letter": [
        Check("GET", lambda i: "/letters/bookings/{ss_booking}.pdf".format(**i),
              only({"organiser_f": 200, "adviser": 200})),
        Check("GET", lambda i: "/letters/bookings/{ss_booking_unfollowed}.pdf".format(**i),
              only({"organiser_f": 200})),
    ],
    "selfservice.edition_letters": [
        Check("GET", lambda i: "/letters/editions/{edition_f}.pdf".format(**i),
              only({"organiser_f": 200, "adviser": 200})),
        Check("GET", lambda i: "/letters/editions/{edition_g}.pdf".format(**i), only({})),
    ],
}
RUN_LAST = ["selfservice.act"]


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import Organisation, User
    from fair.candidates.models import Referral, ReferralStatus
    from fair.companies.models import Booth
    from fair.db import utcnow
    from fair.jobdating.services import book
    from fair.selfservice.links import booking_link
    from tests.jobdating.helpers import open_range

    adviser = session.execute(select(User).where(User.email == world.users["adviser"])).scalar_one()
    recruiter = session.execute(select(User).where(User.email == world.users["recruiter_a"])).scalar_one()
    partner = session.execute(select(Organisation).where(Organisation.name == "Partner P")).scalar_one()
    booth = session.get(Booth, world.ids["booth_a"])
    # 15:00: the outcomes rules open 14:00 – 14:40 for the same recruiter.
    slots = list(open_range(session, booth, recruiter, dt.date(2030, 3, 12), "15:00", "16:00").slots)
    followed = factory.user(email="selfservice.followed@example.org")
    unfollowed = factory.user(email="selfservice.unfollowed@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=followed.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    booking = book(session, slot_id=slots[0].id, candidate_id=followed.id)
    other = book(session, slot_id=slots[1].id, candidate_id=unfollowed.id)
    session.flush()
    world.ids.update({"ss_booking": booking.id, "ss_booking_unfollowed": other.id,
                      "ss_token": booking_link(session, booking).rsplit("/", 1)[1]})
    session.commit()
