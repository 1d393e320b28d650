"""What the window needs from the core: the `Core` protocol that `station.bootstrap` implements.

The UI codes against this protocol only, so tests can stand a small recorder in for the core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from station.domain.scan import Scan
from station.services.views import CoreEvent, ScreenState, StatusView


class Core(Protocol):
    """The running station as the window sees it."""

    def submit_scan(self, scan: Scan) -> None:
        """Queue a scan for the core; thread-safe, returns at once."""

    def subscribe(self, listener: Callable[[CoreEvent], None]) -> None:
        """Call `listener` with every event; it is called from worker threads."""

    def screen_state(self) -> ScreenState:
        """The current screen, for the first draw."""

    def status(self) -> StatusView:
        """The current status bar, for the first draw."""
