"""Packing slip PDFs: barcode decodes, Unicode names extract, long orders page correctly."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import mm

from printing.documents.common import string_width
from printing.documents.packing_slip import QTY_WIDTH, SKU_WIDTH, render_packing_slip
from printing.model import PackingSlip, SlipLine

Slip = Callable[..., PackingSlip]
Codes = Callable[..., list[list[str]]]
Text = Callable[[bytes], list[str]]
Fonts = Callable[[bytes, str], set[str]]
Embedded = Callable[[bytes], set[str]]


def test_order_number_barcode_decodes(slip_factory: Slip, read_codes: Codes) -> None:
    pdf = render_packing_slip(slip_factory(order_number="SO-100234"))
    assert read_codes(pdf, dpi=300) == [["SO-100234"]]
    assert read_codes(pdf, dpi=203) == [["SO-100234"]]


def test_names_in_latin_greek_and_cyrillic_are_real_text(
    slip_factory: Slip, address_factory: Callable[..., object], pdf_text: Text
) -> None:
    slip = slip_factory(
        customer_name="Zoë Müller",
        ship_to=address_factory("Ελένη Παπαδοπούλου", line1="Οδός Ερμού 12", city="Αθήνα",
                                postcode="105 63", country="GR"),
        packed_by="Иван Петров",
        lines=(SlipLine("MUG-01", "Tasse „Grüße“ – Кружка", 1),),
    )
    (text,) = pdf_text(render_packing_slip(slip))
    for expected in ("Zoë Müller", "Ελένη Παπαδοπούλου", "Οδός Ερμού 12", "105 63 Αθήνα",
                     "Иван Петров", "Tasse „Grüße“ – Кружка"):
        assert expected in text


def test_slip_shows_order_facts_inserts_gift_message_and_notes(
    slip_factory: Slip, pdf_text: Text
) -> None:
    slip = slip_factory(inserts=("Welcome card", "Winter catalogue"),
                        gift_message="Happy birthday!\nLove, Ana", notes="Fragile <glass> & co",
                        shop_name="Acme Shop", package_count=2)
    (text,) = pdf_text(render_packing_slip(slip))
    for expected in ("Acme Shop", "PACK-01", "Order SO-100234", "Placed 2026-11-21",
                     "Hauptstraße 5", "10115 Berlin", "Ana Silva", "2026-11-22 14:03 UTC",
                     "Inserts included", "Welcome card", "Winter catalogue", "Gift message",
                     "Happy birthday!", "Love, Ana", "Notes", "Fragile <glass> & co",
                     "TSHIRT-BLK-M", "T-shirt black M", "↳ Mug", "page 1 of 1"):
        assert expected in text
    assert "Packages\n2" in text


def test_sixty_lines_flow_over_pages_each_numbered(
    slip_factory: Slip, pdf_text: Text, read_codes: Codes
) -> None:
    name = "Maximilian Alexander Theodor Schwarzenbe"  # 40 characters
    slip = slip_factory(line_count=60, customer_name=name)
    pdf = render_packing_slip(slip)
    pages = pdf_text(pdf)
    assert name in " ".join(pages[0].split())
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text
        assert "SKU" in text and "Qty" in text  # the table header repeats
    every_page = "\n".join(pages)
    for line in slip.lines:
        assert every_page.count(f"{line.sku}\n") == 1, line.sku
    assert "Gift message" in pages[-1]
    assert read_codes(pdf)[0] == ["SO-100234"]


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792)),
                                              ("letter", (612, 792))])
def test_paper_sizes(paper: str, size: tuple[int, int], slip_factory: Slip) -> None:
    reader = PdfReader(io.BytesIO(render_packing_slip(slip_factory(), paper)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_unknown_paper_is_refused(slip_factory: Slip) -> None:
    with pytest.raises(ValueError, match='unknown paper "A5"'):
        render_packing_slip(slip_factory(), "A5")


def _cjk_slip(slip_factory: Slip, address_factory: Callable[..., object]) -> PackingSlip:
    return slip_factory(
        customer_name="王小明", shop_name="北京商店", packed_by="김민준",
        ship_to=address_factory("山田太郎", line1="カタカナ通り 1-2", city="서울", postcode="04524",
                                country="KR"),
        lines=(SlipLine("MUG-01", "茶杯 ティーカップ 찻잔 / Κούπα / Кружка", 1),
               SlipLine("TEA-05", "Чай «Байкал»", 2, indent=True)),
        gift_message="お誕生日おめでとう！\n생일 축하해, Ελένη",
    )


def test_names_in_chinese_japanese_and_korean_print_in_the_fallback_font(
    slip_factory: Slip, address_factory: Callable[..., object], pdf_text: Text,
    fonts_drawing: Fonts, embedded_fonts: Embedded, cjk_pdf_font: str, read_codes: Codes
) -> None:
    pdf = render_packing_slip(_cjk_slip(slip_factory, address_factory))
    (text,) = pdf_text(pdf)
    for expected in ("王小明", "山田太郎", "カタカナ通り 1-2", "04524 서울", "김민준", "北京商店",
                     "茶杯 ティーカップ 찻잔 / Κούπα / Кружка", "↳ Чай «Байкал»",
                     "お誕生日おめでとう！", "생일 축하해, Ελένη"):
        assert expected in text, expected
    for cjk in ("王小明", "山田太郎", "カタカナ通り", "서울", "김민준", "北京商店", "ティーカップ",
                "お誕生日おめでとう", "생일"):
        assert fonts_drawing(pdf, cjk) == {cjk_pdf_font}, cjk
    for other in ("Κούπα", "Байкал", "Ελένη", "04524", "MUG-01"):
        assert all(font.startswith("DejaVuSans") for font in fonts_drawing(pdf, other)), other
    assert cjk_pdf_font in embedded_fonts(pdf)
    assert read_codes(pdf) == [["SO-100234"]]


def test_the_fallback_font_is_embedded_only_when_a_name_needs_it(
    slip_factory: Slip, embedded_fonts: Embedded, cjk_pdf_font: str
) -> None:
    fonts = embedded_fonts(render_packing_slip(slip_factory(customer_name="Ελένη Иванова")))
    assert fonts == {"DejaVuSans", "DejaVuSans-Bold"}


def test_without_a_cjk_font_the_slip_still_prints(
    slip_factory: Slip, address_factory: Callable[..., object], no_fallback_font: None,
    read_codes: Codes, pdf_text: Text, embedded_fonts: Embedded
) -> None:
    pdf = render_packing_slip(_cjk_slip(slip_factory, address_factory))
    assert read_codes(pdf) == [["SO-100234"]]
    (text,) = pdf_text(pdf)
    assert "Κούπα / Кружка" in text and "↳ Чай «Байкал»" in text and "PACK-01" in text
    assert embedded_fonts(pdf) == {"DejaVuSans", "DejaVuSans-Bold"}


def test_optional_parts_are_left_out_when_empty(slip_factory: Slip, pdf_text: Text) -> None:
    slip = slip_factory(inserts=(), gift_message=None, notes=None)
    (text,) = pdf_text(render_packing_slip(slip))
    assert "Gift message" not in text and "Inserts included" not in text
    assert "Notes" not in text


def _text_positions(pdf: bytes) -> list[tuple[str, float]]:
    """Every text run on the first page with the x it starts at."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), cm[4] + tm[4] * cm[0]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_long_skus_and_names_wrap_inside_their_columns(
    paper: str, slip_factory: Slip, address_factory: Callable[..., object], pdf_text: Text,
    render_pages: Callable[..., list[Image.Image]]
) -> None:
    sku = "SKU-" + "X" * 36  # 40 characters without a space: cut between characters
    name = " ".join(["Maximilian Alexander Theodor Schwarzenbe"] * 3)
    ship_to = address_factory("Maximilian Alexander Theodor Schwarzenbe")
    pdf = render_packing_slip(slip_factory(lines=(SlipLine(sku, name, 12),), ship_to=ship_to),
                              paper)
    (text,) = pdf_text(pdf)
    assert sku not in text.splitlines() and sku in text.replace("\n", "")
    assert name in " ".join(text.split())
    assert "Ship to\nMaximilian Alexander Theodor\nSchwarzenbe\nHauptstraße 5" in text
    page_width = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    item_column, qty_column = 18 * mm + SKU_WIDTH, page_width - 18 * mm - QTY_WIDTH
    runs = _text_positions(pdf)
    sku_runs = [(run, x) for run, x in runs if run.startswith(("SKU-", "XX"))]
    name_runs = [(run, x) for run, x in runs if "Theodor" in run and x > item_column]
    assert len(sku_runs) >= 2 and len(name_runs) >= 2
    for run, x in sku_runs:
        assert x + string_width(run, "DejaVuSans", 9.5) <= item_column, run
    for run, x in name_runs:
        assert x + string_width(run, "DejaVuSans", 9.5) <= qty_column, run
    (page,) = render_pages(pdf, dpi=100)
    margin = round(17 * mm * 100 / 72)
    assert page.crop((page.width - margin, 0, page.width, page.height)).getextrema() == (255, 255)


def test_kit_components_are_indented_under_their_kit(slip_factory: Slip) -> None:
    x = dict(_text_positions(render_packing_slip(slip_factory())))
    assert x["MUG-01"] > x["GIFTSET-1"] and x["TEA-05"] == x["MUG-01"]
    assert x["↳ Mug"] > x["Gift set"] and x["↳ Tea"] == x["↳ Mug"]
