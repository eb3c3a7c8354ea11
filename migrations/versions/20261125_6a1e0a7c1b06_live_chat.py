"""booth chat, moderation (hidden messages, mutes), private chat

Revision ID: 6a1e0a7c1b06
Revises: 6a1e0a7c1b05
Create Date: 2026-11-25 23:40:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '6a1e0a7c1b06'
down_revision = '6a1e0a7c1b05'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
