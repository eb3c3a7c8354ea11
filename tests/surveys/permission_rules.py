"""The survey links in the permission matrix: they need no sign-in, so every visitor gets the same
answer; only the link decides. A valid link opens the page (200), a one-tap answer records and shows
it (200), an answer that is not a choice is refused (400), an unknown link or one of another purpose
answers 404."""
from __future__ import annotations

import datetime as dt

from tests.matrix import Check, everyone

EXPECTED: dict[str, list[Check]] = {
    "surveys.survey": [
        Check("GET", lambda i: "/surveys/{survey_token}".format(**i), everyone(200)),
        Check("GET", lambda i: "/surveys/not-a-token", everyone(404)),
        Check("GET", lambda i: "/surveys/{survey_other_purpose}".format(**i), everyone(404)),
        Check("POST", lambda i: "/surveys/{survey_token}".format(**i), everyone(302), {"comment": "Bien"}),
        Check("POST", lambda i: "/surveys/{survey_token}".format(**i), everyone(422), {"overall": "9"}),
    ],
    "surveys.one_tap": [
        Check("GET", lambda i: "/surveys/{survey_token}/overall/4".format(**i), everyone(200)),
        Check("GET", lambda i: "/surveys/{survey_token}/overall/9".format(**i), everyone(400)),
        Check("GET", lambda i: "/surveys/not-a-token/overall/4", everyone(404)),
    ],
}
RUN_LAST = ["surveys.survey", "surveys.one_tap"]


def build(factory, session, world) -> None:
    from fair import links
    from fair.accounts.models import User

    candidate = session.query(User).filter_by(email=world.users["candidate"]).one()
    world.ids["survey_token"] = links.issue(session, "survey", user_id=candidate.id, ttl=dt.timedelta(days=30),
                                            subject_type="edition", subject_id=world.ids["edition_f"], max_uses=500)
    world.ids["survey_other_purpose"] = links.issue(session, "unsubscribe", user_id=candidate.id,
                                                    ttl=dt.timedelta(days=30))
    session.commit()
