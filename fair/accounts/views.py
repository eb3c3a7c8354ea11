"""Register, confirm the address, log in and out, reset a forgotten password, manage one's account."""
from __future__ import annotations

import logging
import unicodedata

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from fair.accounts import jobs, services, sessions
from fair.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
)
from fair.accounts.models import MembershipRole, OrganisationKind, User
from fair.calendar import feeds
from fair.extensions import db, limiter
from fair.forms import form_status
from fair.jobs import after_commit
from fair.security import safe_next_url
from fair.sockets import disconnect_user

bp = Blueprint("accounts", __name__)
log = logging.getLogger("fair.accounts")

EMAIL_TAKEN = _l("An account already exists with this email address. Log in, or reset your password "
                 "if you have forgotten it.")
LOGIN_FAILED = _l("Email address or password incorrect.")


# ---------------------------------------------------------------- throttling

def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _reset_rate_limit() -> str:
    return current_app.config.get("PASSWORD_RESET_RATE_LIMIT") or current_app.config["LOGIN_RATE_LIMIT"]


def _submitted_email_key() -> str:
    """Counts attempts on one address whatever network they come from (spread-out guessing).

    Keyed on the address as the account lookup reads it (`normalise_email`: a fullwidth letter or an
    ideographic full stop in the domain name the same account), so another spelling gets no fresh budget.
    """
    email = _folded_email()
    return f"email:{email}" if email else f"addr:{get_remote_address()}"


def _submitted_account_key() -> str:
    """Counts attempts on the account the address names, however it is spelt."""
    email = _folded_email()
    user = services.find_user_by_email(email) if email else None
    if user is not None:
        return f"account:{user.id}"
    return f"email:{email}" if email else f"addr:{get_remote_address()}"


def _folded_email() -> str:
    raw = (request.form.get("email") or "")[:320]
    return unicodedata.normalize("NFKC", services.normalise_email(raw)).casefold()


def _signed_in_user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else f"addr:{get_remote_address()}"


@bp.errorhandler(429)
def too_many_attempts(_error: Exception) -> tuple[str, int]:
    return render_template("accounts/too_many_attempts.html"), 429


# ---------------------------------------------------------------- helpers

def landing_url(user: User) -> str:
    """Where a person goes after logging in when no (safe) `next` was asked for."""
    if user.is_organiser:
        return url_for("fairs.console")
    if user.is_recruiter:
        return url_for("companies.dashboard")
    return url_for("public.home")


def _start_session(user: User) -> None:
    """A fresh session for the signed-in user: nothing planted before login survives (fixation).

    The one place a session starts (after the password, or after a second factor): a server-side
    row (fair/accounts/sessions.py) whose secret the signed cookie carries. Commits.
    """
    session.clear()
    token = sessions.start(db.session, user, ip_address=get_remote_address() or "",
                           user_agent=request.headers.get("User-Agent", ""))
    db.session.commit()
    login_user(user)
    session[sessions.SESSION_TOKEN_KEY] = token


def _end_every_session(user: User) -> None:
    """Every session of `user` ends, this one too, and their live pages close once this commits."""
    sessions.end_all(db.session, user)
    user_id = user.id
    after_commit(db.session, lambda: disconnect_user(user_id))


def _rotate_calendar_feed(user: User) -> None:
    """A password reset or change means someone else may have known the account: the calendar
    address (a credential of its own) changes too, and the old one answers 404."""
    if feeds.feed_of(db.session, user.id) is not None:
        feeds.renew_feed(db.session, user.id)


def _remember_language(response: Response, locale: str) -> Response:
    """The `lang` cookie wins over the account's language: keep both saying the same thing."""
    if locale in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", locale, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


def _current_language() -> str:
    return str(get_locale() or "fr")


def _no_store(response: Response) -> Response:
    """Pages carrying a secret in their URL must not stay in shared caches or the back history."""
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- register and confirm

@bp.route("/register", methods=["GET", "POST"])
def register():
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("accounts.account"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = _current_language()
        # An invitation link sends its address along: the account to create is the one it was sent to.
        form.email.data = (request.args.get("email") or "")[:254] or None
    if form.validate_on_submit():
        try:
            user = services.register_user(
                full_name=form.full_name.data, email=form.email.data, password=form.password.data,
                phone=form.phone.data, locale=form.locale.data,
            )
        except services.EmailTaken:
            db.session.rollback()
            form.email.errors.append(EMAIL_TAKEN)
        else:
            services.queue_email_confirmation(user)
            db.session.commit()
            _start_session(user)
            flash(_("Your account is created. We sent you an email: open the link inside to confirm "
                    "your address."), "success")
            return _remember_language(redirect(next_url or url_for("accounts.account")), user.locale)
    return render_template("accounts/register.html", form=form, next_url=next_url), form_status(form)


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    result = services.confirm_email(token)
    outcome = services.ConfirmOutcome
    if result.outcome in (outcome.invalid, outcome.expired):
        resend_form = ResendConfirmationForm() if _needs_confirmation() else None
        return _no_store(make_response(render_template(
            "accounts/confirm_invalid.html", expired=result.outcome is outcome.expired,
            resend_form=resend_form), 400))
    db.session.commit()
    if result.outcome is outcome.confirmed:
        flash(_("Thank you: your email address is confirmed."), "success")
    else:
        flash(_("Your email address was already confirmed."), "info")
    if current_user.is_authenticated and current_user.id == result.user.id:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.login"))


def _needs_confirmation() -> bool:
    return current_user.is_authenticated and current_user.email_confirmed_at is None


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit(_reset_rate_limit, key_func=_signed_in_user_key)
def resend_confirmation():
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        if current_user.email_confirmed_at is not None:
            flash(_("Your email address is already confirmed."), "info")
        else:
            services.queue_email_confirmation(current_user)
            db.session.commit()
            flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "success")
    return redirect(url_for("accounts.account"))


# ---------------------------------------------------------------- login and logout

@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
@limiter.limit(_login_rate_limit, key_func=_submitted_email_key, methods=["POST"])
@limiter.limit(_login_rate_limit, key_func=_submitted_account_key, methods=["POST"])
def login():
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url or landing_url(current_user))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            error = LOGIN_FAILED
        elif not user.is_active:
            error = _l("This account is disabled. Please contact the organiser of your fair.")
        else:
            _start_session(user)
            log.info("account %s logged in", user.id)
            return redirect(next_url or landing_url(user))
    status = 422 if error else form_status(form)
    return render_template("accounts/login.html", form=form, error=error, next_url=next_url), status


@bp.route("/logout", methods=["POST"])
def logout():
    """POST only, with CSRF: a link or an image elsewhere cannot log people out."""
    if current_user.is_authenticated:
        sessions.end(db.session, session.get(sessions.SESSION_TOKEN_KEY))
        user_id = current_user.id
        after_commit(db.session, lambda: disconnect_user(user_id))  # their live pages stop too, on every node
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("public.home"))


# ---------------------------------------------------------------- password reset

@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_rate_limit, methods=["POST"])
@limiter.limit(_reset_rate_limit, key_func=_submitted_email_key, methods=["POST"])
@limiter.limit(_reset_rate_limit, key_func=_submitted_account_key, methods=["POST"])
def forgot_password():
    """Known and unknown addresses get the very same page: it must not reveal who has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            # The job makes the token itself: the raw secret never sits in Redis.
            jobs.send_password_reset.after_commit(db.session, user.id)
        db.session.commit()
        return render_template("accounts/forgot_password_sent.html")
    return render_template("accounts/forgot_password.html", form=form), form_status(form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    token_row = services.usable_reset_token(token)
    if token_row is None:
        return _no_store(make_response(render_template("accounts/reset_invalid.html"), 400))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token_row, form.password.data)
        if user is None:
            db.session.rollback()
            return _no_store(make_response(render_template("accounts/reset_invalid.html"), 400))
        _end_every_session(user)
        _rotate_calendar_feed(user)
        db.session.commit()
        _start_session(user)
        flash(_("Your password is changed. You are logged in."), "success")
        return redirect(landing_url(user))
    return _no_store(make_response(render_template("accounts/reset_password.html", form=form), form_status(form)))


# ---------------------------------------------------------------- account page

_KIND_LABELS = {
    OrganisationKind.organiser: _l("Organiser"),
    OrganisationKind.company: _l("Company"),
    OrganisationKind.partner: _l("Partner"),
}
_ROLE_LABELS = {
    (OrganisationKind.organiser, MembershipRole.member): _l("Organising team"),
    (OrganisationKind.company, MembershipRole.member): _l("Recruiter"),
    (OrganisationKind.partner, MembershipRole.member): _l("Adviser"),
}


def _role_label(kind: OrganisationKind, role: MembershipRole) -> str:
    if role is MembershipRole.owner:
        return _("Administrator")
    return str(_ROLE_LABELS.get((kind, role), _l("Member")))


def _render_account(profile_form: ProfileForm | None = None,
                    password_form: ChangePasswordForm | None = None):
    user = current_user._get_current_object()
    memberships = [
        {"id": m.organisation.id, "name": m.organisation.name, "kind": _KIND_LABELS.get(m.organisation.kind, ""),
         "role": _role_label(m.organisation.kind, m.role)}
        for m in services.memberships_of(user)
    ]
    return render_template(
        "accounts/account.html",
        profile_form=profile_form or ProfileForm(formdata=None, obj=user),
        password_form=password_form or ChangePasswordForm(formdata=None),
        resend_form=ResendConfirmationForm(formdata=None) if user.email_confirmed_at is None else None,
        memberships=memberships,
    ), form_status(profile_form, password_form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    if request.method == "GET":
        return _render_account()
    form = ProfileForm()
    if not form.validate_on_submit():
        return _render_account(profile_form=form)
    services.update_profile(current_user, full_name=form.full_name.data, phone=form.phone.data,
                            locale=form.locale.data)
    db.session.commit()
    flash(_("Your details are saved."), "success")
    return _remember_language(redirect(url_for("accounts.account")), current_user.locale)


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit(_login_rate_limit, key_func=_signed_in_user_key)
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _render_account(password_form=form)
    user = current_user._get_current_object()
    if not services.change_password(user, current_password=form.current_password.data,
                                    new_password=form.new_password.data):
        form.current_password.errors.append(_l("The current password is not correct."))
        return _render_account(password_form=form)
    _end_every_session(user)
    _rotate_calendar_feed(user)
    db.session.commit()
    _start_session(user)  # every other session has ended; this browser goes on in a new one
    flash(_("Your password is changed. Other devices where you were logged in are now logged out."),
          "success")
    return redirect(url_for("accounts.account"))
