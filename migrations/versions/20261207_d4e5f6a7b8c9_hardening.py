"""hardening: server-side sessions, TOTP second factor with recovery codes, hashed calendar feed tokens

Revision ID: d4e5f6a7b8c9
Revises: c3d4e5f6a7b8
Create Date: 2026-12-07 12:00:00
"""
import hashlib

from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'd4e5f6a7b8c9'
down_revision = 'c3d4e5f6a7b8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('totp_secret', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('totp_enabled_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    op.create_table(
        'user_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', fair.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('mfa_at', fair.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ip_address', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash')),
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'])
    op.create_index(op.f('ix_user_sessions_revoked_at'), 'user_sessions', ['revoked_at'])

    op.create_table(
        'mfa_recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', fair.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mfa_recovery_codes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mfa_recovery_codes')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_mfa_recovery_codes_code_hash')),
    )
    op.create_index(op.f('ix_mfa_recovery_codes_user_id'), 'mfa_recovery_codes', ['user_id'])

    # Calendar feeds keep only the SHA-256 of their secret: existing subscriptions go on working, since
    # the address a calendar holds hashes to the stored value.
    with op.batch_alter_table('calendar_feeds') as batch:
        batch.add_column(sa.Column('token_hash', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for feed_id, token in connection.execute(sa.text("SELECT id, token FROM calendar_feeds")).all():
        connection.execute(sa.text("UPDATE calendar_feeds SET token_hash = :h WHERE id = :i"),
                           {"h": hashlib.sha256(token.encode()).hexdigest(), "i": feed_id})
    with op.batch_alter_table('calendar_feeds') as batch:
        batch.alter_column('token_hash', existing_type=sa.String(length=64), nullable=False)
        batch.drop_constraint('uq_calendar_feeds_token', type_='unique')
        batch.drop_column('token')
        batch.create_unique_constraint(batch.f('uq_calendar_feeds_token_hash'), ['token_hash'])


def downgrade() -> None:
    # The raw feed secrets are gone: the feeds are dropped (their owners make new addresses).
    op.execute("DELETE FROM calendar_feeds")
    with op.batch_alter_table('calendar_feeds') as batch:
        batch.drop_constraint('uq_calendar_feeds_token_hash', type_='unique')
        batch.drop_column('token_hash')
        batch.add_column(sa.Column('token', sa.String(length=64), nullable=False))
        batch.create_unique_constraint('uq_calendar_feeds_token', ['token'])
    op.drop_table('mfa_recovery_codes')
    op.drop_table('user_sessions')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_enabled_at')
        batch.drop_column('totp_secret')
