"""Return receipts: the RMA barcode decodes, units and wrong items show, pages are numbered."""

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

from printing.documents.return_receipt import render_return_receipt
from printing.model import ReceiptLine, ReturnReceipt

Codes = Callable[..., list[list[str]]]
Text = Callable[[bytes], list[str]]
Pages = Callable[..., list[Image.Image]]
PREVIEW_DIR = Path("/tmp/print-preview")

BASE_LINES = (
    ReceiptLine("TSHIRT-BLK-M", "T-shirt black M", "B", "RESTOCK", "LPN00200000042", True,
                ("packaging_damaged",), None, False),
    ReceiptLine("PHONE-X1", "Smartphone X1 128 GB", "D", "RETURN_TO_VENDOR", "LPN00200000043",
                True, ("not_working", "scratched"), "SN-7731-AB-90412", False),
    ReceiptLine("SOCKS-01", "Κάλτσες μάλλινες", "X", "DISPOSE", "LPN00200000044", False, (),
                None, True),
)


def make_receipt(unit_count: int = 3, **changes: Any) -> ReturnReceipt:
    extra = [ReceiptLine(f"SKU-{n:03d}", f"Product {n}", "ABCDX"[n % 5], "REFURBISH",
                         f"LPN002{n + 100:08d}", n % 6 != 0, ("used",) if n % 3 else (),
                         f"SER{n:06d}" if n % 4 == 0 else None, False)
             for n in range(max(0, unit_count - len(BASE_LINES)))]
    receipt = ReturnReceipt(
        rma_number="RMA-5001", order_number="SO-100234", customer_name="Zoë Müller",
        requested_resolution="refund",
        received_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        completed_at=datetime(2026, 11, 25, 9, 41, tzinfo=UTC),
        station_id="RET-01", clerk="Li Wei",
        lines=tuple([*BASE_LINES, *extra][:unit_count]),
        missing=(("2", "MUG-01", 1),), refund_recommendation="partial",
    )
    return replace(receipt, **changes)


def test_rma_barcode_decodes(read_codes: Codes) -> None:
    pdf = render_return_receipt(make_receipt())
    assert read_codes(pdf, dpi=200) == [["RMA-5001"]]
    assert read_codes(pdf, dpi=300) == [["RMA-5001"]]


def test_receipt_shows_the_return(pdf_text: Text) -> None:
    (text,) = pdf_text(render_return_receipt(make_receipt()))
    for expected in ("Return receipt", "RMA RMA-5001", "Order SO-100234", "Zoë Müller",
                     "refund", "2026-11-25 09:30 UTC", "2026-11-25 09:41 UTC", "Li Wei",
                     "RET-01", "TSHIRT-BLK-M", "RESTOCK", "RETURN_TO_VENDOR", "DISPOSE",
                     "LPN00200000042", "LPN00200000043", "LPN00200000044", "expected",
                     "not on RMA", "packaging damaged", "not working,", "scratched",
                     "S/N SN-7731-AB-90412", "MUG-01", "Refund recommendation: PARTIAL",
                     "page 1 of 1"):
        assert expected in text, expected
    assert "Unannounced" not in text


def test_wrong_item_is_marked_on_its_row_only(pdf_text: Text) -> None:
    (text,) = pdf_text(render_return_receipt(make_receipt()))
    assert text.count("WRONG ITEM") == 1
    lines = text.splitlines()
    marker = next(i for i, line in enumerate(lines) if "WRONG ITEM" in line)
    assert any("SOCKS-01" in line for line in lines[marker - 4:marker])
    clean = replace(make_receipt(), lines=BASE_LINES[:2])
    assert "WRONG ITEM" not in pdf_text(render_return_receipt(clean))[0]


def test_unannounced_return_uses_the_order_number(read_codes: Codes, pdf_text: Text) -> None:
    receipt = make_receipt(rma_number=None, missing=())
    pdf = render_return_receipt(receipt)
    assert read_codes(pdf, dpi=200) == [["SO-100234"]]
    (text,) = pdf_text(pdf)
    assert "UNANNOUNCED RETURN" in text and "Unannounced return · order SO-100234" in text
    assert "RMA-5001" not in text and "No RMA: nothing was announced." in text


def test_names_in_latin_greek_and_cyrillic_are_real_text(pdf_text: Text) -> None:
    lines = (replace(BASE_LINES[0], name="Tasse „Grüße“ – Zoë"),
             replace(BASE_LINES[1], name="Κάλτσες μάλλινες"),
             replace(BASE_LINES[2], name="Носки шерстяные"))
    receipt = make_receipt(customer_name="Ελένη Παπαδοπούλου", clerk="Иван Петров",
                           lines=lines)
    (text,) = pdf_text(render_return_receipt(receipt))
    for expected in ("Ελένη Παπαδοπούλου", "Иван Петров", "Tasse „Grüße“ – Zoë",
                     "Κάλτσες μάλλινες", "Носки шерстяные"):
        assert expected in text, expected


def test_sixty_units_and_a_long_name_flow_over_numbered_pages(read_codes: Codes, pdf_text: Text,
                                                              render_pages: Pages) -> None:
    name = "Maximilian Alexander Theodor Schwarzenbe"  # 40 characters
    receipt = make_receipt(unit_count=60, customer_name=name)
    pdf = render_return_receipt(receipt)
    pages = pdf_text(pdf)
    assert name in " ".join(pages[0].split())
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text
        assert "RMA RMA-5001" in text  # the page header
        if "LPN002" in text:
            assert "Disposition" in text  # the table header repeats
    every_page = "\n".join(pages)
    for line in receipt.lines:
        assert every_page.count(line.lpn) == 1, line.lpn
    assert "Refund recommendation" in pages[-1]
    assert read_codes(pdf, dpi=200)[0] == ["RMA-5001"]
    PREVIEW_DIR.mkdir(parents=True, exist_ok=True)
    render_pages(pdf, dpi=200)[0].save(PREVIEW_DIR / "return-receipt-1.png")


@pytest.mark.parametrize("recommendation", ["full", "partial", "none"])
def test_recommendation_is_explained(recommendation: str, pdf_text: Text) -> None:
    receipt = make_receipt(refund_recommendation=recommendation)
    (text,) = pdf_text(render_return_receipt(receipt))
    assert f"Refund recommendation: {recommendation.upper()}" in text
    assert "decided by the backend" in text


@pytest.mark.parametrize(("paper", "size"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_paper_sizes(paper: str, size: tuple[int, int]) -> None:
    reader = PdfReader(io.BytesIO(render_return_receipt(make_receipt(), paper)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match='unknown paper "A5"'):
        render_return_receipt(make_receipt(), "A5")


def test_cjk_names_print_in_the_fallback_font(
    pdf_text: Text, fonts_drawing: Callable[[bytes, str], set[str]], cjk_pdf_font: str
) -> None:
    lines = (replace(BASE_LINES[0], name="茶杯 <ティーカップ> & 찻잔"), *BASE_LINES[1:])
    receipt = make_receipt(customer_name="王小明", clerk="김민준", lines=lines)
    pdf = render_return_receipt(receipt)
    (text,) = pdf_text(pdf)
    for expected in ("王小明", "김민준", "茶杯 <ティーカップ> & 찻잔"):
        assert expected in text, expected
    for cjk in ("王小明", "김민준", "ティーカップ"):
        assert fonts_drawing(pdf, cjk) == {cjk_pdf_font}, cjk


def test_without_a_cjk_font_the_receipt_still_prints(no_fallback_font: None,
                                                     read_codes: Codes) -> None:
    pdf = render_return_receipt(make_receipt(customer_name="王小明", clerk="김민준"))
    assert read_codes(pdf, dpi=200) == [["RMA-5001"]]
