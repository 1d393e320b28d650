"""A crash at any moment loses nothing that was counted (scanning.md, Packing rules).

The real GUI process (offscreen) packs SO-100241 (12 + 12 T-shirts and 6 mugs) from a serial scanner
on a pseudo-terminal and is killed with SIGKILL right after scans are written: alone, after a case,
in the middle of a burst, during the resume itself. After every kill the database must hold a prefix
of what was written, in order and whole (a case counts 12 or nothing), and everything seen committed
before the kill; the restarted station resumes with those counts. The order then completes once,
and exactly one station.order.packed event reaches the backend.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select

from station.storage.models import AuditRow, OutboxRow, PackedUnitRow, PackingSessionRow
from tests.e2e.conftest import Backend, PtyScanner, wait_for, write_config
from tests.e2e.station_process import StationProcess

# Kept back for the last two runs: the kill during the resume has scans to lose, and the order
# must not complete (and report) before the last run.
HOLD = {"TSHIRT-BLK-L": 3}
ORDER = "SO-100241"
ORDERED = {"TSHIRT-BLK-M": 12, "TSHIRT-BLK-L": 12, "MUG-01": 6}
BADGE = "EMP-1001"
# Each product by its EAN (or UPC) and the same number as GTIN-14: two raw frames for one product, so
# that back-to-back scans of one product are never taken for scanner bounce.
SINGLES = {"TSHIRT-BLK-M": ("4006381333931", "04006381333931"),
           "TSHIRT-BLK-L": ("4006381333948", "04006381333948"),
           "MUG-01": ("5601234100013", "05601234100013")}
CASES = {"TSHIRT-BLK-M": ("14006381333938", 12), "MUG-01": ("15601234100010", 6)}

Row = tuple[str, int]  # a counted scan as stored: (barcode, quantity)


@dataclass(frozen=True)
class Code:
    barcode: str
    sku: str
    quantity: int

    @property
    def row(self) -> Row:
        return (self.barcode, self.quantity)


class Plan:
    """Frames for what is still to scan, planned as if every written frame counts (so none can
    overshoot), never repeating the previous raw frame (the 100 ms bounce filter). `hold` keeps
    units back for a later run."""

    def __init__(self, left: dict[str, int], rng: random.Random, hold: dict[str, int] | None = None) -> None:
        self.left = {sku: max(0, n - (hold or {}).get(sku, 0)) for sku, n in left.items()}
        self.rng = rng
        self.last = ""

    def single(self, sku: str) -> Code:
        assert self.left[sku] > 0, f"nothing left of {sku}"
        barcode = next(code for code in SINGLES[sku] if code != self.last)
        return self._take(Code(barcode, sku, 1))

    def singles(self, n: int, skus: tuple[str, ...] = tuple(ORDERED)) -> list[Code]:
        codes: list[Code] = []
        while len(codes) < n and any(self.left[sku] > 0 for sku in skus):
            codes.append(self.single(self.rng.choice([sku for sku in skus if self.left[sku] > 0])))
        return codes

    def case(self, sku: str) -> Code | None:
        barcode, quantity = CASES[sku]
        return self._take(Code(barcode, sku, quantity)) if self.left[sku] >= quantity else None

    def _take(self, code: Code) -> Code:
        self.left[code.sku] -= code.quantity
        self.last = code.barcode
        return code


class Db:
    """Reads the station's SQLite file from outside (plain reads: they take no lock)."""

    def __init__(self, path: Path) -> None:
        self.engine: Engine = create_engine(f"sqlite:///{path}")

    def rows(self) -> list[Row]:
        """The order's counted scans not undone, in counting order."""
        with self.engine.connect() as c:
            return [(b, q) for b, q in c.execute(
                select(PackedUnitRow.barcode, PackedUnitRow.quantity)
                .join(PackingSessionRow, PackingSessionRow.id == PackedUnitRow.session_id)
                .where(PackingSessionRow.order_number == ORDER, PackedUnitRow.undone_at.is_(None))
                .order_by(PackedUnitRow.session_id, PackedUnitRow.seq))]

    def audits(self, action: str) -> list[dict[str, object]]:
        with self.engine.connect() as c:
            return [d for (d,) in c.execute(select(AuditRow.detail).where(AuditRow.action == action)
                                            .order_by(AuditRow.id))]

    def openings(self) -> list[tuple[str, dict[str, object]]]:
        """The order's openings and resumptions, oldest first: (action, detail)."""
        with self.engine.connect() as c:
            return [(a, d) for a, d in c.execute(
                select(AuditRow.action, AuditRow.detail)
                .where(AuditRow.action.in_(("order.opened", "order.resumed")), AuditRow.subject == ORDER)
                .order_by(AuditRow.id))]

    def count(self, action: str) -> int:
        with self.engine.connect() as c:
            return c.execute(select(func.count()).select_from(AuditRow)
                             .where(AuditRow.action == action)).scalar_one()

    def sessions(self) -> list[str]:
        with self.engine.connect() as c:
            return list(c.execute(select(PackingSessionRow.state)
                                  .where(PackingSessionRow.order_number == ORDER)).scalars())

    def outbox(self) -> list[tuple[str, str, str]]:
        with self.engine.connect() as c:
            return [(i, t, s) for i, t, s in c.execute(
                select(OutboxRow.id, OutboxRow.type, OutboxRow.state).where(OutboxRow.subject == ORDER))]


def left_to_scan(rows: list[Row]) -> dict[str, int]:
    sku_of = {code: sku for sku, codes in SINGLES.items() for code in codes}
    sku_of |= {code: sku for sku, (code, _n) in CASES.items()}
    left = dict(ORDERED)
    for barcode, quantity in rows:
        left[sku_of[barcode]] -= quantity
    assert all(n >= 0 for n in left.values()), f"more counted than ordered: {rows}"
    return left


class OrderStation(StationProcess):
    """The station process packing ORDER, signed in as BADGE."""

    def __init__(self, config: Path, log_dir: Path, scanner: PtyScanner, db: Db, run: int) -> None:
        super().__init__(config, log_dir, scanner, run, badge=BADGE, sign_ins=lambda: db.count("sign_in"))
        self.db = db

    def open_order(self) -> tuple[str, dict[str, object]]:
        """Scan the order number; returns its audit row's action (opened or resumed) and detail."""
        before = len(self.db.openings())
        self.scanner.scan(ORDER)
        wait_for(lambda: len(self.db.openings()) > before, what="the order opened")
        [opening] = self.db.openings()[before:]
        return opening


@pytest.fixture
def seed() -> int:
    """The random kill points and scan mix; CRASH_SEED=<n> replays a run's plan."""
    return int(os.environ.get("CRASH_SEED", str(time.time_ns() % 1_000_000)))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Db]:
    reader = Db(tmp_path / "station.db")
    yield reader
    reader.engine.dispose()


def test_killed_mid_order_resumes_with_every_committed_scan_and_reports_once(
        tmp_path: Path, backend: Backend, pty_scanner: PtyScanner, seed: int, db: Db,
        processes: list[StationProcess]) -> None:
    rng = random.Random(seed)
    seed_note = f"(CRASH_SEED={seed})"
    config = write_config(tmp_path, backend.url, pty_scanner.port)

    def start() -> StationProcess:
        process = OrderStation(config, tmp_path, pty_scanner, db, len(processes) + 1)
        processes.append(process)
        process.sign_in()
        return process

    def scan(codes: list[Code], gap_s: tuple[float, float] = (0.0, 0.0)) -> None:
        for code in codes:
            pty_scanner.scan(code.barcode)
            if gap_s[1]:
                time.sleep(rng.uniform(*gap_s))

    def crash(process: StationProcess, before: list[Row], written: list[Code], delay_s: float) -> list[Row]:
        """Kill the process `delay_s` after the last write; check what survived."""
        time.sleep(delay_s)
        seen = db.rows()  # committed at the latest now: must survive the kill
        process.kill()
        after = db.rows()
        assert after[:len(seen)] == seen, f"committed scans lost in the crash {seed_note}"
        assert after[:len(before)] == before, f"scans of an earlier run lost {seed_note}"
        new = after[len(before):]
        assert new == [c.row for c in written[:len(new)]], (
            f"after the kill the database does not hold a prefix of the scans written {seed_note}:\n"
            f"written {[c.row for c in written]}\nstored {new}")
        left_to_scan(after)  # never more than ordered
        print(f"run {len(processes)}: {len(written)} scans written, {len(new)} stored, "
              f"{len(seen) - len(before)} seen stored before the kill")
        assert db.sessions() == ["open"]
        return after

    def resume(process: StationProcess, rows: list[Row]) -> None:
        action, detail = process.open_order()
        assert action == "order.resumed", (action, detail)  # "Resumed SO-100241" on screen
        assert detail["units"] == len(rows), (detail, rows)  # with every stored scan, no other

    # Run 1: three scans seen committed, then a burst of five, killed after a random one of them.
    # (Only size L: the M T-shirts and the mugs are kept whole for their cases.)
    process = start()
    assert process.open_order()[0] == "order.opened"
    plan = Plan(ORDERED, rng, HOLD)
    first = [plan.single("TSHIRT-BLK-L") for _ in range(3)]
    scan(first, gap_s=(0.05, 0.05))
    wait_for(lambda: len(db.rows()) == 3, what="the first three scans committed")
    burst = [plan.single("TSHIRT-BLK-L") for _ in range(5)]
    burst = burst[:rng.randint(1, len(burst))]
    scan(burst)
    rows = crash(process, [], first + burst, delay_s=rng.uniform(0.0, 0.02))
    assert len(rows) >= 3

    # Run 2: a case of 12 T-shirts, killed 0-60 ms after it was written: 12 units or none.
    process = start()
    resume(process, rows)
    plan = Plan(left_to_scan(rows), rng, HOLD)
    case = plan.case("TSHIRT-BLK-M")
    assert case is not None
    written = [case, plan.single("TSHIRT-BLK-L")]
    scan(written)
    rows = crash(process, rows, written, delay_s=rng.uniform(0.0, 0.06))

    # Run 3: a burst in a single write (several frames in one chunk), killed a moment later.
    process = start()
    resume(process, rows)
    plan = Plan(left_to_scan(rows), rng, HOLD)
    chunk = plan.singles(rng.randint(4, 9), skus=("TSHIRT-BLK-M", "TSHIRT-BLK-L"))
    os.write(pty_scanner.master, b"".join(c.barcode.encode() + b"\r" for c in chunk))
    rows = crash(process, rows, chunk, delay_s=rng.uniform(0.0, 0.04))

    # Run 4: the case of 6 mugs and single scans, 0-30 ms apart; the kill comes right after a
    # random one of them.
    process = start()
    resume(process, rows)
    plan = Plan(left_to_scan(rows), rng, HOLD)
    mugs = plan.case("MUG-01")
    assert mugs is not None
    stream = [mugs, *plan.singles(rng.randint(3, 8), skus=("TSHIRT-BLK-M", "TSHIRT-BLK-L"))]
    stream = stream[:rng.randint(1, len(stream))]
    scan(stream, gap_s=(0.0, 0.03))
    rows = crash(process, rows, stream, delay_s=0.0)

    # Run 5: killed while resuming: the order number and the first scans just written (they are
    # handled after the order number, so they count only if the order opened before the kill).
    process = start()
    plan = Plan(left_to_scan(rows), rng, {"TSHIRT-BLK-L": 1})
    early = plan.singles(3)
    assert early
    pty_scanner.scan(ORDER)
    scan(early)
    rows = crash(process, rows, early, delay_s=rng.uniform(0.0, 0.15))

    # Run 6: resume, count the rest, settle the inserts; the order completes once.
    process = start()
    resume(process, rows)
    assert len(processes) >= 6 and sum(1 for p in processes if p.process.returncode == -signal.SIGKILL) == 5
    plan = Plan(left_to_scan(rows), rng)
    rest = plan.singles(sum(plan.left.values()))
    scan(rest, gap_s=(0.0, 0.01))
    wait_for(lambda: sum(q for _b, q in db.rows()) == 30 or db.sessions() == ["completed"],
             what="every unit counted")
    for _ in range(5):  # the plan's inserts (the Christmas chocolate, by today's date), if any
        if db.sessions() == ["completed"]:
            break
        time.sleep(0.15)  # the same frame again within 100 ms would be bounce
        pty_scanner.scan("CMD-SKIP-INSERT")
        time.sleep(0.3)
    wait_for(lambda: db.sessions() == ["completed"], what="the order completed")
    assert db.rows() == rows + [c.row for c in rest], "the last scans counted in order, once each"
    assert left_to_scan(db.rows()) == dict.fromkeys(ORDERED, 0)
    assert db.audits("scan.refused") == []  # no scan overshot: none was counted twice

    wait_for(lambda: any(e["subject"] == ORDER for e in backend.events()), what="the event delivered")
    wait_for(lambda: [s for _i, _t, s in db.outbox()] == ["delivered"], what="the outbox row delivered")
    time.sleep(0.5)  # a second delivery, if any, would come now
    process.stop()
    for run in processes:
        assert "Traceback" not in run.log(), run.log()

    packed = [e for e in backend.events() if e["subject"] == ORDER]
    assert [e["type"] for e in packed] == ["station.order.packed"], packed
    [(event_id, event_type, state)] = db.outbox()
    assert (event_id, event_type, state) == (packed[0]["id"], "station.order.packed", "delivered")
    data = packed[0]["data"]
    assert isinstance(data, dict)
    items: dict[str, int] = {}
    for package in data["packages"]:
        for item in package["items"]:
            items[item["sku"]] = items.get(item["sku"], 0) + item["quantity"]
    assert items == ORDERED
    assert len(db.audits("order.opened")) == 1
    assert len(db.audits("order.resumed")) in (4, 5)  # run 5 may have died before its order opened
