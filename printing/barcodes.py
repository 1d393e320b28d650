"""Code 128 and GS1-128 barcodes drawn as vector bars on a reportlab canvas.

Bars come from python-barcode's encoder; widths are whole printer dots at 203 dpi so that
thermal label printers reproduce every module exactly and scanners read them.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any

from barcode.codex import Code128, Gs1_128
from barcode.errors import BarcodeError
from biip import ParseError
from biip.gs1_messages import GS1Message
from biip.sscc import Sscc
from reportlab.pdfbase import pdfmetrics

from printing.fonts import register_fonts

GS = "\x1d"  # the separator after a variable-length GS1 field, as scanners report it
FNC1 = Gs1_128.FNC1_CHAR  # how python-barcode's encoder is told to put FNC1
DOT_PT = 72.0 / 203.0  # one dot of a 203 dpi thermal printer, in points
QUIET_MODULES = 10  # the minimum quiet zone Code 128 asks for, on each side
DEFAULT_HEIGHT_PT = 36.0
DEFAULT_TEXT_PT = 8.0
# Each bar edge sits a tenth of a dot inside its dot boundary. Rasterisers that paint
# every pixel a shape touches (PostScript's rule, pdfium's rectangle fill) would otherwise
# grow a bar by a whole dot whenever rounding puts an edge a hair past the boundary;
# centre-sampling rasterisers paint the same dots either way.
BAR_INSET_PT = 0.1 * DOT_PT


def sscc_element(tracking: str) -> str | None:
    """`tracking` when it is an SSCC with its AI 00 (20 digits, valid check digit), else None.

    Such a number (DHL's parcel numbers, for one) is printed as GS1-128, so that a scanner
    reports it as a GS1 element string."""
    if len(tracking) != 20 or not tracking.isdigit() or not tracking.startswith("00"):
        return None
    try:
        Sscc.parse(tracking[2:])
    except ParseError:
        return None
    return tracking


def gs1_text(element_string: str) -> str:
    """The human-readable form of a GS1 element string: `(00)340434161094042557`."""
    try:
        return GS1Message.parse(element_string).as_hri()
    except ParseError as exc:
        raise ValueError(f"{element_string!r} is not a GS1 element string: {exc}") from exc


@functools.lru_cache(maxsize=512)
def code128_pattern(value: str, *, gs1: bool = False) -> str:
    """The module pattern ("1" = bar) of `value`, start/check/stop included (cached: a label
    asks for it to pick the module, to size the symbol and to draw it).

    With `gs1`, `value` is a GS1 element string (GS between variable-length fields) and the
    symbol is GS1-128: FNC1 after the start character and in place of each GS."""
    if not value:
        raise ValueError("a Code 128 barcode needs a non-empty value")
    outside = sorted({ch for ch in value if ord(ch) > 127})
    if outside:
        raise ValueError(
            f"cannot encode {value!r} as Code 128: not ASCII: {', '.join(outside)}"
        )
    try:
        # A fresh encoder each time: python-barcode keeps charset state between builds.
        encoder = Gs1_128(value.replace(GS, FNC1)) if gs1 else Code128(value)
        built: list[str] = encoder.build()
    except (BarcodeError, KeyError, RuntimeError, ValueError) as exc:
        raise ValueError(f"cannot encode {value!r} as Code 128: {exc}") from exc
    return str(built[0])


def code128_width(value: str, *, module_dots: int = 2, gs1: bool = False) -> float:
    """Width in points of the symbol including both quiet zones."""
    modules = len(code128_pattern(value, gs1=gs1)) + 2 * QUIET_MODULES
    return modules * _module_pt(module_dots)


def fit_module_dots(value: str, max_width: float, choices: Sequence[int] = (3, 2), *,
                    gs1: bool = False) -> int:
    """The widest module (in dots) among `choices` whose symbol fits `max_width` points."""
    for dots in sorted(choices, reverse=True):
        if code128_width(value, module_dots=dots, gs1=gs1) <= max_width:
            return dots
    raise ValueError(
        f"barcode {value!r} is too long: it needs "
        f"{code128_width(value, module_dots=min(choices), gs1=gs1):.0f} pt, "
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
    gs1: bool = False,
) -> float:
    """Draw `value` with its bottom-left corner (quiet zone and text included) at x, y.

    `text` True prints the value under the bars (a GS1 element string in its readable form
    with the AIs in parentheses); a string prints that string instead. `gs1` draws GS1-128.
    Returns the width drawn, quiet zones included.
    """
    pattern = code128_pattern(value, gs1=gs1)
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
        label = (gs1_text(value) if gs1 else value) if text is True else str(text)
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
