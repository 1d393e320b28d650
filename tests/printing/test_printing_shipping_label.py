"""4x6 shipping labels: both barcodes decode at thermal resolution, long names fit."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from PIL import Image
from pypdf import PdfReader

from printing.documents.shipping_label import render_shipping_label
from printing.model import Address, ShippingLabel

Label = Callable[..., ShippingLabel]
Codes = Callable[..., list[list[str]]]
Text = Callable[[bytes], list[str]]
Pages = Callable[..., list[Image.Image]]
Fonts = Callable[[bytes, str], set[str]]
Embedded = Callable[[bytes], set[str]]


def test_page_is_4_by_6_inches(label_factory: Label) -> None:
    box = PdfReader(io.BytesIO(render_shipping_label(label_factory()))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (288, 432)


@pytest.mark.parametrize("dpi", [203, 300])
@pytest.mark.parametrize(("tracking", "read"), [
    ("00340434161094042557", "(00)340434161094042557"),  # an SSCC: GS1-128, read as a GS1 element string
    ("1Z999AA10123456784", "1Z999AA10123456784"),
    ("9400111899223197428490", "9400111899223197428490"),
])
def test_order_and_tracking_barcodes_decode(
    dpi: int, tracking: str, read: str, label_factory: Label, read_codes: Codes
) -> None:
    pdf = render_shipping_label(label_factory(order_number="SO-100234",
                                              tracking_number=tracking))
    assert read_codes(pdf, dpi=dpi) == [sorted(["SO-100234", read])]


def test_without_tracking_only_the_order_barcode(label_factory: Label, read_codes: Codes,
                                                  pdf_text: Text) -> None:
    pdf = render_shipping_label(label_factory(tracking_number=None))
    assert read_codes(pdf, dpi=203) == [["SO-100234"]]
    assert "TRACKING" not in pdf_text(pdf)[0]


def test_label_text(label_factory: Label, address_factory: Callable[..., Address],
                    pdf_text: Text) -> None:
    label = label_factory(
        ship_to=address_factory("Иван Петров", company="ООО Ромашка", line1="ул. Ленина, 1",
                                line2="кв. 5", city="Москва", postcode="101000",
                                country="RU", phone="+7 495 123-45-67"),
        carrier="DHL", service="Paket", package_no=2, package_count=3, weight_g=1250,
        notice="NO CARRIER LABEL",
    )
    (text,) = pdf_text(render_shipping_label(label))
    for expected in ("Иван Петров", "ООО Ромашка", "ул. Ленина, 1", "кв. 5", "101000 Москва",
                     "RU", "+7 495 123-45-67", "DHL", "Paket", "2 of 3", "PACKAGE",
                     "Weight 1.25 kg", "Station PACK-01", "NO CARRIER LABEL"):
        assert expected in text


def test_unknown_weight_prints_a_dash(label_factory: Label, pdf_text: Text) -> None:
    (text,) = pdf_text(render_shipping_label(label_factory(weight_g=None)))
    assert "Weight —" in text


@pytest.mark.parametrize("name", [
    "Maximilian Alexander Theodor Schwarzenbe",  # 40 characters
    "Ελένη Παπαδοπούλου-Κωνσταντινοπουλίδου Α",
    "Иван Петрович Александров-Святополкович",
    "W" * 40,
])
def test_forty_character_names_fit_the_label(
    name: str, label_factory: Label, address_factory: Callable[..., Address],
    pdf_text: Text, render_pages: Pages, read_codes: Codes
) -> None:
    assert len(name) >= 39
    pdf = render_shipping_label(label_factory(ship_to=address_factory(name)))
    assert name in pdf_text(pdf)[0].splitlines()  # whole, on one line
    (image,) = render_pages(pdf, dpi=203)
    margin = round(8 * 203 / 72)  # the outer 8 pt stay blank on every side
    for box in ((0, 0, margin, image.height), (image.width - margin, 0, image.width,
                                               image.height)):
        assert image.crop(box).getextrema() == (255, 255), box
    assert read_codes(pdf, dpi=203) == [["(00)340434161094042557", "SO-100234"]]  # the SSCC as GS1-128


def test_a_full_address_still_leaves_the_barcodes_readable(
    label_factory: Label, address_factory: Callable[..., Address], read_codes: Codes,
    pdf_text: Text
) -> None:
    address = address_factory(
        "Zoë Müller-Lüdenscheidt von Hohenzollern", company="Müller & Söhne Handels GmbH",
        line1="Hauptstraße 5, Hinterhaus, Aufgang C", line2="3. OG links, bei Familie Schmidt",
        region="Brandenburg", phone="+49 30 1234567")
    pdf = render_shipping_label(label_factory(ship_to=address, notice="NO CARRIER LABEL",
                                              tracking_number="1Z999AA10123456784"))
    assert read_codes(pdf, dpi=203) == [["1Z999AA10123456784", "SO-100234"]]
    text = pdf_text(pdf)[0]
    assert "Müller & Söhne Handels GmbH" in text and "Brandenburg" in text


def _cjk_address(address_factory: Callable[..., Address]) -> Address:
    return address_factory("王小明", company="山田商事株式会社 (カタカナ)", line1="세종대로 110",
                           line2="김민준 귀하", city="서울", postcode="04524", country="KR",
                           phone="+82 2 120")


def test_names_in_chinese_japanese_and_korean_print_in_the_fallback_font(
    label_factory: Label, address_factory: Callable[..., Address], pdf_text: Text,
    fonts_drawing: Fonts, embedded_fonts: Embedded, cjk_pdf_font: str, read_codes: Codes,
    render_pages: Pages
) -> None:
    pdf = render_shipping_label(label_factory(ship_to=_cjk_address(address_factory),
                                              carrier="ヤマト運輸", service="宅急便"))
    lines = pdf_text(pdf)[0].splitlines()
    for expected in ("王小明", "山田商事株式会社 (カタカナ)", "세종대로 110", "김민준 귀하", "04524 서울",
                     "ヤマト運輸", "宅急便"):
        assert expected in lines, expected
    for cjk in ("王小明", "山田商事株式会社", "세종대로", "김민준", "서울", "ヤマト運輸"):
        assert fonts_drawing(pdf, cjk) == {cjk_pdf_font}, cjk
    assert embedded_fonts(pdf) == {"DejaVuSans", "DejaVuSans-Bold", cjk_pdf_font}
    assert read_codes(pdf, dpi=203) == [["(00)340434161094042557", "SO-100234"]]  # the SSCC as GS1-128
    (image,) = render_pages(pdf, dpi=203)
    margin = round(8 * 203 / 72)
    for box in ((0, 0, margin, image.height), (image.width - margin, 0, image.width,
                                               image.height)):
        assert image.crop(box).getextrema() == (255, 255), box


def test_a_long_cjk_name_shrinks_to_fit_in_the_fallback_font(
    label_factory: Label, address_factory: Callable[..., Address], pdf_text: Text,
    cjk_font: object, render_pages: Pages
) -> None:
    name = "欧阳娜娜 山田花子 김민준 王小明 カタカナ商事株式会社"
    pdf = render_shipping_label(label_factory(ship_to=address_factory(name)))
    assert name in pdf_text(pdf)[0].replace("\n", " ")  # whole, perhaps over two lines
    (image,) = render_pages(pdf, dpi=203)
    margin = round(8 * 203 / 72)
    assert image.crop((image.width - margin, 0, image.width, image.height)).getextrema() == (255, 255)


def test_the_fallback_font_is_embedded_only_when_a_name_needs_it(
    label_factory: Label, address_factory: Callable[..., Address], embedded_fonts: Embedded,
    cjk_font: object
) -> None:
    pdf = render_shipping_label(label_factory(ship_to=address_factory("Ελένη Иванова")))
    assert embedded_fonts(pdf) == {"DejaVuSans", "DejaVuSans-Bold"}


def test_without_a_cjk_font_the_label_still_prints(
    label_factory: Label, address_factory: Callable[..., Address], no_fallback_font: None,
    read_codes: Codes, pdf_text: Text, embedded_fonts: Embedded
) -> None:
    pdf = render_shipping_label(label_factory(ship_to=_cjk_address(address_factory)))
    assert read_codes(pdf, dpi=203) == [["(00)340434161094042557", "SO-100234"]]  # the SSCC as GS1-128
    assert "+82 2 120" in pdf_text(pdf)[0]
    assert embedded_fonts(pdf) == {"DejaVuSans", "DejaVuSans-Bold"}


def test_us_addresses_put_the_city_first(label_factory: Label,
                                         address_factory: Callable[..., Address],
                                         pdf_text: Text) -> None:
    address = address_factory("John Smith", line1="742 Evergreen Terrace", city="Springfield",
                              region="IL", postcode="62704", country="US")
    (text,) = pdf_text(render_shipping_label(label_factory(ship_to=address)))
    assert "Springfield, IL 62704" in text
