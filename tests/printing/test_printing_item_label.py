"""2x1 in item labels: the LPN decodes at 203 dpi, the disposition stands out, all fits."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from printing.documents.item_label import render_item_label
from printing.model import ItemLabel

Codes = Callable[..., list[list[str]]]
Text = Callable[[bytes], list[str]]
Pages = Callable[..., list[Image.Image]]
PREVIEW_DIR = Path("/tmp/print-preview")
BLANK_PT = 3.0  # the outer band that must stay white on every side


def make_item_label(**changes: Any) -> ItemLabel:
    label = ItemLabel(
        lpn="LPN00200000042", sku="TSHIRT-BLK-M", name="T-shirt black M", grade="B",
        disposition="RESTOCK", rma_number="RMA-5001", order_number="SO-100234",
        station_id="RET-01", printed_at=datetime(2026, 11, 25, 9, 41, tzinfo=UTC),
    )
    return replace(label, **changes)


def _font_sizes(pdf: bytes) -> dict[str, float]:
    """Each text run on the page with its font size as drawn."""
    sizes: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes[text.strip()] = size * tm[3] * cm[3]

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return sizes


def _assert_blank_margins(image: Image.Image) -> None:
    band = round(BLANK_PT * 203 / 72)
    width, height = image.size
    for box in ((0, 0, band, height), (width - band, 0, width, height),
                (0, 0, width, band), (0, height - band, width, height)):
        assert image.crop(box).getextrema() == (255, 255), box


def test_page_is_2_by_1_inches() -> None:
    box = PdfReader(io.BytesIO(render_item_label(make_item_label()))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (144, 72)


@pytest.mark.parametrize("lpn", ["LPN00200000042", "LPN99999999999", "LPN00100000001"])
@pytest.mark.parametrize("dpi", [203, 300])
def test_lpn_decodes_exactly(lpn: str, dpi: int, read_codes: Codes) -> None:
    assert read_codes(render_item_label(make_item_label(lpn=lpn)), dpi=dpi) == [[lpn]]


def test_label_text(pdf_text: Text) -> None:
    (text,) = pdf_text(render_item_label(make_item_label()))
    for expected in ("LPN00200000042", "TSHIRT-BLK-M", "T-shirt black M", "GRADE", "B",
                     "RESTOCK", "RMA-5001 · SO-100234"):
        assert expected in text, expected


def test_disposition_is_the_largest_text() -> None:
    for disposition in ("RESTOCK", "RETURN_TO_VENDOR"):
        label = make_item_label(disposition=disposition, sku="HEADPHONES-WL-NC-700-BLK")
        sizes = _font_sizes(render_item_label(label))
        others = [size for text, size in sizes.items() if text != disposition]
        assert sizes[disposition] > max(others), sizes
        assert sizes[label.sku] > sizes[label.name] and sizes[label.lpn] > sizes[label.name]


def test_without_rma_the_order_number_is_printed(pdf_text: Text) -> None:
    (text,) = pdf_text(render_item_label(make_item_label(rma_number=None)))
    assert "SO-100234" in text and "RMA" not in text


@pytest.mark.parametrize("name", [
    "Maximilian Alexander Theodor Schwarzenbe",  # 40 characters
    "Ελένη Παπαδοπούλου-Κωνσταντινοπουλίδου Α",
    "Иван Петрович Александров-Святополкович",
])
def test_forty_character_names_fit(name: str, pdf_text: Text, render_pages: Pages,
                                   read_codes: Codes) -> None:
    pdf = render_item_label(make_item_label(name=name))
    assert name in pdf_text(pdf)[0].splitlines()  # whole, on one line
    (image,) = render_pages(pdf, dpi=203)
    assert image.size == (406, 203)
    _assert_blank_margins(image)
    assert read_codes(pdf, dpi=203) == [["LPN00200000042"]]


def test_overlong_texts_shrink_or_are_cut_inside_the_page(
    pdf_text: Text, render_pages: Pages, read_codes: Codes
) -> None:
    label = make_item_label(name="W" * 60, sku="WIDE-SKU-" + "W" * 30,
                            disposition="RETURN_TO_VENDOR", grade="XXXX",
                            rma_number="RMA-2026-0000123456", order_number="SO-2026-100234")
    pdf = render_item_label(label)
    (text,) = pdf_text(pdf)
    assert "RETURN_TO_VENDOR" in text and "RMA-2026-0000123456" in text
    assert text.count("…") >= 2  # name and SKU were cut
    (image,) = render_pages(pdf, dpi=203)
    _assert_blank_margins(image)
    assert read_codes(pdf, dpi=203) == [["LPN00200000042"]]


def test_preview_shows_nothing_outside_the_margins(render_pages: Pages) -> None:
    label = make_item_label(disposition="RETURN_TO_VENDOR", grade="D",
                            name="Носки шерстяные, Κάλτσες μάλλινες")
    (image,) = render_pages(render_item_label(label), dpi=203)
    _assert_blank_margins(image)
    PREVIEW_DIR.mkdir(parents=True, exist_ok=True)
    image.save(PREVIEW_DIR / "item-label-test.png")


def test_a_value_code_128_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="not ASCII"):
        render_item_label(make_item_label(lpn="LPNØ0200000042"))


def test_cjk_product_names_print_in_the_fallback_font(
    pdf_text: Text, fonts_drawing: Callable[[bytes, str], set[str]], cjk_pdf_font: str,
    render_pages: Pages, read_codes: Codes
) -> None:
    name = "茶杯 ティーカップ 찻잔 (Κούπα)"
    pdf = render_item_label(make_item_label(name=name, disposition="再入库"))
    (text,) = pdf_text(pdf)
    assert name in text.splitlines() and "再入库" in text
    assert fonts_drawing(pdf, "ティーカップ") == {cjk_pdf_font}
    assert fonts_drawing(pdf, "再入库") == {cjk_pdf_font}
    (image,) = render_pages(pdf, dpi=203)
    _assert_blank_margins(image)
    assert read_codes(pdf, dpi=203) == [["LPN00200000042"]]


def test_without_a_cjk_font_the_label_still_prints(no_fallback_font: None,
                                                  read_codes: Codes) -> None:
    pdf = render_item_label(make_item_label(name="茶杯 ティーカップ 찻잔"))
    assert read_codes(pdf, dpi=203) == [["LPN00200000042"]]
