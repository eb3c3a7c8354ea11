"""The health digest: every hour (workers/schedule.py), the organisers of each published or live
edition whose fair starts in three days or tomorrow (local dates, from 08:00 local time) get one mail
each with the edition's health checks, through the outbox.

The outbox key names the edition, the local day and the organiser, so the runs of the rest of the day
send nothing more. A draft, closed or archived edition gets nothing. An edition with nothing to fix
gets a short "nothing to fix" mail too: the organiser learns the checks ran and found nothing, rather
than wondering whether the mail was lost.
"""
from __future__ import annotations

import logging

from fair.clock import now
from fair.db import db
from fair.health import services
from fair.jobs import job
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.timezones import fair_zone

log = logging.getLogger("fair.health")

# Lines of each kind a mail lists; the rest are counted and left to the page (hundreds of idle
# candidates would bury the booths to fix).
MAIL_LINES_PER_KIND = 10


@job(queue="default")
def send_digests() -> int:
    """Queue the digest of every edition due one now; answers how many organisers it was for (the outbox
    keeps the ones already queued today from going twice)."""
    moment = now()
    people = 0
    for edition, days in services.editions_due_a_digest(db.session, moment):
        report = services.edition_health(db.session, edition, moment)
        local_day = moment.astimezone(fair_zone(edition)).date()
        links = {problem: mail_url(problem.endpoint, **problem.url_args)
                 + (f"#{problem.anchor}" if problem.anchor else "") for problem in report.problems}
        page = mail_url("health.edition_health", edition_id=edition.id)
        for person in services.organiser_people(db.session, edition):
            key = services.digest_key(edition, local_day, person.id)
            queue_mail(db.session, to=person.email, template="health_digest", locale=person.locale,
                       key=key, edition_id=edition.id,
                       context={"edition": edition, "report": report, "links": links, "page": page, "days": days,
                                "name": person.full_name, "lines": MAIL_LINES_PER_KIND})
            people += 1
    db.session.commit()
    if people:
        log.info("health digests for %d organisers queued (or already queued today)", people)
    return people
