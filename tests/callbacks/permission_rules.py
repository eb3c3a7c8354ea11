""""Call me back" in the permission matrix: a candidate reaches their own requests, the booth's company its
list and outcomes; everyone else 404, anonymous visitors the login page."""
from __future__ import annotations

from sqlalchemy import select

from tests.matrix import Check, only

EXPECTED: dict[str, list[Check]] = {
    "callbacks.request_page": [
        Check("GET", lambda i: "/fairs/{slug_f}/booths/{booth_a}/call-back".format(**i), only({"candidate": 200})),
        Check("GET", lambda i: "/fairs/{slug_g}/booths/{booth_a}/call-back".format(**i), only({})),
        Check("POST", lambda i: "/fairs/{slug_f}/booths/{booth_a}/call-back".format(**i), only({"candidate": 422}),
              {"mobile": "01 42 68 53 00", "when": "now"}),
    ],
    "callbacks.share": [Check("POST", lambda i: "/call-backs/{callback}/share".format(**i), only({"candidate": 302}),
                              {})],
    "callbacks.cancel": [Check("POST", lambda i: "/call-backs/{callback}/cancel".format(**i),
                               only({"candidate": 302}), {})],
    "callbacks.desk_list": [
        Check("GET", lambda i: "/recruiter/booths/{booth_a}/call-backs".format(**i), only({"recruiter_a": 200})),
    ],
    "callbacks.outcome": [
        Check("POST", lambda i: "/recruiter/booths/{booth_a}/call-backs/{callback}/outcome".format(**i),
              only({"recruiter_a": 422}), {"note": "x"}),
        # Another company's request through one's own booth: 404.
        Check("POST", lambda i: "/recruiter/booths/{booth_b}/call-backs/{callback}/outcome".format(**i),
              only({}), {}),
    ],
    "callbacks.ask": [Check("POST", lambda i: "/recruiter/booths/{booth_a}/call-backs/{callback}/ask".format(**i),
                            only({"recruiter_a": 302}), {})],
}
# Cancelling closes the request that the other checks act on.
RUN_LAST = ["callbacks.cancel"]


def build(factory, session, world) -> None:
    from fair.accounts.models import User
    from fair.callbacks.models import CallbackRequest

    candidate = session.execute(select(User).where(User.email == world.users["candidate"])).scalar_one()
    request = CallbackRequest(booth_id=world.ids["booth_a"], candidate_id=candidate.id, mobile="+33612345678",
                              consent_text="ok", is_open=True)
    session.add(request)
    session.flush()
    world.ids["callback"] = request.id
