"""Importing offers into a booth through the pages, as a company and as an organiser; the daily
refresh that updates them and withdraws those closed at France Travail."""
from __future__ import annotations

from sqlalchemy import select

from fair.audit import AuditEntry
from fair.companies.models import ContractType, Offer, OfferSource
from fair.francetravail import jobs
from tests.conftest import count, login, page_text, post_form

SIRET = "73282932000074"


def _world(factory):
    organiser = factory.organisation("organiser", "Ville de Lille")
    company = factory.organisation("company", "Logi Nord")
    edition = factory.edition(organiser, slug="salon-lille")
    booth = factory.booth(edition, company)
    recruiter = factory.member(company, email="rh@logi.example")
    staff = factory.member(organiser, email="orga@lille.example")
    return edition, booth, recruiter, staff


def _page(booth) -> str:
    return f"/recruiter/booths/{booth.id}/france-travail"


def test_a_company_previews_then_imports_chosen_offers_and_a_reimport_updates_them(
        app, client, session, factory, france_travail):
    edition, booth, recruiter, _ = _world(factory)
    made = france_travail.add(3, SIRET)
    made[2].update(typeContrat="FRA", typeContratLibelle="Franchise", alternance=False)
    login(client, recruiter.email)

    preview = post_form(client, _page(booth), {"mode": "siret", "siret": "732 829 320 00074", "action": "preview"})
    assert preview.status_code == 200
    text = page_text(preview)
    assert "Cariste 0" in text and "Cariste 2" in text and "Franchise" in text
    assert count(session, Offer) == 0  # a preview imports nothing

    imported = post_form(client, _page(booth), {"mode": "siret", "siret": SIRET, "action": "import",
                                                "chosen": [made[0]["id"], made[2]["id"]]})
    assert imported.status_code == 302
    offers = {o.external_id: o for o in session.execute(select(Offer)).scalars()}
    assert set(offers) == {made[0]["id"], made[2]["id"]}
    first = offers[made[0]["id"]]
    assert (first.title, first.place, first.contract_type, first.rome_code) == (
        "Cariste 0", "Lille (59000)", ContractType.cdi, "N1101")
    assert first.source == OfferSource.france_travail and first.positions == 2 and first.open_to_beginners
    assert first.working_hours == "Temps plein" and first.salary_text.startswith("Mensuel de 1900.00 Euros")
    assert first.external_url.endswith(f"/detail/{made[0]['id']}") and first.imported_at is not None
    franchise = offers[made[2]["id"]]
    assert franchise.contract_type == ContractType.other and franchise.contract_label_original == "Franchise"

    made[0]["intitule"] = "Cariste confirmé"
    again = post_form(client, _page(booth), {"mode": "siret", "siret": SIRET, "action": "import_all"})
    assert again.status_code == 302
    assert count(session, Offer) == 3  # the two already there updated, the third added: no duplicate
    assert session.execute(select(Offer.title).where(Offer.external_id == made[0]["id"])).scalar_one() == \
        "Cariste confirmé"
    entries = session.execute(select(AuditEntry).where(AuditEntry.action == "offers.imported_france_travail")).scalars()
    assert [e.details["created"] for e in entries] == [2, 1]

    public = client.get(f"/fairs/{edition.slug}/offers/{first.id}")
    assert "Offre de France Travail" in page_text(public)
    assert first.external_url in public.get_data(as_text=True)


def test_a_siret_that_fails_luhn_is_refused_and_nothing_is_asked_or_imported(
        app, client, session, factory, france_travail):
    _, booth, recruiter, _ = _world(factory)
    france_travail.add(2, "73282932000075")
    login(client, recruiter.email)
    response = post_form(client, _page(booth), {"mode": "siret", "siret": "73282932000075", "action": "import_all"})
    assert response.status_code == 422
    assert "SIRET" in page_text(response)
    assert count(session, Offer) == 0 and france_travail.searches() == []


def test_an_organiser_imports_into_a_company_booth_of_their_edition_by_a_search(
        app, client, session, factory, france_travail):
    edition, booth, _, staff = _world(factory)
    france_travail.add(2, SIRET)
    login(client, staff.email)
    path = f"/console/editions/{edition.id}/booths/{booth.id}/france-travail"
    assert client.get(path).status_code == 200
    response = post_form(client, path, {"mode": "search", "words": "cariste 1", "action": "import_all"})
    assert response.status_code == 302
    assert session.execute(select(Offer.title)).scalars().all() == ["Cariste 1"]
    assert france_travail.searches()[0]["motsCles"] == "cariste 1"


def test_the_daily_job_updates_changed_offers_and_withdraws_closed_ones(
        app, client, session, factory, france_travail):
    edition, booth, recruiter, _ = _world(factory)
    kept, closed = france_travail.add(2, SIRET)
    login(client, recruiter.email)
    post_form(client, _page(booth), {"mode": "siret", "siret": SIRET, "action": "import_all"})
    candidate = factory.user(email="ana@example.org")
    closed_offer = session.execute(select(Offer).where(Offer.external_id == closed["id"])).scalar_one()
    from fair.candidates.models import Application
    session.add(Application(candidate_id=candidate.id, offer_id=closed_offer.id))
    session.commit()

    kept["salaire"] = {"libelle": "Mensuel de 2000.00 Euros sur 12 mois"}
    france_travail.closed.add(closed["id"])
    assert jobs.refresh_imported_offers() == {"updated": 1, "withdrawn": 1}

    session.expire_all()
    offers = {o.external_id: o for o in session.execute(select(Offer)).scalars()}
    assert offers[kept["id"]].salary_text == "Mensuel de 2000.00 Euros sur 12 mois"
    gone = offers[closed["id"]]
    assert gone.withdrawn_at is not None and not gone.is_published
    assert client.get(f"/fairs/{edition.slug}/offers/{gone.id}").status_code == 404  # hidden from candidates
    assert count(session, Application) == 1  # the application made is kept…
    reader = app.test_client()
    login(reader, candidate.email)
    assert "clôturée chez France Travail" in page_text(reader.get("/candidate/applications"))  # …and says so

    assert jobs.refresh_imported_offers() == {"unchanged": 2}  # nothing more to do


def test_without_credentials_the_page_says_it_is_not_configured(app, client, session, factory, france_travail):
    _, booth, recruiter, _ = _world(factory)
    app.config["FRANCE_TRAVAIL_CLIENT_ID"] = ""
    login(client, recruiter.email)
    text = page_text(client.get(_page(booth)))
    assert "n’est pas configuré" in text
