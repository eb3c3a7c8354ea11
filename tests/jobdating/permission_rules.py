"""Job-dating routes in the permission matrix. The world gets recruiter A's availability at booth A
(fair F), a booking of the candidate and one of another candidate, and waitlist entries of both."""
from __future__ import annotations

from tests.matrix import Check, everyone, only

C = "candidate"
RA = "recruiter_a"
EXPECTED: dict[str, list[Check]] = {}


def _add(endpoint: str, *checks: Check) -> None:
    EXPECTED[endpoint] = list(checks)


_add("jobdating.booth_slots",
     Check("GET", lambda i: "/fairs/{slug_f}/booths/{booth_a}/interviews".format(**i), everyone(200)),
     Check("GET", lambda i: "/fairs/{slug_g}/booths/{booth_a}/interviews".format(**i), everyone(404)))
_add("jobdating.book",
     Check("POST", lambda i: "/interviews/slots/{jd_slot_free}/book".format(**i), only({C: 302, "adviser": 422}), {}))
_add("jobdating.my_day", Check("GET", lambda i: "/interviews/my-day", only({C: 200})))
_add("jobdating.cancel",
     Check("POST", lambda i: "/interviews/bookings/{jd_booking_other}/cancel".format(**i), only({}), {}),
     Check("POST", lambda i: "/interviews/bookings/{jd_booking_c}/cancel".format(**i), only({C: 302}), {}))
_add("jobdating.reschedule",
     Check("GET", lambda i: "/interviews/bookings/{jd_booking_c}/reschedule".format(**i), only({C: 200})),
     Check("GET", lambda i: "/interviews/bookings/{jd_booking_other}/reschedule".format(**i), only({})),
     Check("POST", lambda i: "/interviews/bookings/{jd_booking_c}/reschedule".format(**i), only({C: 422}),
           {"slot_id": "x"}))
_add("jobdating.join_waitlist",
     Check("POST", lambda i: "/interviews/booths/{booth_a}/waitlist".format(**i), only({C: 302}), {}))
_add("jobdating.accept_offer",
     Check("POST", lambda i: "/interviews/waitlist/{jd_wait_other}/accept".format(**i), only({}), {}),
     Check("POST", lambda i: "/interviews/waitlist/{jd_wait_c}/accept".format(**i), only({C: 302}), {}))
_add("jobdating.leave_waitlist",
     Check("POST", lambda i: "/interviews/waitlist/{jd_wait_other}/leave".format(**i), only({}), {}),
     Check("POST", lambda i: "/interviews/waitlist/{jd_wait_c}/leave".format(**i), only({C: 302}), {}))
_add("jobdating.availability",
     Check("GET", lambda i: "/recruiter/booths/{booth_a}/availability".format(**i), only({RA: 200})),
     Check("GET", lambda i: "/recruiter/booths/{booth_b}/availability".format(**i), only({"recruiter_b": 200})),
     Check("POST", lambda i: "/recruiter/booths/{booth_a}/availability".format(**i), only({RA: 422}), {}))
_add("jobdating.delete_availability",
     Check("POST", lambda i: "/recruiter/booths/{booth_a}/availability/{jd_availability}/delete".format(**i),
           only({RA: 302}), {}),
     Check("POST", lambda i: "/recruiter/booths/{booth_b}/availability/{jd_availability}/delete".format(**i),
           only({}), {}))
_add("jobdating.recruiter_day",
     Check("GET", lambda i: "/recruiter/interviews", only({RA: 200, "recruiter_b": 200})),
     Check("GET", lambda i: "/recruiter/interviews?day=not-a-day", only({RA: 200, "recruiter_b": 200})))
_add("jobdating.recruiter_cancel",
     Check("POST", lambda i: "/recruiter/interviews/{jd_booking_c}/cancel".format(**i), only({RA: 422}), {}))
_add("jobdating.record_outcome",
     Check("POST", lambda i: "/recruiter/interviews/{jd_booking_c}/outcome".format(**i), only({RA: 422}), {}))
_add("jobdating.overview",
     Check("GET", lambda i: "/console/editions/{edition_f}/interviews".format(**i), only({"organiser_f": 200})))
_add("jobdating.organiser_index",
     Check("GET", lambda i: "/console/interviews", only({"organiser_f": 200, "organiser_g": 200})))
_add("jobdating.adviser_interviews", Check("GET", lambda i: "/adviser/interviews", only({"adviser": 200})),
     Check("GET", lambda i: "/adviser/interviews?day=not-a-day&adviser=x", only({"adviser": 200})))
# Advisers act for the people their structure follows: another structure's people answer 404.
_add("jobdating.adviser_person_agenda",
     Check("GET", lambda i: "/adviser/people/{jd_followed}/agenda".format(**i), only({"adviser": 200})),
     Check("GET", lambda i: "/adviser/people/{jd_unfollowed}/agenda".format(**i), only({})))
_add("jobdating.adviser_book_several",
     Check("GET", lambda i: "/adviser/booths/{booth_a}/book".format(**i), only({"adviser": 200})),
     Check("POST", lambda i: "/adviser/booths/{booth_a}/book".format(**i), only({"adviser": 422}), {}),
     Check("GET", lambda i: "/adviser/booths/999999/book", only({})))
_add("jobdating.adviser_cancel_several",
     Check("POST", lambda i: "/adviser/interviews/cancel", only({"adviser": 422}), {}))
_add("jobdating.adviser_move",
     Check("GET", lambda i: "/adviser/interviews/{jd_booking_followed}/move".format(**i), only({"adviser": 200})),
     Check("POST", lambda i: "/adviser/interviews/{jd_booking_followed}/move".format(**i), only({"adviser": 422}),
           {"slot_id": "x"}),
     Check("GET", lambda i: "/adviser/interviews/{jd_booking_other}/move".format(**i), only({})))
_add("jobdating.api_free_slots",
     Check("GET", lambda i: "/api/jobdating/booths/{booth_a}/slots".format(**i), everyone(200)),
     Check("GET", lambda i: "/api/jobdating/booths/999999/slots", everyone(404)))
_add("jobdating.api_book",
     Check("POST", lambda i: "/api/jobdating/slots/{jd_slot_api}/bookings".format(**i),
           {**only({C: 201, "adviser": 422}), "anonymous": 401}, {}))

# Booking, cancelling and leaving change what the other checks of the candidate see.
RUN_LAST = ["jobdating.book", "jobdating.api_book", "jobdating.leave_waitlist", "jobdating.cancel"]


def build(factory, session, world) -> None:
    import datetime as dt

    from sqlalchemy import select

    from fair.accounts.models import User
    from fair.candidates.models import Referral, ReferralStatus
    from fair.companies.models import Booth
    from fair.jobdating.models import WaitlistEntry
    from fair.jobdating.services import book
    from tests.jobdating.helpers import open_range

    def user(role: str) -> User:
        return session.execute(select(User).where(User.email == world.users[role])).scalar_one()

    booth_a, booth_b = session.get(Booth, world.ids["booth_a"]), session.get(Booth, world.ids["booth_b"])
    availability = open_range(session, booth_a, user("recruiter_a"), dt.date(2030, 3, 12), "09:00", "11:00")
    session.commit()
    slots = list(availability.slots)
    other = factory.user(email="jobdating.other@example.org")
    # The other candidate's booking first: the notify rules hold a calendar entry "booking 1" of the candidate.
    booking_other = book(session, slot_id=slots[1].id, candidate_id=other.id)
    booking_c = book(session, slot_id=slots[0].id, candidate_id=user("candidate").id)
    followed = factory.user(email="jobdating.followed@example.org", full_name="Followed Person")
    adviser = user("adviser")
    session.add(Referral(adviser_id=adviser.id, partner_id=adviser.memberships[0].organisation_id,
                         candidate_id=followed.id, status=ReferralStatus.confirmed, consent_text="ok"))
    booking_followed = book(session, slot_id=slots[5].id, candidate_id=followed.id)
    wait_c = WaitlistEntry(booth_id=booth_b.id, candidate_id=user("candidate").id)
    wait_other = WaitlistEntry(booth_id=booth_b.id, candidate_id=other.id)
    session.add_all([wait_c, wait_other])
    session.commit()
    world.ids.update({
        "jd_availability": availability.id, "jd_slot_free": slots[2].id, "jd_slot_api": slots[3].id,
        "jd_booking_c": booking_c.id, "jd_booking_other": booking_other.id,
        "jd_wait_c": wait_c.id, "jd_wait_other": wait_other.id,
        "jd_followed": followed.id, "jd_unfollowed": other.id, "jd_booking_followed": booking_followed.id,
    })
