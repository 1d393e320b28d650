"""Orders packed per hour as a bar chart drawn in vectors (a reportlab Drawing): one bar per local
hour 0-23, its count above it, a light grid, and the hours along the bottom.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors

BAR = colors.HexColor("#1565C0")
GRID = colors.HexColor("#DDDDDD")
AXIS = colors.HexColor("#555555")
LEFT = 24.0  # room for the scale's numbers
BOTTOM = 14.0  # room for the hours
TOP = 12.0  # room for the count over the highest bar


def hour_chart(hours: Sequence[int], width: float, height: float, font: str) -> Drawing:
    """`hours`: orders in each hour 0-23."""
    drawing = Drawing(width, height)
    plot_w, plot_h = width - LEFT, height - BOTTOM - TOP
    top = _scale_top(max(hours, default=0))
    step = plot_w / max(len(hours), 1)
    for value in _ticks(top):
        y = BOTTOM + plot_h * value / top
        drawing.add(Line(LEFT, y, width, y, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(String(LEFT - 4, y - 2.5, str(value), fontName=font, fontSize=7, fillColor=AXIS,
                           textAnchor="end"))
    for hour, count in enumerate(hours):
        x = LEFT + hour * step
        drawing.add(String(x + step / 2, 3, f"{hour:02d}", fontName=font, fontSize=7, fillColor=AXIS,
                           textAnchor="middle"))
        if count:
            bar_h = plot_h * count / top
            drawing.add(Rect(x + step * 0.15, BOTTOM, step * 0.7, bar_h, fillColor=BAR, strokeColor=None))
            drawing.add(String(x + step / 2, BOTTOM + bar_h + 2, str(count), fontName=font, fontSize=7,
                               textAnchor="middle"))
    drawing.add(Line(LEFT, BOTTOM, width, BOTTOM, strokeColor=AXIS, strokeWidth=0.8))
    return drawing


def _scale_top(highest: int) -> int:
    """A round top for the scale at or above the highest bar (at least 1)."""
    for top in (1, 2, 4, 5, 10):
        if highest <= top:
            return top
    magnitude = int(10 ** (len(str(highest)) - 1))
    return next(factor * magnitude for factor in (1, 2, 5, 10) if highest <= factor * magnitude)


def _ticks(top: int) -> list[int]:
    """Up to five whole-number grid lines from 0 to `top`."""
    step = max(1, top // 4) if top % 4 == 0 else max(1, top // 5) if top % 5 == 0 else max(1, top // 2)
    return list(range(0, top + 1, step))
