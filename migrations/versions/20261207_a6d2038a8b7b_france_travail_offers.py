"""france travail offers: imported offers keep their source, id and page there, and are withdrawn
when closed there

Offers gain where they were imported from (source "france_travail"), the id and address of the
offer there (unique per booth and source, so a re-import updates), the ROME label, working hours,
salary text and the original contract label, when they were imported and when withdrawn. Contract
types gain "other" for a contract fair has no word for.

Revision ID: a6d2038a8b7b
Revises: 9f3ffa8d970c
Create Date: 2026-12-07 06:26:47.187471
"""
from alembic import op
import sqlalchemy as sa
import fair.db


revision = 'a6d2038a8b7b'
down_revision = '9f3ffa8d970c'
branch_labels = None
depends_on = None

OLD_CONTRACTS = ('cdi', 'cdd', 'interim', 'alternance', 'stage', 'insertion', 'training')
NEW_CONTRACTS = OLD_CONTRACTS + ('other',)


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
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', _enum('offer_source', 'france_travail'), nullable=True))
        batch_op.add_column(sa.Column('external_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('external_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('rome_label', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('contract_label_original', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('working_hours', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('salary_text', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('imported_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', fair.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_offers_booth_source_external', ['booth_id', 'source', 'external_id'])
    _change_enum('offers', 'contract_type', 'contract_type', OLD_CONTRACTS, NEW_CONTRACTS, False)


def downgrade() -> None:
    op.execute("UPDATE offers SET contract_type = 'cdd' WHERE contract_type = 'other'")
    _change_enum('offers', 'contract_type', 'contract_type', NEW_CONTRACTS, OLD_CONTRACTS, False)
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_constraint('uq_offers_booth_source_external', type_='unique')
        batch_op.drop_column('withdrawn_at')
        batch_op.drop_column('imported_at')
        batch_op.drop_column('salary_text')
        batch_op.drop_column('working_hours')
        batch_op.drop_column('contract_label_original')
        batch_op.drop_column('rome_label')
        batch_op.drop_column('external_url')
        batch_op.drop_column('external_id')
        batch_op.drop_column('source')
