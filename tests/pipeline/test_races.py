"""The unique pair (company, person) under real concurrency, on SQLite and PostgreSQL: two recruiters
of the company save a rating and a note about the same person at the same moment (a barrier releases
two threads, each with its own connection). Both saves land, in one entry."""
from __future__ import annotations

import threading

from fair.pipeline.models import PipelineEntry, PipelineNote
from tests.conftest import count


def _race(app, company_id: int, candidate_id: int, saves: list[tuple[int, int, str]]) -> list[object]:
    """record() of each (author, rating, note) in its own thread, all released at once: the entry ids."""
    from fair.extensions import db
    from fair.pipeline.services import record

    barrier = threading.Barrier(len(saves))
    results: list[object] = [None] * len(saves)

    def save(index: int, author_id: int, rating: int, note: str) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                entry = record(db.session, company_id=company_id, candidate_id=candidate_id, author_id=author_id,
                               source="desk", rating=rating, note=note)
                db.session.commit()
                results[index] = entry.id
            except Exception as error:  # any failure is shown by the test
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(i, *attempt)) for i, attempt in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_two_colleagues_saving_at_once_make_one_entry_with_both_notes(app, session, pw):
    for n in range(5):  # several rounds: each a fresh race for a new entry
        person = pw.alice if n % 2 == 0 else pw.chloe
        session.query(PipelineEntry).delete()
        session.commit()
        results = _race(app, pw.company_a.id, person.id, [(pw.ra.id, 2, f"round {n} by A"),
                                                          (pw.colleague.id, 5, f"round {n} by colleague")])
        assert all(isinstance(r, int) for r in results), results
        assert results[0] == results[1]
        assert count(session, PipelineEntry) == 1
        assert count(session, PipelineNote, PipelineNote.entry_id == results[0]) == 2
        entry = session.get(PipelineEntry, results[0])
        assert entry.rating in (2, 5) and entry.candidate_id == person.id
