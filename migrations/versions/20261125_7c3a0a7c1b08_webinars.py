"""webinars: sessions, registrations with a waitlist, Q&A questions and votes, attendance

Revision ID: 7c3a0a7c1b08
Revises: 7b2f0a7c1b07
Create Date: 2026-11-25 23:40:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '7c3a0a7c1b08'
down_revision = '7b2f0a7c1b07'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('webinars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('booth_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('speaker', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('provider', sa.Enum('jitsi', 'bbb', 'external', name='webinar_provider', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('room', sa.String(length=200), nullable=False),
    sa.Column('external_url', sa.String(length=500), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'cancelled', name='webinar_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['booth_id'], ['booths.id'], name=op.f('fk_webinars_booth_id_booths'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_webinars_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_webinars_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webinars'))
    )
    op.create_index(op.f('ix_webinars_booth_id'), 'webinars', ['booth_id'], unique=False)
    op.create_index('ix_webinars_edition_start', 'webinars', ['edition_id', 'starts_at'], unique=False)
    op.create_table('webinar_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webinar_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_webinar_questions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['webinar_id'], ['webinars.id'], name=op.f('fk_webinar_questions_webinar_id_webinars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webinar_questions'))
    )
    op.create_index(op.f('ix_webinar_questions_webinar_id'), 'webinar_questions', ['webinar_id'], unique=False)
    op.create_table('webinar_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('webinar_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('confirmed', 'waitlisted', 'cancelled', name='webinar_registration_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('queued_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('joined_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_webinar_registrations_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['webinar_id'], ['webinars.id'], name=op.f('fk_webinar_registrations_webinar_id_webinars'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webinar_registrations')),
    sa.UniqueConstraint('webinar_id', 'user_id', name='uq_webinar_registrations_webinar_user')
    )
    op.create_index(op.f('ix_webinar_registrations_user_id'), 'webinar_registrations', ['user_id'], unique=False)
    op.create_index('ix_webinar_registrations_webinar_status', 'webinar_registrations', ['webinar_id', 'status'], unique=False)
    op.create_table('webinar_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['webinar_questions.id'], name=op.f('fk_webinar_votes_question_id_webinar_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_webinar_votes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webinar_votes')),
    sa.UniqueConstraint('question_id', 'user_id', name='uq_webinar_votes_question_user')
    )
    op.create_index(op.f('ix_webinar_votes_user_id'), 'webinar_votes', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_webinar_votes_user_id'), table_name='webinar_votes')
    op.drop_table('webinar_votes')
    op.drop_index('ix_webinar_registrations_webinar_status', table_name='webinar_registrations')
    op.drop_index(op.f('ix_webinar_registrations_user_id'), table_name='webinar_registrations')
    op.drop_table('webinar_registrations')
    op.drop_index(op.f('ix_webinar_questions_webinar_id'), table_name='webinar_questions')
    op.drop_table('webinar_questions')
    op.drop_index('ix_webinars_edition_start', table_name='webinars')
    op.drop_index(op.f('ix_webinars_booth_id'), table_name='webinars')
    op.drop_table('webinars')
