"""Operations routes in the permission matrix: probes answer everyone; /metrics answers the node
itself (the test client comes from loopback) or a holder of METRICS_TOKEN, 404 to anyone else
(tests/ops/test_probes.py checks the remote case)."""
from __future__ import annotations

from tests.matrix import Check, everyone

EXPECTED: dict[str, list[Check]] = {
    "ops.healthz": [Check("GET", lambda i: "/healthz", everyone(200))],
    "ops.readyz": [Check("GET", lambda i: "/readyz", everyone(200))],
    "ops.metrics": [Check("GET", lambda i: "/metrics", everyone(200))],
}
