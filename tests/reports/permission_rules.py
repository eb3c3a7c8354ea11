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


def _pair(path, allowed: dict[str, int], query: str = "") -> list[Check]:
    """The page (GET) and the start of its file (POST, a job: 303 to its progress page)."""
    return [Check("GET", lambda i: path(i) + query.format(**i), only(allowed)),
            Check("POST", lambda i: path(i) + "/export" + query.format(**i), only({r: 303 for r in allowed}),
                  {"format": "pdf"})]


def _both(endpoint: str, *pairs: list[Check]) -> None:
    _add(endpoint, *[check for pair in pairs for check in pair if check.method == "GET"])
    _add(endpoint.replace("_report", "_report_export"), *[check for pair in pairs for check in pair
                                                           if check.method == "POST"])


_both("reports.edition_report",
      _pair(lambda i: f"/console/editions/{i['edition_f']}/report", {"organiser_f": 200}),
      _pair(lambda i: f"/console/editions/{i['edition_g']}/report", {"organiser_g": 200}))
_both("reports.organiser_report",
      _pair(lambda i: f"/console/organisations/{i['rep_org_f']}/report", {"organiser_f": 200}, "?year=2030"),
      _pair(lambda i: f"/console/organisations/{i['rep_company_a']}/report", {}))
_both("reports.company_report",
      # Its owner sees it; the organiser of an edition the company exhibits at sees that edition's.
      _pair(lambda i: f"/recruiter/companies/{i['rep_company_a']}/report", {"recruiter_a": 200}),
      _pair(lambda i: f"/recruiter/companies/{i['rep_company_a']}/report", {"organiser_f": 200, "recruiter_a": 200},
            "?edition={edition_f}"),
      _pair(lambda i: f"/recruiter/companies/{i['rep_company_a']}/report", {}, "?edition={edition_g}"))
_both("reports.partner_report",
      _pair(lambda i: f"/partner/organisations/{i['rep_partner']}/report", {"adviser": 200}),
      _pair(lambda i: f"/partner/organisations/{i['rep_org_f']}/report", {}))
