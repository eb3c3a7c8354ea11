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
    op.create_table('chat_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('recruiter', 'organiser', 'candidate', name='chat_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('hidden_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_chat_messages_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_chat_messages_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_chat_messages_hidden_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_messages'))
    )
    op.create_index(op.f('ix_chat_messages_author_id'), 'chat_messages', ['author_id'], unique=False)
    op.create_index('ix_chat_messages_booth_visible', 'chat_messages', ['booth_id', 'hidden_at', 'id'], unique=False)
    op.create_table('chat_mutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('muted_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('until', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_chat_mutes_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['muted_by_id'], ['users.id'], name=op.f('fk_chat_mutes_muted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chat_mutes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_mutes')),
    sa.UniqueConstraint('booth_id', 'user_id', name='uq_chat_mutes_pair')
    )
    op.create_index(op.f('ix_chat_mutes_user_id'), 'chat_mutes', ['user_id'], unique=False)
    op.create_table('chat_private_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=False),
    sa.Column('recruiter_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('from_recruiter', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_chat_private_messages_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_chat_private_messages_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recruiter_id'], ['users.id'], name=op.f('fk_chat_private_messages_recruiter_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_private_messages'))
    )
    op.create_index(op.f('ix_chat_private_messages_candidate_id'), 'chat_private_messages', ['candidate_id'], unique=False)
    op.create_index('ix_chat_private_messages_pair', 'chat_private_messages', ['booth_id', 'recruiter_id', 'candidate_id', 'id'], unique=False)
    op.create_index(op.f('ix_chat_private_messages_recruiter_id'), 'chat_private_messages', ['recruiter_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_chat_private_messages_recruiter_id'), table_name='chat_private_messages')
    op.drop_index('ix_chat_private_messages_pair', table_name='chat_private_messages')
    op.drop_index(op.f('ix_chat_private_messages_candidate_id'), table_name='chat_private_messages')
    op.drop_table('chat_private_messages')
    op.drop_index(op.f('ix_chat_mutes_user_id'), table_name='chat_mutes')
    op.drop_table('chat_mutes')
    op.drop_index('ix_chat_messages_booth_visible', table_name='chat_messages')
    op.drop_index(op.f('ix_chat_messages_author_id'), table_name='chat_messages')
    op.drop_table('chat_messages')
