"""Helpers the documents share: paper sizes, address lines, dates, text fitting and drawing, barcodes.

All customer text is measured and drawn here run by run, so characters DejaVu Sans lacks (CJK) print
in the fallback font (printing.fonts) instead of as empty boxes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph

from printing.barcodes import (
    DEFAULT_TEXT_PT,
    code128_height,
    code128_width,
    draw_code128,
)
from printing.fonts import text_runs
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
    """Text made safe for platypus paragraph markup (&, < and > escaped)."""
    return escape(text)


def markup(text: str, font: str) -> str:
    """Paragraph markup for `text` in a paragraph set in `font`: escaped, and every run `font` has
    no glyphs for wrapped in <font name="..."> of the fallback font."""
    return "".join(esc(run) if run_font == font else f'<font name="{run_font}">{esc(run)}</font>'
                   for run, run_font in text_runs(text, font))


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A platypus Paragraph of plain `text` (one line per line of `text`), fonts switched per run."""
    return Paragraph("<br/>".join(markup(line, style.fontName) for line in text.splitlines()),
                     style)


def string_width(text: str, font: str, size: float) -> float:
    """Width of `text` as draw_text draws it, each run in its own font."""
    return float(sum(pdfmetrics.stringWidth(run, run_font, size)
                     for run, run_font in text_runs(text, font)))


def fits_plain(text: str, font: str, size: float, width: float) -> bool:
    """Whether `text` can be a plain string table cell: one line within `width`, all in `font`."""
    return "\n" not in text and text_runs(text, font) == [(text, font)] and \
        string_width(text, font, size) <= width


def draw_text(canvas: Any, x: float, y: float, text: str, font: str, size: float, *,
              align: str = "left", scale: float = 1.0) -> None:
    """`text` on the baseline `y`, left of, centred on or right of `x` (`align`), run by run in the
    fonts that have its glyphs; `scale` condenses it horizontally (1.0: the font's own width)."""
    runs = text_runs(text, font)
    if align != "left":
        width = sum(pdfmetrics.stringWidth(run, run_font, size) for run, run_font in runs) * scale
        x -= width / 2 if align == "centre" else width
    text_object = canvas.beginText(x, y)
    if scale != 1.0:
        # The horizontal scale is graphics state: restore it so later text is not condensed.
        canvas.saveState()
        text_object.setHorizScale(scale * 100)
    for number, (run, run_font) in enumerate(runs, start=1):
        text_object.setFont(run_font, size)
        # The last run ends the line (T*), as canvas.drawString does: text extractors read that.
        (text_object.textLine if number == len(runs) else text_object.textOut)(run)
    canvas.drawText(text_object)
    if scale != 1.0:
        canvas.restoreState()


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
    natural = string_width(text, font, max_size)
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
    lines = split_lines(text, font, floor, width) or [text]
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
        lines = split_lines(text, font, size, width)
        if len(lines) <= max_lines and all(_fits(line, font, size, width) for line in lines):
            return size, lines
        size -= 0.5
    return None


def _fits(text: str, font: str, size: float, width: float) -> bool:
    return string_width(text, font, size) <= width


def truncate(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so it fits `width` (a single unbreakable word can be long)."""
    if string_width(text, font, size) <= width:
        return text
    while text and string_width(text + ELLIPSIS, font, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def split_lines(text: str, font: str, size: float, width: float, *,
                break_words: bool = False) -> list[str]:
    """`text` wrapped at spaces into lines of at most `width`; a word longer than a line stays
    whole (and overflows) unless `break_words`, which cuts it between characters."""
    if "\n" not in text and string_width(text, font, size) <= width:
        return [text] if text.strip() else []
    lines: list[str] = []
    for paragraph_text in text.split("\n"):
        current = ""
        for word in paragraph_text.split():
            candidate = f"{current} {word}" if current else word
            if current and string_width(candidate, font, size) > width:
                lines.append(current)
                candidate = word
            current = candidate
            while break_words and len(current) > 1 and string_width(current, font, size) > width:
                cut = _longest_fit(current, font, size, width)
                lines.append(current[:cut])
                current = current[cut:]
        if current:
            lines.append(current)
    return lines


def _longest_fit(text: str, font: str, size: float, width: float) -> int:
    """How many leading characters of `text` fit `width` (at least one)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if string_width(text[:middle], font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return low


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


class TextLines(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """Plain text set in a paragraph style, wrapped by split_lines and drawn by draw_text: what a table
    cell needs of a Paragraph (indent, alignment, colour), without markup, laid out once per width."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._laid_out_for: float | None = None
        self._lines: list[str] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        if avail_width != self._laid_out_for:
            style = self.style
            room = avail_width - style.leftIndent - style.rightIndent
            self._lines = split_lines(self.text, style.fontName, style.fontSize, room,
                                      break_words=True)
            self._laid_out_for = avail_width
        self.width = avail_width
        self.height = self.style.leading * len(self._lines)
        return self.width, self.height

    def draw(self) -> None:
        canvas: Any = self.canv
        style = self.style
        canvas.setFillColor(style.textColor)
        x, align = float(style.leftIndent), "left"
        if style.alignment == TA_RIGHT:
            x, align = self.width - style.rightIndent, "right"
        elif style.alignment == TA_CENTER:
            x, align = (style.leftIndent + self.width - style.rightIndent) / 2, "centre"
        # The first baseline a font size below the top, as platypus paragraphs set it.
        y = self.height - style.fontSize
        for line in self._lines:
            draw_text(canvas, x, y, line, style.fontName, style.fontSize, align=align)
            y -= style.leading
