"""A booking's `confirmed_at`: the person said "I'll be there" from their self-service link.

Revision ID: a8b9c0d1e2f3
Revises: f6a7b8c9d0e1
Create Date: 2026-12-07
"""
import sqlalchemy as sa
from alembic import op

import fair.db

revision = 'a8b9c0d1e2f3'
down_revision = 'a7e8f9c0d1e2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('jobdating_bookings', sa.Column('confirmed_at', fair.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('jobdating_bookings', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
