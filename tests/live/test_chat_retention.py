"""Booth chats are not kept for ever: LIVE_CHAT_RETENTION_DAYS after a fair ends, its public
messages, private conversations and mutes are deleted by a daily job (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fair.db import utcnow
from fair.live.chat import ChatMessage, ChatMute, ChatRole, PrivateMessage
from tests.live.conftest import make_person


def _chat(session, booth, recruiter, candidate) -> None:
    session.add_all([
        ChatMessage(booth_id=booth.id, author_id=candidate.id, role=ChatRole.candidate, text="Vous recrutez ?"),
        ChatMessage(booth_id=booth.id, author_id=recruiter.id, role=ChatRole.recruiter, text="Oui, 3 postes."),
        PrivateMessage(booth_id=booth.id, recruiter_id=recruiter.id, candidate_id=candidate.id, from_recruiter=True,
                       text="Votre numéro ?"),
        ChatMute(booth_id=booth.id, user_id=candidate.id, muted_by_id=recruiter.id),
    ])
    session.commit()


def _rows(session, booth_id: int) -> list[int]:
    counts = [session.execute(select(func.count()).select_from(model).where(model.booth_id == booth_id)).scalar_one()
              for model in (ChatMessage, PrivateMessage, ChatMute)]
    session.rollback()
    return counts


def test_the_chat_of_a_fair_ended_long_ago_is_deleted(app, session, factory,
                                                                                      live_world, valkey):
    from fair.live.jobs import purge_chat

    w = live_world
    ended = factory.edition(factory.organisation("organiser", name="Ancien salon"), status="archived",
                            starts_at=utcnow() - dt.timedelta(days=41), ends_at=utcnow() - dt.timedelta(days=40))
    recently = factory.edition(factory.organisation("organiser", name="Salon récent"), status="archived",
                               starts_at=utcnow() - dt.timedelta(days=11), ends_at=utcnow() - dt.timedelta(days=10))
    old_booth, recent_booth = factory.booth(ended, w.company_a), factory.booth(recently, w.company_a)
    candidate = make_person(session, "ancienne@example.org", "Ancienne Candidate")
    for booth in (old_booth, recent_booth, w.booth_a):
        _chat(session, booth, w.recruiter_a, candidate)

    assert app.config["LIVE_CHAT_RETENTION_DAYS"] == 30
    assert purge_chat() == {"messages": 2, "private": 1, "mutes": 1}
    assert _rows(session, old_booth.id) == [0, 0, 0]
    assert _rows(session, recent_booth.id) == [2, 1, 1]  # ended 10 days ago: kept for now
    assert _rows(session, w.booth_a.id) == [2, 1, 1]  # the fair running now

    app.config["LIVE_CHAT_RETENTION_DAYS"] = 0  # an organiser's platform that keeps chats
    assert purge_chat() == {}
    assert _rows(session, recent_booth.id) == [2, 1, 1]
