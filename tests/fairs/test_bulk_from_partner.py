"""Bulk invitations made from a partner's candidates: only the candidates who confirmed their referral
to that partner (not pending, not revoked, not another partner's) are invited, once each, in their
language, through the same batches as a CSV list; a partner of another edition, an unknown id or a
partner with nobody to invite is refused and creates nothing; another organiser gets 404."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token, login, run_jobs

NOT_COVERED = ("J'accepte que Adviser, de Mission locale, suive mes candidatures, mes entretiens et leurs suites "
               "dans fair, et puisse candidater ou réserver un entretien pour moi.")
COVERED = (NOT_COVERED + " J'accepte aussi que les organisateurs des salons auxquels cette structure participe "
           "m'y invitent par e-mail.")


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, "MAIL_URL": smtp.url, "BULK_BATCH_SIZE": 1}


@pytest.fixture
def world(factory, session):
    from types import SimpleNamespace

    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow
    from fair.fairs.models import EditionPartner

    organiser = factory.organisation("organiser", "Métropole emploi")
    other_organiser = factory.organisation("organiser", "Autre organisateur")
    edition = factory.edition(organiser, title="Rencontres pour l'emploi")
    other_edition = factory.edition(other_organiser, title="Autre salon")
    factory.member(organiser, email="organiser@example.org")
    factory.member(other_organiser, email="other.organiser@example.org")
    mission = factory.organisation("partner", "Mission locale", partner_type=PartnerType.association)
    cap = factory.organisation("partner", "Cap emploi", partner_type=PartnerType.association)
    empty = factory.organisation("partner", "Sans candidat", partner_type=PartnerType.association)
    adviser = factory.member(mission, email="adviser@example.org")
    adviser_bis = factory.member(mission, email="adviser.bis@example.org")
    cap_adviser = factory.member(cap, email="cap.adviser@example.org")
    empty_adviser = factory.member(empty, email="empty.adviser@example.org")
    ana = factory.user(email="ana@example.org", full_name="Ana Lima", locale="fr")
    ben = factory.user(email="ben@example.org", full_name="Ben Okafor", locale="en")
    pending = factory.user(email="pending@example.org", full_name="Pending")
    revoked = factory.user(email="revoked@example.org", full_name="Revoked")
    cap_only = factory.user(email="cap.only@example.org", full_name="Cap Only")

    old_consent = factory.user(email="old.consent@example.org", full_name="Old Consent")

    def confirmed(adviser_user, partner, candidate, consent_text=COVERED):
        return Referral(adviser_id=adviser_user.id, partner_id=partner.id, candidate_id=candidate.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text=consent_text)

    session.add_all([
        confirmed(adviser, mission, ana),
        confirmed(adviser_bis, mission, ana),  # referred twice: invited once
        confirmed(adviser, mission, ben),
        Referral(adviser_id=adviser.id, partner_id=mission.id, candidate_id=pending.id, status=ReferralStatus.pending),
        Referral(adviser_id=adviser.id, partner_id=mission.id, candidate_id=revoked.id,
                 status=ReferralStatus.revoked, confirmed_at=utcnow(), revoked_at=utcnow(), consent_text="ok"),
        confirmed(cap_adviser, cap, cap_only),
        # Confirmed with a consent that says nothing of organisers' invitations (issue 14, item 10).
        confirmed(adviser, mission, old_consent, consent_text=NOT_COVERED),
        Referral(adviser_id=empty_adviser.id, partner_id=empty.id, candidate_id=pending.id,
                 status=ReferralStatus.pending),
    ])
    links = {name: EditionPartner(edition_id=edition_id, organisation_id=org.id) for name, edition_id, org in (
        ("mission", edition.id, mission), ("empty", edition.id, empty), ("cap_elsewhere", other_edition.id, cap))}
    session.add_all(links.values())
    session.commit()
    return SimpleNamespace(edition=edition, other_edition=other_edition, **{k: v.id for k, v in links.items()})


def _path(edition) -> str:
    return f"/console/editions/{edition.id}/bulk-invitations"


def _choose(client, edition, partner) -> object:
    path = _path(edition)
    return client.post(path + "/from-partner", data={"csrf_token": csrf_token(client, path), "partner": partner})


def test_the_page_offers_only_the_editions_partners(app, world):
    client = app.test_client()
    login(client, "organiser@example.org")
    page = client.get(_path(world.edition)).get_data(as_text=True)
    form = page.split('id="partner-heading"')[1]
    assert f'value="{world.mission}"' in form and "Mission locale (2 candidats)" in form
    assert "Sans candidat (0 candidat)" in form
    assert "Cap emploi" not in form


def test_only_confirmed_referrals_of_that_partner_are_invited(app, session, smtp, world):
    from fair.fairs.models import BulkInvitation, BulkRecipient, BulkStatus

    client = app.test_client()
    login(client, "organiser@example.org")
    response = _choose(client, world.edition, str(world.mission))
    assert response.status_code == 302
    bulk = session.query(BulkInvitation).one()
    assert (bulk.edition_id, bulk.total, bulk.sent, bulk.status) == (world.edition.id, 2, 0, BulkStatus.queued)
    recipients = session.query(BulkRecipient).order_by(BulkRecipient.email).all()
    assert [(r.email, r.name, r.locale) for r in recipients] == [
        ("ana@example.org", "Ana Lima", "fr"), ("ben@example.org", "Ben Okafor", "en")]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Candidats orientés par Mission locale" in page
    listing = client.get(_path(world.edition)).get_data(as_text=True)
    assert "Candidats orientés par Mission locale" in listing.split('id="lists-heading"')[1]

    run_jobs(app)
    assert sorted(str(m["To"]) for m in smtp.messages) == ["ana@example.org", "ben@example.org"]
    assert "invited" in str(smtp.to("ben@example.org")[0]["Subject"]).lower()
    session.expire_all()
    bulk = session.get(BulkInvitation, bulk.id)
    assert (bulk.sent, bulk.status) == (2, BulkStatus.done)
    run_jobs(app)  # a job run again sends nothing more
    assert len(smtp.messages) == 2


def test_pause_and_resume_work_as_for_a_file(app, session, smtp, world):
    from fair.fairs.jobs import send_bulk
    from fair.fairs.models import BulkInvitation, BulkStatus

    client = app.test_client()
    login(client, "organiser@example.org")
    _choose(client, world.edition, str(world.mission))
    bulk = session.query(BulkInvitation).one()
    path = f"{_path(world.edition)}/{bulk.id}"
    token = csrf_token(client, path)
    assert client.post(path + "/pause", data={"csrf_token": token}).status_code == 302
    assert send_bulk(bulk.id) == 0
    assert client.post(path + "/resume", data={"csrf_token": token}).status_code == 302
    run_jobs(app)
    session.expire_all()
    assert (session.get(BulkInvitation, bulk.id).status, len(smtp.messages)) == (BulkStatus.done, 2)


@pytest.mark.parametrize("choice, message", [
    ("", "Choisissez un partenaire de ce salon."),
    ("cap_elsewhere", "n’est pas partenaire de ce salon"),
    ("999999", "n’est pas partenaire de ce salon"),
    ("99999999999999999999", "n’est pas partenaire de ce salon"),
    ("abc", "n’est pas partenaire de ce salon"),
    ("empty", "personne à inviter"),
])
def test_bad_choices_are_refused_and_create_nothing(app, session, world, choice, message):
    from fair.fairs.models import BulkInvitation, BulkRecipient
    from fair.mail.models import OutboxMessage

    client = app.test_client()
    login(client, "organiser@example.org")
    value = str(getattr(world, choice)) if choice in ("cap_elsewhere", "empty") else choice
    response = _choose(client, world.edition, value)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'id="partner-error"' in page
    assert session.query(BulkInvitation).count() == 0
    assert session.query(BulkRecipient).count() == 0
    assert session.query(OutboxMessage).count() == 0


def test_another_organiser_gets_404_and_creates_nothing(app, session, world):
    from fair.fairs.models import BulkInvitation

    client = app.test_client()
    login(client, "other.organiser@example.org")
    token = csrf_token(client, _path(world.other_edition))
    response = client.post(_path(world.edition) + "/from-partner",
                           data={"csrf_token": token, "partner": str(world.mission)})
    assert response.status_code == 404
    # Nor can they use their own edition's page to reach a partner of someone else's edition.
    assert _choose(client, world.other_edition, str(world.mission)).status_code == 422
    assert session.query(BulkInvitation).count() == 0


def test_only_a_consent_that_covers_organisers_invitations_is_used(app, factory, session, smtp, world):
    """Issue 14, item 10: two candidates agree to the same adviser through the emailed link; only the one
    who also agreed to the organisers' invitations is in the bulk list and gets its mail."""
    import re

    from fair.candidates.models import Referral
    from fair.candidates.services import referral_token
    from fair.fairs.models import BulkRecipient

    with app.test_request_context():
        links = {}
        for email in ("yes.invite@example.org", "no.invite@example.org"):
            person = factory.user(email=email, full_name=email.split("@")[0])
            referral = Referral(adviser_id=session.query(Referral).first().adviser_id,
                                partner_id=session.query(Referral).first().partner_id, candidate_id=person.id)
            session.add(referral)
            session.commit()
            links[email] = f"/referrals/confirm/{referral_token(referral)}"
    for email, ticked in (("yes.invite@example.org", True), ("no.invite@example.org", False)):
        visitor = app.test_client()
        page = visitor.get(links[email]).get_data(as_text=True)
        assert "organisateurs des salons auxquels cette structure participe" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = {"csrf_token": token, **({"invitations": "1"} if ticked else {})}
        assert visitor.post(links[email], data=data).status_code == 302
    client = app.test_client()
    login(client, "organiser@example.org")
    assert _choose(client, world.edition, str(world.mission)).status_code == 302
    emails = {r.email for r in session.query(BulkRecipient).all()}
    assert "yes.invite@example.org" in emails and "no.invite@example.org" not in emails
    assert "old.consent@example.org" not in emails
    run_jobs(app)
    assert smtp.to("yes.invite@example.org") and smtp.to("no.invite@example.org") == []
    assert smtp.to("old.consent@example.org") == []
