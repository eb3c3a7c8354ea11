"""Erasure leaves nothing: a candidate who used every feature deletes their account at /account/delete;
afterwards no text, varchar, JSON or binary column of any table, no file of the upload folder, no mail
of the outbox and no log line written meanwhile holds any of their values. The same scan before the
erasure finds every one of them, so the check can fail. The edition's figures stay the same."""
from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale

from tests.conftest import PASSWORD, login, post_form, run_jobs
from tests.privacy.erasure_world import EMAIL, VALUES, Captured, build, scan_database, scan_files

ALL = set(VALUES)
# Where values are found before erasure but the scan cannot reach: the CV's text is in the file only.
IN_DATABASE = ALL - {"cv_text"}


def _figures(session, world) -> str:
    """Who the fair reached (the interview fill rate is not compared here: the person's future
    interview is cancelled and its slot freed for someone else, as it should be)."""
    from fair.candidates.services import edition_statistics

    session.expire_all()
    stats = edition_statistics(world.edition)
    session.rollback()
    return repr(stats)


def _upload_folder(app) -> Path:
    from fair.candidates.storage import upload_folder

    return upload_folder().parent


def test_a_person_who_deletes_their_account_leaves_nothing(app, session, factory, client, smtp):
    from fair.accounts.models import User
    from fair.jobdating.models import Booking, BookingStatus
    from fair.live import chat

    world = build(app, session, factory)
    candidate_id = world.candidate.id
    before = scan_database(session, VALUES)
    assert set(before) == IN_DATABASE, f"missing before erasure: {IN_DATABASE - set(before)}"
    assert "cv_text" in scan_files(_upload_folder(app), VALUES)
    figures = _figures(session, world)
    smtp.clear()

    login(client, EMAIL)
    # The person downloads nothing yet but has an export built: its zip must leave the disk too.
    assert post_form(client, "/account/export", {}).status_code == 303
    run_jobs(app)
    exports = _upload_folder(app) / "exports"
    assert len(list(exports.glob("*.zip"))) == 1
    smtp.clear()
    page = client.get("/account/delete")
    assert page.status_code == 200
    wrong = post_form(client, "/account/delete", {"password": "not the password"})
    assert wrong.status_code == 422
    with Captured() as logs:
        response = post_form(client, "/account/delete", {"password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/deleted")
        run_jobs(app)  # the CV file leaves the disk; the recruiter is told of the cancelled interview
    assert logs.lines, "the capture saw the application's log lines"
    assert logs.found(VALUES) == []

    assert scan_database(session, VALUES) == {}
    assert scan_files(_upload_folder(app), VALUES) == {}
    assert list(exports.glob("*.zip")) == []
    assert _figures(session, world) == figures

    # The account is a tombstone: nobody can sign in with the old address or any password.
    session.expire_all()
    tombstone = session.get(User, candidate_id)
    assert tombstone.erased_at is not None and not tombstone.is_active_account
    assert client.get("/account").status_code == 302
    assert post_form(client, "/login", {"email": EMAIL, "password": PASSWORD}).status_code != 302

    # The future interview was cancelled as the person would have, and the recruiter was told.
    booking = session.get(Booking, world.booking.id)
    assert booking.status == BookingStatus.cancelled
    [notice] = smtp.wait_for("recruiter@example.org")
    parts = "".join(str(part.get_content()) for part in notice.walk() if not part.is_multipart())
    assert "METHOD:CANCEL" in parts and "Compte supprimé" in parts and VALUES["name"] not in parts
    # The adviser learns the referral ended, without the person's name.
    [ended] = smtp.wait_for("adviser@example.org")
    assert VALUES["name"] not in ended.as_string()
    assert ended["Subject"] == "Une personne que vous accompagniez a supprimé son compte"
    # In the booth chat, the person reads "Deleted account".
    with force_locale("en"):
        [message] = chat.history(session, world.live_booth.id, None)
    assert message["author"] == "Deleted account"
    with force_locale("fr"):
        [message] = chat.history(session, world.live_booth.id, None)
    assert message["author"] == "Compte supprimé"
    session.rollback()
