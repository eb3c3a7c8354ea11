"""Error pages render without the database (issue 14, item 17).

The database goes away in the middle of a request made by a signed-in person: the user was loaded
from it, then the next statement cannot reach it. The "retry later" page must still come out (it
once asked the user's language of the dead database and turned into a 500), and so must the other
error pages, which carry the site's header and footer.
"""
from __future__ import annotations

import pytest
from flask import abort
from flask_login import current_user
from sqlalchemy import create_engine, select

from fair.accounts.models import Membership, MembershipRole, User
from fair.extensions import db
from tests.conftest import login, page_text
from tests.servers import free_port


@pytest.fixture
def database_goes_away(app, monkeypatch, tmp_path):
    """Routes that load the signed-in user, then find the database unreachable."""
    url = db.engine.url
    if url.get_backend_name() == "postgresql":
        dead_url = url.set(host="127.0.0.1", port=free_port())  # nothing listens there
    else:
        dead_url = url.set(database=str(tmp_path / "no-such-directory" / "fair.db"))  # cannot be opened
    dead = create_engine(dead_url)

    def route(then):
        assert current_user.is_authenticated and current_user.locale == "en"  # loaded from the database
        db.session.commit()  # hands its connection back, as a page between two statements does
        monkeypatch.setattr(db.engine, "pool", dead.pool)
        then()

    def query():
        db.session.execute(select(1))

    def missing():
        db.session.expire_all()  # what a rollback does: the next read of the user needs the database
        abort(404)

    app.add_url_rule("/test/down-then-query", "down_then_query", lambda: route(query))
    app.add_url_rule("/test/down-then-missing", "down_then_missing", lambda: route(missing))
    yield
    monkeypatch.undo()
    dead.dispose()


@pytest.fixture
def signed_in(database_goes_away, client, factory):
    """A person with two roles, signed in, once the routes above exist."""
    organiser = factory.organisation("organiser", name="Métropole")
    company = factory.organisation("company", name="Boulangerie")
    factory.member(organiser, email="two-roles@example.org", locale="en")
    user = factory.session.scalar(select(User).where(User.email == "two-roles@example.org"))
    factory.session.add(Membership(user=user, organisation=company, role=MembershipRole.member))
    factory.session.commit()
    login(client, "two-roles@example.org")
    client.delete_cookie("lang")  # the language comes from the person's account
    return client


def test_a_database_lost_mid_request_gives_the_retry_later_page_not_a_500(signed_in):
    response = signed_in.get("/test/down-then-query")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    # The person's language (English) could not be read: the page is in the instance's default, French.
    assert "Service momentanément indisponible" in page_text(response)


def test_an_error_page_with_the_site_header_renders_while_the_database_is_down(signed_in):
    response = signed_in.get("/test/down-then-missing")
    assert response.status_code == 404
    text = page_text(response)
    assert "Page introuvable" in text
    # Who is signed in could not be read: the menu is an anonymous visitor's, the footer is there.
    assert "Se connecter" in text and "Espace organisateur" not in text
    assert "Mentions légales" in text
