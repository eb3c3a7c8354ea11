"""A report's CSV zip and XLSX workbook (fair/reports/files.py), read back with the csv module and
openpyxl: the same cells as the Report built by hand here, suppressed counts as "< 5", numbers as
numbers, dates as dates; and a detail table of 200,000 rows written with bounded memory."""
from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from fair.reports.document import SUPPRESSED, Branding, Chart, Report, Section, Table, count, share
from fair.reports.files import unique_names, write_csv, write_xlsx

GENERATED = dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC)


def _report(detail_rows=None, locale: str = "fr") -> Report:
    funnel = Table("funnel", "Parcours : inscrits → embauchés", ["Étape", "Personnes", "Part (%)"],
                   [["Inscrits", count(120), share(120, 120)], ["Entretiens", count(3), share(3, 120)],
                    ["Embauchés", count(0), share(0, 120)], ["En emploi à 6 mois", None, None]],
                   note="Les effectifs de 1 à 4 sont masqués.")
    publics = Table("publics", "Publics prioritaires [QPV/RSA] : résidents des quartiers et allocataires",
                    ["Public", "Rencontrés", "Embauchés"],
                    [["QPV", 40, 12], ["RSA", 7, SUPPRESSED], ["=1+1", 5, 0]])
    same_title = Table("publics-2", "Publics prioritaires [QPV/RSA] : résidents des quartiers et allocataires",
                       ["Public", "Heures"], [["QPV", 12.5]])
    detail = Table("hires", "Embauches", ["Personne", "Contrat", "Début"],
                   detail_rows if detail_rows is not None else
                   iter([["Candidat n° 00042", "CDI", dt.date(2026, 11, 2)], ["Candidat n° 00043", "CDD", None]]),
                   detail=True)
    return Report(key="edition-12", title="Rencontres pour l’emploi", subtitle="Bilan au 7 décembre 2026",
                  locale=locale, generated_at=GENERATED, branding=Branding("Métropole"),
                  sections=[Section("funnel", "Parcours", [Chart("funnel", "Parcours", "Du bilan…", funnel,
                                                                 kind="funnel")]),
                            Section("publics", "Publics", [publics, same_title]),
                            Section("detail", "Détail", [detail])])


def test_the_xlsx_reads_back_as_the_reports_cells(app):
    out = io.BytesIO()
    with app.test_request_context():
        write_xlsx(_report(), out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    names = book.sheetnames
    assert len(names) == 5 and len({n.casefold() for n in names}) == 5 and all(len(n) <= 31 for n in names)
    assert names[0] == "À propos de ce rapport" and names[1] == "Parcours   inscrits → embauchés"
    assert names[2] != names[3] and names[3].endswith(" (2)")

    about = book[names[0]]
    assert about["A1"].value == "Rencontres pour l’emploi" and about["A2"].value == "Bilan au 7 décembre 2026"
    assert about["B4"].value == GENERATED.replace(tzinfo=None) and about["B4"].is_date
    assert "Les effectifs de 1 à 4 sont masqués." in [cell.value for cell in about["B"]]

    funnel = book[names[1]]
    rows = [[cell.value for cell in row] for row in funnel.iter_rows()]
    assert rows == [["Étape", "Personnes", "Part (%)"], ["Inscrits", 120, 100.0], ["Entretiens", "< 5", "< 5"],
                    ["Embauchés", 0, 0.0], ["En emploi à 6 mois", None, None]]
    assert funnel["A1"].font.b and funnel["B2"].data_type == "n" and funnel["B3"].data_type == "s"

    publics = [[cell.value for cell in row] for row in book[names[2]].iter_rows()]
    assert publics[2] == ["RSA", 7, "< 5"] and publics[3] == ["=1+1", 5, 0]  # text, never a formula
    assert book[names[2]]["A4"].data_type == "s"
    assert [[cell.value for cell in row] for row in book[names[3]].iter_rows()] == [["Public", "Heures"],
                                                                                    ["QPV", 12.5]]
    hires = book[names[4]]
    assert hires["C2"].value == dt.datetime(2026, 11, 2) and hires["C2"].is_date and hires["C3"].value is None


def test_the_csv_zip_has_one_file_per_table_for_french_spreadsheets(app):
    out = io.BytesIO()
    with app.test_request_context():
        write_csv(_report(), out)
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert archive.namelist() == ["funnel.csv", "publics.csv", "publics-2.csv", "hires.csv"]
    raw = archive.read("funnel.csv")
    assert raw.startswith("\ufeff".encode())  # Excel reads the accents as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Étape", "Personnes", "Part (%)"], ["Inscrits", "120", "100,0"], ["Entretiens", "< 5", "< 5"],
                    ["Embauchés", "0", "0,0"], ["En emploi à 6 mois", "", ""]]
    assert archive.read("publics.csv").decode("utf-8-sig").splitlines()[3] == "'=1+1;5;0"
    assert archive.read("hires.csv").decode("utf-8-sig").splitlines()[1] == "Candidat n° 00042;CDI;2026-11-02"

    english = io.BytesIO()
    with app.test_request_context():
        write_csv(_report(locale="en"), english)
    lines = zipfile.ZipFile(english).read("publics-2.csv").decode("utf-8-sig").splitlines()
    assert lines == ["Public,Heures", "QPV,12.5"]


def test_names_are_cut_and_made_unique_within_excels_limit():
    long = "x" * 40
    assert unique_names([long, long, "Summary", "summary"], limit=31) == [
        "x" * 31, "x" * 27 + " (2)", "Summary", "summary (2)"]


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


ROWS = 200_000


def _rows():
    for number in range(ROWS):
        yield [f"Candidat n° {number:06d}" if number % 3 else SUPPRESSED]  # one column: the test's time


def test_a_detail_table_of_200000_rows_is_streamed_with_bounded_memory(app, tmp_path):
    """Holding the rows would take about 30 MB as Python lists and strings (far more as xlsxwriter's
    cells); the writers keep one row at a time, so their peak stays under 8 MB (about 0.5 MB measured)."""
    with app.test_request_context():
        for name, write in (("report.xlsx", write_xlsx), ("report.zip", write_csv)):
            tracemalloc.start()
            with open(tmp_path / name, "wb") as out:
                write(_report(detail_rows=_rows()), out)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            assert peak < 8 * 1024 * 1024, (name, peak)
    book = openpyxl.load_workbook(tmp_path / "report.xlsx", read_only=True)
    assert book[book.sheetnames[-1]].max_row == ROWS + 1
    sheet = zipfile.ZipFile(tmp_path / "report.xlsx").read(f"xl/worksheets/sheet{len(book.sheetnames)}.xml")
    assert f'<row r="{ROWS + 1}"'.encode() in sheet and f"Candidat n° {ROWS - 1:06d}".encode() in sheet
    lines = zipfile.ZipFile(tmp_path / "report.zip").read("hires.csv").decode("utf-8-sig").splitlines()
    assert len(lines) == ROWS + 1 and lines[-1] == f"Candidat n° {ROWS - 1:06d}" and lines[-2] == "< 5"
