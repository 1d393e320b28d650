"""Helpers the documents share: paper sizes, address lines, dates, text fitting, barcodes.

Pure functions over plain data; nothing here touches the system.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable

from printing.barcodes import (
    DEFAULT_TEXT_PT,
    code128_height,
    code128_width,
    draw_code128,
)
from printing.model import Address

PAPER_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}
ELLIPSIS = "…"
# Countries that write "City, Region Postcode" on one line.
_CITY_FIRST = frozenset({"US", "CA", "AU"})
# Countries that put the postcode on a line of its own, after the town.
_POSTCODE_LAST = frozenset({"GB", "IE"})


def page_size(paper: str) -> tuple[float, float]:
    """Points for "A4" or "Letter" (any case)."""
    try:
        return PAPER_SIZES[paper.strip().lower()]
    except KeyError:
        raise ValueError(f'unknown paper "{paper}" (expected A4 or Letter)') from None


def esc(text: str) -> str:
    """Customer text made safe for platypus paragraph markup."""
    return escape(text)


def address_lines(address: Address) -> list[str]:
    """The postal lines after the recipient's name, country last."""
    lines = [part for part in (address.company, address.line1, address.line2) if part]
    lines.extend(locality_lines(address))
    if address.country:
        lines.append(address.country)
    return lines


def locality_lines(address: Address) -> list[str]:
    """Town, region and postcode in the order the destination country writes them."""
    city, region, postcode = address.city, address.region or "", address.postcode or ""
    country = (address.country or "").upper()
    if country in _CITY_FIRST:
        head = f"{city}," if city and (region or postcode) else city
        return [" ".join(part for part in (head, region, postcode) if part)]
    if country in _POSTCODE_LAST:
        return [part for part in (city, region, postcode) if part]
    first = " ".join(part for part in (postcode, city) if part)
    return [part for part in (first, region) if part]


def format_date(value: date) -> str:
    return value.strftime("%Y-%m-%d")


def format_datetime(value: datetime) -> str:
    """Minutes precision, with the zone's name when the time carries one."""
    text = value.strftime("%Y-%m-%d %H:%M")
    zone = value.tzname()
    return f"{text} {zone}" if zone else text


def format_weight(weight_g: int | None) -> str:
    if weight_g is None:
        return "—"
    kilos = f"{weight_g / 1000:.3f}".rstrip("0")
    return f"{kilos}0 kg" if kilos.endswith(".") else f"{kilos} kg"


def fit_font_size(text: str, font: str, max_size: float, min_size: float,
                  width: float) -> float:
    """The largest size (in 0.5 pt steps) at which `text` fits `width`, at least min_size."""
    natural = pdfmetrics.stringWidth(text, font, max_size)
    if natural <= width:
        return max_size
    size = max_size * width / natural
    return max(min_size, int(size * 2) / 2)


def fit_text(text: str, font: str, max_size: float, min_size: float, width: float,
             max_lines: int = 2, *, floor: float | None = None) -> tuple[float, list[str]]:
    """Size and lines for `text` in `width`, trying in turn: one line down to min_size,
    up to max_lines down to min_size, then the same down to `floor` (an unbreakable
    string), and last truncation with an ellipsis at `floor`.
    """
    floor = min_size if floor is None else min(floor, min_size)
    for smallest in (min_size, floor):
        size = fit_font_size(text, font, max_size, smallest, width)
        if _fits(text, font, size, width):
            return size, [text]
        wrapped = _wrap(text, font, size, smallest, width, max_lines)
        if wrapped is not None:
            return wrapped
    lines = simpleSplit(text, font, floor, width) or [text]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1] + " " + ELLIPSIS
    return floor, [truncate(line, font, floor, width) for line in lines]


def _wrap(text: str, font: str, size: float, smallest: float, width: float,
          max_lines: int) -> tuple[float, list[str]] | None:
    """The largest size (from `size` down) at which `text` wraps into max_lines lines."""
    if max_lines < 2:
        return None
    size = max(size, smallest)
    while size >= smallest:
        lines = simpleSplit(text, font, size, width)
        if len(lines) <= max_lines and all(_fits(line, font, size, width) for line in lines):
            return size, lines
        size -= 0.5
    return None


def _fits(text: str, font: str, size: float, width: float) -> bool:
    return bool(pdfmetrics.stringWidth(text, font, size) <= width)


def truncate(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so it fits `width` (a single unbreakable word can be long)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


class Code128Flowable(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A Code 128 barcode (with its human-readable line) as a platypus flowable."""

    def __init__(self, value: str, *, module_dots: int = 2, height_pt: float = 36.0,
                 text: bool | str = True, font_size: float = DEFAULT_TEXT_PT) -> None:
        super().__init__()
        self.value = value
        self.module_dots = module_dots
        self.height_pt = height_pt
        self.text = text
        self.font_size = font_size
        self.width = code128_width(value, module_dots=module_dots)
        self.height = code128_height(height_pt=height_pt, text=text, font_size=font_size)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        draw_code128(canvas, 0, 0, self.value, module_dots=self.module_dots,
                     height_pt=self.height_pt, text=self.text, font_size=self.font_size)
