"""What each `station` subcommand does; the parser is in cli.py."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station.cli import CommandError, GuiRunner, data_path
from station.config import Config, ConfigError


def run_gui(config: Config, gui: GuiRunner, screenshot: str | None = None) -> int:
    from station.bootstrap import build_station

    app = build_station(config)
    app.start()
    try:
        return gui(app, screenshot)
    finally:
        app.stop()


def run_demo(args: argparse.Namespace, gui: GuiRunner) -> int:
    from station.bootstrap import build_station
    from station.demo import demo_config, make_profile, start_demo_backend

    base = Path(args.profile_dir) if args.profile_dir else None
    profile = make_profile(base)
    backend = start_demo_backend(profile)
    scale = None
    if args.scale:
        from devices.demo_scale import DemoScale

        # The demo scale shows what the open package should weigh, as if packed right.
        scale = DemoScale(lambda: _expected_weight(app))
        scale.start()
    # The station runs from the profile's config.toml, which the settings screen edits.
    config = demo_config(profile, backend.url, scale_port=scale.port if scale else "")
    app = build_station(config)
    print(f"demo profile: {profile}\nconfiguration: {config.source}\nreference backend: {backend.url}\n"
          f"printouts: {profile / 'prints'}\n"
          "sign in with badge EMP-1001, then scan or type order SO-100234", flush=True)
    app.start()
    try:
        return gui(app, args.screenshot)
    finally:
        app.stop()
        backend.stop()
        if scale is not None:
            scale.stop()


def _expected_weight(app: Any) -> float | None:
    """The open package's expected weight (units, inserts, box), or None with no order open."""
    order = app.core.screen_state().order
    return float(order.expected_weight_g) if order and order.expected_weight_g else None


def run_backend(args: argparse.Namespace) -> int:
    from station.demo import DEMO_DATA
    from station.refbackend import ReferenceBackend

    data = data_path(args.data, DEMO_DATA)
    if not data.is_file():
        raise CommandError(f"backend: data file not found: {data}")
    db = data_path(args.db, data.with_suffix(".events.db"))
    token = args.token or os.environ.get("STATION_BACKEND_TOKEN") or None
    try:
        backend = ReferenceBackend(data, db, host=args.host, port=args.port, token=token)
    except OSError as exc:
        raise CommandError(f"backend: cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    print(f"reference backend on {backend.url} (data {data}, events {db})", flush=True)
    backend.serve_forever()
    return 0


def db_upgrade(config: Config) -> int:
    from station.bootstrap import open_database

    db = open_database(config)
    db.dispose()
    print(f"database up to date: {_safe_url(config.database_url)}")
    return 0


def sync(config: Config, action: str) -> int:
    """This station's outbox: counts and dead letters; `retry` first queues the dead letters again."""
    from station.bootstrap import open_database
    from station.services.sync_view import SyncView

    db = open_database(config)
    try:
        outbox = SyncView(db, config.station.id)
        if action == "retry":
            moved = outbox.retry_dead()
            print(f"{moved} dead-letter event(s) queued again")
        counts = outbox.counts()
        print(f"pending {counts.pending}, delivered {counts.delivered}, dead {counts.dead}")
        for event in outbox.events("dead"):
            print(f"  dead #{event.stationseq} {event.type} {event.subject} {event.id}: {event.error}")
    finally:
        db.dispose()
    return 0


def audit_verify(config: Config) -> int:
    from sqlalchemy import func

    from station.bootstrap import open_database
    from station.storage.audit import missing_rows, verify_chain, why_broken
    from station.storage.models import AuditRow

    db = open_database(config)
    try:
        with db.read() as s:
            broken = verify_chain(s)
            reason = why_broken(broken) if broken is not None else ""
            missing = missing_rows(s)
            total = s.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    finally:
        db.dispose()
    if broken is not None:
        print(f"audit trail broken at row {broken.id} ({broken.station_id}, "
              f"{broken.at:%Y-%m-%d %H:%M:%S} UTC, {broken.action}): {reason}", file=sys.stderr)
        return 1
    for gap in missing:
        print(f"audit trail broken: {gap.station_id} wrote {gap.written} row(s) but {gap.found} are left: "
              "its newest rows were removed", file=sys.stderr)
    if missing:
        return 1
    print(f"audit trail intact: {total} row(s)")
    return 0


def print_command_sheet(config: Config, out: str | None) -> int:
    from printing.documents.command_sheet import render_command_sheet
    from printing.targets import PrintError, parse_target
    from station.domain.commands import COMMANDS

    commands = [*COMMANDS.items(), *_carrier_barcodes(config)]
    pdf = render_command_sheet(commands, config.printers.document.paper)
    if out:
        Path(out).write_bytes(pdf)
        print(f"command sheet written to {out}")
        return 0
    try:
        where = parse_target(config.printer_target("document")).send_pdf("command-sheet", "commands", pdf)
    except PrintError as exc:
        raise CommandError(f"command sheet did not print: {exc}") from None
    print(f"command sheet sent to {where}")
    return 0


def _carrier_barcodes(config: Config) -> list[tuple[str, str]]:
    """`CARRIER-<NAME>` for the carriers of the packages packed lately, to choose one at hand-over (an
    extension of scanning.md's commands); without the database, the sheet prints without them."""
    from datetime import UTC, datetime

    from station.bootstrap import open_database
    from station.domain.commands import carrier_barcode
    from station.services.handover import HandoverService
    from station.services.handover_desk import carriers_lately

    try:
        db = open_database(config)
    except Exception as exc:
        print(f"command sheet: no carrier barcodes (database: {exc.__class__.__name__})", file=sys.stderr)
        return []
    try:
        carriers = carriers_lately(HandoverService(db, config.station.id), datetime.now(UTC))
    finally:
        db.dispose()
    return [(carrier_barcode(c), f"Hand-over: carrier {c}") for c in carriers]


def report_daily(config: Config, args: argparse.Namespace) -> int:
    """The daily report as a PDF file (and CSV), for every station of the database or --station."""
    from station.bootstrap import open_database
    from station.reports.document import default_file_name, make_report, parse_day
    from station.reports.window import local_zone, today

    zone = local_zone()
    try:
        day = parse_day(args.date) if args.date else today(zone)
    except ValueError as exc:
        raise CommandError(f"report daily: --date {exc}") from None
    db = open_database(config)
    try:
        made = make_report(db, day, zone, args.station, config.printers.document.paper)
    finally:
        db.dispose()
    out = Path(args.out or default_file_name(day, args.station))
    _write(out, made.pdf)
    if args.csv:
        _write(Path(args.csv), made.csv.encode("utf-8"))
    report = made.report
    print(f"daily report {day} ({report.title}, times in {report.zone}): {report.orders} order(s) packed, "
          f"{report.returns.completed} return(s) completed; PDF written to {out}"
          + (f", CSV to {args.csv}" if args.csv else ""))
    return 0


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"report daily: cannot write {path}: {exc.strerror or exc}") from None


def check(config: Config) -> int:
    """One line per part; exit 1 when any part fails."""
    results = [("config", True, str(config.source) if config.source else "defaults (no config file)")]
    results.append(_check_database(config))
    results.append(_check_backend(config))
    results.append(_check_scanner(config))
    results.append(_check_scale(config))
    results.extend(_check_printers(config))
    for name, ok, text in results:
        print(f"{name:<17} {'ok  ' if ok else 'FAIL'} {text}")
    return 0 if all(ok for _, ok, _ in results) else 1


def _check_database(config: Config) -> tuple[str, bool, str]:
    from station.bootstrap import open_database
    from station.storage.db import StorageError

    try:
        db = open_database(config)
    except (StorageError, Exception) as exc:
        return "database", False, f"{_safe_url(config.database_url)}: {exc}"
    db.dispose()
    return "database", True, f"{_safe_url(config.database_url)} (migrated)"


def _check_backend(config: Config) -> tuple[str, bool, str]:
    from station.bootstrap import make_client
    from station.sync.client import BackendError

    try:
        client = make_client(config)
    except BackendError as exc:
        return "backend", False, str(exc)
    if client is None:
        return "backend", True, "offline by configuration (backend.url is empty): events wait"
    try:
        fetched = client.get_catalog(None)
        version = (fetched.body or {}).get("version", "?")
        return "backend", True, f"{config.backend.url} reachable, catalog {version}"
    except BackendError as exc:
        return "backend", False, f"{config.backend.url}: {exc}"
    finally:
        client.close()


def _check_scanner(config: Config) -> tuple[str, bool, str]:
    from devices.scanner import ScannerError, check_port

    if not config.scanner.port:
        return "scanner", True, "keyboard-wedge scanners only (scanner.port is empty)"
    try:
        return "scanner", True, check_port(config.scanner.port, config.scanner.baudrate)
    except ScannerError as exc:
        return "scanner", False, str(exc)


def _check_scale(config: Config) -> tuple[str, bool, str]:
    from devices.scale import ScaleError, check_scale
    from station.bootstrap import SCALE_BAUDRATE

    if not config.scale.port:
        return "scale", True, "no scale (scale.port is empty)"
    try:
        return "scale", True, check_scale(config.scale.port, SCALE_BAUDRATE, config.scale.protocol)
    except ScaleError as exc:
        return "scale", False, str(exc)


def _check_printers(config: Config) -> list[tuple[str, bool, str]]:
    from printing.targets import PrintError, parse_target

    lines = []
    for name in ("label", "item", "document"):
        try:
            lines.append((f"printer {name}", True, parse_target(config.printer_target(name)).check()))
        except (PrintError, ValueError) as exc:
            lines.append((f"printer {name}", False, str(exc)))
    return lines


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        raise ConfigError("database.url", "not a valid SQLAlchemy database URL") from None
