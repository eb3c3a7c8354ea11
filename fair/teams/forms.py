"""Team forms: the address and role of a colleague to invite, a member's new role.

The address is checked by `fair.teams.services.invite`, so the admin console gets the same messages.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField

from fair.accounts.models import MembershipRole
from fair.forms import ChoiceField, select_choices

ROLE_LABELS = {
    MembershipRole.owner: _l("Owner"),
    MembershipRole.member: _l("Member"),
}


def role_choices() -> list:
    return select_choices((role.value, ROLE_LABELS[role]) for role in (MembershipRole.member, MembershipRole.owner))


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"))
    role = ChoiceField(_l("Role"), default=MembershipRole.member.value)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class RoleForm(FlaskForm):
    role = ChoiceField(_l("Role"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
