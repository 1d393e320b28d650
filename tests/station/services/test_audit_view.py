"""The audit screen's queries on real rows: two stations sharing one database (SQLite, and PostgreSQL
when configured) worked through a shift by scans, then filtered by operator, order, time, station and
kind, newest first, a page at a time; and every sign-in, scan outcome, override and print is there."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from station.bootstrap import Station
from station.services.audit_view import ACTION_KINDS, AuditQuery, AuditView, summarize
from station.storage.audit import verify_chain
from station.storage.models import AuditRow
from tests.station.services.shift import (
    NOT_ON_ORDER,
    PIN,
    WRONG_PIN,
    make_station,
    pack_an_order,
    scan,
    work_a_shift,
)


@pytest.fixture
def stations(tmp_path: Path, database_url: str) -> Iterator[tuple[Station, Station]]:
    """PACK-01 worked a whole shift; RET-01, on the same database, only signed a clerk in and out."""
    pack = make_station(tmp_path / "pack", database_url)
    work_a_shift(pack)
    ret = make_station(tmp_path / "ret", database_url, station_id="RET-01", number=2)
    scan(ret, "EMP-2001")
    scan(ret, "CMD-SIGN-OUT")
    yield pack, ret
    ret.stop()
    pack.stop()


def everything(view: AuditView, **filters: object) -> list[tuple[str, str, str]]:
    entries = view.page(AuditQuery(limit=500, **filters)).entries  # type: ignore[arg-type]
    return [(e.operator_badge, e.action, e.subject) for e in entries]


def test_every_step_of_the_shift_has_its_row_and_the_chain_holds(stations: tuple[Station, Station]) -> None:
    pack, _ = stations
    rows = everything(AuditView(pack.db), station="PACK-01")[::-1]  # oldest first
    actions = [action for _, action, _ in rows]
    assert actions[:2] == ["sign_in", "command.refused"]
    assert actions.count("unit.counted") == 4  # every counted unit, the one that completed the order too
    assert actions.count("scan.refused") == 1 and actions.count("insert.confirmed") == 4
    for action in ("order.packed", "order.short_shipped", "override.requested", "pin.refused", "pin.accepted",
                   "override.approved", "mode.switched", "return.received", "return.unit_scanned",
                   "return.inspected", "return.unit_graded", "return.completed", "sign_out"):
        assert action in actions, action
    assert actions.count("print") == 4  # two orders' slips and labels, the LPN label, the receipt
    assert {badge for badge, _, _ in rows} == {"EMP-1001", "EMP-9001"}
    with pack.db.read() as session:
        assert verify_chain(session) is None


def test_newest_first_with_names_roles_and_one_line_summaries(stations: tuple[Station, Station]) -> None:
    pack, _ = stations
    page = AuditView(pack.db).page(AuditQuery(station="PACK-01", limit=3))
    assert [e.action for e in page.entries] == ["sign_out", "print", "return.completed"]
    assert page.more and page.offset == 0
    first = page.entries[0]
    assert first.operator == "Marta Kowalska (EMP-9001, supervisor)" and first.at.tzinfo is not None
    entries = AuditView(pack.db).page(AuditQuery(limit=500)).entries
    summaries = {e.action: e.summary for e in entries}  # newest first: the oldest of each action stays
    assert summaries["scan.refused"].startswith(f"{NOT_ON_ORDER}: ") and "not on order" in summaries[
        "scan.refused"]
    assert summaries["unit.counted"] == "+1 TSHIRT-BLK-M · package 1"
    assert summaries["order.short_shipped"].startswith("shipped short: 1 unit in 1 package")
    assert summaries["override.approved"] == "short ship approved by EMP-9001: candles out of stock"
    assert summaries["pin.refused"] == "wrong PIN, 4 tries left"
    assert summaries["print"] == "packing-slip, label-1"
    assert summaries["return.unit_graded"] == "LPN00100000001 SCARF-WOOL-GRY grade B → RESTOCK"
    for entry in entries:
        assert "\n" not in entry.summary and PIN not in entry.summary and WRONG_PIN not in entry.summary
        assert len(entry.summary) <= 200


def test_pages_follow_each_other_without_gaps(stations: tuple[Station, Station]) -> None:
    view = AuditView(stations[0].db)
    whole = [e.id for e in view.page(AuditQuery(limit=500)).entries]
    assert whole == sorted(whole, reverse=True)
    paged: list[int] = []
    offset = 0
    while True:
        page = view.page(AuditQuery(limit=7, offset=offset))
        paged += [e.id for e in page.entries]
        offset += 7
        if not page.more:
            break
    assert paged == whole


@pytest.mark.parametrize(("operator", "badges"), [
    ("EMP-1001", {"EMP-1001"}), ("emp-9001", {"EMP-9001"}), ("marta", {"EMP-9001"}),
    ("Silva", {"EMP-1001"}), ("li wei", {"EMP-2001"}), ("EMP-", {"EMP-1001", "EMP-9001", "EMP-2001"}),
    ("nobody", set()),
])
def test_by_operator_badge_or_name(stations: tuple[Station, Station], operator: str,
                                   badges: set[str]) -> None:
    assert {badge for badge, _, _ in everything(AuditView(stations[0].db), operator=operator)} == badges


def test_by_order_or_rma_and_by_station(stations: tuple[Station, Station]) -> None:
    view = AuditView(stations[0].db)
    order = everything(view, subject="so-100234")
    assert {subject for _, _, subject in order} == {"SO-100234"}
    assert [action for _, action, _ in order][::-1][:2] == ["order.opened", "unit.counted"]
    assert {action for _, action, _ in everything(view, subject="RMA-5001")} >= {
        "return.received", "return.unit_graded", "return.completed", "print"}
    assert everything(view, station="RET-01") == [("EMP-2001", "sign_out", ""), ("EMP-2001", "sign_in", "")]
    assert view.stations() == ["PACK-01", "RET-01"]


def test_by_kind(stations: tuple[Station, Station]) -> None:
    view = AuditView(stations[0].db)
    overrides = {action for _, action, _ in everything(view, kind="overrides and PINs")}
    assert overrides == {"override.requested", "override.supervisor", "pin.refused", "pin.accepted",
                         "override.approved"}
    assert {action for _, action, _ in everything(view, kind="refused scans")} == {"scan.refused",
                                                                                   "command.refused"}
    assert {action for _, action, _ in everything(view, kind="sign-in and sign-out")} == {"sign_in",
                                                                                          "sign_out"}
    assert everything(view, kind="no such kind") == []
    assert set(ACTION_KINDS) >= {"units", "printing", "returns", "hand-over"}


def test_by_local_time_range(stations: tuple[Station, Station]) -> None:
    pack, _ = stations
    earlier = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    with pack.db.unit_of_work() as session:  # move Ana's rows to yesterday morning (the chain breaks:
        session.execute(update(AuditRow).where(AuditRow.operator_badge == "EMP-1001")  # not checked here)
                        .values(at=earlier))
    view = AuditView(pack.db)
    local = earlier.astimezone().replace(tzinfo=None)  # what the supervisor types: local wall-clock time
    yesterday = everything(view, since=local - timedelta(minutes=1), until=local + timedelta(minutes=1))
    assert yesterday and {badge for badge, _, _ in yesterday} == {"EMP-1001"}
    later = everything(view, since=local + timedelta(hours=1))
    assert later and "EMP-1001" not in {badge for badge, _, _ in later}


def test_a_name_comes_from_the_sign_in_when_the_catalog_no_longer_knows_the_badge(
        tmp_path: Path, database_url: str) -> None:
    station = make_station(tmp_path, database_url)
    try:
        pack_an_order(station)
        with station.db.unit_of_work() as session:
            session.execute(update(AuditRow).values(operator_badge="EMP-GONE"))
        entries = AuditView(station.db).page(AuditQuery(limit=500)).entries
    finally:
        station.stop()
    sign_in = entries[-1]
    assert (sign_in.action, sign_in.operator) == ("sign_in", "Ana Silva (EMP-GONE, packer)")
    assert entries[0].operator == "EMP-GONE, packer"


def test_summaries_never_show_secrets() -> None:
    detail = {"reason": "wrong PIN", "pin": "2468", "token": "s3cr3t", "hash": "ab" * 32,
              "backend_token": "t0k3n", "nested": {"password": "pw", "ok": 1}}
    text = summarize("something.new", detail)
    for secret in ("2468", "s3cr3t", "ab" * 32, "t0k3n", "pw"):
        assert secret not in text
    assert "wrong PIN" in text and "ok: 1" in text
    assert summarize("unit.counted", {"sku": "X"}) == "sku: X"  # a detail missing keys: the generic line
