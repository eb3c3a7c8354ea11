"""Issue 14, item 15: bidirectional controls (U+202A–U+202E, U+2066–U+2069) are dropped wherever text
names a person, an organisation or a file, and from chat text: "cv\u202efdp.exe" would read "cvexe.pdf"."""
from __future__ import annotations

from fair.candidates.models import CandidateCv
from tests.candidates.helpers import pdf_bytes, upload
from tests.companies.helpers import page_text
from tests.conftest import login, post_form

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_a_cv_named_with_a_right_to_left_override_keeps_its_true_name(client, world, session):
    login(client, world.candidate.email)
    response = upload(client, pdf_bytes(), "cv\u202efdp.exe")
    assert response.status_code == 302, page_text(response)
    [cv] = session.query(CandidateCv).all()
    assert cv.original_name == "cvfdp.exe"
    page = client.get("/candidate/cvs").get_data(as_text=True)
    assert "cvfdp.exe" in page and not any(c in page for c in CONTROLS)
    download = client.get(f"/candidate/cvs/{cv.id}")
    assert not any(c in download.headers["Content-Disposition"] for c in CONTROLS)


def test_a_name_typed_with_controls_is_saved_without_them(client, factory, session):
    from fair.accounts.models import User

    person = factory.user(email="person@example.org")
    login(client, person.email)
    response = post_form(client, "/account", {"full_name": "Ana\u202e\u2067 Martin\u2069", "phone": "",
                                              "locale": "fr"}, form_page="/account")
    assert response.status_code == 302, page_text(response)
    session.expire_all()
    assert session.get(User, person.id).full_name == "Ana Martin"


def test_chat_text_and_organisation_names_drop_them_on_every_path(session, factory):
    from fair.live.chat import ChatMessage, ChatRole

    company = factory.organisation("company", "Transports\u202e du Nord")
    assert company.name == "Transports du Nord"
    edition = factory.edition(factory.organisation("organiser"))
    booth = factory.booth(edition, company)
    author = factory.user(email="chat@example.org")
    message = ChatMessage(booth_id=booth.id, author_id=author.id, role=ChatRole.candidate,
                          text="Bonjour \u2066à\u2069 tous\u202c")
    session.add(message)
    session.commit()
    session.expire_all()
    assert session.get(ChatMessage, message.id).text == "Bonjour à tous"
