"""A candidate who used every feature, with values found nowhere else, and the scan that looks for them."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import JSON, LargeBinary, String, Text, select

NAME = "Zéphyrine Quaglioni"
EMAIL = "zephyrine.quaglioni@example.org"
VALUES = {
    "name": NAME,
    "email": EMAIL,
    "phone": "+33698765431",  # a mobile number is kept in E.164, whatever way it was typed
    "postcode": "59777",
    "city": "Quagliville-sur-Deûle",
    "address_line": "27 allée Quagliorama",
    "skills": "soudure quagliotique",
    "cv_text": "CV-QUAGLIO-CONTENU",
    "cv_name": "cv-quaglioni-secret.pdf",
    "application": "Motivation quagliamente unique",
    "chat": "question quagliofonique au stand",
    "private": "réponse quagliosecrète en privé",
    "question": "question quagliowebinaire",
    "referral_note": "note quaglioréférente du conseiller",
    "pipeline_note": "note quagliopipeline du recruteur",
    "survey": "commentaire quagliosondage",
}


@dataclass
class World:
    candidate: object
    recruiter: object
    adviser: object
    organiser: object
    edition: object
    live_edition: object
    booth: object
    live_booth: object
    offer: object
    booking: object
    ids: dict = field(default_factory=dict)


def build(app, session, factory) -> World:
    """The candidate applies, books, queues, chats, registers for a webinar and asks a question, is
    referred and noted, answers a survey and consents, all through the services; mails leave."""
    from fair.accounts.consent import ConsentPurpose, ConsentRecord
    from fair.candidates import services as candidates
    from fair.candidates import storage
    from fair.candidates.models import CvKind
    from fair.jobdating import services as jobdating
    from fair.jobdating.models import Slot
    from fair.live import chat
    from fair.live import services as live
    from fair.pipeline.models import PipelineEntry, PipelineNote
    from fair.surveys.models import SurveyResponse
    from fair.webinars import services as webinars
    from fair.webinars.models import Provider
    from tests.candidates.helpers import pdf_bytes
    from tests.conftest import run_jobs

    organiser_org = factory.organisation("organiser", "Métropole")
    organiser = factory.member(organiser_org, "organiser@example.org", role="owner")
    company = factory.organisation("company", "Acme")
    recruiter = factory.member(company, "recruiter@example.org", role="owner", full_name="Rita Recruteuse")
    partner = factory.organisation("partner", "Mission locale")
    adviser = factory.member(partner, "adviser@example.org", role="owner", full_name="Alain Conseiller")
    edition = factory.edition(organiser_org)
    booth = factory.booth(edition, company)
    offer = factory.offer(booth, "Soudeur")
    live_edition = factory.live_edition(organiser_org)
    live_booth = factory.booth(live_edition, company)
    candidate = factory.person(EMAIL, "Quelqu'un", locale="fr")

    candidates.update_profile(candidate, full_name=NAME, phone=VALUES["phone"], situations=["qpv"],
                              situation_consent=True, postcode=VALUES["postcode"], city=VALUES["city"],
                              skills=VALUES["skills"], address_line=VALUES["address_line"])
    data = pdf_bytes(VALUES["cv_text"])
    cv = candidates.add_cv(candidate, storage.CheckedCv(kind=CvKind.pdf, data=data, display_name=VALUES["cv_name"],
                                                        sha256=hashlib.sha256(data).hexdigest()))
    session.commit()
    candidates.apply(candidate, offer, message=VALUES["application"], cv=cv)
    referral = candidates.refer(adviser, partner, email=EMAIL, full_name=NAME, note=VALUES["referral_note"])
    candidates.confirm_referral(referral, "J'accepte d'être accompagné.", "test-wording")
    session.add(ConsentRecord(user_id=candidate.id, purpose=ConsentPurpose.talent_pool, text="Vivier", version="1"))
    session.commit()

    day = edition.starts_at.date()
    factory.slot_range(booth, recruiter, day, "10:00", "11:00")
    slot = session.execute(select(Slot).where(Slot.booth_id == booth.id).order_by(Slot.starts_at)).scalars().first()
    booking = jobdating.book(session, slot_id=slot.id, candidate_id=candidate.id)
    session.commit()

    now = dt.datetime.now(dt.timezone.utc)
    live.join(session, live_booth, candidate, now)
    chat.post(session, live_booth, candidate, VALUES["chat"])
    pair = chat.pair_for(session, live_booth, recruiter, chat.chat_id(live_booth.id, candidate.id))
    chat.send_private(session, pair, "Bonjour, pouvez-vous préciser ?")
    answer = chat.pair_for(session, live_booth, candidate, chat.chat_id(live_booth.id, recruiter.id))
    chat.send_private(session, answer, VALUES["private"])
    session.commit()

    webinar = webinars.create_webinar(session, edition=edition, booth=None, created_by_id=organiser.id,
                                      data=webinars.WebinarData(
                                          title="Réussir son entretien", speaker="Équipe", description="",
                                          starts_at=edition.starts_at + dt.timedelta(hours=2), duration_minutes=45,
                                          capacity=50, language="fr", provider=Provider.external,
                                          external_url="https://visio.example.org/w"))
    webinars.register(session, webinar.id, candidate)
    webinars.ask(session, webinar, candidate.id, VALUES["question"])
    entry = PipelineEntry(company_id=company.id, candidate_id=candidate.id, edition_id=edition.id, rating=4)
    session.add(entry)
    session.flush()
    session.add(PipelineNote(entry_id=entry.id, author_id=recruiter.id, source="note", body=VALUES["pipeline_note"]))
    session.add(SurveyResponse(edition_id=edition.id, user_id=candidate.id, role="candidate",
                               answers={"overall": "good"}, comment=VALUES["survey"]))
    session.commit()
    run_jobs(app)  # the booking's invitations (the recruiter's names the candidate), the referral's mail
    return World(candidate, recruiter, adviser, organiser, edition, live_edition, booth, live_booth, offer,
                 booking, {"webinar": webinar.id, "cv_storage": cv.storage_name})


def _text_columns(table):
    return [c for c in table.columns if isinstance(c.type, (String, Text, JSON, LargeBinary))]


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def scan_database(session, values: dict[str, str]) -> dict[str, list[str]]:
    """Every text, varchar, JSON and binary column of every table: where each value is found."""
    from fair.db import Base

    session.expire_all()
    found: dict[str, list[str]] = {}
    for table in Base.metadata.sorted_tables:
        columns = _text_columns(table)
        if not columns:
            continue
        for row in session.execute(select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                text = _as_text(value).lower()
                # .ics folds long lines: read them unfolded, as a calendar does
                text = text.replace("\r\n ", "").replace("\n ", "")
                for key, needle in values.items():
                    if needle.lower() in text:
                        found.setdefault(key, []).append(f"{table.name}.{column.name}")
    session.rollback()
    return found


def scan_files(folder: Path, values: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if not folder.exists():
        return found
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace").lower()
            for key, needle in values.items():
                if needle.lower() in text or needle.lower() in path.name.lower():
                    found.setdefault(key, []).append(str(path.name))
    return found


class Captured(logging.Handler):
    """Every record the application's loggers (`fair.*`) and RQ's write while it is attached."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + " " + repr(record.args))

    NAMES = ("fair", "rq", "workers")

    def __enter__(self) -> "Captured":
        self._levels = {}
        for name in self.NAMES:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(logging.DEBUG)
            logger.addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        for name in self.NAMES:
            logger = logging.getLogger(name)
            logger.removeHandler(self)
            logger.setLevel(self._levels[name])

    def found(self, values: dict[str, str]) -> list[str]:
        return [key for key, needle in values.items() if any(needle.lower() in line.lower() for line in self.lines)]
