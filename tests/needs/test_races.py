"""Two people acting on the same proposal at the same moment, each thread with its own connection (a
barrier releases them together): the database keeps one proposal per person and need and one answer per
proposal; the other person gets the translated refusal, never an error page. SQLite and PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from fair.candidates.models import RejectionReason
from fair.needs import services
from fair.needs.models import NeedProposal, ProposalStatus, RecruitmentNeed
from tests.conftest import count
from tests.needs.helpers import post, union_world


@pytest.fixture
def w(app, session, factory):
    return union_world(app, session, factory)


def _together(app, action) -> list[object]:
    """Run `action(index)` in two threads released at once; each result, or the exception it raised."""
    from fair.extensions import db

    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def run(index: int) -> None:
        with app.test_request_context():
            try:
                barrier.wait(timeout=30)
                results[index] = action(index)
                db.session.commit()
            except Exception as error:  # the test shows what each thread got
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_colleagues_proposing_the_same_person_at_once_make_one_proposal(app, session, w):
    from fair.extensions import db

    need_id = post(session, w.union, w.company, w.recruiter).id
    advisers = (w.adviser1.id, w.colleague1.id)

    def propose(index: int):
        need = db.session.get(RecruitmentNeed, need_id)
        return services.propose(db.session, need, adviser_id=advisers[index], candidate_ids=[w.ines.id])

    results = _together(app, propose)
    refused = [r for r in results if isinstance(r, services.NeedRefused)]
    assert len(refused) == 1 and sum(isinstance(r, list) for r in results) == 1, results
    assert "Inès Morel" in refused[0].message or "entre-temps" in refused[0].message
    assert count(session, NeedProposal) == 1


def test_two_recruiters_answering_one_proposal_at_once_record_one_answer(app, session, factory, w):
    from fair.extensions import db

    colleague = factory.person("rh2@example.org", "Rose Recruteuse", w.company)
    need = post(session, w.union, w.company, w.recruiter)
    proposal = NeedProposal(need_id=need.id, candidate_id=w.ines.id, structure_id=w.tremplin.id,
                            adviser_id=w.adviser1.id)
    session.add(proposal)
    session.commit()
    proposal_id, answerers = proposal.id, (w.recruiter.id, colleague.id)

    def answer(index: int):
        found = db.session.get(NeedProposal, proposal_id)
        return services.answer(db.session, found, accepted=index == 0, by_user_id=answerers[index],
                               reason=None if index == 0 else RejectionReason.location)

    results = _together(app, answer)
    refused = [r for r in results if isinstance(r, services.NeedRefused)]
    assert len(refused) == 1 and refused[0].message == "Cette proposition a déjà reçu une réponse.", results
    session.rollback()
    stored = session.execute(select(NeedProposal).execution_options(populate_existing=True)).scalar_one()
    winner = next(i for i, r in enumerate(results) if isinstance(r, NeedProposal))
    assert stored.answered_by_id == answerers[winner]
    assert stored.status == (ProposalStatus.accepted if winner == 0 else ProposalStatus.declined)
