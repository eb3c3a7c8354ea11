"""A second channel joins the outbox without touching it: its rows are queued after commit, claimed,
sent in the same batches as mail, retried after a temporary failure, and given up on a permanent one,
exactly as mail rows are (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from fair.mail import outbox
from fair.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import run_jobs
from tests.workers.test_faults import scheduled


class NoteBoard:
    """A channel's far end: keeps what it receives; refuses some numbers for now, some for good."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.busy: set[str] = set()
        self.closed = 0

    def sender(self, session):
        board = self

        class Sender:
            def send(self, row):
                if row.to_address.startswith("+00"):
                    raise outbox.PermanentFailure("no such number")
                if row.to_address in board.busy:
                    raise outbox.TemporaryFailure("try later")
                board.received.append((row.to_address, row.text_body))

            def close(self):
                board.closed += 1

        return Sender()


@pytest.fixture
def board():
    board = NoteBoard()
    outbox.register_channel(outbox.Channel(
        "note", lambda template, locale, context: ("", f"{template}: {context['text']}", None), board.sender))
    yield board
    outbox.CHANNELS.pop("note")


def _status(session, key: str) -> OutboxStatus:
    status = session.execute(select(OutboxMessage.status).where(OutboxMessage.idempotency_key == key)).scalar_one()
    session.rollback()
    return status


def test_a_second_channel_goes_through_the_same_outbox(app, session, smtp, board):
    outbox.queue_mail(session, to="+33612345678", template="rappel", locale="fr", context={"text": "demain 9 h"},
                      key="note-1", channel="note")
    outbox.queue_mail(session, to="+33699999999", template="rappel", locale="fr", context={"text": "demain 10 h"},
                      key="note-busy", channel="note")
    outbox.queue_mail(session, to="+0000", template="rappel", locale="fr", context={"text": "?"},
                      key="note-wrong", channel="note")
    outbox.queue_mail(session, to="personne@example.org", template="reset_password", locale="fr",
                      context={"user": type("U", (), {"full_name": "Camille"})(), "link": "http://fair.test/r/x",
                               "minutes": 60}, key="mail-1")
    board.busy.add("+33699999999")
    run_jobs(app)
    assert board.received == []  # nothing before the commit
    session.commit()
    run_jobs(app)

    assert board.received == [("+33612345678", "rappel: demain 9 h")]
    assert board.closed == 1  # one connection for the batch
    smtp.wait_for("personne@example.org")  # the mail of the same batch went too
    assert [_status(session, k) for k in ("note-1", "note-busy", "note-wrong", "mail-1")] == [
        OutboxStatus.sent, OutboxStatus.failed_temporary, OutboxStatus.failed_permanent, OutboxStatus.sent]
    [(retry, _delay)] = scheduled()  # the busy one is planned again, as a mail would be
    busy_id = session.execute(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == "note-busy")).scalar_one()
    assert retry.args == ([busy_id],)
