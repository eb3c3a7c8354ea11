"""The report pages, and their files (PDF, XLSX, CSV) built by export jobs: an edition's, an
organiser's year, a company's and a partner's. Who may read which is fair/reports/access.py; anyone
else gets 404, as for any object of another owner."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fair import clock
from fair.access import organisations_of
from fair.accounts.models import Organisation, OrganisationKind
from fair.companies.models import Booth
from fair.exports.services import request_export
from fair.extensions import db
from fair.fairs.models import PUBLIC_STATUSES, Edition
from fair.reports import access, figures
from fair.reports.files import FORMATS
from fair.reports.pdf import render_context
from fair.teams.access import owner_membership

bp = Blueprint("reports", __name__)


@bp.app_context_processor
def _report_links_function():
    """`report_links(kind)` for the console, the pipeline and the adviser's page (templates/reports/
    _links.html): the reports the signed-in person may open, so that no report is reached only by
    typing its address. Worked out only when an include calls it."""
    def report_links(kind: str) -> list[tuple[str, str]]:
        if not current_user.is_authenticated:
            return []
        kinds = {"organiser": OrganisationKind.organiser, "company": OrganisationKind.company,
                 "partner": OrganisationKind.partner}
        organisations = db.session.execute(
            select(Organisation).where(Organisation.id.in_(organisations_of(current_user.id, kinds[kind])))
            .order_by(Organisation.name)).scalars().all()
        if kind == "organiser":
            return [(_("Report of the year: %(name)s", name=o.name),
                     url_for("reports.organiser_report", organisation_id=o.id)) for o in organisations]
        if kind == "company":
            return [(_("Report of %(company)s", company=o.name), url_for("reports.company_report", company_id=o.id))
                    for o in organisations if owner_membership(o.id, current_user.id) is not None]
        return [(_("Report of %(partner)s", partner=o.name), url_for("reports.partner_report", partner_id=o.id))
                for o in organisations]
    return {"report_links": report_links}


def _scope_or_404(scope: dict | None) -> dict:
    if scope is None:
        abort(404)
    return scope


def _page(scope: dict, export_url: str, template: str = "reports/report.html", **context) -> str:
    """A report's page; `template` extends reports/report.html when a kind of report adds a part."""
    report = figures.build(db.session, {**scope, "locale": str(get_locale())})
    return render_template(template, export_url=export_url, formats=FORMATS, **render_context(report), **context)


def _export(scope: dict):
    """Start the file of a report in the format asked (a job: a big fair's PDF takes seconds), and
    lead to its progress page."""
    fmt = request.form.get("format", "")
    if fmt not in FORMATS:
        abort(404)
    # An edition's files are in the edition's language, as handed to its funders; the others in the reader's.
    params = scope if scope["kind"] == "edition" else {**scope, "locale": str(get_locale())}
    export = request_export(db.session, user=current_user, kind=f"report.{fmt}", params=params,
                            locale=str(get_locale()))
    db.session.commit()
    return redirect(url_for("export_files.show", export_id=export.id), 303)


# ---------------------------------------------------------------- an edition


@bp.route("/console/editions/<int:edition_id>/report")
@login_required
def edition_report(edition_id: int):
    scope = _scope_or_404(access.edition_scope(current_user.id, edition_id))
    edition = db.session.get(Edition, scope["edition_id"])
    return _page(scope, url_for(".edition_report_export", edition_id=edition.id), edition=edition,
                 back_url=url_for("fairs.edition", edition_id=edition.id), back_label=edition.title)


@bp.route("/console/editions/<int:edition_id>/report/export", methods=["POST"])
@login_required
def edition_report_export(edition_id: int):
    return _export(_scope_or_404(access.edition_scope(current_user.id, edition_id)))


# ---------------------------------------------------------------- an organiser's year


def _year() -> int:
    raw = request.values.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else clock.now().year


def _years(organisation_id: int) -> list[int]:
    starts = db.session.execute(select(Edition.starts_at).where(Edition.organiser_id == organisation_id)).scalars()
    return sorted({s.year for s in starts} | {clock.now().year}, reverse=True)


@bp.route("/console/organisations/<int:organisation_id>/report")
@login_required
def organiser_report(organisation_id: int):
    scope = _scope_or_404(access.organiser_scope(current_user.id, organisation_id, _year()))
    choices = {"name": "year", "label": _("Year"), "current": str(scope["year"]),
               "options": [(str(y), str(y)) for y in _years(scope["organisation_id"])]}
    return _page(scope, url_for(".organiser_report_export", organisation_id=scope["organisation_id"],
                                year=scope["year"]),
                 choices=choices, back_url=url_for("fairs.console"), back_label=_("Back to the console"))


@bp.route("/console/organisations/<int:organisation_id>/report/export", methods=["POST"])
@login_required
def organiser_report_export(organisation_id: int):
    return _export(_scope_or_404(access.organiser_scope(current_user.id, organisation_id, _year())))


# ---------------------------------------------------------------- a company


def _company_editions(company_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(select(Edition.id, Edition.title).join(Booth, Booth.edition_id == Edition.id)
                              .where(Booth.company_id == company_id).order_by(Edition.starts_at.desc())).all()
    return [("", _("All fairs"))] + [(str(i), t) for i, t in rows]


@bp.route("/recruiter/companies/<int:company_id>/report")
@login_required
def company_report(company_id: int):
    scope = _scope_or_404(access.company_scope(current_user.id, company_id, request.args.get("edition")))
    choices = ({"name": "edition", "label": _("Fair"), "current": str(scope["edition_id"] or ""),
                "options": _company_editions(company_id)}
               if access.is_company_owner(current_user.id, company_id) else None)
    return _page(scope, url_for(".company_report_export", company_id=company_id, edition=scope["edition_id"]),
                 choices=choices)


@bp.route("/recruiter/companies/<int:company_id>/report/export", methods=["POST"])
@login_required
def company_report_export(company_id: int):
    return _export(_scope_or_404(access.company_scope(current_user.id, company_id, request.args.get("edition"))))


# ---------------------------------------------------------------- a partner


def _partner_editions() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Edition.id, Edition.title).where(Edition.status.in_(PUBLIC_STATUSES))
                              .order_by(Edition.starts_at.desc()).limit(50)).all()
    return [("", _("All fairs"))] + [(str(i), t) for i, t in rows]


@bp.route("/partner/organisations/<int:partner_id>/report")
@login_required
def partner_report(partner_id: int):
    scope = _scope_or_404(access.partner_scope(current_user.id, partner_id, request.args.get("edition")))
    choices = {"name": "edition", "label": _("Fair"), "current": str(scope["edition_id"] or ""),
               "options": _partner_editions()}
    return _page(scope, url_for(".partner_report_export", partner_id=partner_id, edition=scope["edition_id"]),
                 choices=choices, back_url=url_for("candidates.adviser_home"), back_label=_("Back to my referrals"))


@bp.route("/partner/organisations/<int:partner_id>/report/export", methods=["POST"])
@login_required
def partner_report_export(partner_id: int):
    return _export(_scope_or_404(access.partner_scope(current_user.id, partner_id, request.args.get("edition"))))


# ---------------------------------------------------------------- a network's year (its coordinators)


@bp.route("/networks/<int:network_id>/figures")
@login_required
def network_report(network_id: int):
    """Every member's figures; below them, the people who agreed that the network sees their name."""
    scope = _scope_or_404(access.network_scope(current_user.id, network_id, _year()))
    starts = db.session.execute(select(Edition.starts_at)).scalars()
    years = sorted({s.year for s in starts} | {clock.now().year}, reverse=True)
    choices = {"name": "year", "label": _("Year"), "current": str(scope["year"]),
               "options": [(str(y), str(y)) for y in years]}
    network = db.session.get(Organisation, scope["network_id"])
    return _page(scope, url_for(".network_report_export", network_id=network.id, year=scope["year"]),
                 template="networks/figures.html", choices=choices,
                 back_url=url_for("networks.network", network_id=network.id), back_label=network.name)


@bp.route("/networks/<int:network_id>/figures/export", methods=["POST"])
@login_required
def network_report_export(network_id: int):
    return _export(_scope_or_404(access.network_scope(current_user.id, network_id, _year())))
