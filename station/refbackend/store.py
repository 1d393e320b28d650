"""The reference backend's own SQLite state: the permanent (source, id) dedup record of every
accepted event, and the order and return statuses those events changed."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    source TEXT NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL,
    stationseq INTEGER NOT NULL, time TEXT NOT NULL, received_at TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (source, id));
CREATE TABLE IF NOT EXISTS order_status (
    order_number TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS return_status (
    rma_number TEXT PRIMARY KEY, status TEXT NOT NULL, updated_at TEXT NOT NULL);
"""

_STATUS_TABLES = {"order": ("order_status", "order_number"),
                  "return": ("return_status", "rma_number")}


@dataclass(frozen=True)
class StatusChange:
    kind: str  # "order" or "return"
    key: str
    status: str


class StateStore:
    """Thread-safe: the HTTP server answers on many threads, SQLite wants one writer at a time."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False)
        with self._lock, self._conn:
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def status(self, kind: str, key: str) -> str | None:
        table, column = _STATUS_TABLES[kind]
        with self._lock:
            row = self._conn.execute(
                f"SELECT status FROM {table} WHERE {column} = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def seen(self, source: str, event_id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM events WHERE source = ? AND id = ?", (source, event_id)).fetchone()
        return row is not None

    def record(self, event: Mapping[str, Any], changes: Sequence[StatusChange]) -> bool:
        """Store an event and its status changes in one transaction; False if already stored."""
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        row = (event["source"], event["id"], event["type"], event["subject"],
               event["stationseq"], event["time"], now, json.dumps(event, ensure_ascii=False))
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO events (source, id, type, subject, stationseq, time,"
                " received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
            if cursor.rowcount == 0:
                return False
            for change in changes:
                table, column = _STATUS_TABLES[change.kind]
                self._conn.execute(
                    f"INSERT INTO {table} ({column}, status, updated_at) VALUES (?, ?, ?)"
                    f" ON CONFLICT ({column}) DO UPDATE SET status = excluded.status,"
                    " updated_at = excluded.updated_at", (change.key, change.status, now))
        return True
