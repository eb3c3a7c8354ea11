"""Who saw my CV: each download of a candidate's CV by a recruiter (or an adviser they agreed to) is
recorded and shown to its owner, with the organisation and the time, never the person's name; the
owner's own downloads record nothing, and nobody else sees the record."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.candidates.helpers import pdf_bytes, upload
from tests.conftest import count, login, page_text, post_form
from tests.privacy.consent_world import world  # noqa: F401  (fixture used by name)


def _cv_and_application(client, session, world):
    from fair.candidates.models import Application, CandidateCv

    login(client, world.candidate.email)
    assert upload(client, pdf_bytes("Camille"), "cv-camille.pdf").status_code == 302
    cv = session.execute(select(CandidateCv)).scalar_one()
    session.add(Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, cv_id=cv.id, message=""))
    session.commit()
    return cv, session.execute(select(Application)).scalar_one()


def test_a_recruiters_download_shows_to_the_owner_with_company_and_time(app, client, session, world):
    from fair import clock
    from fair.candidates.models import CvAccess

    cv, application = _cv_and_application(client, session, world)
    assert "Aucun recruteur ni conseiller ne l’a encore ouvert." in page_text(client.get("/candidate/cvs"))

    # The candidate's own downloads record nothing.
    assert client.get(f"/candidate/cvs/{cv.id}").status_code == 200
    assert count(session, CvAccess) == 0

    recruiter = app.test_client()
    when = dt.datetime(2030, 3, 12, 9, 41, tzinfo=dt.timezone.utc)
    with clock.frozen_at(when):  # signed in inside the frozen block, as the session's age is read on that clock
        login(recruiter, world.recruiter_a.email)
        response = recruiter.get(f"/recruiter/booths/{world.booth_a.id}/applications/{application.id}/cv")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    (access,) = session.execute(select(CvAccess)).scalars()
    assert (access.cv_id, access.viewer_id, access.company_id, access.action) == (
        cv.id, world.recruiter_a.id, world.company_a.id, "download")

    text = page_text(client.get("/candidate/cvs"))
    assert "Ouvert une fois par un recruteur ou un conseiller" in text
    assert "Ouvert par Transports Rapides le 12 mars 2030" in text and "10:41" in text  # Paris time
    assert "Rita Recruiter" not in text

    # Another candidate sees none of it, and cannot reach the file.
    other = app.test_client()
    login(other, world.other_candidate.email)
    assert "Transports Rapides" not in page_text(other.get("/candidate/cvs"))
    assert other.get(f"/candidate/cvs/{cv.id}").status_code == 404

    # A recruiter of another company gets 404 and leaves no trace.
    stranger = app.test_client()
    login(stranger, world.recruiter_b.email)
    assert stranger.get(f"/recruiter/booths/{world.booth_a.id}/applications/{application.id}/cv").status_code == 404
    assert count(session, CvAccess) == 1


def test_the_newest_opening_comes_first_and_an_adviser_is_named_by_their_organisation(app, client, session, world):
    from fair import clock
    from fair.candidates.models import Referral
    from fair.candidates.services import referral_token

    cv, application = _cv_and_application(client, session, world)
    recruiter = app.test_client()
    with clock.frozen_at(dt.datetime(2030, 3, 12, 9, 0, tzinfo=dt.timezone.utc)):
        login(recruiter, world.recruiter_a.email)
        recruiter.get(f"/recruiter/booths/{world.booth_a.id}/applications/{application.id}/cv")

    adviser = app.test_client()
    login(adviser, world.adviser.email)
    post_form(adviser, "/adviser/referrals/new", {"partner_id": str(world.partner.id), "email": world.candidate.email,
                                                  "full_name": "Camille Candidate", "note": ""})
    referral = session.execute(select(Referral)).scalar_one()
    post_form(client, f"/referrals/confirm/{referral_token(referral)}", {})
    with clock.frozen_at(dt.datetime(2030, 3, 13, 15, 0, tzinfo=dt.timezone.utc)):
        login(adviser, world.adviser.email)
        assert adviser.get(f"/adviser/referrals/{referral.id}/cvs/{cv.id}").status_code == 200

    text = page_text(client.get("/candidate/cvs"))
    assert "Ouvert 2 fois par des recruteurs ou des conseillers" in text
    assert text.index("Mission locale de Lille le 13 mars 2030") < text.index("Transports Rapides le 12 mars 2030")
