"""The top bar: the station, who is signed in, the mode in big type; for a supervisor, a hand-over (and back)
button submitting the command barcode as a "touch" scan, and a "Supervisor ▾" menu of the Reports, Audit
trail and Settings screens (`reportsClicked`, `auditClicked`, `settingsClicked`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from station.domain.scan import Scan
from station.services.views import ScreenState
from ui.checklist import ElidedLabel

MODE_NAMES = {"pack": "PACKING", "returns": "RETURNS", "handover": "HAND-OVER"}
BUTTON_HEIGHT = 44  # a finger's target; the bar keeps its height (the mode's label sets it)
MODE_BUTTON_STYLE = ("QPushButton { font-size: 16pt; font-weight: bold; color: #263238; background: #ffffff;"
                     " border-radius: 8px; padding: 4px 16px; } QPushButton:pressed { background: #bbdefb; }")
# Entries as tall as the buttons, for a finger: the menu drops under its button and closes on a tap.
MENU_STYLE = ("QMenu { font-size: 18pt; font-weight: bold; background: #ffffff; border: 2px solid #263238;"
              " padding: 4px; } QMenu::item { padding: 14px 40px 14px 20px; color: #263238; }"
              " QMenu::item:selected { background: #bbdefb; }")
SUPERVISOR_ENTRIES = (("Reports", "reportsClicked"), ("Audit trail", "auditClicked"),
                      ("Settings", "settingsClicked"))


class TopBar(QFrame):
    """Station id on the left, operator in the middle, mode on the right."""

    reportsClicked = Signal()
    auditClicked = Signal()
    settingsClicked = Signal()

    def __init__(self, parent: QWidget | None = None, *,
                 submit: Callable[[Scan], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self._submit = submit
        self.mode_button = _bar_button("", "modeButton")
        self.mode_button.clicked.connect(self._switch)
        self.supervisor_button = _bar_button("Supervisor ▾", "supervisorButton")
        self.supervisor_button.setToolTip("Reports, the audit trail and the station's settings")
        self.supervisor_menu = QMenu(self)
        self.supervisor_menu.setObjectName("supervisorMenu")
        self.supervisor_menu.setStyleSheet(MENU_STYLE)
        self.supervisor_actions: dict[str, QAction] = {}
        for text, signal in SUPERVISOR_ENTRIES:
            self.supervisor_actions[text] = _entry(self.supervisor_menu, text, getattr(self, signal))
        self.supervisor_button.clicked.connect(self.show_supervisor_menu)
        self.station = QLabel()
        self.station.setObjectName("station")
        self.operator = ElidedLabel("operator")  # a long name ends in "…" rather than widen the window
        self.operator.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mode = QLabel()
        self.mode.setObjectName("mode")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 4, 16, 4)
        layout.addWidget(self.station)
        layout.addWidget(self.operator, 1)
        layout.addWidget(self.supervisor_button)
        layout.addSpacing(8)
        layout.addWidget(self.mode_button)
        layout.addSpacing(12)
        layout.addWidget(self.mode)

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        self.station.setText(f"Station {state.station_id}")
        operator = state.operator
        self.operator.show_text(f"{operator.name} ({operator.role})" if operator else "not signed in")
        self.mode.setText(MODE_NAMES.get(state.mode, state.mode.upper()))
        supervisor = operator is not None and operator.role == "supervisor"
        self.mode_button.setVisible(supervisor and self._submit is not None)
        self.supervisor_button.setVisible(supervisor)
        if not supervisor:
            self.supervisor_menu.close()  # signed out (or a packer now) while it was open
        self.mode_button.setText("To packing" if state.mode == "handover" else "Hand-over")
        self.mode_button.setProperty("command", "CMD-MODE-PACK" if state.mode == "handover"
                                     else "CMD-MODE-HANDOVER")

    def show_supervisor_menu(self) -> None:
        """Drop the menu under its button; it never blocks: scans go on reaching the core meanwhile."""
        button = self.supervisor_button
        self.supervisor_menu.setMinimumWidth(button.width())
        self.supervisor_menu.popup(button.mapToGlobal(QPoint(0, button.height())))

    def _switch(self) -> None:
        if self._submit is not None:
            self._submit(Scan(str(self.mode_button.property("command")), source="touch"))


def _bar_button(text: str, name: str) -> QPushButton:
    """A supervisor's button, hidden until one signs in; it never takes the scan input's focus."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setStyleSheet(MODE_BUTTON_STYLE)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setMinimumHeight(BUTTON_HEIGHT)
    button.setVisible(False)
    return button


def _entry(menu: QMenu, text: str, chosen: SignalInstance) -> QAction:
    action = menu.addAction(text)
    action.triggered.connect(chosen)
    return action
