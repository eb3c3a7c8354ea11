"""calendar entries, calendar feeds, reminder offsets, bulk invitations

Revision ID: 5e2d0a7c1b03
Revises: 5e2d0a7c1b01
Create Date: 2026-11-25 21:40:02
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '5e2d0a7c1b03'
down_revision = '5e2d0a7c1b01'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=200), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('join_url', sa.String(length=500), nullable=True),
    sa.Column('status', sa.Enum('active', 'cancelled', name='calendar_entry_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_calendar_entries_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_entries')),
    sa.UniqueConstraint('uid', name=op.f('uq_calendar_entries_uid')),
    sa.UniqueConstraint('user_id', 'kind', 'ref_id', name='uq_calendar_entries_user_kind_ref')
    )
    with op.batch_alter_table('calendar_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_entries_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_entries_user_id'), ['user_id'], unique=False)

    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_feeds_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    op.create_table('edition_reminder_offsets',
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_edition_reminder_offsets_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_edition_reminder_offsets'))
    )
    op.create_table('bulk_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'paused', 'done', name='bulk_invitation_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bulk_invitations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_bulk_invitations_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_invitations'))
    )
    with op.batch_alter_table('bulk_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_invitations_edition_id'), ['edition_id'], unique=False)

    op.create_table('bulk_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bulk_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('queued_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['bulk_id'], ['bulk_invitations.id'], name=op.f('fk_bulk_recipients_bulk_id_bulk_invitations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_recipients')),
    sa.UniqueConstraint('bulk_id', 'email', name='uq_bulk_recipients_bulk_email')
    )
    with op.batch_alter_table('bulk_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_recipients_bulk_id'), ['bulk_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bulk_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_recipients_bulk_id'))
    op.drop_table('bulk_recipients')
    with op.batch_alter_table('bulk_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_invitations_edition_id'))
    op.drop_table('bulk_invitations')
    op.drop_table('edition_reminder_offsets')
    op.drop_table('calendar_feeds')
    with op.batch_alter_table('calendar_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_entries_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_entries_edition_id'))
    op.drop_table('calendar_entries')
