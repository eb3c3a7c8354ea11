"""Recruiter pages: a company's booths and job offers, edited by the company's own members.

Every page looks the booth up among the signed-in user's companies, so the booth of another
company answers 404, for GET and POST alike.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fair.access import owned_or_404, role_required
from fair.accounts.models import OrganisationKind
from fair.companies import services
from fair.companies.access import recruiter_booth
from fair.companies.forms import BoothForm, DocumentForm, OfferForm, StaffForm
from fair.companies.labels import contract_label, remote_label
from fair.companies.models import Booth
from fair.extensions import db
from fair.forms import form_status

bp = Blueprint("companies", __name__, url_prefix="/recruiter")

recruiter_only = role_required(OrganisationKind.company)


@bp.app_context_processor
def offer_labels():
    return {"contract_label": contract_label, "remote_label": remote_label}


def _my_offer(booth: Booth, offer_id: int):
    return owned_or_404(services.offer_of_booth(booth, offer_id))


def _refuse_if_locked(booth: Booth, target: str):
    """A closed or archived fair is frozen: say so and change nothing."""
    if services.is_locked(booth.edition):
        flash(_("This fair is closed: its booth and offers can no longer be changed."), "error")
        return redirect(target)
    return None


def _member_choices(booth: Booth) -> list[tuple[int, str]]:
    return [(u.id, u.full_name) for u in services.company_members(booth.company_id)]


def _render_booth(booth: Booth, booth_form=None, document_form=None, staff_form=None):
    booth_form = booth_form or BoothForm(obj=booth, formdata=None)
    document_form = document_form or DocumentForm(formdata=None)
    staff_form = staff_form or StaffForm(_member_choices(booth), formdata=None)
    return render_template(
        "companies/booth.html", booth=booth, edition=booth.edition, locked=services.is_locked(booth.edition),
        booth_form=booth_form, document_form=document_form, staff_form=staff_form,
    ), form_status(booth_form, document_form, staff_form)


@bp.route("/")
@recruiter_only
def dashboard():
    summaries = services.company_booths(services.recruiter_company_ids())
    return render_template("companies/dashboard.html", summaries=summaries,
                           is_locked=services.is_locked)


@bp.route("/booths/<int:booth_id>", methods=["GET", "POST"])
@recruiter_only
def edit_booth(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    if request.method == "GET":
        return _render_booth(booth)
    refused = _refuse_if_locked(booth, url_for(".edit_booth", booth_id=booth.id))
    if refused:
        return refused
    form = BoothForm()
    if not form.validate():
        return _render_booth(booth, booth_form=form)
    services.update_booth(booth, pitch=form.pitch.data, video_url=form.video_url.data,
                          stand_number=form.stand_number.data)
    db.session.commit()
    flash(_("Your booth has been saved."), "success")
    return redirect(url_for(".edit_booth", booth_id=booth.id))


@bp.route("/booths/<int:booth_id>/documents", methods=["POST"])
@recruiter_only
def add_document(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    target = url_for(".edit_booth", booth_id=booth.id) + "#documents"
    refused = _refuse_if_locked(booth, target)
    if refused:
        return refused
    form = DocumentForm()
    if not form.validate():
        return _render_booth(booth, document_form=form)
    services.add_document(booth, title=form.title.data, url=form.url.data)
    db.session.commit()
    flash(_("The document has been added."), "success")
    return redirect(target)


@bp.route("/booths/<int:booth_id>/documents/<int:document_id>/delete", methods=["POST"])
@recruiter_only
def remove_document(booth_id: int, document_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    target = url_for(".edit_booth", booth_id=booth.id) + "#documents"
    refused = _refuse_if_locked(booth, target)
    if refused:
        return refused
    if not services.remove_document(booth, document_id):
        abort(404)
    db.session.commit()
    flash(_("The document has been removed."), "success")
    return redirect(target)


@bp.route("/booths/<int:booth_id>/staff", methods=["POST"])
@recruiter_only
def set_staff(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    target = url_for(".edit_booth", booth_id=booth.id) + "#staff"
    refused = _refuse_if_locked(booth, target)
    if refused:
        return refused
    form = StaffForm(_member_choices(booth))
    if not form.validate():
        return _render_booth(booth, staff_form=form)
    services.set_staff(booth, user_id=form.user_id.data, job_title=form.job_title.data)
    db.session.commit()
    flash(_("The booth team has been updated."), "success")
    return redirect(target)


@bp.route("/booths/<int:booth_id>/staff/<int:staff_id>/delete", methods=["POST"])
@recruiter_only
def remove_staff(booth_id: int, staff_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    target = url_for(".edit_booth", booth_id=booth.id) + "#staff"
    refused = _refuse_if_locked(booth, target)
    if refused:
        return refused
    if not services.remove_staff(booth, staff_id):
        abort(404)
    db.session.commit()
    flash(_("The person has been removed from the booth team."), "success")
    return redirect(target)


@bp.route("/booths/<int:booth_id>/offers")
@recruiter_only
def offers(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    return render_template("companies/offers.html", booth=booth, edition=booth.edition,
                           offers=services.booth_offers(booth), locked=services.is_locked(booth.edition))


@bp.route("/booths/<int:booth_id>/offers/new", methods=["GET", "POST"])
@recruiter_only
def new_offer(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    form = OfferForm()
    if request.method == "POST":
        refused = _refuse_if_locked(booth, url_for(".offers", booth_id=booth.id))
        if refused:
            return refused
        if form.validate():
            offer = services.create_offer(booth, form.offer_fields())
            db.session.commit()
            flash(_("The offer “%(title)s” has been published.", title=offer.title), "success")
            return redirect(url_for(".offers", booth_id=booth.id))
    return render_template("companies/offer_form.html", booth=booth, edition=booth.edition, form=form,
                           offer=None, locked=services.is_locked(booth.edition)), form_status(form)


@bp.route("/booths/<int:booth_id>/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@recruiter_only
def edit_offer(booth_id: int, offer_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    offer = _my_offer(booth, offer_id)
    if request.method == "POST":
        refused = _refuse_if_locked(booth, url_for(".offers", booth_id=booth.id))
        if refused:
            return refused
        form = OfferForm()
        if form.validate():
            services.update_offer(booth, offer, form.offer_fields())
            db.session.commit()
            flash(_("The offer “%(title)s” has been saved.", title=offer.title), "success")
            return redirect(url_for(".offers", booth_id=booth.id))
    else:
        form = OfferForm(obj=offer, formdata=None)
        form.contract_type.data = offer.contract_type.value
        form.remote.data = offer.remote.value
    return render_template("companies/offer_form.html", booth=booth, edition=booth.edition, form=form,
                           offer=offer, locked=services.is_locked(booth.edition)), form_status(form)


@bp.route("/booths/<int:booth_id>/offers/<int:offer_id>/publish", methods=["POST"])
@recruiter_only
def publish_offer(booth_id: int, offer_id: int):
    return _set_published(booth_id, offer_id, True)


@bp.route("/booths/<int:booth_id>/offers/<int:offer_id>/unpublish", methods=["POST"])
@recruiter_only
def unpublish_offer(booth_id: int, offer_id: int):
    return _set_published(booth_id, offer_id, False)


def _set_published(booth_id: int, offer_id: int, published: bool):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    offer = _my_offer(booth, offer_id)
    target = url_for(".offers", booth_id=booth.id)
    refused = _refuse_if_locked(booth, target)
    if refused:
        return refused
    services.set_offer_published(booth, offer, published)
    db.session.commit()
    if published:
        flash(_("The offer “%(title)s” is visible to candidates again.", title=offer.title), "success")
    else:
        flash(_("The offer “%(title)s” is hidden from candidates.", title=offer.title), "success")
    return redirect(target)


@bp.route("/booths/<int:booth_id>/offers/<int:offer_id>/delete", methods=["GET", "POST"])
@recruiter_only
def delete_offer(booth_id: int, offer_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    offer = _my_offer(booth, offer_id)
    target = url_for(".offers", booth_id=booth.id)
    if request.method == "GET":
        return render_template("companies/offer_delete.html", booth=booth, edition=booth.edition, offer=offer,
                               locked=services.is_locked(booth.edition))
    refused = _refuse_if_locked(booth, target)
    if refused:
        return refused
    title = offer.title
    services.delete_offer(booth, offer)
    db.session.commit()
    flash(_("The offer “%(title)s” has been deleted.", title=title), "success")
    return redirect(target)
