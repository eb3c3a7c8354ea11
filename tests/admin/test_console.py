"""The admin console: each action's effect, as the people concerned notice it, and its audit row."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fair.accounts.models import (
    JoinRequest,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    PartnerType,
    TeamInvitation,
    User,
)
from fair.audit import AuditEntry
from fair.companies.models import Booth
from fair.db import utcnow
from fair.fairs.models import Edition, EditionOrganiser, EditionPartner, Invitation, InvitationKind
from fair.instance import current, settings_row
from fair.redis_conn import get_redis
from tests.conftest import count, csrf_token, login, page_text, post_form, run_jobs
from tests.workers.jobs import flaky


@pytest.fixture
def admin(factory):
    return factory.user(email="admin@example.org", full_name="Alex Admin", is_admin=True)


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    login(client, admin.email)
    return client


def post(client, path: str, data: dict | None = None):
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, "/admin/")
    return client.post(path, data=data)


def audit_rows(session, action: str | None = None) -> list[AuditEntry]:
    session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.execute(query).scalars())


def one_row(session, action: str, admin) -> AuditEntry:
    [entry] = audit_rows(session)
    assert entry.action == action
    assert (entry.actor_id, entry.actor_email, entry.ip_address) == (admin.id, admin.email, "127.0.0.1")
    assert entry.created_at is not None
    return entry


def fresh(session, model, object_id):
    session.expire_all()
    return session.get(model, object_id)


# ---------------------------------------------------------------- organisations

def test_an_administrator_creates_an_organisation_and_bad_input_changes_nothing(admin_client, admin, session):
    refused = post(admin_client, "/admin/organisations/new", {"kind": "partner", "name": "Mission locale de Roubaix"})
    assert refused.status_code == 422
    assert "Choisissez le type de partenaire." in page_text(refused)  # French, the default
    bad_site = post(admin_client, "/admin/organisations/new",
                    {"kind": "company", "name": "Acme", "website": "http://acme.example"})
    assert bad_site.status_code == 422
    assert count(session, Organisation) == 0 and audit_rows(session) == []

    created = post(admin_client, "/admin/organisations/new",
                   {"kind": "partner", "partner_type": "mission_locale", "name": "Mission locale de Roubaix",
                    "city": "Roubaix", "website": "https://ml-roubaix.example"})
    assert created.status_code == 302
    organisation = session.execute(select(Organisation)).scalar_one()
    assert (organisation.kind, organisation.partner_type, organisation.city) == (
        OrganisationKind.partner, PartnerType.mission_locale, "Roubaix")
    entry = one_row(session, "organisation.create", admin)
    assert (entry.object_type, entry.object_id, entry.organisation_id, entry.object_label) == (
        "organisations", organisation.id, organisation.id, "Mission locale de Roubaix")
    page = admin_client.get(created.headers["Location"])
    assert page.status_code == 200 and "Mission locale de Roubaix" in page_text(page)


def test_the_administrator_invites_an_organisations_first_owner(app, admin_client, admin, session, factory, smtp):
    from fair.accounts.models import MembershipRole, TeamInvitation

    council = factory.organisation("organiser", "Métropole du Nord")
    path = f"/admin/organisations/{council.id}/invite-owner"
    refused = post(admin_client, path, {"email": "not an address"})
    assert refused.status_code == 422
    assert "Indiquez une adresse e-mail valide" in page_text(refused)
    assert count(session, TeamInvitation) == 0 and audit_rows(session) == []

    assert post(admin_client, path, {"email": "Cheffe.Projet@Example.org"}).status_code == 302
    [invitation] = session.execute(select(TeamInvitation)).scalars().all()
    assert (invitation.organisation_id, invitation.role) == (council.id, MembershipRole.owner)
    entry = one_row(session, "team.invite", admin)
    assert entry.organisation_id == council.id
    run_jobs(app)
    [message] = smtp.wait_for("cheffe.projet@example.org")
    assert "/team-invitations/" in message.as_string()

    again = post(admin_client, path, {"email": "cheffe.projet@example.org"})
    assert again.status_code == 422 and "déjà" in page_text(again)
    assert count(session, TeamInvitation) == 1


def test_a_network_needs_its_type(admin_client, session):
    assert post(admin_client, "/admin/organisations/new", {"kind": "network", "name": "GEIQ"}).status_code == 422
    assert post(admin_client, "/admin/organisations/new", {"kind": "network", "name": "GEIQ",
                                                           "network_type": "employers_group"}).status_code == 302
    assert session.execute(select(Organisation.network_type)).scalar_one().value == "employers_group"


def test_editing_an_organisation_keeps_its_kind_and_is_logged(admin_client, admin, session, factory):
    company = factory.organisation("company", "Acme")
    response = post(admin_client, f"/admin/organisations/{company.id}",
                    {"kind": "organiser", "name": "Acme Industries", "city": "Lille"})
    assert response.status_code == 302
    company = fresh(session, Organisation, company.id)
    assert (company.name, company.city, company.kind) == ("Acme Industries", "Lille", OrganisationKind.company)
    entry = one_row(session, "organisation.update", admin)
    assert entry.details["before"]["name"] == "Acme"
    assert post(admin_client, f"/admin/organisations/{company.id}", {"name": ""}).status_code == 422
    assert fresh(session, Organisation, company.id).name == "Acme Industries"


def test_the_list_searches_by_name_and_filters_by_kind_and_state(admin_client, factory):
    factory.organisation("company", "Boulangerie Paul")
    factory.organisation("partner", "Association Paul Bert", partner_type=PartnerType.association)
    factory.organisation("company", "Paul Closed", is_active=False)
    text = page_text(admin_client.get("/admin/organisations?q=paul"))
    assert "Boulangerie Paul" in text and "Association Paul Bert" in text and "Paul Closed" not in text
    text = page_text(admin_client.get("/admin/organisations?q=paul&kind=company&state=all"))
    assert "Boulangerie Paul" in text and "Paul Closed" in text and "Association Paul Bert" not in text
    text = page_text(admin_client.get("/admin/organisations?state=inactive"))
    assert "Paul Closed" in text and "Boulangerie Paul" not in text


def test_a_deactivated_organisation_gives_its_members_no_role(app, admin_client, admin, session, factory):
    organiser = factory.organisation("organiser", "Métropole")
    edition = factory.edition(organiser)
    company = factory.organisation("company", "Acme")
    booth = factory.booth(edition, company)
    factory.member(organiser, email="organiser@example.org")
    factory.member(company, email="recruiter@example.org")
    staff, recruiter = app.test_client(), app.test_client()
    login(staff, "organiser@example.org")
    login(recruiter, "recruiter@example.org")
    assert staff.get(f"/console/editions/{edition.id}").status_code == 200
    assert recruiter.get(f"/recruiter/booths/{booth.id}").status_code == 200

    for org in (organiser, company):
        assert post(admin_client, f"/admin/organisations/{org.id}/deactivate").status_code == 302
    assert [e.action for e in audit_rows(session)] == ["organisation.deactivate"] * 2
    assert audit_rows(session)[0].organisation_id == organiser.id
    assert staff.get("/console/").status_code == 404
    assert staff.get(f"/console/editions/{edition.id}").status_code == 404
    assert recruiter.get(f"/recruiter/booths/{booth.id}").status_code == 404
    assert "Organiser console" not in page_text(staff.get("/account"))

    again = post(admin_client, f"/admin/organisations/{organiser.id}/deactivate")
    assert again.status_code == 422 and len(audit_rows(session)) == 2
    assert post(admin_client, f"/admin/organisations/{organiser.id}/reactivate").status_code == 302
    assert staff.get(f"/console/editions/{edition.id}").status_code == 200
    assert audit_rows(session)[-1].action == "organisation.reactivate"


def test_merging_moves_everything_to_the_kept_organisation(admin_client, admin, session, factory):
    organiser = factory.organisation("organiser", "Métropole")
    edition_1 = factory.edition(organiser)
    edition_2 = factory.edition(organiser)
    keep = factory.organisation("company", "Acme")
    duplicate = factory.organisation("company", "ACME SAS")
    older = factory.organisation("company", "Acme (old)", is_active=False, merged_into_id=duplicate.id)
    both = factory.member(keep, email="both@example.org")
    session.add(Membership(user=both, organisation=duplicate, role=MembershipRole.owner))
    only_dup = factory.member(duplicate, email="dup@example.org", role="owner")
    booth = factory.booth(edition_2, duplicate)
    factory.booth(edition_1, keep)
    invitation = Invitation(edition=edition_1, kind=InvitationKind.company, email="x@example.org",
                            organisation_name="ACME SAS", organisation_id=duplicate.id,
                            expires_at=utcnow() + dt.timedelta(days=3))
    team_invitation = TeamInvitation(organisation_id=duplicate.id, email="colleague@example.org", token_hash="a" * 64,
                                     expires_at=utcnow() + dt.timedelta(days=3))
    join = JoinRequest(organisation_id=duplicate.id, user_id=both.id)
    session.add_all([invitation, team_invitation, join])
    session.commit()

    response = post(admin_client, f"/admin/organisations/{duplicate.id}/merge", {"target_id": str(keep.id)})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Booth, booth.id).company_id == keep.id
    members = {m.user_id: m.role for m in session.execute(
        select(Membership).where(Membership.organisation_id == keep.id)).scalars()}
    assert members == {both.id: MembershipRole.member, only_dup.id: MembershipRole.owner}
    assert count(session, Membership, Membership.organisation_id == duplicate.id) == 0
    assert session.get(Invitation, invitation.id).organisation_id == keep.id
    assert session.get(TeamInvitation, team_invitation.id).organisation_id == keep.id
    assert session.get(JoinRequest, join.id).organisation_id == keep.id
    assert session.get(Organisation, older.id).merged_into_id == keep.id
    gone = session.get(Organisation, duplicate.id)
    assert (gone.is_active, gone.merged_into_id) == (False, keep.id)
    entry = one_row(session, "organisation.merge", admin)
    assert (entry.object_id, entry.organisation_id, entry.details["into_id"]) == (duplicate.id, duplicate.id, keep.id)
    assert entry.details["moved"]["booths"] == 1 and entry.details["moved"]["memberships"] == 1
    assert "Acme" in page_text(admin_client.get(f"/admin/organisations/{duplicate.id}"))


def test_merging_organisers_moves_editions_partnerships_and_co_organisations(admin_client, session, factory):
    keep = factory.organisation("organiser", "France Travail Lille")
    duplicate = factory.organisation("organiser", "FT Lille")
    lead = factory.organisation("organiser", "Métropole")
    own = factory.edition(duplicate)
    shared = factory.edition(lead)
    session.add(EditionOrganiser(edition_id=shared.id, organisation_id=duplicate.id))
    partner_keep = factory.organisation("partner", "Asso", partner_type=PartnerType.association)
    partner_dup = factory.organisation("partner", "Asso bis", partner_type=PartnerType.association)
    session.add_all([EditionPartner(edition_id=own.id, organisation_id=partner_dup.id),
                     EditionPartner(edition_id=shared.id, organisation_id=partner_dup.id),
                     EditionPartner(edition_id=shared.id, organisation_id=partner_keep.id)])
    session.commit()
    assert post(admin_client, f"/admin/organisations/{duplicate.id}/merge",
                {"target_id": str(keep.id)}).status_code == 302
    assert post(admin_client, f"/admin/organisations/{partner_dup.id}/merge",
                {"target_id": str(partner_keep.id)}).status_code == 302
    session.expire_all()
    assert session.get(Edition, own.id).organiser_id == keep.id
    assert session.execute(select(EditionOrganiser.organisation_id)).scalars().all() == [keep.id]
    partners = sorted(session.execute(select(EditionPartner.edition_id, EditionPartner.organisation_id)).all())
    assert partners == sorted([(own.id, partner_keep.id), (shared.id, partner_keep.id)])


def test_a_merge_with_two_booths_in_one_fair_is_refused_and_changes_nothing(admin_client, session, factory):
    organiser = factory.organisation("organiser", "Métropole")
    edition = factory.edition(organiser, title="Salon de Lille")
    keep = factory.organisation("company", "Acme")
    duplicate = factory.organisation("company", "ACME SAS")
    factory.booth(edition, keep)
    factory.booth(edition, duplicate)
    factory.member(duplicate, email="dup@example.org")
    response = post(admin_client, f"/admin/organisations/{duplicate.id}/merge", {"target_id": str(keep.id)})
    assert response.status_code == 422
    assert "Salon de Lille" in page_text(response)
    assert fresh(session, Organisation, duplicate.id).is_active
    assert count(session, Membership, Membership.organisation_id == duplicate.id) == 1
    assert audit_rows(session) == []
    other_kind = factory.organisation("partner", "Asso", partner_type=PartnerType.association)
    assert post(admin_client, f"/admin/organisations/{duplicate.id}/merge",
                {"target_id": str(other_kind.id)}).status_code == 422
    assert post(admin_client, f"/admin/organisations/{duplicate.id}/merge",
                {"target_id": str(duplicate.id)}).status_code == 422
    assert audit_rows(session) == []


# ---------------------------------------------------------------- people

def test_people_are_found_by_name_or_email_and_show_their_memberships(admin_client, factory):
    company = factory.organisation("company", "Acme")
    person = factory.member(company, email="dominique@acme.example", full_name="Dominique Martin", role="owner")
    factory.user(email="someone@example.org", full_name="Someone Else")
    for query in ("martin", "ACME.example"):
        text = page_text(admin_client.get(f"/admin/people?q={query}"))
        assert "Dominique Martin" in text and "Someone Else" not in text
    page = page_text(admin_client.get(f"/admin/people/{person.id}"))
    assert "Acme" in page


def test_disabling_ends_the_sessions_and_refuses_login_until_enabled(app, admin_client, admin, session, factory):
    person = factory.user(email="person@example.org")
    theirs = app.test_client()
    login(theirs, person.email)
    assert post(admin_client, f"/admin/people/{person.id}/disable").status_code == 302
    assert theirs.get("/account").status_code == 302  # sent to log in
    assert post_form(app.test_client(), "/login", {"email": person.email, "password": "correct horse battery staple"}
                     ).status_code != 302
    entry = one_row(session, "user.disable", admin)
    assert (entry.object_type, entry.object_id, entry.object_label) == ("users", person.id, person.email)
    assert post(admin_client, f"/admin/people/{person.id}/disable").status_code == 422
    assert post(admin_client, f"/admin/people/{person.id}/enable").status_code == 302
    login(app.test_client(), person.email)
    assert [e.action for e in audit_rows(session)] == ["user.disable", "user.enable"]


def test_ending_all_sessions_signs_the_person_out_everywhere(app, admin_client, admin, session, factory):
    person = factory.user(email="person@example.org")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, person.email)
    login(laptop, person.email)
    assert post(admin_client, f"/admin/people/{person.id}/end-sessions").status_code == 302
    assert phone.get("/account").status_code == 302 and laptop.get("/account").status_code == 302
    login(phone, person.email)  # the password still works
    one_row(session, "user.end_sessions", admin)


def test_a_password_reset_link_is_mailed(app, admin_client, admin, session, factory, smtp):
    person = factory.user(email="person@example.org")
    assert post(admin_client, f"/admin/people/{person.id}/password-reset").status_code == 302
    run_jobs(app)
    [message] = smtp.wait_for("person@example.org")
    assert "/password/reset/" in message.as_string()
    one_row(session, "user.password_reset", admin)


def test_administrator_granted_and_revoked_but_never_the_last_one(app, admin_client, admin, session, factory):
    person = factory.user(email="person@example.org")
    alone = post(admin_client, f"/admin/people/{admin.id}/revoke-admin")
    assert alone.status_code == 422
    assert "Alex Admin est le dernier administrateur actif" in page_text(alone)
    assert post(admin_client, f"/admin/people/{admin.id}/disable").status_code == 422
    assert fresh(session, User, admin.id).is_admin and audit_rows(session) == []

    assert post(admin_client, f"/admin/people/{person.id}/grant-admin").status_code == 302
    assert fresh(session, User, person.id).is_admin
    other = app.test_client()
    login(other, person.email)
    assert other.get("/admin/").status_code == 200
    assert post(admin_client, f"/admin/people/{person.id}/revoke-admin").status_code == 302
    assert other.get("/admin/").status_code == 404
    assert [e.action for e in audit_rows(session)] == ["admin.grant", "admin.revoke"]
    assert {e.object_id for e in audit_rows(session)} == {person.id}


# ---------------------------------------------------------------- the instance

def test_the_instance_settings_are_saved_and_shown_at_once(admin_client, admin, session):
    refused = post(admin_client, "/admin/instance", {"name": "Emploi Lille", "logo_url": "http://x.example/logo.png"})
    assert refused.status_code == 422
    assert settings_row(session).name == "fair"
    saved = post(admin_client, "/admin/instance", {
        "name": "Emploi Lille", "logo_url": "https://lille.example/logo.png", "contact_email": "contact@lille.example",
        "legal_notice": "Publié par la Métropole", "privacy_notice": "Vos données", "accessibility_statement": "RGAA"})
    assert saved.status_code == 302
    session.expire_all()
    instance = current(session)
    assert (instance.name, instance.logo_url, instance.legal_notice) == (
        "Emploi Lille", "https://lille.example/logo.png", "Publié par la Métropole")
    entry = one_row(session, "instance.update", admin)
    assert "name" in entry.details["changed"] and entry.object_type == "instance_settings"
    assert 'value="Emploi Lille"' in admin_client.get("/admin/instance").get_data(as_text=True)


# ---------------------------------------------------------------- jobs

def test_failed_jobs_are_counted_and_retried(app, admin_client, admin, session):
    app.config["JOB_RETRY_DELAYS"] = ()
    get_redis().set("test:fail:admin", 1)
    job_id = flaky.enqueue("admin").id
    run_jobs(app, ("default",))
    page = admin_client.get("/admin/jobs")
    assert page.status_code == 200 and job_id in page.get_data(as_text=True)
    assert post(admin_client, "/admin/jobs/retry", {"job_id": "no-such-job"}).status_code == 422
    get_redis().delete("test:fail:admin")
    assert post(admin_client, "/admin/jobs/retry", {"job_id": job_id}).status_code == 302
    run_jobs(app, ("default",))
    assert int(get_redis().get("test:runs:admin")) == 2
    entry = one_row(session, "job.retry", admin)
    assert entry.details["job_ids"] == [job_id]
    assert post(admin_client, "/admin/jobs/retry", {}).status_code == 422  # nothing left to retry


def test_the_jobs_page_renders_while_redis_is_down(app, admin_client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    page = admin_client.get("/admin/jobs")
    assert page.status_code == 200
    assert "Redis" in page_text(page)
