"""Issue 14 item 4: booking and the waitlist need a confirmed address, also when an adviser books."""
from __future__ import annotations

from fair.accounts.models import User
from fair.db import utcnow
from tests.conftest import csrf_token, login, page_text, post_form
from tests.jobdating.helpers import active_bookings


def _unconfirm(session, user) -> None:
    user.email_confirmed_at = None
    session.commit()


def test_an_unconfirmed_candidate_books_and_queues_once_confirmed(app, client, session, world):
    _unconfirm(session, world.candidate)
    login(client, world.candidate.email)
    page = f"/fairs/{world.edition.slug}/booths/{world.booth_a.id}/interviews"
    slot = world.slots[0]
    refused = post_form(client, f"/interviews/slots/{slot.id}/book", {"slot_id": slot.id}, form_page=page)
    assert refused.status_code == 403
    assert "Confirmez d’abord votre adresse e-mail" in page_text(refused)
    assert "Envoyez-moi un nouveau lien de confirmation" in page_text(refused)
    api = client.post(f"/api/jobdating/slots/{slot.id}/bookings", json={},
                      headers={"X-CSRFToken": csrf_token(client, page)})
    assert api.status_code == 403 and api.get_json()["code"] == "unconfirmed"
    waitlist = post_form(client, f"/interviews/booths/{world.booth_a.id}/waitlist", {}, form_page=page)
    assert waitlist.status_code == 403
    assert active_bookings(session, slot_id=slot.id) == []

    # The requests ended the test's session: the row is read again to change it.
    session.get(User, world.candidate.id).email_confirmed_at = utcnow()
    session.commit()
    assert post_form(client, f"/interviews/slots/{slot.id}/book", {"slot_id": slot.id},
                     form_page=page).status_code == 302
    assert len(active_bookings(session, slot_id=slot.id)) == 1


def test_an_adviser_cannot_book_for_an_unconfirmed_candidate(app, session, factory, world):
    from fair.accounts.models import PartnerType
    from fair.candidates.models import Referral, ReferralStatus

    partner = factory.organisation("partner", name="Mission locale", partner_type=PartnerType.mission_locale)
    adviser = factory.member(partner, email="adviser@example.org")
    session.add(Referral(adviser_id=adviser.id, partner_id=partner.id, candidate_id=world.candidate.id,
                         status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok"))
    session.commit()
    _unconfirm(session, world.candidate)
    client = app.test_client()
    login(client, adviser.email)
    page = f"/fairs/{world.edition.slug}/booths/{world.booth_a.id}/interviews"
    slot = world.slots[2]
    refused = post_form(client, f"/interviews/slots/{slot.id}/book",
                        {"slot_id": slot.id, "candidate_id": world.candidate.id}, form_page=page)
    assert refused.status_code == 403
    assert "Cette personne n’a pas encore confirmé son adresse e-mail" in page_text(refused)
    assert "Envoyez-moi un nouveau lien" not in page_text(refused)  # the adviser's own address is fine
    assert active_bookings(session, slot_id=slot.id) == []
