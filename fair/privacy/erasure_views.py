"""Erasure pages: a person deletes their own account; an administrator erases one on request.

Both call `fair.privacy.erasure.erase`, the one function that anonymises. The person confirms with
their password, or with a code when two-step sign-in is on (a phone-only account, without a password,
with a code sent by SMS to its number); the administrator types the person's
address, and the erasure is written to the audit log with them as actor.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from fair import clock
from fair.access import admin_required, owned_or_404
from fair.accounts import mfa, phone
from fair.accounts.models import User
from fair.db import db
from fair.extensions import limiter
from fair.live import events as live_events
from fair.privacy import erasure
from fair.privacy.erasure_forms import (
    AdminEraseForm,
    DeleteWithCodeForm,
    DeleteWithPasswordForm,
    DeleteWithSmsCodeForm,
)
from fair.security import verify_password
from fair.sms.numbers import InvalidMobile, parse_mobile

bp = Blueprint("erasure", __name__)


def _confirm_form(user: User):
    if user.email is None and user.mobile:
        return DeleteWithSmsCodeForm()
    return DeleteWithCodeForm() if mfa.is_enabled(user) else DeleteWithPasswordForm()


def _confirmed(user: User, form) -> bool:
    if isinstance(form, DeleteWithSmsCodeForm):
        try:
            return phone.verify_code(db.session, user.mobile, form.code.data,
                                     secret_key=current_app.config["SECRET_KEY"], now=clock.now()).id == user.id
        except phone.CodeRefused:
            form.code.errors.append(_("This code is not right, or it is no longer valid. Check the last SMS we "
                                      "sent you, or ask for a new code."))
            return False
    if isinstance(form, DeleteWithCodeForm):
        try:
            mfa.verify_second_step(db.session, user, form.code.data, current_app.config["SECRET_KEY"])
            return True
        except mfa.MfaRefused:
            form.code.errors.append(_("This code is not correct."))
            return False
    if verify_password(user.password_hash, form.password.data):
        return True
    form.password.errors.append(_("The password is not correct."))
    return False


def _page(form, reasons: list[str] | None = None, status: int = 200, code_sent: bool = False):
    user = current_user._get_current_object()
    reasons = reasons if reasons is not None else erasure.blockers(db.session, user)
    return render_template("privacy/delete_account.html", form=form, reasons=reasons,
                           with_code=isinstance(form, DeleteWithCodeForm),
                           with_sms=isinstance(form, DeleteWithSmsCodeForm), code_sent=code_sent), status


def _tell_booths(erased: erasure.Erased) -> None:
    """The queues the person left change for everyone following them, as when someone leaves."""
    for booth_id in erased.booths:
        live_events.booth_changed(db.session, booth_id, clock.now())


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"])
def delete_account():
    user = current_user._get_current_object()
    form = _confirm_form(user)
    if not form.is_submitted():
        return _page(form)
    if isinstance(form, DeleteWithSmsCodeForm) and request.form.get("send"):
        phone.send_code(db.session, user.mobile, secret_key=current_app.config["SECRET_KEY"], now=clock.now())
        db.session.commit()
        return _page(DeleteWithSmsCodeForm(formdata=None), code_sent=True)
    if not form.validate() or not _confirmed(user, form):
        db.session.commit()  # a recovery code tried is used up, right or wrong
        return _page(form, status=422)
    try:
        erased = erasure.erase(db.session, user, actor=None, how="self")
    except erasure.ErasureRefused as refused:
        db.session.rollback()
        return _page(form, reasons=refused.reasons, status=422)
    db.session.commit()
    _tell_booths(erased)
    logout_user()
    session.clear()
    return redirect(url_for("erasure.deleted"))


@bp.route("/account/deleted")
def deleted():
    return render_template("privacy/account_deleted.html")


@bp.route("/admin/people/<int:user_id>/erase", methods=["GET", "POST"])
@admin_required
def admin_erase(user_id: int):
    person = owned_or_404(db.session.get(User, user_id))
    if person.erased_at is not None:
        return redirect(url_for("admin.person", user_id=person.id))
    form = AdminEraseForm()
    if not form.is_submitted():
        return _admin_page(person, form)
    if not form.validate():
        return _admin_page(person, form, status=422)
    if not _names_account(form.confirmation.data or "", person):
        form.confirmation.errors.append(_("This is not the address of this account."))
        return _admin_page(person, form, status=422)
    try:
        erased = erasure.erase(db.session, person, actor=current_user._get_current_object(), how="admin")
    except erasure.ErasureRefused as refused:
        db.session.rollback()
        return _admin_page(person, form, reasons=refused.reasons, status=422)
    db.session.commit()
    _tell_booths(erased)
    flash(_("The account is erased: only anonymous figures remain."), "success")
    return redirect(url_for("admin.person", user_id=person.id))


def _names_account(typed: str, person: User) -> bool:
    """The address typed is the account's; a phone-only account is named by its mobile number."""
    if person.email is not None:
        return typed.strip().lower() == person.email.lower()
    try:
        return parse_mobile(typed) == person.mobile
    except InvalidMobile:
        return False


def _admin_page(person: User, form: AdminEraseForm, reasons: list[str] | None = None, status: int = 200):
    reasons = reasons if reasons is not None else erasure.blockers(db.session, person)
    return render_template("privacy/admin_erase.html", person=person, form=form, reasons=reasons), status
