"""GS1-128: an SSCC tracking number (and any GS1 element string) drawn with FNC1, read back by
zxing-cpp as GS1 (`]C1`), in PDF and in ZPL."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from reportlab.pdfgen.canvas import Canvas

from printing import zpl
from printing.barcodes import code128_width, draw_code128, gs1_text, sscc_element
from printing.documents.shipping_label_zpl import render_shipping_label_zpl
from printing.model import Address, ShippingLabel

SSCC = "00340434161094042557"  # DHL's parcel number in backend-api.md: AI 00 + an SSCC
GS = "\x1d"


def _read(value: str, *, gs1: bool, dpi: float = 203) -> list[zxingcpp.Result]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(4 * 72, 6 * 72))
    draw_code128(canvas, 10, 200, value, module_dots=2, height_pt=50, gs1=gs1)
    canvas.save()
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        image = document[0].render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        document.close()
    return list(zxingcpp.read_barcodes(image))


@pytest.mark.parametrize("dpi", [203, 300])
def test_an_sscc_reads_back_as_gs1_128(dpi: float) -> None:
    [result] = _read(SSCC, gs1=True, dpi=dpi)
    assert result.symbology_identifier == "]C1"  # FNC1 first: a GS1 element string
    assert result.content_type == zxingcpp.ContentType.GS1
    assert result.bytes == SSCC.encode()
    assert result.text == "(00)340434161094042557"


def test_variable_length_fields_are_separated_by_fnc1() -> None:
    element_string = f"0104006381333931" f"10LOT7{GS}" "21SER-9"
    [result] = _read(element_string, gs1=True)
    assert result.symbology_identifier == "]C1"
    assert result.bytes == element_string.encode()
    assert result.text == "(01)04006381333931(10)LOT7(21)SER-9"


def test_the_same_digits_without_gs1_are_plain_code_128() -> None:
    [result] = _read(SSCC, gs1=False)
    assert result.symbology_identifier == "]C0" and result.text == SSCC
    assert code128_width(SSCC, gs1=True) > code128_width(SSCC)  # FNC1 takes a symbol


@pytest.mark.parametrize(("tracking", "is_sscc"), [
    (SSCC, True),
    ("00340434161094042558", False),  # wrong check digit
    ("340434161094042557", False),    # no AI 00
    ("1Z999AA10123456784", False),    # UPS
    ("0034043416109404255X", False),
])
def test_only_a_valid_sscc_with_its_ai_is_printed_as_gs1(tracking: str, is_sscc: bool) -> None:
    assert (sscc_element(tracking) is not None) is is_sscc


def test_a_bad_element_string_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="is not a GS1 element string"):
        gs1_text("99")


def test_zpl_draws_gs1_128_in_ucc_mode_with_the_ais_in_parentheses() -> None:
    command = zpl.code128(SSCC, 40, 100, 180, 2, gs1=True)
    assert command.endswith("^BCN,180,Y,N,N,D^FH\\^FD(00)340434161094042557^FS")
    assert zpl.code128_dots(SSCC, 2, gs1=True) > zpl.code128_dots(SSCC, 2)
    label = ShippingLabel("SO-100234", Address("Zoë Müller", None, "Hauptstraße 5", None, "Berlin",
                                               "10115", None, "DE", None),
                          "DHL", "Paket", SSCC, 1, 1, 712, "PACK-01")
    program = render_shipping_label_zpl(label).decode()
    assert "^BCN,180,Y,N,N,D^FH\\^FD(00)340434161094042557^FS" in program
    ups = render_shipping_label_zpl(ShippingLabel(
        "SO-1", label.ship_to, "UPS", "Ground", "1Z999AA10123456784", 1, 1, None, "PACK-01")).decode()
    assert "^BCN,180,Y,N,N,A^FH\\^FD1Z999AA10123456784^FS" in ups
