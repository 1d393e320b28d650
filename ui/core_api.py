"""What the window needs from the core: the `Core` protocol that `station.bootstrap.Station` implements.

The UI codes against this protocol only, so tests can stand a small recorder in for the core.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from station.domain.scan import Scan
from station.reports.document import ReportFiles
from station.services.print_queue import PrintOutcome
from station.services.supervisor import SupervisorTools
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

    # The reports screen's calls read the database and render PDFs: made off the GUI thread too.
    def report_stations(self) -> tuple[str, ...]:
        """Every station that wrote to the database: the report's station filter."""

    def daily_report(self, day: date, station: str | None = None) -> ReportFiles:
        """The day's report (figures, PDF, CSV) for every station, or for `station`."""

    def print_report(self, files: ReportFiles) -> PrintOutcome:
        """Queue the report on the document printer and try it now."""

    def supervisor_tools(self) -> SupervisorTools:
        """The audit trail and the settings; every call of theirs is made off the GUI thread."""
