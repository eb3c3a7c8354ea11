"""A report as one structure, rendered four ways: the page (HTML with SVG charts), CSV, XLSX and PDF.

Figures are worked out once, by the builders of `fair.reports.figures`, into a `Report`; the
renderers only lay it out, so the page, the spreadsheet and the funder's PDF cannot disagree.

Small counts: a count between 1 and SMALL_COUNT - 1 could point at a person, so it is replaced by
`SUPPRESSED` *when the report is built*. The true value never reaches a renderer, a file or a
cache, and every renderer shows it as "< 5".

Tables whose rows grow with the number of people (`Table.detail`) are iterables that the CSV and
XLSX writers consume row by row; the page and the PDF show only the summary tables.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Union

SMALL_COUNT = 5


class Suppressed:
    """A count too small to show (1 to SMALL_COUNT - 1)."""

    _instance: Suppressed | None = None

    def __new__(cls) -> Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return f"< {SMALL_COUNT}"

    def __repr__(self) -> str:
        return "SUPPRESSED"


SUPPRESSED = Suppressed()

# What a cell holds: a label, a figure, a date, nothing, or a suppressed count.
Cell = Union[str, int, float, dt.date, None, Suppressed]


def count(value: int) -> int | Suppressed:
    """A head count as it may be shown: 0 and SMALL_COUNT or more as they are, the rest suppressed."""
    return SUPPRESSED if 0 < value < SMALL_COUNT else value


def share(part: int, whole: int) -> float | Suppressed | None:
    """A percentage (0–100, one decimal) of a count, suppressed with it; None when `whole` is 0."""
    if whole == 0:
        return None
    if 0 < part < SMALL_COUNT or 0 < whole < SMALL_COUNT:
        return SUPPRESSED
    return round(100.0 * part / whole, 1)


@dataclass
class Table:
    """Rows of cells under translated headers; the first column labels the row.

    `key` is stable across languages: the CSV's file name, the XLSX sheet's name, the page's anchor.
    """

    key: str
    title: str
    columns: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    note: str = ""
    detail: bool = False  # rows per person or per application: files only, consumed once


@dataclass
class Chart:
    """A chart is drawn from its table and always shown beside it (accessible: the data is text too).

    kind "bar": one bar per row, the value in column `value_column`; "funnel": the same, read top to
    bottom as stages; "stacked": one bar per row, split across the columns after the first.
    `summary` is the sentence a screen reader gets and the PDF prints under the chart.
    """

    key: str
    title: str
    summary: str
    table: Table
    kind: Literal["bar", "funnel", "stacked"] = "bar"
    value_column: int = 1


Block = Union[Table, Chart]


@dataclass
class Section:
    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    intro: str = ""


@dataclass
class Branding:
    name: str
    colour: str = "#1d4ed8"
    logo_url: str | None = None


@dataclass
class Report:
    """A whole report: what it covers, in which language, and its sections in reading order."""

    key: str  # e.g. "edition-12", "organiser-3-2026", "company-8-edition-12": file names
    title: str
    subtitle: str
    locale: str
    generated_at: dt.datetime
    branding: Branding
    sections: list[Section] = field(default_factory=list)

    def tables(self, *, detail: bool | None = None) -> Iterator[Table]:
        """Every table in reading order (a chart's own table included); `detail` filters on the flag."""
        for section in self.sections:
            for block in section.blocks:
                table = block.table if isinstance(block, Chart) else block
                if detail is None or table.detail is detail:
                    yield table
