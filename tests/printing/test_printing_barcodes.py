"""Code 128 drawing: decodable by zxing-cpp, whole 203 dpi dots, quiet zones, vector only."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from printing.barcodes import (
    DOT_PT,
    QUIET_MODULES,
    code128_height,
    code128_pattern,
    code128_width,
    draw_code128,
    fit_module_dots,
)
from printing.fonts import BOLD, REGULAR, register_fonts

VALUES = [
    "SO-100234", "00340434161094042557", "1Z999AA10123456784", "A", "1", "12345",
    "123ABC", "AB12345", "abc123def4567", "RMA-5001", "LPN-001-000123", "hello world",
    "~^!@#$%&*()_+{}|:<>?", "9612019950078971234567",
]
PAGE = (4 * 72, 6 * 72)  # whole dots at 203 dpi: 812 x 1218


def _one_per_page(values: list[str], module_dots: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE)
    for value in values:
        draw_code128(canvas, 10, 200, value, module_dots=module_dots, height_pt=50)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("module_dots", [2, 3])
def test_every_value_decodes_to_itself(
    module_dots: int, read_codes: Callable[..., list[list[str]]]
) -> None:
    values = [v for v in VALUES if code128_width(v, module_dots=module_dots) <= PAGE[0] - 20]
    pdf = _one_per_page(values, module_dots)
    assert read_codes(pdf, dpi=203) == [[value] for value in values]
    assert read_codes(pdf, dpi=300) == [[value] for value in values]


@pytest.mark.parametrize("module_dots", [2, 3])
def test_bars_are_whole_dots_with_quiet_zones_at_203_dpi(
    module_dots: int, render_pages: Callable[..., list[Image.Image]]
) -> None:
    value = "SO-100234"
    x_pt = 10.0
    (image,) = render_pages(_one_per_page([value], module_dots), dpi=203)
    row = [image.getpixel((x, image.height - round(225 * 203 / 72))) for x in
           range(image.width)]
    dark = [isinstance(p, int) and p < 128 for p in row]
    first, last = dark.index(True), len(dark) - 1 - dark[::-1].index(True)
    runs: list[int] = []
    count = 1
    for left, right in zip(dark[first:last], dark[first + 1:last + 1], strict=True):
        if left == right:
            count += 1
        else:
            runs.append(count)
            count = 1
    runs.append(count)
    assert all(run % module_dots == 0 for run in runs), runs
    assert sum(runs) == len(code128_pattern(value)) * module_dots
    assert first >= round(x_pt / DOT_PT) + QUIET_MODULES * module_dots
    right_edge = round((x_pt + code128_width(value, module_dots=module_dots)) / DOT_PT)
    assert last + QUIET_MODULES * module_dots <= right_edge


def test_bars_are_vector_rectangles_not_images() -> None:
    reader = PdfReader(io.BytesIO(_one_per_page(["SO-100234"], 2)))
    resources = reader.pages[0].get("/Resources") or {}
    assert "/XObject" not in resources


def test_width_counts_modules_and_both_quiet_zones() -> None:
    modules = len(code128_pattern("SO-100234")) + 2 * QUIET_MODULES
    assert code128_width("SO-100234", module_dots=2) == pytest.approx(modules * 2 * DOT_PT)
    assert code128_width("SO-100234", module_dots=3) == pytest.approx(modules * 3 * DOT_PT)


def test_draw_returns_its_width_and_height_adds_the_text_band() -> None:
    canvas = Canvas(io.BytesIO(), pagesize=PAGE)
    width = draw_code128(canvas, 0, 0, "RMA-5001", module_dots=3, text=False)
    assert width == pytest.approx(code128_width("RMA-5001", module_dots=3))
    assert code128_height(height_pt=40, text=False) == 40
    assert code128_height(height_pt=40, text=True, font_size=10) > 50


def test_fit_module_dots_prefers_wide_modules_and_refuses_what_cannot_fit() -> None:
    value = "1Z999AA10123456784"
    assert fit_module_dots(value, 1000) == 3
    assert fit_module_dots(value, code128_width(value, module_dots=2)) == 2
    with pytest.raises(ValueError, match="too long"):
        fit_module_dots(value, 50)


@pytest.mark.parametrize("value", ["", "Zoë", "李雷"])
def test_unencodable_values_are_refused_clearly(value: str) -> None:
    with pytest.raises(ValueError, match="Code 128"):
        code128_pattern(value)


def test_module_width_must_be_a_whole_positive_number_of_dots() -> None:
    with pytest.raises(ValueError, match="module_dots"):
        code128_width("A", module_dots=0)


def test_fonts_register_once_from_many_threads() -> None:
    results = []

    def register() -> None:
        results.append(register_fonts())

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {(names.regular, names.bold) for names in results} == {(REGULAR, BOLD)}
    assert register_fonts() == results[0]
