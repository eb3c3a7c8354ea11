"""Booking moves: each time an interview is moved to another slot of its booth, from when to when and by
whom, so that the person's file keeps the first time and every move (fair/jobdating/models.py BookingMove).

Revision ID: 5b7c9d1e3f20
Revises: c88587e56c75
Create Date: 2026-12-07 14:50:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '5b7c9d1e3f20'
down_revision = 'c88587e56c75'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('jobdating_booking_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('from_starts_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('to_starts_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('moved_by_id', sa.Integer(), nullable=True),
    sa.Column('moved_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['jobdating_bookings.id'], name=op.f('fk_jobdating_booking_moves_booking_id_jobdating_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moved_by_id'], ['users.id'], name=op.f('fk_jobdating_booking_moves_moved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobdating_booking_moves'))
    )
    with op.batch_alter_table('jobdating_booking_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobdating_booking_moves_booking_id'), ['booking_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('jobdating_booking_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobdating_booking_moves_booking_id'))
    op.drop_table('jobdating_booking_moves')
