"""The figures of a hand-built fair (tests/reports/world.py) equal the values worked out by hand,
on SQLite and PostgreSQL: the funnel and its breakdowns, suppression under 5, a withdrawn consent
that leaves the publics and stays in the totals, social-clause hours, no-shows, days to an answer."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.reports.world import build_world, table

S = "< 5"


@pytest.fixture
def world(factory, session):
    return build_world(factory, session)


def test_edition_figures_equal_the_hand_count(session, world):
    from fair.reports.figures import build

    report = build(session, {"kind": "edition", "edition_id": world.edition.id, "locale": "en"})
    # Everyone: 5 hired + 3 interviewed + 5 shortlisted + 6 applied + 5 no-shows + 1 walk-in = 25
    # registered; all but the walk-in applied or went further (24); 5 + 3 + 5 + 5 no-shows holding a
    # booking = 18 shortlisted; 8 interviewed; 5 hired; 4 still in the job at six months: "< 5".
    assert table(report, "funnel") == [["Registered", "25"], ["Applied", "24"], ["Shortlisted or invited", "18"],
                                       ["Interviewed", "8"], ["Hired or in training", "5"], ["In a job at 6 months", S]]
    publics = {row[0]: row[1:] for row in table(report, "publics")}
    assert publics["All people"] == ["25", "24", "18", "8", "5", S]
    # 25 minus 5 no-shows and 1 walk-in without a profile, minus the one who withdrew: 18.
    assert publics["Of whom agreed to count in the publics"] == ["18", "18", "13", "8", "5", S]
    assert publics["Residents of a priority neighbourhood (QPV)"] == ["5", "5", "5", "5", "5", S]
    assert publics["RSA recipients"] == ["5", "5", "5", "5", "5", S]
    assert publics["Under 26"] == ["5", "5", "5", "5", "5", S]
    # The group of three is suppressed wherever it is not zero.
    assert publics["Recognised disabled workers (RQTH)"] == [S, S, S, S, "0", "0"]
    assert publics["50 and over"] == [S, S, S, S, "0", "0"]
    # Six ticked it; the one whose consent was withdrawn is out: 5.
    assert publics["Long-term unemployed"] == ["5", "5", "0", "0", "0", "0"]
    shares = dict(map(tuple, table(report, "public-shares")))
    assert shares["Residents of a priority neighbourhood (QPV)"] == "100.0"  # 5 of the 5 hires
    assert shares["Long-term unemployed"] == "0.0"
    assert shares["Recognised disabled workers (RQTH)"] == "0.0"

    gender = {row[0]: row[1:] for row in table(report, "gender")}
    assert gender["Women"] == ["5", "5", "5", "5", "5", S]
    assert gender["Men"] == [S, S, S, S, "0", "0"]
    assert gender["Chose not to say"] == ["5", "5", "5", "0", "0", "0"]
    # 6 applied (incl. the withdrawn consent) + 5 no-shows + the walk-in.
    assert gender["Not known"] == ["12", "11", "5", "0", "0", "0"]
    age = {row[0]: row[1:] for row in table(report, "age")}
    assert age["Under 26"] == ["5", "5", "5", "5", "5", S]
    assert age["50 and over"] == [S, S, S, S, "0", "0"]

    companies = {row[0]: row[1:] for row in table(report, "companies")}
    assert companies == {"Transports Alpha": ["16", "5", "5"], "Boulangerie Beta": [S, S, "0"]}
    # Only the five whose referral consent is in force; the shortlisted one who withdrew is not there.
    assert table(report, "partners") == [["Association Pas à pas", "5", "5", "5", "5", "5", S]]
    contracts = {row[0]: row[1:] for row in table(report, "contracts")}
    assert contracts["Permanent contract (CDI)"] == ["5", S, "5"]
    assert contracts["Apprenticeship"] == ["0", "0", "0"]
    # 4 × 35 h × 26 weeks + 35 h × (52 / 12) weeks for the one who left at one month = 3791.7 → 3,792.
    assert table(report, "social-clause") == [["Tram line 2", "5", "3792"]]
    # 8 attended, 5 did not come: 5 / 13 = 38.5 %.
    assert table(report, "no-shows") == [["Attended", "8"], ["Did not come", "5"],
                                         ["Attendance not recorded", "0"], ["No-show rate (%)", "38.5"]]
    # Answered: 5 after 1 day, 3 after 2, 5 after 4 → the 7th of 13 is 2; six still waiting.
    assert table(report, "first-answer") == [["With an answer", "13"], ["Median days to the first answer", "2.0"],
                                             ["Still waiting for an answer", "6"]]


def test_detail_tables_name_nobody_and_cover_everyone(session, world):
    from fair.reports.figures import build

    report = build(session, {"kind": "edition", "edition_id": world.edition.id, "locale": "en"})
    details = {t.key: list(t.rows) for t in report.tables(detail=True)}
    assert len(details["people"]) == 25 and len(details["applications"]) == 19
    text = repr(details)
    assert "Hired0" not in text and "@example.org" not in text
    stages = [row[1] for row in details["people"]]
    assert stages.count("In a job at 6 months") == 4 and stages.count("Registered") == 1


def test_company_sees_its_own_and_partner_only_consenting(session, world):
    from fair.reports.figures import build

    company = build(session, {"kind": "company", "company_id": world.company_b.id, "edition_id": None,
                              "locale": "en"})
    # Company B met only the three interviewed people: nothing of A's candidates shows.
    assert table(company, "company-people") == [["Met (applied or booked an interview)", S], ["Interviewed", S],
                                                ["Hired or in training", "0"], ["In a job at 6 months", "0"]]
    company_a = build(session, {"kind": "company", "company_id": world.company_a.id,
                                "edition_id": world.edition.id, "locale": "en"})
    # A: 5 hired + 5 shortlisted + 6 applied + 5 no-shows met; 10 interviewed? no: 5 attended.
    assert table(company_a, "company-people")[:3] == [["Met (applied or booked an interview)", "21"],
                                                      ["Interviewed", "5"], ["Hired or in training", "5"]]
    publics = {row[0]: row[1:] for row in table(company_a, "company-publics")}
    # Of the 15 met who agreed to count (5 + 5 + 5), 5 live in a QPV: 33.3 %; all 5 hires do.
    assert publics["Residents of a priority neighbourhood (QPV)"] == ["5", "33.3", "5", "100.0", "5", "100.0"]

    partner = build(session, {"kind": "partner", "partner_id": world.partner.id, "locale": "en"})
    assert table(partner, "funnel") == [["Registered", "5"], ["Applied", "5"], ["Shortlisted or invited", "5"],
                                        ["Interviewed", "5"], ["Hired or in training", "5"],
                                        ["In a job at 6 months", S]]
    assert table(partner, "partner-editions") == [["Forum emploi Roubaix", str(dt.date(2026, 3, 12)),
                                                   "5", "5", "5", "5", "5", S]]


def test_organiser_year_counts_every_edition_of_the_year(session, factory, world):
    from fair.reports.figures import build

    other = factory.edition(world.organiser, status="closed", starts_at=dt.datetime(2025, 6, 1, tzinfo=dt.timezone.utc))
    assert other.id != world.edition.id
    report = build(session, {"kind": "organiser", "organisation_id": world.organiser.id, "year": 2026,
                             "locale": "en"})
    assert table(report, "funnel")[0] == ["Registered", "25"]
    assert [row[0] for row in table(report, "editions")] == ["Forum emploi Roubaix"]
    empty = build(session, {"kind": "organiser", "organisation_id": world.organiser.id, "year": 2025,
                            "locale": "en"})
    assert table(empty, "funnel")[0] == ["Registered", "0"]


def test_median_and_hours_rules():
    from fair.reports.figures import median_of, social_clause_hours

    assert median_of([(1, 1), (3, 1)]) == 2 and median_of([(0, 2), (9, 1)]) == 0
    assert social_clause_hours(35, dt.date(2026, 1, 1), None, dt.date(2026, 1, 15)) == 70
    assert social_clause_hours(None, dt.date(2026, 1, 1), None, dt.date(2026, 9, 1)) == 0
    assert social_clause_hours(10, dt.date(2026, 1, 1), 3, dt.date(2027, 1, 1)) == 130
