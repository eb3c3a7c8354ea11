"""The pages every public body publishes (legal notice, privacy, accessibility), the footer that links
them from every page, and the header that names the instance."""
from __future__ import annotations

import pytest

from fair import instance
from tests.conftest import page_text

PAGES = {"/legal-notice": "Mentions légales", "/privacy": "Données personnelles",
         "/accessibility": "Accessibilité"}


@pytest.fixture(autouse=True)
def fresh_settings():
    """Pages read the instance through a cache of a few seconds: each test starts and ends without it."""
    instance.forget()
    yield
    instance.forget()


@pytest.fixture
def settings(session):
    def edit(**values):
        row = instance.settings_row(session)
        for name, value in values.items():
            setattr(row, name, value)
        session.commit()
        instance.forget()
        return row
    return edit


def test_the_texts_are_shown_escaped_in_paragraphs_with_their_line_breaks(client, settings):
    settings(name="Emploi Métropole", legal_notice="Éditeur : Métropole\r\nHébergeur : OVH\n\n\n"
                                                   "Directeur de la publication : <b>le Président</b>",
             privacy_notice="Nous gardons votre CV 2 ans.", accessibility_statement="Partiellement conforme.")
    response = client.get("/legal-notice")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="text-block">Éditeur : Métropole\nHébergeur : OVH</p>' in body
    assert '<p class="text-block">Directeur de la publication : &lt;b&gt;le Président&lt;/b&gt;</p>' in body
    assert "<title>Mentions légales · Emploi Métropole</title>" in body
    assert "Nous gardons votre CV 2 ans." in page_text(client.get("/privacy"))
    assert "Partiellement conforme." in page_text(client.get("/accessibility"))


# The privacy notice is never unwritten: it is worked out from the settings (tests/privacy/test_consent_notice.py).
@pytest.mark.parametrize("path,title", [(p, t) for p, t in PAGES.items() if p != "/privacy"])
def test_an_unwritten_page_says_what_it_is_for_and_whom_to_ask(client, settings, path, title):
    text = page_text(client.get(path))
    assert f"{title} " in text and "Son éditeur ne l’a pas encore rédigée." in text
    assert "contactez l’organisateur du salon" in text

    settings(contact_email="contact@emploi-metropole.fr")
    response = client.get(path)
    assert "Pour toute question, écrivez à : contact@emploi-metropole.fr" in page_text(response)
    assert 'href="mailto:contact@emploi-metropole.fr"' in response.get_data(as_text=True)


def test_an_unwritten_page_in_english(client):
    client.get("/lang/en")
    text = page_text(client.get("/accessibility"))
    assert "This page says how far this service meets the accessibility rules" in text
    text = page_text(client.get("/privacy"))
    assert "This page says which personal data fair keeps about you" in text


def test_every_page_has_the_footer_and_the_instance_name(client, settings, factory):
    settings(name="Emploi Métropole", contact_email="contact@emploi-metropole.fr",
             logo_url="https://emploi-metropole.fr/logo.svg")
    for path in ("/", "/login", "/no-such-page"):
        body = client.get(path).get_data(as_text=True)
        for href in PAGES:
            assert f'href="{href}"' in body
        assert 'href="mailto:contact@emploi-metropole.fr"' in body
        assert '<img class="brand-logo" src="https://emploi-metropole.fr/logo.svg" alt="Emploi Métropole">' in body
        assert "· Emploi Métropole</title>" in body


def test_a_logo_that_is_not_https_is_not_shown_the_name_is(client, settings):
    settings(name="Emploi Métropole", logo_url="http://emploi-metropole.fr/logo.svg")
    body = client.get("/").get_data(as_text=True)
    assert "brand-logo" not in body
    assert ">Emploi Métropole</a>" in body


def test_an_edition_logo_sits_next_to_the_brand_on_the_pages_that_pass_it(app, factory):
    from flask import render_template

    organiser = factory.organisation("organiser", name="Métropole")
    edition = factory.edition(organiser, title="Rencontres pour l'emploi", logo_url="https://metropole.fr/rpe.png")
    with app.test_request_context("/"):
        with_logo = render_template("public/legal.html", title="T", paragraphs=["x"], default="",
                                    settings=instance.Instance(), brand_edition=edition)
        without = render_template("public/legal.html", title="T", paragraphs=["x"], default="",
                                  settings=instance.Instance())
    assert ('<img class="edition-logo" src="https://metropole.fr/rpe.png" alt="Rencontres pour l&#39;emploi">'
            in with_logo)
    assert "edition-logo" not in without
