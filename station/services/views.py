"""Read-only views the screens draw from: frozen dataclasses, never ORM objects.

The core publishes `ScreenChanged` and `StatusChanged` to its listeners (from worker threads);
the UI bridge re-emits them on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["idle", "ok", "error", "warn", "info"]
Mode = Literal["pack", "returns", "handover"]


def grams(value: float) -> str:
    """A weight as every screen shows it: whole grams, thousands set apart by a space."""
    return f"{value:,.0f} g".replace(",", "\u2009")


@dataclass(frozen=True)
class Feedback:
    """The big message area: its colour comes from `level`; `sound` names the cue to play."""

    level: Level
    message: str
    detail: str = ""
    sound: Literal["success", "error", "attention", ""] = ""


@dataclass(frozen=True)
class OperatorView:
    badge: str
    name: str
    role: str


@dataclass(frozen=True)
class LineView:
    line_id: str
    sku: str
    name: str
    ordered: int
    counted: int
    indent: bool = False  # a kit component shown under its kit

    @property
    def done(self) -> bool:
        return self.counted >= self.ordered


@dataclass(frozen=True)
class OrderView:
    order_number: str
    status: str
    customer_name: str
    ship_to: str  # one line: name, city, country
    carrier: str
    service: str
    lines: tuple[LineView, ...]
    gift_message: str | None = None
    notes: str | None = None
    package_weight_g: int | None = None  # as taken with CMD-WEIGH
    expected_weight_g: int | None = None  # the counted items' catalog weights

    @property
    def units_counted(self) -> int:
        return sum(min(line.counted, line.ordered) for line in self.lines if not line.indent)

    @property
    def units_total(self) -> int:
        return sum(line.ordered for line in self.lines if not line.indent)


@dataclass(frozen=True)
class ScreenState:
    station_id: str
    mode: Mode
    operator: OperatorView | None
    order: OrderView | None
    feedback: Feedback
    last_documents: tuple[str, ...] = field(default=())  # where the last prints went


@dataclass(frozen=True)
class StatusView:
    """The status bar: one short text per part, and the outbox counts."""

    scanner: str = "keyboard"
    scanner_ok: bool = True
    backend: str = "offline"
    backend_ok: bool = False
    events_waiting: int = 0
    dead_letters: int = 0
    printer: str = ""
    printer_ok: bool = True
    scale: str = ""  # empty: no scale at this station; else its state or its live weight
    scale_ok: bool = True
    scale_stable: bool = False


@dataclass(frozen=True)
class ScreenChanged:
    state: ScreenState


@dataclass(frozen=True)
class StatusChanged:
    status: StatusView


CoreEvent = ScreenChanged | StatusChanged
