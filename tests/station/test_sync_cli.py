"""`station sync status` and `station sync retry` as processes of the installed command, on a database
whose dead letters a real relay made against the reference backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from station.refbackend import ReferenceBackend
from station.storage.db import Database
from station.storage.models import AuditRow
from station.storage.outbox import record_event
from station.sync.client import BackendClient
from station.sync.relay import Relay

STATION = "PACK-01"


def station_command() -> list[str]:
    """The `station` script installed next to this interpreter, else the same entry point by module."""
    script = Path(sys.executable).with_name("station")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "ui.launch"]


def run(tmp_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "STATION_CONFIG"}
    env.update({f"XDG_{name}_HOME": str(tmp_path / name.lower())
                for name in ("CONFIG", "DATA", "STATE", "CACHE")})
    return subprocess.run([*station_command(), *args, "--config", str(config)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def packed(order_number: str) -> dict[str, Any]:
    return {"order_number": order_number, "packed_at": "2026-11-22T14:00:00Z", "station_id": STATION,
            "operator": {"badge": "EMP-1001", "name": "Ana Silva"}, "duration_s": 60, "packages": [],
            "inserts": [], "skipped_inserts": [], "short_items": [], "override": None}


def make_outbox(database_url: str, backend: ReferenceBackend, token: str) -> list[str]:
    """One event delivered, two rejected by the backend (unknown orders): their ids, in order."""
    db = Database(database_url)
    db.upgrade()
    client = BackendClient(backend.url, token=token, station_id=STATION, timeout_s=5)
    try:
        ids = []
        for subject in ("SO-100234", "SO-1", "SO-2"):
            with db.unit_of_work() as s:
                ids.append(record_event(s, station_id=STATION, type="station.order.packed", subject=subject,
                                        data=packed(subject), time=datetime.now(UTC)).id)
        Relay(db, client, station_id=STATION).run_once()
    finally:
        client.close()
        db.dispose()
    return ids


def test_sync_status_lists_dead_letters_and_retry_queues_them_again(
        tmp_path: Path, database_url: str, refbackend: ReferenceBackend, backend_token: str) -> None:
    _, first, second = make_outbox(database_url, refbackend, backend_token)
    config = tmp_path / "station.toml"
    config.write_text(f'[station]\nid = "{STATION}"\n[database]\nurl = "{database_url}"\n', encoding="utf-8")

    status = run(tmp_path, config, "sync", "status")
    assert (status.returncode, status.stderr) == (0, "")
    assert status.stdout.splitlines() == [
        "pending 0, delivered 1, dead 2",
        f"  dead #2 station.order.packed SO-1 {first}: unknown order SO-1",
        f"  dead #3 station.order.packed SO-2 {second}: unknown order SO-2"]

    retry = run(tmp_path, config, "sync", "retry")
    assert (retry.returncode, retry.stderr) == (0, "")
    assert retry.stdout.splitlines() == ["2 dead-letter event(s) queued again",
                                         "pending 2, delivered 1, dead 0"]

    again = run(tmp_path, config, "sync", "retry")
    assert again.stdout.splitlines() == ["0 dead-letter event(s) queued again",
                                         "pending 2, delivered 1, dead 0"]
    db = Database(database_url)
    try:
        with db.read() as s:
            audit = s.scalars(select(AuditRow)).all()
    finally:
        db.dispose()
    assert [(row.action, row.operator_badge, row.detail["events"]) for row in audit] == [
        ("outbox.dead_letters_retried", None, [first, second])]
