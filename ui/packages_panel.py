"""The order's packages as cards: box, units and weight, the open package emphasised.

The weight is a coloured badge: green when it matches, red when not, amber when a supervisor
approved the mismatch, neutral when not weighed (or when there is nothing to compare with).
The cards stack beside the lines, under the scale's live reading: the lines keep the height.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from station.services.views import PackageView, StatusView, grams
from ui import style
from ui.checklist import ElidedLabel

MAX_CARDS = 2  # more would not fit beside the lines and the inserts


def title_text(package: PackageView) -> str:
    """ "Package 1 · BOX-M · 3 units"."""
    units = f"{package.units} unit" + ("" if package.units == 1 else "s")
    return f"Package {package.package_no} · {package.box or 'no box'} · {units}"


def weight_text(package: PackageView) -> str:
    """ "712 g (expected 700 g)", then who approved a mismatch on a line of its own; or "not weighed"."""
    if package.weight_g is None:
        return "not weighed"
    text = grams(package.weight_g)
    if package.expected_g is not None:
        text += f" (expected {grams(package.expected_g)})"
    if package.weight_ok is False and package.approved_by:
        text += f"\napproved by {package.approved_by}"
    return text


def weight_state(package: PackageView) -> str:
    """ "ok", "bad", "approved" or "none" (not weighed, or nothing to compare with)."""
    if package.weight_g is None or package.weight_ok is None:
        return "none"
    if package.weight_ok:
        return "ok"
    return "approved" if package.approved_by else "bad"


def cards_to_show(packages: tuple[PackageView, ...]) -> tuple[PackageView, ...]:
    """All of them, or, when there are too many: the open one, then any whose weight is wrong
    and not approved, then the latest; in their order."""
    if len(packages) <= MAX_CARDS:
        return packages
    by_urgency = sorted(packages, key=lambda p: (not p.is_open, weight_state(p) != "bad", -p.package_no))
    return tuple(sorted(by_urgency[:MAX_CARDS], key=lambda p: p.package_no))


class ScaleReading(QLabel):
    """The scale's live reading, coloured: green when stable, amber while moving, red on error."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("liveWeight")  # the stylesheet sizes and colours it by name and state
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setVisible(False)
        self.reading = ""  # empty: no scale at this station

    def show_status(self, status: StatusView) -> None:
        self.reading = status.scale
        self.setText(f"Scale: {status.scale}")
        state = "stable" if status.scale_stable else "moving" if status.scale_ok else "error"
        style.set_state(self, "state", state)


class PackageCard(QFrame):
    """One package: its title over its weight badge."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("packageCard")
        self.title = ElidedLabel("packageTitle", margins=(2, 0))
        self.weight = ElidedLabel("cardWeight", margins=(8, 2))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.weight)

    def text(self) -> str:
        """The whole card as one line: "Package 1 · BOX-M · 3 units · 712 g (expected 700 g)"."""
        return " · ".join((self.title.full_text, *self.weight.full_text.split("\n")))

    @property
    def is_open(self) -> bool:
        return bool(self.property("open"))

    @property
    def weight_state(self) -> str:
        return str(self.weight.property("state"))

    def render(self, package: PackageView) -> None:  # type: ignore[override]
        for widget in (self, self.title):
            style.set_state(widget, "open", package.is_open)
        style.set_state(self.weight, "state", weight_state(package))
        self.title.show_text(title_text(package))
        self.weight.show_text(weight_text(package))


class PackagesPanel(QWidget):
    """The scale's reading over the package cards; hidden when there is no package yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.live_weight = ScaleReading()
        self.more = QLabel()
        self.more.setObjectName("morePackages")
        self.cards: list[PackageCard] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._layout.addWidget(self.live_weight)
        self._layout.addWidget(self.more)
        self.setVisible(False)

    def render(self, packages: tuple[PackageView, ...]) -> None:  # type: ignore[override]
        shown = cards_to_show(packages)
        self.setVisible(bool(shown))
        hidden = len(packages) - len(shown)
        self.more.setText(f"+ {hidden} more package" + ("" if hidden == 1 else "s"))
        self.more.setVisible(hidden > 0)
        while len(self.cards) < len(shown):
            card = PackageCard()
            self._layout.addWidget(card)
            self.cards.append(card)
        for index, card in enumerate(self.cards):
            card.setVisible(index < len(shown))
            if index < len(shown):
                card.render(shown[index])

    def visible_cards(self) -> list[PackageCard]:
        return [card for card in self.cards if not card.isHidden()]
