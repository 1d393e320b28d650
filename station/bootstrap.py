"""Wiring: builds the database, backend client, sync, printers, devices and core from a Config.

Nothing is built at import time; the GUI, the CLI and the tests all start here.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from devices.scale import SerialScale
from devices.scale_protocols import Reading
from devices.scanner import SerialScanner
from printing.targets import PrintTarget, parse_target
from station.config import Config
from station.domain.scan import Scan
from station.reports.daily import known_stations
from station.reports.document import DOCUMENT as REPORT_DOCUMENT
from station.reports.document import ReportFiles, make_report
from station.reports.window import local_zone
from station.services.carrier_labels import CarrierLabels
from station.services.core import StationCore
from station.services.desk import Desk, DeskParts
from station.services.documents import DocumentPrinter
from station.services.handover import HandoverService
from station.services.handover_desk import HandoverDesk, HandoverParts
from station.services.packing import PackingService
from station.services.packing_desk import PackingDesk, PackingParts
from station.services.print_queue import PrintJob, PrintOutcome, PrintQueue
from station.services.returns import ReturnsService
from station.services.returns_desk import ReturnsDesk, ReturnsParts
from station.services.supervisor import SupervisorTools
from station.services.sync_view import SyncSnapshot, SyncView, Which, backend_view
from station.services.views import CoreEvent, Mode, ScreenState, StatusView, grams
from station.storage.audit import Actor
from station.storage.db import Database
from station.sync.catalog import CatalogHolder, CatalogRefresher, OrderLookup
from station.sync.client import BackendClient, resolve_token
from station.sync.relay import Relay, SyncStatus
from station.sync.returns import ReturnFinder

log = logging.getLogger(__name__)
# The [scale] section has no baud rate: SICS, NCI and 8217 scales ship at 9600 8N1.
SCALE_BAUDRATE = 9600


@dataclass
class Station:
    """The wired application: start() brings it up, stop() takes it down in order."""

    config: Config
    db: Database
    desk: Desk
    core: StationCore
    relay: Relay
    catalog: CatalogHolder
    client: BackendClient | None
    refresher: CatalogRefresher | None = None
    scanner: SerialScanner | None = None
    scale: SerialScale | None = None
    print_queue: PrintQueue | None = None
    _stoppers: list[Callable[[], None]] = field(default_factory=list)

    def start(self) -> None:
        self.core.start()
        if self.refresher is not None:
            self.refresher.refresh_now()  # first catalog before the first scan
            self.refresher.start()
            self._stoppers.append(self.refresher.stop)
        self.relay.start()
        self._stoppers.append(self.relay.stop)
        if self.print_queue is not None:
            self.print_queue.start()  # documents left queued by a crash or a printer that was off
            self._stoppers.append(self.print_queue.stop)
        for device in (self.scanner, self.scale):
            if device is not None:
                device.start()
                self._stoppers.append(device.stop)
        self._stoppers.append(self.core.stop)
        # What start-up built lives as long as the station: keep it out of the cyclic collector's
        # scans, so a collection during a scan stays short (the scan-latency benchmark's tail).
        gc.freeze()

    def stop(self) -> None:
        for stop in reversed(self._stoppers):
            try:
                stop()
            except Exception:
                log.exception("stopping a part failed")
        self._stoppers.clear()
        if self.client is not None:
            self.client.close()
        self.db.dispose()

    # -- what the window asks of the station (ui.core_api.Core) -----------------------------------------
    def submit_scan(self, scan: Scan) -> None:
        self.core.submit_scan(scan)

    def subscribe(self, listener: Callable[[CoreEvent], None]) -> None:
        self.core.subscribe(listener)

    def screen_state(self) -> ScreenState:
        return self.core.screen_state()

    def status(self) -> StatusView:
        return self.core.status()

    def sync_snapshot(self) -> SyncSnapshot:
        """The sync panel's content: read-only, at most PANEL_LIMIT rows per list."""
        return self._outbox().snapshot(backend_view(self.relay.status, self.client is not None))

    def retry_dead_letters(self, ids: Sequence[str] | None = None) -> int:
        """Queue dead letters again (all, or `ids`), audited with the signed-in operator; then send now,
        leaving a pause for rejected credentials or a backoff: this is the operator's retry."""
        operator = self.desk.operator
        outbox = self._outbox()
        if operator is None or operator.role != "supervisor":
            self.relay.resume()  # any operator may retry sending after rejected credentials
            if ids or outbox.counts().dead:
                raise PermissionError("dead letters are sent again by a supervisor: "
                                      "a supervisor scans their badge, then retries")
            return 0
        moved = outbox.retry_dead(ids, actor=Actor(operator.badge, operator.role))
        self.relay.resume()  # after the move: a round woken before it would find nothing to send
        return moved

    def export_events(self, path: str, which: Which = "undelivered") -> int:
        """Write the events (by default every one not delivered) as JSON to `path`; how many."""
        return self._outbox().export(path, which)

    def supervisor_tools(self) -> SupervisorTools:
        """The audit screen's and settings screen's calls, for the supervisor signed in at this desk."""
        return SupervisorTools(self.db, self.config, lambda: self.desk.operator)

    def _outbox(self) -> SyncView:
        return SyncView(self.db, self.config.station.id)

    # -- the supervisor's reports (ui.reports_screen; called off the GUI thread) -----------------------------
    def report_stations(self) -> tuple[str, ...]:
        return known_stations(self.db)

    def daily_report(self, day: date, station: str | None = None) -> ReportFiles:
        """The day's report (PDF and CSV) in this machine's time zone: every station, or `station`."""
        return make_report(self.db, day, local_zone(), station, self.config.printers.document.paper)

    def print_report(self, files: ReportFiles) -> PrintOutcome:
        """Queue the report on the document printer and try it now; a failure stays queued and is retried."""
        assert self.print_queue is not None  # build_station always makes one
        ids = self.print_queue.enqueue([PrintJob("document", REPORT_DOCUMENT, files.subject, files.pdf)])
        outcome = self.print_queue.send(ids)
        self.desk.audit("print", files.subject, {"documents": [REPORT_DOCUMENT],
                                                 "errors": list(outcome.errors)})
        return outcome


def open_database(config: Config) -> Database:
    """The database, migrated to the latest schema (also what `station db upgrade` does)."""
    db = Database(config.database_url)
    db.upgrade()
    return db


def make_client(config: Config) -> BackendClient | None:
    if not config.backend.url:
        return None
    return BackendClient(config.backend.url, token=resolve_token(config.backend.token_file),
                         station_id=config.station.id, timeout_s=config.backend.timeout_s,
                         ca_bundle=config.backend.ca_bundle)


def printer_targets(config: Config) -> Callable[[str], PrintTarget]:
    targets = {name: parse_target(config.printer_target(name)) for name in ("label", "item", "document")}
    return targets.__getitem__


def build_station(config: Config, *, catalog_file: dict[str, Any] | None = None) -> Station:
    """Wire every part; `catalog_file` seeds the catalog when none was stored yet (demo, offline)."""
    db = open_database(config)
    client = make_client(config)
    catalog = CatalogHolder(db)
    if catalog_file is not None and not catalog.current().version:
        catalog.install(catalog_file)
    targets = printer_targets(config)
    start_mode: Mode = "returns" if config.station.start_mode == "returns" else "pack"
    relay = Relay(db, client, station_id=config.station.id, batch_size=config.backend.batch_size)
    queue = PrintQueue(db, config.station.id, targets)
    packing = PackingDesk(PackingParts(
        station_id=config.station.id, auto_complete=config.packing.auto_complete,
        catalog=catalog.current, orders=OrderLookup(db, client),
        packing=PackingService(db, config.station.id),
        printer=DocumentPrinter(queue, config.printers.document.paper), tolerances=config.scale,
        audit=lambda *_: None, on_event_recorded=relay.wake,
        labels=CarrierLabels(client, config.backend.request_labels)))
    orders = packing.p.orders
    returns = ReturnsDesk(ReturnsParts(
        station_id=config.station.id, catalog=catalog.current,
        finder=ReturnFinder(db, client, orders),
        service=ReturnsService(db, config.station.id, config.station.number),
        printer=packing.p.printer, audit=lambda *_: None, on_event_recorded=relay.wake,
        paper=config.printers.document.paper))
    handover = HandoverDesk(HandoverParts(
        station_id=config.station.id, service=HandoverService(db, config.station.id),
        printer=packing.p.printer, audit=lambda *_: None, on_event_recorded=relay.wake,
        paper=config.printers.document.paper))
    desk = Desk(DeskParts(config.station.id, start_mode, db, catalog), packing, returns, handover)
    # Packing, returns and hand-over steps are audited with the desk's operator.
    packing.p.audit = returns.p.audit = handover.p.audit = desk.audit
    core = StationCore(desk)
    relay.on_status = lambda status: _show_sync(core, status)
    label_printer = short_target(config.printer_target("label"))
    queue.on_status = lambda waiting, error: _show_printing(core, label_printer, waiting, error)
    core.update_status(printer=short_target(config.printer_target("label")), printer_ok=True,
                       backend="offline" if client is None else "connecting", backend_ok=False)
    station = Station(config, db, desk, core, relay, catalog, client, print_queue=queue)
    if client is not None:
        station.refresher = CatalogRefresher(catalog, client, config.backend.catalog_refresh_s,
                                             on_result=lambda ok, msg: _show_backend(core, ok, msg))
    if config.scanner.port:
        station.scanner = _make_scanner(config, core)
    if config.scale.port:
        station.scale = _make_scale(config, core)
        packing.p.scale = station.scale
    return station


def _make_scanner(config: Config, core: StationCore) -> SerialScanner:
    states = {"connected": "connected", "connecting": "connecting…",
              "reconnecting": "reconnecting…", "absent": "not found"}

    def on_state(state: str) -> None:
        core.update_status(scanner=states.get(state, state), scanner_ok=state == "connected")

    core.update_status(scanner="connecting…", scanner_ok=False)
    return SerialScanner(config.scanner.port, config.scanner.baudrate, on_scan=core.submit_scan,
                         on_error=core.report_error, on_state=on_state)


def _make_scale(config: Config, core: StationCore) -> SerialScale:
    states = {"connected": "connected", "connecting": "connecting…",
              "reconnecting": "reconnecting…", "absent": "not found"}

    def on_state(state: str) -> None:
        if state != "connected":
            core.update_status(scale=states.get(state, state), scale_ok=False, scale_stable=False)

    def on_reading(reading: Reading) -> None:
        core.update_status(scale=weight_text(reading), scale_ok=reading.status in ("stable", "motion"),
                           scale_stable=reading.status == "stable")

    core.update_status(scale="connecting…", scale_ok=False)
    return SerialScale(config.scale.port, SCALE_BAUDRATE, config.scale.protocol, on_reading=on_reading,
                       on_state=on_state, on_error=lambda message: log.warning("scale: %s", message))


def weight_text(reading: Reading) -> str:
    """What the screen shows for a reading: the weight, with "moving" while it is not stable."""
    if reading.grams is not None and reading.status in ("stable", "motion"):
        text = grams(reading.grams)
        return text if reading.status == "stable" else f"{text} (moving)"
    return reading.message


def _show_printing(core: StationCore, printer: str, waiting: int, error: str | None) -> None:
    text = printer if not waiting else f"{printer}: {waiting} waiting"
    core.update_status(printer=text, printer_ok=error is None and not waiting)


def _show_sync(core: StationCore, status: SyncStatus) -> None:
    if status.reachable is None:
        text = "offline"
    elif status.paused:
        text = status.message.removesuffix(": sending stopped")
    else:
        text = "online" if status.reachable else "unreachable"
    core.update_status(backend=text, backend_ok=bool(status.reachable),
                       events_waiting=status.waiting, dead_letters=status.dead)


def _show_backend(core: StationCore, ok: bool, message: str) -> None:
    if ok or not core.status().backend_ok:
        core.update_status(backend="online" if ok else "unreachable", backend_ok=ok)


def short_target(spec: str) -> str:
    """A printer target as the status bar shows it: its kind and the last part of its place."""
    kind, _, place = spec.partition(":")
    names = {"pdf": "PDF", "zpl": "ZPL", "cups": "CUPS", "zpl+cups": "ZPL CUPS"}
    if kind == "zpl+tcp":
        return f"ZPL {place.lstrip('/')}"
    return f"{names.get(kind, kind)} {Path(place).name or place}"


def resources_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "resources"
