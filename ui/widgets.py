"""Small builders the screens share: labels named for the stylesheet, buttons and read-only tables that
never take the scan input's focus, and rows of widgets side by side."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QTableWidget,
    QWidget,
)


def label(name: str, text: str = "", *, right: bool = False, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setObjectName(name)  # the stylesheet sizes it by name
    widget.setWordWrap(wrap)
    if right:
        widget.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return widget


def button(text: str, name: str = "") -> QPushButton:
    widget = QPushButton(text)
    if name:
        widget.setObjectName(name)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click never takes the scan input's focus
    return widget


def row(*items: QWidget | QLayout | int, stretch: QWidget | None = None) -> QHBoxLayout:
    """Widgets (and layouts) side by side; an int is a fixed gap; `stretch` takes the spare width."""
    line = QHBoxLayout()
    line.setSpacing(10)
    for item in items:
        if isinstance(item, int):
            line.addSpacing(item)
        elif isinstance(item, QLayout):
            line.addLayout(item)
        else:
            line.addWidget(item, 1 if item is stretch else 0)
    return line


def setup_scan_table(table: QTableWidget, columns: Sequence[str], *, stretch: int, row_height: int,
                     name: str = "") -> None:
    """A scan screen's table in big type: read-only, no selection, never focused; columns sized to their
    contents but `stretch`, which takes the rest."""
    if name:
        table.setObjectName(name)
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keystrokes belong to the scan input
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(row_height)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def panel_table(name: str, columns: Sequence[str],
                fit: QHeaderView.ResizeMode = QHeaderView.ResizeMode.ResizeToContents) -> QTableWidget:
    """A supervisor panel's table: read-only rows to select, never focused, cells not wrapped; columns
    sized by `fit` but the last, which takes the rest."""
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan input keeps the focus
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(fit)
    header.setSectionResizeMode(len(columns) - 1, QHeaderView.ResizeMode.Stretch)
    return table
