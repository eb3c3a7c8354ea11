"""candidates: profiles, CVs, applications, referrals

Revision ID: 3c4d0a7c1b02
Revises: 5e2d0a7c1b01
Create Date: 2026-11-25 21:40:01
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '3c4d0a7c1b02'
down_revision = '5e2d0a7c1b03'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('candidate_cvs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('pdf', 'docx', 'odt', name='cv_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_candidate_cvs_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_cvs')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_candidate_cvs_storage_name'))
    )
    op.create_index(op.f('ix_candidate_cvs_user_id'), 'candidate_cvs', ['user_id'], unique=False)
    op.create_table('candidate_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('preferred_contact', sa.Enum('email', 'sms', 'phone', name='preferred_contact', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('skills', sa.Text(), nullable=False),
    sa.Column('languages', sa.String(length=500), nullable=False),
    sa.Column('mobility', sa.String(length=500), nullable=False),
    sa.Column('availability', sa.String(length=500), nullable=False),
    sa.Column('prefers_phone_interview', sa.Boolean(), nullable=False),
    sa.Column('needs_interpreter', sa.Boolean(), nullable=False),
    sa.Column('accessibility_needs', sa.String(length=1000), nullable=False),
    sa.Column('situations', sa.JSON(), nullable=False),
    sa.Column('situation_consent_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_candidate_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_candidate_profiles_user_id'))
    )
    op.create_table('referrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('adviser_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'revoked', name='referral_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=True),
    sa.Column('confirmed_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['adviser_id'], ['users.id'], name=op.f('fk_referrals_adviser_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_referrals_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['organisations.id'], name=op.f('fk_referrals_partner_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals')),
    sa.UniqueConstraint('adviser_id', 'candidate_id', name='uq_referrals_adviser_candidate')
    )
    op.create_index(op.f('ix_referrals_adviser_id'), 'referrals', ['adviser_id'], unique=False)
    op.create_index(op.f('ix_referrals_candidate_id'), 'referrals', ['candidate_id'], unique=False)
    op.create_index(op.f('ix_referrals_partner_id'), 'referrals', ['partner_id'], unique=False)
    op.create_index(op.f('ix_referrals_status'), 'referrals', ['status'], unique=False)
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('cv_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'shortlisted', 'invited', 'rejected', 'withdrawn', name='application_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('rejection_reason', sa.Enum('position_filled', 'experience', 'qualification', 'location', 'availability', 'other_candidates', name='rejection_reason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('interview_booked_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_applications_applied_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_applications_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cv_id'], ['candidate_cvs.id'], name=op.f('fk_applications_cv_id_candidate_cvs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_applications_offer_id_offers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('candidate_id', 'offer_id', name='uq_applications_candidate_offer')
    )
    op.create_index(op.f('ix_applications_candidate_id'), 'applications', ['candidate_id'], unique=False)
    op.create_index(op.f('ix_applications_cv_id'), 'applications', ['cv_id'], unique=False)
    op.create_index(op.f('ix_applications_offer_id'), 'applications', ['offer_id'], unique=False)
    op.create_index(op.f('ix_applications_status'), 'applications', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_applications_status'), table_name='applications')
    op.drop_index(op.f('ix_applications_offer_id'), table_name='applications')
    op.drop_index(op.f('ix_applications_cv_id'), table_name='applications')
    op.drop_index(op.f('ix_applications_candidate_id'), table_name='applications')
    op.drop_table('applications')
    op.drop_index(op.f('ix_referrals_status'), table_name='referrals')
    op.drop_index(op.f('ix_referrals_partner_id'), table_name='referrals')
    op.drop_index(op.f('ix_referrals_candidate_id'), table_name='referrals')
    op.drop_index(op.f('ix_referrals_adviser_id'), table_name='referrals')
    op.drop_table('referrals')
    op.drop_table('candidate_profiles')
    op.drop_index(op.f('ix_candidate_cvs_user_id'), table_name='candidate_cvs')
    op.drop_table('candidate_cvs')
