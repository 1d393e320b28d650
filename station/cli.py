"""The `station` command line (config.md): one parser, one function per subcommand.

Errors are one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import station
from station.config import ConfigError, load_config, resolve_config_path
from station.domain.parsing import DataError
from station.storage.db import StorageError

# Runs the window for a wired Station (and an optional screenshot file); handed in by the launcher
# so that station/ never imports Qt.
GuiRunner = Callable[[Any, str | None], int]


class CommandError(Exception):
    """A command that cannot do what was asked; the message is the whole explanation."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                        help="configuration file (else $STATION_CONFIG, else the user config folder)")
    parser = argparse.ArgumentParser(prog="station", parents=[common],
                                     description="Packing and returns station for the warehouse.")
    parser.add_argument("--version", action="version", version=f"station {station.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], help=help_text, description=help_text)

    gui = add("gui", "open the desktop application (the default)")
    demo = add("demo", "open the application on a throw-away demo profile with the reference backend")
    demo.add_argument("--profile-dir", metavar="DIR", help="make the demo profile under DIR")
    demo.add_argument("--scale", action="store_true",
                      help="add a simulated scale that weighs each package as packed right")
    for window in (gui, demo):
        window.add_argument("--screenshot", metavar="FILE",
                            help="draw the window, save a picture of it to FILE (PNG) and exit")
    backend = add("backend", "run the reference backend alone")
    backend.add_argument("--host", default="127.0.0.1")
    backend.add_argument("--port", type=int, default=8080)
    backend.add_argument("--data", metavar="FILE", help="JSON data file (default: the demo data)")
    backend.add_argument("--db", metavar="FILE", help="event store (default: beside the data file)")
    backend.add_argument("--token", help="require this bearer token (default: $STATION_BACKEND_TOKEN)")
    report = add("report", "reports")
    report_sub = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    daily_help = ("the supervisor's daily report as PDF (and CSV): every station sharing the database, "
                  "or one; days run midnight to midnight in this machine's time zone (TZ)")
    daily = report_sub.add_parser("daily", parents=[common], help="the supervisor's daily report",
                                  description=daily_help)
    daily.add_argument("--date", metavar="D", help="YYYY-MM-DD (default: today)")
    daily.add_argument("--out", metavar="FILE",
                       help="write the PDF here (default: daily-report-D.pdf in the current folder)")
    daily.add_argument("--csv", metavar="FILE", help="also write the figures as CSV")
    daily.add_argument("--station", metavar="ID", help="only this station (default: every station)")
    printing = add("print", "print documents")
    print_sub = printing.add_subparsers(dest="document", metavar="DOCUMENT", required=True)
    sheet = print_sub.add_parser("command-sheet", parents=[common], help="the sheet of command barcodes")
    sheet.add_argument("--out", metavar="FILE", help="write the PDF here instead of the document printer")
    sync = add("sync", "the outbox of events for the backend")
    sync_sub = sync.add_subparsers(dest="sync", metavar="ACTION", required=True)
    sync_sub.add_parser("status", parents=[common], help="events pending, delivered and dead")
    sync_sub.add_parser("retry", parents=[common], help="send dead-letter events again")
    db = add("db", "the station database")
    db_sub = db.add_subparsers(dest="db", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", parents=[common], help="apply database migrations")
    audit = add("audit", "the audit trail")
    audit_sub = audit.add_subparsers(dest="audit", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", parents=[common], help="check the audit trail's hash chain")
    add("check", "validate the configuration and try the database, backend, scanner and printers")
    return parser


def main(argv: Sequence[str] | None = None, *, gui: GuiRunner | None = None,
         gui_check: Callable[[], None] | None = None) -> int:
    """Run one command; `gui` opens the window and `gui_check` says first whether it can."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("STATION_LOG_LEVEL", "WARNING").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return _run(args, gui, gui_check)
    except (ConfigError, CommandError, StorageError, DataError) as exc:
        print(f"station: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: one line for the operator, details in the log
        logging.getLogger("station").debug("unexpected error", exc_info=True)
        print(f"station: unexpected error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, gui: GuiRunner | None,
         gui_check: Callable[[], None] | None) -> int:
    from station import commands

    command = args.command or "gui"
    if command in ("gui", "demo") and gui_check is not None:
        gui_check()  # before anything starts: say at once when there is no screen
    if not args.command:
        args.screenshot = None
    if command == "backend":
        return commands.run_backend(args)
    if command == "demo":
        return commands.run_demo(args, _need_gui(gui))
    config = load_config(resolve_config_path(getattr(args, "config", None)))
    handlers: dict[str, Callable[[], int]] = {
        "gui": lambda: commands.run_gui(config, _need_gui(gui), args.screenshot),
        "check": lambda: commands.check(config),
        "db": lambda: commands.db_upgrade(config),
        "sync": lambda: commands.sync(config, args.sync),
        "audit": lambda: commands.audit_verify(config),
        "print": lambda: commands.print_command_sheet(config, args.out),
        "report": lambda: commands.report_daily(config, args),
    }
    return handlers[command]()


def _need_gui(gui: GuiRunner | None) -> GuiRunner:
    if gui is None:
        raise CommandError("this entry point has no window; run the `station` command")
    return gui


def data_path(path: str | None, default: Path) -> Path:
    return Path(path).expanduser() if path else default
