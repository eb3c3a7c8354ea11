"""The REST API as an organisation's software uses it: what each token reaches, anonymised editions,
pages, writes through the recruiter's services, problem details in the caller's language, revocation
seen at once, rate limits, and the tokens page of an organisation's owners."""
from __future__ import annotations

import json

from sqlalchemy import select

from fair.accounts.models import Organisation, User
from fair.audit import AuditEntry
from fair.candidates.models import Application, ApplicationStatus
from fair.companies.models import Offer
from fair.jobdating.models import Booking, BookingStatus
from fair.mail.models import OutboxMessage
from tests.api.world import bearer, make_token
from tests.conftest import count, csrf_token, login, page_text, post_form


def ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"] for item in response.get_json()["data"]}


def test_a_company_token_reaches_only_its_booths_objects(client, world):
    h = bearer(world.alpha_token)
    assert ids(client.get("/api/v1/offers", headers=h)) == {world.i.offer_a, world.i.offer_hidden}
    assert ids(client.get("/api/v1/applications", headers=h)) == {world.i.application_a, world.i.application_hidden}
    assert ids(client.get("/api/v1/bookings", headers=h)) == {world.i.booking}
    assert ids(client.get("/api/v1/outcomes", headers=h)) == {world.i.outcome}
    for path in (f"/api/v1/offers/{world.i.offer_b}", f"/api/v1/applications/{world.i.application_b}",
                 f"/api/v1/bookings/{world.i.booking_b}", f"/api/v1/outcomes/{world.i.outcome_b}"):
        response = client.get(path, headers=h)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        problem = response.get_json()
        assert problem["status"] == 404 and problem["title"] == "Introuvable" and problem["instance"] == path
    seen = client.get(f"/api/v1/applications/{world.i.application_a}", headers=h).get_json()
    assert seen["candidate"]["name"] == "Ana Candidate" and seen["message"] == "Bonjour"


def test_an_organiser_reads_its_editions_and_a_partner_the_people_it_follows(client, world):
    h = bearer(world.organiser_token)
    assert ids(client.get("/api/v1/offers", headers=h)) == {world.i.offer_a, world.i.offer_b, world.i.offer_hidden}
    assert ids(client.get("/api/v1/bookings", headers=h)) == {world.i.booking, world.i.booking_b}
    assert ids(client.get("/api/v1/outcomes", headers=h)) == {world.i.outcome, world.i.outcome_b}
    # It reads, but only a company changes its own objects.
    response = client.patch(f"/api/v1/offers/{world.i.offer_a}", json={"title": "Autre"}, headers=h)
    assert response.status_code == 404

    h = bearer(world.partner_token)
    assert ids(client.get("/api/v1/applications", headers=h)) == {world.i.application_a}
    assert ids(client.get("/api/v1/bookings", headers=h)) == {world.i.booking}
    assert ids(client.get("/api/v1/outcomes", headers=h)) == {world.i.outcome}
    assert ids(client.get("/api/v1/offers", headers=h)) == set()
    assert client.get(f"/api/v1/applications/{world.i.application_b}", headers=h).status_code == 404


def test_an_anonymised_edition_stays_anonymised_until_an_interview(client, session, world):
    from fair.jobdating import services as jobdating

    path = f"/api/v1/applications/{world.i.application_hidden}"
    for token in (world.alpha_token, world.organiser_token):
        response = client.get(path, headers=bearer(token))
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Ben" not in body and "ben.api@" not in body and "59000" not in body and "1990" not in body
        candidate = response.get_json()["candidate"]
        assert candidate["anonymised"] is True
        assert candidate["label"] == f"Candidat n° {world.i.application_hidden:05d}"
        listed = client.get("/api/v1/applications", headers=bearer(token)).get_json()["data"]
        assert [item["candidate"] for item in listed if item["id"] == world.i.application_hidden] == [candidate]
    english = client.get(path, headers=bearer(world.alpha_token, "en")).get_json()
    assert english["candidate"]["label"] == f"Candidate no. {world.i.application_hidden:05d}"

    jobdating.book(session, slot_id=world.i.hidden_slot, candidate_id=world.i.ben)
    session.commit()
    candidate = client.get(path, headers=bearer(world.alpha_token)).get_json()["candidate"]
    assert candidate == {"anonymised": False, "label": "Ben Candidate", "name": "Ben Candidate",
                         "email": "ben.api@example.org", "phone": None, "postcode": "59000", "city": "Lille",
                         "birth_year": 1990}


def test_a_withdrawn_application_keeps_only_its_number_and_status(client, session, world):
    from fair.candidates import services as candidates

    candidates.withdraw(session.get(Application, world.i.application_a))
    session.commit()
    seen = client.get(f"/api/v1/applications/{world.i.application_a}", headers=bearer(world.alpha_token)).get_json()
    assert seen["status"] == "withdrawn" and seen["candidate"]["anonymised"] is True
    assert seen["candidate"]["name"] is None and seen["message"] is None
    # The partner the person agreed to still follows them.
    followed = client.get(f"/api/v1/applications/{world.i.application_a}", headers=bearer(world.partner_token))
    assert followed.get_json()["candidate"]["name"] == "Ana Candidate"


def test_pages_follow_the_signed_cursor_and_refuse_a_forged_one(client, factory, world):
    for n in range(5):
        factory.offer(world.booth_a, title=f"Offre {n}")
    h = bearer(world.alpha_token)
    seen, cursor, pages = [], "", 0
    while True:
        response = client.get(f"/api/v1/offers?limit=2&cursor={cursor}", headers=h)
        page = response.get_json()
        assert len(page["data"]) <= 2
        seen += [item["id"] for item in page["data"]]
        pages += 1
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert pages == 4 and len(seen) == 7 and seen == sorted(set(seen))

    tampered = client.get(f"/api/v1/offers?cursor={cursor[:-2]}xx", headers=h)
    assert tampered.status_code == 422 and tampered.get_json()["errors"][0]["pointer"] == "#/cursor"
    # A cursor opens only the list that gave it.
    assert client.get(f"/api/v1/applications?cursor={cursor}", headers=h).status_code == 422
    too_many = client.get("/api/v1/offers?limit=500", headers=bearer(world.alpha_token, "en")).get_json()
    assert too_many["errors"] == [{"pointer": "#/limit", "detail": "Enter a number between 1 and 100."}]


def test_a_company_publishes_and_changes_offers_and_bad_input_changes_nothing(client, session, world):
    h = bearer(world.alpha_token)
    before = count(session, Offer)
    response = client.post("/api/v1/offers", headers=h, json={
        "booth_id": world.i.booth_a, "title": "Chauffeur PL", "contract_type": "cdd", "place": "Roubaix",
        "description": "Livraisons régionales", "positions": 3, "rome_code": "N4101"})
    assert response.status_code == 201, response.get_data(as_text=True)
    created = response.get_json()
    assert response.headers["Location"] == f"/api/v1/offers/{created['id']}"
    assert created["title"] == "Chauffeur PL" and created["positions"] == 3 and created["is_published"] is True
    assert client.get(f"/fairs/{world.i.slug}/offers/{created['id']}").status_code == 200

    bad = client.post("/api/v1/offers", headers=h, json={
        "booth_id": world.i.booth_a, "title": "  ", "contract_type": "freelance", "place": "Lille",
        "description": "x", "positions": "three", "colour": "blue"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    errors = {e["pointer"]: e["detail"] for e in bad.get_json()["errors"]}
    assert errors["#/title"] == "Ce champ est obligatoire."
    assert set(errors) == {"#/title", "#/contract_type", "#/positions", "#/colour"}
    rome = client.post("/api/v1/offers", headers=h, json={
        "booth_id": world.i.booth_a, "title": "T", "contract_type": "cdi", "place": "Lille", "description": "x",
        "rome_code": "12345"})
    assert rome.status_code == 422 and rome.get_json()["errors"][0]["pointer"] == "#/rome_code"
    assert client.post("/api/v1/offers", headers=h, data="title=x").status_code == 400
    nul = client.patch(f"/api/v1/offers/{world.i.offer_a}", headers=h, json={"place": "Lille\u0000"})
    assert nul.status_code == 422 and nul.get_json()["errors"][0]["pointer"] == "#/place"
    # Another company's booth is not found.
    other = client.post("/api/v1/offers", headers=h, json={
        "booth_id": world.i.booth_b, "title": "T", "contract_type": "cdi", "place": "Lille", "description": "x"})
    assert other.status_code == 404
    assert count(session, Offer) == before + 1

    patched = client.patch(f"/api/v1/offers/{world.i.offer_a}", headers=h,
                           json={"positions": 4, "is_published": False})
    assert patched.status_code == 200 and patched.get_json()["positions"] == 4
    assert patched.get_json()["title"] == "Cariste" and patched.get_json()["is_published"] is False
    assert client.get(f"/fairs/{world.i.slug}/offers/{world.i.offer_a}").status_code == 404


def test_moving_an_application_tells_the_candidate_as_the_inbox_does(client, session, world):
    h = bearer(world.alpha_token)
    path = f"/api/v1/applications/{world.i.application_a}"
    no_reason = client.patch(path, headers=h, json={"status": "rejected"})
    assert no_reason.status_code == 422 and no_reason.get_json()["errors"][0]["pointer"] == "#/rejection_reason"
    response = client.patch(path, headers=h, json={"status": "invited"})
    assert response.status_code == 200 and response.get_json()["status"] == "invited"
    session.expire_all()
    assert session.get(Application, world.i.application_a).status == ApplicationStatus.invited
    assert count(session, OutboxMessage, OutboxMessage.template == "application_invited") == 1
    refused = client.patch(path, headers=h, json={"status": "shortlisted"})
    assert refused.status_code == 422
    assert refused.get_json()["detail"] == ("Ce changement n'est pas possible depuis l'état actuel de la "
                                            "candidature.")


def test_cancelling_an_interview_needs_a_reason_and_happens_once(client, session, world):
    h = bearer(world.alpha_token)
    path = f"/api/v1/bookings/{world.i.booking}/cancel"
    assert client.post(path, headers=h, json={}).status_code == 422
    response = client.post(path, headers=h, json={"reason": "Poste pourvu"})
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    session.expire_all()
    booking = session.get(Booking, world.i.booking)
    assert booking.status == BookingStatus.cancelled and booking.cancel_reason == "Poste pourvu"
    again = client.post(path, headers=bearer(world.alpha_token, "en"), json={"reason": "x"})
    assert again.status_code == 422 and again.get_json()["detail"] == "This booking is already cancelled."
    assert client.post(f"/api/v1/bookings/{world.i.booking_b}/cancel", headers=h,
                       json={"reason": "x"}).status_code == 404


def test_a_hire_is_recorded_from_an_application_or_a_hired_interview(client, session, world):
    import datetime as dt

    from fair.outcomes.models import FollowUp, Outcome

    h = bearer(world.alpha_token)
    starts = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    body = {"application_id": world.i.application_a, "contract": "cdd_long", "starts_on": starts, "weekly_hours": 30,
            "job_title": "Cariste"}
    before = count(session, FollowUp)
    created = client.post("/api/v1/outcomes", headers=h, json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    outcome = created.get_json()
    assert outcome["application_id"] == world.i.application_a and outcome["contract"] == "cdd_long"
    assert outcome["employer_name"] == "Transports Alpha" and created.headers["Location"].endswith(str(outcome["id"]))
    assert count(session, FollowUp) > before  # the person will be asked how it goes
    changed = client.post("/api/v1/outcomes", headers=h, json={**body, "contract": "cdi"})
    assert changed.status_code == 200 and changed.get_json()["id"] == outcome["id"]
    assert count(session, Outcome, Outcome.application_id == world.i.application_a) == 1
    # The interview was not marked hired on the interview day: refused, in words.
    on_booking = {key: value for key, value in body.items() if key != "application_id"}
    on_booking["booking_id"] = world.i.booking
    refused = client.post("/api/v1/outcomes", headers=bearer(world.alpha_token, "en"), json=on_booking)
    assert refused.status_code == 422
    assert refused.get_json()["detail"] == "Record the interview as hired on the interview day first."
    both = client.post("/api/v1/outcomes", headers=h, json={**body, "booking_id": world.i.booking})
    assert both.status_code == 422 and {e["pointer"] for e in both.get_json()["errors"]} == {
        "#/booking_id", "#/application_id"}
    far = client.post("/api/v1/outcomes", headers=h, json={**body, "starts_on": "1926-01-01"})
    assert far.status_code == 422 and far.get_json()["errors"][0]["pointer"] == "#/starts_on"
    other = client.post("/api/v1/outcomes", headers=h, json={**body, "application_id": world.i.application_b})
    assert other.status_code == 404


def test_refusals_are_problem_details_in_the_callers_language(client, session, world):
    none = client.get("/api/v1/offers")
    assert none.status_code == 401 and none.headers["WWW-Authenticate"].startswith("Bearer")
    assert none.mimetype == "application/problem+json" and none.get_json()["title"] == "Authentification requise"
    wrong = client.get("/api/v1/offers", headers={"Authorization": "Bearer fair_not-a-token", "Accept-Language": "en"})
    assert wrong.status_code == 401 and wrong.get_json()["title"] == "Authentication required"

    reader = make_token(session, session.get(Organisation, world.i.alpha), ["offers:read"],
                        by=session.get(User, world.i.rita))
    scoped = client.get("/api/v1/applications", headers=bearer(reader))
    assert scoped.status_code == 403 and "applications:read" in scoped.get_json()["detail"]
    assert client.patch(f"/api/v1/offers/{world.i.offer_a}", headers=bearer(reader),
                        json={"positions": 2}).status_code == 403
    assert client.get("/api/v1/offers", headers=bearer(reader)).status_code == 200

    method = client.delete(f"/api/v1/offers/{world.i.offer_a}", headers=bearer(reader))
    assert method.status_code == 405 and method.mimetype == "application/problem+json"
    assert set(method.headers["Allow"].split(", ")) >= {"GET", "PATCH"}
    unknown = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert unknown.status_code == 404 and unknown.get_json()["title"] == "Not found"


def test_a_session_cookie_is_no_api_credential_and_no_cookie_is_set(client, world):
    login(client, "rita.api@example.org")
    response = client.get("/api/v1/offers")
    assert response.status_code == 401
    response = client.post("/api/v1/offers", json={"booth_id": world.i.booth_a})  # no CSRF asked of a token
    assert response.status_code == 401
    response = client.get("/api/v1/offers", headers=bearer(world.alpha_token))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_a_token_revoked_mid_way_is_refused_at_the_next_call(app, client, session, world):
    h = bearer(world.alpha_token)
    assert client.get("/api/v1/applications", headers=h).status_code == 200
    owner = app.test_client()
    login(owner, "rita.api@example.org")
    token_id = session.execute(select(AuditEntry.object_id).where(AuditEntry.action == "api_token.created",
                                                                 AuditEntry.organisation_id == world.i.alpha)
                               ).scalars().first()
    response = post_form(owner, f"/organisations/{world.i.alpha}/api-tokens/{token_id}/revoke", {},
                         form_page=f"/organisations/{world.i.alpha}/api-tokens")
    assert response.status_code == 302
    refused = client.get("/api/v1/applications", headers=h)
    assert refused.status_code == 401 and refused.mimetype == "application/problem+json"
    assert count(session, AuditEntry, AuditEntry.action == "api_token.revoked") == 1
    # Beta's token was never touched.
    assert client.get("/api/v1/applications", headers=bearer(world.beta_token)).status_code == 200


def test_a_token_notes_its_last_use_and_dies_with_its_organisation(client, session, world):
    from fair.api.models import ApiToken

    assert client.get("/api/v1/offers", headers=bearer(world.beta_token)).status_code == 200
    session.expire_all()
    beta = session.get(Organisation, world.i.beta)
    token = session.execute(select(ApiToken).where(ApiToken.organisation_id == beta.id)).scalars().one()
    assert token.last_used_at is not None
    beta.is_active = False  # deactivated (or merged) by an administrator
    session.commit()
    assert client.get("/api/v1/offers", headers=bearer(world.beta_token)).status_code == 401


def test_an_expired_token_is_refused(client, session, world):
    import datetime as dt

    from fair import clock
    from fair.api import services as tokens

    _token, secret = tokens.create_token(session, session.get(Organisation, world.i.alpha), name="Short",
                                         scopes=["offers:read"], created_by=session.get(User, world.i.rita),
                                         expires_on=clock.now().date() + dt.timedelta(days=1))
    session.commit()
    assert client.get("/api/v1/offers", headers=bearer(secret)).status_code == 200
    with clock.frozen_at(clock.now() + dt.timedelta(days=3)):
        assert client.get("/api/v1/offers", headers=bearer(secret)).status_code == 401


def test_owners_make_a_token_shown_once_and_members_only_read(app, client, session, world):
    page = f"/organisations/{world.i.alpha}/api-tokens"
    login(client, "rita.api@example.org")
    refused = post_form(client, page, {"name": "", "scopes": []})
    assert refused.status_code == 422
    assert "Choisissez au moins une permission." in page_text(refused)
    response = post_form(client, page, {"name": "Notre ATS", "scopes": ["applications:read", "bookings:write"]})
    assert response.status_code == 201
    secret = next(word for word in page_text(response).split() if word.startswith("fair_") and len(word) > 30)
    assert client.get("/api/v1/bookings", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/offers", headers=bearer(secret)).status_code == 403
    again = client.get(page)
    assert secret not in again.get_data(as_text=True) and secret[:12] in again.get_data(as_text=True)
    entry = session.execute(select(AuditEntry).where(AuditEntry.action == "api_token.created")
                            .order_by(AuditEntry.id.desc())).scalars().first()
    assert entry.details["scopes"] == ["applications:read", "bookings:write"]
    assert entry.actor_email == "rita.api@example.org"

    member = app.test_client()
    login(member, "ralph.api@example.org")
    listing = member.get(page)
    assert listing.status_code == 200 and "Notre ATS" in page_text(listing)
    assert 'name="scopes"' not in listing.get_data(as_text=True)
    token = csrf_token(member, page)
    assert member.post(page, data={"name": "x", "scopes": ["offers:read"], "csrf_token": token}).status_code == 404
    bob = app.test_client()
    login(bob, "bob.api@example.org")
    assert bob.get(page).status_code == 404


def test_the_description_names_every_route_and_its_page_reads(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    described = {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint not in ("api.openapi", "api.docs"):
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            served |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == described
    json.dumps(document)  # plain JSON all through
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "GET /api/v1/applications" in page_text(docs)
