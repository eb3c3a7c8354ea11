"""Files built by export jobs (fair/exports): who asked, what, progress, the file kept 24 hours.

Revision ID: a7e8f9c0d1e2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-07 03:36:11.583730
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'a7e8f9c0d1e2'
down_revision = 'f6a7b8c9d0e1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='export_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=True),
    sa.Column('storage_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('download_name', sa.String(length=200), nullable=True),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', fair.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', fair.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exports')),
    sa.UniqueConstraint('storage_name', name=op.f('uq_exports_storage_name'))
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exports_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_exports_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exports_user_id'))
        batch_op.drop_index(batch_op.f('ix_exports_status'))
        batch_op.drop_index(batch_op.f('ix_exports_expires_at'))

    op.drop_table('exports')
