"""reaching people by SMS: each person's choice of email, SMS or both (`users.notify_by`), mobile
numbers kept in E.164 in `users.phone`, and an edition's SMS reminder times

Data: a phone number that is a mobile number becomes its E.164 form (others stay as typed, and
receive no SMS); a candidate whose profile said "SMS", with the SMS consent in force and a mobile
number, is reached by SMS (`notify_by = 'sms'`); everyone else by email. The profile's old
`preferred_contact` column is no longer read (its "phone" meant "call me": the number is shown to
recruiters and "I prefer a phone interview" stays on the profile).

Revision ID: f7a8b9c0d1e2
Revises: f6a7b8c9d0e1
Create Date: 2026-12-07 04:10:00
"""
from alembic import op
import sqlalchemy as sa

from fair.sms.numbers import InvalidMobile, parse_mobile


revision = 'f7a8b9c0d1e2'
down_revision = 'b9c0d1e2f3a4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('edition_reminder_offsets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sms_minutes', sa.JSON(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_by', sa.String(length=8), server_default='email', nullable=False))

    bind = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('phone', sa.String),
                     sa.column('notify_by', sa.String))
    mobile = set()
    for user_id, phone in bind.execute(sa.select(users.c.id, users.c.phone).where(users.c.phone.is_not(None))):
        try:
            e164 = parse_mobile(phone)
        except InvalidMobile:
            continue  # a landline or something else: kept as typed, never used for SMS
        mobile.add(user_id)
        if e164 != phone:
            bind.execute(users.update().where(users.c.id == user_id).values(phone=e164))

    profiles = sa.table('candidate_profiles', sa.column('user_id', sa.Integer), sa.column('preferred_contact', sa.String))
    consents = sa.table('consent_records', sa.column('user_id', sa.Integer), sa.column('purpose', sa.String),
                        sa.column('withdrawn_at', sa.DateTime))
    chose_sms = bind.execute(
        sa.select(profiles.c.user_id).where(
            profiles.c.preferred_contact == 'sms',
            profiles.c.user_id.in_(sa.select(consents.c.user_id).where(consents.c.purpose == 'sms',
                                                                       consents.c.withdrawn_at.is_(None))))
    ).scalars().all()
    for user_id in chose_sms:
        if user_id in mobile:
            bind.execute(users.update().where(users.c.id == user_id).values(notify_by='sms'))


def downgrade() -> None:
    # Phone numbers stay in E.164 (a valid way to write them).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('notify_by')

    with op.batch_alter_table('edition_reminder_offsets', schema=None) as batch_op:
        batch_op.drop_column('sms_minutes')
