"""Webhooks end to end against a real receiver on loopback that checks every signature: who hears which
event, retries with backoff (the clock moved, the jobs run; never a sleep), pause, delete, rotation,
the owners told when a subscription is disabled, and the log of answers shown to the owner."""
from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fair import clock
from fair.audit import AuditEntry
from fair.webhooks import jobs
from fair.webhooks import services as webhooks
from fair.webhooks.models import DeliveryStatus, SubscriptionStatus, WebhookDelivery, WebhookSubscription
from tests.conftest import count, login, page_text, post_form, run_jobs

FAIR_DAY = dt.date(2030, 3, 12)


@pytest.fixture
def world(factory, session):
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow

    organiser = factory.organisation("organiser", name="Métropole Emploi")
    olga = factory.member(organiser, email="olga@example.org", role="owner")
    alpha = factory.organisation("company", name="Transports Alpha")
    rita = factory.member(alpha, email="rita@example.org", role="owner", full_name="Rita Recruiter")
    ralph = factory.member(alpha, email="ralph@example.org", full_name="Ralph Member")
    beta = factory.organisation("company", name="Boulangerie Beta")
    bob = factory.member(beta, email="bob@example.org", role="owner")
    partner = factory.organisation("partner", name="Mission locale")
    paula = factory.member(partner, email="paula@example.org", role="owner")
    edition = factory.edition(organiser, starts_at=dt.datetime(2030, 3, 12, 7, 0, tzinfo=dt.UTC),
                              ends_at=dt.datetime(2030, 3, 12, 17, 0, tzinfo=dt.UTC))
    booth_a, booth_b = factory.booth(edition, alpha), factory.booth(edition, beta)
    offer_a, offer_b = factory.offer(booth_a, title="Cariste"), factory.offer(booth_b, title="Boulanger")
    ana = factory.user(email="ana@example.org", full_name="Ana Candidate")
    session.add(Referral(candidate_id=ana.id, adviser_id=paula.id, partner_id=partner.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    session.commit()
    slots = list(factory.slot_range(booth_a, rita, FAIR_DAY, "09:00", "10:00").slots)
    # run_jobs ends the test's session (as a job does): tests read ids, and load rows again after it.
    return SimpleNamespace(alpha_id=alpha.id, beta_id=beta.id, organiser=organiser, olga=olga, alpha=alpha,
                           rita=rita, ralph=ralph, beta=beta, bob=bob,
                           partner=partner, paula=paula, edition=edition, offer_a=offer_a, offer_b=offer_b,
                           ana=ana, slots=slots)


def subscribe(session, receiver, organisation, name: str, events=webhooks.EVENT_TYPES) -> WebhookSubscription:
    subscription, secret = webhooks.subscribe(session, organisation, url=f"{receiver.url}/{name}", events=events)
    session.commit()
    receiver.secrets[name] = [secret]
    return subscription


@pytest.fixture
def moving_clock():
    """A clock the test moves forward (`moving_clock.now += …`)."""
    state = SimpleNamespace(now=clock.now())
    clock.set_clock(lambda: state.now)
    yield state
    clock.set_clock(None)


def sweep_and_run(app) -> None:
    jobs.sweep_deliveries()
    run_jobs(app, ("default",))


def test_each_change_reaches_the_organisations_concerned_signed_and_thin(app, session, world, receiver):
    from fair.candidates import services as candidates
    from fair.candidates.models import ApplicationStatus
    from fair.jobdating import services as jobdating
    from fair.outcomes import services as outcomes
    from fair.outcomes.models import ContractType, RecordedAs

    for organisation, name in ((world.alpha, "alpha"), (world.beta, "beta"), (world.organiser, "organiser"),
                               (world.partner, "partner")):
        subscribe(session, receiver, organisation, name)
    bookings_only = subscribe(session, receiver, world.alpha, "alpha-bookings", events=["booking.cancelled"]).id

    application = candidates.apply(world.ana, world.offer_a)
    session.commit()
    candidates.move(application, ApplicationStatus.invited)
    session.commit()
    booking = jobdating.book(session, slot_id=world.slots[0].id, candidate_id=world.ana.id)
    session.commit()
    jobdating.reschedule(session, booking, world.slots[1].id)
    session.commit()
    jobdating.cancel_booking(session, booking, by_user_id=world.ana.id)
    session.commit()
    outcome = outcomes.record(session, candidate_id=world.ana.id, recorded_as=RecordedAs.recruiter,
                              recorded_by_id=world.rita.id, edition_id=world.edition.id, company_id=world.alpha.id,
                              details=outcomes.HireDetails(contract=ContractType.cdi, starts_on=dt.date(2030, 4, 1),
                                                           weekly_hours=35))
    session.commit()
    application_id, booking_id, outcome_id = application.id, booking.id, outcome.id
    run_jobs(app, ("default",))

    expected = [("application.created", "application", application_id),
                ("application.updated", "application", application_id),
                ("booking.created", "booking", booking_id),
                ("booking.created", "booking", booking_id),  # moved: the same booking at its new time
                ("booking.cancelled", "booking", booking_id),
                ("outcome.recorded", "outcome", outcome_id)]
    for name in ("alpha", "organiser", "partner"):
        got = receiver.at(name)
        assert [(g.json["type"], g.json["data"]["object"], g.json["data"]["id"]) for g in got] == expected, name
        assert all(g.valid_with == receiver.secrets[name] for g in got), f"a bad signature reached {name}"
    assert receiver.at("beta") == []  # another company's booth: nothing
    assert [g.json["type"] for g in receiver.at("alpha-bookings")] == ["booking.cancelled"]

    first = receiver.at("alpha")[0]
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["Webhook-Id"] == first.json["id"]
    payload = first.json
    assert set(payload) == {"id", "type", "created_at", "organisation_id", "data"}
    assert payload["organisation_id"] == world.alpha_id
    assert payload["data"] == {"object": "application", "id": application_id,
                               "href": f"http://fair.test/api/v1/applications/{application_id}"}
    assert dt.datetime.fromisoformat(payload["created_at"]).tzinfo is not None
    every_body = b" ".join(g.body for g in receiver.received).decode()
    assert "Ana" not in every_body and "ana@example.org" not in every_body  # no personal data leaves
    assert count(session, WebhookDelivery, WebhookDelivery.subscription_id == bookings_only) == 1


def test_a_failing_receiver_gets_the_retries_with_backoff_then_succeeds(app, session, world, receiver, moving_clock,
                                                                        client):
    subscription = subscribe(session, receiver, world.alpha, "flaky")
    receiver.scripts["flaky"] = [500, "hang", 302, 200]
    subscription_id = subscription.id
    webhooks.send_test(session, subscription)
    session.commit()
    run_jobs(app, ("default",))
    assert len(receiver.at("flaky")) == 1
    delivery = session.execute(select(WebhookDelivery)).scalar_one()
    delivery_id = delivery.id
    wait = delivery.next_attempt_at - moving_clock.now
    assert dt.timedelta(seconds=47) <= wait <= dt.timedelta(seconds=73)  # 1 min ± 20 %

    moving_clock.now += dt.timedelta(seconds=40)
    sweep_and_run(app)
    assert len(receiver.at("flaky")) == 1  # not yet due: nothing sent

    moving_clock.now += dt.timedelta(seconds=40)
    sweep_and_run(app)  # the second attempt: no answer within the timeout
    moving_clock.now += dt.timedelta(minutes=7)
    sweep_and_run(app)  # the third: a redirect, not followed
    delivery = session.get(WebhookDelivery, delivery_id)
    assert dt.timedelta(minutes=23) < delivery.next_attempt_at - moving_clock.now < dt.timedelta(minutes=37)
    moving_clock.now += dt.timedelta(minutes=37)
    sweep_and_run(app)

    got = receiver.at("flaky")
    assert len(got) == 4
    assert len({g.json["id"] for g in got}) == 1  # the same id every time: receivers drop duplicates
    assert all(g.valid_with for g in got)
    delivery = session.get(WebhookDelivery, delivery_id)
    assert delivery.status is DeliveryStatus.delivered
    answers = [(a.status_code, a.error) for a in reversed(delivery.attempt_log)]
    assert answers == [(500, ""), (None, "timed out"), (302, ""), (200, "")]

    login(client, "ralph@example.org")  # a member reads the log
    text = page_text(client.get(f"/organisations/{world.alpha_id}/webhooks/{subscription_id}"))
    assert "HTTP 500" in text and "answer 500" in text and "timed out" in text and "HTTP 302" in text
    assert "HTTP 200" in text


def test_paused_and_deleted_subscriptions_get_nothing(app, session, world, receiver):
    from fair import webhooks as hooks

    paused = subscribe(session, receiver, world.alpha, "paused")
    deleted = subscribe(session, receiver, world.alpha, "deleted")
    subscribe(session, receiver, world.alpha, "live")
    webhooks.pause(session, paused)
    webhooks.delete(session, deleted)
    session.commit()
    paused_id = paused.id

    hooks.emit(session, "application.created", 41, [world.alpha_id])
    session.commit()
    run_jobs(app, ("default",))
    assert [g.json["data"]["id"] for g in receiver.at("live")] == [41]
    assert receiver.at("paused") == [] and receiver.at("deleted") == []
    assert count(session, WebhookDelivery, WebhookDelivery.subscription_id == paused_id) == 0

    webhooks.resume(session, session.get(WebhookSubscription, paused_id))
    session.commit()
    hooks.emit(session, "application.created", 42, [world.alpha_id])
    session.commit()
    run_jobs(app, ("default",))
    assert [g.json["data"]["id"] for g in receiver.at("paused")] == [42]
    actions = session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
    assert {"webhook.created", "webhook.paused", "webhook.deleted", "webhook.resumed"} <= set(actions)


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(app, session, world, receiver, moving_clock):
    subscription = subscribe(session, receiver, world.alpha, "rotating")
    old = receiver.secrets["rotating"][0]
    new = webhooks.rotate_secret(session, subscription)
    session.commit()
    assert new != old and subscription.secret_hint == new[-4:]
    receiver.secrets["rotating"] = [old, new]

    subscription_id = subscription.id
    webhooks.send_test(session, subscription)
    session.commit()
    run_jobs(app, ("default",))
    moving_clock.now += dt.timedelta(hours=25)
    webhooks.send_test(session, session.get(WebhookSubscription, subscription_id))
    session.commit()
    run_jobs(app, ("default",))

    first, second = receiver.at("rotating")
    assert sorted(first.valid_with) == sorted([old, new])
    assert second.valid_with == [new]


def test_a_subscription_failing_for_days_is_disabled_and_its_owners_told(app, session, world, receiver,
                                                                          moving_clock, smtp):
    from fair import webhooks as hooks

    subscription = subscribe(session, receiver, world.alpha, "down")
    subscription_id, url = subscription.id, subscription.url
    receiver.scripts["down"] = [503]
    hooks.emit(session, "booking.created", 7, [world.alpha_id])
    session.commit()
    run_jobs(app, ("default",))
    for step in (dt.timedelta(hours=40), dt.timedelta(hours=33)):  # failing for 73 h at the last attempt
        moving_clock.now += step
        hooks.emit(session, "booking.created", 8, [world.alpha_id])
        session.commit()
        sweep_and_run(app)  # the new delivery, and the first one's retry
        if step.total_seconds() == 40 * 3600:
            assert session.get(WebhookSubscription, subscription_id).status is SubscriptionStatus.active
    assert session.get(WebhookSubscription, subscription_id).status is SubscriptionStatus.disabled
    assert count(session, WebhookDelivery, WebhookDelivery.status == DeliveryStatus.pending) == 0
    run_jobs(app, ("mail",))
    (mail,) = smtp.wait_for("rita@example.org")
    assert url in mail["Subject"]
    assert smtp.to("ralph@example.org") == []  # owners only

    sent = len(receiver.at("down"))
    hooks.emit(session, "booking.created", 9, [world.alpha_id])
    session.commit()
    run_jobs(app, ("default",))
    assert len(receiver.at("down")) == sent  # a disabled subscription hears nothing more


def test_local_addresses_are_refused_when_not_allowed(app, session, world, receiver):
    from fair.forms import FieldErrors

    subscription = subscribe(session, receiver, world.alpha, "local")
    app.config["WEBHOOKS_ALLOW_LOCAL"] = False
    try:
        with pytest.raises(FieldErrors):
            webhooks.check_url(f"{receiver.url}/local")  # plain http
        assert webhooks.check_url("https://hooks.example.org/fair") == "https://hooks.example.org/fair"
        subscription.url = f"https://localhost:{receiver.url.rsplit(':', 1)[1]}/local"
        session.commit()
        webhooks.send_test(session, subscription)
        session.commit()
        run_jobs(app, ("default",))
    finally:
        app.config["WEBHOOKS_ALLOW_LOCAL"] = True
    delivery = session.execute(select(WebhookDelivery)).scalar_one()
    assert "private or loopback" in delivery.attempt_log[0].error
    assert receiver.at("local") == []


def test_owner_pages_subscribe_show_the_secret_once_and_resend(app, session, world, receiver, client):
    login(client, "rita@example.org")
    index = f"/organisations/{world.alpha_id}/webhooks"
    refused = post_form(client, index, {"url": "http://hooks.example.org/x", "events": ["booking.created"]})
    assert refused.status_code == 422 and count(session, WebhookSubscription) == 0
    assert "https://" in page_text(refused)

    made = post_form(client, index, {"url": f"{receiver.url}/pages", "description": "ATS",
                                     "events": ["booking.created", "outcome.recorded"]})
    assert made.status_code == 201
    subscription = session.execute(select(WebhookSubscription)).scalar_one()
    secret = page_text(made).split("whsec_", 1)[1].split()[0]
    secret = "whsec_" + secret
    assert subscription.events == ["booking.created", "outcome.recorded"]
    receiver.secrets["pages"] = [secret]
    subscription_id = subscription.id
    page = f"{index}/{subscription_id}"
    assert secret not in client.get(page).get_data(as_text=True)
    assert secret[-4:] in page_text(client.get(page))

    assert post_form(client, f"{page}/test", {}, form_page=page).status_code == 302
    run_jobs(app, ("default",))
    (got,) = receiver.at("pages")
    assert got.valid_with == [secret] and got.json["type"] == "webhook.test"

    delivery_id = got.json["id"]
    assert post_form(client, f"{page}/deliveries/{delivery_id}/resend", {}, form_page=page).status_code == 302
    run_jobs(app, ("default",))
    assert [g.json["id"] for g in receiver.at("pages")] == [delivery_id, delivery_id]

    member = app.test_client()
    login(member, "ralph@example.org")  # a member reads, but does not change
    assert member.get(page).status_code == 200
    assert post_form(member, f"{page}/pause", {}, form_page=page).status_code == 404
    stranger = app.test_client()
    login(stranger, "bob@example.org")  # another company's owner: nothing there
    assert stranger.get(page).status_code == 404
    assert stranger.get(f"/organisations/{world.beta_id}/webhooks/{subscription_id}").status_code == 404
    assert json.loads(got.body)["organisation_id"] == world.alpha_id
