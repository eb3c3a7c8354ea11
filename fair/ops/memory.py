"""The garbage collector of a web node, tuned for latency.

A node holds thousands of long-lived objects per connected socket. With CPython's default
thresholds (700, 10, 10), objects that merely happen to be alive at a young collection (a request in
flight) are promoted quickly, full collections come often, and each one walks every long-lived
object: on `bench/live_fanout.py` (2,000 sockets) those pauses were the whole latency tail, p99
282 ms against a p90 of 30 ms. After start-up, `gc.freeze()` moves the application's own
import-time objects out of every collection, and higher thresholds make young collections rarer
and full ones much rarer; cycles are still collected, a little later (a few MB more). Measured: p99
34 ms (README, "Live fan-out").
"""
from __future__ import annotations

import gc
import logging
import os

log = logging.getLogger("fair.ops")

DEFAULT_THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector(setting: str | None = None) -> tuple[int, ...]:
    """Freeze what start-up made and set the thresholds: `GC_THRESHOLDS` ("50000,20,100", the default;
    "python": CPython's own). Answers the thresholds in force."""
    setting = (os.environ.get("GC_THRESHOLDS", "") if setting is None else setting).strip()
    if setting == "python":
        return gc.get_threshold()
    thresholds = DEFAULT_THRESHOLDS
    if setting:
        try:
            thresholds = tuple(int(part) for part in setting.split(","))
            if len(thresholds) != 3 or min(thresholds) < 1:
                raise ValueError
        except ValueError:
            log.error("GC_THRESHOLDS=%r is not three positive numbers: using %s", setting, DEFAULT_THRESHOLDS)
            thresholds = DEFAULT_THRESHOLDS
    gc.collect()
    gc.freeze()
    gc.set_threshold(*thresholds)
    return gc.get_threshold()
