"""Permission matrix rows of an edition's brand stylesheet and short address (public, no login)."""
from __future__ import annotations

from tests.matrix import Check, everyone

EXPECTED = {
    # Only public editions have a stylesheet and a short address: a draft answers 404 even to its organisers.
    "public.brand_css": [
        Check("GET", lambda i: "/fairs/{slug_f}/brand.css".format(**i), everyone(200)),
        Check("GET", lambda i: "/fairs/{slug_draft_f}/brand.css".format(**i), everyone(404)),
    ],
    "public.short_address": [
        Check("GET", lambda i: "/f/{slug_f}".format(**i), everyone(302)),
        Check("GET", lambda i: "/f/{slug_draft_f}".format(**i), everyone(404)),
        Check("GET", lambda i: "/f/no-such-fair", everyone(404)),
    ],
}
