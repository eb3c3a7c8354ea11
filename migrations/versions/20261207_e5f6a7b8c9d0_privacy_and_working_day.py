"""personal data (consent records, exports, erasure, retention, CV accesses, unsubscribes, one-use links)
and the working day of recruiters and organisers (pipeline, check-in, surveys)

Revision ID: e5f6a7b8c9d0
Revises: d4e5f6a7b8c9
Create Date: 2026-12-07 01:00:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'e5f6a7b8c9d0'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('action_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('subject_type', sa.String(length=40), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('max_uses', sa.Integer(), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_action_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_action_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_action_tokens_token_hash'))
    )
    with op.batch_alter_table('action_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_tokens_purpose'), ['purpose'], unique=False)
        batch_op.create_index('ix_action_tokens_subject', ['subject_type', 'subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_action_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('talent_pool', 'situations', 'referral', 'sms', name='consent_purpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('given_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_consent_records_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consent_records_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_consent_records_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_consent_records_user_purpose', ['user_id', 'purpose'], unique=False)

    op.create_table('data_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'building', 'ready', 'downloaded', 'expired', 'failed', name='export_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('storage_name', sa.String(length=80), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ready_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('downloaded_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_data_exports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_exports')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_data_exports_token_hash'))
    )
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_exports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_exports_user_id'), ['user_id'], unique=False)

    op.create_table('mail_unsubscribes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_mail_unsubscribes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_unsubscribes'))
    )
    with op.batch_alter_table('mail_unsubscribes', schema=None) as batch_op:
        batch_op.create_index('ix_mail_unsubscribes_address_org', ['address_hash', 'organisation_id'], unique=False)

    op.create_table('candidate_cv_accesses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cv_id', sa.Integer(), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=True),
    sa.Column('company_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_candidate_cv_accesses_company_id_organisations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cv_id'], ['candidate_cvs.id'], name=op.f('fk_candidate_cv_accesses_cv_id_candidate_cvs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_candidate_cv_accesses_viewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_cv_accesses'))
    )
    with op.batch_alter_table('candidate_cv_accesses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_cv_accesses_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_cv_accesses_cv_id'), ['cv_id'], unique=False)

    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('scanned_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_checkins_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_checkins_checked_in_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_checkins_edition_id_editions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
    sa.UniqueConstraint('edition_id', 'candidate_id', name='uq_checkins_pair')
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkins_edition_id'), ['edition_id'], unique=False)

    op.create_table('pipeline_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('next_step', sa.Enum('interview', 'second_interview', 'training', 'keep_in_pool', 'not_a_fit', name='pipeline_next_step', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating IS NULL OR (rating >= 1 AND rating <= 5)', name=op.f('ck_pipeline_entries_rating_range')),
    sa.ForeignKeyConstraint(['candidate_id'], ['users.id'], name=op.f('fk_pipeline_entries_candidate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['company_id'], ['organisations.id'], name=op.f('fk_pipeline_entries_company_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_pipeline_entries_edition_id_editions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_pipeline_entries_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_entries')),
    sa.UniqueConstraint('company_id', 'candidate_id', name='uq_pipeline_entries_pair')
    )
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_entries_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_entries_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pipeline_entries_edition_id'), ['edition_id'], unique=False)

    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_survey_responses_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_survey_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('edition_id', 'user_id', name='uq_survey_responses_pair')
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_responses_user_id'), ['user_id'], unique=False)

    op.create_table('pipeline_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_pipeline_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entry_id'], ['pipeline_entries.id'], name=op.f('fk_pipeline_notes_entry_id_pipeline_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pipeline_notes'))
    )
    with op.batch_alter_table('pipeline_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pipeline_notes_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_purposes', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('instance_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_contact', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('retention', sa.JSON(), server_default='{}', nullable=False))

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention', sa.JSON(), nullable=True))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', fair.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_active_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('inactivity_warned_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_erased_at'), ['erased_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_last_active_at'), ['last_active_at'], unique=False)

    # Consents given before this revision become records: the statistics consent with its date, and each
    # confirmed referral with the words the candidate agreed to.
    connection = op.get_bind()
    connection.execute(sa.text(
        "INSERT INTO consent_records (user_id, purpose, organisation_id, text, version, locale, given_at) "
        "SELECT user_id, 'situations', NULL, '', 'before-records', 'fr', situation_consent_at "
        "FROM candidate_profiles WHERE situation_consent_at IS NOT NULL"))
    connection.execute(sa.text(
        "INSERT INTO consent_records (user_id, purpose, organisation_id, text, version, locale, given_at) "
        "SELECT candidate_id, 'referral', partner_id, COALESCE(consent_text, ''), 'before-records', 'fr', "
        "confirmed_at FROM referrals WHERE status = 'confirmed' AND confirmed_at IS NOT NULL"))

    if connection.dialect.name == 'postgresql':
        # Erasure replaces an erased person's address and name in the rows that quote them by a pseudonym,
        # inside a transaction that says so (SET LOCAL fair.erasure = 'on'); every other change is refused.
        op.execute("""
            CREATE OR REPLACE FUNCTION fair_audit_log_append_only() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
                 AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
                RETURN NEW;
              END IF;
              IF TG_OP = 'UPDATE' AND current_setting('fair.erasure', true) = 'on'
                 AND (to_jsonb(NEW) - 'actor_email' - 'object_label')
                     = (to_jsonb(OLD) - 'actor_email' - 'object_label') THEN
                RETURN NEW;
              END IF;
              RAISE EXCEPTION 'the audit log is append-only';
            END $$ LANGUAGE plpgsql
        """)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE OR REPLACE FUNCTION fair_audit_log_append_only() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
                 AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
                RETURN NEW;
              END IF;
              RAISE EXCEPTION 'the audit log is append-only';
            END $$ LANGUAGE plpgsql
        """)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_last_active_at'))
        batch_op.drop_index(batch_op.f('ix_users_erased_at'))
        batch_op.drop_column('erased_at')
        batch_op.drop_column('inactivity_warned_at')
        batch_op.drop_column('last_active_at')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('purged_at')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('retention')

    with op.batch_alter_table('instance_settings', schema=None) as batch_op:
        batch_op.drop_column('retention')
        batch_op.drop_column('privacy_contact')

    with op.batch_alter_table('editions', schema=None) as batch_op:
        batch_op.drop_column('privacy_purposes')

    with op.batch_alter_table('pipeline_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_notes_entry_id'))

    op.drop_table('pipeline_notes')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_user_id'))
        batch_op.drop_index(batch_op.f('ix_survey_responses_edition_id'))

    op.drop_table('survey_responses')
    with op.batch_alter_table('pipeline_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pipeline_entries_edition_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_entries_company_id'))
        batch_op.drop_index(batch_op.f('ix_pipeline_entries_candidate_id'))

    op.drop_table('pipeline_entries')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_edition_id'))
        batch_op.drop_index(batch_op.f('ix_checkins_candidate_id'))

    op.drop_table('checkins')
    with op.batch_alter_table('candidate_cv_accesses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_cv_accesses_cv_id'))
        batch_op.drop_index(batch_op.f('ix_candidate_cv_accesses_created_at'))

    op.drop_table('candidate_cv_accesses')
    with op.batch_alter_table('mail_unsubscribes', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_unsubscribes_address_org')

    op.drop_table('mail_unsubscribes')
    with op.batch_alter_table('data_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_exports_user_id'))
        batch_op.drop_index(batch_op.f('ix_data_exports_status'))

    op.drop_table('data_exports')
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_records_user_purpose')
        batch_op.drop_index(batch_op.f('ix_consent_records_organisation_id'))

    op.drop_table('consent_records')
    with op.batch_alter_table('action_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_tokens_user_id'))
        batch_op.drop_index('ix_action_tokens_subject')
        batch_op.drop_index(batch_op.f('ix_action_tokens_purpose'))

    op.drop_table('action_tokens')
