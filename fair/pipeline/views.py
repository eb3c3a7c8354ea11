"""The company's pipeline (`/recruiter/companies/<id>/pipeline`), its CSV, the note form of each
person there, and the helpers the desk, the inbox and the interview day use to show the company's
panel on a person. The company is looked up among the signed-in person's own: anyone else gets 404.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from fair import clock
from fair.access import owned_or_404, role_required
from fair.accounts.models import Organisation, OrganisationKind
from fair.candidates import followup
from fair.companies.access import member_company, recruiter_booth
from fair.exports.services import request_export
from fair.extensions import db
from fair.forms import form_status
from fair.live import services as live_services
from fair.pipeline import exports as pipeline_exports
from fair.pipeline import services
from fair.pipeline.forms import PipelineForm, save

bp = Blueprint("pipeline", __name__)

recruiter_only = role_required(OrganisationKind.company)
PAGE_SIZE = 50
SOURCE_LABELS = {"desk": _l("at the live desk"), "interview": _l("after an interview"),
                 "inbox": _l("in the applications"), "pipeline": _l("in the pipeline")}


@bp.app_context_processor
def pipeline_words() -> dict[str, Any]:
    return {
        "rating_choices": [("", "—")] + [(str(n), f"{n}/5") for n in services.RATINGS],
        "next_step_choices": [("", "—")] + [(s.value, str(label)) for s, label in services.NEXT_STEP_LABELS.items()],
        "next_step_label": services.next_step_label,
        "note_source_label": lambda source: str(SOURCE_LABELS.get(source, "")),
        "pipeline_panel": _panel_for_member,
        "pipeline_desk_met": _desk_met,
    }


def _panel_for_member(company_id: int, candidate_id: int, key: str, hidden: bool = False):
    """The company's panel on a person, for a page of the company; None for anyone not its member."""
    if not current_user.is_authenticated or member_company(company_id, current_user.id) is None:
        return None
    return services.panel(db.session, company_id=company_id, candidate_id=candidate_id, key=key, hidden=hidden)


def _desk_met(booth) -> list[tuple[Any, str, services.Panel]]:
    """The desk's recent calls: (queue entry, the label the desk shows, the company's panel on the person).
    In an anonymised fair the panel hides what the company wrote about a person it knows by name."""
    if not current_user.is_authenticated or member_company(booth.company_id, current_user.id) is None:
        return []
    anonymised = bool(booth.edition.anonymised_applications)
    return [(call, live_services.candidate_label(call, anonymised),
             services.panel(db.session, company_id=booth.company_id, candidate_id=call.candidate_id,
                            key=f"q{call.id}", hidden=anonymised))
            for call in services.met_at_desk(db.session, booth.id)]


@bp.route("/live/booths/<int:booth_id>/met")
@recruiter_only
def desk_met(booth_id: int):
    """The desk's "people met" section alone, which the desk reloads after a call ends."""
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    response = Response(render_template("pipeline/_desk_met.html", booth=booth))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/live/booths/<int:booth_id>/met/<int:entry_id>", methods=["POST"])
@recruiter_only
def desk_record(booth_id: int, entry_id: int):
    """Save the form of a call. The desk posts it in the background (it stays open, so the recruiter
    stays available) and shows the section answered; without script, the desk is loaded again."""
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    call = owned_or_404(services.desk_call(db.session, booth.id, entry_id))
    form = PipelineForm()
    in_background = request.headers.get("X-Requested-With") == "fetch"
    if not form.validate():
        template = "pipeline/_desk_met.html" if in_background else "pipeline/desk_record.html"
        return render_template(template, booth=booth, met_failed=call.id, met_form=form), 422
    save(form, db.session, company_id=booth.company_id, candidate_id=call.candidate_id, author_id=current_user.id,
         source="desk", edition_id=call.edition_id)
    db.session.commit()
    if in_background:
        return render_template("pipeline/_desk_met.html", booth=booth, met_saved=True)
    flash(_("Saved for your colleagues."), "success")
    return redirect(url_for("live.desk", booth_id=booth.id) + "#met-title")


def _my_company(company_id: int) -> Organisation:
    return owned_or_404(member_company(company_id, current_user.id))


def _filters(company: Organisation, editions) -> services.PipelineFilters:
    filters = services.PipelineFilters()
    edition = request.args.get("edition", "")
    if edition.isdigit() and int(edition) in {e.id for e in editions}:
        filters.edition_id = int(edition)
    step = request.args.get("step", "")
    if step == services.TODO or step in {s.value for s in services.NEXT_STEP_LABELS}:
        filters.next_step = step
    rating = request.args.get("rating", "")
    if rating in {str(n) for n in services.RATINGS}:
        filters.min_rating = int(rating)
    return filters


@bp.route("/recruiter/pipeline")
@recruiter_only
def mine():
    """The menu's link: the pipeline of the person's company (the first, if they belong to several)."""
    companies = services.member_companies(db.session, current_user.id)
    return redirect(url_for(".company_pipeline", company_id=companies[0].id))


@bp.route("/recruiter/companies/<int:company_id>/pipeline")
@recruiter_only
def company_pipeline(company_id: int):
    return _render_pipeline(_my_company(company_id))


def _render_pipeline(company: Organisation, failed: int | None = None, form: PipelineForm | None = None):
    editions = services.company_editions(db.session, company.id)
    filters = _filters(company, editions)
    raw = request.args.get("page", "1")
    page = int(raw) if raw.isdigit() and 0 < len(raw) < 6 and int(raw) > 0 else 1
    rows, total = services.pipeline(db.session, company.id, filters, page, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template(
        "pipeline/pipeline.html", company=company, rows=rows, total=total, page=page, pages=pages,
        filters=filters, query=filters.query(), editions=editions,
        companies=services.member_companies(db.session, current_user.id),
        todo=services.todo_count(db.session, company.id), failed=failed, form=form, now=clock.now(),
        panel_of=lambda row: services.Panel(key=f"c{row.candidate_id}", entry=row.entry, notes=row.notes,
                                             show_current=False),
        status_text=pipeline_exports.status_text,
        referrers=followup.referrers_of(db.session, [row.candidate_id for row in rows if row.named]),
    ), form_status(form)


@bp.route("/recruiter/companies/<int:company_id>/pipeline.csv", methods=["POST"])
@recruiter_only
def company_pipeline_csv(company_id: int):
    """Starts the CSV of the filtered view as an export job and leads to its progress page."""
    company = _my_company(company_id)
    filters = _filters(company, services.company_editions(db.session, company.id))
    export = request_export(db.session, user=current_user, kind=pipeline_exports.KIND,
                            params=pipeline_exports.params_of(company.id, filters), locale=str(get_locale()))
    db.session.commit()
    return redirect(url_for("export_files.show", export_id=export.id), 303)


@bp.route("/recruiter/companies/<int:company_id>/pipeline/people/<int:candidate_id>", methods=["POST"])
@recruiter_only
def record_person(company_id: int, candidate_id: int):
    company = _my_company(company_id)
    if not services.has_met(db.session, company.id, candidate_id):
        abort(404)
    form = PipelineForm()
    if not form.validate():
        return _render_pipeline(company, failed=candidate_id, form=form)
    save(form, db.session, company_id=company.id, candidate_id=candidate_id, author_id=current_user.id,
         source="pipeline")
    db.session.commit()
    flash(_("Saved for your colleagues."), "success")
    return redirect(url_for(".company_pipeline", company_id=company.id, **request.args) + f"#person-{candidate_id}")
