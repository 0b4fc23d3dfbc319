"""Charts as server-rendered SVG, pure: data in, SVG text out (no JavaScript, nothing fetched at run time).

Each chart is an inline `<svg role="img">` named by its `<title>` and `<desc>` (the text summary), scaled
by its viewBox to the width of the page (CSS `.chart`), drawn with presentation attributes and classes
only — never a `style` attribute, which the strict CSP (style-src 'self') would block. Every text is
escaped (OPD names are data). The page shows the same data as a table next to the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 400
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif"'
INK, MUTED, BRAND, TRACK, ACCENT, LINE = "#1b1f23", "#4a5560", "#0b5c4b", "#e3e8e6", "#1d6b2f", "#d5dbd8"
MAX_LABEL = 50  # characters of a bar's label drawn (≈ 400 units at font size 13); the whole label is in <title>


@dataclass(frozen=True)
class BarItem:
    """One horizontal bar: `value` out of the chart's `maximum`, `note` written at its end."""

    label: str
    value: float
    note: str


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    note: str = ""


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k (k ≥ 0) at or above `value`, for an axis' top: counts, so at least 1."""
    if value <= 1:
        return 1
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, desc: str, height: float, body: list[str]) -> Markup:
    ident = escape(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{ident}" viewBox="0 0 {WIDTH} {_number(height)}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title {ident}-desc" {FONT}>'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _empty(chart_id: str, title: str, desc: str, empty_text: str) -> Markup:
    text = (
        f'<text x="{WIDTH / 2}" y="28" text-anchor="middle" font-size="14" fill="{MUTED}">{escape(empty_text)}</text>'
    )
    return _svg(chart_id, title, desc, 44, [text])


def bar_chart(
    items: Sequence[BarItem],
    *,
    chart_id: str,
    title: str,
    desc: str,
    maximum: float = 100,
    empty_text: str = "Belum ada data.",
) -> Markup:
    """Horizontal bars, one row each, the label written above its bar: readable at 360 px with 60 rows."""
    if not items:
        return _empty(chart_id, title, desc, empty_text)
    row, top, track = 40, 6, WIDTH - 64
    body = []
    for index, item in enumerate(items):
        y = top + index * row
        share = 0.0 if maximum <= 0 else min(max(item.value / maximum, 0.0), 1.0)
        body.append(
            f'<g class="chart-row"><title>{escape(item.label)}: {escape(item.note)}</title>'
            f'<text x="0" y="{y + 13}" font-size="13" fill="{INK}" class="chart-label">'
            f"{escape(_clip(item.label))}</text>"
            f'<rect x="0" y="{y + 19}" width="{track}" height="12" rx="2" fill="{TRACK}" class="chart-track"/>'
            f'<rect x="0" y="{y + 19}" width="{_number(track * share)}" height="12" rx="2" fill="{BRAND}" '
            f'class="chart-bar"/>'
            f'<text x="{WIDTH}" y="{y + 30}" font-size="12" text-anchor="end" fill="{INK}" class="chart-value">'
            f"{escape(item.note)}</text></g>"
        )
    return _svg(chart_id, title, desc, top + len(items) * row + 4, body)


def _plot_frame(top_value: float, left: int, right: int, top: int, bottom: int) -> list[str]:
    """Horizontal grid lines at 0, half and the top value, with their numbers at the left."""
    lines = []
    for fraction in (0, 0.5, 1):
        y = bottom - (bottom - top) * fraction
        lines.append(
            f'<line x1="{left}" y1="{_number(y)}" x2="{right}" y2="{_number(y)}" stroke="{LINE}" stroke-width="1" '
            f'class="chart-grid"/><text x="{left - 6}" y="{_number(y + 4)}" font-size="11" text-anchor="end" '
            f'fill="{MUTED}">{escape(_number(top_value * fraction))}</text>'
        )
    return lines


def line_chart(
    points: Sequence[Point], *, chart_id: str, title: str, desc: str, empty_text: str = "Belum ada data."
) -> Markup:
    """A line over the points (e.g. 12 months), each point a dot with its value; zero when all are zero."""
    if not points:
        return _empty(chart_id, title, desc, empty_text)
    left, right, top, bottom, height = 40, WIDTH - 16, 14, 182, 208  # room for the last label, centred
    top_value = nice_max(max(p.value for p in points))
    step = (right - left) / max(len(points) - 1, 1)
    coords = [
        (left + step * i if len(points) > 1 else (left + right) / 2, bottom - (bottom - top) * (p.value / top_value))
        for i, p in enumerate(points)
    ]
    body = _plot_frame(top_value, left, right, top, bottom)
    path = " ".join(f"{_number(x)},{_number(y)}" for x, y in coords)
    body.append(f'<polyline points="{path}" fill="none" stroke="{BRAND}" stroke-width="2.5" class="chart-line"/>')
    for (x, y), point in zip(coords, points, strict=True):
        note = point.note or _number(point.value)
        body.append(
            f"<g><title>{escape(point.label)}: {escape(note)}</title>"
            f'<circle cx="{_number(x)}" cy="{_number(y)}" r="3.5" fill="{BRAND}" class="chart-dot"/></g>'
            f'<text x="{_number(x)}" y="{bottom + 18}" font-size="11" text-anchor="middle" fill="{INK}">'
            f"{escape(point.label)}</text>"
        )
    return _svg(chart_id, title, desc, height, body)


def histogram(
    bins: Sequence[Point],
    *,
    chart_id: str,
    title: str,
    desc: str,
    highlight_last: bool = True,
    empty_text: str = "Belum ada data.",
) -> Markup:
    """Vertical bars side by side, the count above each and its range below; the last bar (target
    reached) in the accent colour when `highlight_last`."""
    if not bins:
        return _empty(chart_id, title, desc, empty_text)
    left, right, top, bottom, height = 40, WIDTH - 4, 20, 182, 208
    top_value = nice_max(max(b.value for b in bins))
    slot = (right - left) / len(bins)
    bar = slot * 0.75
    body = _plot_frame(top_value, left, right, top, bottom)
    for index, item in enumerate(bins):
        x = left + slot * index + (slot - bar) / 2
        bar_height = (bottom - top) * (item.value / top_value)
        last = highlight_last and index == len(bins) - 1
        colour, css = (ACCENT, "chart-bar chart-bar-reached") if last else (BRAND, "chart-bar")
        centre = x + bar / 2
        body.append(
            f"<g><title>{escape(item.label)}: {escape(item.note or _number(item.value))}</title>"
            f'<rect x="{_number(x)}" y="{_number(bottom - bar_height)}" width="{_number(bar)}" '
            f'height="{_number(bar_height)}" fill="{colour}" class="{css}"/></g>'
            f'<text x="{_number(centre)}" y="{_number(bottom - bar_height - 4)}" font-size="11" text-anchor="middle" '
            f'fill="{INK}">{escape(_number(item.value))}</text>'
            f'<text x="{_number(centre)}" y="{bottom + 18}" font-size="11" text-anchor="middle" fill="{INK}">'
            f"{escape(item.label)}</text>"
        )
    return _svg(chart_id, title, desc, height, body)
