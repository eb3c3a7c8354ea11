"""A mail refused for good (550) shows in the console of the edition it belongs to, for its organiser."""
from __future__ import annotations

import re

from tests.conftest import login, post_form, run_jobs


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_refused_invitation_is_listed_for_the_organiser_of_its_edition(app, client, session, smtp, factory):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    factory.member(organiser_org, email="organiser@example.org")
    other_org = factory.organisation("organiser", name="Autre organisateur")
    factory.member(other_org, email="other@example.org")
    edition = factory.edition(organiser_org, title="Salon de la Métropole")
    other_edition = factory.edition(other_org)

    login(client, "organiser@example.org")
    page = text_of(client.get(f"/console/editions/{edition.id}/mail"))
    assert "Courriels non distribués" in page and "Tous les courriels de ce salon ont été distribués" in page

    smtp.rcpt_replies.append("550 5.1.1 <rh@nowhere.example>: Recipient address rejected")
    path = f"/console/editions/{edition.id}/invitations"
    post_form(client, path, {"kind": "company", "organisation_id": "0", "partner_type": "",
                             "organisation_name": "Logistique du Nord", "email": "rh@nowhere.example"})
    run_jobs(app)

    page = text_of(client.get(f"/console/editions/{edition.id}/mail"))
    assert "Messages (1)" in page
    assert "rh@nowhere.example" in page and "Invitation à participer à « Salon de la Métropole »" in page
    assert "Refusé" in page and "1 essai" in page
    assert "550 5.1.1 &lt;rh@nowhere.example&gt;: Recipient address rejected" in page or \
        "550 5.1.1 <rh@nowhere.example>: Recipient address rejected" in page

    # Not in another edition's list, and not for another organiser.
    assert "rh@nowhere.example" not in text_of(client.get(f"/console/editions/{other_edition.id}/mail"))
    other = app.test_client()
    login(other, "other@example.org")
    assert other.get(f"/console/editions/{edition.id}/mail").status_code == 404


def test_a_mail_waiting_for_a_retry_says_when(app, client, session, smtp, factory):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    factory.member(organiser_org, email="organiser@example.org")
    edition = factory.edition(organiser_org, title="Salon de la Métropole")
    smtp.replies.append("421 4.3.2 Try again later")
    login(client, "organiser@example.org")
    post_form(client, f"/console/editions/{edition.id}/invitations",
              {"kind": "company", "organisation_id": "0", "partner_type": "",
               "organisation_name": "Logistique du Nord", "email": "rh@slow.example"})
    run_jobs(app)
    page = text_of(client.get(f"/console/editions/{edition.id}/mail"))
    assert "rh@slow.example" in page and "Nouvel essai prévu à partir du" in page and "421 4.3.2" in page
