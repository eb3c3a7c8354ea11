"""service: organisation teams and networks, the audit log, instance settings, co-organised editions

Memberships' "admin" role becomes "owner"; organisations may be networks, deactivated or merged;
team invitations and join requests; the append-only audit log; the instance's settings; editions
gain a banner, the edition they were copied from, and co-organisers.

Revision ID: c3d4e5f6a7b8
Revises: a1b2c3d4e5f6
Create Date: 2026-12-07 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'c3d4e5f6a7b8'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


OLD_KINDS = ('organiser', 'company', 'partner')
NEW_KINDS = OLD_KINDS + ('network',)


def _change_enum(table, column, name, old, new):
    """A stored enum's allowed values: its CHECK constraint rewritten (SQLite rebuilds the table)."""
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(table, recreate='always') as batch:
            batch.alter_column(column, type_=_enum(name, *new), existing_type=_enum(name, *old),
                               existing_nullable=False)
        return
    op.drop_constraint(op.f(f'ck_{table}_{name}'), table, type_='check')
    op.create_check_constraint(op.f(f'ck_{table}_{name}'), table,
                               sa.column(column).in_(new))


def upgrade() -> None:
    _change_enum('memberships', 'role', 'membership_role', ('admin', 'member'), ('admin', 'owner', 'member'))
    op.execute("UPDATE memberships SET role = 'owner' WHERE role = 'admin'")
    _change_enum('memberships', 'role', 'membership_role', ('admin', 'owner', 'member'), ('owner', 'member'))
    _change_enum('organisations', 'kind', 'organisation_kind', OLD_KINDS, NEW_KINDS)
    with op.batch_alter_table('organisations') as batch:
        batch.add_column(sa.Column('network_type', _enum('network_type', 'union_of_associations', 'employers_group',
                                                         'other'), nullable=True))
        batch.add_column(sa.Column('is_active', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_organisations_merged_into_id_organisations'), 'organisations',
                                 ['merged_into_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('editions') as batch:
        batch.add_column(sa.Column('banner_url', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_editions_copied_from_id_editions'), 'editions',
                                 ['copied_from_id'], ['id'], ondelete='SET NULL')

    op.create_table(
        'edition_organisers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_edition_organisers_edition_id_editions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_edition_organisers_organisation_id_organisations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_edition_organisers')),
        sa.UniqueConstraint('edition_id', 'organisation_id', name='uq_edition_organisers_pair'),
    )
    op.create_index(op.f('ix_edition_organisers_edition_id'), 'edition_organisers', ['edition_id'])
    op.create_index(op.f('ix_edition_organisers_organisation_id'), 'edition_organisers', ['organisation_id'])

    op.create_table(
        'team_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('role', _enum('membership_role', 'owner', 'member'), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('invited_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', fair.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('accepted_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', fair.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_team_invitations_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_team_invitations_invited_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'],
                                name=op.f('fk_team_invitations_accepted_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_team_invitations')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_team_invitations_token_hash')),
    )
    op.create_index(op.f('ix_team_invitations_organisation_id'), 'team_invitations', ['organisation_id'])

    op.create_table(
        'join_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('status', _enum('join_request_status', 'pending', 'approved', 'refused'), nullable=False),
        sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('decided_at', fair.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_join_requests_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_join_requests_user_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'],
                                name=op.f('fk_join_requests_invitation_id_invitations'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_join_requests_requested_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_join_requests_decided_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_join_requests')),
    )
    op.create_index(op.f('ix_join_requests_organisation_id'), 'join_requests', ['organisation_id'])
    op.create_index(op.f('ix_join_requests_user_id'), 'join_requests', ['user_id'])
    op.create_index(op.f('ix_join_requests_status'), 'join_requests', ['status'])

    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_email', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=True),
        sa.Column('object_label', sa.String(length=300), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('ip_address', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    for column in ('created_at', 'actor_id', 'action', 'object_type', 'organisation_id'):
        op.create_index(op.f(f'ix_audit_log_{column}'), 'audit_log', [column])
    if op.get_bind().dialect.name == 'postgresql':
        # Append-only for everyone who reaches the database, not only through the application. Setting
        # an actor to NULL when their account is deleted (the foreign key) stays possible.
        op.execute("""
            CREATE FUNCTION fair_audit_log_append_only() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
                 AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
                RETURN NEW;
              END IF;
              RAISE EXCEPTION 'the audit log is append-only';
            END $$ LANGUAGE plpgsql
        """)
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION fair_audit_log_append_only()")

    op.create_table(
        'instance_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('logo_url', sa.String(length=500), nullable=True),
        sa.Column('contact_email', sa.String(length=254), nullable=True),
        sa.Column('legal_notice', sa.Text(), nullable=False),
        sa.Column('privacy_notice', sa.Text(), nullable=False),
        sa.Column('accessibility_statement', sa.Text(), nullable=False),
        sa.Column('updated_at', fair.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_instance_settings')),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS fair_audit_log_append_only()")
    op.drop_table('instance_settings')
    op.drop_table('audit_log')
    op.drop_table('join_requests')
    op.drop_table('team_invitations')
    op.drop_table('edition_organisers')
    with op.batch_alter_table('editions') as batch:
        batch.drop_constraint('fk_editions_copied_from_id_editions', type_='foreignkey')
        batch.drop_column('copied_from_id')
        batch.drop_column('banner_url')
    op.execute("DELETE FROM organisations WHERE kind = 'network'")
    with op.batch_alter_table('organisations') as batch:
        batch.drop_constraint('fk_organisations_merged_into_id_organisations', type_='foreignkey')
        batch.drop_column('merged_into_id')
        batch.drop_column('is_active')
        if op.get_bind().dialect.name == 'sqlite':
            batch.drop_constraint('network_type', type_='check')
        batch.drop_column('network_type')
    _change_enum('organisations', 'kind', 'organisation_kind', NEW_KINDS, OLD_KINDS)
    _change_enum('memberships', 'role', 'membership_role', ('owner', 'member'), ('admin', 'owner', 'member'))
    op.execute("UPDATE memberships SET role = 'admin' WHERE role = 'owner'")
    _change_enum('memberships', 'role', 'membership_role', ('admin', 'owner', 'member'), ('admin', 'member'))
