"""The report pages and their PDF: the organiser's page and the funder's PDF carry the same figures
(the PDF read back with pdftotext), the old statistics page leads to the report, a company's owner
sees their own report only, a partner's adviser sees only the people whose consent is in force."""
from __future__ import annotations

import io
import re
import subprocess

import openpyxl
import pytest

from tests.conftest import login, page_text
from tests.exports.helpers import fetch_export
from tests.reports.world import build_world


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def world(factory, session):
    return build_world(factory, session)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    # A first-page picture for a person to look at (pdftoppm -png -r 60 -f 1 -l 1).
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"<\s*5", "< 5", re.sub(r"\s+", " ", text))


def test_page_pdf_and_xlsx_carry_the_same_figures(app, client, world, tmp_path):
    login(client, world.organiser_user.email)
    edition = world.edition.id
    console = client.get("/console/").get_data(as_text=True)
    assert f'href="/console/organisations/{world.organiser.id}/report"' in console
    year = page_text(client.get(f"/console/organisations/{world.organiser.id}/report?year=2026"))
    assert "Forum emploi Roubaix" in year and "Inscrits 25" in year
    old = client.get(f"/console/editions/{edition}/candidates")
    assert old.status_code == 301 and old.headers["Location"].endswith(f"/console/editions/{edition}/report")
    client.get("/lang/en")
    page = client.get(f"/console/editions/{edition}/report")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.count('role="img"') >= 3 and "<script" not in body.split("<main")[1].split("</main>")[0]
    text = page_text(page)
    for expected in ("Registered 25", "Applied 24", "Shortlisted or invited 18", "Interviewed 8",
                     "Hired or in training 5",
                     "In a job at 6 months < 5", "Tram line 2 5 3,792", "No-show rate (%) 38.5",
                     "Transports Alpha 16 5 5", "Boulangerie Beta < 5 < 5 0"):
        assert expected in text, expected
    assert "Hired0" not in text  # no names

    report = f"/console/editions/{edition}/report"
    pdf = fetch_export(app, client, f"{report}/export", report, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert f'filename=edition-{edition}.pdf' in pdf.headers["Content-Disposition"]
    printed = _pdf_text(pdf.data, tmp_path)
    # The PDF is in the edition's language (French), whatever the organiser reads the page in.
    for expected in ("Forum emploi Roubaix", "Rapport du salon", "Inscrits 25", "Candidatés 24",
                     "Embauchés ou en formation 5",
                     "Transports Alpha 16 5 5", "Boulangerie Beta < 5 < 5 0", "Page 1 / "):
        assert expected in printed, expected
    assert (tmp_path / "page-1.png").exists() or (tmp_path / "page-01.png").exists()

    # The spreadsheet, read back as a spreadsheet program reads it: the same rows as the page, in the
    # edition's language as the PDF.
    xlsx = fetch_export(app, client, f"{report}/export", report, {"format": "xlsx"})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data), read_only=True)
    rows = {" ".join(str(v) for v in row if v is not None)
            for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)}
    for expected in ("Inscrits 25", "Candidatés 24", "Embauchés ou en formation 5",
                     "Tram line 2 5 3792", "Transports Alpha 16 5 5", "Boulangerie Beta < 5 < 5 0"):
        assert any(expected in row for row in rows), (expected, sorted(rows)[:40])


def test_company_owner_sees_only_their_company(app, client, world):
    login(client, world.owner_a.email)
    client.get("/lang/en")
    pipeline = client.get(f"/recruiter/companies/{world.company_a.id}/pipeline").get_data(as_text=True)
    assert f'href="/recruiter/companies/{world.company_a.id}/report"' in pipeline
    own = client.get(f"/recruiter/companies/{world.company_a.id}/report")
    assert own.status_code == 200
    assert "Met (applied or booked an interview) 21" in page_text(own)
    assert client.get(f"/recruiter/companies/{world.company_b.id}/report").status_code == 404
    own_report = f"/recruiter/companies/{world.company_a.id}/report"
    own_pdf = fetch_export(app, client, f"{own_report}/export", own_report, {"format": "pdf"})
    assert own_pdf.mimetype == "application/pdf"
    other = f"/recruiter/companies/{world.company_b.id}/report/export"
    assert fetch_export(app, client, other, own_report, {"format": "pdf"}).status_code == 404


def test_organiser_sees_a_company_of_their_edition(client, world):
    login(client, world.organiser_user.email)
    company = world.company_b.id
    assert client.get(f"/recruiter/companies/{company}/report").status_code == 404  # no edition named
    assert client.get(f"/recruiter/companies/{company}/report?edition={world.edition.id}").status_code == 200


def test_partner_sees_only_consenting_people(client, world):
    login(client, world.adviser.email)
    client.get("/lang/en")
    assert f'href="/partner/organisations/{world.partner.id}/report"' in client.get("/adviser/").get_data(as_text=True)
    page = client.get(f"/partner/organisations/{world.partner.id}/report")
    assert page.status_code == 200
    text = page_text(page)
    # Five referrals in force; the sixth withdrew their consent and is not counted.
    assert "Registered 5 Applied 5 Shortlisted or invited 5" in text
    assert client.get(f"/partner/organisations/{world.company_a.id}/report").status_code == 404
