"""Keyboard-wedge scans wherever the focus is: a burst of keys faster than a person types, then Enter.

`BurstDetector` holds the timing rule (no Qt); `KeyboardWedgeFilter` applies it to the application's keys.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from station.domain.scan import Scan

T = TypeVar("T")

MAX_GAP_S = 0.05
MIN_LENGTH = 4
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class BurstDetector(Generic[T]):
    """Holds printable keys while they come faster than `max_gap` apart.

    A held run of at least `min_length` keys followed in time by Enter is a scan. A slower
    key, or any other key, releases what is held: it was typing, and goes where it was typed.
    Each key carries an item (for the Qt filter, the key event to replay) handed back on release.
    """

    def __init__(
        self,
        *,
        max_gap: float = MAX_GAP_S,
        min_length: int = MIN_LENGTH,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_gap = max_gap
        self._min_length = min_length
        self._clock = clock
        self._held: list[tuple[str, T]] = []
        self._last = 0.0

    @property
    def held_text(self) -> str:
        return "".join(text for text, _ in self._held)

    def key(self, text: str, item: T) -> list[T]:
        """A printable key: hold it; return the held items that turned out to be typing."""
        now = self._clock()
        released = self.release() if self._held and now - self._last > self._max_gap else []
        self._held.append((text, item))
        self._last = now
        return released

    def enter(self) -> str | None:
        """Enter: the scanned code (and forget the held keys) if they are a burst, else None."""
        in_time = self._clock() - self._last <= self._max_gap
        code = self.held_text
        if self._held and in_time and len(code) >= self._min_length:
            self._held.clear()
            return code
        return None

    def release(self) -> list[T]:
        """Give back every held item, oldest first."""
        items = [item for _, item in self._held]
        self._held.clear()
        return items


@dataclass(frozen=True)
class _HeldKey:
    target: QObject
    event: QKeyEvent


class KeyboardWedgeFilter(QObject):
    """An application event filter that turns wedge bursts into `Scan(code, source="wedge")`.

    The burst's keys are swallowed so they do not land in whatever field has focus; keys that
    turn out to be typing are replayed to that field a moment later. In `exempt` (the scan
    input) and in password fields keys pass untouched: it submits scans itself, and a secret is no scan.
    """

    def __init__(
        self,
        submit: Callable[[Scan], None],
        exempt: QWidget,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_gap: float = MAX_GAP_S,
        min_length: int = MIN_LENGTH,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        self._exempt = exempt
        self._burst: BurstDetector[_HeldKey] = BurstDetector(
            max_gap=max_gap, min_length=min_length, clock=clock
        )
        self._replaying = False
        # Fires when no key followed in time: what is held was typing.
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(round(max_gap * 1000) + 20)
        self._quiet.timeout.connect(self.flush)

    def install(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def uninstall(self) -> None:
        self.flush()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here: leave the cheap test first.
        if event.type() != QEvent.Type.KeyPress or self._replaying or not isinstance(event, QKeyEvent):
            return False
        if not _has_focus(watched):
            return False
        if watched is self._exempt or _is_secret(watched):
            self.flush()
            return False
        if event.key() in ENTER_KEYS:
            return self._on_enter()
        if _is_printable(event):
            self._replay(self._burst.key(event.text(), _HeldKey(watched, _copy(event))))
            self._quiet.start()
            return True
        self.flush()
        return False

    def flush(self) -> None:
        """Hand every held key to where it was typed."""
        self._quiet.stop()
        self._replay(self._burst.release())

    def _on_enter(self) -> bool:
        code = self._burst.enter()
        if code is None:
            self.flush()
            return False
        self._quiet.stop()
        self._submit(Scan(code, source="wedge"))
        return True

    def _replay(self, held: list[_HeldKey]) -> None:
        self._replaying = True
        try:
            for key in held:
                if shiboken6.isValid(key.target):
                    QCoreApplication.sendEvent(key.target, key.event)
        finally:
            self._replaying = False


def _has_focus(watched: QObject) -> bool:
    """Whether `watched` is the widget a key press is meant for (not its window, not a parent): an open
    popup menu takes the keys while it is shown, so a scan then is not lost to it."""
    if not watched.isWidgetType():
        return False
    return watched is (QApplication.activePopupWidget() or QApplication.focusWidget()
                       or QApplication.activeWindow())


def _is_secret(watched: QObject) -> bool:
    """A password field (the backend token): what is typed there, however fast, is never a scan, so a
    secret auto-typed by a password manager cannot reach the core and its audit trail."""
    return isinstance(watched, QLineEdit) and watched.echoMode() != QLineEdit.EchoMode.Normal


def _is_printable(event: QKeyEvent) -> bool:
    """A key that types a character; Ctrl+Alt counts, it is AltGr on Windows (`@` on many layouts)."""
    text = event.text()
    modifiers = event.modifiers()
    ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    alt = bool(modifiers & Qt.KeyboardModifier.AltModifier)
    return bool(text) and text.isprintable() and ctrl == alt


def _copy(event: QKeyEvent) -> QKeyEvent:
    """Qt deletes the event after delivery; a held key needs its own."""
    return QKeyEvent(
        event.type(), event.key(), event.modifiers(), event.text(), event.isAutoRepeat(), event.count()
    )
