"""The status bar: scanner, backend, events waiting and printer, each green when fine, red when not.

A click on the backend or the events part opens the sync panel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from station.services.views import StatusView
from ui import style


class Part(QLabel):
    """One coloured part; a text too long for its width ends in "…" (the whole text is its tooltip)."""

    clicked = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setProperty("part", True)  # the stylesheet styles every part alike
        self.setMinimumWidth(60)  # a long text is shortened rather than widen the window
        self.setContentsMargins(12, 4, 12, 4)  # margins, not stylesheet padding: eliding measures them
        self.full_text = ""

    @property
    def ok(self) -> bool:
        return bool(self.property("ok"))

    def show_text(self, text: str, ok: bool) -> None:
        self.full_text = text
        self.setToolTip(text)
        style.set_state(self, "ok", ok)  # the stylesheet colours it: no restyle when it did not change
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()  # a label ignores presses; taking it makes the release come here

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, width))


class StatusBar(QFrame):
    """Coloured parts (the scale's only at a station with one); `render` draws one `StatusView`."""

    syncClicked = Signal()  # the backend or the events part: show the sync panel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.scanner = Part("scannerPart")
        self.backend = Part("backendPart")
        self.events = Part("eventsPart")
        self.printer = Part("printerPart")
        self.scale = Part("scalePart")
        self.scale.setVisible(False)  # shown only at a station with a scale
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(16, 4, 16, 4)
        self._layout.setSpacing(10)
        for part in (self.scanner, self.scale, self.backend, self.events, self.printer):
            self._layout.addWidget(part, 1)
        for part in (self.backend, self.events):
            part.setCursor(Qt.CursorShape.PointingHandCursor)
            part.clicked.connect(self.syncClicked)

    def parts(self) -> tuple[Part, ...]:
        """The parts shown, left to right."""
        all_parts = (self.scanner, self.scale, self.backend, self.events, self.printer)
        return tuple(part for part in all_parts if part is not self.scale or part.isVisibleTo(self))

    def render(self, status: StatusView) -> None:  # type: ignore[override]
        self.scanner.show_text(f"Scanner: {status.scanner}", status.scanner_ok)
        self.backend.show_text(f"Backend: {status.backend}", status.backend_ok)
        self.events.show_text(_events_text(status), status.dead_letters == 0)
        self.printer.show_text(f"Printer: {status.printer or 'none'}", status.printer_ok)
        self.scale.setVisible(bool(status.scale))
        self.scale.show_text(f"Scale: {status.scale}", status.scale_ok)
        for part in (self.scanner, self.scale, self.backend, self.events, self.printer):
            index = self._layout.indexOf(part)
            self._layout.setStretch(index, len(part.full_text) + 4 if part.isVisibleTo(self) else 0)


def _events_text(status: StatusView) -> str:
    text = f"Events waiting: {status.events_waiting}"
    if status.dead_letters > 0:
        text += f" · dead letters: {status.dead_letters}"
    return text
