"""Booth chat: public questions and answers, moderation (hide, mute) and private recruiter–candidate chat."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session


def history(session: Session, booth_id: int, viewer_id: int | None) -> list[dict[str, Any]]:
    """The booth's recent public messages as a newcomer sees them (hidden ones left out)."""
    return []
