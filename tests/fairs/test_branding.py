"""Branded editions: a colour white text can be read on (WCAG AA), a logo and banner on the public
pages and in the mails, a stylesheet for the colour (the CSP allows no inline style), a short address."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login, post_form, run_jobs
from tests.fairs.helpers import VALID_EDITION, field_errors, normalise

LOGO = "https://cdn.example.org/metropole-logo.png"
BANNER = "https://cdn.example.org/metropole-banner.jpg"


def _edit(client, edition_id, **changes):
    return post_form(client, f"/console/editions/{edition_id}/edit", {**VALID_EDITION, **changes})


def _edition(session, edition_id):
    from fair.fairs.models import Edition

    session.expire_all()
    return session.get(Edition, edition_id)


def test_contrast_is_computed_as_wcag_says():
    from fair.fairs.rules import contrast_with_white

    assert contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest grey AA allows
    assert contrast_with_white("#3399ff") == pytest.approx(2.94, abs=0.01)


def test_a_colour_below_aa_is_refused_with_its_contrast_and_nothing_changes(client, session, world):
    login(client, "organiser.f@example.org")
    before = _edition(session, world.edition_f.id).brand_colour
    response = _edit(client, world.edition_f.id, brand_colour="#3399ff")
    assert response.status_code == 422
    assert field_errors(response, "brand_colour") == [
        "Cette couleur donne un contraste de 2,9:1 avec un texte blanc ; choisissez-en une plus foncée "
        "(au moins 4,5:1)."]
    # Just under the bar is refused too, and never shown as "4.5".
    response = _edit(client, world.edition_f.id, brand_colour="#777777")
    assert response.status_code == 422
    assert "contraste de 4,4:1" in field_errors(response, "brand_colour")[0]
    assert _edition(session, world.edition_f.id).brand_colour == before


def test_a_colour_above_aa_and_https_images_are_saved(client, session, world):
    login(client, "organiser.f@example.org")
    response = _edit(client, world.edition_f.id, brand_colour="#767676", logo_url=LOGO, banner_url=BANNER)
    assert response.status_code == 302
    edition = _edition(session, world.edition_f.id)
    assert (edition.brand_colour, edition.logo_url, edition.banner_url) == ("#767676", LOGO, BANNER)


def test_a_banner_must_be_https(client, session, world):
    login(client, "organiser.f@example.org")
    response = _edit(client, world.edition_f.id, banner_url="http://cdn.example.org/banner.jpg")
    assert response.status_code == 422
    assert field_errors(response, "banner_url") == [
        "L’adresse de la bannière doit être une adresse web sécurisée commençant par https://."]
    assert _edition(session, world.edition_f.id).banner_url is None


@pytest.mark.parametrize("slug", ["admin", "api", "console", "f", "fairs", "team-invitations", "health"])
def test_a_reserved_web_address_is_refused(client, session, world, slug):
    login(client, "organiser.f@example.org")
    response = _edit(client, world.edition_f.id, slug=slug)
    assert response.status_code == 422
    assert field_errors(response, "slug") == ["Cette adresse web est réservée par le site. Choisissez-en une autre."]
    assert _edition(session, world.edition_f.id).slug == "salon-f"


def test_a_web_address_taken_by_another_edition_is_refused(client, session, world):
    login(client, "organiser.f@example.org")
    response = _edit(client, world.edition_f.id, slug="salon-g")
    assert response.status_code == 422
    assert field_errors(response, "slug") == [
        "Cette adresse web est déjà utilisée par un autre salon. Choisissez-en une autre."]
    assert _edition(session, world.edition_f.id).slug == "salon-f"


def test_the_public_pages_show_logo_banner_and_link_the_colour(client, factory, world, session):
    edition = factory.edition(world.organiser_f, slug="marque", title="Salon de marque", logo_url=LOGO,
                              banner_url=BANNER, brand_colour="#123456")
    booth = factory.booth(edition, world.company)
    offer = factory.offer(booth, title="Chauffeur")
    for path in ("/fairs/marque", f"/fairs/marque/booths/{booth.id}", f"/fairs/marque/offers/{offer.id}",
                 f"/fairs/marque/booths/{booth.id}/interviews"):
        body = client.get(path).get_data(as_text=True)
        assert f'<img class="edition-logo" src="{LOGO}" alt="Logo de Salon de marque">' in body, path
        assert f'<img class="edition-banner" src="{BANNER}" alt="Bannière de Salon de marque">' in body, path
        assert '<link rel="stylesheet" href="/fairs/marque/brand.css">' in body, path
        assert "style=" not in body.split("<body", 1)[1].split("</header>", 1)[1], path


def test_brand_css_serves_the_colour_and_may_be_cached(client, factory, world):
    factory.edition(world.organiser_f, slug="couleur", brand_colour="#123456")
    response = client.get("/fairs/couleur/brand.css")
    assert response.status_code == 200
    assert response.mimetype == "text/css"
    assert ".edition-brand { background: #123456; color: #fff; }" in response.get_data(as_text=True)
    assert "public" in response.headers["Cache-Control"] and "max-age=3600" in response.headers["Cache-Control"]
    again = client.get("/fairs/couleur/brand.css", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_brand_css_writes_only_a_checked_colour_and_only_for_public_editions(client, factory, world):
    factory.edition(world.organiser_f, slug="bizarre", brand_colour="red;}")
    assert "background: #1d4f91;" in client.get("/fairs/bizarre/brand.css").get_data(as_text=True)
    assert client.get("/fairs/salon-f/brand.css").status_code == 404  # a draft
    assert client.get("/fairs/nothing-here/brand.css").status_code == 404


def test_the_short_address_leads_to_the_public_page(client, world):
    response = client.get("/f/salon-g")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/fairs/salon-g")
    assert client.get("/f/salon-f").status_code == 404  # a draft
    assert client.get("/f/nowhere").status_code == 404


def test_the_invitation_mail_carries_the_logo_and_colour_and_its_text_stays_plain(app, client, session, world,
                                                                                   smtp):
    from fair.fairs.models import Edition

    edition = session.execute(select(Edition).where(Edition.id == world.edition_f.id)).scalar_one()
    edition.logo_url, edition.brand_colour = LOGO, "#5a2d82"
    session.commit()
    login(client, "organiser.f@example.org")
    response = post_form(client, f"/console/editions/{world.edition_f.id}/invitations",
                         {"kind": "company", "organisation_id": "0", "partner_type": "",
                          "organisation_name": "Logistique du Nord", "email": "rh@logistique-nord.example"})
    assert response.status_code == 302
    run_jobs(app)
    [message] = smtp.wait_for("rh@logistique-nord.example")
    html_part = message.get_body(("html",)).get_content()
    assert f'src="{LOGO}" alt="Logo de Salon de la Métropole"' in html_part
    assert "background: #5a2d82;" in html_part
    text = normalise(message.get_body(("plain",)).get_content())
    assert "Salon de la Métropole" in text and "<img" not in text and "#5a2d82" not in text


def test_the_console_form_offers_the_banner(client, world):
    login(client, "organiser.f@example.org")
    body = client.get(f"/console/editions/{world.edition_f.id}/edit").get_data(as_text=True)
    assert 'id="banner_url"' in body and "4,5:1 (WCAG AA)" in body
