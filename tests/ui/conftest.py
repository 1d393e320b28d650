"""Qt tests run offscreen, share one QApplication styled like the real one, and fail on Qt warnings.

Also: real `ScreenState` values to draw (`samples`), a recorder standing in for the core (`recorder`), the
main window shown on a core (`open_window`), the test module's `station` as that core (`core`) and the
folder for pictures to look at (`shots_dir`).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from station.domain.scan import Scan
from station.services.views import (
    CoreEvent,
    Feedback,
    InsertView,
    InspectionView,
    LineView,
    OperatorView,
    OrderView,
    PackageView,
    Prompt,
    ReturnLineView,
    ReturnUnitView,
    ReturnView,
    ScreenState,
    StatusView,
)

if TYPE_CHECKING:
    from station.bootstrap import Station
    from tests.ui.helpers import NotingStation
    from ui.main_window import MainWindow

# What the offscreen platform cannot do, said for every window (and every popup menu) it shows.
HARMLESS = ("This plugin does not support propagateSizeHints()", "This plugin does not support raise()",
            "This plugin does not support grabbing the keyboard")


@pytest.fixture(autouse=True)
def _fail_on_qt_warnings(qtlog: Any) -> Iterator[None]:
    yield
    from PySide6.QtCore import QtMsgType

    bad = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
    problems = [
        record.message
        for record in qtlog.records
        if record.type in bad and not any(text in record.message for text in HARMLESS)
    ]
    if problems:
        pytest.fail("Qt warned: " + " | ".join(problems), pytrace=False)


@pytest.fixture
def styled_app(qapp: Any) -> Any:
    """The session's QApplication with the station's fonts and stylesheet."""
    from ui.app import ensure_app

    return ensure_app()


@pytest.fixture
def open_window(qtbot: Any, styled_app: Any) -> Callable[[Any], MainWindow]:
    """Show the main window wired to a core; it returns once the scan input has the focus."""
    from ui.app import make_window

    def open_(core: Any) -> MainWindow:
        window = make_window(core)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: window.scan_input.line_edit.hasFocus())
        return window

    return open_


@pytest.fixture
def core(station: Station) -> NotingStation:
    """The test module's running `station` as the window's core, noting its threads."""
    from tests.ui.helpers import NotingStation

    return NotingStation(station)


@pytest.fixture
def shots_dir(tmp_path: Path) -> Path:
    """Pictures to look at: $STATION_UI_SHOTS when set (e.g. /tmp/ui-shots), else a temporary folder."""
    return Path(os.environ.get("STATION_UI_SHOTS") or tmp_path)


class Samples:
    """Screen states as the core would publish them."""

    operator = OperatorView(badge="EMP-0042", name="Μαρία Παπαδοπούλου", role="packer")
    idle = Feedback(level="idle", message="")

    def signed_out(self) -> ScreenState:
        return ScreenState(station_id="PACK-01", mode="pack", operator=None, order=None, feedback=self.idle)

    def no_order(self) -> ScreenState:
        return replace(self.signed_out(), operator=self.operator)

    def order(self, **changes: Any) -> OrderView:
        lines = (
            LineView("1", "MUG-BLUE-350", "Blue mug 350 ml", ordered=3, counted=3),
            LineView("2", "TEE-ORG-M", "Organic tee, size M", ordered=4, counted=3),
            LineView("3", "KIT-WELCOME", "Welcome kit", ordered=2, counted=1),
            LineView("3a", "CANDLE-SOY", "Soy candle", ordered=2, counted=2, indent=True),
            LineView("3b", "SOAP-LAV", "Lavender soap", ordered=2, counted=1, indent=True),
        )
        order = OrderView(
            order_number="SO-100234",
            status="packing",
            customer_name="Алексей Смирнов",
            ship_to="Алексей Смирнов, Thessaloniki, GR",
            carrier="DHL",
            service="Express",
            lines=lines,
            gift_message="Happy birthday, Lena!",
        )
        return replace(order, **changes)

    def in_progress(self) -> ScreenState:
        feedback = Feedback(
            level="ok", message="Counted: Organic tee, size M", detail="3 of 4", sound="success"
        )
        return replace(
            self.no_order(), order=self.order(), feedback=feedback, last_documents=("printer-1",)
        )

    def error(self) -> ScreenState:
        feedback = Feedback(
            level="error",
            message="Not on this order",
            detail="4006381333931 · Stapler, black",
            sound="error",
        )
        return replace(self.in_progress(), feedback=feedback, last_documents=())

    def inserts(self) -> tuple[InsertView, ...]:
        """Every state: done, skipped by the operator, out of stock, the next pending, pending."""
        return (
            InsertView("INS-THANKS", "Thank-you card", quantity=1, done=1),
            InsertView("INS-VOUCHER", "Voucher 10 %", quantity=1, done=0, skipped="skipped_by_operator"),
            InsertView("INS-CATALOG", "Spring catalogue", quantity=0, done=0, skipped="out_of_stock"),
            InsertView("INS-STICKER", "Sticker sheet", quantity=2, done=1),
            InsertView("INS-KEYRING", "Keyring", quantity=1, done=0),
        )

    def packages(self) -> tuple[PackageView, ...]:
        """Package 1 closed and weighed fine; package 2 open and heavier than expected."""
        return (
            PackageView(1, "BOX-M", units=3, weight_g=712, expected_g=700, is_open=False, weight_ok=True),
            PackageView(2, "BOX-S", units=4, weight_g=1340, expected_g=1180, is_open=True,
                        weight_ok=False),
        )

    def with_extras(self) -> ScreenState:
        """Six lines, three inserts (done, out of stock, next) and two packages, the open one too heavy;
        the station asks for a supervisor."""
        lines = (*self.order().lines, LineView("4", "NOTE-A5", "Notebook A5, dotted", ordered=1, counted=0))
        inserts = tuple(self.inserts()[i] for i in (0, 2, 3))
        order = self.order(lines=lines, inserts=inserts, packages=self.packages(),
                           package_weight_g=1340, expected_weight_g=1180)
        feedback = Feedback(level="warn", message="Package 2: 1\u2009340 g, expected 1\u2009180 g",
                            detail="Re-check the package, or ask a supervisor", sound="attention")
        prompt = Prompt("supervisor", "Supervisor: scan your badge to approve the weight")
        return replace(self.in_progress(), order=order, feedback=feedback, prompt=prompt, last_documents=())

    def pin_prompt(self) -> ScreenState:
        feedback = Feedback(level="info", message="Approving the weight of package 2",
                            detail="Supervisor: Anna Berg")
        prompt = Prompt("pin", "Anna Berg: type your PIN, then Enter")
        return replace(self.with_extras(), feedback=feedback, prompt=prompt)

    # -- returns ---------------------------------------------------------------------------------
    defect_codes = ("packaging_damaged", "missing_accessories", "missing_parts", "scratched",
                    "stained", "not_working", "used", "odor")
    wrong_serial = "WRONG ITEM: HEADPHONES-BT serial SN-77120 was not shipped (shipped: SN-55001)"

    def returns_idle(self) -> ScreenState:
        return replace(self.no_order(), station_id="RET-01", mode="returns")

    def return_lines(self) -> tuple[ReturnLineView, ...]:
        """Four RMA lines: one fully received, one half, two not yet."""
        return (
            ReturnLineView("1", "TSHIRT-BLK-M", "T-shirt black, size M", quantity=2, received=2,
                           reason="SIZE_TOO_SMALL", customer_note="Runs small"),
            ReturnLineView("2", "MUG-BLUE-350", "Blue mug 350 ml", quantity=2, received=1,
                           reason="DEFECTIVE", customer_note="Handle cracked on arrival"),
            ReturnLineView("3", "HEADPHONES-BT", "Bluetooth headphones", quantity=1, received=1,
                           reason="NOT_AS_DESCRIBED"),
            ReturnLineView("4", "SOCKS-3PK", "Socks, 3 pack", quantity=1, received=0, reason="UNWANTED"),
        )

    def return_units(self) -> tuple[ReturnUnitView, ...]:
        """Six units, one per disposition, one not on the RMA, and (sixth) no wrong item yet."""
        def unit(seq: int, sku: str, name: str, grade: str, disposition: str, **more: Any) -> ReturnUnitView:
            return ReturnUnitView(seq, sku, name, grade, disposition, lpn=f"LPN0020000004{seq}",
                                  expected=more.pop("expected", True), **more)

        return (
            unit(1, "TSHIRT-BLK-M", "T-shirt black, size M", "A", "RESTOCK"),
            unit(2, "TSHIRT-BLK-M", "T-shirt black, size M", "C", "REFURBISH", defects=("used",)),
            unit(3, "MUG-BLUE-350", "Blue mug 350 ml", "D", "RETURN_TO_VENDOR", defects=("missing_parts",)),
            unit(4, "HEADPHONES-BT", "Bluetooth headphones", "B", "RESALE_HOLD"),
            unit(5, "CAP-RED", "Red cap", "D", "DISPOSE", expected=False, defects=("stained",)),
            unit(6, "TSHIRT-BLK-M", "T-shirt black, size M", "B", "RESTOCK"),
        )

    def inspection(self, **changes: Any) -> InspectionView:
        unit = InspectionView(sku="MUG-BLUE-350", name="Blue mug 350 ml", expected=True, grade="D",
                              defects=("packaging_damaged", "scratched"), disposition="RETURN_TO_VENDOR",
                              lot="L2024-117", all_defects=self.defect_codes)
        return replace(unit, **changes)

    def return_view(self, **changes: Any) -> ReturnView:
        view = ReturnView(rma_number="RMA-5001", order_number="SO-100234", status="open",
                          customer_name="Алексей Смирнов", requested_resolution="refund",
                          lines=self.return_lines(), units=self.return_units(), current=self.inspection())
        return replace(view, **changes)

    def returns_inspecting(self) -> ScreenState:
        """An RMA with four lines, six units recorded and a unit under inspection, graded D."""
        feedback = Feedback(level="ok", message="Grade D: Blue mug 350 ml",
                            detail="Disposition: return to vendor", sound="success")
        return replace(self.returns_idle(), returns=self.return_view(), feedback=feedback)

    def returns_wrong_item(self) -> ScreenState:
        """The headphones just scanned carry a serial that was not shipped: recorded and under inspection."""
        units = self.return_units()
        wrong = replace(units[3], wrong_item=self.wrong_serial)
        current = self.inspection(sku="HEADPHONES-BT", name="Bluetooth headphones", grade=None, defects=(),
                                  disposition=None, lot=None, serial="SN-77120", wrong_item=self.wrong_serial)
        view = self.return_view(units=(*units[:3], wrong, units[4]), current=current)
        feedback = Feedback(level="error", message="Wrong item: serial SN-77120 was not shipped",
                            detail="Shipped: SN-55001", sound="error")
        return replace(self.returns_idle(), returns=view, feedback=feedback)

    def returns_unannounced(self) -> ScreenState:
        """A parcel without RMA, found by its order: no lines, one unit not on any RMA being inspected."""
        current = InspectionView(sku="CAP-RED", name="Red cap", expected=False, grade=None, defects=(),
                                 disposition=None, all_defects=self.defect_codes)
        view = self.return_view(rma_number=None, requested_resolution=None, lines=(), units=(),
                                current=current)
        return replace(self.returns_idle(), returns=view)


@pytest.fixture
def samples() -> Samples:
    return Samples()


class RecorderCore:
    """Implements the `Core` protocol for window tests: records scans, publishes from a worker thread."""

    def __init__(self, state: ScreenState, status: StatusView | None = None) -> None:
        self.scans: list[Scan] = []
        self.listeners: list[Callable[[CoreEvent], None]] = []
        self.state = state
        self.current_status = status or StatusView()

    def submit_scan(self, scan: Scan) -> None:
        self.scans.append(scan)

    def subscribe(self, listener: Callable[[CoreEvent], None]) -> None:
        self.listeners.append(listener)

    def screen_state(self) -> ScreenState:
        return self.state

    def status(self) -> StatusView:
        return self.current_status

    def publish_from_worker(self, event: CoreEvent) -> int:
        """Call every listener from a new thread, as the core does; return that thread's id."""
        worker = threading.Thread(target=lambda: [listener(event) for listener in self.listeners])
        worker.start()
        worker.join()
        assert worker.ident is not None
        return worker.ident


@pytest.fixture
def recorder(samples: Samples) -> RecorderCore:
    return RecorderCore(samples.signed_out())
