"""A stand-in screen for modes that have no screen in this window yet (returns, hand-over)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from station.services.views import ScreenState
from ui.message_area import MessageArea


class PlaceholderScreen(QWidget):
    """The message area (feedback still shows) over one sentence saying where the work is done."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_area = MessageArea()
        self.text = QLabel(text)
        self.text.setObjectName("placeholder")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(self.message_area)
        layout.addWidget(self.text, 1)

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        self.message_area.render(state)

    def flash(self) -> None:
        self.message_area.flash()
