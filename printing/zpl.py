"""Building blocks for ZPL II label programs, and PDF pages rasterised to ZPL graphics.

Every piece of data goes into a field through `field`, which hex-escapes (`^FH\\`) each
byte outside printable ASCII and the characters `^`, `~` and `\\`. With `^CI28` the
printer decodes the bytes as UTF-8, and nothing in a name or address can ever become a
printer command. Positions and sizes are in printer dots (203 dpi unless said otherwise).
"""

from __future__ import annotations

import math
import unicodedata

from printing.barcodes import QUIET_MODULES, code128_pattern, gs1_text
from printing.raster import render_first_page

DPI = 203
HEX_INDICATOR = "\\"
# Font 0 (CG Triumvirate Bold Condensed): a character is at most about this much of the
# font width wide; text is cut to this estimate so that it never runs off the label.
CHAR_WIDTH = 0.58
_PLAIN = frozenset(chr(code) for code in range(0x20, 0x7F)) - {"^", "~", HEX_INDICATOR}


# What the printer's resident font 0 is sure to have under ^CI28: Latin-1 and Latin Extended-A.
# Text beyond it (Greek, Cyrillic, CJK) would print as blanks or boxes on many printers.
FONT0_LAST = 0x017F


def font0_prints(*texts: str | None) -> bool:
    """Whether every character of `texts` prints in the printer's own font 0; when not, the label
    goes to a ZPL printer as the rasterised PDF (drawn with the station's fonts) instead."""
    return all(ord(ch) <= FONT0_LAST for text in texts if text for ch in text)


def escape(text: str) -> str:
    """`text` for an `^FH\\` field: unsafe characters as `\\xx` hex of their UTF-8 bytes."""
    return "".join(
        ch if ch in _PLAIN else "".join(f"{HEX_INDICATOR}{byte:02X}" for byte in ch.encode())
        for ch in text
    )


def field(text: str) -> str:
    """The data of one field: `^FH\\^FD<escaped>^FS`."""
    return f"^FH{HEX_INDICATOR}^FD{escape(text)}^FS"


def text(x: int, y: int, value: str, height: int, width: int | None = None, *,
         reverse: bool = False) -> str:
    """`value` in font 0 with its top-left corner at (x, y); `reverse` prints it inverted."""
    return (f"^FO{x},{y}^A0N,{height},{width or height}" + ("^FR" if reverse else "")
            + field(value))


def box(x: int, y: int, width: int, height: int, thickness: int = 2, *,
        filled: bool = False) -> str:
    """A rectangle (filled: solid black) with its top-left corner at (x, y)."""
    border = min(width, height) if filled else thickness
    return f"^FO{x},{y}^GB{width},{height},{border}^FS"


def text_width(value: str, height: int, width: int | None = None) -> int:
    """A generous estimate of how many dots wide `value` prints in font 0."""
    # Chinese, Japanese and Korean characters are about square: a whole font width each.
    units = sum(1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else CHAR_WIDTH
                for ch in value)
    return math.ceil(units * (width or height))


def fit(value: str, height: int, max_width: int, width: int | None = None) -> str:
    """`value` on one line (white space as single spaces), cut and ended with "..." if it
    would print wider than `max_width` dots.
    """
    value = " ".join(value.split())
    if text_width(value, height, width) <= max_width:
        return value
    end = len(value)
    while end > 0 and text_width(value[:end].rstrip() + "...", height, width) > max_width:
        end -= 1
    return value[:end].rstrip() + "..."


def fit_size(value: str, max_height: int, min_height: int, max_width: int) -> int:
    """The largest font height, from `max_height` down to `min_height`, that fits `max_width`."""
    for height in range(max_height, min_height - 1, -1):
        if text_width(value, height) <= max_width:
            return height
    return min_height


def wrap(value: str, height: int, max_width: int, max_lines: int) -> list[str]:
    """`value` broken at spaces into at most `max_lines` lines; the last one cut if needed."""
    lines: list[str] = []
    current = ""
    for word in value.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, height) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], " ".join(lines[max_lines - 1:])]
    return [fit(line, height, max_width) for line in lines]


def fit_lines(value: str, max_height: int, min_height: int, max_width: int,
              max_lines: int) -> tuple[int, list[str]]:
    """The largest height (down to `min_height`) at which `value` wraps into `max_lines`
    lines of `max_width` dots uncut, and those lines; at `min_height` the last line is cut.
    """
    whole = " ".join(value.split())
    for height in range(max_height, min_height, -1):
        lines = wrap(value, height, max_width, max_lines)
        if " ".join(lines) == whole:
            return height, lines
    return min_height, wrap(value, min_height, max_width, max_lines)


def code128_dots(value: str, module: int, *, gs1: bool = False) -> int:
    """Width in dots of `value` as Code 128 with `module`-dot modules, quiet zones included."""
    return (len(code128_pattern(value, gs1=gs1)) + 2 * QUIET_MODULES) * module


def fit_module(value: str, max_width: int, choices: tuple[int, ...] = (3, 2), *,
               gs1: bool = False) -> int:
    """The widest module (in dots) among `choices` whose symbol fits `max_width` dots."""
    for module in sorted(choices, reverse=True):
        if code128_dots(value, module, gs1=gs1) <= max_width:
            return module
    raise ValueError(f"barcode {value!r} is too long: it needs "
                     f"{code128_dots(value, min(choices), gs1=gs1)} dots, only {max_width} available")


def code128(value: str, x: int, y: int, height: int, module: int, *,
            interpretation: bool = True, gs1: bool = False) -> str:
    """`value` as Code 128 (`^BC`, automatic subsets) with its quiet zone starting at (x, y).

    With `gs1`, `value` is a GS1 element string drawn as GS1-128: `^BC` mode D puts FNC1 in
    and prints the AIs in parentheses. ValueError when `value` cannot be encoded, as for PDF.
    """
    code128_pattern(value, gs1=gs1)
    line = "Y" if interpretation else "N"
    mode, data = ("D", gs1_text(value)) if gs1 else ("A", value)
    return (f"^FO{x + QUIET_MODULES * module},{y}^BY{module}"
            f"^BCN,{height},{line},N,N,{mode}" + field(data))


def pdf_to_gfa(pdf: bytes, dpi: int = DPI, threshold: int = 128) -> bytes:
    """Page 1 of `pdf` rasterised at `dpi` to black and white, as a ZPL `^GFA` label.

    ValueError when `pdf` is not a PDF that can be rendered.
    """
    gray = render_first_page(pdf, dpi, "L")
    # 1 = ink, as ^GF wants; the padding bits at the end of each row stay 0 (no ink).
    ink = gray.point([255 if level < threshold else 0 for level in range(256)], "1")
    width, height = ink.size
    row_bytes = (width + 7) // 8
    data = ink.tobytes()
    total = row_bytes * height
    program = (f"^XA^PW{width}^LL{height}^FO0,0"
               f"^GFA,{total},{total},{row_bytes},{data.hex().upper()}^FS^XZ")
    return program.encode("ascii")
