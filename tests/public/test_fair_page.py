"""A fair's page: its booths, and its offers searched, filtered and paginated."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from tests.companies.helpers import page_text

FAIR = "/fairs/rencontres-emploi"


def listed_titles(response) -> list[str]:
    """The offer titles of the result list, in order."""
    body = response.get_data(as_text=True)
    if 'class="offer-list"' not in body:
        return []
    section = body.split('class="offer-list"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<h3><a href="/fairs/[^"]+/offers/\d+">([^<]+)</a></h3>', section)


def test_the_fair_page_shows_its_details_booths_and_published_offers(client, fair):
    response = client.get(FAIR)
    page = page_text(response)

    assert response.status_code == 200
    assert "Rencontres pour l'emploi" in page and "12 mars 2030, 09:00 – 17:00" in page
    assert "7 offres" in page and "3 entreprises" in page
    for company in ("Transports Rapides", "Boulangerie du Nord", "Centre hospitalier"):
        assert company in page
    assert f'href="{FAIR}/booths/{fair.booths.bakery.id}"' in response.get_data(as_text=True)
    assert len(listed_titles(response)) == 7
    assert "Offre masquée" not in page


@pytest.mark.parametrize("query, expected", [
    ("cariste", {"Cariste"}),
    ("CONDUCTEUR", {"Conducteur poids lourd"}),  # case
    ("educateur", {"Éducateur spécialisé"}),  # accents typed or not
    ("éducateur", {"Éducateur spécialisé"}),
    ("ÉDUCATEUR", {"Éducateur spécialisé"}),
    ("viennoiseries", {"Boulanger"}),  # description
    ("hospitalier", {"Infirmier de nuit", "Éducateur spécialisé", "Secrétaire médicale"}),  # company name
    ("de nuit", {"Infirmier de nuit", "Conducteur poids lourd"}),  # every word, anywhere
    ("100%", set()),  # LIKE wildcards are plain characters
    ("_", set()),
])
def test_free_text_search(client, fair, query, expected):
    response = client.get(FAIR, query_string={"q": query})
    assert set(listed_titles(response)) == expected


@pytest.mark.parametrize("args, expected", [
    ({"contract": "cdi"}, {"Conducteur poids lourd", "Infirmier de nuit"}),
    ({"contract": "alternance"}, {"Boulanger"}),
    ({"place": "Tourcoing"}, {"Infirmier de nuit", "Éducateur spécialisé"}),
    ({"remote": "partial"}, {"Planificateur transport"}),
    ({"remote": "full"}, {"Secrétaire médicale"}),
    ({"beginners": "y"}, {"Cariste", "Boulanger", "Éducateur spécialisé"}),
    ({"contract": "cdd", "place": "Tourcoing"}, {"Éducateur spécialisé"}),
    ({"q": "transport", "place": "Lille"}, {"Conducteur poids lourd", "Planificateur transport"}),
    ({"q": "transport", "place": "Lille", "remote": "partial"}, {"Planificateur transport"}),
    ({"contract": "cdi", "beginners": "y"}, set()),
])
def test_filters_and_their_combinations(client, fair, args, expected):
    response = client.get(FAIR, query_string=args)
    assert set(listed_titles(response)) == expected
    page = page_text(response)
    if expected:
        assert f"{len(expected)} offre" in page and "votre recherche" in page
    else:
        assert "Aucune offre ne correspond à votre recherche." in page


def test_the_filter_form_is_labelled_and_offers_only_the_fair_places(client, fair):
    body = client.get(FAIR).get_data(as_text=True)
    form = body.split('role="search"', 1)[1].split("</form>", 1)[0]
    assert re.findall(r'<option value="([^"]*)"', form.split('id="place"', 1)[1].split("</select>", 1)[0]) == [
        "", "Lesquin", "Lille", "Roubaix", "Tourcoing"]
    for field_id in ("q", "contract", "place", "remote", "beginners"):
        assert f'<label for="{field_id}">' in form
    assert 'method="get"' in body
    page = page_text(client.get(FAIR))
    assert "Tous les contrats" in page and "Intérim" in page and "Formation / POEC" in page


def test_unknown_filter_values_are_ignored_rather_than_failing(client, fair):
    response = client.get(FAIR, query_string={"contract": "freelance", "remote": "moon", "place": "Paris",
                                              "page": "abc"})
    assert response.status_code == 200
    assert len(listed_titles(response)) == 7


def test_pagination_keeps_the_filters(client, factory, fair):
    for n in range(45):
        factory.offer(fair.booths.bakery, f"Vendeur {n:02d}", "cdd", place="Roubaix",
                      description="Vente en boutique.")
    args = {"q": "vendeur", "contract": "cdd"}

    first = client.get(FAIR, query_string=args)
    assert listed_titles(first) == [f"Vendeur {n:02d}" for n in range(20)]
    assert "45 offres correspondent à votre recherche" in page_text(first)
    assert "Page 1 sur 3" in page_text(first)
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first.get_data(as_text=True)).group(1)
    assert "q=vendeur" in next_link and "contract=cdd" in next_link and "page=2" in next_link
    assert 'rel="prev"' not in first.get_data(as_text=True)

    second = client.get(next_link.replace("&amp;", "&").split("#")[0])
    assert listed_titles(second) == [f"Vendeur {n:02d}" for n in range(20, 40)]
    assert "Page 2 sur 3" in page_text(second)
    body = second.get_data(as_text=True)
    assert 'rel="prev"' in body and 'rel="next"' in body

    last = client.get(FAIR, query_string={**args, "page": "3"})
    assert listed_titles(last) == [f"Vendeur {n:02d}" for n in range(40, 45)]
    assert 'rel="next"' not in last.get_data(as_text=True)

    beyond = client.get(FAIR, query_string={**args, "page": "99"})
    assert listed_titles(beyond) == listed_titles(last)


def test_the_fair_page_costs_the_same_number_of_queries_for_3_or_30_companies(client, factory, fair, session):
    from fair import instance
    from fair.extensions import db

    def queries_for_fair_page() -> int:
        instance.forget()  # the footer's instance settings are read afresh for both counts
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(FAIR).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    small = queries_for_fair_page()
    for n in range(27):
        company = factory.organisation("company", name=f"Entreprise {n:02d}")
        booth = factory.booth(fair.edition, company)
        factory.offer(booth, f"Poste {n:02d}", "cdi")
    session.expire_all()
    assert queries_for_fair_page() == small
