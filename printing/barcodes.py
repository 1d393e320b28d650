"""Code 128 barcodes drawn as vector bars on a reportlab canvas.

Bars come from python-barcode's encoder; widths are whole printer dots at 203 dpi so that
thermal label printers reproduce every module exactly and scanners read them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from barcode.codex import Code128
from barcode.errors import BarcodeError
from reportlab.pdfbase import pdfmetrics

from printing.fonts import register_fonts

DOT_PT = 72.0 / 203.0  # one dot of a 203 dpi thermal printer, in points
QUIET_MODULES = 10  # the minimum quiet zone Code 128 asks for, on each side
DEFAULT_HEIGHT_PT = 36.0
DEFAULT_TEXT_PT = 8.0
# Each bar edge sits a tenth of a dot inside its dot boundary. Rasterisers that paint
# every pixel a shape touches (PostScript's rule, pdfium's rectangle fill) would otherwise
# grow a bar by a whole dot whenever rounding puts an edge a hair past the boundary;
# centre-sampling rasterisers paint the same dots either way.
BAR_INSET_PT = 0.1 * DOT_PT


def code128_pattern(value: str) -> str:
    """The module pattern ("1" = bar) of `value`, start/check/stop included."""
    if not value:
        raise ValueError("a Code 128 barcode needs a non-empty value")
    outside = sorted({ch for ch in value if ord(ch) > 127})
    if outside:
        raise ValueError(
            f"cannot encode {value!r} as Code 128: not ASCII: {', '.join(outside)}"
        )
    try:
        # A fresh encoder each time: python-barcode keeps charset state between builds.
        built: list[str] = Code128(value).build()
    except (BarcodeError, KeyError, RuntimeError, ValueError) as exc:
        raise ValueError(f"cannot encode {value!r} as Code 128: {exc}") from exc
    return str(built[0])


def code128_width(value: str, *, module_dots: int = 2) -> float:
    """Width in points of the symbol including both quiet zones."""
    modules = len(code128_pattern(value)) + 2 * QUIET_MODULES
    return modules * _module_pt(module_dots)


def fit_module_dots(value: str, max_width: float, choices: Sequence[int] = (3, 2)) -> int:
    """The widest module (in dots) among `choices` whose symbol fits `max_width` points."""
    for dots in sorted(choices, reverse=True):
        if code128_width(value, module_dots=dots) <= max_width:
            return dots
    raise ValueError(
        f"barcode {value!r} is too long: it needs "
        f"{code128_width(value, module_dots=min(choices)):.0f} pt, "
        f"only {max_width:.0f} pt available"
    )


def text_band_pt(font_size: float = DEFAULT_TEXT_PT) -> float:
    """Height taken by the human-readable line under the bars."""
    return font_size * 1.4


def code128_height(
    *, height_pt: float = DEFAULT_HEIGHT_PT, text: bool | str = True,
    font_size: float = DEFAULT_TEXT_PT,
) -> float:
    """Total height drawn by `draw_code128` with the same arguments."""
    return height_pt + (text_band_pt(font_size) if text else 0.0)


def draw_code128(
    canvas: Any,
    x: float,
    y: float,
    value: str,
    *,
    module_dots: int = 2,
    height_pt: float = DEFAULT_HEIGHT_PT,
    text: bool | str = True,
    font_size: float = DEFAULT_TEXT_PT,
) -> float:
    """Draw `value` with its bottom-left corner (quiet zone and text included) at x, y.

    `text` True prints the value under the bars; a string prints that string instead.
    Returns the width drawn, quiet zones included.
    """
    pattern = code128_pattern(value)
    module = _module_pt(module_dots)
    width = (len(pattern) + 2 * QUIET_MODULES) * module
    band = text_band_pt(font_size) if text else 0.0
    # Start the bars on a dot boundary so a page printed 1:1 at 203 dpi keeps every
    # module exactly module_dots wide instead of alternating between widths.
    bars_x = round((x + QUIET_MODULES * module) / DOT_PT) * DOT_PT
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    position = 0
    for bit, run in itertools.groupby(pattern):
        length = len(list(run))
        if bit == "1":
            canvas.rect(bars_x + position * module + BAR_INSET_PT, y + band,
                        length * module - 2 * BAR_INSET_PT, height_pt, stroke=0, fill=1)
        position += length
    if text:
        label = value if text is True else str(text)
        font = register_fonts().regular
        size = _fit_size(label, font, font_size, width)
        canvas.setFont(font, size)
        canvas.drawCentredString(x + width / 2, y + band - font_size * 1.05, label)
    canvas.restoreState()
    return width


def _module_pt(module_dots: int) -> float:
    if module_dots < 1:
        raise ValueError(f"module_dots must be at least 1, not {module_dots}")
    return module_dots * DOT_PT


def _fit_size(label: str, font: str, size: float, width: float) -> float:
    """Shrink the human-readable text so it never runs past the symbol."""
    natural = pdfmetrics.stringWidth(label, font, size)
    return size if natural <= width else max(4.0, size * width / natural)
