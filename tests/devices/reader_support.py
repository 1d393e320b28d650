"""What the scale and scanner reader tests share: a recorder of reported states and errors, and a
symlink that can be repointed while a reader has it open."""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from pathlib import Path

TIMEOUT = 3.0


class StateRecorder:
    """Collects the states and errors a device reader reports, and lets a test wait for them."""

    def __init__(self) -> None:
        self.errors: queue.Queue[str] = queue.Queue()
        self.states: list[str] = []
        self._changed = threading.Condition()

    def on_state(self, state: str) -> None:
        with self._changed:
            self.states.append(state)
            self._changed.notify_all()

    def wait_state(self, state: str, after: int = 0) -> int:
        """Wait until `state` is reported at an index >= `after`; return the next index."""
        with self._changed:
            found = self._changed.wait_for(lambda: state in self.states[after:], TIMEOUT)
            assert found, f"state {state!r} not reported after {after}: {self.states}"
            return self.states.index(state, after) + 1


def symlink(target: str, link: Path) -> None:
    """Point `link` at `target`, atomically replacing what it pointed at before."""
    tmp = link.with_name(link.name + ".new")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(target)
    os.replace(tmp, link)
