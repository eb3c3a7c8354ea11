"""The Alembic chain builds exactly the schema the models describe, on SQLite and PostgreSQL.

A model changed without its migration would work in tests that create tables from the models, then
fail on a real upgrade: here the upgraded test database is compared with the models themselves.
"""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from fair.migrate import alembic_config

# SQLite cannot reflect the functional index on lower(email); PostgreSQL compares it.
pytestmark = pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning",
                                        "ignore:Skipped unsupported reflection:sqlalchemy.exc.SAWarning")


def test_one_chain_with_a_single_head(database_url):
    script = ScriptDirectory.from_config(alembic_config(database_url))
    assert len(script.get_heads()) == 1, f"several Alembic heads: {script.get_heads()}"


def test_the_migrated_database_matches_the_models(app):
    from fair.db import Base
    from fair.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "models and migrations differ:\n" + "\n".join(map(str, differences))
