"""The health page in the permission matrix: the organisers of the edition only; another organiser's
edition answers 404, as everything else does to anyone else."""
from __future__ import annotations

from tests.matrix import Check, only

EXPECTED: dict[str, list[Check]] = {
    "health.edition_health": [
        Check("GET", lambda i: "/console/editions/{edition_f}/health".format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: "/console/editions/{edition_g}/health".format(**i), only({"organiser_g": 200})),
        Check("GET", lambda i: "/console/editions/999999/health", only({})),
    ],
}
