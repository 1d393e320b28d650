"""The scan input at the bottom of the window: what a keyboard-wedge scanner or a person types into."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

# Only these are trimmed: str.strip() would also eat GS (0x1D), the GS1 separator.
TRIM = " \t\r\n"


class ScanInput(QWidget):
    """A labelled line edit; Enter emits `codeEntered` with the trimmed code and clears the field."""

    codeEntered = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Scan or type a code")
        self.label.setObjectName("scanLabel")
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("scanInput")
        self.line_edit.setPlaceholderText("barcode, order number or command")
        self.line_edit.setMaxLength(512)
        self.label.setBuddy(self.line_edit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 6, 16, 10)
        layout.addWidget(self.label)
        layout.addWidget(self.line_edit, 1)
        self.line_edit.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        code = self.line_edit.text().strip(TRIM)
        self.line_edit.clear()
        if code:
            self.codeEntered.emit(code)
