"""Pages of recruitment needs: the list of one's needs, posting a need to a network, a need's page (the
company's consolidated list of proposals, or the adviser's proposals), answering, closing, and turning a
need into interviews. Who may is `fair.needs.access`: anyone else gets 404.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from fair import clock
from fair.access import as_id, owned_or_404
from fair.accounts.models import Organisation
from fair.candidates.labels import reason_label
from fair.candidates.models import RejectionReason
from fair.companies.access import recruiter_booth
from fair.companies.models import Booth
from fair.extensions import db
from fair.fairs.models import Edition
from fair.forms import form_status
from fair.jobdating import services as jobdating
from fair.jobdating.forms import fair_days
from fair.jobdating.models import SlotMode
from fair.needs import access, services
from fair.needs.forms import AnswerForm, JobDatingForm, NeedForm, ProposeForm
from fair.needs.models import NeedStatus, ProposalStatus, RecruitmentNeed
from fair.networks.access import coordinated_networks, member_networks, reachable_network
from fair.timezones import fair_zone, local_to_utc

bp = Blueprint("needs", __name__)


def _postable_networks() -> list[tuple[Organisation, list[Organisation]]]:
    """The networks this person may post a need to, each with the employers they may post for."""
    networks = db.session.execute(
        select(Organisation).where(Organisation.id.in_(coordinated_networks(current_user.id))
                                   | Organisation.id.in_(member_networks(current_user.id)))
        .order_by(Organisation.name)).scalars().all()
    found = [(network, access.postable_companies(network.id, current_user.id)) for network in networks]
    return [(network, companies) for network, companies in found if companies]


@bp.context_processor  # the needs pages only
def need_labels() -> dict:
    return {"need_reason_label": reason_label, "structure_label": services.structure_label}


@bp.route("/needs")
@login_required
def index():
    needs = db.session.execute(access.visible_needs(current_user.id)).scalars().all()
    postable = _postable_networks()
    reaches = db.session.execute(select(Organisation.id).where(
        Organisation.id.in_(coordinated_networks(current_user.id))
        | Organisation.id.in_(member_networks(current_user.id))).limit(1)).first()
    if not reaches and not needs:
        abort(404)
    answered = set(db.session.execute(select(RecruitmentNeed.id).where(
        RecruitmentNeed.id.in_([n.id for n in needs]), access.answered_by(current_user.id))).scalars())
    return render_template("needs/index.html", needs=needs, postable=postable,
                           waiting=services.waiting_counts(db.session, answered))


@bp.route("/networks/<int:network_id>/needs/new", methods=["GET", "POST"])
@login_required
def new(network_id: int):
    network = owned_or_404(reachable_network(network_id, current_user.id))
    companies = access.postable_companies(network.id, current_user.id)
    if not companies:
        abort(404)
    form = NeedForm([(str(c.id), c.name) for c in companies],
                    formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        company = next(c for c in companies if str(c.id) == form.company.data)
        need = services.post_need(
            db.session, network=network, company=company, posted_by_id=current_user.id,
            job_title=form.job_title.data, rome_code=form.rome_code.data or "", posts=form.posts.data,
            starts_on=form.starts_on.data, ends_on=form.ends_on.data, place=form.place.data or "",
            requirements=form.requirements.data or "", training_possible=form.training_possible.data,
            social_clause=form.social_clause.data)
        db.session.commit()
        flash(_("The need is posted: the network's member structures can propose people."), "success")
        return redirect(url_for(".need", need_id=need.id))
    return render_template("needs/new.html", network=network, form=form), form_status(form)


def _need_page(need: RecruitmentNeed, *, propose_form: ProposeForm | None = None, error: str | None = None,
               answer_forms: dict | None = None):
    answers = access.answerable_need(need.id, current_user.id) is not None
    proposes = access.proposable_need(need.id, current_user.id) is not None
    context = {"need": need, "answers": answers, "proposes": proposes, "error": error,
               "statuses": ProposalStatus, "open": need.status is NeedStatus.open}
    if answers:
        order = request.args.get("order", "status")
        context["order"] = order if order in services.ORDERS else "status"
        context["proposals"] = services.consolidated(db.session, need, context["order"])
        # Someone who withdrew their consent to the network is no longer named to its members.
        context["named"] = services.named_people(db.session, need.network_id,
                                                 [p.candidate_id for p in context["proposals"]])
        context["answer_forms"] = answer_forms or {}
        context["answer_form"] = AnswerForm(formdata=None)
        context["booths"] = _company_booths(need) if _works_for_company(need) else []
    if proposes:
        context["mine"] = services.structure_proposals(db.session, need, current_user.id)
        context["people"] = services.proposable(db.session, need, current_user.id)
        context["propose_form"] = propose_form or ProposeForm(formdata=None)
        context["chosen"] = {as_id(v) for v in request.form.getlist("candidate")} if propose_form else set()
    failed = error or (propose_form is not None and propose_form.errors) or any(
        f.errors for f in (answer_forms or {}).values())
    return render_template("needs/need.html", **context), (422 if failed else 200)


def _visible(need_id: int) -> RecruitmentNeed:
    return owned_or_404(access.answerable_need(need_id, current_user.id)
                        or access.proposable_need(need_id, current_user.id))


@bp.route("/needs/<int:need_id>")
@login_required
def need(need_id: int):
    return _need_page(_visible(need_id))


@bp.route("/needs/<int:need_id>/proposals", methods=["POST"])
@login_required
def propose(need_id: int):
    found = owned_or_404(access.proposable_need(need_id, current_user.id))
    form = ProposeForm()
    if not form.validate():
        return _need_page(found, propose_form=form)
    ids = [as_id(value) for value in request.form.getlist("candidate")]
    if None in ids:
        return _need_page(found, propose_form=form, error=_("Choose from the list."))
    try:
        made = services.propose(db.session, found, adviser_id=current_user.id, candidate_ids=ids,
                                note=form.note.data or "")
    except services.NeedRefused as refused:
        db.session.rollback()
        return _need_page(found, propose_form=form, error=refused.message)
    db.session.commit()
    flash(ngettext("%(num)d person proposed: the company will answer.",
                   "%(num)d people proposed: the company will answer each of them.", len(made)), "success")
    return redirect(url_for(".need", need_id=found.id) + "#mine")


@bp.route("/needs/<int:need_id>/proposals/<int:proposal_id>/answer", methods=["POST"])
@login_required
def answer(need_id: int, proposal_id: int):
    found = owned_or_404(access.answerable_need(need_id, current_user.id))
    proposal = owned_or_404(access.need_proposal(found, proposal_id))
    form = AnswerForm()
    if not form.validate():
        return _need_page(found, answer_forms={proposal.id: form})
    try:
        services.answer(db.session, proposal, accepted=form.decision.data == "accept",
                        reason=RejectionReason(form.reason.data) if form.decision.data == "decline" else None,
                        by_user_id=current_user.id)
    except services.NeedRefused as refused:
        db.session.rollback()
        return _need_page(found, error=refused.message)
    db.session.commit()
    named = services.named_people(db.session, found.network_id, [proposal.candidate_id])
    flash(_("Answer saved: the adviser who proposed %(name)s is told.",
            name=proposal.candidate.full_name if named else _("this person")), "success")
    return redirect(url_for(".need", need_id=found.id) + f"#proposal-{proposal.id}")


@bp.route("/needs/<int:need_id>/close", methods=["POST"])
@login_required
def close(need_id: int):
    found = owned_or_404(access.answerable_need(need_id, current_user.id))
    services.close_need(db.session, found)
    db.session.commit()
    flash(_("The need is closed: it takes no more proposals."), "success")
    return redirect(url_for(".need", need_id=found.id))


def _works_for_company(need: RecruitmentNeed) -> bool:
    return db.session.execute(select(Organisation.id).where(
        Organisation.id == need.company_id, Organisation.id.in_(access.employers_of(current_user.id)))).first() \
        is not None


def _company_booths(need: RecruitmentNeed) -> list[Booth]:
    """The company's booths in editions that have not ended, where interviews can still be opened."""
    return list(db.session.execute(
        select(Booth).join(Edition, Edition.id == Booth.edition_id)
        .where(Booth.company_id == need.company_id, Edition.ends_at > clock.now())
        .order_by(Edition.starts_at)).scalars())


@bp.route("/needs/<int:need_id>/job-dating", methods=["GET", "POST"])
@login_required
def job_dating(need_id: int):
    """Interview slots at one of the company's booths, and the proposed people invited to book them."""
    found = owned_or_404(access.answerable_need(need_id, current_user.id))
    if not _works_for_company(found):
        abort(404)
    booth = owned_or_404(recruiter_booth(request.values.get("booth"), current_user.id))
    if booth.company_id != found.company_id or booth.edition.ends_at <= clock.now():
        abort(404)
    edition = booth.edition
    form = JobDatingForm(fair_days(edition), formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        tz = fair_zone(edition)
        day = dt.date.fromisoformat(form.day.data)
        people = services.invitable(db.session, found, accepted_only=form.whom.data == "accepted")
        try:
            if not people:
                raise services.NeedRefused(_("Nobody to invite: no proposal matches your choice, or all "
                                             "are invited already."))
            created = jobdating.open_availability(
                db.session, booth=booth, recruiter_id=current_user.id, mode=SlotMode(form.mode.data),
                starts_at=local_to_utc(dt.datetime.combine(day, form.start.data), tz),
                ends_at=local_to_utc(dt.datetime.combine(day, form.end.data), tz),
                slot_minutes=form.slot_minutes.data, buffer_minutes=form.buffer_minutes.data or 0,
                location=form.location.data or "")
            invited = services.invite_to_book(db.session, found, booth, people)
        except jobdating.AvailabilityError as error:
            db.session.rollback()
            form.end.errors = list(form.end.errors) + [str(error.message)]
        except services.NeedRefused as refused:
            db.session.rollback()
            form.whom.errors = list(form.whom.errors) + [refused.message]
        else:
            db.session.commit()
            flash(_("%(slots)d interview slots are open and %(people)d people are invited to book them.",
                    slots=len(created.slots), people=invited), "success")
            return redirect(url_for(".need", need_id=found.id))
    return render_template("needs/job_dating.html", need=found, booth=booth, edition=edition,
                           form=form), form_status(form)
