"""Permission matrix rows of the France Travail import pages and the public offers feed.

The matrix's app has no France Travail credentials: the import pages answer "not configured" to those
who may see them (200, even to a POST), and 404 to anyone else: another company's booth, a booth of
another organiser's edition.
"""
from __future__ import annotations

from tests.matrix import Check, everyone, only

A = "/recruiter/booths/{booth_a}/france-travail"
B = "/recruiter/booths/{booth_b}/france-travail"
F = "/console/editions/{edition_f}/booths/{booth_a}/france-travail"
G = "/console/editions/{edition_g}/booths/{booth_a}/france-travail"

EXPECTED = {
    "francetravail.recruiter_import": [
        Check("GET", lambda i: A.format(**i), only({"recruiter_a": 200})),
        Check("GET", lambda i: B.format(**i), only({"recruiter_b": 200})),
        Check("POST", lambda i: A.format(**i), only({"recruiter_a": 200}), {"siret": "1"}),
    ],
    "francetravail.organiser_import": [
        Check("GET", lambda i: F.format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: F.format(**i), only({"organiser_f": 200}), {"siret": "1"}),
        # A booth is reached only through its own edition: organiser G's edition does not hold booth A.
        Check("GET", lambda i: G.format(**i), only({})),
    ],
    "public.offers_feed": [
        Check("GET", lambda i: "/fairs/{slug_f}/offers.json".format(**i), everyone(200)),
        Check("GET", lambda i: "/fairs/{slug_draft_f}/offers.json".format(**i), everyone(404)),
    ],
}
