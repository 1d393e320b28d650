"""A burst of 1,000 scans written 5 ms apart arrives complete and in order.

A writer thread feeds the serial scanner's pty; the station (offline, temp SQLite) handles every
scan once, in the written order, and commits one refusal audit row for each.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from station.bootstrap import build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.services.views import ScreenChanged, ScreenState
from station.storage.audit import verify_chain
from station.storage.cache import cache_order
from station.storage.models import AuditRow
from tests.e2e.conftest import PtyScanner, wait_for

BURST = 1000
SPACING_S = 0.005
ORDER = "SO-100234"


def codes() -> list[str]:
    return [f"BURST-{i:04d}" for i in range(BURST)]


def write_burst(scanner: PtyScanner, frames: list[str], errors: list[BaseException]) -> None:
    """Write each frame on a fixed 5 ms schedule (a slow write does not push the next ones back)."""
    try:
        start = time.monotonic()
        for i, code in enumerate(frames):
            delay = start + i * SPACING_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            scanner.scan(code)
    except BaseException as exc:  # reported by the test thread
        errors.append(exc)


def test_burst_of_1000_scans_arrives_complete_and_in_order(tmp_path: Path, pty_scanner: PtyScanner) -> None:
    prints = f"pdf:{tmp_path / 'prints'}"
    config = replace(validate({
        "database": {"url": f"sqlite:///{tmp_path / 'station.db'}"},
        "scanner": {"port": pty_scanner.port},
        "printers": {name: {"target": prints} for name in ("label", "item", "document")},
    }), data_dir=tmp_path)
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    app = build_station(config, catalog_file=data["catalog"])
    with app.db.unit_of_work() as session:  # offline: the order is opened from the local cache
        cache_order(session, next(o for o in data["orders"] if o["order_number"] == ORDER))
    screens: list[ScreenState] = []
    app.core.subscribe(lambda e: screens.append(e.state) if isinstance(e, ScreenChanged) else None)
    app.start()
    try:
        wait_for(lambda: app.core.status().scanner_ok, what="scanner connected")
        for number, code in enumerate(("EMP-1001", ORDER), start=1):
            pty_scanner.scan(code)
            wait_for(lambda n=number: len(screens) >= n, what=f"scan {code}")
        assert screens[-1].order is not None and screens[-1].order.order_number == ORDER
        setup = len(screens)

        sent = codes()
        errors: list[BaseException] = []
        writer = threading.Thread(target=write_burst, args=(pty_scanner, sent, errors), daemon=True)
        writer.start()
        writer.join(timeout=30)
        assert not writer.is_alive() and not errors, errors
        wait_for(lambda: len(screens) >= setup + BURST, timeout=45, what="every scan of the burst")
        assert app.core.wait_idle(timeout=5)
        time.sleep(0.2)  # a doubled scan would show up as one screen too many
    finally:
        app.stop()

    burst = screens[setup:]
    assert len(burst) == BURST
    messages = [screen.feedback.message for screen in burst]
    assert messages == [f"Unknown barcode {code}" for code in sent]  # once each, in written order
    assert all(screen.feedback.level == "error" for screen in burst)

    with app.db.read() as session:
        rows = session.execute(select(AuditRow).where(AuditRow.action == "scan.refused")
                               .order_by(AuditRow.id)).scalars().all()
        assert [row.detail["code"] for row in rows] == sent
        assert {row.subject for row in rows} == {ORDER}
        assert verify_chain(session) is None
    app.db.dispose()
