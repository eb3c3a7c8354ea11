"""Health checks before a fair: a seeded edition with one of each problem and healthy booths lists
exactly the expected lines, each linking to its fix; only its organisers see them; the digest mail
leaves three days and one day before the start (from 08:00 in the fair's time zone), once per
organiser and day, never for a draft."""
from __future__ import annotations

import datetime as dt
import html
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from fair import clock
from tests.conftest import login, run_jobs
from tests.health.helpers import book, open_slots

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2030, 3, 12, 8, 0, tzinfo=dt.timezone.utc)  # 09:00 in Paris


def paris(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).astimezone(dt.timezone.utc)


@pytest.fixture
def world(factory, session):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Application, ApplicationStatus, Referral, ReferralStatus
    from fair.companies.models import BoothStaff
    from fair.db import utcnow
    from fair.fairs.models import BulkInvitation, BulkRecipient, EditionOrganiser, EditionPartner
    from fair.jobdating.models import WaitlistEntry
    from fair.webinars.models import Provider, RegistrationStatus, Webinar, WebinarRegistration

    lead = factory.organisation("organiser", "Métropole emploi")
    co = factory.organisation("organiser", "Agence France Travail")
    other_org = factory.organisation("organiser", "Autre organisateur")
    organiser = factory.person("odile@example.org", "Odile Organisatrice", lead)
    co_organiser = factory.person("co.organiser@example.org", "Claude Coorganisateur", co, locale="en")
    gone = factory.person("gone.organiser@example.org", "Ancien Organisateur", lead)
    gone.is_active_account = False
    other_organiser = factory.person("other.organiser@example.org", "Autre", other_org)
    edition = factory.edition(lead, title="Rencontres pour l'emploi", starts_at=START,
                              ends_at=START + dt.timedelta(hours=8))
    session.add(EditionOrganiser(edition_id=edition.id, organisation_id=co.id))
    other_edition = factory.edition(other_org, title="Autre salon", starts_at=START + dt.timedelta(days=10))
    draft = factory.edition(lead, status="draft", title="Brouillon", starts_at=START)

    def company(name, *, active=True):
        org = factory.organisation("company", name)
        member = factory.person(f"rh@{name.split()[0].lower()}.example", f"RH {name}", org)
        if not active:
            member.is_active_account = False
        booth = factory.booth(edition, org)
        session.add(BoothStaff(booth=booth, user=member))
        session.commit()
        return booth, member

    alpha, alpha_rh = company("Alpha Logistique")      # healthy
    bravo, bravo_rh = company("Bravo Bâtiment", active=False)  # its only account is deactivated
    charlie, charlie_rh = company("Charlie Commerce")  # no slot
    delta, delta_rh = company("Delta Santé")           # no published offer
    echo, echo_rh = company("Echo Industrie")          # full, two people waiting
    foxtrot, foxtrot_rh = company("Foxtrot Services")  # slots, none booked
    for booth in (alpha, bravo, charlie, echo, foxtrot):
        factory.offer(booth, title=f"Poste chez {booth.company.name}")
    factory.offer(delta, title="Infirmier (brouillon)", is_published=False)
    alpha_slots = open_slots(factory, alpha, alpha_rh, 3)
    bravo_slots = open_slots(factory, bravo, bravo_rh, 2)
    delta_slots = open_slots(factory, delta, delta_rh, 2)
    echo_slots = open_slots(factory, echo, echo_rh, 1)
    open_slots(factory, foxtrot, foxtrot_rh, 2)

    people = {key: factory.person(f"{key}@example.org", name) for key, name in (
        ("ana", "Ana Lima"), ("ben", "Ben Okafor"), ("chloe", "Chloé Martin"), ("dan", "Dan Petit"),
        ("eve", "Eve Durand"), ("fanny", "Fanny Roux"), ("hugo", "Hugo Blanc"), ("ivan", "Ivan Morel"),
        ("jo", "Jo Leroy"), ("kim", "Kim Nguyen"), ("lou", "Lou Bernard"))}
    p = SimpleNamespace(**people)
    book(session, alpha_slots[0], p.ana)
    book(session, bravo_slots[0], p.chloe)
    book(session, echo_slots[0], p.kim)
    book(session, delta_slots[0], p.lou)

    mission = factory.organisation("partner", "Mission locale", partner_type=PartnerType.association)
    elsewhere = factory.organisation("partner", "Cap ailleurs", partner_type=PartnerType.association)
    adviser = factory.person("adviser@example.org", "Alice Conseillère", mission)
    other_adviser = factory.person("other.adviser@example.org", "Autre Conseiller", elsewhere)
    session.add_all([EditionPartner(edition_id=edition.id, organisation_id=mission.id),
                     EditionPartner(edition_id=other_edition.id, organisation_id=elsewhere.id)])

    def referral(adv, partner, candidate, status):
        confirmed = status == ReferralStatus.confirmed
        return Referral(adviser_id=adv.id, partner_id=partner.id, candidate_id=candidate.id, status=status,
                        confirmed_at=utcnow() if confirmed else None, consent_text="ok" if confirmed else None,
                        created_at=dt.datetime(2030, 2, 20, 10, 0, tzinfo=dt.timezone.utc))

    session.add_all([
        referral(adviser, mission, p.ana, ReferralStatus.confirmed),        # referred, and booked
        referral(adviser, mission, p.ben, ReferralStatus.confirmed),        # referred, nothing else: idle
        referral(other_adviser, elsewhere, p.hugo, ReferralStatus.confirmed),  # another edition's partner
        referral(adviser, mission, p.ivan, ReferralStatus.pending),         # waiting for consent
    ])
    organiser_webinar = Webinar(edition_id=edition.id, title="Réussir son entretien", speaker="Odile",
                                starts_at=START + dt.timedelta(hours=2), duration_minutes=45, capacity=30,
                                provider=Provider.jitsi, room="entretien")
    alpha_webinar = Webinar(edition_id=edition.id, booth_id=alpha.id, title="Les métiers de l'entrepôt",
                            speaker="RH", starts_at=START + dt.timedelta(hours=3), duration_minutes=45, capacity=30,
                            provider=Provider.jitsi, room="entrepot")
    bravo_webinar = Webinar(edition_id=edition.id, booth_id=bravo.id, title="Travailler sur un chantier",
                            speaker="RH", starts_at=START + dt.timedelta(hours=4), duration_minutes=45, capacity=30,
                            provider=Provider.jitsi, room="chantier")
    session.add_all([organiser_webinar, alpha_webinar, bravo_webinar])
    session.flush()
    session.add_all([
        WebinarRegistration(webinar_id=organiser_webinar.id, user_id=p.chloe.id, status=RegistrationStatus.confirmed),
        WebinarRegistration(webinar_id=alpha_webinar.id, user_id=p.jo.id, status=RegistrationStatus.confirmed),
        WaitlistEntry(booth_id=echo.id, candidate_id=p.dan.id),
        WaitlistEntry(booth_id=echo.id, candidate_id=p.eve.id),
        Application(candidate_id=p.eve.id, offer_id=echo.offers[0].id),
        Application(candidate_id=p.jo.id, offer_id=alpha.offers[0].id, status=ApplicationStatus.withdrawn),
    ])
    bulk = BulkInvitation(edition_id=edition.id, filename="liste.csv", total=2)
    session.add(bulk)
    session.flush()
    session.add_all([BulkRecipient(bulk_id=bulk.id, line=1, email="Fanny@Example.org", name="Fanny"),
                     BulkRecipient(bulk_id=bulk.id, line=2, email="sans.compte@example.org", name="Gus")])
    # The other edition has problems of its own, which must not show here.
    factory.booth(other_edition, factory.organisation("company", "Zoulou Ailleurs"))
    session.commit()
    return SimpleNamespace(edition=edition, other_edition=other_edition, draft=draft, organiser=organiser,
                           co_organiser=co_organiser, gone=gone, other_organiser=other_organiser,
                           bravo_webinar=bravo_webinar, adviser=adviser, p=p)


SECTION = re.compile(r'<section aria-labelledby="([a-z_]+)">\s*<h2[^>]*>.*?</h2>(.*?)</section>', re.S)
ITEM = re.compile(r"<li>(.*?)</li>", re.S)
LINK = re.compile(r'<a href="([^"]+)">')


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def health_lines(client, edition_id) -> dict[str, list[tuple[str, str]]]:
    """Kind → [(line as read, its link)], from the page."""
    response = client.get(f"/console/editions/{edition_id}/health")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return {kind: [(_text(item.split("<a ")[0]), html.unescape(LINK.search(item).group(1)))
                   for item in ITEM.findall(fragment)]
            for kind, fragment in SECTION.findall(body) if kind not in ("slots-heading", "rules-heading")}


def test_the_health_page_lists_exactly_the_expected_lines_with_their_links(client, world):
    e = world.edition.id
    with clock.frozen_at(paris(dt.date(2030, 3, 9), 10)):  # three days before: no "a day before" warning
        login(client, "co.organiser@example.org")  # a co-organiser (reading English) sees it as the lead does
        lines = health_lines(client, e)
    assert lines == {
        "booth_without_account": [
            ("Bravo Bâtiment: nobody of the company has an account that can sign in, so nobody can staff the booth.",
             f"/console/editions/{e}/invitations")],
        "company_without_slots": [
            ("Charlie Commerce has opened no interview slot.", f"/console/editions/{e}/interviews")],
        "company_without_offers": [("Delta Santé has published no offer.", f"/console/editions/{e}#booths-heading")],
        "booth_full_with_waitlist": [
            ("Echo Industrie: every slot is booked and 2 people are on the waiting list.",
             f"/console/editions/{e}/interviews")],
        "webinar_without_host": [
            ("Webinar “Travailler sur un chantier” on Mar 12, 2030: nobody of its company has an account, "
             "so nobody can open its room.", f"/console/webinars/{world.bravo_webinar.id}/edit")],
        "idle_candidate": [
            (f"{name} has no interview booked and no application.", f"/console/editions/{e}/bulk-invitations")
            for name in ("Ben Okafor", "Dan Petit", "Fanny Roux", "Jo Leroy")],
        "referral_waiting": [
            ("Mission locale: a referral by Alice Conseillère has been waiting for the candidate’s consent since "
             "Feb 20, 2030.", f"/console/editions/{e}#partners-heading")],
    }


def test_a_day_before_a_booth_with_no_booking_is_flagged_and_the_slots_table_counts(client, world):
    with clock.frozen_at(paris(dt.date(2030, 3, 11), 9)):
        login(client, "odile@example.org")
        response = client.get(f"/console/editions/{world.edition.id}/health")
        lines = health_lines(client, world.edition.id)
    assert [text for text, _link in lines["booth_without_booking"]] == [
        "Foxtrot Services : aucun créneau n’est réservé et le salon commence demain au plus tard."]
    body = response.get_data(as_text=True)
    table = re.search(r'<table class="data stack".*?</table>', body, re.S).group(0)
    rows = [_text(row) for row in re.findall(r"<tr role=\"row\">(.*?)</tr>", table, re.S)][1:]
    assert rows == ["Alpha Logistique 3 1 2 0", "Bravo Bâtiment 2 1 1 0", "Charlie Commerce 0 0 0 0",
                    "Delta Santé 2 1 1 0", "Echo Industrie 1 1 0 2", "Foxtrot Services 2 0 2 0"]


def test_the_edition_page_shows_the_counts_and_others_get_404(app, client, world):
    with clock.frozen_at(paris(dt.date(2030, 3, 9), 10)):
        login(client, "odile@example.org")
        page = client.get(f"/console/editions/{world.edition.id}").get_data(as_text=True)
        assert "Avant le salon : ce qu’il faut corriger" in page
        summary = _text(re.search(r'<section aria-labelledby="health-heading".*?</section>', page, re.S).group(0))
        assert "Candidats sans réservation ni candidature : 4" in summary
        assert f'href="/console/editions/{world.edition.id}/health"' in page
        other = app.test_client()
        login(other, "other.organiser@example.org")
        assert other.get(f"/console/editions/{world.edition.id}/health").status_code == 404


def _digests(smtp):
    return [m for m in smtp.messages if "corriger" in str(m["Subject"]) or "to fix" in str(m["Subject"])]


def test_the_digest_leaves_three_days_and_one_day_before_once_per_organiser(app, world, smtp, session):
    from fair.health.jobs import send_digests
    from fair.mail.models import OutboxMessage
    from tests.conftest import count

    with clock.frozen_at(paris(dt.date(2030, 3, 8), 12)):  # the day before the first digest day
        assert send_digests() == 0
    with clock.frozen_at(paris(dt.date(2030, 3, 9), 7, 55)):  # the right day, before 08:00 in Paris
        assert send_digests() == 0
    run_jobs(app)
    assert _digests(smtp) == []

    with clock.frozen_at(paris(dt.date(2030, 3, 9), 8, 5)):
        assert send_digests() == 2  # the lead's organiser and the co-organiser; not the deactivated one
        run_jobs(app)
        [lead_mail] = smtp.wait_for("odile@example.org")
        [co_mail] = smtp.wait_for("co.organiser@example.org")
        send_digests()  # the next run of the day: the outbox already has both
        run_jobs(app)
    assert count(session, OutboxMessage, OutboxMessage.template == "health_digest") == 2
    assert smtp.to("gone.organiser@example.org") == [] and smtp.to("other.organiser@example.org") == []
    assert str(lead_mail["Subject"]) == "« Rencontres pour l'emploi » commence dans 3 jours – points à corriger : 10"
    assert str(co_mail["Subject"]) == "“Rencontres pour l'emploi” starts in 3 days – items to fix: 10"
    text = lead_mail.get_body(("plain",)).get_content()
    assert "Delta Santé n’a publié aucune offre." in text
    assert f"http://fair.test/console/webinars/{world.bravo_webinar.id}/edit" in text
    assert f"http://fair.test/console/editions/{world.edition.id}/health" in text

    with clock.frozen_at(paris(dt.date(2030, 3, 10), 12)):
        assert send_digests() == 0
    with clock.frozen_at(paris(dt.date(2030, 3, 11), 8, 0)):  # one day before: the second digest
        assert send_digests() == 2
        run_jobs(app)
        mails = smtp.wait_for("odile@example.org", count=2)
    latest = mails[-1]
    assert "commence dans 1 jour – points à corriger : 11" in str(latest["Subject"])
    assert "Foxtrot Services : aucun créneau n’est réservé" in latest.get_body(("plain",)).get_content()
    assert len(smtp.to("co.organiser@example.org")) == 2


def test_no_digest_for_a_draft_nor_a_closed_edition_and_a_nothing_to_fix_mail_otherwise(app, factory, session, smtp):
    from fair.health.jobs import send_digests

    lead = factory.organisation("organiser", "Ville")
    factory.person("ville@example.org", "Valérie Ville", lead)
    factory.edition(lead, status="draft", title="Brouillon", starts_at=START)
    factory.edition(lead, status="closed", title="Annulé", starts_at=START)
    with clock.frozen_at(paris(dt.date(2030, 3, 9), 9)):
        assert send_digests() == 0
    factory.edition(lead, status="published", title="Tout va bien", starts_at=START)
    with clock.frozen_at(paris(dt.date(2030, 3, 9), 9)):
        assert send_digests() == 1
        run_jobs(app)
    [mail] = smtp.wait_for("ville@example.org")
    assert str(mail["Subject"]) == "« Tout va bien » commence dans 3 jours : rien à corriger"
    assert "n’ont rien trouvé à corriger" in mail.get_body(("plain",)).get_content()


def test_the_digest_lists_ten_lines_of_a_kind_and_counts_the_rest(app, factory, session, smtp):
    from fair.fairs.models import BulkInvitation, BulkRecipient
    from fair.health.jobs import send_digests

    lead = factory.organisation("organiser", "Ville")
    factory.person("ville@example.org", "Valérie Ville", lead)
    edition = factory.edition(lead, title="Grand salon", starts_at=START)
    bulk = BulkInvitation(edition_id=edition.id, filename="liste.csv", total=12)
    session.add(bulk)
    session.flush()
    for n, person in enumerate(factory.candidates(12, prefix="invite")):
        session.add(BulkRecipient(bulk_id=bulk.id, line=n + 1, email=person.email, name=person.full_name))
    session.commit()
    with clock.frozen_at(paris(dt.date(2030, 3, 9), 9)):
        assert send_digests() == 1
        run_jobs(app)
    [mail] = smtp.wait_for("ville@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert "Candidats sans réservation ni candidature (12)" in text
    assert text.count("n’a réservé aucun entretien") == 10
    assert "… et 2 de plus sur la page des vérifications." in text
