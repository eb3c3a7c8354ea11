"""One-click unsubscribe (RFC 8058, RFC 2369): a bulk invitation carries List-Unsubscribe and
List-Unsubscribe-Post and a visible link; a GET (what mail scanners do) changes nothing; the mail
client's POST (no cookie, no CSRF token) unsubscribes; the organiser's next list skips the address
and says so, and transactional mail (a reminder) still reaches it."""
from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from tests.conftest import count, csrf_token, login, page_text, run_jobs

CSV = b"email;nom;langue\nana@example.org;Ana Lima;fr\nben@example.org;Ben Okafor;en\n"


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_URL": smtp.url}


@pytest.fixture
def edition(factory):
    organiser = factory.organisation("organiser", "Métropole emploi")
    factory.member(organiser, email="organiser@example.org")
    return factory.edition(organiser, title="Rencontres pour l'emploi",
                           starts_at=dt.datetime(2031, 3, 12, 8, 0, tzinfo=dt.timezone.utc))


def _send_list(app, client, edition):
    path = f"/console/editions/{edition.id}/bulk-invitations"
    response = client.post(path, data={"csrf_token": csrf_token(client, path), "file": (io.BytesIO(CSV), "liste.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    run_jobs(app, ("bulk",))
    run_jobs(app, ("mail",))
    return response.headers["Location"]


def test_one_click_stops_the_next_bulk_send_and_not_a_reminder(app, session, smtp, edition):
    from fair.calendar.agenda import schedule_entry
    from fair.calendar.jobs import send_reminder
    from fair.fairs.models import BulkInvitation
    from fair.mail.models import MailUnsubscribe
    from fair.mail.unsubscribe import address_hash

    smtp.clear()
    organiser = app.test_client()
    login(organiser, "organiser@example.org")
    _send_list(app, organiser, edition)
    (mail,) = smtp.to("ana@example.org")

    # The headers, as the mail server received them.
    header = str(mail["List-Unsubscribe"])
    assert re.fullmatch(r"<http://fair\.test/unsubscribe/[A-Za-z0-9_.\-]+>", header), header
    assert str(mail["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    url = header[1:-1]
    # The same link, visible in both bodies; the address itself is not in it.
    assert url in mail.get_body(("plain",)).get_content()
    assert f'href="{url}"' in mail.get_body(("html",)).get_content()
    assert "ana" not in url
    assert url != str(smtp.to("ben@example.org")[0]["List-Unsubscribe"])[1:-1]

    path = urlsplit(url).path
    anonymous = app.test_client()
    page = anonymous.get(path)  # a mail scanner following the link: nothing happens
    assert page.status_code == 200 and "Se désinscrire" in page_text(page)
    assert "Métropole emploi" in page_text(page)
    assert count(session, MailUnsubscribe) == 0

    # The one-click POST as a mail client sends it: a form body, no cookie, no CSRF token.
    client = app.test_client(use_cookies=False)
    response = client.post(path, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 204)
    (row,) = session.execute(select(MailUnsubscribe)).scalars()
    assert row.address_hash == address_hash("ANA@example.org") and row.organisation_id == edition.organiser_id
    assert client.post(path, data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code in (200, 204)
    assert count(session, MailUnsubscribe) == 1  # once
    assert "C’est fait" in page_text(anonymous.get(path))

    # The organiser's next list leaves her out and says so.
    smtp.clear()
    location = _send_list(app, organiser, edition)
    assert [str(m["To"]) for m in smtp.messages] == ["ben@example.org"]
    session.expire_all()
    bulk = session.execute(select(BulkInvitation).order_by(BulkInvitation.id.desc())).scalars().first()
    assert (bulk.total, bulk.sent) == (2, 1)
    text = page_text(organiser.get(location))
    assert "1 désinscription" in text and "ana@example.org" in text

    # A reminder of something she booked herself still leaves.
    from fair.accounts.models import User

    ana = User(email="ana@example.org", full_name="Ana Lima", password_hash="x", security_stamp="s", locale="fr")
    session.add(ana)
    session.commit()
    start = dt.datetime(2031, 3, 12, 9, 0, tzinfo=dt.timezone.utc)
    entry = schedule_entry(session, user_id=ana.id, edition_id=edition.id, kind="booking", ref_id=1, starts_at=start,
                           ends_at=start + dt.timedelta(minutes=20), summary="Entretien avec Nordlog",
                           description="", location="Stand 4")
    session.commit()
    smtp.clear()
    assert send_reminder(entry.id, entry.starts_at.isoformat(), 60)
    run_jobs(app, ("mail",))
    reminders = [m for m in smtp.to("ana@example.org") if "Entretien avec Nordlog" in str(m["Subject"])
                 and str(m["Subject"]).startswith("Rappel")]
    assert len(reminders) == 1 and "List-Unsubscribe" not in reminders[0]


def test_a_forged_or_broken_token_is_not_found(app, client, edition):
    from fair.mail.unsubscribe import token_for

    good = token_for("ana@example.org", edition.organiser_id)
    assert client.get(f"/unsubscribe/{good[:-2]}xx").status_code == 404
    assert client.post("/unsubscribe/not-a-token", data="List-Unsubscribe=One-Click",
                       content_type="application/x-www-form-urlencoded").status_code == 404
    assert client.get(f"/unsubscribe/{token_for('ana@example.org', 999999)}").status_code == 404
