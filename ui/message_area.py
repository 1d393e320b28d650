"""The large coloured message area: green ok, red error, amber warning, blue-grey info or idle.

Every new feedback flashes a stronger colour for a moment so a glance catches the change.
When the station asks for something (a serial, a supervisor's PIN…), that question is the big
message while idle, and a bold framed line under any other feedback.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from station.services.views import ScreenState
from ui import style

FLASH_MS = 250


class MessageArea(QFrame):
    """A big bold message over a smaller detail line, on a background coloured by level."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageArea")
        self.setMinimumHeight(124)
        self.message = _label("message")
        self.detail = _label("detail")
        self.prompt_line = _label("promptLine")
        self.prompt_line.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 8, 24, 8)
        layout.setSpacing(2)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.detail)
        layout.addSpacing(4)
        layout.addWidget(self.prompt_line)
        layout.addStretch(1)
        self._level = "idle"
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._paint)
        self._paint()

    @property
    def level(self) -> str:
        return self._level

    def show_message(self, level: str, message: str, detail: str = "") -> None:
        """Show a message; its level picks the colour."""
        self._level = level if level in style.LEVELS else "info"
        self.message.setText(message)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        if not self._flash_timer.isActive():
            self._paint()

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        """Show the screen's feedback, or the prompt for the next step when idle."""
        self.show_message(*describe(state))
        line = prompt_line(state)
        self.prompt_line.setText(line)
        self.prompt_line.setVisible(bool(line))

    def flash(self) -> None:
        """Show the stronger colour of the current level for FLASH_MS, then the normal one."""
        colours = style.LEVELS[self._level]
        self._set_sheet(style.message_style(colours.flash, colours.text))
        self._flash_timer.start()

    def is_flashing(self) -> bool:
        return self._flash_timer.isActive()

    def _paint(self) -> None:
        colours = style.LEVELS[self._level]
        self._set_sheet(style.message_style(colours.background, colours.text))

    def _set_sheet(self, sheet: str) -> None:
        """Restyle only on a change of colour: every screen update draws the message area again."""
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)  # the stylesheet sizes it by name
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def prompt_for(state: ScreenState) -> str:
    """What the operator should scan next, from where they are; the station's own question first."""
    if state.prompt is not None:
        return state.prompt.text
    if state.operator is None:
        return "Scan your badge to sign in"
    if state.mode == "returns":
        return "Scan an RMA, a return tracking number or an order number"
    if state.mode == "handover":
        return _handover_prompt(state)
    if state.order is None:
        return "Scan an order number"
    if state.order.units_counted < state.order.units_total:
        return "Scan the next item"
    return ""


def _handover_prompt(state: ScreenState) -> str:
    handover = state.handover
    if handover is not None and handover.manifest_id is None:
        return "Scan a carrier barcode, or touch the carrier"
    if handover is not None and handover.closing:
        return ""  # the feedback says it: scan the missing packages, or CMD-DONE again
    return "Scan a tracking number or a package label"


def describe(state: ScreenState) -> tuple[str, str, str]:
    """(level, message, detail) for the message area.

    Idle feedback shows the prompt itself; any other feedback keeps the prompt under it,
    so the next step is always on screen (the station's own question on its `prompt_line`).
    """
    feedback = state.feedback
    prompt = prompt_for(state)
    if _is_idle(state):
        return "idle", prompt or feedback.message, feedback.detail
    if state.prompt is not None:
        return feedback.level, feedback.message, feedback.detail
    # The prompt goes under the detail, unless the detail already says it.
    detail = "\n".join(part for part in (feedback.detail, prompt if prompt != feedback.detail else "")
                        if part)
    return feedback.level, feedback.message, detail


def prompt_line(state: ScreenState) -> str:
    """The station's question on its own line under non-idle feedback ("" when idle: it is the message)."""
    return "" if state.prompt is None or _is_idle(state) else state.prompt.text


def _is_idle(state: ScreenState) -> bool:
    return state.feedback.level == "idle" or not state.feedback.message
