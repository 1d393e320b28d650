"""The hand-over screen: the carrier buttons until one is chosen, then the manifest in big type (the
packages scanned, the carrier's packages still to scan, counts and total weight) under the message area.

A carrier button submits the carrier's barcode as a scan would, with source "touch". It redraws
completely from each `ScreenState`; it keeps no state of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.domain.scan import Scan
from station.services.views import CarrierChoiceView, HandoverView, ManifestLineView, ScreenState, grams
from ui import style
from ui.message_area import MessageArea
from ui.widgets import label, setup_scan_table

Submit = Callable[[Scan], None]
SCANNED_COLUMNS = ("#", "Order", "Pkg", "Tracking number", "Weight")
MISSING_COLUMNS = ("Order", "Pkg", "Tracking number")
ROW_HEIGHT = 38
MISSING_WIDTH = 540
CARRIER_COLUMNS = 3
NO_TRACKING = "— station label"
COMMANDS_HINT = ("CMD-DONE closes the manifest · CMD-UNDO takes the last package off · "
                 "CMD-CANCEL puts it aside")
RIGHT_ALIGNED = ("#", "Pkg", "Weight")
MISSING_ROW = "#ffe082"  # amber: a package of this carrier that would be left behind

STYLESHEET = f"""
QLabel#handoverCarrier {{ font-size: {style.ORDER_NUMBER_PT}pt; font-weight: bold; }}
QLabel#manifestId {{ font-size: 20pt; color: #37474f; }}
QLabel#handoverCount {{ font-size: {style.HEADER_PT + 4}pt; font-weight: bold; }}
QLabel#handoverWeight {{ font-size: 22pt; font-weight: bold; }}
QLabel#listTitle {{ font-size: 18pt; font-weight: bold; padding: 2px 0px; }}
QLabel#listTitle[state="closing"] {{ background: #ffb300; border-radius: 6px; padding: 2px 8px; }}
QLabel#chooseTitle {{ font-size: {style.HEADER_PT}pt; font-weight: bold; }}
QLabel#commandsHint {{ font-size: 14pt; color: #37474f; }}
QPushButton#carrierButton {{ font-size: 22pt; font-weight: bold; background: #ffffff;
    border: 3px solid #37474f; border-radius: 10px; padding: 10px; min-height: 96px; }}
QPushButton#carrierButton:pressed {{ background: #bbdefb; }}
"""


class ManifestTable(QTableWidget):
    """Packages in rows, big type, no selection, never the focus."""

    def __init__(self, columns: tuple[str, ...], name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        setup_scan_table(self, columns, stretch=columns.index("Tracking number"), row_height=ROW_HEIGHT,
                         name=name)

    def fill(self, rows: list[tuple[str, ...]], background: str | None = None) -> None:
        self.setRowCount(len(rows))
        brush = QBrush(QColor(background)) if background else QBrush()
        for row, texts in enumerate(rows):
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setBackground(brush)
                if self.columns[column] in RIGHT_ALIGNED:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
        if rows:
            self.scrollToBottom()


class CarrierButtons(QWidget):
    """One big button per carrier: its name, its packages waiting, its manifest put aside."""

    def __init__(self, submit: Submit | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._submit = submit
        self.title = label("chooseTitle", "Carriers with packages packed lately")
        self.empty = label("commandsHint", "No packages were packed lately: nothing to hand over.")
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addLayout(self.grid)
        layout.addStretch(1)
        self.buttons: list[QPushButton] = []

    def render(self, carriers: tuple[CarrierChoiceView, ...]) -> None:  # type: ignore[override]
        shown = [(b.property("barcode"), b.text()) for b in self.buttons]
        if shown == [(c.barcode, _carrier_text(c)) for c in carriers]:
            return
        for button in self.buttons:
            self.grid.removeWidget(button)
            button.deleteLater()
        self.buttons = [self._button(choice) for choice in carriers]
        for index, button in enumerate(self.buttons):
            self.grid.addWidget(button, *divmod(index, CARRIER_COLUMNS))
        self.empty.setVisible(not carriers)

    def _button(self, choice: CarrierChoiceView) -> QPushButton:
        button = QPushButton(_carrier_text(choice))
        button.setObjectName("carrierButton")
        button.setProperty("barcode", choice.barcode)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan input keeps the focus
        button.setAutoDefault(False)
        button.clicked.connect(lambda _=False, code=choice.barcode: self._press(code))
        return button

    def _press(self, code: str) -> None:
        if self._submit is not None:
            self._submit(Scan(code, source="touch"))


class HandoverScreen(QWidget):
    """The whole hand-over screen; `render` draws one `ScreenState`."""

    def __init__(self, submit: Submit | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(STYLESHEET)
        self.message_area = MessageArea()
        self.carriers = CarrierButtons(submit)
        self.carrier = label("handoverCarrier")
        self.manifest_id = label("manifestId")
        self.count = label("handoverCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.weight = label("handoverWeight")
        self.weight.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.scanned_title = label("listTitle")
        self.missing_title = label("listTitle")
        self.scanned = ManifestTable(SCANNED_COLUMNS, "scannedPackages")
        self.missing = ManifestTable(MISSING_COLUMNS, "missingPackages")
        self.hint = label("commandsHint", COMMANDS_HINT)
        self.manifest_panel = self._manifest_panel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(6)
        layout.addWidget(self.message_area)
        layout.addWidget(self.carriers, 1)
        layout.addWidget(self.manifest_panel, 1)

    def _manifest_panel(self) -> QWidget:
        panel = QWidget()
        grid = QGridLayout(panel)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        grid.setHorizontalSpacing(12)
        grid.addWidget(self.carrier, 0, 0)
        grid.addWidget(self.count, 0, 1)
        grid.addWidget(self.manifest_id, 1, 0)
        grid.addWidget(self.weight, 1, 1)
        lists = QHBoxLayout()
        lists.setSpacing(12)
        lists.addLayout(_titled(self.scanned_title, self.scanned), 1)
        side = QWidget()
        side.setFixedWidth(MISSING_WIDTH)
        side.setLayout(_titled(self.missing_title, self.missing))
        lists.addWidget(side)
        grid.addLayout(lists, 2, 0, 1, 2)
        grid.addWidget(self.hint, 3, 0, 1, 2)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(0, 1)
        return panel

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        self.message_area.render(state)
        view = state.handover or HandoverView()
        open_manifest = view.manifest_id is not None
        self.manifest_panel.setVisible(open_manifest)
        self.carriers.setVisible(not open_manifest and state.operator is not None)
        self._layout_stretch(open_manifest or state.operator is not None)
        if open_manifest:
            self._render_manifest(view)
        else:
            self.carriers.render(view.carriers)

    def _layout_stretch(self, below: bool) -> None:
        # Signed out, the message area is the whole screen; else it yields to what is below.
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.setStretchFactor(self.message_area, 0 if below else 1)

    def _render_manifest(self, view: HandoverView) -> None:
        self.carrier.setText(view.carrier or "")
        self.manifest_id.setText(f"Manifest {view.manifest_id}")
        count = len(view.packages)
        self.count.setText(f"{count} package{'' if count == 1 else 's'}")
        self.weight.setText(_weight(view))
        self.scanned_title.setText("On the manifest")
        self.scanned.fill([(str(n), p.order_number, str(p.package_no), p.tracking_number or NO_TRACKING,
                            grams(p.weight_g) if p.weight_g is not None else "—")
                           for n, p in enumerate(view.packages, start=1)])
        missing = len(view.missing)
        self.missing_title.setText(f"Not scanned yet: {missing}" if missing else "Nothing missing ✓")
        style.set_state(self.missing_title, "state", "closing" if view.closing and missing else "")
        self.missing.fill([_missing_row(p) for p in view.missing], MISSING_ROW if view.closing else None)

    def flash(self) -> None:
        self.message_area.flash()


def _weight(view: HandoverView) -> str:
    """The total weight of the packages weighed; those packed without a scale are counted apart."""
    if view.packages and view.unweighed == len(view.packages):
        return "not weighed"
    unweighed = f" ({view.unweighed} not weighed)" if view.unweighed else ""
    return f"{grams(view.total_weight_g)}{unweighed}"


def _missing_row(package: ManifestLineView) -> tuple[str, ...]:
    return (package.order_number, str(package.package_no), package.tracking_number or NO_TRACKING)


def _carrier_text(choice: CarrierChoiceView) -> str:
    waiting = f"{choice.waiting} package{'' if choice.waiting == 1 else 's'} today"
    parked = f"\n{choice.parked} put aside" if choice.parked else ""
    return f"{choice.carrier}\n{waiting}{parked}"


def _titled(title: QLabel, table: QTableWidget) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(title)
    column.addWidget(table, 1)
    return column
