"""outcomes after the fair (hires and their contract, training cohorts, follow-ups at 1, 3 and 6
months), priority publics (gender, adviser confirmation, QPV from the address) and QPV boundaries

Revision ID: f6a7b8c9d0e1
Revises: e5f6a7b8c9d0
Create Date: 2026-12-07 04:00:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'f6a7b8c9d0e1'
down_revision = 'e5f6a7b8c9d0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('qpv_zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('commune', sa.String(length=200), nullable=False),
    sa.Column('geometry', sa.LargeBinary(), nullable=False),
    sa.Column('min_lon', sa.Float(), nullable=False),
    sa.Column('min_lat', sa.Float(), nullable=False),
    sa.Column('max_lon', sa.Float(), nullable=False),
    sa.Column('max_lat', sa.Float(), nullable=False),
    sa.Column('imported_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qpv_zones')),
    sa.UniqueConstraint('code', name=op.f('uq_qpv_zones_code'))
    )
    with op.batch_alter_table('qpv_zones', schema=None) as batch_op:
        batch_op.create_index('ix_qpv_zones_bbox', ['min_lon', 'max_lon', 'min_lat', 'max_lat'], unique=False)

    op.create_table('training_cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('poec', 'geiq', 'other', name='cohort_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_training_cohorts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_training_cohorts_edition_id_editions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_training_cohorts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_cohorts'))
    )
    with op.batch_alter_table('training_cohorts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_cohorts_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_cohorts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('employer_name', sa.String(length=200), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('cohort_id', sa.Integer(), nullable=True),
    sa.Column('contract', sa.Enum('cdi', 'cdd_long', 'cdd_short', 'temporary', 'apprenticeship', 'professionalisation', 'insertion', 'training', name='outcome_contract', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('weekly_hours', sa.Float(), nullable=True),
    sa.Column('social_clause', sa.Boolean(), nullable=False),
    sa.Column('social_clause_contract', sa.String(length=200), nullable=False),
    sa.Column('recorded_as', sa.Enum('recruiter', 'adviser', name='outcome_recorded_as', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_outcomes_application_id_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booking_id'], ['jobdating_bookings.id'], name=op.f('fk_outcomes_booking_id_jobdating_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_outcomes_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['training_cohorts.id'], name=op.f('fk_outcomes_cohort_id_training_cohorts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_outcomes_company_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_outcomes_edition_id_editions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_outcomes_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcomes_edition_id'), ['edition_id'], unique=False)

    op.create_table('outcome_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outcome_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('due_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('in_job', sa.Boolean(), nullable=True),
    sa.Column('contract', sa.Enum('cdi', 'cdd_long', 'cdd_short', 'temporary', 'apprenticeship', 'professionalisation', 'insertion', 'training', name='follow_up_contract', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('answered_by', sa.Enum('person', 'adviser', name='follow_up_answered_by', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_outcome_follow_ups_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['outcome_id'], ['outcomes.id'], name=op.f('fk_outcome_follow_ups_outcome_id_outcomes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_follow_ups')),
    sa.UniqueConstraint('outcome_id', 'months', name='uq_outcome_follow_ups_outcome_months')
    )
    with op.batch_alter_table('outcome_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_follow_ups_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outcome_follow_ups_outcome_id'), ['outcome_id'], unique=False)

    with op.batch_alter_table('candidate_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('situations_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('situations_confirmed_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('gender', sa.Enum('female', 'male', 'other', 'undisclosed', name='candidate_gender', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('address_line', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('qpv_status', sa.Enum('inside', 'outside', 'unknown', name='candidate_qpv_status', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('qpv_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('geocoded_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_candidate_profiles_situations_confirmed_by_id_users'), 'users', ['situations_confirmed_by_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('candidate_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_candidate_profiles_situations_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('geocoded_at')
        batch_op.drop_column('qpv_code')
        batch_op.drop_column('qpv_status')
        batch_op.drop_column('address_line')
        batch_op.drop_column('gender')
        batch_op.drop_column('situations_confirmed_at')
        batch_op.drop_column('situations_confirmed_by_id')

    with op.batch_alter_table('outcome_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_follow_ups_outcome_id'))
        batch_op.drop_index(batch_op.f('ix_outcome_follow_ups_due_at'))

    op.drop_table('outcome_follow_ups')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcomes_edition_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_company_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_cohort_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_booking_id'))
        batch_op.drop_index(batch_op.f('ix_outcomes_application_id'))

    op.drop_table('outcomes')
    with op.batch_alter_table('training_cohorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_cohorts_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_training_cohorts_edition_id'))

    op.drop_table('training_cohorts')
    with op.batch_alter_table('qpv_zones', schema=None) as batch_op:
        batch_op.drop_index('ix_qpv_zones_bbox')

    op.drop_table('qpv_zones')
