"""The pipeline's routes in the permission matrix: a company's pipeline, its CSV and its forms are for
that company's members only (anyone else gets 404, the other company too); the desk's section and
form of a booth for its company. The world gets a walk-in call of the candidate at booth A that ended."""
from __future__ import annotations

from tests.matrix import Check, only

RA, RB = "recruiter_a", "recruiter_b"
PA = "/recruiter/companies/{company_a_pipeline}/pipeline"
PB = "/recruiter/companies/{company_b_pipeline}/pipeline"


def build(factory, session, world) -> None:
    import datetime as dt

    from sqlalchemy import select

    from fair.accounts.models import Organisation, User
    from fair.companies.models import Booth
    from fair.db import utcnow
    from fair.live.models import QueueEntry, QueueStatus

    def org(name: str) -> int:
        return session.execute(select(Organisation.id).where(Organisation.name == name)).scalar_one()

    candidate = session.execute(select(User).where(User.email == world.users["candidate"])).scalar_one()
    booth = session.get(Booth, world.ids["booth_a"])
    started = utcnow() - dt.timedelta(minutes=10)
    call = QueueEntry(booth_id=booth.id, edition_id=booth.edition_id, candidate_id=candidate.id, ticket=900,
                      status=QueueStatus.done, joined_at=started, started_at=started, ended_at=utcnow())
    session.add(call)
    session.flush()
    world.ids.update({"company_a_pipeline": org("Company A"), "company_b_pipeline": org("Company B"),
                      "pipeline_candidate": candidate.id, "desk_call_a": call.id})


EXPECTED: dict[str, list[Check]] = {
    "pipeline.mine": [Check("GET", lambda i: "/recruiter/pipeline", only({RA: 302, RB: 302}))],
    "pipeline.company_pipeline": [
        Check("GET", lambda i: PA.format(**i), only({RA: 200})),
        Check("GET", lambda i: (PA + "?edition={edition_f}&step=none&rating=3&page=2").format(**i), only({RA: 200})),
        Check("GET", lambda i: PB.format(**i), only({RB: 200})),
    ],
    "pipeline.company_pipeline_csv": [
        Check("POST", lambda i: (PA + ".csv").format(**i), only({RA: 303}), {}),
        Check("POST", lambda i: (PB + ".csv").format(**i), only({RB: 303}), {}),
    ],
    "pipeline.record_person": [
        Check("POST", lambda i: (PA + "/people/{pipeline_candidate}").format(**i), only({RA: 422}), {"rating": "9"}),
        # company B never met the candidate: nothing to note
        Check("POST", lambda i: (PB + "/people/{pipeline_candidate}").format(**i), only({}), {"rating": "2"}),
    ],
    "pipeline.desk_met": [
        Check("GET", lambda i: "/live/booths/{booth_a}/met".format(**i), only({RA: 200})),
        Check("GET", lambda i: "/live/booths/{booth_b}/met".format(**i), only({RB: 200})),
    ],
    "pipeline.desk_record": [
        Check("POST", lambda i: "/live/booths/{booth_a}/met/{desk_call_a}".format(**i), only({RA: 422}),
              {"rating": "0"}),
        Check("POST", lambda i: "/live/booths/{booth_b}/met/{desk_call_a}".format(**i), only({}), {"rating": "2"}),
    ],
    "candidates.inbox_pipeline": [
        Check("POST", lambda i: "/recruiter/booths/{booth_a}/applications/{application_c}/pipeline".format(**i),
              only({RA: 422}), {"rating": "x"}),
        Check("POST", lambda i: "/recruiter/booths/{booth_b}/applications/{application_c}/pipeline".format(**i),
              only({}), {"rating": "2"}),
    ],
}
