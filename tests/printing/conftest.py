"""Shared fixtures for printing tests: rasterise PDFs, decode their barcodes, read their text."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

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
