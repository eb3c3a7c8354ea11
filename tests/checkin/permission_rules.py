"""Check-in routes in the permission matrix: the ticket is the signed-in candidate's own, for a public
hybrid edition (an online one has none); the door's page, its scans and its typed fallback are for the
edition's organisers only (booth staff included in nothing), and an online edition has no door."""
from __future__ import annotations

from tests.matrix import Check, only

C = "candidate"
DOOR_F = "/console/editions/{checkin_f}/checkin"

EXPECTED: dict[str, list[Check]] = {
    "checkin.ticket": [
        Check("GET", lambda i: "/candidate/editions/{checkin_f}/ticket".format(**i), only({C: 200})),
        Check("GET", lambda i: "/candidate/editions/{edition_f}/ticket".format(**i), only({})),
        Check("GET", lambda i: "/candidate/editions/{checkin_draft_f}/ticket".format(**i), only({})),
    ],
    "checkin.door": [
        Check("GET", lambda i: DOOR_F.format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: "/console/editions/{checkin_g}/checkin".format(**i), only({"organiser_g": 200})),
        Check("GET", lambda i: "/console/editions/{edition_f}/checkin".format(**i), only({})),
    ],
    # The matrix posts a form: no JSON code, which the organiser is told (422); everyone else finds nothing.
    "checkin.scan": [
        Check("POST", lambda i: (DOOR_F + "/scans").format(**i), only({"organiser_f": 422}), {}),
        Check("POST", lambda i: "/console/editions/{checkin_g}/checkin/scans".format(**i),
              only({"organiser_g": 422}), {}),
    ],
    "checkin.mark_present": [
        # The matrix's own candidate is registered for nothing: the door cannot look them up.
        Check("POST", lambda i: (DOOR_F + "/people/{checkin_candidate}").format(**i), only({}), {}),
        Check("POST", lambda i: (DOOR_F + "/people/{checkin_person}").format(**i), only({"organiser_f": 302}), {}),
    ],
}

RUN_LAST = ["checkin.mark_present"]


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import Organisation, User
    from fair.candidates.models import Application
    from fair.fairs.models import EditionFormat

    org_f = session.execute(select(Organisation).where(Organisation.name == "Organiser F")).scalar_one()
    org_g = session.execute(select(Organisation).where(Organisation.name == "Organiser G")).scalar_one()
    company = session.execute(select(Organisation).where(Organisation.name == "Company A")).scalar_one()
    hybrid_f = factory.edition(org_f, slug="checkin-f", format=EditionFormat.hybrid, venue="Lille")
    draft_f = factory.edition(org_f, status="draft", slug="checkin-draft-f", format=EditionFormat.hybrid)
    hybrid_g = factory.edition(org_g, slug="checkin-g", format=EditionFormat.hybrid, venue="Roubaix")
    offer = factory.offer(factory.booth(hybrid_f, company), title="Offer at the venue")
    person = factory.user(email="registered.checkin@example.org")
    session.add(Application(candidate_id=person.id, offer_id=offer.id))
    session.commit()
    candidate = session.execute(select(User).where(User.email == world.users["candidate"])).scalar_one()
    world.ids.update({"checkin_f": hybrid_f.id, "checkin_g": hybrid_g.id, "checkin_draft_f": draft_f.id,
                      "checkin_person": person.id, "checkin_candidate": candidate.id})
