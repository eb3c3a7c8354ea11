"""The SMS channel: delivery receipts, and on outbox rows the hold of quiet hours (not_before), the
provider's id and delivery status, the segments and encoding counted at queue time, the person and
the fallback address; an edition's budget of SMS segments.

Revision ID: e6f7a8b9c0d1
Revises: f6a7b8c9d0e1
Create Date: 2026-12-07 03:34:52.440546
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'e6f7a8b9c0d1'
down_revision = 'a8b9c0d1e2f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sms_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_message_id', sa.String(length=100), nullable=False),
    sa.Column('delivery', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_receipts'))
    )
    with op.batch_alter_table('sms_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_receipts_applied_at'), ['applied_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sms_receipts_provider_message_id'), ['provider_message_id'], unique=False)

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_segment_budget', sa.Integer(), nullable=True))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_before', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('provider_message_id', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('delivery', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('delivered_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('delivery_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('segments', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('encoding', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fallback_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('undeliverable_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_provider_message_id'), ['provider_message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_user_id_users'), 'users', ['user_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_provider_message_id'))
        batch_op.drop_column('undeliverable_at')
        batch_op.drop_column('fallback_email')
        batch_op.drop_column('user_id')
        batch_op.drop_column('encoding')
        batch_op.drop_column('segments')
        batch_op.drop_column('delivery_error')
        batch_op.drop_column('delivered_at')
        batch_op.drop_column('delivery')
        batch_op.drop_column('provider_message_id')
        batch_op.drop_column('not_before')

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_column('sms_segment_budget')

    with op.batch_alter_table('sms_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_receipts_provider_message_id'))
        batch_op.drop_index(batch_op.f('ix_sms_receipts_applied_at'))

    op.drop_table('sms_receipts')
