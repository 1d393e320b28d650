"""A name the printer fonts cannot draw is named on screen when its order or return opens, with how
to fix it; the work goes on (the document still prints, the characters as boxes)."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from printing.fonts import FALLBACK_ENV
from station.bootstrap import Station, build_station
from station.config import validate
from station.demo import DEMO_DATA
from station.domain.scan import Scan
from station.services.printable import unprintable_warning
from station.storage.cache import cache_order, cache_return

DATA = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
NAME = "王小明"


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The fallback font search pointed at an empty folder: a machine without CJK fonts."""
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    monkeypatch.setenv(FALLBACK_ENV, str(empty))


@pytest.fixture
def station(tmp_path: Path) -> Iterator[Station]:
    prints = f"pdf:{tmp_path / 'prints'}"
    config = replace(validate({"database": {"url": f"sqlite:///{tmp_path / 'station.sqlite'}"},
                               "printers": {"label": {"target": prints}, "document": {"target": prints},
                                            "item": {"target": prints}}}), data_dir=tmp_path)
    app = build_station(config, catalog_file=DATA["catalog"])
    order = copy.deepcopy(DATA["orders"][0])
    order["customer"]["name"] = order["ship_to"]["name"] = NAME
    rma = copy.deepcopy(DATA["returns"][0])
    rma["customer"]["name"] = NAME
    with app.db.unit_of_work() as session:
        cache_order(session, order)
        cache_return(session, rma)
    yield app
    app.stop()


def test_an_order_whose_name_cannot_print_warns_and_stays_open(no_cjk_font: None, station: Station) -> None:
    station.desk.handle(Scan("EMP-1001"))
    screen = station.desk.handle(Scan("SO-100234"))
    assert screen.order is not None  # packing goes on
    assert screen.feedback.level == "warn"
    assert f"{NAME}: scan each item. The printer fonts cannot print {NAME}: install a TrueType CJK font" \
        in screen.feedback.detail


def test_a_return_whose_name_cannot_print_warns(no_cjk_font: None, station: Station) -> None:
    station.desk.handle(Scan("EMP-2001"))
    screen = station.desk.handle(Scan("RMA-5001"))
    assert screen.returns is not None and screen.feedback.level == "warn"
    assert f"The printer fonts cannot print {NAME}" in screen.feedback.detail


def test_names_in_the_shipped_font_need_no_warning(no_cjk_font: None) -> None:
    assert unprintable_warning(["Zoë Müller", "Ελένη Παπαδοπούλου", "Дмитрий Иванов", None]) is None
    warning = unprintable_warning(["Zoë", "山田太郎 김민준 カタカナ ひらがな 漢字"])
    # each character named once, the first twelve
    assert warning is not None
    assert warning.startswith("the printer fonts cannot print 山田太郎김민준カタナひら…")
