"""The adviser's confirmation of a followed person's situations; what the profile page explains.

The referral is looked up among the adviser's own: another adviser's answers 404, GET and POST alike.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fair.access import owned_or_404, role_required
from fair.accounts.models import OrganisationKind
from fair.candidates.access import referral_by_adviser
from fair.candidates.models import CandidateProfile, ReferralStatus
from fair.extensions import db
from fair.territory import labels, services
from fair.territory.forms import ConfirmSituationsForm

bp = Blueprint("territory", __name__)

adviser_only = role_required(OrganisationKind.partner)


@bp.app_context_processor
def territory_labels() -> dict[str, Any]:
    return {"address_line_hint": labels.ADDRESS_LINE_HINT, "gender_hint": labels.GENDER_HINT,
            "birth_year_hint": labels.BIRTH_YEAR_HINT}


@bp.route("/adviser/referrals/<int:referral_id>/situations", methods=["GET", "POST"])
@adviser_only
def confirm_situations(referral_id: int):
    referral = owned_or_404(referral_by_adviser(referral_id, current_user.id))
    if referral.status is not ReferralStatus.confirmed:
        abort(404)
    profile = db.session.query(CandidateProfile).filter_by(user_id=referral.candidate_id).first()
    consenting = services.statistics_consent_in_force(db.session, profile)
    if request.method == "GET":
        form = ConfirmSituationsForm(formdata=None)
        form.situations.data = list(profile.situations or []) if consenting and profile else []
        return render_template("territory/confirm_situations.html", referral=referral, form=form,
                               consenting=consenting, place=services.profile_place(db.session, profile))
    form = ConfirmSituationsForm()
    if not form.validate():
        return render_template("territory/confirm_situations.html", referral=referral, form=form,
                               consenting=consenting, place=services.profile_place(db.session, profile)), 422
    try:
        services.confirm_situations(db.session, current_user, referral, form.situations.data or [], profile)
    except services.ConsentMissing:
        db.session.rollback()
        flash(_("%(name)s has not agreed to share their situation for the statistics (or has withdrawn it): "
                "nothing was recorded. They can agree to it on their profile.", name=referral.candidate.full_name),
              "error")
        return render_template("territory/confirm_situations.html", referral=referral, form=form,
                               consenting=False, place=services.profile_place(db.session, profile)), 422
    db.session.commit()
    flash(_("The situation of %(name)s is confirmed; they can see that you confirmed it.",
            name=referral.candidate.full_name), "success")
    return redirect(url_for("candidates.adviser_referral", referral_id=referral.id))
