"""A person's consents (see and withdraw them), one-click unsubscribe from bulk mail, and the
organiser's own retention periods.

Another person's consent answers 404. The unsubscribe link works without signing in: its token says
which address and which organiser (fair.mail.unsubscribe).
"""
from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fair.access import as_id, owned_or_404
from fair.accounts import consent
from fair.accounts.consent import ConsentPurpose, ConsentRecord
from fair.accounts.models import Organisation, OrganisationKind
from fair.audit import record
from fair.candidates import services as candidates
from fair.extensions import csrf, db
from fair.forms import ConfirmForm, form_status
from fair.mail import unsubscribe as unsubscribing
from fair.privacy import notice, retention
from fair.privacy.forms import RetentionForm, retention_values
from fair.teams.access import owner_membership

log = logging.getLogger("fair.privacy")

bp = Blueprint("privacy", __name__)


@bp.app_context_processor
def _consent_summary():
    """`my_consents()` for the account page's consent section (templates/privacy/_account_consent.html)."""
    def my_consents() -> list[ConsentRecord]:
        if not current_user.is_authenticated:
            return []
        return [row for row in consent.history(db.session, current_user.id) if row.withdrawn_at is None]
    return {"my_consents": my_consents, "consent_purpose_label": purpose_label}


PURPOSE_LABELS = {
    ConsentPurpose.talent_pool: lambda: _("Talent pool"),
    ConsentPurpose.situations: lambda: _("My situation, for the fair's statistics"),
    ConsentPurpose.referral: lambda: _("Follow-up by an adviser"),
    ConsentPurpose.sms: lambda: _("Text messages (SMS)"),
    ConsentPurpose.network: lambda: _("Follow-up shared with a network of structures"),
}

WITHDRAWN_MESSAGES = {
    ConsentPurpose.talent_pool: lambda: _("You have left the talent pool."),
    ConsentPurpose.situations: lambda: _("Your situation is deleted and no longer counted in any statistics."),
    ConsentPurpose.referral: lambda: _("This organisation's advisers no longer follow your applications."),
    ConsentPurpose.sms: lambda: _("You will no longer receive text messages; we will contact you by email."),
    ConsentPurpose.network: lambda: _("This network and its other members no longer see your name or your follow-up."),
}


def purpose_label(record: ConsentRecord) -> str:
    label = PURPOSE_LABELS[ConsentPurpose(record.purpose)]()
    if record.organisation is not None:
        return f"{label} – {record.organisation.name}"
    return label


# ---------------------------------------------------------------- my consents

@bp.route("/account/consents")
@login_required
def consents():
    rows = consent.history(db.session, current_user.id)
    return render_template("privacy/consents.html", current=[r for r in rows if r.withdrawn_at is None],
                           past=[r for r in rows if r.withdrawn_at is not None], form=ConfirmForm(formdata=None))


@bp.route("/account/consents/<int:record_id>/withdraw", methods=["POST"])
@login_required
def withdraw(record_id: int):
    found = owned_or_404(db.session.execute(
        select(ConsentRecord).where(ConsentRecord.id == record_id, ConsentRecord.user_id == current_user.id)
    ).scalars().first())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if found.withdrawn_at is not None:
        flash(_("This consent was already withdrawn."), "info")
        return redirect(url_for(".consents"))
    candidates.withdraw_consent(current_user._get_current_object(), found)
    db.session.commit()
    flash(WITHDRAWN_MESSAGES[ConsentPurpose(found.purpose)](), "success")
    return redirect(url_for(".consents"))


# ---------------------------------------------------------------- unsubscribe (RFC 8058)

def _organisation_of_token(token: str) -> tuple[Organisation, str]:
    found = unsubscribing.read_token(token)
    organisation = db.session.get(Organisation, found[0]) if found else None
    if organisation is None:
        abort(404)
    return organisation, found[1]


# Exempt from CSRF on purpose: RFC 8058's one-click unsubscribe is a POST sent by the mail client (or
# its provider) with the body `List-Unsubscribe=One-Click`, no cookie and no form token. The signed
# token in the address is what authorises it (only the recipient's mail holds it), and all it can do
# is stop bulk mail to that one address, which a forged request cannot turn against anyone.
@csrf.exempt
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET shows a button and changes nothing (mail scanners follow links); POST unsubscribes."""
    organisation, digest = _organisation_of_token(token)
    if request.method == "GET":
        done = unsubscribing.is_unsubscribed_hash(db.session, digest, organisation.id)
        return render_template("privacy/unsubscribe.html", organisation=organisation, token=token, done=done)
    new = unsubscribing.unsubscribe(db.session, digest, organisation.id)
    db.session.commit()
    if new:
        log.info("an address unsubscribed from the bulk mail of organisation %s", organisation.id)
    if request.form.get("List-Unsubscribe") == "One-Click":
        return "", 204  # the mail client's request: nobody reads the answer
    return render_template("privacy/unsubscribe.html", organisation=organisation, token=token, done=True)


# ---------------------------------------------------------------- an organiser's own retention periods

def _organiser_or_404(organisation_id: int) -> Organisation:
    membership = owned_or_404(owner_membership(organisation_id, current_user.id))
    if membership.organisation.kind is not OrganisationKind.organiser:
        abort(404)
    return membership.organisation


@bp.route("/organisations/<int:organisation_id>/retention", methods=["GET", "POST"])
@login_required
def organiser_retention(organisation_id: int):
    """The owners of an organiser set shorter or longer periods (within the rules' bounds) for its
    editions; an empty field leaves the instance's period."""
    organisation = _organiser_or_404(as_id(organisation_id) or 0)
    rules = notice.overridable_rules()
    if request.method == "GET":
        form = RetentionForm.for_rules(rules, organisation.retention or {})
    else:
        form = RetentionForm.for_rules(rules, None, request.form)
        if form.validate():
            changed = notice.save_organiser_periods(organisation, retention_values(form, rules))
            record(db.session, "organisation.retention", organisation, organisation_id=organisation.id,
                   details={"changed": changed, "periods": dict(organisation.retention or {})})
            db.session.commit()
            flash(_("The retention periods of your fairs are saved."), "success")
            return redirect(url_for(".organiser_retention", organisation_id=organisation.id))
    return render_template("privacy/organiser_retention.html", organisation=organisation, form=form, rules=rules,
                           instance_days=notice.instance_periods(db.session),
                           BY_KEY=retention.BY_KEY), form_status(form)
