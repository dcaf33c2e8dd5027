"""Charts as server-side SVG: no script, no CDN, the same markup in every browser, and the
numbers in a table beside each chart for screen readers (the templates render it)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6c757d", "#6f42c1")
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 28, 36


def _nice_max(value: int) -> int:
    """A round top for the axis: 1, 2, 5 × 10^k at or above `value` (at least 1)."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10


def bar_chart(
    *, title: str, labels: list[str], series: list[tuple[str, list[int]]], testid: str
) -> SafeString:
    """Grouped vertical bars: one group per label, one bar per series."""
    top = _nice_max(max((v for _name, values in series for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(labels), 1)
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" data-testid="{escape(testid)}" class="w-100 h-auto">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, top // 2, top) if top % 2 == 0 else (0, top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#495057">{tick}</text>'
        )
    for g, label in enumerate(labels):
        x0 = LEFT + g * group_w + group_w * 0.1
        for s, (name, values) in enumerate(series):
            value = values[g]
            h = plot_h * value / top
            x = x0 + s * bar_w
            y = TOP + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(name)} · {escape(label)}: {value}</title></rect>"
            )
        parts.append(
            f'<text x="{LEFT + g * group_w + group_w / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
            f'font-size="10" text-anchor="middle" fill="#495057">{escape(label)}</text>'
        )
    x = LEFT
    for s, (name, _values) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="6" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="15" font-size="11" fill="#212529">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def hbar_chart(*, title: str, items: list[tuple[str, int]], testid: str) -> SafeString:
    """Horizontal bars, one per item, the value written at the end of the bar."""
    row_h, label_w = 22, 350
    height = TOP + row_h * max(len(items), 1) + 8
    top = _nice_max(max((n for _label, n in items), default=0))
    plot_w = WIDTH - label_w - 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" data-testid="{escape(testid)}" class="w-100 h-auto">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, n) in enumerate(items):
        y = TOP + i * row_h
        w = plot_w * n / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" font-size="11" text-anchor="end" '
            f'fill="#212529">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE[i % len(PALETTE)]}">'
            f"<title>{escape(label)}: {n}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="11" fill="#212529">{n}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
