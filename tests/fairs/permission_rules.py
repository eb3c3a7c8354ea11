"""Permission matrix rows of an edition's bulk invitations and of running it again (the organiser's console)."""
from __future__ import annotations

from tests.matrix import Check, only

B = "/console/editions/{edition_f}/bulk-invitations"


def build(factory, session, world) -> None:
    from fair.fairs.models import BulkInvitation, BulkStatus, EditionOrganiser

    # A third organiser co-organises F's and G's editions: F's and G's members stay strangers to each other's.
    org_h = factory.organisation("organiser", name="Agence H")
    link_f = EditionOrganiser(edition_id=world.ids["edition_f"], organisation_id=org_h.id)
    link_g = EditionOrganiser(edition_id=world.ids["edition_g"], organisation_id=org_h.id)
    session.add_all([link_f, link_g])
    session.flush()
    world.ids.update({"co_link_f": link_f.id, "co_link_g": link_g.id})

    bulk_f = BulkInvitation(edition_id=world.ids["edition_f"], filename="list.csv", status=BulkStatus.paused,
                            total=0, sent=0, rejected=[])
    bulk_g = BulkInvitation(edition_id=world.ids["edition_g"], filename="list.csv", status=BulkStatus.paused,
                            total=0, sent=0, rejected=[])
    session.add_all([bulk_f, bulk_g])
    session.flush()
    world.ids.update({"bulk_f": bulk_f.id, "bulk_g": bulk_g.id})


EXPECTED = {
    "fairs.bulk_invitations": [
        Check("GET", lambda i: B.format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: B.format(**i), only({"organiser_f": 422}), {}),
        Check("GET", lambda i: "/console/editions/{edition_g}/bulk-invitations".format(**i),
              only({"organiser_g": 200})),
    ],
    "fairs.bulk_from_partner": [
        # No partner chosen: the organiser is told so (422); everyone else gets 404.
        Check("POST", lambda i: B.format(**i) + "/from-partner", only({"organiser_f": 422}), {}),
        Check("POST", lambda i: "/console/editions/{edition_g}/bulk-invitations/from-partner".format(**i),
              only({"organiser_g": 422}), {"partner": "1"}),
    ],
    "fairs.bulk_invitation": [
        Check("GET", lambda i: (B + "/{bulk_f}").format(**i), only({"organiser_f": 200})),
        Check("GET", lambda i: (B + "/{bulk_g}").format(**i), only({})),
    ],
    "fairs.pause_bulk": [Check("POST", lambda i: (B + "/{bulk_f}/pause").format(**i), only({"organiser_f": 302}), {})],
    # No organisation chosen: the lead's member is told so (422); everyone else gets 404.
    "fairs.add_co_organiser": [
        Check("POST", lambda i: "/console/editions/{edition_f}/co-organisers".format(**i),
              only({"organiser_f": 422}), {}),
        Check("POST", lambda i: "/console/editions/{edition_g}/co-organisers".format(**i),
              only({"organiser_g": 422}), {}),
    ],
    "fairs.remove_co_organiser": [
        Check("POST", lambda i: "/console/editions/{edition_f}/co-organisers/{co_link_g}/remove".format(**i),
              only({}), {}),
        Check("POST", lambda i: "/console/editions/{edition_f}/co-organisers/{co_link_f}/remove".format(**i),
              only({"organiser_f": 302}), {}),
    ],
    "fairs.resume_bulk": [Check("POST", lambda i: (B + "/{bulk_g}/resume").format(**i), only({}), {})],
    # Running a fair again: the form for its organiser only; an empty form is refused (422), creating nothing.
    "fairs.copy_edition": [
        Check("GET", lambda i: "/console/editions/{edition_f}/copy".format(**i), only({"organiser_f": 200})),
        Check("POST", lambda i: "/console/editions/{edition_f}/copy".format(**i), only({"organiser_f": 422}), {}),
        Check("GET", lambda i: "/console/editions/{edition_g}/copy".format(**i), only({"organiser_g": 200})),
    ],
}

RUN_LAST = ["fairs.remove_co_organiser"]
