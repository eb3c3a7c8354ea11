"""Report routes in the permission matrix: an edition's report for its organisers, a year's for the
organiser's members, a company's for its owners (recruiter_a owns company A in the matrix's world)
and for the organisers of an edition it exhibits at, a partner's for its advisers."""
from __future__ import annotations

from tests.matrix import Check, only

EXPECTED: dict[str, list[Check]] = {}


def build(factory, session, world) -> None:
    from sqlalchemy import select

    from fair.accounts.models import Organisation

    names = dict(session.execute(select(Organisation.name, Organisation.id)).all())
    world.ids.update(rep_org_f=names["Organiser F"], rep_org_g=names["Organiser G"],
                     rep_company_a=names["Company A"], rep_partner=names["Partner P"])


def _add(endpoint: str, *checks: Check) -> None:
    EXPECTED[endpoint] = list(checks)


for suffix in ("", "_pdf"):
    ext = ".pdf" if suffix else ""
    _add(f"reports.edition_report{suffix}",
         Check("GET", lambda i, e=ext: f"/console/editions/{i['edition_f']}/report{e}", only({"organiser_f": 200})),
         Check("GET", lambda i, e=ext: f"/console/editions/{i['edition_g']}/report{e}", only({"organiser_g": 200})))
    _add(f"reports.organiser_report{suffix}",
         Check("GET", lambda i, e=ext: f"/console/organisations/{i['rep_org_f']}/report{e}?year=2030",
               only({"organiser_f": 200})),
         Check("GET", lambda i, e=ext: f"/console/organisations/{i['rep_company_a']}/report{e}", only({})))
    _add(f"reports.company_report{suffix}",
         # Its owner sees it; the organiser of an edition the company exhibits at sees that edition's.
         Check("GET", lambda i, e=ext: f"/recruiter/companies/{i['rep_company_a']}/report{e}",
               only({"recruiter_a": 200})),
         Check("GET", lambda i, e=ext: f"/recruiter/companies/{i['rep_company_a']}/report{e}?edition={i['edition_f']}",
               only({"organiser_f": 200, "recruiter_a": 200})),
         Check("GET", lambda i, e=ext: f"/recruiter/companies/{i['rep_company_a']}/report{e}?edition={i['edition_g']}",
               only({})))
    _add(f"reports.partner_report{suffix}",
         Check("GET", lambda i, e=ext: f"/partner/organisations/{i['rep_partner']}/report{e}", only({"adviser": 200})),
         Check("GET", lambda i, e=ext: f"/partner/organisations/{i['rep_org_f']}/report{e}", only({})))
