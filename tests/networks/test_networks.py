"""Networks as their people use them: coordinators manage members and read figures; names appear only
under the person's consent to that very network, and leave at once when it is withdrawn."""
from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login, page_text, post_form
from tests.networks.world import build


def _figures(client, world) -> str:
    response = client.get(f"/networks/{world.union.id}/figures?year=2030")
    assert response.status_code == 200
    return page_text(response)


def test_figures_count_everyone_per_member_and_fair(app, session, factory):
    from fair.extensions import db
    from fair.reports import figures

    world = build(app, session, factory)
    with app.test_request_context():
        tally = figures.network_tally(db.session, world.union.id, [world.edition.id])
    # 7 referred took part; met: one hired (an outcome) and one live conversation; interviewed and hired: one.
    assert tally.by_member[world.tremplin.id] == [7, 2, 1, 1]
    assert tally.by_member_edition[(world.tremplin.id, world.edition.id)] == [7, 2, 1, 1]
    assert world.horizon.id not in tally.by_member
    assert tally.total == [7, 2, 1, 1]
    assert tally.named == []  # nobody agreed that the network sees their name


def test_a_name_reaches_the_network_only_under_consent_and_leaves_at_once(app, session, factory):
    from fair.accounts.consent import ConsentPurpose, ConsentRecord

    world = build(app, session, factory)
    coordinator, other_member, candidate = app.test_client(), app.test_client(), app.test_client()
    login(coordinator, world.coordinator.email)
    login(other_member, world.other_adviser.email)
    login(candidate, world.camille.email)

    page = _figures(coordinator, world)
    assert "Association Tremplin" in page and "Camille Martin" not in page
    assert "7" in page.split("Association Tremplin")[1][:40]  # counted all the same
    assert "Camille Martin" not in page_text(other_member.get(f"/networks/{world.union.id}"))

    choices = page_text(candidate.get("/candidate/networks"))
    assert "Union des associations du Nord" in choices and "Union du Sud" not in choices
    assert post_form(candidate, f"/candidate/networks/{world.union.id}/consent", {},
                     form_page="/candidate/networks").status_code == 303
    (record,) = session.execute(select(ConsentRecord).where(ConsentRecord.purpose == ConsentPurpose.network)).scalars()
    assert record.organisation_id == world.union.id and record.recorded_by_id == world.camille.id
    assert "Union des associations du Nord" in record.text and "Association Tremplin" in record.text
    assert "Camille Martin" in _figures(coordinator, world)
    # Another network never reaches these figures, even with the consent given to the first one.
    other = app.test_client()
    login(other, world.other_coordinator.email)
    assert other.get(f"/networks/{world.union.id}/figures?year=2030").status_code == 404

    assert post_form(candidate, f"/candidate/networks/{world.union.id}/withdraw", {},
                     form_page="/candidate/networks").status_code == 303
    assert "Camille Martin" not in _figures(coordinator, world)
    session.expire_all()
    assert session.get(ConsentRecord, record.id).withdrawn_at is not None  # the proof stays


def test_withdrawing_from_the_consents_page_hides_the_name_too(app, session, factory):
    world = build(app, session, factory)
    coordinator, candidate = app.test_client(), app.test_client()
    login(coordinator, world.coordinator.email)
    login(candidate, world.camille.email)
    post_form(candidate, f"/candidate/networks/{world.union.id}/consent", {}, form_page="/candidate/networks")
    consents = candidate.get("/account/consents").get_data(as_text=True)
    assert "Union des associations du Nord" in consents
    from fair.accounts.consent import ConsentPurpose, ConsentRecord
    record = session.execute(select(ConsentRecord).where(ConsentRecord.purpose == ConsentPurpose.network)).scalar_one()
    assert post_form(candidate, f"/account/consents/{record.id}/withdraw", {},
                     form_page="/account/consents").status_code == 302
    assert "Camille Martin" not in _figures(coordinator, world)


def test_an_adviser_records_the_consent_with_the_person_present(app, session, factory):
    from fair.accounts.consent import ConsentPurpose, ConsentRecord

    world = build(app, session, factory)
    adviser = app.test_client()
    login(adviser, world.referent.email)  # another adviser of the same structure may act for the person
    path = f"/adviser/referrals/{world.camille_referral.id}/networks"
    page = page_text(adviser.get(path))
    assert "Union des associations du Nord" in page
    assert post_form(adviser, path, {"network_id": str(world.other_union.id)}).status_code == 404
    assert post_form(adviser, path, {"network_id": str(world.union.id)}).status_code == 303
    record = session.execute(select(ConsentRecord).where(ConsentRecord.purpose == ConsentPurpose.network)).scalar_one()
    assert record.user_id == world.camille.id and record.recorded_by_id == world.referent.id
    outsider = app.test_client()
    login(outsider, world.outsider_adviser.email)
    assert outsider.get(path).status_code == 404
    author = app.test_client()
    login(author, world.adviser.email)  # reached from the person's page of the adviser who referred them
    assert path in author.get(f"/adviser/referrals/{world.camille_referral.id}").get_data(as_text=True)


def test_coordinators_manage_members_and_everything_is_audited(app, session, factory):
    from fair.audit import AuditEntry
    from fair.networks.models import NetworkMember

    world = build(app, session, factory)
    newcomer = factory.organisation("partner", "Mission locale de Roubaix")
    newcomer_adviser = factory.person("ml@example.org", "Nadia Mission", newcomer)
    coordinator = app.test_client()
    assert login(coordinator, world.coordinator.email).headers["Location"].endswith("/networks")  # lands there
    page = f"/networks/{world.union.id}"

    bad = post_form(coordinator, f"{page}/members", {"organisation_id": "nonsense"}, form_page=page)
    assert bad.status_code == 422 and "Choisissez une association" in page_text(bad)
    assert post_form(coordinator, f"{page}/members", {"organisation_id": str(newcomer.id)},
                     form_page=page).status_code == 303
    row = session.execute(select(NetworkMember).where(NetworkMember.member_id == newcomer.id)).scalar_one()
    again = post_form(coordinator, f"{page}/members", {"organisation_id": str(newcomer.id)}, form_page=page)
    assert again.status_code == 422

    # A referent must be one of the member's own people: nothing changes otherwise.
    refused = post_form(coordinator, f"{page}/members/{row.id}/referent",
                        {"referent_id": str(world.adviser.id)}, form_page=page)
    assert refused.status_code == 422
    session.expire_all()
    assert session.get(NetworkMember, row.id).referent_id is None
    assert post_form(coordinator, f"{page}/members/{row.id}/referent", {"referent_id": str(newcomer_adviser.id)},
                     form_page=page).status_code == 303
    member_client = app.test_client()
    login(member_client, newcomer_adviser.email)
    assert "Rachida Référente" in page_text(member_client.get(page))  # the referents' contacts
    assert page in member_client.get("/adviser/").get_data(as_text=True)  # found from the adviser's home
    assert "Ajouter un membre" not in page_text(member_client.get(page))  # not the management
    assert member_client.post(f"{page}/members/{row.id}/leave").status_code in (400, 404)

    assert post_form(coordinator, f"{page}/members/{row.id}/leave", {}, form_page=page).status_code == 303
    session.expire_all()
    assert session.get(NetworkMember, row.id).left_at is not None  # the row stays
    assert member_client.get(page).status_code == 404
    actions = set(session.execute(select(AuditEntry.action).where(
        AuditEntry.organisation_id == world.union.id)).scalars())
    assert actions == {"network.member_added", "network.referent_set", "network.member_left"}

    # A second network's coordinator reaches none of it.
    other = app.test_client()
    login(other, world.other_coordinator.email)
    assert other.get(page).status_code == 404
    assert post_form(other, f"{page}/members/{row.id}/referent", {"referent_id": ""},
                     form_page="/account").status_code == 404


def test_a_partner_page_in_an_edition(app, session, factory):
    from fair.accounts.models import PartnerType
    from fair.fairs.models import EditionPartner

    world = build(app, session, factory)
    sensitive = factory.organisation("partner", "SPIP du Nord", partner_type=PartnerType.justice)
    session.add_all([EditionPartner(edition_id=world.edition.id, organisation_id=world.tremplin.id),
                     EditionPartner(edition_id=world.edition.id, organisation_id=sensitive.id)])
    session.commit()
    organiser, recruiter, stranger = app.test_client(), app.test_client(), app.test_client()
    login(organiser, world.organiser.email)
    login(recruiter, world.recruiter.email)
    elsewhere = factory.organisation("company", "Ailleurs SA")
    login(stranger, factory.person("ailleurs.sa@example.org", "Paul Ailleurs", elsewhere).email)
    base = f"/editions/{world.edition.id}/partners"

    page = page_text(recruiter.get(f"{base}/{world.tremplin.id}"))
    assert "Boulangerie Lefort" in page  # the companies it works with at this fair
    assert "Rachida Référente" in page and "referente@example.org" in page and "03 20 00 00 01" in page
    assert "7" in page
    listing = page_text(recruiter.get(base))
    assert "SPIP du Nord" not in listing and "Un partenaire" in listing and "Association Tremplin" in listing
    assert recruiter.get(f"{base}/{sensitive.id}").status_code == 404
    assert organiser.get(f"{base}/{sensitive.id}").status_code == 200
    assert "SPIP du Nord" in page_text(organiser.get(base))
    assert stranger.get(base).status_code == 404
    assert stranger.get(f"{base}/{world.tremplin.id}").status_code == 404
    assert organiser.get(f"{base}/{world.outsider.id}").status_code == 404  # not a partner of this fair
    assert f"/editions/{world.edition.id}/partners" in organiser.get(
        f"/console/editions/{world.edition.id}").get_data(as_text=True)
    assert f"/editions/{world.edition.id}/partners" in recruiter.get("/recruiter/").get_data(as_text=True)


def test_the_demo_shows_a_union_of_two_associations(app, session):
    from fair.demo import DEMO_PASSWORD, NETWORK_NAME, PAST_SLUG, load_demo
    from fair.fairs.models import Edition
    from fair.networks.models import NetworkMember

    with app.test_request_context():
        assert load_demo() is True
    coordinator = app.test_client()
    login(coordinator, "coordination@demo.fair", DEMO_PASSWORD)
    home = coordinator.get("/networks")
    assert NETWORK_NAME in page_text(home)
    rows = session.execute(select(NetworkMember)).scalars().all()
    assert len(rows) == 2 and all(row.referent_id for row in rows)
    page = page_text(coordinator.get(f"/networks/{rows[0].network_id}"))
    assert "Inès Référente" in page and "Conseillère Démo" in page
    past = session.execute(select(Edition).where(Edition.slug == PAST_SLUG)).scalar_one()
    figures = page_text(coordinator.get(f"/networks/{rows[0].network_id}/figures?year={past.starts_at.year}"))
    assert "Personnes orientées" in figures
    assert "Amina Benali" in figures and "Julien Lefebvre" not in figures  # only she agreed to be named


def test_a_member_company_never_reads_the_name_of_a_sensitive_member(app, session, factory):
    from fair.accounts.models import PartnerType
    from fair.networks.models import NetworkMember

    world = build(app, session, factory)
    spip = factory.organisation("partner", "SPIP du Nord", partner_type=PartnerType.justice)
    factory.person("spip@example.org", "Sam Probation", spip)
    session.add_all([NetworkMember(network_id=world.union.id, member_id=spip.id),
                     NetworkMember(network_id=world.union.id, member_id=world.company.id)])
    session.commit()
    recruiter, adviser = app.test_client(), app.test_client()
    login(recruiter, world.recruiter.email)
    login(adviser, world.other_adviser.email)
    page = page_text(recruiter.get(f"/networks/{world.union.id}"))
    assert "SPIP du Nord" not in page and "Un partenaire" in page and "Association Tremplin" in page
    assert "SPIP du Nord" in page_text(adviser.get(f"/networks/{world.union.id}"))


def test_the_figures_as_csv_files_through_the_export_jobs(app, session, factory):
    import io
    import zipfile

    from tests.exports.helpers import fetch_export

    world = build(app, session, factory)
    candidate, coordinator = app.test_client(), app.test_client()
    login(candidate, world.camille.email)
    post_form(candidate, f"/candidate/networks/{world.union.id}/consent", {}, form_page="/candidate/networks")
    login(coordinator, world.coordinator.email)
    page = f"/networks/{world.union.id}/figures?year=2030"
    response = fetch_export(app, coordinator, f"/networks/{world.union.id}/figures/export?year=2030", page,
                            {"format": "csv"})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    members = archive.read("network-members.csv").decode("utf-8-sig").splitlines()
    assert members[0].startswith("Membre;Personnes orientées;Rencontrées")
    assert "Association Tremplin;7;< 5;< 5;< 5" in members
    named = archive.read("network-named.csv").decode("utf-8-sig")
    assert "Camille Martin" in named and "Personne 2" not in named  # only she agreed

    other = app.test_client()
    login(other, world.other_coordinator.email)
    refused = fetch_export(app, other, f"/networks/{world.union.id}/figures/export?year=2030", "/account",
                           {"format": "csv"})
    assert refused.status_code == 404
