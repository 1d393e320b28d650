"""`station report daily` as a process of the installed command, on the known day worked at two
stations (SQLite and PostgreSQL), part of it delivered to the reference backend: the PDF rasterised
and read back, the chart's bars measured, the CSV parsed; and its errors, one line each."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf import PdfReader

from station.refbackend import ReferenceBackend
from station.storage.db import Database
from station.sync.client import BackendClient
from station.sync.relay import Relay
from tests.devices.scale_simulators import ScaleSimulator
from tests.station.reports.known_day import (
    Clock,
    finish_at_second_station,
    running_station,
    work_the_day,
)

BAR = (0x15, 0x65, 0xC0)  # the chart's bar colour
SHOT_VAR = "STATION_REPORT_SHOT"  # a PNG path: the first page is saved there at 150 dpi (README)


def station_command() -> list[str]:
    script = Path(sys.executable).with_name("station")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "ui.launch"]


def run(tmp_path: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("STATION_CONFIG", "TZ")}
    env.update({f"XDG_{name}_HOME": str(tmp_path / name.lower())
                for name in ("CONFIG", "DATA", "STATE", "CACHE")})
    env["TZ"] = "Europe/Berlin"  # the machine's time zone, as the report reads it
    return subprocess.run([*station_command(), "report", "daily", *args, "--config", str(config)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def write_config(tmp_path: Path, database_url: str, paper: str = "A4") -> Path:
    config = tmp_path / "station.toml"
    config.write_text(f'[station]\nid = "PACK-01"\n[database]\nurl = "{database_url}"\n'
                      f'[printers.document]\npaper = "{paper}"\n', encoding="utf-8")
    return config


@pytest.fixture
def site_day(tmp_path: Path, database_url: str, clock: Clock, scale: ScaleSimulator, refbackend_data: Path,
             refbackend_factory: Callable[..., ReferenceBackend], backend_token: str) -> str:
    """The known day at PACK-01 and PACK-02; then PACK-01's relay sends its events to a backend that
    no longer knows SO-100237: 12 delivered, 1 dead letter, PACK-02's one event still waiting."""
    with running_station(tmp_path, database_url, scale=scale) as station:
        work_the_day(station, clock, scale)
        with running_station(tmp_path, database_url, "PACK-02", 2) as second:
            finish_at_second_station(second, clock)
    data = json.loads(refbackend_data.read_text(encoding="utf-8"))
    data["orders"] = [o for o in data["orders"] if o["order_number"] != "SO-100237"]
    refbackend_data.write_text(json.dumps(data), encoding="utf-8")
    backend = refbackend_factory()
    db = Database(database_url)
    client = BackendClient(backend.url, token=backend_token, station_id="PACK-01", timeout_s=5)
    try:
        Relay(db, client, station_id="PACK-01").run_once()
    finally:
        client.close()
        db.dispose()
    return database_url


def pdf_lines(pdf: bytes) -> list[str]:
    """Every line of text on every page as laid out (a table row is a line), spaces squeezed."""
    pages = [page.extract_text(extraction_mode="layout") for page in PdfReader(io.BytesIO(pdf)).pages]
    return [" ".join(line.split()) for page in pages for line in page.splitlines() if line.strip()]


def bars(page: Image.Image) -> list[tuple[int, int]]:
    """The chart's bars, left to right: (middle x, height) in pixels."""
    rgb = page.convert("RGB")
    width, height = rgb.size
    pixels = rgb.load()
    columns = [sum(1 for y in range(height) if pixels[x, y] == BAR) for x in range(width)]
    found: list[tuple[int, int]] = []
    start = None
    for x, count in enumerate([*columns, 0]):
        if count and start is None:
            start = x
        elif not count and start is not None:
            found.append(((start + x) // 2, max(columns[start:x])))
            start = None
    return found


def sections(text: str) -> dict[str, list[dict[str, str]]]:
    """The CSV's sections: each a ("section", name) row, its column names, its rows, then a blank row."""
    parsed: dict[str, list[dict[str, str]]] = {}
    rows = list(csv.reader(io.StringIO(text)))
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        blocks.append([]) if not row else blocks[-1].append(row)
    for block in blocks:
        (marker, name), columns, *body = block
        assert marker == "section"
        parsed[name] = [dict(zip(columns, row, strict=True)) for row in body]
    return parsed


def test_the_report_of_a_worked_day_as_pdf_and_csv(tmp_path: Path, site_day: str) -> None:
    config = write_config(tmp_path, site_day)
    result = run(tmp_path, config, "--date", "2026-11-20", "--out", "day.pdf", "--csv", "day.csv")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("daily report 2026-11-20 (All stations (PACK-01, PACK-02), times in "
                             "Europe/Berlin): 5 order(s) packed, 2 return(s) completed; PDF written to "
                             "day.pdf, CSV to day.csv\n")
    pdf = (tmp_path / "day.pdf").read_bytes()
    document = pdfium.PdfDocument(pdf)
    pages = [page.render(scale=150 / 72).to_pil() for page in document]
    document.close()
    assert len(pages) == 2 and pages[0].size == (1241, 1754)  # A4 at 150 dpi, rounded up
    if os.environ.get(SHOT_VAR):
        pages[0].quantize(colors=64).save(os.environ[SHOT_VAR], optimize=True)  # a small PNG for the README
    # Orders at 00, 08, 09 (two) and 15 o'clock, Berlin time: the 09 bar twice as tall as the others.
    found = bars(pages[0])
    assert len(found) == 4, found
    (x0, h0), (x8, h8), (x9, h9), (x15, h15) = found
    assert h0 == h8 == h15 and abs(h9 - 2 * h8) <= 2
    step = (x9 - x8)
    assert abs((x8 - x0) - 8 * step) <= 3 and abs((x15 - x9) - 6 * step) <= 3

    lines = pdf_lines(pdf)
    for expected in (
        "Daily report", "All stations (PACK-01, PACK-02) · Friday 20 November 2026",
        "Ana Silva 2 6 1:00 0 0 9 2 22.2 % 1", "Jonas Becker 3 39 1:00 0 0 24 2 8.3 % 1",
        "Li Wei 0 0 — 2 4 6 1 16.7 % 0",
        "PACK-01 4 15 4 4 1 1 2 2 4 0 1", "PACK-02 1 30 1 1 0 0 0 0 0 1 0",
        "Christmas chocolate (Lebkuchen) (INS-XMAS) 7 0 1",
        "3 weighing(s), 1 outside the tolerance, 1 of them approved by a supervisor.",
        "08:12 PACK-01 SO-100236 1 0.925 kg 0.525 kg Ana Silva Marta Kowalska",
        "2 return(s) received, 2 completed, 4 unit(s) graded.",
    ):
        assert expected in lines, (expected, lines)
    text = " ".join(lines)
    assert "Times in Europe/Berlin (UTC+01:00), midnight to midnight" in text
    for fragment in ("SO-100235", "towels out of stock", "TOWEL-BATH-WHT", "LPN00100000005",
                     "HB9Z99X00001", "14 event(s) recorded on the day, 12 of them delivered so far",
                     "Dead letters now: 1", "page 1 of 2", "page 2 of 2"):
        assert fragment in text, fragment

    table = sections((tmp_path / "day.csv").read_text(encoding="utf-8"))
    summary = {row["figure"]: row["value"] for row in table["summary"]}
    assert (summary["date"], summary["time_zone"], summary["from"]) == ("2026-11-20", "Europe/Berlin",
                                                                        "2026-11-20T00:00:00+01:00")
    assert {k: summary[k] for k in ("orders_packed", "units_packed", "packages", "weight_mismatches",
                                    "short_shipments", "returns_received", "returns_completed",
                                    "units_graded", "wrong_item_alerts", "unexpected_units",
                                    "events_recorded", "events_delivered", "events_waiting",
                                    "dead_letters")} == {
        "orders_packed": "5", "units_packed": "45", "packages": "5", "weight_mismatches": "1",
        "short_shipments": "1", "returns_received": "2", "returns_completed": "2", "units_graded": "4",
        "wrong_item_alerts": "1", "unexpected_units": "1", "events_recorded": "14", "events_delivered": "12",
        "events_waiting": "1", "dead_letters": "1"}
    assert table["operators"][0] == {
        "badge": "EMP-1001", "name": "Ana Silva", "orders": "2", "units": "6", "median_order_s": "60",
        "returns_completed": "0", "units_graded": "0", "accepted_scans": "7", "refused_scans": "2",
        "wrong_scan_rate": "0.2222", "overrides": "1"}
    assert [(r["station"], r["orders"], r["events_waiting"], r["dead_letters"])
            for r in table["stations"]] == [("PACK-01", "4", "0", "1"), ("PACK-02", "1", "1", "0")]
    assert [(r["hour"], r["orders"]) for r in table["orders_per_hour"] if r["orders"] != "0"] == [
        ("00", "1"), ("08", "1"), ("09", "2"), ("15", "1")]
    assert table["returns_by_grade"] == [{"grade": "A", "units": "1"}, {"grade": "B", "units": "1"},
                                         {"grade": "D", "units": "2"}]
    assert table["refund_recommendations"] == [{"recommendation": "full", "returns": "1"},
                                               {"recommendation": "partial", "returns": "1"},
                                               {"recommendation": "none", "returns": "0"}]
    assert [(a["kind"], a["sku"], a["serial_or_lot"]) for a in table["alerts"]] == [
        ("unexpected", "SOCKS-01", ""), ("wrong item", "HEADPHONE-BT1", "HB9Z99X00001")]
    assert table["short_shipments"][0]["missing"] == "TOWEL-BATH-WHT x2; CUSHION-LIN-45 x1"


def test_a_station_letter_paper_and_the_default_file_name(tmp_path: Path, site_day: str) -> None:
    config = write_config(tmp_path, site_day, paper="Letter")
    result = run(tmp_path, config, "--date", "2026-11-20", "--station", "PACK-02")
    assert (result.returncode, result.stderr) == (0, "")
    pdf = (tmp_path / "daily-report-2026-11-20-PACK-02.pdf").read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [612, 792]
    lines = pdf_lines(pdf)
    assert "Station PACK-02 · Friday 20 November 2026" in lines
    # Opened by Ana at 08:40:06 at PACK-01, put aside, finished by Jonas at 15:11:48: 14 scans, 1 refused.
    assert "Jonas Becker 1 30 6:31:42 0 0 14 1 7.1 % 0" in lines
    assert not any(line.startswith("PACK-01") for line in lines)  # no table of stations for one


@pytest.mark.parametrize(("args", "message"), [
    (("--date", "2026-13-01"),
     'station: report daily: --date "2026-13-01" is not a date: give it as YYYY-MM-DD'),
    (("--date", "2026-11-20", "--out", "no/such/folder/r.pdf"),
     "station: report daily: cannot write no/such/folder/r.pdf: No such file or directory"),
])
def test_errors_are_one_line_and_a_non_zero_exit(tmp_path: Path, db: Database, args: tuple[str, ...],
                                                 message: str) -> None:
    result = run(tmp_path, write_config(tmp_path, db.url), *args)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")


def test_today_by_default_and_an_empty_day_is_a_report_of_zeros(tmp_path: Path, db: Database) -> None:
    result = run(tmp_path, write_config(tmp_path, db.url))
    assert result.returncode == 0, result.stderr
    [written] = list(tmp_path.glob("daily-report-*.pdf"))
    lines = pdf_lines(written.read_bytes())
    assert "No inserts in the day's orders." in lines and "No order was shipped short." in lines
    assert "0 order(s) packed" in result.stdout
