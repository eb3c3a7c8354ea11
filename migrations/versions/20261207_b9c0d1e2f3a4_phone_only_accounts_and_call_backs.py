"""Phone-only accounts and call-back requests: users.email may be empty (the unique index on
lower(email) lets several NULLs through on SQLite and PostgreSQL alike), users.mobile is the
verified E.164 number a person signs in with (unique), phone_sign_in_codes holds the one live
sign-in code of a number, callback_requests the "call me back" requests made at booths.

Revision ID: b9c0d1e2f3a4
Revises: f6a7b8c9d0e1
Create Date: 2026-12-07 03:34:54.890786
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'b9c0d1e2f3a4'
down_revision = '9e2b4c6d8f10'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('phone_sign_in_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mobile', sa.String(length=16), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_sign_in_codes')),
    sa.UniqueConstraint('mobile', name=op.f('uq_phone_sign_in_codes_mobile'))
    )
    op.create_table('callback_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('mobile', sa.String(length=16), nullable=False),
    sa.Column('window_start', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('window_end', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('consent_text', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'reached', 'no_answer', 'wrong_number', 'call_again', 'cancelled', name='callback_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('share_asked_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('shared_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=False),
    sa.Column('outcome_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_callback_requests_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_callback_requests_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_by_id'], ['users.id'], name=op.f('fk_callback_requests_outcome_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_requests'))
    )
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callback_requests_booth_id'), ['booth_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_requests_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index('uq_callback_requests_open', ['booth_id', 'candidate_id'], unique=True, sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile', sa.String(length=16), nullable=True))
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=254),
               nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_users_mobile'), ['mobile'])
    _email_index_back()



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_mobile'), type_='unique')
        batch_op.alter_column('email',
               existing_type=sa.VARCHAR(length=254),
               nullable=False)
        batch_op.drop_column('mobile')
    _email_index_back()

    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_callback_requests_open', sqlite_where=sa.text('is_open'), postgresql_where=sa.text('is_open'))
        batch_op.drop_index(batch_op.f('ix_callback_requests_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_callback_requests_booth_id'))

    op.drop_table('callback_requests')
    op.drop_table('phone_sign_in_codes')


def _email_index_back() -> None:
    """SQLite's batch mode rebuilds `users` without the index on lower(email), an expression index it
    cannot reflect: put it back, or two accounts could share an address written in other letters."""
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('CREATE UNIQUE INDEX IF NOT EXISTS uq_users_email_lower ON users (lower(email))')
