"""Fonts: every character prints in a font that has its glyph, CJK in the installed fallback font,
and what no font can print is reported so that the station can warn on screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from printing.fonts import (
    FALLBACK_ENV,
    FallbackFont,
    fallback_font,
    fallback_font_name,
    register_fonts,
    text_runs,
    unprintable,
)

GREEK, CYRILLIC = "Ελένη Παπαδοπούλου", "Иван Петров"
CJK = "王小明 山田太郎 カタカナ 김민준"
RUNIC = "ᚠᚢ"  # neither DejaVu Sans nor a CJK font has these


def test_latin_greek_and_cyrillic_print_without_any_fallback(no_fallback_font: None) -> None:
    assert unprintable(f"Zoë Müller-Øvergård, Łódź · {GREEK} · {CYRILLIC} „Grüße“ – №5") == ""
    assert fallback_font_name() is None


def test_without_a_fallback_cjk_characters_are_reported_once_each_in_order(
    no_fallback_font: None,
) -> None:
    assert unprintable("王小明 / 山田太郎, 김민준 & Zoë, 王") == "王小明山田太郎김민준"
    regular = register_fonts().regular
    assert text_runs("Zoë 王小明", regular) == [("Zoë 王小明", regular)]  # one font: boxes


def test_with_the_fallback_only_what_no_font_has_is_reported(cjk_font: FallbackFont) -> None:
    assert unprintable(f"{CJK} {GREEK} {CYRILLIC} Zoë") == ""
    assert unprintable(f"王{RUNIC[0]}小{RUNIC}明") == RUNIC
    assert unprintable("\t\n\r\u00a0\u200b\u2028 \x00") == ""  # whitespace and controls


def test_the_fallback_covers_chinese_japanese_and_korean(cjk_font: FallbackFont) -> None:
    assert all(ord(ch) in cjk_font.glyphs for ch in CJK.replace(" ", ""))
    described = fallback_font_name()
    assert described is not None and str(cjk_font.path) in described
    assert cjk_font.family in described


def test_text_is_cut_into_runs_per_font(cjk_font: FallbackFont) -> None:
    regular = register_fonts().regular
    assert text_runs("Zoë 王小明 (Li) 김민준", regular) == [
        ("Zoë ", regular), ("王小明 ", cjk_font.name), ("(Li) ", regular), ("김민준", cjk_font.name)]
    assert text_runs(f"{GREEK} {CYRILLIC}", regular) == [(f"{GREEK} {CYRILLIC}", regular)]


def test_the_variable_names_the_fallback_file(cjk_font: FallbackFont,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FALLBACK_ENV, str(cjk_font.path))
    font = fallback_font()
    assert font is not None and font.path == cjk_font.path
    assert unprintable(CJK) == ""


def test_the_variable_names_a_folder_searched_instead_of_the_system(
    cjk_font: FallbackFont, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "fonts"
    (folder / "more").mkdir(parents=True)
    (folder / "a-broken.ttf").write_bytes(b"not a font")  # refused, then the next is tried
    (folder / "notes.txt").write_text("not a font either")
    copy = folder / "more" / f"cjk{cjk_font.path.suffix}"
    copy.symlink_to(cjk_font.path)
    monkeypatch.setenv(FALLBACK_ENV, str(folder))
    font = fallback_font()
    assert font is not None and font.path == copy
    assert unprintable(CJK) == ""


@pytest.mark.parametrize("setting", ["missing.ttf", "a-broken.ttf"])
def test_an_unusable_setting_means_no_fallback(setting: str, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    (tmp_path / "a-broken.ttf").write_bytes(b"\x00\x01\x00\x00 truncated")
    monkeypatch.setenv(FALLBACK_ENV, str(tmp_path / setting))
    assert fallback_font() is None
    assert unprintable("王 Zoë") == "王"
