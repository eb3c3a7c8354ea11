"""Charts of a report as accessible SVG, written by hand: no JavaScript, the same markup on the page
and in the PDF (WeasyPrint draws inline SVG).

Each chart is `<svg role="img">` named by its `<title>` and described by its `<desc>` (the chart's
summary sentence); the page and the PDF put the chart's table beside it, so every figure is text
too. Bars carry their value as a label, so colour never carries meaning alone; a suppressed count
("< 5") is drawn as a short hatched, outlined bar with its label. The drawing scales with its
container (a viewBox and a relative width), so it fits a 360-px phone; in forced-colours mode the
bars take the system's text colour.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from fair.reports.document import Chart, Suppressed

WIDTH = 400
LABEL_HEIGHT = 16
BAR_HEIGHT = 18
ROW = LABEL_HEIGHT + BAR_HEIGHT + 8
VALUE_SPACE = 56  # room right of the longest bar for its value


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _shown(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".rstrip("0").rstrip(".")
    if isinstance(value, float):
        return str(int(value))
    return str(value)


def chart_svg(chart: Chart, colour: str = "#1d4f91") -> Markup:
    """The SVG of a bar or funnel chart: one bar per row of its table, in the table's order."""
    rows = [list(row) for row in chart.table.rows]
    values = [row[chart.value_column] if len(row) > chart.value_column else None for row in rows]
    numbers = [n for n in (_number(v) for v in values) if n is not None]
    largest = max(numbers, default=0) or 1
    span = WIDTH - VALUE_SPACE
    ident = f"chart-{escape(chart.key)}"
    height = max(ROW * len(rows), ROW)
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.summary)}</desc>',
        f'<defs><pattern id="{ident}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{escape(colour)}" '
        f'stroke-width="2"/></pattern></defs>',
    ]
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        top = index * ROW
        bar_top = top + LABEL_HEIGHT
        parts.append(f'<text x="0" y="{top + 12}" font-size="13" fill="#1b1b1b" class="chart-label">'
                     f'{escape(str(row[0]))}</text>')
        number = _number(value)
        if isinstance(value, Suppressed):
            width = max(span * 4 / largest, 10) if numbers else 10
            parts.append(f'<rect x="0" y="{bar_top}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                         f'fill="url(#{ident}-hatch)" stroke="{escape(colour)}" stroke-width="1.5" '
                         f'class="chart-bar chart-bar-suppressed"/>')
            label_x = width + 4
        elif number is not None and number > 0:
            width = max(span * number / largest, 2)
            parts.append(f'<rect x="0" y="{bar_top}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                         f'fill="{escape(colour)}" class="chart-bar"/>')
            label_x = width + 4
        else:
            label_x = 0
        parts.append(f'<text x="{label_x:.1f}" y="{bar_top + 14}" font-size="13" fill="#1b1b1b" '
                     f'class="chart-value">{escape(_shown(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
