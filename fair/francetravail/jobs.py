"""The daily refresh of the offers imported from France Travail."""
from __future__ import annotations

import logging
from collections import Counter

from flask import current_app

from fair.companies.models import Offer
from fair.db import db
from fair.francetravail.client import FranceTravailClient, FranceTravailError
from fair.francetravail.services import offers_to_refresh, refresh_offer
from fair.jobs import job

log = logging.getLogger("fair.francetravail")


@job(queue="default", request_context=False)
def refresh_imported_offers() -> dict[str, int]:
    """Every imported offer of an open or coming edition asked again, one call each, at the client's
    pace: changed ones updated, closed ones withdrawn. Committed offer by offer, so a failure half-way
    keeps what was done; an API that stays down stops the run (tomorrow's tries again)."""
    client = FranceTravailClient.from_config(current_app.config)
    counts: Counter[str] = Counter()
    if client is None:
        return dict(counts)
    for offer_id in [offer.id for offer in offers_to_refresh(db.session)]:
        offer = db.session.get(Offer, offer_id)
        if offer is None:
            continue
        try:
            counts[refresh_offer(db.session, offer, client)] += 1
        except FranceTravailError as error:
            db.session.rollback()
            log.warning("france travail refresh stopped: %s", error)
            counts["failed"] += 1
            break
        db.session.commit()
    log.info("france travail refresh: %s", dict(counts))
    return dict(counts)
