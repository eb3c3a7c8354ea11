"""Webinar routes in the permission matrix. The world gets, in fair F, an organiser's webinar (the
candidate holds a seat), a webinar of booth A, and one more of each to cancel."""
from __future__ import annotations

from tests.matrix import Check, everyone, only

C = "candidate"
RA = "recruiter_a"
OF = "organiser_f"
EXPECTED: dict[str, list[Check]] = {}


def _add(endpoint: str, *checks: Check) -> None:
    EXPECTED[endpoint] = list(checks)


_add("webinars.fair_webinars",
     Check("GET", lambda i: "/fairs/{slug_f}/webinars".format(**i), everyone(200)),
     Check("GET", lambda i: "/fairs/{slug_draft_f}/webinars".format(**i), everyone(404)))
_add("webinars.webinar_page",
     Check("GET", lambda i: "/fairs/{slug_f}/webinars/{wb_org}".format(**i), everyone(200)),
     Check("GET", lambda i: "/fairs/{slug_g}/webinars/{wb_org}".format(**i), everyone(404)))
_add("webinars.register",
     Check("POST", lambda i: "/webinars/{wb_org}/register".format(**i), only({C: 302}), {}))
_add("webinars.cancel_registration",
     Check("POST", lambda i: "/webinars/{wb_booth}/cancel-registration".format(**i), only({}), {}),
     Check("POST", lambda i: "/webinars/{wb_org}/cancel-registration".format(**i), only({C: 302}), {}))
# The candidate's seat is outside the joining window: back to the page. The organiser hosts: the room.
_add("webinars.join",
     Check("GET", lambda i: "/webinars/{wb_org}/join".format(**i), only({C: 302, OF: 302})),
     Check("GET", lambda i: "/webinars/{wb_booth}/join".format(**i), only({RA: 302, OF: 302})))
_add("webinars.console_index",
     Check("GET", lambda i: "/console/editions/{edition_f}/webinars".format(**i), only({OF: 200})),
     Check("GET", lambda i: "/console/editions/{edition_g}/webinars".format(**i), only({"organiser_g": 200})))
_add("webinars.console_new",
     Check("GET", lambda i: "/console/editions/{edition_f}/webinars/new".format(**i), only({OF: 200})),
     Check("POST", lambda i: "/console/editions/{edition_f}/webinars/new".format(**i), only({OF: 422}), {}))
_add("webinars.console_edit",
     Check("GET", lambda i: "/console/webinars/{wb_org}/edit".format(**i), only({OF: 200})),
     Check("GET", lambda i: "/console/webinars/{wb_booth}/edit".format(**i), only({OF: 200})),
     Check("POST", lambda i: "/console/webinars/{wb_org}/edit".format(**i), only({OF: 422}), {}))
_add("webinars.console_cancel",
     Check("POST", lambda i: "/console/webinars/{wb_org_cancel}/cancel".format(**i), only({OF: 302}), {}))
_add("webinars.console_registrations",
     Check("GET", lambda i: "/console/webinars/{wb_org}/registrations".format(**i), only({OF: 200})))
_add("webinars.console_registrations_csv",
     Check("POST", lambda i: "/console/webinars/{wb_org}/registrations.csv".format(**i), only({OF: 303}), {}))
_add("webinars.booth_index",
     Check("GET", lambda i: "/recruiter/booths/{booth_a}/webinars".format(**i), only({RA: 200})),
     Check("GET", lambda i: "/recruiter/booths/{booth_b}/webinars".format(**i), only({"recruiter_b": 200})))
_add("webinars.booth_new",
     Check("GET", lambda i: "/recruiter/booths/{booth_a}/webinars/new".format(**i), only({RA: 200})),
     Check("POST", lambda i: "/recruiter/booths/{booth_a}/webinars/new".format(**i), only({RA: 422}), {}))
_add("webinars.booth_edit",
     Check("GET", lambda i: "/recruiter/webinars/{wb_booth}/edit".format(**i), only({RA: 200})),
     Check("GET", lambda i: "/recruiter/webinars/{wb_org}/edit".format(**i), only({})),
     Check("POST", lambda i: "/recruiter/webinars/{wb_booth}/edit".format(**i), only({RA: 422}), {}))
_add("webinars.booth_cancel",
     Check("POST", lambda i: "/recruiter/webinars/{wb_booth_cancel}/cancel".format(**i), only({RA: 302}), {}))

RUN_LAST = ["webinars.cancel_registration", "webinars.console_cancel", "webinars.booth_cancel"]


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import User
    from fair.companies.models import Booth
    from fair.fairs.models import Edition
    from fair.webinars.services import register
    from tests.webinars.conftest import make_webinar

    edition = session.get(Edition, world.ids["edition_f"])
    booth_a = session.get(Booth, world.ids["booth_a"])
    organiser_webinar = make_webinar(session, edition, title="Webinaire de l'organisateur")
    booth_webinar = make_webinar(session, edition, booth=booth_a, title="Webinaire du stand A")
    to_cancel = make_webinar(session, edition, title="À annuler")
    booth_to_cancel = make_webinar(session, edition, booth=booth_a, title="À annuler (stand A)")
    candidate = session.execute(select(User).where(User.email == world.users["candidate"])).scalar_one()
    register(session, organiser_webinar.id, candidate)
    session.commit()
    world.ids.update({"wb_org": organiser_webinar.id, "wb_booth": booth_webinar.id,
                      "wb_org_cancel": to_cancel.id, "wb_booth_cancel": booth_to_cancel.id})
