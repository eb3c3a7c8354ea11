"""Invariants the database itself holds, on SQLite and PostgreSQL."""
import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError


def test_email_is_unique_whatever_its_case(factory, session):
    factory.user(email="Camille.Martin@example.org")
    with pytest.raises(IntegrityError):
        factory.user(email="camille.martin@EXAMPLE.org")
    session.rollback()


def test_datetimes_come_back_aware_and_in_utc(factory, session):
    from fair.fairs.models import Edition

    organiser = factory.organisation("organiser")
    paris = dt.timezone(dt.timedelta(hours=1))
    edition = factory.edition(organiser, starts_at=dt.datetime(2030, 3, 12, 9, 0, tzinfo=paris))
    session.expire_all()
    loaded = session.get(Edition, edition.id)
    assert loaded.starts_at == dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc)
    assert loaded.starts_at.utcoffset() == dt.timedelta(0)


def test_one_booth_per_company_and_edition(factory, session):
    organiser = factory.organisation("organiser")
    company = factory.organisation("company")
    edition = factory.edition(organiser)
    factory.booth(edition, company)
    with pytest.raises(IntegrityError):
        factory.booth(edition, company)
    session.rollback()


def test_unknown_contract_type_is_refused_by_the_database(factory, session):
    from sqlalchemy import text

    organiser = factory.organisation("organiser")
    booth = factory.booth(factory.edition(organiser), factory.organisation("company"))
    with pytest.raises(IntegrityError):
        session.execute(text(
            "INSERT INTO offers (booth_id, title, contract_type, positions, place, remote, description, "
            "requirements, open_to_beginners, is_published, created_at, updated_at) VALUES "
            "(:b, 'x', 'freelance', 1, 'Lille', 'none', '', '', false, true, :now, :now)"),
            {"b": booth.id, "now": dt.datetime(2030, 1, 1)})
    session.rollback()
