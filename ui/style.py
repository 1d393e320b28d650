"""The look of the station: colours per feedback level, font sizes and the one stylesheet.

Readable from two metres: large DejaVu Sans (Latin, Greek, Cyrillic), high contrast, no subtle greys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
FONT_FAMILY = "DejaVu Sans"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")

BASE_PT = 16
HEADER_PT = 28
ORDER_NUMBER_PT = 40
MESSAGE_PT = 34
DETAIL_PT = 18
PROMPT_PT = 22  # the station's question under other feedback


@dataclass(frozen=True)
class Palette:
    """Background, text, and the stronger background shown for a moment on new feedback."""

    background: str
    text: str
    flash: str


LEVELS: dict[str, Palette] = {
    "ok": Palette("#1b7f3b", "#ffffff", "#00c853"),
    "error": Palette("#c62828", "#ffffff", "#ff1744"),
    "warn": Palette("#ffb300", "#000000", "#ffea00"),
    "info": Palette("#455a64", "#ffffff", "#78909c"),
    "idle": Palette("#455a64", "#ffffff", "#78909c"),
}

DONE_ROW = "#a5d6a7"  # a completed line in the table
OK_PART = "#1b7f3b"
BAD_PART = "#c62828"
WARN_PART = "#ffb300"  # amber: a mismatch a supervisor approved
NEUTRAL_PART = "#cfd8dc"  # not weighed, or nothing to compare with
NEXT_ROW = "#bbdefb"  # the next pending insert: what CMD-SKIP-INSERT would skip
SKIPPED_ROW = "#e0e0e0"
FOCUS = "#1565c0"

STYLESHEET = f"""
QWidget {{ font-family: "{FONT_FAMILY}"; font-size: {BASE_PT}pt; color: #111111; }}
QMainWindow, QWidget#central {{ background: #eceff1; }}
QFrame#topBar {{ background: #263238; }}
QFrame#topBar QLabel {{ color: #ffffff; font-size: 20pt; }}
QLabel#mode {{ font-size: {HEADER_PT}pt; font-weight: bold; color: #ffffff;
    background: #37474f; border-radius: 8px; padding: 2px 18px; }}
QLabel#message {{ font-size: {MESSAGE_PT}pt; font-weight: bold; }}
QLabel#detail {{ font-size: {DETAIL_PT}pt; }}
QLabel#orderNumber {{ font-size: {ORDER_NUMBER_PT}pt; font-weight: bold; }}
QLabel#progress {{ font-size: {HEADER_PT + 4}pt; font-weight: bold; }}
QLabel#customer {{ font-size: 22pt; font-weight: bold; }}
QLabel#shipTo {{ font-size: 18pt; }}
QLabel#carrier {{ font-size: 20pt; font-weight: bold; }}
QLabel#packageWeight {{ font-size: 20pt; font-weight: bold; }}
QLabel#liveWeight {{ font-size: 24pt; font-weight: bold; padding: 2px 10px; border-radius: 6px; }}
QLabel#liveWeight[state="stable"] {{ background: #1b7f3b; color: #ffffff; }}
QLabel#liveWeight[state="moving"] {{ background: #ffb300; color: #111111; }}
QLabel#liveWeight[state="error"] {{ background: #c62828; color: #ffffff; }}
QLabel#gift, QLabel#notes {{ font-size: 18pt; background: #fff3c4; border: 2px solid #ffb300;
    border-radius: 6px; padding: 2px 10px; }}
QLabel#documents {{ font-size: 14pt; color: #37474f; }}
QTableWidget {{ font-size: 18pt; background: #ffffff; gridline-color: #b0bec5;
    border: 1px solid #90a4ae; }}
QHeaderView::section {{ font-size: 16pt; font-weight: bold; background: #cfd8dc;
    padding: 4px 8px; border: none; border-right: 1px solid #90a4ae; }}
QProgressBar {{ border: 1px solid #90a4ae; border-radius: 4px; background: #ffffff; }}
QProgressBar::chunk {{ background: {OK_PART}; }}
QLabel#scanLabel {{ font-size: 18pt; font-weight: bold; }}
QLineEdit#scanInput {{ font-size: 24pt; padding: 6px 10px; background: #ffffff;
    border: 3px solid #263238; border-radius: 6px; }}
QLineEdit#scanInput:focus {{ border: 3px solid #1565c0; }}
QLineEdit#scanInput[secret="true"] {{ background: #fff8e1; border: 3px solid #ff8f00; }}
QLabel#promptLine {{ font-size: {PROMPT_PT}pt; font-weight: bold; border: 2px solid; border-radius: 8px;
    padding: 0px 12px; }}
QFrame#checklist {{ background: #ffffff; border: 1px solid #90a4ae; }}
QLabel#checklistTitle {{ font-size: 16pt; font-weight: bold; background: #cfd8dc; padding: 4px 8px; }}
QScrollArea#checklistScroll, QWidget#checklistRows {{ background: #ffffff; border: none; }}
QFrame#insertRow {{ background: #ffffff; border-bottom: 1px solid #b0bec5; }}
QFrame#insertRow[state="next"] {{ background: {NEXT_ROW}; border-left: 6px solid {FOCUS}; }}
QFrame#insertRow[state="done"] {{ background: {DONE_ROW}; }}
QFrame#insertRow[state="skipped"] {{ background: {SKIPPED_ROW}; }}
QFrame#insertRow QLabel {{ font-size: 16pt; background: transparent; }}
QLabel#insertMark {{ font-weight: bold; }}
QLabel#insertMark[state="next"] {{ color: {FOCUS}; }}
QLabel#insertMark[state="done"] {{ color: {OK_PART}; }}
QLabel#insertName[state="next"], QLabel#insertCount[state="next"] {{ font-weight: bold; }}
QLabel#insertName[state="skipped"], QLabel#insertCount[state="skipped"],
QLabel#insertMark[state="skipped"] {{ color: #424242; }}
QLabel#insertCount[state="skipped"] {{ font-style: italic; }}
QLabel#insertName[state="skipped"] {{ text-decoration: line-through; }}
QFrame#packageCard {{ background: #eceff1; border: 2px solid #90a4ae; border-radius: 8px; }}
QFrame#packageCard[open="true"] {{ background: #ffffff; border: 4px solid {FOCUS}; }}
QFrame#packageCard QLabel {{ font-size: 16pt; background: transparent; border: none; }}
QLabel#packageTitle[open="true"] {{ font-weight: bold; }}
QFrame#packageCard QLabel#cardWeight {{ font-weight: bold; border-radius: 6px; background: {NEUTRAL_PART}; }}
QFrame#packageCard QLabel#cardWeight[state="ok"] {{ background: {OK_PART}; color: #ffffff; }}
QFrame#packageCard QLabel#cardWeight[state="bad"] {{ background: {BAD_PART}; color: #ffffff; }}
QFrame#packageCard QLabel#cardWeight[state="approved"] {{ background: {WARN_PART}; color: #111111; }}
QLabel[part="true"] {{ font-size: 14pt; font-weight: bold; color: #ffffff; border-radius: 6px;
    background: {BAD_PART}; }}
QLabel[part="true"][ok="true"] {{ background: {OK_PART}; }}
"""

# -- returns ---------------------------------------------------------------------------------------
# Each disposition's colour (background, text): where the unit goes, at a glance.
DISPOSITIONS: dict[str, tuple[str, str]] = {
    "RESTOCK": ("#1b7f3b", "#ffffff"),  # green: back on the shelf
    "REFURBISH": ("#1565c0", "#ffffff"),  # blue
    "RESALE_HOLD": ("#ffb300", "#111111"),  # amber
    "RETURN_TO_VENDOR": ("#6a1b9a", "#ffffff"),  # purple
    "DISPOSE": ("#7b5454", "#ffffff"),  # red-grey
}
UNKNOWN_DISPOSITION = (NEUTRAL_PART, "#111111")
WRONG_ITEM = ("#c62828", "#ffffff")  # loud red: a serial or lot that was not shipped
NOT_ON_RMA = ("#ffe082", "#111111")  # a unit the customer did not announce
DEFECT_ON = "#e65100"
RETURNS_HEADER_PT = 14  # the returns tables' column headers: the columns keep their room for the cells

RETURNS_STYLESHEET = f"""
QLabel#rmaNumber {{ font-size: 28pt; font-weight: bold; }}
QLabel#resolution {{ font-size: 20pt; font-weight: bold; }}
QLabel#returnCustomer {{ font-size: 18pt; font-weight: bold; }}
QLabel#returnOrder, QLabel#receivedCount {{ font-size: 17pt; }}
QTableWidget#rmaLines, QTableWidget#returnUnits {{ font-size: 16pt; }}
QTableWidget#rmaLines QHeaderView::section, QTableWidget#returnUnits QHeaderView::section {{
    font-size: {RETURNS_HEADER_PT}pt; }}
QLabel#returnsEmpty {{ font-size: 20pt; color: #37474f; padding: 12px 0px; }}
QFrame#inspection {{ background: #ffffff; border: 3px solid {FOCUS}; border-radius: 10px; }}
QFrame#inspection QLabel {{ background: transparent; border: none; }}
QLabel#unitName {{ font-size: 20pt; font-weight: bold; }}
QLabel#unitSku {{ font-size: 16pt; }}
QLabel#unitExpected {{ font-size: 15pt; font-weight: bold; border-radius: 6px; padding: 1px 10px; }}
QFrame#inspection QLabel#unitExpected[state="expected"] {{ background: {DONE_ROW}; color: #111111; }}
QFrame#inspection QLabel#unitExpected[state="unexpected"] {{ background: {NOT_ON_RMA[0]};
    color: {NOT_ON_RMA[1]}; border: 2px solid #111111; }}
QFrame#inspection QLabel#wrongItem {{ font-size: 15pt; font-weight: bold; background: {WRONG_ITEM[0]};
    color: {WRONG_ITEM[1]}; border-radius: 6px; padding: 4px 10px; }}
QLabel#unitGrade {{ font-size: 20pt; font-weight: bold; }}
QLabel#unitDisposition {{ font-size: 17pt; font-weight: bold; border-radius: 6px; padding: 2px 12px; }}
QPushButton#gradeButton {{ background: #ffffff; border: 2px solid #37474f; border-radius: 8px; }}
QPushButton#gradeButton:pressed {{ background: #bbdefb; }}
QPushButton#gradeButton[current="true"] {{ background: {FOCUS}; border: 2px solid #0d2c54; }}
QLabel#gradeLetter {{ font-size: 28pt; font-weight: bold; }}
QLabel#gradeMeaning {{ font-size: 11pt; }}
QPushButton#gradeButton[current="true"] QLabel {{ color: #ffffff; }}
QPushButton#defectToggle {{ font-size: 13pt; text-align: left; padding: 2px 6px; background: #ffffff;
    border: 2px solid #90a4ae; border-radius: 6px; color: #37474f; }}
QPushButton#defectToggle:pressed {{ background: #ffe0b2; }}
QPushButton#defectToggle[on="true"] {{ background: {DEFECT_ON}; border: 2px solid #8a2e00;
    color: #ffffff; }}
"""
# The disposition badge of the unit under inspection, in its disposition's colours (neutral for none).
RETURNS_STYLESHEET += f"""
QFrame#inspection QLabel#unitDisposition {{ background: {UNKNOWN_DISPOSITION[0]};
    color: {UNKNOWN_DISPOSITION[1]}; }}
""" + "".join(f"""QFrame#inspection QLabel#unitDisposition[disposition="{name}"] {{ background: {background};
    color: {text}; }}
""" for name, (background, text) in DISPOSITIONS.items())
STYLESHEET += RETURNS_STYLESHEET


def disposition_colours(disposition: str | None) -> tuple[str, str]:
    """(background, text) for a disposition; neutral for none or one this station does not know."""
    return DISPOSITIONS.get(disposition or "", UNKNOWN_DISPOSITION)


def message_style(background: str, text: str) -> str:
    """The message area's own stylesheet for one colour."""
    return (
        f"QFrame#messageArea {{ background: {background}; border-radius: 12px; }}"
        f" QLabel {{ color: {text}; background: transparent; }}"
        f" QLabel#promptLine {{ border-color: {text}; }}"
    )


def set_state(widget: QWidget, name: str, value: str | bool) -> None:
    """Set a property the stylesheet selects on, and restyle the widget when it changed."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def load_fonts() -> None:
    """Make DejaVu Sans available even where the system lacks it (idempotent)."""
    if FONT_FAMILY in QFontDatabase.families():
        return
    for name in FONT_FILES:
        QFontDatabase.addApplicationFont(str(RESOURCES / "fonts" / name))


def apply_style(app: QApplication) -> None:
    """Load the fonts, then set the application font and stylesheet."""
    load_fonts()
    app.setFont(QFont(FONT_FAMILY, BASE_PT))
    app.setStyleSheet(STYLESHEET)
