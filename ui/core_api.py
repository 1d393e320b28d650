"""What the window needs from the core: the `Core` protocol that `station.bootstrap.Station` implements.

The UI codes against this protocol only, so tests can stand a small recorder in for the core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from station.domain.scan import Scan
from station.services.sync_view import SyncSnapshot, Which
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

    # The sync panel's calls read or write the database: the window makes them off the GUI thread.
    def sync_snapshot(self) -> SyncSnapshot:
        """The outbox's counts, the first waiting events and dead letters, and the backend's state."""

    def retry_dead_letters(self, ids: Sequence[str] | None = None) -> int:
        """Queue dead letters again (all, or `ids`) and send now, even after a pause; how many moved."""

    def export_events(self, path: str, which: Which = "undelivered") -> int:
        """Write the events as JSON (CloudEvents as sent, with state and error) to `path`; how many."""
