"""The insert checklist beside the lines: each insert's name, how many are in, and its state.

States: "next" (the first pending one, highlighted: what CMD-SKIP-INSERT would skip), "pending",
"done" (green ✓) and "skipped" (grey, struck through, labelled "skipped" or "out of stock").
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from station.services.views import InsertView
from ui import style

MARKS = {"next": "▶", "pending": "○", "done": "✓", "skipped": "–"}
SKIP_REASONS = {"out_of_stock": "out of stock", "skipped_by_operator": "skipped"}


class ElidedLabel(QLabel):
    """A label whose lines end in "…" when too narrow, rather than widen its parent.

    Its size hint is the whole text; it shrinks below `keep` pixels only when the text is shorter.
    The whole text is its tooltip when shortened.
    """

    def __init__(self, name: str, *, margins: tuple[int, int] = (0, 0), keep: int = 40) -> None:
        super().__init__()
        self.setObjectName(name)
        self._keep = keep
        horizontal, vertical = margins
        self.setContentsMargins(horizontal, vertical, horizontal, vertical)  # eliding measures them
        self.full_text = ""

    def show_text(self, text: str) -> None:
        self.full_text = text
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        return QSize(self._full_width(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self._full_width(), self._keep), super().minimumSizeHint().height())

    def _full_width(self) -> int:
        margins = self.contentsMargins()
        metrics = self.fontMetrics()
        widest = max(metrics.horizontalAdvance(line) for line in self.full_text.split("\n"))
        return widest + margins.left() + margins.right() + 2

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        metrics = self.fontMetrics()
        lines = self.full_text.split("\n")
        text = "\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines)
        self.setText(text)
        self.setToolTip(self.full_text if text != self.full_text else "")


def insert_state(insert: InsertView, is_next: bool) -> str:
    if insert.skipped is not None:
        return "skipped"
    if insert.settled:
        return "done"
    return "next" if is_next else "pending"


def count_text(insert: InsertView) -> str:
    """ "1 / 1", or why it was left out."""
    if insert.skipped is not None:
        return SKIP_REASONS.get(insert.skipped, insert.skipped.replace("_", " "))
    return f"{insert.done} / {insert.quantity}"


class InsertRow(QFrame):
    """One insert: a mark, the name, and its count (or "skipped" / "out of stock")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("insertRow")
        self.mark = QLabel()
        self.mark.setObjectName("insertMark")
        self.mark.setFixedWidth(28)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = ElidedLabel("insertName")
        self.count = QLabel()
        self.count.setObjectName("insertCount")
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 10, 4)
        layout.setSpacing(6)
        layout.addWidget(self.mark)
        layout.addWidget(self.name, 1)
        layout.addWidget(self.count)

    @property
    def state(self) -> str:
        return str(self.property("state"))

    def render(self, insert: InsertView, is_next: bool) -> None:  # type: ignore[override]
        state = insert_state(insert, is_next)
        self.mark.setText(MARKS[state])
        self.name.show_text(insert.name)
        self.count.setText(count_text(insert))
        for widget in (self, self.mark, self.name, self.count):
            style.set_state(widget, "state", state)


class Checklist(QFrame):
    """The order's inserts under a title with how many are settled; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checklist")
        self.title = QLabel()
        self.title.setObjectName("checklistTitle")
        self.rows: list[InsertRow] = []
        self._next_row: InsertRow | None = None
        rows_widget = QWidget()
        rows_widget.setObjectName("checklistRows")
        self._rows_layout = QVBoxLayout(rows_widget)
        self._rows_layout.setContentsMargins(0, 0, 0, 0)
        self._rows_layout.setSpacing(0)
        self._rows_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("checklistScroll")
        self.scroll_area.setWidget(rows_widget)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keystrokes belong to the scan input
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.scroll_area, 1)
        self.setVisible(False)

    def render(self, inserts: tuple[InsertView, ...]) -> None:  # type: ignore[override]
        self.setVisible(bool(inserts))
        settled = sum(insert.settled for insert in inserts)
        self.title.setText(f"Inserts  {settled} / {len(inserts)}")
        while len(self.rows) < len(inserts):
            row = InsertRow()
            self._rows_layout.insertWidget(len(self.rows), row)
            self.rows.append(row)
        next_index = next((i for i, insert in enumerate(inserts) if not insert.settled), None)
        for index, row in enumerate(self.rows):
            row.setVisible(index < len(inserts))
            if index < len(inserts):
                row.render(inserts[index], index == next_index)
        self._next_row = self.rows[next_index] if next_index is not None else None
        QTimer.singleShot(0, self, self._show_next)  # once the rows are laid out

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self, self._show_next)

    def _show_next(self) -> None:
        """Scroll the next pending insert into sight when the rows do not all fit."""
        if self._next_row is not None:
            self.scroll_area.ensureWidgetVisible(self._next_row, 0, 0)

    def visible_rows(self) -> list[InsertRow]:
        return [row for row in self.rows if not row.isHidden()]
