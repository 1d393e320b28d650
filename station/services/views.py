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
class InsertView:
    """One line of the insert checklist."""

    code: str
    name: str
    quantity: int
    done: int  # how many are in
    skipped: str | None = None  # "out_of_stock" or "skipped_by_operator"

    @property
    def settled(self) -> bool:
        return self.skipped is not None or self.done >= self.quantity


@dataclass(frozen=True)
class PackageView:
    package_no: int
    box: str | None
    units: int
    weight_g: int | None
    expected_g: int | None
    is_open: bool
    weight_ok: bool | None = None  # None: not weighed (or nothing to compare)
    approved_by: str | None = None


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
    package_weight_g: int | None = None  # the open package's, as taken with CMD-WEIGH
    expected_weight_g: int | None = None  # the open package's: items, inserts and box tare
    inserts: tuple[InsertView, ...] = ()
    packages: tuple[PackageView, ...] = ()

    @property
    def units_counted(self) -> int:
        return sum(min(line.counted, line.ordered) for line in self.lines if not line.indent)

    @property
    def units_total(self) -> int:
        return sum(line.ordered for line in self.lines if not line.indent)


@dataclass(frozen=True)
class ReturnLineView:
    """One line of the RMA: what the customer said they send back."""

    line_id: str
    sku: str
    name: str
    quantity: int
    received: int  # expected units recorded against this line so far
    reason: str
    customer_note: str | None = None


@dataclass(frozen=True)
class ReturnUnitView:
    """A unit inspected and recorded, with its label number."""

    seq: int
    sku: str
    name: str
    grade: str
    disposition: str
    lpn: str
    expected: bool
    defects: tuple[str, ...] = ()
    wrong_item: str | None = None  # the alert, when the serial or lot is not what was shipped


@dataclass(frozen=True)
class InspectionView:
    """The unit under inspection: its grade so far, its defects and the disposition it would get."""

    sku: str
    name: str
    expected: bool
    grade: str | None
    defects: tuple[str, ...]
    disposition: str | None
    serial: str | None = None
    lot: str | None = None
    wrong_item: str | None = None
    all_defects: tuple[str, ...] = ()  # the defect codes that can be toggled


@dataclass(frozen=True)
class ReturnView:
    rma_number: str | None  # None: an unannounced return, found by its order
    order_number: str
    status: str
    customer_name: str
    requested_resolution: str | None
    lines: tuple[ReturnLineView, ...]
    units: tuple[ReturnUnitView, ...]
    current: InspectionView | None = None


@dataclass(frozen=True)
class ManifestLineView:
    """A package on the manifest, or one of the carrier's packed today and not yet scanned."""

    order_number: str
    package_no: int
    tracking_number: str | None
    weight_g: int | None


@dataclass(frozen=True)
class CarrierChoiceView:
    """A carrier to choose at hand-over: its barcode, its packages packed today and not handed over,
    and its manifest put aside, if any."""

    carrier: str
    barcode: str
    waiting: int
    parked: str | None = None


@dataclass(frozen=True)
class HandoverView:
    """Hand-over mode: the carriers to choose from, and the open manifest with what is still missing."""

    carriers: tuple[CarrierChoiceView, ...] = ()
    manifest_id: str | None = None
    carrier: str | None = None
    packages: tuple[ManifestLineView, ...] = ()  # in the order scanned
    missing: tuple[ManifestLineView, ...] = ()
    closing: bool = False  # CMD-DONE showed the missing packages: the next CMD-DONE closes

    @property
    def total_weight_g(self) -> int:
        return sum(p.weight_g for p in self.packages if p.weight_g is not None)

    @property
    def unweighed(self) -> int:
        return sum(1 for p in self.packages if p.weight_g is None)


@dataclass(frozen=True)
class Prompt:
    """What the station asks for next instead of an ordinary scan.

    `kind` "pin" means the next entry is a secret: the scan field hides what is typed.
    """

    kind: Literal["serial", "lot", "supervisor", "pin", "reason"]
    text: str


@dataclass(frozen=True)
class ScreenState:
    station_id: str
    mode: Mode
    operator: OperatorView | None
    order: OrderView | None
    feedback: Feedback
    last_documents: tuple[str, ...] = field(default=())  # where the last prints went
    prompt: Prompt | None = None
    returns: ReturnView | None = None  # the open return, in returns mode
    handover: HandoverView | None = None  # in hand-over mode


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
