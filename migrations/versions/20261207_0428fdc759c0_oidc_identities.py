"""Sign-in with OpenID Connect: which account a provider's subject signs in to.

One new table (fair/oidc/models.py); nothing existing changes.

Revision ID: 0428fdc759c0
Revises: dcde7b9a99fc
Create Date: 2026-12-07 13:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = '0428fdc759c0'
down_revision = 'dcde7b9a99fc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oidc_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('linked_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oidc_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oidc_identities')),
    sa.UniqueConstraint('provider', 'subject', name='uq_oidc_identities_provider_subject'),
    sa.UniqueConstraint('provider', 'user_id', name='uq_oidc_identities_provider_user')
    )
    with op.batch_alter_table('oidc_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oidc_identities_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('oidc_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oidc_identities_user_id'))
    op.drop_table('oidc_identities')
