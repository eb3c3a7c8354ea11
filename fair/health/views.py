"""The edition's health page (/console/editions/<id>/health) and the summary the organiser's edition
page includes (`health/_summary.html`, fed by the `edition_health_summary` template function).

Only the edition's organisers (lead and co-organisers) see either; anyone else's edition answers 404.
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from fair.access import owned_or_404, role_required
from fair.accounts.models import OrganisationKind
from fair.clock import now
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.health import services

bp = Blueprint("health", __name__)


@bp.app_context_processor
def _summary_function():
    """`edition_health_summary(edition)` for the organiser's edition page: computed only when the
    include calls it, and only for an edition the signed-in person organises."""
    def edition_health_summary(edition):
        if not current_user.is_authenticated or organiser_edition(edition.id, current_user.id) is None:
            return None
        return services.edition_health(db.session, edition, now())
    return {"edition_health_summary": edition_health_summary}


@bp.route("/console/editions/<int:edition_id>/health")
@role_required(OrganisationKind.organiser)
def edition_health(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    report = services.edition_health(db.session, edition, now())
    return render_template("health/edition.html", edition=edition, report=report, Kind=services.Kind)
