"""the recruiter's first answer to an application, for the reports' "days to a first answer"

Revision ID: 9e2b4c6d8f10
Revises: f6a7b8c9d0e1
Create Date: 2026-12-07 05:00:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '9e2b4c6d8f10'
down_revision = 'e6f7a8b9c0d1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_answered_at', fair.db.UTCDateTime(timezone=True), nullable=True))
    # Applications answered before the column existed: their last change is the best date known.
    op.execute("UPDATE applications SET first_answered_at = status_changed_at "
               "WHERE status IN ('shortlisted', 'invited', 'rejected')")


def downgrade() -> None:
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('first_answered_at')
