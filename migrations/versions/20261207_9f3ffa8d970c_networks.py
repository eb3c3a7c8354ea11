"""networks: a network's member organisations with their referents; sensitive partner kinds; consent
to a network

network_members ties member organisations to a network (kind "network"), each with a named referent.
Partners may now be justice, addiction-care or health services (shown to companies as "a partner"),
and a person may consent to the networks their structure belongs to (consent purpose "network").

Revision ID: 9f3ffa8d970c
Revises: f7a8b9c0d1e2
Create Date: 2026-12-07 06:22:01.107667
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '9f3ffa8d970c'
down_revision = 'f7a8b9c0d1e2'
branch_labels = None
depends_on = None

OLD_PARTNER_TYPES = ('association', 'mission_locale', 'employment_agency', 'other')
NEW_PARTNER_TYPES = OLD_PARTNER_TYPES + ('justice', 'addiction_care', 'health')
OLD_PURPOSES = ('talent_pool', 'situations', 'referral', 'sms')
NEW_PURPOSES = OLD_PURPOSES + ('network',)


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def _change_enum(table, column, name, old, new, nullable):
    """A stored enum's allowed values: its CHECK constraint rewritten (SQLite rebuilds the table)."""
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(table, recreate='always') as batch:
            batch.alter_column(column, type_=_enum(name, *new), existing_type=_enum(name, *old),
                               existing_nullable=nullable)
        return
    op.drop_constraint(op.f(f'ck_{table}_{name}'), table, type_='check')
    op.create_check_constraint(op.f(f'ck_{table}_{name}'), table, sa.column(column).in_(new))


def upgrade() -> None:
    op.create_table('network_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('referent_id', sa.Integer(), nullable=True),
    sa.Column('joined_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('left_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['organisations.id'], name=op.f('fk_network_members_member_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['organisations.id'], name=op.f('fk_network_members_network_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['referent_id'], ['users.id'], name=op.f('fk_network_members_referent_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_members')),
    sa.UniqueConstraint('network_id', 'member_id', name='uq_network_members_network_member')
    )
    with op.batch_alter_table('network_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_members_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_network_members_network_id'), ['network_id'], unique=False)
    _change_enum('organisations', 'partner_type', 'partner_type', OLD_PARTNER_TYPES, NEW_PARTNER_TYPES, True)
    _change_enum('consent_records', 'purpose', 'consent_purpose', OLD_PURPOSES, NEW_PURPOSES, False)


def downgrade() -> None:
    op.execute("DELETE FROM consent_records WHERE purpose = 'network'")
    _change_enum('consent_records', 'purpose', 'consent_purpose', NEW_PURPOSES, OLD_PURPOSES, False)
    op.execute("UPDATE organisations SET partner_type = 'other' "
               "WHERE partner_type IN ('justice', 'addiction_care', 'health')")
    _change_enum('organisations', 'partner_type', 'partner_type', NEW_PARTNER_TYPES, OLD_PARTNER_TYPES, True)
    with op.batch_alter_table('network_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_members_network_id'))
        batch_op.drop_index(batch_op.f('ix_network_members_member_id'))
    op.drop_table('network_members')
