"""Issue 14 item 4: registering for a webinar needs a confirmed address (staff are not held back)."""
from __future__ import annotations

from fair.accounts.models import User
from fair.db import utcnow
from tests.conftest import page_text
from tests.webinars.helpers import form_token, page_path, signed_in_client, statuses


def _register(client, webinar):
    token = form_token(client, page_path(webinar))
    return client.post(f"/webinars/{webinar.id}/register", data={"csrf_token": token})


def test_an_unconfirmed_candidate_registers_once_confirmed(app, session, world):
    world.candidate.email_confirmed_at = None
    session.commit()
    client = signed_in_client(app, world.candidate)
    refused = _register(client, world.webinar)
    assert refused.status_code == 403
    assert "Confirmez d’abord votre adresse e-mail" in page_text(refused)
    assert statuses(session, world.webinar.id) == {}

    # The requests ended the test's session: the row is read again to change it.
    session.get(User, world.candidate.id).email_confirmed_at = utcnow()
    session.commit()
    again = _register(client, world.webinar)
    assert again.status_code == 302, page_text(again)
    assert statuses(session, world.webinar.id) == {world.candidate.id: "confirmed"}
