"""The top bar: which station this is, who is signed in, and the mode in big type."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from station.services.views import ScreenState

MODE_NAMES = {"pack": "PACKING", "returns": "RETURNS", "handover": "HAND-OVER"}


class TopBar(QFrame):
    """Station id on the left, operator in the middle, mode on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topBar")
        self.station = QLabel()
        self.station.setObjectName("station")
        self.operator = QLabel()
        self.operator.setObjectName("operator")
        self.operator.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.mode = QLabel()
        self.mode.setObjectName("mode")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.station)
        layout.addWidget(self.operator, 1)
        layout.addWidget(self.mode)

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        self.station.setText(f"Station {state.station_id}")
        operator = state.operator
        self.operator.setText(f"{operator.name} ({operator.role})" if operator else "not signed in")
        self.mode.setText(MODE_NAMES.get(state.mode, state.mode.upper()))
