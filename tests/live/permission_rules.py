"""Live-fair routes in the permission matrix: the state endpoints are public for published fairs
(drafts answer 404), the desk is for the booth's company, the dashboard for the edition's organisers."""
from __future__ import annotations

from tests.matrix import Check, everyone, only

EXPECTED: dict[str, list[Check]] = {
    "live.edition_state": [
        Check("GET", lambda i: "/live/editions/{edition_f}/state".format(**i), everyone(200)),
        Check("GET", lambda i: "/live/editions/{draft_f}/state".format(**i), everyone(404)),
    ],
    "live.booth_state": [
        Check("GET", lambda i: "/live/booths/{booth_a}/state".format(**i), everyone(200)),
        Check("GET", lambda i: "/live/booths/999999/state", everyone(404)),
    ],
    "live.desk": [
        Check("GET", lambda i: "/live/booths/{booth_a}/desk".format(**i), only({"recruiter_a": 200})),
        Check("GET", lambda i: "/live/booths/{booth_b}/desk".format(**i), only({"recruiter_b": 200})),
    ],
    "live.dashboard": [
        Check("GET", lambda i: "/console/editions/{edition_f}/live".format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: "/console/editions/{edition_g}/live".format(**i), only({"organiser_g": 200})),
    ],
}
