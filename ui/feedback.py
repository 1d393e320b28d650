"""Sounds for feedback: the bundled WAV cues through QtMultimedia when it can play, else through the
platform's own player (winsound, afplay, pw-play/paplay/aplay), else a beep.

A machine without any of them stays quiet about it: no crash, no warnings.
"""

from __future__ import annotations

import importlib
import logging
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMessageLogContext, QObject, QtMsgType, QUrl, qInstallMessageHandler
from PySide6.QtWidgets import QApplication

from station.services.views import Feedback
from ui.style import RESOURCES

log = logging.getLogger(__name__)

CUES = ("success", "error", "attention")
SOUND_DIR = RESOURCES / "sounds"


class SoundPlayer(QObject):
    """Plays a named cue; the sound effects are made on first use, on the GUI thread."""

    def __init__(self, sound_dir: Path = SOUND_DIR, parent: QObject | None = None, *,
                 player: PlatformPlayer | None = None, multimedia: bool = True) -> None:
        super().__init__(parent)
        self._sound_dir = sound_dir
        self._effects: dict[str, Any] | None = None if multimedia else {}
        self._player = player or PlatformPlayer()

    def play(self, cue: str) -> None:
        if not cue:
            return
        if self._effects is None:
            self._effects = _load_effects(self._sound_dir, self)
        effect = self._effects.get(cue)
        if effect is not None and not _failed(effect):
            effect.play()
            return
        path = self._sound_dir / f"{cue}.wav"
        if not (path.is_file() and self._player.play(path)):
            QApplication.beep()


class PlatformPlayer:
    """Plays a WAV file without waiting, with what the operating system has; False when nothing."""

    LINUX_PLAYERS = (("pw-play",), ("paplay",), ("aplay", "-q"))

    def __init__(self, platform: str = sys.platform) -> None:
        self._platform = platform
        self._running: list[subprocess.Popen[bytes]] = []
        self._player: tuple[str, ...] | None = None
        self._looked = False  # PATH is searched once, not on every cue

    def command(self, path: Path) -> list[str] | None:
        """The command line that plays `path` here, or None (Windows plays in-process)."""
        if not self._looked:
            self._player, self._looked = self._find_player(), True
        return None if self._player is None else [*self._player, str(path)]

    def _find_player(self) -> tuple[str, ...] | None:
        if self._platform == "darwin" and shutil.which("afplay"):
            return ("afplay",)
        if self._platform.startswith("linux"):
            for player in self.LINUX_PLAYERS:
                if shutil.which(player[0]):
                    return player
        return None

    def play(self, path: Path) -> bool:
        if self._platform == "win32":
            return _play_winsound(path)
        command = self.command(path)
        if command is None:
            return False
        self._running = [p for p in self._running if p.poll() is None]  # reap the finished ones
        try:
            self._running.append(subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        except OSError as exc:
            log.debug("cannot play %s with %s: %s", path.name, command[0], exc)
            return False
        return True


def _play_winsound(path: Path) -> bool:
    try:
        winsound: Any = importlib.import_module("winsound")  # Windows only: typeshed hides it elsewhere
        winsound.PlaySound(str(path), winsound.SND_FILENAME | winsound.SND_ASYNC | winsound.SND_NODEFAULT)
    except (ImportError, RuntimeError) as exc:
        log.debug("winsound cannot play %s: %s", path.name, exc)
        return False
    return True


class FeedbackCues:
    """Tells a new feedback from a redraw of the same one, and plays its sound once.

    The core keeps one `Feedback` object until the next scan replaces it, so identity (not
    equality) marks a new one: the same error twice in a row is two feedbacks.
    """

    def __init__(self, play: Callable[[str], None]) -> None:
        self._play = play
        self._last: Feedback | None = None

    def notice(self, feedback: Feedback) -> bool:
        """Play the feedback's sound if it is new; return whether it is new news (not idle)."""
        if feedback is self._last:
            return False
        self._last = feedback
        if feedback.sound:
            self._play(feedback.sound)
        return feedback.level != "idle"


def _load_effects(sound_dir: Path, parent: QObject) -> dict[str, Any]:
    """QSoundEffect per cue, or nothing when QtMultimedia or an audio output is missing."""
    with _qt_messages_to_debug_log():  # probing libraries and devices warns about each one missing
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # not installed, or its libraries (libpulse…) are missing
            log.debug("no QtMultimedia (%s); feedback sounds fall back to a beep", exc)
            return {}
        if not QMediaDevices.audioOutputs():
            log.debug("no audio output; feedback sounds fall back to a beep")
            return {}
    effects: dict[str, Any] = {}
    for cue in CUES:
        path = sound_dir / f"{cue}.wav"
        if path.is_file():
            effect = QSoundEffect(parent)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effects[cue] = effect
    return effects


@contextmanager
def _qt_messages_to_debug_log() -> Iterator[None]:
    """Send Qt's messages to this module's debug log for the duration, then restore the handler."""

    def to_log(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        log.debug("Qt %s: %s", context.category, message)

    previous = qInstallMessageHandler(to_log)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def _failed(effect: Any) -> bool:
    from PySide6.QtMultimedia import QSoundEffect

    return bool(effect.status() == QSoundEffect.Status.Error)
