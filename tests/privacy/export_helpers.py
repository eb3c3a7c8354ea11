"""What the export tests share: a row about the person in every table that references users, the
export asked for and downloaded as a person does."""
from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import secrets
import zipfile

from sqlalchemy import JSON, Boolean, Date, DateTime, Enum, Integer, LargeBinary, String, Text, func, insert, select

from fair.accounts.models import Membership, User
from fair.candidates import services as candidates
from fair.candidates.models import CandidateCv
from fair.clock import now
from fair.db import Base
from fair.jobdating import services as jobdating
from fair.jobdating.models import Slot
from fair.live import chat
from fair.live import services as live
from fair.privacy import export as exports
from fair.privacy import export_fields
from fair.privacy.models import ExportStatus
from fair.webinars import services as webinars
from fair.webinars.models import Provider
from tests.conftest import page_text, post_form, run_jobs

_NUMBERS = itertools.count(1)
# Values a generic row must not take: an old export of the person is over, not one under way.
OVERRIDES = {("data_exports", "status"): ExportStatus.expired}
LINK = re.compile(r'href="(/account/export/download/[0-9a-f]+)"')


def _value(column, person_id: int, other_id: int, session, role_column: str | None):
    """A value for a column that needs one: the person in `role_column`, the other person in any other
    user key, a new parent row for other keys."""
    if (column.table.name, column.name) in OVERRIDES:
        return OVERRIDES[(column.table.name, column.name)]
    for fk in column.foreign_keys:
        target = fk.column.table
        if target.name == "users":
            return person_id if column.name == role_column else other_id
        return _insert(session, target, person_id, other_id, None)  # a new parent: unique keys stay unique
    kind = getattr(column.type, "impl_instance", column.type)  # UTCDateTime and other decorators
    if isinstance(kind, Enum):
        first = kind.enums[0]
        return kind.enum_class(first) if kind.enum_class else first
    if isinstance(kind, DateTime):
        return now()
    if isinstance(kind, Date):
        return now().date()
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return next(_NUMBERS)  # distinct, for unique (booth, ticket) and the like
    if isinstance(kind, LargeBinary):
        return b"x"
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, String | Text):
        return secrets.token_hex(min(16, (kind.length or 64) // 2))
    raise AssertionError(f"no test value for {column.table.name}.{column.name} ({kind!r})")


def _insert(session, table, person_id: int, other_id: int, role_column: str | None) -> int:
    values = {}
    for column in table.columns:
        if column.primary_key and isinstance(column.type, Integer) and not column.foreign_keys:
            continue
        needed = not column.nullable or column.foreign_keys and column.name == role_column \
            or any(fk.column.table.name == "users" for fk in column.foreign_keys)
        if needed:
            values[column.name] = _value(column, person_id, other_id, session, role_column)
    result = session.execute(insert(table).values(**values))
    return result.inserted_primary_key[0]


def fill_every_user_table(session, person_id: int, other_id: int) -> None:
    """Rows the services did not make: one per table and per user key naming the person (the other
    keys naming someone else), and one reachable row per REACHABLE table."""
    for table, columns in exports.user_tables():
        for column in columns:
            has = session.execute(select(func.count()).select_from(table)
                                  .where(table.c[column] == person_id)).scalar_one()
            if not has:
                _insert(session, table, person_id, other_id, column)
    for name, how in export_fields.REACHABLE.items():
        table = Base.metadata.tables[name]
        if how[0] == "via":
            _, column, parent, parent_column = how
            parent_id = session.execute(select(Base.metadata.tables[parent].c.id)
                                        .where(Base.metadata.tables[parent].c[parent_column] == person_id)
                                        .limit(1)).scalar_one()
            values = {c.name: _value(c, person_id, other_id, session, None) for c in table.columns
                      if not c.nullable and not c.primary_key}
            values[column] = parent_id
            for c in table.columns:  # the reachable row names someone else, not the person
                if any(fk.column.table.name == "users" for fk in c.foreign_keys):
                    values[c.name] = other_id
            session.execute(insert(table).values(**values))
        elif how[0] == "object":
            values = {c.name: _value(c, person_id, other_id, session, None) for c in table.columns
                      if not c.nullable and not c.primary_key}
            values.update(object_type=how[1], object_id=person_id, actor_id=other_id,
                          actor_email=session.get(User, other_id).email, ip_address="198.51.100.7")
            session.execute(insert(table).values(**values))
        else:
            email = session.execute(select(Base.metadata.tables["users"].c.email)
                                    .where(Base.metadata.tables["users"].c.id == person_id)).scalar_one()
            values = {c.name: _value(c, person_id, other_id, session, None) for c in table.columns
                      if not c.nullable and not c.primary_key}
            values[how[1]] = email.upper()
            session.execute(insert(table).values(**values))
    session.commit()


def ask_and_download(app, client) -> tuple[zipfile.ZipFile, str]:
    """Ask for the export on the page, let the worker build it, follow the page's link; the zip and the link."""
    asked = post_form(client, "/account/export", {})
    assert asked.status_code == 303, page_text(asked)
    run_jobs(app)
    page = client.get("/account/export")
    match = LINK.search(page.get_data(as_text=True))
    assert match, f"no download link on the page: {page_text(page)}"
    response = client.get(match.group(1))
    assert response.status_code == 200, page_text(response)
    assert response.mimetype == "application/zip"
    data = response.get_data()
    response.close()
    return zipfile.ZipFile(io.BytesIO(data)), match.group(1)



def use_the_services(session, factory, person, recruiter) -> None:
    """What a candidate does on a fair, through the services the pages call: apply with their CV, book
    an interview, write on a booth's chat, join the queue, register for a webinar and ask a question."""
    person, recruiter = session.get(User, person.id), session.get(User, recruiter.id)
    organiser = factory.organisation("organiser", "Métropole")
    edition = factory.edition(organiser)  # in 2030: interviews and webinars ahead
    company = factory.organisation("company", "Acme")
    session.add(Membership(user_id=recruiter.id, organisation_id=company.id))
    session.commit()
    booth = factory.booth(edition, company)
    live_booth = factory.booth(factory.live_edition(organiser), company)  # a fair running now: queue, chat
    offer = factory.offer(booth, title="Cariste")
    cv = session.execute(select(CandidateCv).where(CandidateCv.user_id == person.id)).scalars().first()
    candidates.apply(person, offer, message="Bonjour, je suis disponible.", cv=cv)
    session.commit()
    factory.slot_range(booth, recruiter, edition.starts_at.date(), "10:00", "11:00")
    slot = session.execute(select(Slot).where(Slot.booth_id == booth.id).order_by(Slot.starts_at)).scalars().first()
    jobdating.book(session, slot_id=slot.id, candidate_id=person.id)
    session.commit()
    chat.post(session, live_booth, person, "Bonjour, recrutez-vous des caristes ?")
    session.commit()
    live.set_queue_open(session, live_booth, True)
    live.join(session, live_booth, person, now())
    session.commit()
    webinar = webinars.create_webinar(session, edition=edition, booth=booth, created_by_id=recruiter.id,
                                      data=webinars.WebinarData(
                                          title="Les métiers de la logistique", speaker="Acme",
                                          description="Présentation",
                                          starts_at=edition.starts_at + dt.timedelta(hours=2),
                                          duration_minutes=30, capacity=50, language="fr",
                                          provider=Provider.external, external_url="https://video.example/room"))
    webinars.register(session, webinar.id, person)
    webinars.ask(session, webinar, person.id, "Faut-il le permis cariste ?")
    session.commit()
