"""The one place a person chooses how they are reached (the candidate profile), and the organiser's
SMS reminder times next to the mail ones: bad input gets a translated error and saves nothing."""
from __future__ import annotations

import datetime as dt

from fair.accounts.models import User
from tests.candidates.test_profile import PROFILE
from tests.companies.helpers import field_errors
from tests.conftest import login, post_form


def _sms_consents(session, user_id: int) -> list:
    from fair.accounts.consent import ConsentPurpose, ConsentRecord

    session.expire_all()
    return session.query(ConsentRecord).filter_by(user_id=user_id, purpose=ConsentPurpose.sms).all()


def test_choosing_sms_needs_a_mobile_number(app, client, world, session):
    login(client, world.candidate.email)
    refused = {
        "01 23 45 67 89": "Ce numéro ne peut pas recevoir de SMS : saisissez un numéro de portable, "
                          "par exemple 06 12 34 56 78.",  # a landline
        "06 12 34": "Saisissez un numéro de portable, par exemple 06 12 34 56 78 (ou +32 470 12 34 56 depuis "
                    "l’étranger).",  # too short
        "": "Saisissez votre numéro de portable pour recevoir des SMS.",
    }
    for phone, error in refused.items():
        response = post_form(client, "/candidate/profile", {**PROFILE, "preferred_contact": "sms", "phone": phone})
        assert response.status_code == 422, phone
        assert field_errors(response, "phone") == [error]
    garbage = post_form(client, "/candidate/profile", {**PROFILE, "preferred_contact": "both", "phone": "abc"})
    assert garbage.status_code == 422 and field_errors(garbage, "phone")
    user = session.get(User, world.candidate.id)
    assert (user.notify_by, _sms_consents(session, user.id)) == ("email", [])  # nothing saved

    # A landline is fine for email: kept as typed, for a recruiter to call, never texted.
    assert post_form(client, "/candidate/profile", {**PROFILE, "preferred_contact": "email",
                                                    "phone": "01 23 45 67 89"}).status_code == 302
    session.expire_all()
    assert session.get(User, world.candidate.id).phone == "01 23 45 67 89"

    # A Belgian mobile with its prefix: saved in E.164, the SMS consent recorded with its words.
    assert post_form(client, "/candidate/profile", {**PROFILE, "preferred_contact": "sms",
                                                    "phone": "+32 470 12 34 56"}).status_code == 302
    session.expire_all()
    user = session.get(User, world.candidate.id)
    assert (user.notify_by, user.phone) == ("sms", "+32470123456")
    [record] = _sms_consents(session, user.id)
    assert "SMS" in record.text and record.withdrawn_at is None
    page = client.get("/candidate/profile").get_data(as_text=True)
    assert 'value="+32 470 12 34 56"' in page  # shown as people write it


def test_the_organiser_sets_the_sms_reminder_times(app, session, world):
    from fair.calendar.reminders import reminder_offsets, sms_reminder_offsets

    client = app.test_client()
    login(client, world.organiser.email)
    path = f"/console/editions/{world.edition.id}/reminders"
    page = client.get(path).get_data(as_text=True)
    assert 'value="24, 2"' in page and 'value="24, 1"' in page  # the defaults: SMS and mail
    refused = post_form(client, path, {"hours": "24, 1", "sms_hours": "demain"})
    assert refused.status_code == 422
    assert "« demain » n’est pas un nombre d’heures" in refused.get_data(as_text=True)
    assert sms_reminder_offsets(session, world.edition.id) == [1440, 120]  # unchanged
    assert post_form(client, path, {"hours": "24, 1", "sms_hours": "48; 0,5"}).status_code == 302
    session.expire_all()
    assert sms_reminder_offsets(session, world.edition.id) == [2880, 30]
    assert reminder_offsets(session, world.edition.id) == [1440, 60]
    assert post_form(client, path, {"hours": "24, 1", "sms_hours": ""}).status_code == 302
    session.expire_all()
    assert sms_reminder_offsets(session, world.edition.id) == []  # no SMS reminder: the mail ones go
    assert dt.timedelta(minutes=reminder_offsets(session, world.edition.id)[0]) == dt.timedelta(hours=24)
