"""The scan input at the bottom of the window: what a keyboard-wedge scanner or a person types into.

When the station asks for a supervisor's PIN the field hides what is typed; the PIN is never kept:
the field (and its undo history) is emptied on Enter and whenever it starts or stops hiding.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from station.services.views import ScreenState
from ui import style

# Only these are trimmed: str.strip() would also eat GS (0x1D), the GS1 separator.
TRIM = " \t\r\n"

SCAN_LABEL = "Scan or type a code"
SCAN_PLACEHOLDER = "barcode, order number or command"
LABELS = {"pin": "Supervisor PIN", "reason": "Reason (scan or type)"}
PLACEHOLDERS = {"pin": "type the PIN, then Enter", "reason": "reason code or a few words, then Enter"}


class ScanInput(QWidget):
    """A labelled line edit; Enter emits `codeEntered` with the trimmed code and clears the field."""

    codeEntered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(SCAN_LABEL)
        self.label.setObjectName("scanLabel")
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("scanInput")
        self.line_edit.setPlaceholderText(SCAN_PLACEHOLDER)
        self.line_edit.setMaxLength(512)
        self.label.setBuddy(self.line_edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 10)
        layout.addWidget(self.label)
        layout.addWidget(self.line_edit, 1)
        self.line_edit.returnPressed.connect(self._submit)

    @property
    def is_secret(self) -> bool:
        return self.line_edit.echoMode() == QLineEdit.EchoMode.Password

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        """Label, placeholder and echo for what the station asks for (`state.prompt`)."""
        kind = state.prompt.kind if state.prompt is not None else ""
        self.label.setText(LABELS.get(kind, SCAN_LABEL))
        self.line_edit.setPlaceholderText(PLACEHOLDERS.get(kind, SCAN_PLACEHOLDER))
        secret = kind == "pin"
        if secret != self.is_secret:
            self._forget()  # nothing typed crosses into hiding, nor a half-typed PIN out of it
            echo = QLineEdit.EchoMode.Password if secret else QLineEdit.EchoMode.Normal
            self.line_edit.setEchoMode(echo)
        style.set_state(self.line_edit, "secret", secret)

    def _submit(self) -> None:
        code = self.line_edit.text().strip(TRIM)
        self._forget()
        if code:
            self.codeEntered.emit(code)

    def _forget(self) -> None:
        # setText, not clear(): clear() can be undone, setText("") also drops the undo history.
        self.line_edit.setText("")
