"""notify: each outbox row names its channel (mail now; a second channel joins without a new table)

Revision ID: a1b2c3d4e5f6
Revises: 9e1f2a3b4c5d
Create Date: 2026-12-06 20:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a1b2c3d4e5f6'
down_revision = '9e1f2a3b4c5d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch:
        batch.add_column(sa.Column('channel', sa.String(length=20), server_default='mail', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages') as batch:
        batch.drop_column('channel')
