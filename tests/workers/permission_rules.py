"""Permission matrix rows of the outbox pages: an edition's mail not delivered, for its organiser only."""
from __future__ import annotations

from tests.matrix import Check, only

EXPECTED = {
    "fairs.failed_mail": [
        Check("GET", lambda i: "/console/editions/{edition_f}/mail".format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: "/console/editions/{edition_g}/mail".format(**i), only({"organiser_g": 200})),
        Check("GET", lambda i: "/console/editions/999999/mail", only({})),
    ],
}
