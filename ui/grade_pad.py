"""The grade pad: big touch buttons for the grades and the defect toggles of the unit under inspection.

A press submits the very command a scan of the barcode would (`GRADE-B`, `DEFECT-SCRATCHED`), with
source "touch"; the screen changes only when the core publishes the new state. The buttons never
take the keyboard focus: it stays on the scan input.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from station.domain.scan import Scan
from station.services.views import InspectionView
from ui import style

Submit = Callable[[Scan], None]

# The grades (events.md) and the few words under each letter.
GRADES: tuple[tuple[str, str], ...] = (
    ("A", "New"),
    ("B", "Like new"),
    ("C", "Used"),
    ("D", "Damaged"),
    ("X", "Unsellable"),
)
GRADE_BUTTON_HEIGHT = 70
DEFECT_COLUMNS = 2
DEFECT_HEIGHT = 34
MARK_ON, MARK_OFF = "☑", "☐"


def grade_code(letter: str) -> str:
    """The command barcode for a grade: "GRADE-B"."""
    return f"GRADE-{letter}"


def defect_code(defect: str) -> str:
    """The command barcode for a defect (scanning.md, `-` for `_`): "DEFECT-PACKAGING-DAMAGED"."""
    return f"DEFECT-{defect.upper().replace('_', '-')}"


def defect_name(defect: str) -> str:
    """ "packaging_damaged" → "Packaging damaged"."""
    return defect.replace("_", " ").capitalize()


def _no_focus(button: QPushButton) -> QPushButton:
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keystrokes belong to the scan input
    button.setAutoDefault(False)
    return button


class GradeButton(QPushButton):
    """A grade's letter, large, over its meaning; highlighted when it is the unit's grade."""

    def __init__(self, letter: str, meaning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradeButton")
        self.code = grade_code(letter)
        self.setAccessibleName(f"Grade {letter}: {meaning}")
        self.setMinimumHeight(GRADE_BUTTON_HEIGHT)
        self.letter = _label(letter, "gradeLetter")
        self.meaning = _label(meaning, "gradeMeaning")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 4)
        layout.setSpacing(0)
        layout.addWidget(self.letter)
        layout.addWidget(self.meaning)
        _no_focus(self)

    @property
    def is_current(self) -> bool:
        return bool(self.property("current"))

    def set_current(self, current: bool) -> None:
        for widget in (self, self.letter, self.meaning):
            style.set_state(widget, "current", current)


class DefectToggle(QPushButton):
    """One defect: ☑ and filled when the unit has it, ☐ when not. Pressing asks the core to toggle it."""

    def __init__(self, defect: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("defectToggle")
        self.defect = defect
        self.code = defect_code(defect)
        self.setMinimumHeight(DEFECT_HEIGHT)
        # A long (configured) defect name is cut at the column's edge rather than widen the panel.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        _no_focus(self)

    @property
    def is_on(self) -> bool:
        return bool(self.property("on"))

    def set_on(self, on: bool) -> None:
        self.setText(f"{MARK_ON if on else MARK_OFF} {defect_name(self.defect)}")
        style.set_state(self, "on", on)


class GradePad(QWidget):
    """The five grade buttons in a row over the defect toggles in two columns."""

    def __init__(self, submit: Submit | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.submit = submit
        self.grade_buttons = [GradeButton(letter, meaning) for letter, meaning in GRADES]
        self.defect_toggles: list[DefectToggle] = []
        grades = QHBoxLayout()
        grades.setSpacing(6)
        for button in self.grade_buttons:
            button.clicked.connect(lambda _=False, code=button.code: self._press(code))
            grades.addWidget(button)
        self._defects = QGridLayout()
        self._defects.setHorizontalSpacing(8)
        self._defects.setVerticalSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(grades)
        layout.addLayout(self._defects)

    def render(self, unit: InspectionView) -> None:  # type: ignore[override]
        for button in self.grade_buttons:
            button.set_current(button.code == grade_code(unit.grade or ""))
        defects = (*unit.all_defects, *(d for d in unit.defects if d not in unit.all_defects))
        self._ensure_toggles(defects)
        for toggle in self.defect_toggles:
            toggle.set_on(toggle.defect in unit.defects)

    def current_grade(self) -> str | None:
        return next((b.letter.text() for b in self.grade_buttons if b.is_current), None)

    def _ensure_toggles(self, defects: tuple[str, ...]) -> None:
        """One toggle per defect, in that order; rebuilt only when the list of defects changes."""
        if tuple(toggle.defect for toggle in self.defect_toggles) == defects:
            return
        for toggle in self.defect_toggles:
            self._defects.removeWidget(toggle)
            toggle.deleteLater()
        self.defect_toggles = [DefectToggle(defect) for defect in defects]
        for index, toggle in enumerate(self.defect_toggles):
            toggle.clicked.connect(lambda _=False, code=toggle.code: self._press(code))
            self._defects.addWidget(toggle, index // DEFECT_COLUMNS, index % DEFECT_COLUMNS)

    def _press(self, code: str) -> None:
        if self.submit is not None:
            self.submit(Scan(code, source="touch"))


def _label(text: str, name: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)  # the stylesheet sizes it by name
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the press is the button's
    return label
