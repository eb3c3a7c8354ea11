"""Adviser notes: the lines a structure writes on a person's shared file (notes and handovers), and
each change of an application's status.

Two new tables (fair/candidates/models.py AdviserNote, ApplicationChange); nothing existing changes.

Revision ID: dcde7b9a99fc
Revises: 2705a99444cb
Create Date: 2026-12-07 13:20:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'dcde7b9a99fc'
down_revision = '2705a99444cb'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('application_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'shortlisted', 'invited', 'rejected', 'withdrawn', name='application_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_changes_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_changes'))
    )
    with op.batch_alter_table('application_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_changes_application_id'), ['application_id'], unique=False)

    op.create_table('adviser_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('note', 'handover', name='adviser_note_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('handed_from_id', sa.Integer(), nullable=True),
    sa.Column('handed_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['partner_id'], ['organisations.id'], name=op.f('fk_adviser_notes_partner_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_adviser_notes_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_adviser_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_adviser_notes_referral_id_referrals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handed_from_id'], ['users.id'], name=op.f('fk_adviser_notes_handed_from_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handed_to_id'], ['users.id'], name=op.f('fk_adviser_notes_handed_to_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adviser_notes'))
    )
    with op.batch_alter_table('adviser_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adviser_notes_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adviser_notes_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_adviser_notes_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_adviser_notes_referral_id'), ['referral_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('adviser_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adviser_notes_referral_id'))
        batch_op.drop_index(batch_op.f('ix_adviser_notes_created_at'))
        batch_op.drop_index(batch_op.f('ix_adviser_notes_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_adviser_notes_partner_id'))
    op.drop_table('adviser_notes')
    with op.batch_alter_table('application_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_changes_application_id'))
    op.drop_table('application_changes')
