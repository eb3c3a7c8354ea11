"""A published fair with a few companies and a spread of offers, and a draft fair."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest


@pytest.fixture
def fair(factory):
    organiser_org = factory.organisation("organiser", name="Métropole Emploi")
    factory.member(organiser_org, email="organiser@example.org", full_name="Demo Organiser")
    edition = factory.edition(
        organiser_org, status="published", slug="rencontres-emploi", title="Rencontres pour l'emploi",
        starts_at=dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc),
    )
    logistics = factory.organisation("company", name="Transports Rapides", city="Lille")
    bakery = factory.organisation("company", name="Boulangerie du Nord", city="Roubaix")
    hospital = factory.organisation("company", name="Centre hospitalier", city="Tourcoing")
    booths = SimpleNamespace(
        logistics=factory.booth(edition, logistics, pitch="Transporteur régional."),
        bakery=factory.booth(edition, bakery, pitch="Du bon pain."),
        hospital=factory.booth(edition, hospital, pitch="Soigner ensemble."),
    )
    offers = SimpleNamespace(
        driver=factory.offer(booths.logistics, "Conducteur poids lourd", "cdi", place="Lille",
                             description="Livraisons régionales de nuit.", rome_code="N4101"),
        forklift=factory.offer(booths.logistics, "Cariste", "interim", place="Lesquin", remote="none",
                               description="Chargement des camions.", open_to_beginners=True),
        planner=factory.offer(booths.logistics, "Planificateur transport", "cdd", place="Lille",
                              remote="partial", description="Organiser les tournées."),
        baker=factory.offer(booths.bakery, "Boulanger", "alternance", place="Roubaix",
                            description="Préparer le pain et les viennoiseries.", open_to_beginners=True),
        nurse=factory.offer(booths.hospital, "Infirmier de nuit", "cdi", place="Tourcoing",
                            description="Équipe de réanimation.", requirements="Diplôme d'État infirmier"),
        carer=factory.offer(booths.hospital, "Éducateur spécialisé", "cdd", place="Tourcoing",
                            description="Accompagner des jeunes.", open_to_beginners=True),
        secretary=factory.offer(booths.hospital, "Secrétaire médicale", "stage", place="Lille",
                                remote="full", description="Accueil téléphonique."),
        hidden=factory.offer(booths.hospital, "Offre masquée", "cdi", place="Lille", is_published=False,
                             description="Ne doit pas apparaître."),
    )
    return SimpleNamespace(organiser_org=organiser_org, edition=edition, booths=booths, offers=offers)
