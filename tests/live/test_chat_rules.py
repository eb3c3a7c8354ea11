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
    pair = chat.pair_for(session, world.booth, world.recruiter, chat.chat_id(world.booth.id, world.marie.id))
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
    chat.post(session, world.booth, world.karim, "Bonjour")
    karim_here = chat.chat_id(world.booth.id, world.karim.id)
    mute = chat.mute(session, world.booth, karim_here, world.recruiter.id, minutes=15)
    with pytest.raises(chat.ChatRefused) as refused:
        chat.post(session, world.booth, world.karim, "Encore moi")
    assert refused.value.code == "muted"
    mute.until = utcnow() - dt.timedelta(seconds=1)
    session.flush()
    assert chat.post(session, world.booth, world.karim, "Me revoilà").id
    assert chat.mutes(session, world.booth) == []
    for minutes in (0, -5, 8 * 24 * 60, "15", True):
        with pytest.raises(chat.ChatRefused):
            chat.mute(session, world.booth, karim_here, world.recruiter.id, minutes=minutes)


def test_a_chat_id_names_a_person_on_one_booth_only(app, session, anonymised):
    """Issue 14, item 9: ids per booth, found back only among the people the booth's chat deals with."""
    from fair.live import chat
    from fair.live.models import QueueEntry

    world = anonymised
    karim_here, karim_there = (chat.chat_id(world.booth.id, world.karim.id),
                               chat.chat_id(world.other_booth.id, world.karim.id))
    assert karim_here != karim_there and len(karim_here) == 16 and str(world.karim.id) not in (karim_here, karim_there)
    assert chat.chat_id(world.booth.id, world.karim.id) == karim_here  # stable
    # Karim has not dealt with the booth yet: his id there names nobody.
    assert chat.user_by_chat_id(session, world.booth, karim_here) is None
    chat.post(session, world.other_booth, world.karim, "Bonjour")
    assert chat.user_by_chat_id(session, world.other_booth, karim_there) == world.karim
    assert chat.user_by_chat_id(session, world.booth, karim_there) is None  # another booth's id
    # The applicant, the recruiters and whoever queues are known to the booth.
    assert chat.user_by_chat_id(session, world.booth, chat.chat_id(world.booth.id, world.marie.id)) == world.marie
    recruiter_here = chat.chat_id(world.booth.id, world.recruiter.id)
    assert chat.user_by_chat_id(session, world.booth, recruiter_here) == world.recruiter
    session.add(QueueEntry(booth_id=world.booth.id, edition_id=world.booth.edition_id,
                           candidate_id=world.karim.id, ticket=1))
    session.flush()
    assert chat.user_by_chat_id(session, world.booth, karim_here) == world.karim
    for made_up in ("0123456789abcdef", karim_here.upper(), karim_here[:15], world.karim.id, None):
        assert chat.user_by_chat_id(session, world.booth, made_up) is None
