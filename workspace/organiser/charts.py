"""Server-rendered SVG bar charts (no script, no inline style), shown beside a text table."""

from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 320
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 110


def bar_chart(title: str, rows: list[tuple[str, int]]) -> Markup:
    """A horizontal bar chart; the values are also in the accessible table next to it."""
    peak = max((v for _l, v in rows), default=0) or 1
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    span = WIDTH - LABEL_WIDTH - 40
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        width = round(span * value / peak)
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12" fill="#1b1f24">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR_HEIGHT}" '
            f'fill="#1d4e89"></rect>'
            f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 15}" font-size="12" '
            f'fill="#1b1f24">{value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every interpolated value is escaped above)
