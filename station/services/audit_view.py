"""The audit trail as the supervisors' audit screen reads it: filtered, newest first, a page at a time.

Rows come back as frozen entries with a one-line summary of what changed; no PIN, hash or token.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select

from station.storage.db import Database
from station.storage.models import AuditRow, StaffRow

PAGE_SIZE = 50
MAX_PAGE = 500
SUMMARY_MAX = 200
# Keys whose values never reach the screen, whatever an action's detail holds.
SECRET_KEYS = frozenset({"pin", "pin_argon2", "token", "password", "secret", "hash", "prev_hash"})

# The action kinds the screen offers: each an action's name, or a prefix ending in ".".
ACTION_KINDS: dict[str, tuple[str, ...]] = {
    "sign-in and sign-out": ("sign_in", "sign_out"),
    "refused scans": ("scan.refused", "command.refused"),
    "units": ("unit.",),
    "orders": ("order.", "insert.", "package.", "label."),
    "overrides and PINs": ("override.", "pin."),
    "printing": ("print", "reprint", "print."),
    "returns": ("return.",),
    "hand-over": ("manifest.",),
    "modes": ("mode.",),
    "events and settings": ("outbox.", "settings."),
}


@dataclass(frozen=True)
class AuditQuery:
    """What the supervisor asks for; empty fields do not filter. Naive times are local time."""

    operator: str = ""  # a badge, or part of a badge or of a name
    subject: str = ""  # an order, RMA or manifest number
    since: datetime | None = None
    until: datetime | None = None
    station: str = ""
    kind: str = ""  # a key of ACTION_KINDS
    limit: int = PAGE_SIZE
    offset: int = 0


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime  # local time
    station_id: str
    operator_name: str
    operator_badge: str
    operator_role: str
    action: str
    subject: str
    summary: str

    @property
    def operator(self) -> str:
        """ "Ana Silva (EMP-1001, packer)"; the badge alone when the catalog no longer names it."""
        if not self.operator_badge:
            return ""
        who = ", ".join(part for part in (self.operator_badge, self.operator_role) if part)
        return f"{self.operator_name} ({who})" if self.operator_name else who


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    offset: int
    limit: int
    more: bool  # older rows match too


class AuditView:
    """Read-only queries over the audit trail of every station on the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def page(self, query: AuditQuery) -> AuditPage:
        limit = max(1, min(query.limit, MAX_PAGE))
        offset = max(0, query.offset)
        with self.db.read() as s:
            names = {badge: name for badge, name in s.execute(select(StaffRow.badge, StaffRow.name))}
            statement = _filtered(select(AuditRow), query, names)
            rows = s.execute(statement.order_by(AuditRow.id.desc()).offset(offset).limit(limit + 1)
                             ).scalars().all()
            entries = tuple(_entry(row, names) for row in rows[:limit])
        return AuditPage(entries, offset, limit, more=len(rows) > limit)

    def stations(self) -> list[str]:
        """The stations that wrote audit rows, for the screen's filter."""
        with self.db.read() as s:
            return list(s.execute(select(AuditRow.station_id).distinct().order_by(AuditRow.station_id))
                        .scalars())


def _filtered(statement: Select[AuditRow], query: AuditQuery,
              names: Mapping[str, str]) -> Select[AuditRow]:
    operator = query.operator.strip()
    if operator:
        needle = operator.casefold()
        badges = [badge for badge, name in names.items() if needle in name.casefold()]
        statement = statement.where(or_(func.lower(AuditRow.operator_badge).contains(needle, autoescape=True),
                                        AuditRow.operator_badge.in_(badges)))
    subject = query.subject.strip()
    if subject:  # exact, so the subject's index serves it; typed in lower case it still matches
        statement = statement.where(AuditRow.subject.in_({subject, subject.upper()}))
    if query.since is not None:
        statement = statement.where(AuditRow.at >= query.since.astimezone())
    if query.until is not None:
        statement = statement.where(AuditRow.at <= query.until.astimezone())
    if query.station.strip():
        statement = statement.where(AuditRow.station_id == query.station.strip())
    if query.kind:
        statement = statement.where(_kind(query.kind))
    return statement


def _kind(kind: str) -> ColumnElement[bool]:
    patterns = ACTION_KINDS.get(kind)
    if patterns is None:
        return false()
    return or_(*(AuditRow.action.startswith(p, autoescape=True) if p.endswith(".") else AuditRow.action == p
                 for p in patterns))


def _entry(row: AuditRow, names: Mapping[str, str]) -> AuditEntry:
    badge = row.operator_badge or ""
    detail = row.detail if isinstance(row.detail, dict) else {}
    name = names.get(badge) or (str(detail.get("name") or "") if row.action == "sign_in" else "")
    return AuditEntry(row.id, row.at.astimezone(), row.station_id, name, badge, row.operator_role or "",
                      row.action, row.subject or "", summarize(row.action, detail))


# -- one line per action ----------------------------------------------------------------------------

def summarize(action: str, detail: Mapping[str, Any]) -> str:
    """What an audit row says, in one line: never a PIN, a hash or a token."""
    safe = {k: v for k, v in detail.items() if not _secret(k)}
    describe = _SUMMARIES.get(action) or _SUMMARIES.get(action.split(".")[0] + ".")
    try:
        text = describe(safe) if describe else ""
    except (KeyError, TypeError, ValueError):
        text = ""
    text = text or _generic(safe)
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_MAX else text[:SUMMARY_MAX - 1] + "…"


def _secret(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_KEYS or any(word in lowered for word in ("token", "password", "secret"))


def _generic(detail: Mapping[str, Any]) -> str:
    parts = [f"{key.replace('_', ' ')}: {_value(value)}" for key, value in detail.items()
             if value not in (None, "", [], {})]
    return ", ".join(parts)


def _value(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "{" + _generic({k: v for k, v in value.items() if not _secret(str(k))}) + "}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _plural(n: Any, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _counted(d: Mapping[str, Any]) -> str:
    text = f"+{d['quantity']} {d['sku']}"
    extras = [f"{key} {d[key]}" for key in ("serial", "lot", "kit", "package") if d.get(key)]
    return " · ".join([text, *extras])


def _packed(d: Mapping[str, Any]) -> str:
    return (f"{_plural(d['units'], 'unit')} in {_plural(d['packages'], 'package')}, "
            f"{d['duration_s'] // 60} min {d['duration_s'] % 60} s")


def _approved(d: Mapping[str, Any]) -> str:
    return f"approved by {d['supervisor']}" + (f": {d['reason']}" if d.get("reason") else "")


def _printed(d: Mapping[str, Any]) -> str:
    errors = d.get("errors") or []
    return ", ".join(d["documents"]) + (f" — not printed: {'; '.join(errors)}" if errors else "")


def _pin(d: Mapping[str, Any]) -> str:
    if "locked_until" in d:
        return f"locked out until {datetime.fromisoformat(d['locked_until']).astimezone():%H:%M}"
    left = d.get("attempts_left")
    return str(d.get("reason") or "accepted") + (f", {_plural(left, 'try', 'tries')} left" if left else "")


def _unit_scanned(d: Mapping[str, Any]) -> str:
    codes = [f"{key} {d[key]}" for key in ("serial", "lot") if d.get(key)]
    text = " · ".join([d["sku"], *codes, "on the RMA" if d["expected"] else "NOT ON THE RMA"])
    return text + (f" · {d['wrong_item']}" if d.get("wrong_item") else "")


def _graded(d: Mapping[str, Any]) -> str:
    defects = f" ({', '.join(d['defects'])})" if d.get("defects") else ""
    override = " (overridden)" if d.get("disposition_override") else ""
    wrong = " · WRONG ITEM" if d.get("wrong_item") else ""
    return f"{d['lpn']} {d['sku']} grade {d['grade']}{defects} → {d['disposition']}{override}{wrong}"


_SUMMARIES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "sign_in": lambda d: "signed in" + (f", taking over from {d['handover_from']}"
                                        if d.get("handover_from") else ""),
    "sign_out": lambda d: "signed out",
    "scan.refused": lambda d: f"{d['code']}: {d['reason']}",
    "command.refused": lambda d: f"{d['code']}: {d['reason']}",
    "unit.counted": _counted,
    "unit.undone": lambda d: f"took back {d['quantity']} × {d['sku']}",
    "order.opened": lambda d: "opened",
    "order.resumed": lambda d: f"resumed with {_plural(d['units'], 'unit')} counted",
    "order.parked": lambda d: f"put aside with {_plural(d['units'], 'unit')} counted",
    "order.packed": _packed,
    "order.short_shipped": lambda d: "shipped short: " + _packed(d),
    "insert.": lambda d: d["insert"] + (f" ({d['reason']})" if d.get("reason") else ""),
    "override.approved": lambda d: (f"{d['purpose'].replace('_', ' ')} approved by {d['supervisor']}"
                                    + (f": {d['reason']}" if d.get("reason") else "")),
    "override.cancelled": lambda d: f"{d['purpose'].replace('_', ' ')} approval cancelled",
    "override.": _approved,
    "pin.": _pin,
    "print": _printed,
    "reprint": lambda d: "printed again: " + ", ".join(d["documents"]),
    "override.supervisor": lambda d: f"{d['purpose'].replace('_', ' ')}: {d['supervisor']} to approve",
    "override.requested": lambda d: f"{d['purpose'].replace('_', ' ')}: a supervisor's approval asked for",
    "unit.code_asked": lambda d: f"{d['kind']} number asked for {d['sku']}",
    "return.code_asked": lambda d: f"{d['kind']} number asked for {d['sku']}",
    "return.received": lambda d: "received",
    "return.resumed": lambda d: f"resumed with {_plural(d['units'], 'unit')} recorded",
    "return.parked": lambda d: f"put aside with {_plural(d['units'], 'unit')} recorded",
    "return.unit_scanned": _unit_scanned,
    "return.inspected": lambda d: f"{d['code']} for {d['sku']}" + (f" → {d['disposition']}"
                                                                   if d.get("disposition") else ""),
    "return.unit_graded": _graded,
    "return.unit_undone": lambda d: f"took back {d['lpn']}",
    "return.completed": lambda d: (f"{_plural(d['units'], 'unit')}, refund recommendation: "
                                   f"{d['refund_recommendation']}"),
    "print.retried": lambda d: f"{d['document']} printed on try {d['attempts']}",
    "scan.failed": lambda d: f"the scan could not be handled ({d['error']})",
    "mode.switched": lambda d: f"{d['from']} → {d['to']}",
    "outbox.dead_letters_retried": lambda d: f"{_plural(len(d['events']), 'dead letter')} queued again",
    "settings.changed": lambda d: "changed " + ", ".join(d["keys"]),
}
