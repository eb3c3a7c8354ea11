"""The funder's PDF of a report: the same `Report` as the page, laid out for A4 paper.

Headers carry the edition's branding (name, colour), every page its number, and the document is in
the report's language. `fair.pdf.render_pdf` draws it (the one PDF renderer, no network).
"""
from __future__ import annotations

import datetime as dt

from flask import render_template
from flask_babel import force_locale, format_date, format_decimal
from markupsafe import Markup

from fair.pdf import render_pdf
from fair.reports.charts import chart_svg
from fair.reports.document import Cell, Chart, Report, Suppressed


def cell_text(value: Cell) -> str:
    """A cell as every rendering of the page and the PDF writes it, in the current locale."""
    if value is None:
        return "–"
    if isinstance(value, Suppressed):
        return str(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_decimal(value, format="#,##0.#")
    if isinstance(value, dt.date):
        return format_date(value, "medium")
    return str(value)


def render_context(report: Report) -> dict:
    """What the templates of a report need besides the report: how to write a cell and draw a chart."""
    def chart(block: Chart) -> Markup:
        return chart_svg(block, report.branding.colour)
    return {"report": report, "cell_text": cell_text, "chart_svg": chart,
            "generated_text": format_date(report.generated_at, "long")}


def report_html(report: Report) -> str:
    with force_locale(report.locale):
        return render_template("reports/pdf.html", **render_context(report))


def report_pdf(report: Report) -> bytes:
    """The PDF of `report` (A4, page numbers, branded headers, in the report's language)."""
    return render_pdf(report_html(report))
