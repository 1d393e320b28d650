"""The packing screen: the order being packed, its lines, the progress and the big message area.

Beside the lines, when the order has them: the package cards (under the scale's live reading)
and the insert checklist.

It redraws completely from each `ScreenState`; it keeps no state of its own.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from station.services.views import LineView, OrderView, ScreenState, StatusView, grams
from ui import style
from ui.checklist import Checklist, ElidedLabel
from ui.message_area import MessageArea
from ui.packages_panel import PackagesPanel, ScaleReading
from ui.widgets import label, setup_scan_table

COLUMNS = ("SKU", "Name", "Ordered", "Counted")
ROW_HEIGHT = 38  # 18 pt text with air; six lines fit beside the package cards at 1280×800
SIDE_WIDTH = 390  # the package cards and the insert checklist, beside the lines
KIT_INDENT = "    ↳ "  # before a kit component's name; its SKU is indented as far, without the arrow


class LinesTable(QTableWidget):
    """The order's lines: completed ones green, kit components indented under their kit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        setup_scan_table(self, COLUMNS, stretch=1, row_height=ROW_HEIGHT)

    def render(self, lines: tuple[LineView, ...]) -> None:  # type: ignore[override]
        self.setRowCount(len(lines))
        for row, line in enumerate(lines):
            self._fill_row(row, line)
        first_open = next((row for row, line in enumerate(lines) if not line.done), None)
        item = self.item(first_open, 0) if first_open is not None else None
        if item is not None:
            self.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)

    def _fill_row(self, row: int, line: LineView) -> None:
        indent = KIT_INDENT if line.indent else ""
        counted = f"{line.counted}  ✓" if line.done else str(line.counted)
        sku = " " * len(indent) + line.sku
        texts = (sku, f"{indent}{line.name}", str(line.ordered), counted)
        background = QBrush(QColor(style.DONE_ROW)) if line.done else QBrush()
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            if column >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setBackground(background)
            self.setItem(row, column, item)


class OrderHeader(QWidget):
    """Order number, customer, ship-to, carrier, progress, and gift message and notes when present."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order_number = label("orderNumber")
        self.customer = ElidedLabel("customer", keep=480)  # a long one is shortened, not widening
        self.ship_to = ElidedLabel("shipTo", keep=560)
        self.carrier = label("carrier")
        self.progress = label("progress")
        self.progress.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(18)
        self.package_weight = label("packageWeight")
        self.live_weight = ScaleReading()  # here while there are no package cards to stand over
        self.gift = label("gift", wrap=True)
        self.notes = label("notes", wrap=True)
        self.carrier.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.order_number, 0, 0)
        grid.addWidget(self.progress, 0, 1)
        grid.addWidget(self.customer, 1, 0)
        grid.addWidget(self.progress_bar, 1, 1)
        grid.addWidget(self.ship_to, 2, 0)
        grid.addWidget(self.carrier, 2, 1)
        grid.addWidget(self.package_weight, 3, 0)
        grid.addWidget(self.live_weight, 3, 1)
        grid.addWidget(self.gift, 4, 0, 1, 2)
        grid.addWidget(self.notes, 5, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

    def render(self, order: OrderView) -> None:  # type: ignore[override]
        self.order_number.setText(order.order_number)
        self.customer.show_text(order.customer_name)
        self.ship_to.show_text(f"Ship to: {order.ship_to}")
        self.carrier.setText(" · ".join(part for part in (order.carrier, order.service) if part))
        self.progress.setText(f"{order.units_counted} / {order.units_total} units")
        self.progress_bar.setRange(0, max(order.units_total, 1))
        self.progress_bar.setValue(order.units_counted)
        _set_optional(self.gift, "Gift message: ", order.gift_message)
        _set_optional(self.notes, "Notes: ", order.notes)
        # With package cards, the open package's weight is on its card.
        weight = None if order.packages else _package_weight(order)
        _set_optional(self.package_weight, "Package weight: ", weight)

    def show_scale(self, status: StatusView) -> None:
        self.live_weight.show_status(status)


def _package_weight(order: OrderView) -> str | None:
    if order.package_weight_g is None:
        return None
    text = grams(order.package_weight_g)
    if order.expected_weight_g is not None:
        text += f" (items {grams(order.expected_weight_g)})"
    return text


class PackingScreen(QWidget):
    """The whole packing screen; `render` draws one `ScreenState`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message_area = MessageArea()
        self.header = OrderHeader()
        self.table = LinesTable()
        self.packages = PackagesPanel()
        self.checklist = Checklist()
        self.side = _side_column(self.packages, self.checklist)
        self.documents = label("documents")
        self.documents.setTextFormat(Qt.TextFormat.RichText)
        self.documents.setOpenExternalLinks(True)
        self.documents.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.documents.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.order_panel = QWidget()
        panel = QHBoxLayout(self.order_panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.setSpacing(12)
        lines = QVBoxLayout()
        lines.addWidget(self.header)
        lines.addWidget(self.table, 1)
        panel.addLayout(lines, 1)
        panel.addWidget(self.side)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(16, 12, 16, 8)
        self._layout.setSpacing(6)
        self._layout.addWidget(self.message_area)
        self._layout.addWidget(self.order_panel, 1)
        self._layout.addWidget(self.documents)

    def render(self, state: ScreenState) -> None:  # type: ignore[override]
        self.message_area.render(state)
        order = state.order
        self.order_panel.setVisible(order is not None)
        # With no order the message area is the whole screen; with one it yields to the lines.
        self._layout.setStretchFactor(self.message_area, 0 if order else 1)
        if order is not None:
            self.header.render(order)
            self.table.render(order.lines)
            self.packages.render(order.packages)
            self.checklist.render(order.inserts)
            self._fit_side()
        self._set_documents(state.last_documents)

    def flash(self) -> None:
        self.message_area.flash()

    def show_scale(self, status: StatusView) -> None:
        self.header.show_scale(status)
        self.packages.live_weight.show_status(status)
        self._fit_side()

    def _fit_side(self) -> None:
        """The scale's reading stands over the package cards when there are some, else in the header;
        the side column shows only with something in it."""
        has_scale = bool(self.header.live_weight.reading)
        on_cards = not self.packages.isHidden()
        self.header.live_weight.setVisible(has_scale and not on_cards)
        self.packages.live_weight.setVisible(has_scale and on_cards)
        self.side.setVisible(on_cards or not self.checklist.isHidden())

    def _set_documents(self, documents: tuple[str, ...]) -> None:
        # Files written by a pdf:/zpl: target are links: one click opens them in the viewer.
        self.documents.setText("Last printed: " + " · ".join(_document_link(d) for d in documents)
                               if documents else "")
        self.documents.setVisible(bool(documents))


def _document_link(where: str) -> str:
    path = Path(where)
    if path.is_absolute() and path.suffix.lower() in (".pdf", ".zpl"):
        url = QUrl.fromLocalFile(str(path)).toString()
        return f'<a href="{html.escape(url)}">{html.escape(path.name)}</a>'
    return html.escape(where)


def _side_column(packages: PackagesPanel, checklist: Checklist) -> QWidget:
    side = QWidget()
    side.setFixedWidth(SIDE_WIDTH)
    layout = QVBoxLayout(side)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(10)
    layout.addWidget(packages)
    layout.addWidget(checklist, 1)
    layout.addStretch(0)  # without inserts, the cards stay at the top
    side.setVisible(False)
    return side


def _set_optional(label: QLabel, prefix: str, text: str | None) -> None:
    label.setText(f"{prefix}{text}" if text else "")
    label.setVisible(bool(text))
