"""The top bar: which station this is, who is signed in, and the mode in big type.

A signed-in supervisor also gets a button into hand-over mode (and back to packing): it submits the
command barcode a scan would, with source "touch"; and Reports, Audit and Settings buttons
(`reportsClicked`, `auditClicked`, `settingsClicked`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from station.domain.scan import Scan
from station.services.views import ScreenState
from ui.checklist import ElidedLabel

MODE_NAMES = {"pack": "PACKING", "returns": "RETURNS", "handover": "HAND-OVER"}
MODE_BUTTON_STYLE = ("QPushButton { font-size: 16pt; font-weight: bold; color: #263238; background: #ffffff;"
                     " border-radius: 8px; padding: 4px 16px; } QPushButton:pressed { background: #bbdefb; }")


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
        self.mode_button = QPushButton()
        self.mode_button.setObjectName("modeButton")
        self.mode_button.setStyleSheet(MODE_BUTTON_STYLE)
        self.mode_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan input keeps the focus
        self.mode_button.setVisible(False)
        self.mode_button.clicked.connect(self._switch)
        self.reports_button = QPushButton("Reports")
        self.reports_button.setObjectName("reportsButton")
        self.reports_button.setStyleSheet(MODE_BUTTON_STYLE)
        self.reports_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.reports_button.setVisible(False)
        self.reports_button.clicked.connect(self.reportsClicked)
        self.audit_button = _panel_button("Audit", "auditButton", self.auditClicked)
        self.settings_button = _panel_button("Settings", "settingsButton", self.settingsClicked)
        self.station = QLabel()
        self.station.setObjectName("station")
        self.operator = ElidedLabel("operator")  # a long name ends in "…" rather than widen the window
        self.operator.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mode = QLabel()
        self.mode.setObjectName("mode")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.station)
        layout.addWidget(self.operator, 1)
        layout.addWidget(self.reports_button)
        layout.addWidget(self.audit_button)
        layout.addWidget(self.settings_button)
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
        for button in (self.reports_button, self.audit_button, self.settings_button):
            button.setVisible(supervisor)
        self.mode_button.setText("Back to packing" if state.mode == "handover" else "Hand-over")
        self.mode_button.setProperty("command", "CMD-MODE-PACK" if state.mode == "handover"
                                     else "CMD-MODE-HANDOVER")

    def _switch(self) -> None:
        if self._submit is not None:
            self._submit(Scan(str(self.mode_button.property("command")), source="touch"))


def _panel_button(text: str, name: str, clicked: SignalInstance) -> QPushButton:
    """A supervisor's button that opens a panel; it never takes the scan input's focus."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setStyleSheet(MODE_BUTTON_STYLE)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setVisible(False)
    button.clicked.connect(clicked)
    return button
