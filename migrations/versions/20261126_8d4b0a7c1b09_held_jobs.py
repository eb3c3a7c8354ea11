"""ops: jobs held in the database while Redis is unreachable

Revision ID: 8d4b0a7c1b09
Revises: 7c3a0a7c1b08
Create Date: 2026-11-26 03:10:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '8d4b0a7c1b09'
down_revision = '7c3a0a7c1b08'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('held_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('queue', sa.String(length=40), nullable=False),
    sa.Column('func', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('kwargs', sa.JSON(), nullable=False),
    sa.Column('held_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_jobs'))
    )


def downgrade() -> None:
    op.drop_table('held_jobs')
