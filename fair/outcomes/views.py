"""Outcome pages.

- Recruiters record a hire for a person met at one of their company's booths: from an interview (the
  interview day's "hired" leads here), an application, or the company's pipeline. Another company's
  person answers 404.
- Advisers see, per person who confirmed their referral, the outcomes and the follow-up answers, record
  an outcome, and answer a follow-up for the person.
- Organisers, companies and partners run training cohorts (`/cohorts`).
- `/follow-up/<token>`: the person answers a follow-up without signing in (a `fair.links` token).
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fair import audit, links
from fair.access import as_id, member_org_ids, owned_or_404, role_required
from fair.accounts.models import Organisation, OrganisationKind, User
from fair.candidates import services as candidates
from fair.candidates.access import referral_by_adviser
from fair.companies.access import member_company, recruiter_booth
from fair.extensions import db, limiter
from fair.forms import FieldErrors, form_status
from fair.jobdating.access import recruiter_booking
from fair.jobdating.models import Outcome as InterviewOutcome
from fair.outcomes import jobs, services
from fair.outcomes.forms import KIND_LABELS, CohortForm, FollowUpForm, OutcomeForm, TraineeForm
from fair.outcomes.models import AnsweredBy, CohortKind, FollowUp, RecordedAs, TrainingCohort
from fair.pipeline import services as pipeline
from fair.timezones import fair_zone
from fair.web import no_store

bp = Blueprint("outcomes", __name__)

recruiter_only = role_required(OrganisationKind.company)
adviser_only = role_required(OrganisationKind.partner)
COHORT_KINDS = (OrganisationKind.organiser, OrganisationKind.company, OrganisationKind.partner)


@bp.app_context_processor
def _words():
    return {"outcome_day": lambda day: format_date(day, "long") if day else "",
            "weekly_hours": lambda value: format_decimal(value, "0.#"),
            "outcome_contract_label": lambda c: str(services.CONTRACT_LABELS.get(c, c)) if c else "",
            "cohort_kind_label": lambda k: str(KIND_LABELS.get(k, k)),
            "follow_up_answer_label": lambda f: (str(services.ANSWER_LABELS[services.choice_of(f)])
                                                 if f.answered_at else "")}


# ---------------------------------------------------------------- recruiters: a hire


def _hire_page(form: OutcomeForm, *, who: str, where: str, action: str, back: str, outcome=None):
    return render_template("outcomes/hire.html", form=form, who=who, where=where, action=action, back=back,
                           outcome=outcome), form_status(form)


def _hire(*, candidate_id: int, company_id: int, edition_id: int | None, who: str, where: str, back: str,
          existing, booking_id: int | None = None, application_id: int | None = None):
    """The hire form of one person met by one company: shows it, or records it (one place: the service)."""
    cohorts = services.trainee_cohorts(db.session, candidate_id)
    if request.method == "GET":
        form = OutcomeForm(formdata=None, cohorts=cohorts)
        if existing is not None:
            form.fill(existing)
        return _hire_page(form, who=who, where=where, action=request.path, back=back, outcome=existing)
    form = OutcomeForm(cohorts=cohorts)
    if not form.validate():
        return _hire_page(form, who=who, where=where, action=request.path, back=back, outcome=existing)
    outcome = services.record(db.session, candidate_id=candidate_id, details=form.details(),
                              recorded_as=RecordedAs.recruiter, recorded_by_id=current_user.id,
                              edition_id=edition_id, company_id=company_id, booking_id=booking_id,
                              application_id=application_id, existing=existing)
    # No name in the log: the outcome's number and contract say what was done.
    audit.record(db.session, "outcome.hire", outcome, label=outcome.contract.value, organisation_id=company_id)
    db.session.commit()
    flash(_("The hire is recorded. %(name)s will be asked how it goes at the start, then after 1, 3 and 6 months.",
            name=who), "success")
    return redirect(back)


@bp.route("/recruiter/interviews/<int:booking_id>/hire", methods=["GET", "POST"])
@recruiter_only
def hire_booking(booking_id: int):
    booking = owned_or_404(recruiter_booking(booking_id, current_user.id))
    if booking.outcome is not InterviewOutcome.hired:
        abort(404)  # the interview day records "hired" first; this form says how
    day = booking.starts_at.astimezone(fair_zone(booking.booth.edition)).date().isoformat()
    return _hire(candidate_id=booking.candidate_id, company_id=booking.booth.company_id,
                 edition_id=booking.edition_id, who=booking.candidate.full_name,
                 where=booking.booth.edition.title, back=url_for("jobdating.recruiter_day", day=day),
                 existing=services.outcome_of_booking(db.session, booking), booking_id=booking.id)


@bp.route("/recruiter/booths/<int:booth_id>/applications/<int:application_id>/hire", methods=["GET", "POST"])
@recruiter_only
def hire_application(booth_id: int, application_id: int):
    booth = owned_or_404(recruiter_booth(booth_id, current_user.id))
    application = owned_or_404(candidates.application_of_booth(booth, application_id))
    who = (_("Applicant no. %(number)s", number=candidates.pseudonym(application))
           if candidates.is_anonymised(application) else application.candidate.full_name)
    return _hire(candidate_id=application.candidate_id, company_id=booth.company_id, edition_id=booth.edition_id,
                 who=who, where=application.offer.title,
                 back=url_for("candidates.inbox_application", booth_id=booth.id, application_id=application.id),
                 existing=services.outcome_of_application(db.session, application), application_id=application.id)


@bp.route("/recruiter/companies/<int:company_id>/pipeline/people/<int:candidate_id>/hire", methods=["GET", "POST"])
@recruiter_only
def hire_pipeline(company_id: int, candidate_id: int):
    company = owned_or_404(member_company(company_id, current_user.id))
    if not pipeline.has_met(db.session, company.id, candidate_id) or \
            not pipeline.known_by_name(db.session, company.id, candidate_id):
        abort(404)
    entry = pipeline.entry_of(db.session, company.id, candidate_id)
    person = db.session.get(User, candidate_id)
    return _hire(candidate_id=candidate_id, company_id=company.id, edition_id=entry.edition_id if entry else None,
                 who=person.full_name, where=company.name,
                 back=url_for("pipeline.company_pipeline", company_id=company.id) + f"#person-{candidate_id}",
                 existing=services.company_outcome(db.session, company.id, candidate_id))


# ---------------------------------------------------------------- advisers


def _followed(referral_id: int):
    referral = owned_or_404(referral_by_adviser(referral_id, current_user.id))
    return owned_or_404(services.followed_referral(db.session, referral))


def _person_page(referral, form: OutcomeForm, status: int | None = None):
    outcomes = services.outcomes_of(db.session, referral.candidate_id)
    follow_ups = services.follow_ups_of(db.session, [o.id for o in outcomes])
    return render_template("outcomes/person.html", referral=referral, outcomes=outcomes, follow_ups=follow_ups,
                           form=form, answer_form=FollowUpForm(formdata=None), employer_of=services.employer_of,
                           ), status or form_status(form)


@bp.route("/adviser/referrals/<int:referral_id>/outcomes", methods=["GET", "POST"])
@adviser_only
def adviser_person(referral_id: int):
    referral = _followed(referral_id)
    cohorts = services.trainee_cohorts(db.session, referral.candidate_id)
    if request.method == "GET":
        return _person_page(referral, OutcomeForm(formdata=None, cohorts=cohorts, adviser=True))
    form = OutcomeForm(cohorts=cohorts, adviser=True)
    if not form.validate():
        return _person_page(referral, form)
    services.record(db.session, candidate_id=referral.candidate_id, details=form.details(),
                    recorded_as=RecordedAs.adviser, recorded_by_id=current_user.id)
    db.session.commit()
    flash(_("The outcome is recorded."), "success")
    return redirect(url_for(".adviser_person", referral_id=referral.id))


@bp.route("/adviser/referrals/<int:referral_id>/follow-ups/<int:follow_up_id>", methods=["POST"])
@adviser_only
def adviser_answer(referral_id: int, follow_up_id: int):
    """The adviser answers for the person (a phone call, a meeting): answered_by adviser."""
    referral = _followed(referral_id)
    follow_up = db.session.get(FollowUp, as_id(follow_up_id) or 0)
    if follow_up is None or follow_up.outcome.candidate_id != referral.candidate_id:
        abort(404)
    form = FollowUpForm()
    if not form.validate():
        flash(next(iter(form.errors.values()))[0], "error")
        db.session.rollback()
        return redirect(url_for(".adviser_person", referral_id=referral.id) + f"#follow-up-{follow_up.id}")
    services.answer(db.session, follow_up, form.answer.data, form.chosen_contract(), by=AnsweredBy.adviser,
                    by_user_id=current_user.id)
    jobs.tell_advisers(db.session, follow_up, except_user_id=current_user.id)
    db.session.commit()
    flash(_("The answer is recorded."), "success")
    return redirect(url_for(".adviser_person", referral_id=referral.id) + f"#follow-up-{follow_up.id}")


# ---------------------------------------------------------------- training cohorts


def _cohort_organisations() -> list[Organisation]:
    ids = [i for kind in COHORT_KINDS for i in member_org_ids(kind)]
    if not ids:
        abort(404)
    return list(db.session.query(Organisation).filter(Organisation.id.in_(ids)).order_by(Organisation.name))


def _editions(organisations):
    seen, editions = set(), []
    for organisation in organisations:
        for edition in services.cohort_editions(db.session, current_user.id, organisation):
            if edition.id not in seen:
                seen.add(edition.id)
                editions.append(edition)
    return editions


@bp.route("/cohorts", methods=["GET", "POST"])
@login_required
def cohorts():
    organisations = _cohort_organisations()
    editions = _editions(organisations)
    form = CohortForm(organisations, editions, formdata=None if request.method == "GET" else request.form)
    if request.method == "POST" and form.validate():
        organisation = next(o for o in organisations if str(o.id) == form.organisation_id.data)
        cohort = services.create_cohort(
            db.session, organisation, name=form.name.data, kind=CohortKind(form.kind.data),
            starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            edition_id=int(form.edition_id.data) if form.edition_id.data else None, created_by_id=current_user.id)
        audit.record(db.session, "cohort.create", cohort, organisation_id=organisation.id)
        db.session.commit()
        flash(_("The cohort is created: add its trainees."), "success")
        return redirect(url_for(".cohort", cohort_id=cohort.id))
    return render_template("outcomes/cohorts.html", form=form,
                           cohorts=services.cohorts_of(db.session, [o.id for o in organisations])), form_status(form)


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@login_required
def cohort(cohort_id: int):
    organisations = _cohort_organisations()
    found = db.session.get(TrainingCohort, as_id(cohort_id) or 0)
    if found is None or found.organisation_id not in {o.id for o in organisations}:
        abort(404)
    form = TraineeForm(formdata=None if request.method == "GET" else request.form)
    if request.method == "POST" and form.validate():
        person = services.find_known_person(db.session, found.organisation, form.email.data)
        if person is None:
            form.email.errors.append(_("This address is not one of the people your organisation met or follows."))
        else:
            as_adviser = found.organisation.kind is OrganisationKind.partner
            try:
                services.add_trainee(db.session, found, person, recorded_by_id=current_user.id,
                                     recorded_as=RecordedAs.adviser if as_adviser else RecordedAs.recruiter)
            except FieldErrors as error:
                db.session.rollback()
                form.email.errors.extend(error.errors["email"])
            else:
                audit.record(db.session, "cohort.add_trainee", found, organisation_id=found.organisation_id)
                db.session.commit()
                flash(_("%(name)s is a trainee of this cohort.", name=person.full_name), "success")
                return redirect(url_for(".cohort", cohort_id=found.id))
    return render_template("outcomes/cohort.html", cohort=found, form=form,
                           trainees=services.trainees(db.session, found),
                           employer_of=services.employer_of), form_status(form)


# ---------------------------------------------------------------- the person's answer, without signing in


def _rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


def _refused(reason: str, status: int):
    db.session.rollback()
    return no_store(current_app.make_response((render_template("outcomes/refused.html", reason=reason), status)))


def _follow_up_page(follow_up: FollowUp, form: FollowUpForm, token: str, status: int = 200, recorded: bool = False):
    return no_store(current_app.make_response((render_template(
        "outcomes/follow_up.html", follow_up=follow_up, outcome=follow_up.outcome, form=form, token=token,
        recorded=recorded, employer=services.employer_of(follow_up.outcome)), status)))


def _record_answer(token: str, choice: str, contract) -> FollowUp:
    follow_up = services.open_follow_up(db.session, token, use=True)
    services.answer(db.session, follow_up, choice, contract, by=AnsweredBy.person, by_user_id=None)
    jobs.tell_advisers(db.session, follow_up)
    db.session.commit()
    return follow_up


@bp.route("/follow-up/<token>/<choice>")
@limiter.limit(_rate_limit)
def follow_up_tap(token: str, choice: str):
    """One tap from the mail: "yes, same contract" and "no" are recorded at once; "another contract"
    opens the page to say which."""
    try:
        follow_up = services.open_follow_up(db.session, token, use=False)
    except links.LinkRefused as exc:
        return _refused(exc.reason.value, links.REFUSAL_STATUS[exc.reason])
    if choice not in services.ANSWERS:
        return _refused("answer", 400)
    form = FollowUpForm(formdata=None, answer=choice)
    if choice == services.OTHER:
        return _follow_up_page(follow_up, form, token)
    try:
        follow_up = _record_answer(token, choice, None)
    except links.LinkRefused as exc:
        return _refused(exc.reason.value, links.REFUSAL_STATUS[exc.reason])
    return _follow_up_page(follow_up, form, token, recorded=True)


@bp.route("/follow-up/<token>", methods=["GET", "POST"])
@limiter.limit(_rate_limit)
def follow_up(token: str):
    try:
        follow_up = services.open_follow_up(db.session, token, use=False)
    except links.LinkRefused as exc:
        return _refused(exc.reason.value, links.REFUSAL_STATUS[exc.reason])
    if request.method == "GET":
        return _follow_up_page(follow_up, FollowUpForm(formdata=None, answer=services.choice_of(follow_up)), token)
    form = FollowUpForm()
    if not form.validate():
        db.session.rollback()
        return _follow_up_page(follow_up, form, token, status=422)
    try:
        follow_up = _record_answer(token, form.answer.data, form.chosen_contract())
    except links.LinkRefused as exc:
        return _refused(exc.reason.value, links.REFUSAL_STATUS[exc.reason])
    return _follow_up_page(follow_up, form, token, recorded=True)
