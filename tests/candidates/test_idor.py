"""Objects of another owner answer 404: a recruiter of company B, another candidate or another adviser
asking for a CV, an application or a referral."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from fair.candidates.models import Application, CandidateCv, CvKind, Referral, ReferralStatus
from fair.db import utcnow
from tests.candidates.helpers import pdf_bytes
from tests.conftest import csrf_token, login


@pytest.fixture
def objects(world, session):
    from fair.candidates import storage

    cv = CandidateCv(user=world.candidate, kind=CvKind.pdf, original_name="cv.pdf",
                     storage_name=storage.store(pdf_bytes()), size=len(pdf_bytes()), sha256="0" * 64)
    session.add(cv)
    session.flush()
    application = Application(candidate_id=world.candidate.id, offer_id=world.offer_a.id, cv_id=cv.id, message="")
    referral = Referral(adviser_id=world.adviser.id, partner_id=world.partner.id, candidate_id=world.candidate.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add_all([application, referral])
    session.commit()
    return cv, application, referral


def _gets(world, cv, application, referral) -> list[str]:
    a = f"/recruiter/booths/{world.booth_a.id}/applications/{application.id}"
    b = f"/recruiter/booths/{world.booth_b.id}/applications/{application.id}"
    return [f"/candidate/cvs/{cv.id}", a, a + "/cv", b, b + "/cv",
            f"/adviser/referrals/{referral.id}", f"/adviser/referrals/{referral.id}/cvs/{cv.id}"]


def _posts(world, cv, application, referral) -> list[str]:
    a = f"/recruiter/booths/{world.booth_a.id}/applications/{application.id}"
    b = f"/recruiter/booths/{world.booth_b.id}/applications/{application.id}"
    return [f"/candidate/cvs/{cv.id}/delete", f"/candidate/applications/{application.id}/withdraw",
            f"/candidate/referrals/{referral.id}/revoke", a + "/shortlist", a + "/invite", a + "/reject",
            b + "/shortlist", b + "/reject", f"/adviser/referrals/{referral.id}"]


@pytest.mark.parametrize("who", ["recruiter_b", "other_candidate", "other_adviser"])
def test_someone_else_gets_404_everywhere(app, client, world, objects, session, who):
    cv, application, referral = objects
    login(client, getattr(world, who).email)
    for path in _gets(world, cv, application, referral):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/account")
    for path in _posts(world, cv, application, referral):
        assert client.post(path, data={"csrf_token": token, "reason": "experience"}).status_code == 404, path
    session.expire_all()
    assert session.get(Application, application.id).status.value == "submitted"
    assert session.get(Referral, referral.id).status is ReferralStatus.confirmed
    assert session.get(CandidateCv, cv.id) is not None


def test_the_adviser_loses_access_once_the_candidate_revokes(app, client, world, objects, session):
    cv, application, referral = objects
    login(client, world.adviser.email)
    assert client.get(f"/adviser/referrals/{referral.id}/cvs/{cv.id}").status_code == 200
    session.execute(update(Referral).where(Referral.id == referral.id).values(status=ReferralStatus.revoked))
    session.commit()
    assert client.get(f"/adviser/referrals/{referral.id}/cvs/{cv.id}").status_code == 404
    assert "Conducteur poids lourd" not in client.get(f"/adviser/referrals/{referral.id}").get_data(as_text=True)
    assert "Conducteur poids lourd" not in client.get("/adviser/").get_data(as_text=True)
