"""The home page lists the fairs the public may see, coming ones first."""
from __future__ import annotations

import datetime as dt

from tests.companies.helpers import page_text


def test_home_lists_public_fairs_coming_first_with_their_numbers(client, factory, fair):
    organiser = fair.organiser_org
    utc = dt.timezone.utc
    factory.edition(organiser, status="draft", title="Salon en préparation")
    factory.edition(organiser, status="archived", title="Salon archivé")
    factory.edition(organiser, status="closed", title="Salon de l'an dernier",
                    starts_at=dt.datetime(2024, 3, 12, 8, 0, tzinfo=utc))
    factory.edition(organiser, status="live", title="Job dating en cours",
                    starts_at=dt.datetime(2029, 1, 5, 8, 0, tzinfo=utc))
    factory.edition(organiser, status="published", title="Salon de Cayenne", timezone="America/Cayenne",
                    starts_at=dt.datetime(2031, 6, 2, 12, 0, tzinfo=utc), format="hybrid",
                    venue="Palais des sports")

    page = page_text(client.get("/"))

    assert "Salon en préparation" not in page and "Salon archivé" not in page
    order = [page.index(t) for t in ("Job dating en cours", "Rencontres pour l'emploi", "Salon de Cayenne",
                                     "Salon de l'an dernier")]
    assert order == sorted(order)
    assert "12 mars 2030, 09:00 – 17:00" in page  # Paris
    assert "2 juin 2031, 09:00 – 17:00" in page  # Cayenne, UTC−3
    assert "3 entreprises · 7 offres" in page  # the hidden offer is not counted
    assert "En ligne et sur place : Palais des sports" in page
    assert "Rencontrez des employeurs qui recrutent près de chez vous" in page


def test_home_in_english(client, fair):
    client.get("/lang/en")
    page = page_text(client.get("/"))
    assert "Meet employers who are hiring near you" in page
    assert "3 companies · 7 offers" in page
    assert "March 12, 2030, 9:00" in page
