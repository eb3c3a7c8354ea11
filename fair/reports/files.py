"""A report's figures as files: a zip of CSV files and an XLSX workbook, built by export jobs.

Both writers read a `fair.reports.document.Report` and consume each table's rows once, in order, so
that a `detail` table (one row per person or application, an iterator) is streamed: the XLSX is
written by xlsxwriter in `constant_memory` mode (each row leaves memory once the next begins) and
each CSV goes straight into its zip member. Memory does not grow with the number of rows.

CSV for French spreadsheets: Excel set to French splits columns on ";" and reads "12,5" as a
number, but reads "12.5" as text (or a date) and a comma-separated file as one column. So a report
in French is written with ";" and decimal commas, one in another language with "," and decimal
points; both are UTF-8 with a byte-order mark, without which Excel reads the accents as Latin-1.
Dates are ISO 8601 (2026-12-07), which every spreadsheet reads as a date. A suppressed count is
the text "< 5" everywhere; a text that a spreadsheet would take for a formula is neutralised.

The kinds "report.pdf", "report.csv" and "report.xlsx" (fair/exports) build the report with
`fair.reports.figures.build(session, params)` and ask `fair.reports.access.may_read(session,
user_id, params)` whether the asker may (still) read it when the job runs.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO

import xlsxwriter
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from fair.exports.services import ExportKind, Progress, register
from fair.forms import csv_cell
from fair.reports.access import may_read
from fair.reports.document import SMALL_COUNT, Cell, Report, Suppressed, Table
from fair.reports.pdf import report_pdf

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------- names

def unique_names(wanted: Iterable[str], *, limit: int | None = None, fallback: str = "table") -> list[str]:
    """The names as given, cut to `limit`, made unique (case-insensitively, as Excel compares sheet
    names) by a " (2)", " (3)"… suffix that fits within the limit."""
    taken: set[str] = set()
    names = []
    for name in wanted:
        base = name.strip() or fallback
        candidate, number = base[:limit] if limit else base, 1
        while candidate.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            candidate = (base[:limit - len(suffix)] if limit else base) + suffix
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def sheet_name(title: str) -> str:
    """What Excel accepts as a sheet's name: none of []:*?/\\, no apostrophe at either end."""
    return _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'").strip()


# ---------------------------------------------------------------- CSV

def _csv_text(value: Cell, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Suppressed):
        return f"< {SMALL_COUNT}"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(round(value, 6)).replace(".", decimal)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_cell(value)


def write_csv(report: Report, out: BinaryIO, progress: Progress | None = None) -> None:
    """A zip with one CSV per table of the report (file names from the tables' keys)."""
    french = report.locale.split("_")[0].split("-")[0] == "fr"
    delimiter, decimal = (";", ",") if french else (",", ".")
    tables = list(report.tables())
    if progress is not None:
        progress.total(len(tables))
    names = unique_names((table.key for table in tables), fallback="table")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, name in zip(tables, names, strict=True):
            with archive.open(f"{name}.csv", "w", force_zip64=True) as member:
                text = io.TextIOWrapper(member, encoding="utf-8-sig", newline="")
                writer = csv.writer(text, delimiter=delimiter)
                writer.writerow([csv_cell(column) for column in table.columns])
                for row in table.rows:
                    writer.writerow([_csv_text(value, decimal) for value in row])
                text.flush()
                text.detach()
            if progress is not None:
                progress.advance()


# ---------------------------------------------------------------- XLSX

class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 16})
        self.subtitle = book.add_format({"italic": True})
        self.label = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.decimal = book.add_format({"num_format": "0.0"})
        self.suppressed = book.add_format({"align": "right"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _write_cell(sheet: Any, row: int, column: int, value: Cell, formats: _Formats) -> None:
    if value is None:
        return
    if isinstance(value, Suppressed):
        sheet.write_string(row, column, f"< {SMALL_COUNT}", formats.suppressed)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int):
        sheet.write_number(row, column, value)
    elif isinstance(value, float):
        sheet.write_number(row, column, value, formats.decimal)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, column, value, formats.datetime)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, value, formats.date)
    else:
        sheet.write_string(row, column, str(value))  # never read as a formula or a number


def _write_table(sheet: Any, table: Table, formats: _Formats) -> None:
    columns: Sequence[str] = list(table.columns)
    for number, column in enumerate(columns):
        sheet.set_column(number, number, max(12, min(50, len(str(column)) + 2)))
    for number, column in enumerate(columns):
        sheet.write_string(0, number, str(column), formats.header)
    sheet.freeze_panes(1, 0)
    for row_number, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            _write_cell(sheet, row_number, column, value, formats)


def write_xlsx(report: Report, out: BinaryIO, progress: Progress | None = None) -> None:
    """A workbook: a first sheet about the report (title, subtitle, when, notes), then one sheet per
    table, headers in bold, numbers as numbers, dates as dates, suppressed counts as the text "< 5"."""
    tables = list(report.tables())
    if progress is not None:
        progress.total(len(tables))
    about = sheet_name(_("About this report"))
    names = unique_names([about] + [sheet_name(table.title) for table in tables], limit=SHEET_NAME_MAX,
                         fallback=_("Table"))
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "remove_timezone": True})
    formats = _Formats(book)
    first = book.add_worksheet(names[0])
    first.set_column(0, 0, 28)
    first.set_column(1, 1, 90)
    first.write_string(0, 0, report.title, formats.title)
    first.write_string(1, 0, report.subtitle, formats.subtitle)
    first.write_string(3, 0, _("Generated on"), formats.label)
    first.write_datetime(3, 1, report.generated_at, formats.datetime)
    first.write_string(4, 0, _("Small counts"), formats.label)
    first.write_string(4, 1, _("Counts from 1 to %(num)d are shown as “< %(small)d” so that nobody can be "
                               "recognised.", num=SMALL_COUNT - 1, small=SMALL_COUNT), formats.wrap)
    line = 6
    notes = [(table, name) for table, name in zip(tables, names[1:], strict=True) if table.note]
    if notes:
        first.write_string(line, 0, _("Notes"), formats.label)
        line += 1
        for table, name in notes:
            first.write_string(line, 0, name, formats.wrap)
            first.write_string(line, 1, table.note, formats.wrap)
            line += 1
    for table, name in zip(tables, names[1:], strict=True):
        _write_table(book.add_worksheet(name), table, formats)
        if progress is not None:
            progress.advance()
    book.close()


# ---------------------------------------------------------------- the export kinds

def _figures() -> Any:
    # The figures are built by fair/reports/figures.py, which imports the domains' data and, through
    # the report pages, this module: imported when a file is built, never at import.
    from fair.reports import figures  # noqa: PLC0415 (see above)

    return figures


def _write_pdf(report: Report, out: BinaryIO, progress: Progress | None = None) -> None:
    if progress is not None:
        progress.total(1)
    out.write(report_pdf(report))
    if progress is not None:
        progress.advance()


def _kind(name: str, extension: str, write: Any, content_type: str) -> ExportKind:
    def build(session: Session, params: dict[str, Any], progress: Progress, out: BinaryIO) -> str:
        report = _figures().build(session, params)
        write(report, out, progress)
        return f"{report.key}.{extension}"

    return register(ExportKind(name, build, content_type, may_read))


# The formats a report page offers, each a kind of export job: "report.<format>".
FORMATS = ("pdf", "xlsx", "csv")
PDF_KIND = _kind("report.pdf", "pdf", _write_pdf, "application/pdf")
CSV_KIND = _kind("report.csv", "zip", write_csv, "application/zip")
XLSX_KIND = _kind("report.xlsx", "xlsx", write_xlsx,
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
