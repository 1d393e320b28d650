"""The 2x1 in label for a returned unit as ZPL for a 203 dpi thermal printer.

The same content as the PDF version: the disposition white on black beside the grade, the
SKU in bold, the product name, and the LPN as Code 128 with the LPN and the RMA/order
numbers under the bars. Every piece of label data is hex-escaped (see `printing.zpl`).
"""

from __future__ import annotations

from printing import zpl
from printing.model import ItemLabel

WIDTH = 406  # 2 in at 203 dpi
HEIGHT = 203  # 1 in
MARGIN = 11  # blank on every side: thermal printers drift by a dot or two
INNER = WIDTH - 2 * MARGIN
BAND_HEIGHT = 48
GRADE_WIDTH = 64
GAP = 6
BAR_HEIGHT = 44
MIN_TEXT = 14


def render_item_label_zpl(label: ItemLabel) -> bytes:
    """The label as one ZPL program (`^XA^CI28 … ^XZ`), UTF-8 text hex-escaped."""
    # Fail before building if the LPN cannot be printed scannably on this label.
    module = zpl.fit_module(label.lpn, INNER)
    parts = [f"^XA^CI28^PW{WIDTH}^LL{HEIGHT}^LH0,0"]
    top = _band(parts, label, MARGIN)
    top = _item(parts, label, top)
    _barcode(parts, label, module, top)
    parts.append("^PQ1^XZ")
    return "\n".join(parts).encode("ascii")


def _band(parts: list[str], label: ItemLabel, top: int) -> int:
    """Disposition white on black across the top, grade boxed at its right."""
    band_width = INNER - GRADE_WIDTH - GAP
    parts.append(zpl.box(MARGIN, top, band_width, BAND_HEIGHT, filled=True))
    size = zpl.fit_size(label.disposition, 36, 20, band_width - 16)
    parts.append(zpl.text(MARGIN + 8, top + (BAND_HEIGHT - size) // 2,
                          zpl.fit(label.disposition, size, band_width - 16), size,
                          reverse=True))
    box_x = MARGIN + INNER - GRADE_WIDTH
    parts.append(zpl.box(box_x, top, GRADE_WIDTH, BAND_HEIGHT, 3))
    parts.append(zpl.text(box_x + 8, top + 5, "GRADE", 12))
    size = zpl.fit_size(label.grade, 28, MIN_TEXT, GRADE_WIDTH - 12)
    parts.append(zpl.text(box_x + 8, top + BAND_HEIGHT - size - 3,
                          zpl.fit(label.grade, size, GRADE_WIDTH - 12), size))
    return top + BAND_HEIGHT + GAP


def _item(parts: list[str], label: ItemLabel, top: int) -> int:
    """SKU in bold, the product name under it; returns the space's bottom."""
    parts.append(zpl.text(MARGIN, top, zpl.fit(label.sku, 26, INNER), 26))
    top += 28
    parts.append(zpl.text(MARGIN, top, zpl.fit(label.name, 16, INNER), 16))
    return top + 20


def _barcode(parts: list[str], label: ItemLabel, module: int, top: int) -> None:
    """LPN bars centred, the LPN and the RMA/order numbers under them."""
    x = MARGIN + (INNER - zpl.code128_dots(label.lpn, module)) // 2
    parts.append(zpl.code128(label.lpn, x, top, BAR_HEIGHT, module, interpretation=False))
    baseline = top + BAR_HEIGHT + 4
    lpn = zpl.fit(label.lpn, 20, INNER * 55 // 100)
    parts.append(zpl.text(MARGIN, baseline, lpn, 20))
    room = INNER - zpl.text_width(lpn, 20) - 8
    refs = " / ".join(part for part in (label.rma_number, label.order_number) if part)
    if zpl.text_width(refs, MIN_TEXT) > room:
        refs = zpl.fit(label.rma_number or label.order_number, MIN_TEXT, room)
    x = MARGIN + INNER - zpl.text_width(refs, MIN_TEXT)
    parts.append(zpl.text(x, baseline + 4, refs, MIN_TEXT))
