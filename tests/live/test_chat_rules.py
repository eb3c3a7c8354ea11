"""The chat's rules that need no server process: safe HTML, names in anonymised fairs, mutes that end."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask_babel import force_locale


@pytest.mark.parametrize("typed, shown", [
    ("Bonjour\nà tous", "Bonjour\nà tous"),
    ("Le site (https://example.org/emploi), merci !",
     'Le site (<a href="https://example.org/emploi" target="_blank" rel="nofollow noopener ugc">'
     'https://example.org/emploi</a>), merci !'),
    ("https://fr.wikipedia.org/wiki/Lille_(France)",
     '<a href="https://fr.wikipedia.org/wiki/Lille_(France)" target="_blank" rel="nofollow noopener ugc">'
     'https://fr.wikipedia.org/wiki/Lille_(France)</a>'),
    ("ftp://example.org/cv.pdf et data:text/html,<b>x</b>",
     "ftp://example.org/cv.pdf et data:text/html,&lt;b&gt;x&lt;/b&gt;"),
    ("<svg onload=alert(1)>https://example.org", '&lt;svg onload=alert(1)&gt;<a href="https://example.org" '
     'target="_blank" rel="nofollow noopener ugc">https://example.org</a>'),
    ("https://example.org/<script>", '<a href="https://example.org/" target="_blank" rel="nofollow noopener ugc">'
     'https://example.org/</a>&lt;script&gt;'),
    ("Tom & Jerry > 3", "Tom &amp; Jerry &gt; 3"),
])
def test_text_is_escaped_and_only_http_links_become_links(typed, shown):
    from fair.live.chat import render_html

    assert render_html(typed) == shown


@pytest.mark.parametrize("full_name, shown", [
    ("Marie Dupont", "Marie D."), ("Jean-Luc de la Fontaine", "Jean-Luc F."), ("Aïcha", "Aïcha"),
    ("  élodie   éluard ", "élodie É."),
])
def test_candidates_appear_under_their_first_name_and_initial(full_name, shown):
    from fair.live.chat import first_name_initial

    assert first_name_initial(full_name) == shown


@pytest.fixture
def anonymised(factory, session):
    from fair.candidates.models import Application

    organiser = factory.organisation("organiser")
    edition = factory.edition(organiser, status="live", anonymised_applications=True)
    company = factory.organisation("company", name="Transports Rapides")
    other_company = factory.organisation("company", name="Boulangerie du Nord")
    booth, other_booth = factory.booth(edition, company), factory.booth(edition, other_company)
    offer = factory.offer(booth)
    marie = factory.user(full_name="Marie Dupont")
    karim = factory.user(full_name="Karim Benali")
    application = Application(candidate_id=marie.id, offer_id=offer.id)
    session.add(application)
    session.commit()
    return SimpleNamespace(booth=booth, other_booth=other_booth, marie=marie, karim=karim, application=application,
                           recruiter=factory.member(company, full_name="Rachid Recruteur"))


def test_in_an_anonymised_fair_nobody_reads_a_candidates_name(app, session, anonymised):
    from fair.live import chat

    world = anonymised
    with force_locale("fr"):
        chat.post(session, world.booth, world.marie, "J'ai postulé hier.")
        chat.post(session, world.booth, world.karim, "Bonjour !")
        chat.post(session, world.other_booth, world.karim, "Et chez vous ?")
        chat.post(session, world.booth, world.recruiter, "Bienvenue.")
        session.commit()
        seen = chat.history(session, world.booth.id, world.recruiter.id)
        elsewhere = chat.history(session, world.other_booth.id, None)
    # The applicant carries their inbox label; the other one a code of this booth only.
    assert seen[0]["author"] == f"Candidat n° {world.application.id:05d}"
    assert seen[0]["anon"] == {"code": f"{world.application.id:05d}", "applied": True}
    code = seen[1]["anon"]["code"]
    assert seen[1]["author"] == f"Candidat anonyme {code}" and seen[1]["anon"]["applied"] is False
    assert elsewhere[0]["anon"]["code"] != code
    assert seen[2]["author"] == "Rachid Recruteur" and seen[2]["anon"] is None
    for name in ("Marie", "Dupont", "Karim", "Benali"):
        assert name not in str(seen) + str(elsewhere)
    with force_locale("en"):
        assert chat.history(session, world.booth.id, None)[0]["author"] == f"Candidate no. {world.application.id:05d}"

    # The private chat keeps the label for the recruiter, and names the recruiter to the candidate.
    pair = chat.pair_for(session, world.booth, world.recruiter, world.marie.id)
    message = chat.send_private(session, pair, "Bonjour, êtes-vous disponible ?")
    with force_locale("fr"):
        to_recruiter = chat.private_payload(session, message, for_recruiter=True)
        to_candidate = chat.private_payload(session, message, for_recruiter=False)
    assert to_recruiter["with_name"] == f"Candidat n° {world.application.id:05d}"
    assert "Marie" not in str(to_recruiter)
    assert to_candidate["with_name"] == "Rachid Recruteur (Transports Rapides)"


def test_a_mute_ends_at_its_time(app, session, anonymised):
    from fair.db import utcnow
    from fair.live import chat

    world = anonymised
    mute = chat.mute(session, world.booth, world.karim.id, world.recruiter.id, minutes=15)
    with pytest.raises(chat.ChatRefused) as refused:
        chat.post(session, world.booth, world.karim, "Encore moi")
    assert refused.value.code == "muted"
    mute.until = utcnow() - dt.timedelta(seconds=1)
    session.flush()
    assert chat.post(session, world.booth, world.karim, "Me revoilà").id
    assert chat.mutes(session, world.booth) == []
    for minutes in (0, -5, 8 * 24 * 60, "15", True):
        with pytest.raises(chat.ChatRefused):
            chat.mute(session, world.booth, world.karim.id, world.recruiter.id, minutes=minutes)
