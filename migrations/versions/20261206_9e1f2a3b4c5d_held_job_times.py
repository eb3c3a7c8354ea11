"""jobs: a held job keeps its time and its id (jobs at a time, reminders)

Revision ID: 9e1f2a3b4c5d
Revises: 8d4b0a7c1b09
Create Date: 2026-12-06 20:00:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '9e1f2a3b4c5d'
down_revision = '8d4b0a7c1b09'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('held_jobs') as batch:
        batch.add_column(sa.Column('run_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('job_id', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('held_jobs') as batch:
        batch.drop_column('job_id')
        batch.drop_column('run_at')
