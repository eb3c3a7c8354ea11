"""Helpers of the webinar tests: signed-in clients without a password round-trip, many candidates."""
from __future__ import annotations

from tests.conftest import csrf_token as form_token  # noqa: F401  (the one CSRF reader, under its old name)


def signed_in_client(app, user):
    """A test client whose session is this user's, as after logging in (Flask-Login's session keys)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def page_path(webinar) -> str:
    return f"/fairs/{webinar.edition.slug}/webinars/{webinar.id}"


def statuses(session, webinar_id: int) -> dict[int, str]:
    from sqlalchemy import select

    from fair.webinars.models import WebinarRegistration

    session.expire_all()
    return {r.user_id: r.status.value for r in session.execute(
        select(WebinarRegistration).where(WebinarRegistration.webinar_id == webinar_id)).scalars()}
