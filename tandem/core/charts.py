"""Server-rendered SVG charts (no JavaScript). Every chart is decorative next to its table:
the SVG carries ``role="img"`` and a title; the numbers are in the table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 480, 160, 28


def line_chart(
    title: str, labels: Sequence[str], values: Sequence[float | None], max_value: float = 100
) -> SafeString:
    """A line over ``values`` (``None`` leaves a gap) on a 0–``max_value`` scale."""
    n = len(values)
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    points: list[str] = []
    dots: list[str] = []
    for i, v in enumerate(values):
        if v is None:
            continue
        x = PAD + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        y = PAD + inner_h * (1 - min(max(v / max_value, 0), 1))
        points.append(f"{x:.1f},{y:.1f}")
        label = escape(f"{labels[i]}: {v:g}")
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{label}</title></circle>')
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="'
        f'{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="currentColor" stroke-opacity=".4"/>',
        f'<text x="2" y="{PAD + 4}" font-size="10">{max_value:g}</text>',
        f'<text x="2" y="{HEIGHT - PAD + 4}" font-size="10">0</text>',
    ]
    if points:
        parts.append(
            f'<polyline fill="none" stroke="currentColor" stroke-width="2" '
            f'points="{" ".join(points)}"/>'
        )
    parts.extend(dots)
    if labels:
        parts.append(f'<text x="{PAD}" y="{HEIGHT - 6}" font-size="10">{escape(labels[0])}</text>')
        parts.append(
            f'<text x="{WIDTH - PAD}" y="{HEIGHT - 6}" font-size="10" text-anchor="end">'
            f"{escape(labels[-1])}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int | None]) -> SafeString:
    """Horizontal bars; ``None`` (suppressed) draws no bar and says so."""
    row_h = 22
    height = PAD + row_h * max(len(values), 1)
    top = max([v for v in values if v is not None] or [1]) or 1
    label_w = 150
    bar_w = WIDTH - label_w - 60
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="'
        f'{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        y = 8 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">'
            f"{escape(label[:24])}</text>"
        )
        if v is None:
            parts.append(f'<text x="{label_w}" y="{y + 14}" font-size="11">*</text>')
            continue
        w = bar_w * v / top
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h - 6}" '
            f'fill="currentColor" fill-opacity=".7"><title>{escape(f"{label}: {v}")}</title>'
            "</rect>"
        )
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="11">{v}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped
