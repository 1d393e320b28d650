"""The returns screen: under the big message area, the open return (RMA or unannounced) on the left:
its header, the RMA lines (received / quantity) and the units recorded, each disposition in its colour
and a wrong item loudly red; on the right, while a unit is under inspection, that unit and the grade
pad. With no return, the message area is the whole screen. It redraws completely from each
`ScreenState`; it keeps no state of its own.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.services.views import InspectionView, ReturnLineView, ReturnUnitView, ReturnView, ScreenState
from ui import style, widgets
from ui.checklist import ElidedLabel
from ui.grade_pad import GradePad, Submit
from ui.message_area import MessageArea, describe

LINE_COLUMNS = ("SKU", "Name", "Received", "Reason · note")
UNIT_COLUMNS = ("LPN", "SKU", "Grade", "Disposition")
ROW_HEIGHT = 31  # 16 pt text with air: four lines and six units fit at 1280×800
MAX_LINE_ROWS = 5  # more RMA lines scroll, so the units keep their room
REASON_MIN = 180  # the reason column's least width while a name wants more
DISPOSITION_PT = 14  # "RETURN TO VENDOR" leaves the SKU its room; the colour says it from afar
CELL_PADDING = 12  # beside the text in a column sized here
HEADER_PADDING = 20  # beside a column header's text (the stylesheet's padding and border)
INSPECTION_WIDTH = 460
NOT_ON_RMA = "NOT ON RMA"
NOT_ON_RMA_MARK = "not on RMA"  # after the SKU of a recorded unit the RMA did not announce


def words(code: str | None) -> str:
    """ "SIZE_TOO_SMALL" → "Size too small"; "" for None."""
    return (code or "").replace("_", " ").capitalize()


def reason_text(line: ReturnLineView) -> str:
    """ "Defective — “Handle cracked on arrival”": the reason, then the customer's note when there is one."""
    note = f" — “{line.customer_note}”" if line.customer_note else ""
    return f"{words(line.reason)}{note}"


def disposition_text(disposition: str | None) -> str:
    """ "RETURN_TO_VENDOR" → "RETURN TO VENDOR"; "—" when there is none yet."""
    return disposition.replace("_", " ") if disposition else "—"


def next_step(current: InspectionView | None) -> str:
    """What to do next in an open return."""
    if current is None:
        return "Scan a returned item · CMD-DONE when all are in"
    if current.grade is None:
        return "Grade it: scan or press A, B, C, D or X"
    return "Defects or disposition, or scan the next item · CMD-DONE to finish"


def empty_text(view: ReturnView) -> str:
    """What the left side says where it has no table to show."""
    parts = [] if view.lines else ["No RMA lines: nothing was announced"]
    if not view.units:
        parts.append("No unit inspected yet")
    return "\n".join(parts)


def message_for(state: ScreenState) -> tuple[str, str, str]:
    """(level, message, detail) for the message area: as everywhere, but with an open return
    the next step replaces the "scan an RMA…" prompt."""
    if state.returns is None or state.prompt is not None:
        return describe(state)
    step = next_step(state.returns.current)
    feedback = state.feedback
    if feedback.level == "idle" or not feedback.message:
        return "idle", step, feedback.detail
    return feedback.level, feedback.message, "\n".join(p for p in (feedback.detail, step) if p)


def _setup_table(table: QTableWidget, name: str, columns: tuple[str, ...], stretch: int) -> None:
    """A scan screen's table (read-only, never focused) that never scrolls sideways."""
    widgets.setup_scan_table(table, columns, stretch=stretch, row_height=ROW_HEIGHT, name=name)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)


def _item(text: str, colours: tuple[str, str] | None = None, *, bold: bool = False,
          centre: bool = False, points: int = 0) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(text)
    if colours is not None:
        item.setBackground(QBrush(QColor(colours[0])))
        item.setForeground(QBrush(QColor(colours[1])))
    if bold or points:
        font = QFont()  # only what is set here counts: the rest (the size) stays the table's
        font.setBold(bold)
        if points:
            font.setPointSize(points)
        item.setFont(font)
    if centre:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


class LinesTable(QTableWidget):
    """The RMA's lines: what the customer said they send back; a line fully received is green.

    The name gets its whole width while the reason keeps REASON_MIN; the reason (and the customer's
    note after it) takes the rest.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _setup_table(self, "rmaLines", LINE_COLUMNS, stretch=3)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)

    def render(self, lines: tuple[ReturnLineView, ...]) -> None:  # type: ignore[override]
        self.setRowCount(len(lines))
        for row, line in enumerate(lines):
            done = (style.DONE_ROW, "#111111") if line.received >= line.quantity else None
            texts = (line.sku, line.name, f"{line.received} / {line.quantity}", reason_text(line))
            for column, text in enumerate(texts):
                self.setItem(row, column, _item(text, done, centre=column == 2, bold=column == 2))
        shown = min(max(len(lines), 1), MAX_LINE_ROWS)
        self.setFixedHeight(self.horizontalHeader().sizeHint().height() + shown * ROW_HEIGHT + 2)
        self._share_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._share_width()

    def _share_width(self) -> None:
        header = self.horizontalHeader()
        fixed = sum(max(self.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in (0, 2))
        spare = self.viewport().width() - fixed
        wanted = max(self.sizeHintForColumn(1), header.sectionSizeHint(1))
        self.setColumnWidth(1, max(0, min(wanted, max(spare - REASON_MIN, spare // 2))))


class WrappingDelegate(QStyledItemDelegate):
    """Draws a cell's text wrapped onto as many lines as its row is tall, the last ending in "…"."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex,
                        ) -> None:
        super().initStyleOption(option, index)
        option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
        option.textElideMode = Qt.TextElideMode.ElideRight


class UnitsTable(QTableWidget):
    """One row per unit recorded, the latest first (what was just done is always in sight; the oldest
    go out of sight at the bottom); the disposition in its colour, a unit not on the RMA marked amber,
    a wrong item loudly red with its alert on a red row of its own under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _setup_table(self, "returnUnits", UNIT_COLUMNS, stretch=1)
        # Sized here, not to their contents: an alert row spans every column from the LPN's.
        for column in (0, 2):
            self.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        # Only the SKU is ever shortened: in the middle, so its end (the size, the "not on RMA") stays;
        # never wrapped onto a hidden second line. Only the alert rows wrap.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setWordWrap(False)
        self._wrapping = WrappingDelegate(self)
        self.alerts: dict[int, str] = {}  # row: the alert shown across it

    def render(self, units: tuple[ReturnUnitView, ...]) -> None:  # type: ignore[override]
        self.clearSpans()
        for row in self.alerts:
            self.setItemDelegateForRow(row, None)  # type: ignore[arg-type]
        self.alerts = {}
        self.setRowCount(0)  # no row keeps the height of an alert it had
        self.setRowCount(len(units) + sum(unit.wrong_item is not None for unit in units))
        row = 0
        for unit in reversed(units):
            self._unitrow(row, unit)
            row += 1
            if unit.wrong_item is not None:
                self._alertrow(row, unit.wrong_item)
                row += 1
        self._fit_columns(units)
        self._fit_alerts()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_alerts()

    def _fit_columns(self, units: tuple[ReturnUnitView, ...]) -> None:
        """The LPN and the grade columns as wide as their texts (and their headers')."""
        header = QFontMetrics(_bold(self.font(), style.RETURNS_HEADER_PT))  # as the stylesheet draws it
        lpn = max((self.fontMetrics().horizontalAdvance(unit.lpn) for unit in units), default=0)
        self.setColumnWidth(0, max(lpn, header.horizontalAdvance(UNIT_COLUMNS[0])) + CELL_PADDING)
        self.setColumnWidth(2, header.horizontalAdvance(UNIT_COLUMNS[2]) + HEADER_PADDING)

    def _unitrow(self, row: int, unit: ReturnUnitView) -> None:
        wrong = style.WRONG_ITEM if unit.wrong_item is not None else None
        sku = unit.sku if unit.expected else f"{unit.sku} · {NOT_ON_RMA_MARK}"
        cells = (
            _item(unit.lpn, wrong),
            _item(sku, wrong or (None if unit.expected else style.NOT_ON_RMA)),
            _item(unit.grade, wrong, bold=True, centre=True),
            _item(disposition_text(unit.disposition), style.disposition_colours(unit.disposition),
                  bold=True, centre=True, points=DISPOSITION_PT),
        )
        for column, cell in enumerate(cells):
            self.setItem(row, column, cell)

    def _alertrow(self, row: int, alert: str) -> None:
        """The alert across the whole row, bold on red, wrapped when long."""
        self.setSpan(row, 0, 1, len(UNIT_COLUMNS))
        self.setItem(row, 0, _item(f"⚠ {alert}", style.WRONG_ITEM, bold=True))
        self.setItemDelegateForRow(row, self._wrapping)
        self.alerts[row] = f"⚠ {alert}"

    def _fit_alerts(self) -> None:
        """Alert rows as tall as their text wrapped across the row; the latest unit in sight."""
        width = sum(self.columnWidth(column) for column in range(self.columnCount())) - CELL_PADDING
        metrics = QFontMetrics(_bold(self.font()))
        for row, text in self.alerts.items():
            wrapped = metrics.boundingRect(QRect(0, 0, max(width, 1), 10_000), Qt.TextFlag.TextWordWrap, text)
            self.setRowHeight(row, max(wrapped.height() + CELL_PADDING, ROW_HEIGHT))
        self.scrollToTop()


class ReturnHeader(QWidget):
    """RMA number (or "Unannounced return") and the requested resolution; customer, order, received."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = widgets.label("rmaNumber")
        self.resolution = widgets.label("resolution", right=True)
        self.customer = ElidedLabel("returnCustomer", keep=160)
        self.order = widgets.label("returnOrder")
        self.received = widgets.label("receivedCount", right=True)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(0)
        grid.setHorizontalSpacing(24)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.resolution, 0, 1, 1, 2)
        grid.addWidget(self.customer, 1, 0)
        grid.addWidget(self.order, 1, 1)
        grid.addWidget(self.received, 1, 2)
        grid.setColumnStretch(0, 1)

    def render(self, view: ReturnView) -> None:  # type: ignore[override]
        self.title.setText(view.rma_number or "Unannounced return")
        resolution = words(view.requested_resolution)
        self.resolution.setText(f"Requested: {resolution}" if resolution else "")
        self.resolution.setVisible(bool(resolution))
        self.customer.show_text(view.customer_name)
        self.order.setText(f"Order {view.order_number}")
        received = sum(min(line.received, line.quantity) for line in view.lines)
        expected = sum(line.quantity for line in view.lines)
        self.received.setText(f"{received} / {expected} received" if view.lines else "")
        self.received.setVisible(bool(view.lines))


class InspectionPanel(QFrame):
    """The unit under inspection: name, SKU and serial or lot, on the RMA or not, a wrong-item banner,
    its grade and the disposition it will get, over the grade pad."""

    def __init__(self, submit: Submit | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspection")
        self.setFixedWidth(INSPECTION_WIDTH)
        self.name = ElidedLabel("unitName", keep=200)
        self.sku = ElidedLabel("unitSku", keep=160)
        self.tracking = ElidedLabel("unitSku", keep=160)  # its serial or lot
        self.expected = widgets.label("unitExpected")
        self.wrong_item = widgets.label("wrongItem", wrap=True)
        self.grade = widgets.label("unitGrade")
        self.disposition = widgets.label("unitDisposition")
        self.disposition.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.grade_pad = GradePad(submit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(4)
        layout.addWidget(self.name)
        layout.addLayout(widgets.row(self.sku, self.expected, stretch=self.sku))
        layout.addWidget(self.tracking)
        layout.addWidget(self.wrong_item)
        layout.addLayout(widgets.row(self.grade, self.disposition, stretch=self.disposition))
        layout.addWidget(self.grade_pad)
        layout.addStretch(1)

    def render(self, unit: InspectionView) -> None:  # type: ignore[override]
        self.name.show_text(unit.name)
        self.sku.show_text(unit.sku)
        tracked = " · ".join(f"{kind} {code}" for kind, code in (("Serial", unit.serial), ("Lot", unit.lot))
                             if code)
        self.tracking.show_text(tracked)
        self.tracking.setVisible(bool(tracked))
        self.expected.setText("On the RMA" if unit.expected else NOT_ON_RMA)
        style.set_state(self.expected, "state", "expected" if unit.expected else "unexpected")
        self.wrong_item.setText(f"⚠ {unit.wrong_item}" if unit.wrong_item else "")
        self.wrong_item.setVisible(unit.wrong_item is not None)
        self.grade.setText(f"Grade {unit.grade}" if unit.grade else "Grade: not yet")
        self.disposition.setText(disposition_text(unit.disposition))
        style.set_state(self.disposition, "disposition", unit.disposition or "")  # the stylesheet colours it
        self.grade_pad.render(unit)


class ReturnsScreen(QWidget):
    """The whole returns screen; `render` draws one `ScreenState`. `submit` receives the grade pad's
    presses as scans (the main window passes the core's `submit_scan`)."""

    def __init__(self, submit: Submit | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_area = MessageArea()
        self.header = ReturnHeader()
        self.lines = LinesTable()
        self.units = UnitsTable()
        self.empty = widgets.label("returnsEmpty", wrap=True)
        self.inspection = InspectionPanel(submit)
        self.grade_pad = self.inspection.grade_pad
        self.return_panel = QWidget()
        panel = QHBoxLayout(self.return_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.setSpacing(12)
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(self.header)
        left.addWidget(self.lines)
        left.addWidget(self.units, 1)
        left.addWidget(self.empty)
        left.addStretch(0)  # without units, the lines stay at the top
        panel.addLayout(left, 1)
        panel.addWidget(self.inspection)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 12, 16, 8)
        self._layout.setSpacing(6)
        self._layout.addWidget(self.message_area)
        self._layout.addWidget(self.return_panel, 1)

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        self.message_area.render(state)
        self.message_area.show_message(*message_for(state))
        view = state.returns
        self.return_panel.setVisible(view is not None)
        # With no return the message area is the whole screen; with one it yields to the return.
        self._layout.setStretchFactor(self.message_area, 0 if view else 1)
        if view is None:
            return
        self.header.render(view)
        self.lines.render(view.lines)
        self.units.render(view.units)
        self.lines.setVisible(bool(view.lines))  # an unannounced return has none
        self.units.setVisible(bool(view.units))
        self.empty.setText(empty_text(view))
        self.empty.setVisible(bool(self.empty.text()))
        self.inspection.setVisible(view.current is not None)
        if view.current is not None:
            self.inspection.render(view.current)

    def flash(self) -> None:
        self.message_area.flash()


def _bold(font: QFont, points: int = 0) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    if points:
        bold.setPointSize(points)
    return bold
