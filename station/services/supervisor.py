"""What the supervisor screens ask of the running station: the audit trail and the settings.

Every call checks that a supervisor is signed in; a saved change of settings is itself audited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from station.config import Config
from station.domain.catalog import Staff
from station.services.audit_view import AuditPage, AuditQuery, AuditView
from station.services.settings import (
    CurrentSettings,
    PortInfo,
    Saved,
    SettingsFile,
    print_test_page,
    serial_ports,
    settings_path,
)
from station.storage.audit import Actor, append_audit
from station.storage.db import Database


class NotSupervisor(PermissionError):
    """The screen was asked for while no supervisor is signed in."""


class SupervisorTools:
    """Called from the window's worker threads; each call reads or writes on its own."""

    def __init__(self, db: Database, config: Config, operator: Callable[[], Staff | None]) -> None:
        self.db, self.config, self._operator = db, config, operator
        self.settings = SettingsFile(settings_path(config), config.data_dir)

    # -- the audit trail --------------------------------------------------------------------------
    def audit_page(self, query: AuditQuery) -> AuditPage:
        self._supervisor()
        return AuditView(self.db).page(query)

    def audit_stations(self) -> list[str]:
        self._supervisor()
        return AuditView(self.db).stations()

    # -- settings -----------------------------------------------------------------------------------
    def load_settings(self) -> CurrentSettings:
        self._supervisor()
        return self.settings.load()

    def save_settings(self, changes: Mapping[str, Any], token: str | None = None) -> Saved:
        """Validate and save; the change is audited with the keys that changed, never their secrets."""
        supervisor = self._supervisor()
        saved = self.settings.save(changes, token)
        if saved.keys or saved.token:
            with self.db.unit_of_work() as s:
                append_audit(s, station_id=self.config.station.id, action="settings.changed", subject=None,
                             detail={"keys": [*saved.keys, *(["backend token"] if saved.token else [])],
                                     "file": str(saved.path)},
                             actor=Actor(supervisor.badge, supervisor.role))
        return saved

    def serial_ports(self) -> list[PortInfo]:
        self._supervisor()
        return serial_ports()

    def test_print(self, printer: str, target: str, paper: str = "A4") -> str:
        """A test page to `target` (empty: this printer's default); audited like any print."""
        supervisor = self._supervisor()
        result = print_test_page(printer, target, station_id=self.config.station.id, paper=paper,
                                 default=f"pdf:{self.config.data_dir / 'prints'}")
        with self.db.unit_of_work() as s:
            append_audit(s, station_id=self.config.station.id, action="print.test_page", subject=None,
                         detail={"printer": printer, "sent_to": result.removeprefix("Test page sent to ")},
                         actor=Actor(supervisor.badge, supervisor.role))
        return result

    def _supervisor(self) -> Staff:
        operator = self._operator()
        if operator is None or operator.role != "supervisor":
            raise NotSupervisor("only a signed-in supervisor may do this")
        return operator
