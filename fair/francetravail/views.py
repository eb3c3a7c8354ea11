"""Importing France Travail offers into a booth: by a company into its own booth, or by an organiser
into a company's booth of their edition. Another booth answers 404.

The page asks for a SIRET or search criteria, shows what France Travail lists (preview), and imports
the offers chosen, or all. The search is asked again at import, so what is imported is what France
Travail shows at that moment, not a copy kept between two requests.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from fair.access import owned_or_404, role_required
from fair.accounts.models import OrganisationKind
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.companies.services import is_locked
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.francetravail import services
from fair.francetravail.client import FranceTravailClient, FranceTravailError
from fair.francetravail.forms import ImportForm

bp = Blueprint("francetravail", __name__)

API_ERRORS = {
    "bad_request": _l("France Travail refused this search. Check the criteria and try again."),
    "rate_limited": _l("France Travail is receiving too many requests. Try again in a few minutes."),
    "unavailable": _l("France Travail is not answering at the moment. Try again later."),
    "token": _l("fair could not sign in to France Travail. Tell the administrator of this site."),
    "unexpected": _l("France Travail gave an answer fair cannot read. Try again later."),
}


def _organiser_booth(edition_id: int, booth_id: int) -> Booth:
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    return owned_or_404(db.session.execute(
        select(Booth).where(Booth.id == booth_id, Booth.edition_id == edition.id)).scalar_one_or_none())


@bp.route("/recruiter/booths/<int:booth_id>/france-travail", methods=["GET", "POST"])
@role_required(OrganisationKind.company)
def recruiter_import(booth_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    return _import_page(booth, url_for("companies.offers", booth_id=booth.id))


@bp.route("/console/editions/<int:edition_id>/booths/<int:booth_id>/france-travail", methods=["GET", "POST"])
@role_required(OrganisationKind.organiser)
def organiser_import(edition_id: int, booth_id: int):
    booth = _organiser_booth(edition_id, booth_id)
    return _import_page(booth, url_for("fairs.edition", edition_id=booth.edition_id) + "#booths-heading")


def _import_page(booth: Booth, back: str):
    client = FranceTravailClient.from_config(current_app.config)
    locked = is_locked(booth.edition)
    form = ImportForm()

    def page(status: int = 200, **extra):
        return render_template("francetravail/import.html", booth=booth, edition=booth.edition, form=form, back=back,
                               configured=client is not None, locked=locked, **extra), status

    if request.method == "GET":
        return page()
    if client is None:
        return page()
    if locked:
        flash(_("This fair is closed: its booth and offers can no longer be changed."), "error")
        return redirect(back)
    if not form.validate():
        return page(422)
    criteria = form.criteria()
    try:
        found = client.search(criteria)
    except FranceTravailError as error:
        current_app.logger.warning("france travail search failed: %s", error)
        return page(502, api_error=str(API_ERRORS.get(error.status, API_ERRORS["unexpected"])))
    action = request.form.get("action", "preview")
    if action not in ("import", "import_all"):
        return page(200, previews=services.previews(db.session, booth, found.offers), found=found)
    chosen = None if action == "import_all" else set(request.form.getlist("chosen"))
    if chosen is not None and not chosen:
        return page(422, previews=services.previews(db.session, booth, found.offers), found=found,
                    choice_error=_("Choose at least one offer, or import them all."))
    report = services.import_offers(db.session, booth, found.offers, chosen, criteria=criteria)
    db.session.commit()
    flash(_("Import from France Travail done: new offers: %(created)d; updated: %(updated)d.",
            created=report.created, updated=report.updated), "success")
    return redirect(back)
