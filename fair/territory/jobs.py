"""Territory jobs: placing a saved address in or out of a QPV, and placing those never placed."""
from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from fair.candidates.models import CandidateProfile
from fair.db import db
from fair.jobs import job
from fair.redis_conn import get_redis
from fair.territory import placing, qpv
from fair.territory.geocoding import Geocoder, GeocoderUnavailable, address_key

log = logging.getLogger("fair.territory")

BATCH_SIZE = 200
PENDING_PER_RUN = 1000


def configured_geocoder() -> Geocoder | None:
    config = current_app.config
    return Geocoder.from_config(config, get_redis() if config.get("REDIS_URL") else None)


@job(queue="default", request_context=False)
def geocode_profile(user_id: int, key: str) -> str | None:
    """Place the person's address, if it is still the one saved (`key`: its hash) and not placed yet.

    An address the service cannot place is "unknown"; a service that fails leaves it unplaced (the
    periodic run tries again) and never touches the saved profile otherwise."""
    geocoder = configured_geocoder()
    profile = db.session.execute(select(CandidateProfile).where(CandidateProfile.user_id == user_id)).scalars().first()
    if geocoder is None or profile is None or profile.geocoded_at is not None:
        return None
    if address_key(*placing.address_of(profile)) != key:
        return None  # changed since: the later save queued its own job
    try:
        status = placing.place_profile(db.session, profile, geocoder)
    except GeocoderUnavailable as error:
        log.warning("geocoding of a profile postponed: %s", error)
        db.session.rollback()
        return None
    db.session.commit()
    return status.value if status else None


def place_pending(limit: int | None = None, *, everyone: bool = False) -> dict[str, int]:
    """Place profiles never placed (after the boundaries are imported), in batches committed one by one,
    at the geocoder's rate. Returns counts by answer."""
    counts = {"inside": 0, "outside": 0, "unknown": 0, "postponed": 0}
    geocoder = configured_geocoder()
    if geocoder is None or qpv.boundaries_version(db.session) is None:
        return counts
    done_ids: set[int] = set()
    while limit is None or sum(counts.values()) < limit:
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - sum(counts.values()))
        batch = [p for p in placing.profiles_to_place(db.session, size + len(done_ids), everyone=everyone)
                 if p.id not in done_ids][:size]
        if not batch:
            break
        for profile in batch:
            done_ids.add(profile.id)
            try:
                status = placing.place_profile(db.session, profile, geocoder)
            except GeocoderUnavailable as error:
                log.warning("geocoding postponed: %s", error)
                counts["postponed"] += 1
                continue
            if status is not None:
                counts[status.value] += 1
        db.session.commit()
    return counts


@job(queue="default", request_context=False)
def place_pending_profiles() -> dict[str, int]:
    """Periodic: profiles whose address was never placed (saved before the geocoder or the boundaries);
    at most PENDING_PER_RUN a run (half a minute at the API's rate), the rest at the next."""
    return place_pending(limit=PENDING_PER_RUN)
