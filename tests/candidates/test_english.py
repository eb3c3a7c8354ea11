"""Every page of the domain renders in English too (French is the default)."""
from __future__ import annotations

from fair.candidates.models import Application, Referral, ReferralStatus
from fair.db import utcnow
from tests.conftest import login


def test_pages_in_english(app, client, world, session, factory):
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, message="")
    referral = Referral(adviser_id=world.adviser.id, partner_id=world.partner.id, candidate_id=world.candidate.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add_all([application, referral])
    session.commit()
    organiser = factory.member(world.edition.organiser, email="organiser@example.org")
    pages = {
        world.candidate.email: {"/candidate/": "Suggested for you", "/candidate/profile": "Save my profile",
                                "/candidate/cvs": "Send my CV", "/candidate/applications": "Withdraw",
                                f"/candidate/offers/{world.offer_b.id}/apply": "Send my application",
                                "/candidate/referrals": "End this follow-up"},
        world.recruiter_a.email: {f"/recruiter/booths/{world.booth_a.id}/applications": "1 application",
                                  f"/recruiter/booths/{world.booth_a.id}/applications/{application.id}": "Shortlist"},
        world.adviser.email: {"/adviser/": "Candidates I follow", "/adviser/referrals/new": "Send the request",
                              f"/adviser/referrals/{referral.id}": "Apply on their behalf"},
        organiser.email: {f"/console/editions/{world.edition.id}/report": "Report of the fair"},
    }
    for email, paths in pages.items():
        browser = app.test_client()
        browser.set_cookie("lang", "en")
        login(browser, email)
        for path, words in paths.items():
            response = browser.get(path)
            assert response.status_code == 200, path
            assert words in response.get_data(as_text=True), path
