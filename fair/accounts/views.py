"""Register, confirm the address, log in and out, reset a forgotten password, manage one's account."""
from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import unicodedata

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from fair import clock, instance
from fair.accounts import jobs, mfa, phone, services, sessions
from fair.accounts.forms import (
    ChangePasswordForm,
    DisableMfaForm,
    ForgotPasswordForm,
    LoginForm,
    PhoneCodeForm,
    PhoneLoginForm,
    ProfileForm,
    RegenerateCodesForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SecondStepForm,
    TotpCodeForm,
)
from fair.accounts.models import MembershipRole, OrganisationKind, User
from fair.accounts.reach import phone_text
from fair.calendar import feeds
from fair.extensions import db, limiter, read_user
from fair.forms import form_status
from fair.jobs import after_commit
from fair.oidc import signout as oidc_signout
from fair.security import safe_next_url
from fair.sms.numbers import InvalidMobile, parse_mobile
from fair.sms.numbers import display as display_number
from fair.sockets import disconnect_user

bp = Blueprint("accounts", __name__)
log = logging.getLogger("fair.accounts")

LOGIN_FAILED = _l("Email address or password incorrect.")
WRONG_CODE = _l("This code is not right, or it was already used. Wait for the next code of the app, "
                "or use one of your recovery codes.")
# The login's second step: who passed the password, until when (not signed in meanwhile).
MFA_PENDING = "mfa_pending"
MFA_PENDING_MINUTES = 5


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


def _register_rate_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _register_network_rate_limit() -> str:
    return current_app.config["REGISTER_NETWORK_RATE_LIMIT"]


def _registered_email_key() -> str:
    """One budget per address as the account look-up sees it: case, Unicode or IDNA variants share it."""
    email = services.normalise_email(request.form.get("email") or "").lower()
    return f"register-email:{email}" if email else f"addr:{get_remote_address()}"


def _network_key() -> str:
    """The client's network, not its address: an IPv6 host owns a whole /64, an IPv4 neighbour a /24."""
    address = get_remote_address() or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"net:{address}"
    prefix = 24 if ip.version == 4 else 64
    return f"net:{ipaddress.ip_network(f'{ip}/{prefix}', strict=False)}"


def _pending_user_key() -> str:
    """Counts second-step attempts on one account, whatever session or address they come from."""
    pending = session.get(MFA_PENDING)
    if isinstance(pending, dict) and pending.get("user_id"):
        return f"mfa:{pending['user_id']}"
    return f"addr:{get_remote_address()}"


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
    if request.endpoint == "accounts.register":
        return render_template("accounts/too_many_registrations.html"), 429
    return render_template("accounts/too_many_attempts.html"), 429


# ---------------------------------------------------------------- helpers

def landing_url(user: User) -> str:
    """Where a person goes after logging in when no (safe) `next` was asked for."""
    if user.is_organiser:
        return url_for("fairs.console")
    if user.is_recruiter:
        return url_for("companies.dashboard")
    if user.organisations_of_kind(OrganisationKind.network):
        return url_for("networks.index")
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


# ---------------------------------------------------------------- two-step verification: login and gate

def _mfa_required_roles() -> tuple[str, ...]:
    return mfa.parse_required_roles(current_app.config.get("MFA_REQUIRED_ROLES", ""))


def _secret_key() -> str:
    return current_app.config["SECRET_KEY"]


def _mark_mfa_passed(user: User) -> None:
    """This session gave the second factor: its server-side row says so (a copied cookie of another
    session does not). Commits."""
    row = sessions.live_session(db.session, user, session.get(sessions.SESSION_TOKEN_KEY))
    if row is not None:
        row.mfa_at = clock.now()
        db.session.commit()


def _session_gave_mfa() -> bool:
    row = g.get("user_session")
    return row is not None and row.mfa_at is not None


def _begin_second_step(user: User, next_url: str | None) -> None:
    """The password was right: nobody is signed in until the code is, only this pending mark."""
    logout_user()
    session.clear()
    session[MFA_PENDING] = {
        "user_id": user.id, "stamp": user.security_stamp, "next": next_url,
        "until": (clock.now() + dt.timedelta(minutes=MFA_PENDING_MINUTES)).isoformat(),
    }


def _pending_user() -> User | None:
    pending = session.get(MFA_PENDING)
    if not isinstance(pending, dict):
        return None
    try:
        user_id = int(pending["user_id"])
        until = dt.datetime.fromisoformat(pending["until"])
    except (KeyError, TypeError, ValueError):
        return None
    if clock.now() > until:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.security_stamp != pending.get("stamp") or not mfa.is_enabled(user):
        return None
    return user


def after_first_factor(user: User, next_url: str | None) -> Response:
    """Where a first factor (a right password, or an OpenID Connect provider's answer) leads: the second
    step, enrolment when it is required, or the page asked for."""
    if mfa.is_enabled(user):
        _begin_second_step(user, next_url)
        return redirect(url_for("accounts.login_verify"))
    _start_session(user)
    if mfa.is_required(user, _mfa_required_roles()):
        return redirect(url_for("accounts.mfa_setup"))
    return redirect(next_url or landing_url(user))


# What a signed-in person who must still give (or set up) the second factor may reach.
_GATE_OPEN = frozenset({"accounts.mfa_setup", "accounts.logout", "accounts.login_verify", "static", "set_language"})


@bp.before_app_request
def second_factor_gate():
    """Staff with MFA on give it in every session; those for whom it is required set it up first."""
    if request.endpoint is None or request.endpoint in _GATE_OPEN:
        return None
    return read_user(_gate_for, None)


def _gate_for(user: User):
    if mfa.is_enabled(user):
        if _session_gave_mfa():
            return None
        # A session opened before the second factor was turned on (another browser): ask for it now.
        _begin_second_step(user, safe_next_url(request.full_path) if request.method == "GET" else None)
        return redirect(url_for("accounts.login_verify"))
    if mfa.is_required(user, _mfa_required_roles()):
        return redirect(url_for("accounts.mfa_setup"))
    return None


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
@limiter.limit(_register_rate_limit, key_func=_registered_email_key, methods=["POST"])
@limiter.limit(_register_network_rate_limit, key_func=_network_key, methods=["POST"])
def register():
    """A new address and a taken one get the very same answer: registering must not reveal who has an
    account. The owner of a taken address gets a mail instead; nobody is logged in here (a new account
    logs in with its password, or confirms its address first)."""
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
            owner = services.find_user_by_email(form.email.data)
            if owner is not None and owner.is_active:
                services.queue_registration_attempt_notice(owner, next_url)
        else:
            services.queue_email_confirmation(user, next_url)
        db.session.commit()
        sent = redirect(url_for("accounts.register_sent", **({"next": next_url} if next_url else {})))
        return _remember_language(sent, form.locale.data)
    return render_template("accounts/register.html", form=form, next_url=next_url), form_status(form)


@bp.route("/register/sent")
def register_sent():
    next_url = safe_next_url(request.args.get("next"))
    return render_template("accounts/register_sent.html", next_url=next_url)


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
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated and current_user.id == result.user.id:
        return redirect(next_url or url_for("accounts.account"))
    return redirect(url_for("accounts.login", **({"next": next_url} if next_url else {})))


@bp.app_errorhandler(services.EmailNotConfirmed)
def email_not_confirmed(error: services.EmailNotConfirmed):
    """Any page whose action needs a confirmed address: say so, and offer a new link to the person
    concerned (an adviser acting for a candidate is told the candidate has to confirm)."""
    db.session.rollback()
    own = current_user.is_authenticated and current_user.id == error.user.id
    message = error.message if own else _("This candidate has not confirmed their email address yet: "
                                          "they must open the link in the email we sent them first.")
    if request.path.startswith("/api/") or request.is_json:
        return jsonify({"error": message, "code": error.code}), 403
    return render_template("accounts/confirm_needed.html", own=own, message=message,
                           resend_form=ResendConfirmationForm(formdata=None) if own else None), 403


def _needs_confirmation() -> bool:
    return (current_user.is_authenticated and current_user.email is not None
            and current_user.email_confirmed_at is None)


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit(_reset_rate_limit, key_func=_signed_in_user_key)
def resend_confirmation():
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        if current_user.email_confirmed_at is not None or current_user.email is None:
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
            log.info("account %s gave the right password", user.id)
            return after_first_factor(user, next_url)
    status = 422 if error else form_status(form)
    return render_template("accounts/login.html", form=form, error=error, next_url=next_url), status


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, key_func=_pending_user_key, methods=["POST"])
def login_verify():
    """The second step of a login: a code from the app (one step either side) or a recovery code."""
    user = _pending_user()
    if user is None:
        session.pop(MFA_PENDING, None)
        if current_user.is_authenticated:
            return redirect(landing_url(current_user))
        flash(_("Please log in again: the time for the second step ran out."), "info")
        return redirect(url_for("accounts.login"))
    form = SecondStepForm()
    error = None
    if form.validate_on_submit():
        try:
            used = mfa.verify_second_step(db.session, user, form.code.data, _secret_key())
        except mfa.MfaRefused:
            db.session.rollback()
            error = WRONG_CODE
        else:
            next_url = safe_next_url(session[MFA_PENDING].get("next"))
            keep = session[MFA_PENDING].get("keep") or {}  # what the first step left for the session
            db.session.commit()
            _start_session(user)
            session.update(keep)  # (fair/oidc: the provider's ID token, for logging out there too)
            _mark_mfa_passed(user)
            log.info("account %s logged in with a second factor (%s)", user.id, used)
            if used == "recovery":
                flash(_("You used a recovery code. %(count)d are left: if you lost your device, set up "
                        "two-step verification again from your account.",
                        count=mfa.unused_recovery_codes(db.session, user)), "warning")
            return redirect(next_url or landing_url(user))
    status = 422 if error else form_status(form)
    return _no_store(make_response(render_template("accounts/login_verify.html", form=form, error=error), status))


@bp.route("/logout", methods=["POST"])
def logout():
    """POST only, with CSRF: a link or an image elsewhere cannot log people out. A session opened with
    an OpenID Connect provider ends at the provider too, when it can (fair/oidc)."""
    provider_logout = oidc_signout.end_session_redirect() if current_user.is_authenticated else None
    if current_user.is_authenticated:
        sessions.end(db.session, session.get(sessions.SESSION_TOKEN_KEY))
        user_id = current_user.id
        after_commit(db.session, lambda: disconnect_user(user_id))  # their live pages stop too, on every node
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(provider_logout or url_for("public.home"))


# ---------------------------------------------------------------- sign-in with a code by SMS

# The number a code was asked for (E.164), in the signed session cookie until the code is given.
PHONE_PENDING = "phone_pending"
CODE_REFUSED = _l("This code is not right, or it is no longer valid. Check the last SMS we sent you, or ask "
                  "for a new code.")


def _phone_code_rate_limit() -> str:
    return current_app.config["PHONE_CODE_RATE_LIMIT"]


def _phone_code_network_rate_limit() -> str:
    return current_app.config["PHONE_CODE_NETWORK_RATE_LIMIT"]


def _submitted_mobile() -> str | None:
    try:
        return parse_mobile((request.form.get("mobile") or "")[:32])
    except InvalidMobile:
        return None


def _submitted_mobile_key() -> str:
    """One budget per number however it is written (06…, +33 6…): it also holds for unknown numbers."""
    return f"mobile:{_submitted_mobile()}"


def _not_a_mobile() -> bool:
    """A typo sends nothing: it costs nothing of a number's budget (the network's still counts)."""
    return _submitted_mobile() is None


def _pending_mobile_key() -> str:
    mobile = session.get(PHONE_PENDING)
    return f"mobile-code:{mobile}" if isinstance(mobile, str) else f"addr:{get_remote_address()}"


@bp.route("/login/phone", methods=["GET", "POST"])
@limiter.limit(_phone_code_rate_limit, key_func=_submitted_mobile_key, methods=["POST"], exempt_when=_not_a_mobile)
@limiter.limit(_phone_code_network_rate_limit, key_func=_network_key, methods=["POST"])
def login_phone():
    """A number with an account and one without get the same answer: this must not tell who is registered."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(landing_url(current_user))
    form = PhoneLoginForm()
    if form.validate_on_submit():
        phone.send_code(db.session, form.mobile.data, secret_key=_secret_key(), now=clock.now())
        db.session.commit()
        session[PHONE_PENDING] = form.mobile.data
        return redirect(url_for("accounts.login_phone_code"))
    return render_template("accounts/login_phone.html", form=form), form_status(form)


@bp.route("/login/phone/code", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, key_func=_pending_mobile_key, methods=["POST"])
def login_phone_code():
    mobile = session.get(PHONE_PENDING)
    if not isinstance(mobile, str):
        return redirect(url_for("accounts.login_phone"))
    form = PhoneCodeForm()
    error = None
    if form.validate_on_submit():
        try:
            user = phone.verify_code(db.session, mobile, form.code.data, secret_key=_secret_key(), now=clock.now())
        except phone.CodeRefused:
            db.session.commit()  # the attempt counts, and a dead code stays dead
            error = CODE_REFUSED
        else:
            db.session.commit()
            _start_session(user)
            log.info("account %s logged in with a code by SMS", user.id)
            return redirect(landing_url(user))
    status = 422 if error else form_status(form)
    return _no_store(make_response(render_template(
        "accounts/login_phone_code.html", form=form, error=error, number=display_number(mobile)), status))


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
        if mfa.is_enabled(user):  # a link from a mailbox is not the second factor
            _begin_second_step(user, None)
            flash(_("Your password is changed. Enter a code to finish logging in."), "success")
            return redirect(url_for("accounts.login_verify"))
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


def _mfa_section(user: User, regenerate_form: RegenerateCodesForm | None,
                 disable_form: DisableMfaForm | None, error: str | None) -> dict | None:
    """What the "Two-step verification" section shows; None for candidates, who never see it."""
    if not mfa.is_offered(user):
        return None
    enabled = mfa.is_enabled(user)
    return {
        "enabled": enabled,
        "enabled_at": user.totp_enabled_at,
        "required": mfa.is_required(user, _mfa_required_roles()),
        "codes_left": mfa.unused_recovery_codes(db.session, user) if enabled else 0,
        "regenerate_form": regenerate_form or RegenerateCodesForm(formdata=None),
        "disable_form": disable_form or DisableMfaForm(formdata=None),
        "error": error,
    }


def _render_account(profile_form: ProfileForm | None = None,
                    password_form: ChangePasswordForm | None = None,
                    regenerate_form: RegenerateCodesForm | None = None,
                    disable_form: DisableMfaForm | None = None,
                    mfa_error: str | None = None):
    user = current_user._get_current_object()
    memberships = [
        {"id": m.organisation.id, "name": m.organisation.name, "kind": _KIND_LABELS.get(m.organisation.kind, ""),
         "role": _role_label(m.organisation.kind, m.role)}
        for m in services.memberships_of(user)
    ]
    return render_template(
        "accounts/account.html",
        profile_form=profile_form or _profile_form(user),
        password_form=password_form or ChangePasswordForm(formdata=None),
        resend_form=ResendConfirmationForm(formdata=None) if user.email_confirmed_at is None else None,
        memberships=memberships,
        mfa_state=_mfa_section(user, regenerate_form, disable_form, mfa_error),
    ), 422 if mfa_error else form_status(profile_form, password_form, regenerate_form, disable_form)


def _profile_form(user: User) -> ProfileForm:
    form = ProfileForm(formdata=None, obj=user)
    form.phone.data = phone_text(user.phone) or None  # a mobile kept in E.164, shown as people write it
    return form


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
    gave_mfa = _session_gave_mfa()
    _end_every_session(user)
    _rotate_calendar_feed(user)
    db.session.commit()
    _start_session(user)  # every other session has ended; this browser goes on in a new one
    if gave_mfa:
        _mark_mfa_passed(user)  # ... which keeps the second factor this one gave
    flash(_("Your password is changed. Other devices where you were logged in are now logged out."),
          "success")
    return redirect(url_for("accounts.account"))


# ---------------------------------------------------------------- two-step verification: the account's section

def _staff_user() -> User:
    user = current_user._get_current_object()
    if not mfa.is_offered(user):
        abort(404)
    return user


def _recovery_codes_page(codes: list[str]):
    return _no_store(make_response(render_template("accounts/mfa_recovery_codes.html", codes=codes)))


@bp.route("/account/two-step", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_rate_limit, key_func=_signed_in_user_key, methods=["POST"])
def mfa_setup():
    """Enrolment: scan the QR code (or type the secret), confirm with one code, keep the recovery codes."""
    user = _staff_user()
    if mfa.is_enabled(user):
        return redirect(url_for("accounts.account") + "#mfa-heading")
    secret = mfa.pending_secret(user, _secret_key())
    if db.session.is_modified(user):
        db.session.commit()  # the secret the app scans stays the same until confirmed
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            codes = mfa.enable(db.session, user, form.code.data, _secret_key())
        except mfa.MfaRefused:
            db.session.rollback()
            form.code.errors.append(WRONG_CODE)
        else:
            db.session.commit()
            _mark_mfa_passed(user)
            log.info("account %s turned two-step verification on", user.id)
            return _recovery_codes_page(codes)
    uri = mfa.provisioning_uri(user, secret, instance.current(db.session).name)
    return _no_store(make_response(render_template(
        "accounts/mfa_setup.html", form=form, qr_code=mfa.qr_data_uri(uri), secret=mfa.grouped(secret),
        required=mfa.is_required(user, _mfa_required_roles())), form_status(form)))


@bp.route("/account/two-step/recovery-codes", methods=["POST"])
@login_required
@limiter.limit(_login_rate_limit, key_func=_signed_in_user_key)
def mfa_recovery_codes():
    user = _staff_user()
    form = RegenerateCodesForm()
    if not mfa.is_enabled(user):
        return redirect(url_for("accounts.mfa_setup"))
    if not form.validate_on_submit():
        return _render_account(regenerate_form=form)
    try:
        codes = mfa.regenerate_recovery_codes(db.session, user, form.code.data, _secret_key())
    except mfa.MfaRefused:
        db.session.rollback()
        form.code.errors.append(WRONG_CODE)
        return _render_account(regenerate_form=form)
    db.session.commit()
    return _recovery_codes_page(codes)


@bp.route("/account/two-step/disable", methods=["POST"])
@login_required
@limiter.limit(_login_rate_limit, key_func=_signed_in_user_key)
def mfa_disable():
    user = _staff_user()
    form = DisableMfaForm()
    if not mfa.is_enabled(user):
        return redirect(url_for("accounts.account"))
    if not form.validate_on_submit():
        return _render_account(disable_form=form)
    try:
        mfa.disable(db.session, user, form.code.data, _secret_key(), _mfa_required_roles())
    except mfa.MfaRequired:
        db.session.rollback()
        return _render_account(mfa_error=_("Two-step verification is required for your role: it cannot "
                                           "be turned off."))
    except mfa.MfaRefused:
        db.session.rollback()
        form.code.errors.append(WRONG_CODE)
        return _render_account(disable_form=form)
    db.session.commit()
    flash(_("Two-step verification is off."), "success")
    return redirect(url_for("accounts.account"))
