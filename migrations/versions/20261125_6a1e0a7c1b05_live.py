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

OPEN = "status IN ('waiting', 'called', 'in_call')"


def upgrade() -> None:
    op.create_table('live_announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_live_announcements_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_live_announcements_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_live_announcements_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_announcements'))
    )
    with op.batch_alter_table('live_announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_announcements_booth_id'), ['booth_id'], unique=False)
        batch_op.create_index('ix_live_announcements_edition_created', ['edition_id', 'created_at'], unique=False)

    op.create_table('live_booths',
    sa.Column('booth_id', sa.Integer(), nullable=False),
    sa.Column('queue_open', sa.Boolean(), nullable=False),
    sa.Column('queue_max', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('last_ticket', sa.Integer(), nullable=False),
    sa.Column('average_call_seconds', sa.Integer(), nullable=True),
    sa.Column('unstaffed_since', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_live_booths_booth_id_booths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('booth_id', name=op.f('pk_live_booths'))
    )
    op.create_table('live_queue_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'called', 'in_call', 'done', 'skipped', 'left', name='live_queue_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('joined_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('called_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('called_by_id', sa.Integer(), nullable=True),
    sa.Column('turn_expires_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('room_path', sa.String(length=120), nullable=True),
    sa.Column('started_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ended_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_live_queue_entries_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['called_by_id'], ['users.id'], name=op.f('fk_live_queue_entries_called_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_live_queue_entries_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_live_queue_entries_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_queue_entries')),
    sa.UniqueConstraint('booth_id', 'ticket', name='uq_live_queue_booth_ticket')
    )
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.create_index('ix_live_queue_booth_status', ['booth_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_queue_entries_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_queue_entries_edition_id'), ['edition_id'], unique=False)
        # A candidate holds one open entry per booth at most.
        batch_op.create_index('uq_live_queue_open_candidate', ['booth_id', 'candidate_id'], unique=True,
                              sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    with op.batch_alter_table('live_queue_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_live_queue_open_candidate', sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))
        batch_op.drop_index(batch_op.f('ix_live_queue_entries_edition_id'))
        batch_op.drop_index(batch_op.f('ix_live_queue_entries_candidate_id'))
        batch_op.drop_index('ix_live_queue_booth_status')

    op.drop_table('live_queue_entries')
    op.drop_table('live_booths')
    with op.batch_alter_table('live_announcements', schema=None) as batch_op:
        batch_op.drop_index('ix_live_announcements_edition_created')
        batch_op.drop_index(batch_op.f('ix_live_announcements_booth_id'))

    op.drop_table('live_announcements')
