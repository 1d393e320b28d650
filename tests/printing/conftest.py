"""Shared fixtures for printing tests: rasterise PDFs, decode their barcodes, read their text, and
the CJK fallback font (installed: skipped locally without one, failed under CI; or configured away)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from printing.fonts import FALLBACK_ENV, FALLBACK_HINT, FallbackFont, fallback_font
from printing.model import Address, PackingSlip, ShippingLabel, SlipLine

Pages = Callable[..., list[Image.Image]]


def _render(pdf: bytes, dpi: float = 300) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in document]
    finally:
        document.close()


def _codes(pdf: bytes, dpi: float = 300) -> list[list[str]]:
    """Every Code 128 found on each page, sorted, as decoded by zxing-cpp."""
    return [
        sorted(result.text for result in zxingcpp.read_barcodes(image)
               if result.format == zxingcpp.BarcodeFormat.Code128)
        for image in _render(pdf, dpi)
    ]


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def render_pages() -> Pages:
    return _render


@pytest.fixture
def read_codes() -> Callable[..., list[list[str]]]:
    return _codes


@pytest.fixture
def pdf_text() -> Callable[[bytes], list[str]]:
    return _text


def _fonts_drawing(pdf: bytes, fragment: str) -> set[str]:
    """The fonts of every text run that contains `fragment` ("AAAAAA+" subset prefixes removed)."""
    fonts: set[str] = set()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if fragment in text and font is not None:
            fonts.add(str(font.get("/BaseFont", "")).split("+")[-1])

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return fonts


def _embedded_fonts(pdf: bytes) -> set[str]:
    """The name of every font whose file the PDF carries, subset prefixes removed."""
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for reference in page["/Resources"]["/Font"].values():
            font = reference.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]).split("+")[-1])
    return names


@pytest.fixture
def fonts_drawing() -> Callable[[bytes, str], set[str]]:
    return _fonts_drawing


@pytest.fixture
def embedded_fonts() -> Callable[[bytes], set[str]]:
    return _embedded_fonts


@pytest.fixture
def cjk_font(monkeypatch: pytest.MonkeyPatch) -> FallbackFont:
    """The CJK fallback font installed on this machine, found as the station finds it."""
    monkeypatch.delenv(FALLBACK_ENV, raising=False)
    font = fallback_font()
    if font is None:
        reason = f"no CJK fallback font installed: {FALLBACK_HINT}"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI is set but {reason}", pytrace=False)
        pytest.skip(reason)
    return font


@pytest.fixture
def cjk_pdf_font(cjk_font: FallbackFont) -> str:
    """The name the fallback font has in a PDF (its PostScript name)."""
    face = pdfmetrics.getFont(cjk_font.name).face  # a .ttc's font is suffixed with its index
    return str((face.name + face.subfontNameX).decode("ascii"))


@pytest.fixture
def no_fallback_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Configure the fallback font search to an empty folder: a station without CJK fonts."""
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv(FALLBACK_ENV, str(empty))


def make_address(name: str = "Zoë Müller", **changes: str | None) -> Address:
    fields: dict[str, Any] = {
        "company": None, "line1": "Hauptstraße 5", "line2": None, "city": "Berlin",
        "postcode": "10115", "region": None, "country": "DE", "phone": None,
    }
    fields.update(changes)
    return Address(name=name, **fields)


def make_slip(line_count: int = 4, **changes: Any) -> PackingSlip:
    base = [SlipLine("TSHIRT-BLK-M", "T-shirt black M", 2), SlipLine("GIFTSET-1", "Gift set", 1),
            SlipLine("MUG-01", "Mug", 1, indent=True), SlipLine("TEA-05", "Tea", 2, indent=True)]
    extra = [SlipLine(f"SKU-{n:03d}", f"Product {n}", n % 4 + 1) for n in range(line_count - 4)]
    slip = PackingSlip(
        order_number="SO-100234",
        placed_at=datetime(2026, 11, 21, 18, 22, 10, tzinfo=UTC),
        customer_name="Zoë Müller",
        ship_to=make_address(),
        lines=tuple((base + extra)[:line_count]),
        inserts=("Welcome card",),
        gift_message="Happy birthday!",
        notes=None,
        station_id="PACK-01",
        packed_by="Ana Silva",
        packed_at=datetime(2026, 11, 22, 14, 3, 7, tzinfo=UTC),
        package_count=1,
    )
    return replace(slip, **changes)


def make_label(**changes: Any) -> ShippingLabel:
    label = ShippingLabel(
        order_number="SO-100234", ship_to=make_address(), carrier="DHL", service="Paket",
        tracking_number="00340434161094042557", package_no=1, package_count=2,
        weight_g=1250, station_id="PACK-01",
    )
    return replace(label, **changes)


@pytest.fixture
def slip_factory() -> Callable[..., PackingSlip]:
    return make_slip


@pytest.fixture
def label_factory() -> Callable[..., ShippingLabel]:
    return make_label


@pytest.fixture
def address_factory() -> Callable[..., Address]:
    return make_address
