"""live fair: presence, walk-in queues, live calls, announcements

Revision ID: 6a1e0a7c1b05
Revises: 4d5e0a7c1b04
Create Date: 2026-11-25 23:40:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '6a1e0a7c1b05'
down_revision = '4d5e0a7c1b04'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
