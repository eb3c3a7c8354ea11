"""Helpers of the webinar tests: signed-in clients without a password round-trip, many candidates."""
from __future__ import annotations

from tests.conftest import csrf_token as form_token  # noqa: F401  (the one CSRF reader, under its old name)


def signed_in_client(app, user):
    """A test client signed in as this user, as after logging in: a server-side session row and the
    signed cookie naming it (the one way tests make a session without the login form)."""
    from tests.live.server import session_cookie

    client = app.test_client()
    name, _, value = session_cookie(app, user).partition("=")
    client.set_cookie(name, value)
    return client


def page_path(webinar) -> str:
    return f"/fairs/{webinar.edition.slug}/webinars/{webinar.id}"


def statuses(session, webinar_id: int) -> dict[int, str]:
    from sqlalchemy import select

    from fair.webinars.models import WebinarRegistration

    session.expire_all()
    return {r.user_id: r.status.value for r in session.execute(
        select(WebinarRegistration).where(WebinarRegistration.webinar_id == webinar_id)).scalars()}
