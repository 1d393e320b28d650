"""Turn raw scanner bytes, arriving in arbitrary chunks, into scans or refused frames.

Pure: no I/O and no threads; the serial reader feeds it and reports what comes out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from station.domain.scan import Scan

MAX_FRAME_LENGTH = 512
BOUNCE_WINDOW_S = 0.1
PREVIEW_LENGTH = 40

# CRLF needs no state of its own: CR ends the frame and the LF that follows ends an
# empty one, which is ignored, so CRLF split across two chunks is still one terminator.
_TERMINATOR = re.compile(rb"[\r\n\t]")
_AIM_IDENTIFIER = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# GS (0x1D) is the GS1 FNC1 separator and must survive; every other C0/C1 control and DEL
# is line noise or a misconfigured scanner, never data.
_FORBIDDEN_CONTROL = re.compile(r"[\x00-\x1c\x1e\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class FrameError:
    """A frame that was refused: why, and a printable preview of what was received."""

    message: str
    raw_preview: str

    def __str__(self) -> str:
        return f"{self.message} (received: {self.raw_preview})"


def preview(text: str, limit: int = PREVIEW_LENGTH) -> str:
    """Printable excerpt of a frame for logs and the screen: controls shown as \\xNN."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


class FrameDecoder:
    """Stateful decoder: `feed()` bytes as they come, get back every frame they complete."""

    def __init__(
        self,
        source: str = "serial",
        *,
        clock: Callable[[], float] = time.monotonic,
        max_length: int = MAX_FRAME_LENGTH,
        bounce_window: float = BOUNCE_WINDOW_S,
    ) -> None:
        self._source = source
        self._clock = clock
        self._max_length = max_length
        self._bounce_window = bounce_window
        self._buffer = bytearray()
        self._overlong = False
        self._overlong_length = 0
        self._overlong_head = ""
        self._last_raw: bytes | None = None
        self._last_at = 0.0

    def feed(self, data: bytes) -> list[Scan | FrameError]:
        """Consume `data`; return the scans and refused frames it completes, in order."""
        pieces = _TERMINATOR.split(data)
        results: list[Scan | FrameError] = []
        for piece in pieces[:-1]:
            result = self._end_frame(piece)
            if result is not None:
                results.append(result)
        self._accumulate(pieces[-1])
        return results

    def reset(self) -> None:
        """Forget a partial frame, e.g. when the port was lost halfway through one."""
        self._buffer.clear()
        self._overlong = False
        self._overlong_length = 0
        self._overlong_head = ""

    def _accumulate(self, piece: bytes) -> None:
        if self._overlong:
            self._overlong_length += len(piece)
            return
        if len(self._buffer) + len(piece) <= self._max_length:
            self._buffer += piece
            return
        # Keep only a preview and a count, so a scanner that never sends a terminator
        # cannot make the buffer grow without bound.
        self._overlong = True
        self._overlong_length = len(self._buffer) + len(piece)
        keep = PREVIEW_LENGTH + 1  # one more than shown, so the preview knows to add "…"
        head = bytes(self._buffer[:keep]) + piece[:keep]
        self._overlong_head = head[:keep].decode("latin-1")
        self._buffer.clear()

    def _end_frame(self, piece: bytes) -> Scan | FrameError | None:
        self._accumulate(piece)
        if self._overlong:
            error = FrameError(
                f"frame refused: longer than {self._max_length} characters "
                f"({self._overlong_length} received)",
                preview(self._overlong_head),
            )
            self.reset()
            self._last_raw = None
            return error
        raw = bytes(self._buffer)
        self._buffer.clear()
        if not raw or self._is_bounce(raw):
            return None
        return self._decode(raw)

    def _is_bounce(self, raw: bytes) -> bool:
        now = self._clock()
        # Compared with the previous frame, not the previous counted one: a scanner
        # repeating a code every 50 ms stays one scan for as long as it repeats.
        bounce = raw == self._last_raw and now - self._last_at < self._bounce_window
        self._last_raw, self._last_at = raw, now
        return bounce

    def _decode(self, raw: bytes) -> Scan | FrameError:
        text = raw.decode("latin-1")
        control = _FORBIDDEN_CONTROL.search(text)
        if control is not None:
            return FrameError(
                f"frame refused: control byte 0x{ord(control.group()):02X} (only GS 0x1D is allowed)",
                preview(text),
            )
        aim = _AIM_IDENTIFIER.match(text)
        symbology = aim.group() if aim else None
        code = text[aim.end() :] if aim else text
        if not code:
            return FrameError("frame refused: symbology identifier without data", preview(text))
        return Scan(code=code, symbology=symbology, source=self._source)
