"""The report pages and their PDF: an edition's (its organisers), an organiser's year (its members),
a company's (its owners; an edition's organisers for the companies of that edition) and a partner's
(its advisers and owners). Anyone else gets 404, as for any object of another owner."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from fair import clock
from fair.access import as_id, organisations_of, owned_or_404
from fair.accounts.models import Organisation, OrganisationKind
from fair.companies.models import Booth
from fair.extensions import db
from fair.fairs.access import organiser_edition
from fair.fairs.models import PUBLIC_STATUSES, Edition
from fair.reports import figures
from fair.reports.document import Report
from fair.reports.pdf import render_context, report_pdf
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


def _pdf(report: Report) -> Response:
    return Response(report_pdf(report), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{report.key}.pdf"', "Cache-Control": "no-store"})


def _page(report: Report, pdf_url: str, **context) -> str:
    return render_template("reports/report.html", pdf_url=pdf_url, **render_context(report), **context)


def _member_of(organisation_id, kind: OrganisationKind) -> Organisation | None:
    wanted = as_id(organisation_id)
    if wanted is None or not current_user.is_authenticated:
        return None
    return db.session.execute(select(Organisation).where(
        Organisation.id == wanted, Organisation.id.in_(organisations_of(current_user.id, kind)))).scalar_one_or_none()


# ---------------------------------------------------------------- an edition


@bp.route("/console/editions/<int:edition_id>/report")
@login_required
def edition_report(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    report = figures.build(db.session, {"kind": "edition", "edition_id": edition.id, "locale": str(get_locale())})
    return _page(report, url_for(".edition_report_pdf", edition_id=edition.id), edition=edition,
                 back_url=url_for("fairs.edition", edition_id=edition.id), back_label=edition.title)


@bp.route("/console/editions/<int:edition_id>/report.pdf")
@login_required
def edition_report_pdf(edition_id: int):
    edition = owned_or_404(organiser_edition(edition_id, current_user.id))
    return _pdf(figures.build(db.session, {"kind": "edition", "edition_id": edition.id}))


# ---------------------------------------------------------------- an organiser's year


def _year() -> int:
    raw = request.args.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else clock.now().year


def _years(organisation_id: int) -> list[int]:
    starts = db.session.execute(select(Edition.starts_at).where(Edition.organiser_id == organisation_id)).scalars()
    return sorted({s.year for s in starts} | {clock.now().year}, reverse=True)


@bp.route("/console/organisations/<int:organisation_id>/report")
@login_required
def organiser_report(organisation_id: int):
    organisation = owned_or_404(_member_of(organisation_id, OrganisationKind.organiser))
    year = _year()
    report = figures.build(db.session, {"kind": "organiser", "organisation_id": organisation.id, "year": year,
                                        "locale": str(get_locale())})
    choices = {"name": "year", "label": _("Year"), "current": str(year),
               "options": [(str(y), str(y)) for y in _years(organisation.id)]}
    return _page(report, url_for(".organiser_report_pdf", organisation_id=organisation.id, year=year),
                 choices=choices, back_url=url_for("fairs.console"), back_label=_("Back to the console"))


@bp.route("/console/organisations/<int:organisation_id>/report.pdf")
@login_required
def organiser_report_pdf(organisation_id: int):
    organisation = owned_or_404(_member_of(organisation_id, OrganisationKind.organiser))
    return _pdf(figures.build(db.session, {"kind": "organiser", "organisation_id": organisation.id,
                                           "year": _year(), "locale": str(get_locale())}))


# ---------------------------------------------------------------- a company


def _company_scope(company_id: int) -> dict:
    """The company's owners see every fair of theirs or one; an edition's organisers see the report of
    a company with a booth in it, for that edition only (`?edition=`)."""
    wanted, edition_id = as_id(company_id), as_id(request.args.get("edition"))
    if wanted is None:
        abort(404)
    owner = owner_membership(wanted, current_user.id)
    if owner is not None and owner.organisation.kind is OrganisationKind.company and owner.organisation.is_active:
        if edition_id is not None and not db.session.execute(select(Booth.id).where(
                Booth.company_id == wanted, Booth.edition_id == edition_id)).first():
            abort(404)
        return {"kind": "company", "company_id": wanted, "edition_id": edition_id}
    edition = organiser_edition(edition_id, current_user.id) if edition_id is not None else None
    if edition is None or not db.session.execute(select(Booth.id).where(
            Booth.company_id == wanted, Booth.edition_id == edition.id)).first():
        abort(404)
    return {"kind": "company", "company_id": wanted, "edition_id": edition.id}


def _company_editions(company_id: int) -> list[tuple[str, str]]:
    rows = db.session.execute(select(Edition.id, Edition.title).join(Booth, Booth.edition_id == Edition.id)
                              .where(Booth.company_id == company_id).order_by(Edition.starts_at.desc())).all()
    return [("", _("All fairs"))] + [(str(i), t) for i, t in rows]


@bp.route("/recruiter/companies/<int:company_id>/report")
@login_required
def company_report(company_id: int):
    scope = _company_scope(company_id)
    report = figures.build(db.session, {**scope, "locale": str(get_locale())})
    is_owner = owner_membership(company_id, current_user.id) is not None
    choices = {"name": "edition", "label": _("Fair"), "current": str(scope["edition_id"] or ""),
               "options": _company_editions(company_id)} if is_owner else None
    return _page(report, url_for(".company_report_pdf", company_id=company_id, edition=scope["edition_id"]),
                 choices=choices)


@bp.route("/recruiter/companies/<int:company_id>/report.pdf")
@login_required
def company_report_pdf(company_id: int):
    return _pdf(figures.build(db.session, _company_scope(company_id)))


# ---------------------------------------------------------------- a partner


def _partner_scope(partner_id: int) -> dict:
    partner = owned_or_404(_member_of(partner_id, OrganisationKind.partner))
    edition_id = as_id(request.args.get("edition"))
    return {"kind": "partner", "partner_id": partner.id,
            "edition_id": edition_id if edition_id is not None and db.session.get(Edition, edition_id) else None}


def _partner_editions() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Edition.id, Edition.title).where(Edition.status.in_(PUBLIC_STATUSES))
                              .order_by(Edition.starts_at.desc()).limit(50)).all()
    return [("", _("All fairs"))] + [(str(i), t) for i, t in rows]


@bp.route("/partner/organisations/<int:partner_id>/report")
@login_required
def partner_report(partner_id: int):
    scope = _partner_scope(partner_id)
    report = figures.build(db.session, {**scope, "locale": str(get_locale())})
    choices = {"name": "edition", "label": _("Fair"), "current": str(scope["edition_id"] or ""),
               "options": _partner_editions()}
    return _page(report, url_for(".partner_report_pdf", partner_id=partner_id, edition=scope["edition_id"]),
                 choices=choices, back_url=url_for("candidates.adviser_home"), back_label=_("Back to my referrals"))


@bp.route("/partner/organisations/<int:partner_id>/report.pdf")
@login_required
def partner_report_pdf(partner_id: int):
    return _pdf(figures.build(db.session, {**_partner_scope(partner_id), "locale": str(get_locale())}))
