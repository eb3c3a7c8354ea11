"""Issue 14 item 4: a candidate applies once their address is confirmed; CVs have a quota."""
from __future__ import annotations

from pathlib import Path

from fair.candidates.models import Application, CandidateCv
from tests.accounts.helpers import mail_link
from tests.candidates.helpers import count, pdf_bytes, upload
from tests.conftest import csrf_token, login, page_text, post_form, run_jobs


def apply(client, offer_id: int):
    path = f"/candidate/offers/{offer_id}/apply"
    return client.post(path, data={"csrf_token": csrf_token(client, path), "cv_id": "", "message": ""})


def test_an_unconfirmed_candidate_applies_once_the_mailed_link_is_opened(app, client, world, session, smtp):
    world.candidate.email_confirmed_at = None
    session.commit()
    login(client, world.candidate.email)
    refused = apply(client, world.offer_a.id)
    assert refused.status_code == 403
    text = page_text(refused)
    assert "Confirmez d’abord votre adresse e-mail" in text
    assert "Envoyez-moi un nouveau lien de confirmation" in text
    assert count(session, Application) == 0

    assert post_form(client, "/confirm/resend", {}, form_page="/account").status_code == 302
    run_jobs(app)
    [message] = smtp.wait_for(world.candidate.email)
    assert client.get(mail_link(message, "/confirm/")).status_code == 302
    assert apply(client, world.offer_a.id).status_code == 302
    assert count(session, Application) == 1


def test_an_adviser_cannot_apply_for_an_unconfirmed_candidate(app, client, world, session):
    from fair.candidates.models import Referral, ReferralStatus
    from fair.db import utcnow

    referral = Referral(adviser_id=world.adviser.id, partner_id=world.partner.id, candidate_id=world.candidate.id,
                        status=ReferralStatus.confirmed, confirmed_at=utcnow(), consent_text="ok")
    session.add(referral)
    world.candidate.email_confirmed_at = None
    session.commit()
    login(client, world.adviser.email)
    path = f"/adviser/referrals/{referral.id}"
    refused = post_form(client, path, {"offer_id": str(world.offer_a.id), "message": ""})
    assert refused.status_code == 403
    assert "Cette personne n’a pas encore confirmé son adresse e-mail" in page_text(refused)
    assert count(session, Application) == 0


def _stored(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads" / "cv"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_number_of_cvs_is_limited(app, client, world, session):
    app.config["CV_MAX_COUNT"] = 2
    login(client, world.candidate.email)
    assert upload(client, pdf_bytes("one"), "one.pdf").status_code == 302
    assert upload(client, pdf_bytes("two"), "two.pdf").status_code == 302
    refused = upload(client, pdf_bytes("three"), "three.pdf")
    assert refused.status_code == 422
    assert "Vous avez déjà 2 CV, le maximum autorisé." in page_text(refused)
    assert count(session, CandidateCv) == 2 and len(_stored(app)) == 2


def test_the_total_size_of_cvs_is_limited(app, client, world, session):
    first = pdf_bytes("one")
    app.config["CV_MAX_TOTAL_BYTES"] = len(first) + 10
    login(client, world.candidate.email)
    assert upload(client, first, "one.pdf").status_code == 302
    refused = upload(client, pdf_bytes("two"), "two.pdf")
    assert refused.status_code == 422
    assert "Supprimez-en un avant d’en envoyer un autre." in page_text(refused)
    assert count(session, CandidateCv) == 1 and len(_stored(app)) == 1
    client.get("/lang/en")
    assert "Delete one before sending another." in page_text(upload(client, pdf_bytes("two"), "two.pdf"))
