"""Command barcode sheets: every command decodes, meanings print, pages are numbered."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from pypdf import PdfReader

from printing.documents.command_sheet import render_command_sheet

Codes = Callable[..., list[list[str]]]
Text = Callable[[bytes], list[str]]

COMMANDS = [
    ("CMD-COMPLETE", "Complete the order"), ("CMD-CANCEL", "Cancel the current step"),
    ("CMD-UNDO", "Undo the last scan"), ("CMD-NEW-PACKAGE", "Start a new package"),
    ("CMD-REPRINT-LABEL", "Reprint the shipping label"), ("CMD-HOLD", "Put the order on hold"),
    ("CMD-SKIP-INSERT", "Skip the insert (out of stock)"), ("CMD-LOGOUT", "Log out"),
]


def test_every_command_decodes_and_is_explained(read_codes: Codes, pdf_text: Text) -> None:
    pdf = render_command_sheet(COMMANDS)
    assert read_codes(pdf, dpi=300) == [sorted(code for code, _ in COMMANDS)]
    (text,) = pdf_text(pdf)
    assert "Command barcodes" in text and "page 1 of 1" in text
    for code, meaning in COMMANDS:
        assert code in text and meaning in text


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_many_commands_run_over_numbered_pages(paper: str, read_codes: Codes,
                                               pdf_text: Text) -> None:
    commands = [(f"CMD-{n:03d}", f"Command number {n}") for n in range(30)]
    pdf = render_command_sheet(commands, paper, title="Returns commands")
    pages = pdf_text(pdf)
    assert len(pages) >= 3
    decoded = read_codes(pdf, dpi=203)
    assert sorted(code for page in decoded for code in page) == [c for c, _ in commands]
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in text
        assert "Returns commands" in text


def test_long_meanings_wrap_and_unicode_prints(pdf_text: Text) -> None:
    meaning = "Grade the returned item as damaged — Ελαττωματικό / Брак, and print its label"
    (text,) = pdf_text(render_command_sheet([("CMD-GRADE-D", meaning)]))
    assert "Ελαττωματικό" in text and "Брак" in text


def test_letter_paper_size() -> None:
    box = PdfReader(io.BytesIO(render_command_sheet(COMMANDS, "Letter"))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)


def test_a_code_too_long_to_scan_is_refused() -> None:
    with pytest.raises(ValueError, match="too long"):
        render_command_sheet([("CMD-" + "X" * 60, "far too long")])


def test_cjk_meanings_print_in_the_fallback_font(
    pdf_text: Text, fonts_drawing: Callable[[bytes, str], set[str]], cjk_pdf_font: str,
    read_codes: Codes
) -> None:
    pdf = render_command_sheet([("CMD-COMPLETE", "Complete the order / 完成订单 / 주문 완료")],
                               title="コマンド")
    (text,) = pdf_text(pdf)
    assert "完成订单" in text and "주문 완료" in text and "コマンド" in text
    assert fonts_drawing(pdf, "完成订单") == {cjk_pdf_font}
    assert read_codes(pdf, dpi=203) == [["CMD-COMPLETE"]]
