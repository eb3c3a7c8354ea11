"""The rules of recruitment needs: post, propose several people at once, answer each proposal once,
invite the proposed people to book interviews. Services take plain arguments and never commit.

Invariants held by the database: one proposal per person and need (a unique pair: a colleague's
concurrent proposal of the same person fails the insert, caught in a savepoint); one answer per
proposal (a conditional UPDATE from `proposed`: the second answer changes no row); one invitation per
proposal (a conditional UPDATE from no `invited_at`). On SQLite each of these writes first takes the
process's one writer lock (`begin_sqlite_write`), which orders two colleagues acting at once.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from fair import audit, clock
from fair.accounts.consent import ConsentRecord
from fair.accounts.models import Organisation, User
from fair.accounts.reach import Message, reach
from fair.candidates.access import structure_referrals
from fair.candidates.labels import reason_label
from fair.candidates.models import Referral, RejectionReason
from fair.companies.models import Booth
from fair.db import begin_sqlite_write
from fair.mail.outbox import queue_mail
from fair.mail.render import mail_url
from fair.needs.access import structures_in_network
from fair.needs.models import NeedProposal, NeedStatus, ProposalStatus, RecruitmentNeed
from fair.networks.access import member_ids, named_to_network
from fair.teams.services import members

log = logging.getLogger(__name__)

A_PARTNER = _l("a partner")  # in "Proposed by a partner on …"


class NeedRefused(Exception):
    """A change the rules refuse; `message` is shown to the person as it is (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Proposable:
    """A person of the adviser's files, as the proposal form lists them."""

    referral: Referral
    named: bool  # a consent in force to the network: may be proposed
    proposed: bool  # already proposed for this need (by anyone)


def post_need(session: Session, *, network: Organisation, company: Organisation, posted_by_id: int,
              job_title: str, posts: int, starts_on: dt.date, ends_on: dt.date | None, rome_code: str = "",
              place: str = "", requirements: str = "", training_possible: bool = False,
              social_clause: bool = False) -> RecruitmentNeed:
    need = RecruitmentNeed(network_id=network.id, company_id=company.id, posted_by_id=posted_by_id,
                           job_title=job_title, posts=posts, starts_on=starts_on, ends_on=ends_on,
                           rome_code=rome_code.upper(), place=place, requirements=requirements,
                           training_possible=training_possible, social_clause=social_clause)
    session.add(need)
    session.flush()
    audit.record(session, "need.post", need, label=job_title, organisation_id=company.id,
                 details={"network_id": network.id})
    return need


def close_need(session: Session, need: RecruitmentNeed) -> None:
    """No more proposals; the proposals made stay, and may still be answered."""
    if need.status is NeedStatus.open:
        need.status = NeedStatus.closed
        need.closed_at = clock.now()
        session.flush()
        audit.record(session, "need.close", need, label=need.job_title, organisation_id=need.company_id)


def structure_label(structure: Organisation) -> str:
    """How a proposing structure is named to the company: a sensitive one (justice, addiction care,
    health) only as "a partner", so that proposing someone says nothing about their situation."""
    return str(A_PARTNER) if structure.is_sensitive else structure.name


# ---------------------------------------------------------------- proposals

def _file(session: Session, need: RecruitmentNeed, adviser_id: int) -> dict[int, Referral]:
    """The adviser's structures' confirmed referrals, restricted to structures that are members of the
    need's network: one referral per person (the first)."""
    rows = session.execute(
        structure_referrals(adviser_id).where(Referral.partner_id.in_(member_ids(need.network_id)))
        .options(joinedload(Referral.candidate), joinedload(Referral.partner)).order_by(Referral.id)
    ).scalars().all()
    found: dict[int, Referral] = {}
    for referral in rows:
        found.setdefault(referral.candidate_id, referral)
    return found


def _already_proposed(session: Session, need_id: int, candidate_ids: Iterable[int]) -> set[int]:
    ids = list(candidate_ids)
    if not ids:
        return set()
    return set(session.execute(select(NeedProposal.candidate_id).where(
        NeedProposal.need_id == need_id, NeedProposal.candidate_id.in_(ids))).scalars())


def proposable(session: Session, need: RecruitmentNeed, adviser_id: int) -> list[Proposable]:
    """Everyone of the adviser's files, with whether they may be proposed (consent to the network)."""
    file = _file(session, need, adviser_id)
    named = named_people(session, need.network_id, file)
    proposed = _already_proposed(session, need.id, file)
    people = [Proposable(referral, referral.candidate_id in named, referral.candidate_id in proposed)
              for referral in file.values()]
    return sorted(people, key=lambda p: p.referral.candidate.full_name.casefold())


def named_people(session: Session, network_id: int, candidate_ids: Iterable[int]) -> set[int]:
    """Which of these people let the network name them (a consent in force to it)."""
    ids = list(candidate_ids)
    if not ids:
        return set()
    return set(session.execute(named_to_network(network_id).where(ConsentRecord.user_id.in_(ids))).scalars())


def _names(file: dict[int, Referral], ids: Iterable[int]) -> str:
    return ", ".join(sorted(file[i].candidate.full_name for i in ids))


def propose(session: Session, need: RecruitmentNeed, *, adviser_id: int, candidate_ids: Iterable[int],
            note: str = "") -> list[NeedProposal]:
    """Propose several people at once, all or none: each must be in the adviser's structures' files,
    have a consent in force to the need's network, and not be proposed for this need already."""
    wanted = sorted(set(candidate_ids))
    if need.status is not NeedStatus.open:
        raise NeedRefused(str(_l("This need is closed: it takes no more proposals.")))
    if not wanted:
        raise NeedRefused(str(_l("Choose at least one person to propose.")))
    begin_sqlite_write(session)  # SQLite: the process's one writer from here, so the checks below hold
    file = _file(session, need, adviser_id)
    if any(i not in file for i in wanted):
        raise NeedRefused(str(_l("Only people your structure follows, with their agreement, can be proposed.")))
    named = named_people(session, need.network_id, wanted)
    refused = [i for i in wanted if i not in named]
    if refused:
        raise NeedRefused(str(_l(
            "These people have not agreed to be named to this network, so they cannot be proposed: %(names)s.",
            names=_names(file, refused))))
    again = _already_proposed(session, need.id, wanted)
    if again:
        raise NeedRefused(str(_l("Already proposed for this need: %(names)s.", names=_names(file, again))))
    proposals = [NeedProposal(need_id=need.id, candidate_id=i, structure_id=file[i].partner_id,
                              adviser_id=adviser_id, note=note) for i in wanted]
    try:
        with session.begin_nested():
            session.add_all(proposals)
            session.flush()
    except IntegrityError:
        # A colleague proposed one of them meanwhile: the unique pair refused the whole batch.
        log.info("proposal to need %s raced with another for the same person", need.id)
        raise NeedRefused(str(_l("Someone of your list was proposed for this need meanwhile. Nothing was "
                                 "saved: check the list and propose again."))) from None
    _mail_proposals(session, need, proposals)
    return proposals


def _mail_proposals(session: Session, need: RecruitmentNeed, proposals: list[NeedProposal]) -> None:
    """The person who posted the need hears of each batch of proposals, the structure named as on the list."""
    poster = need.posted_by
    if poster is None:
        return
    structure = session.get(Organisation, proposals[0].structure_id)
    locale = poster.locale or "fr"
    with force_locale(locale):
        label = structure_label(structure)
    label = label[:1].upper() + label[1:]  # it starts the sentence
    queue_mail(session, to=poster.email, template="need_proposals", locale=locale,
               context={"name": poster.full_name, "structure": label, "count": len(proposals),
                        "job_title": need.job_title, "network": need.network.name,
                        "link": mail_url("needs.need", need_id=need.id)},
               key=f"need-proposals:{need.id}:{proposals[0].id}")


# How the employer's list may be ordered: the key of each proposal (stable, after the date of proposal).
ORDERS = {
    "status": lambda p: (p.status is not ProposalStatus.proposed, structure_label(p.structure).casefold()),
    "structure": lambda p: structure_label(p.structure).casefold(),
    "date": lambda p: 0,
}


def consolidated(session: Session, need: RecruitmentNeed, order: str = "status") -> list[NeedProposal]:
    """Every proposal of every member structure, by default those waiting for an answer first, then by
    structure; `order` "structure" groups them by proposing structure, "date" keeps the order made."""
    rows = session.execute(
        select(NeedProposal).where(NeedProposal.need_id == need.id)
        .options(joinedload(NeedProposal.candidate), joinedload(NeedProposal.structure),
                 joinedload(NeedProposal.invited_booth))
        .order_by(NeedProposal.created_at, NeedProposal.id)).scalars().all()
    return sorted(rows, key=ORDERS.get(order, ORDERS["status"]))


def waiting_counts(session: Session, need_ids: Iterable[int]) -> dict[int, int]:
    """How many proposals of each need wait for the employer's answer."""
    ids = list(need_ids)
    if not ids:
        return {}
    return dict(session.execute(
        select(NeedProposal.need_id, func.count()).where(NeedProposal.need_id.in_(ids),
                                                         NeedProposal.status == ProposalStatus.proposed)
        .group_by(NeedProposal.need_id)).all())


def structure_proposals(session: Session, need: RecruitmentNeed, adviser_id: int) -> list[NeedProposal]:
    """The proposals of the adviser's structures for this need (every adviser of a structure sees them)."""
    return list(session.execute(
        select(NeedProposal).where(NeedProposal.need_id == need.id, NeedProposal.structure_id.in_(
            structures_in_network(need.network_id, adviser_id)))
        .options(joinedload(NeedProposal.candidate), joinedload(NeedProposal.adviser),
                 joinedload(NeedProposal.invited_booth))
        .order_by(NeedProposal.created_at, NeedProposal.id)).scalars())


def answer(session: Session, proposal: NeedProposal, *, accepted: bool, reason: RejectionReason | None,
           by_user_id: int) -> NeedProposal:
    """The company's one answer: a second one (or a concurrent one) changes nothing and is refused."""
    if not accepted and reason is None:
        raise NeedRefused(str(_l("Choose the reason for declining.")))
    status = ProposalStatus.accepted if accepted else ProposalStatus.declined
    begin_sqlite_write(session)
    changed = session.execute(
        update(NeedProposal)
        .where(NeedProposal.id == proposal.id, NeedProposal.status == ProposalStatus.proposed)
        .values(status=status, decline_reason=None if accepted else reason, answered_at=clock.now(),
                answered_by_id=by_user_id)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise NeedRefused(str(_l("This proposal has already been answered.")))
    session.refresh(proposal)
    audit.record(session, "need.answer", proposal, label=proposal.need.job_title,
                 organisation_id=proposal.need.company_id,
                 details={"status": status.value, "reason": reason.value if reason and not accepted else None})
    _mail_answer(session, proposal)
    return proposal


def _mail_answer(session: Session, proposal: NeedProposal) -> None:
    """Every adviser of the proposing structure is told, each in their language: the person's consent is
    given to the structure, and any of its advisers may act on the answer."""
    need = proposal.need
    for membership in members(session, proposal.structure_id):
        adviser = membership.user
        if adviser.erased_at is not None:
            continue
        locale = adviser.locale or "fr"
        with force_locale(locale):
            reason = reason_label(proposal.decline_reason)
        queue_mail(session, to=adviser.email, template="need_answer", locale=locale,
                   context={"adviser": adviser.full_name, "candidate": proposal.candidate.full_name,
                            "job_title": need.job_title, "company": need.company.name,
                            "accepted": proposal.status is ProposalStatus.accepted, "reason": reason,
                            "link": mail_url("needs.need", need_id=need.id)},
                   key=f"need-answer:{proposal.id}:{adviser.id}")


# ---------------------------------------------------------------- need -> job dating

def invitable(session: Session, need: RecruitmentNeed, *, accepted_only: bool) -> list[NeedProposal]:
    """The proposals to invite: accepted ones, or every one not declined; none already invited."""
    statuses = [ProposalStatus.accepted] if accepted_only else [ProposalStatus.accepted, ProposalStatus.proposed]
    return list(session.execute(
        select(NeedProposal).where(NeedProposal.need_id == need.id, NeedProposal.status.in_(statuses),
                                   NeedProposal.invited_at.is_(None))
        .options(joinedload(NeedProposal.candidate)).order_by(NeedProposal.id)).scalars())


def invite_to_book(session: Session, need: RecruitmentNeed, booth: Booth,
                   proposals: Iterable[NeedProposal]) -> int:
    """Each person is invited to book an interview at the booth (the booth's link by mail or text message,
    through the outbox) and the proposal says so; the booth's booking policy lets them book (fair.jobdating)."""
    if booth.company_id != need.company_id:
        raise NeedRefused(str(_l("Choose one of the company's booths.")))
    begin_sqlite_write(session)
    now = clock.now()
    edition = booth.edition
    count = 0
    for proposal in proposals:
        claimed = session.execute(
            update(NeedProposal).where(NeedProposal.id == proposal.id, NeedProposal.invited_at.is_(None))
            .values(invited_at=now, invited_booth_id=booth.id)
            .execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        session.refresh(proposal)
        candidate: User = proposal.candidate
        context = {"name": candidate.full_name, "company": need.company.name, "job_title": need.job_title,
                   "fair": edition.title,
                   "booth_link": mail_url("public.booth", slug=edition.slug, booth_id=booth.id)}
        # By mail, or by text message to whoever chose it (or has no address): fair.accounts.reach.
        reach(session, candidate, key=f"need-invitation:{proposal.id}", mail=Message("need_invitation", context),
              sms=Message("need_invitation", context), edition_id=edition.id)
        count += 1
    return count

