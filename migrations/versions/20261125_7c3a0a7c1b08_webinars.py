"""webinars: sessions, registrations with a waitlist, Q&A questions and votes, attendance

Revision ID: 7c3a0a7c1b08
Revises: 7b2f0a7c1b07
Create Date: 2026-11-25 23:40:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '7c3a0a7c1b08'
down_revision = '7b2f0a7c1b07'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
