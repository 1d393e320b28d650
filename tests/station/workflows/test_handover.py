"""Hand-over as a pure state machine: which package a scan names, what is refused, what is missing,
when CMD-DONE closes, and the handed_over data (events.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from station.domain.tracking import tracking_candidates
from station.workflows.handover import (
    Added,
    Manifest,
    ManifestPackage,
    PackedPackage,
    Refusal,
    add_package,
    close_step,
    handed_over_data,
    manifest_id,
    missing,
    total_weight,
    undo_last,
)

TODAY = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
DHL_1 = "00340434161094042557"  # SSCC as DHL prints it
DHL_2 = "00340434161094042564"
UPS_1 = "1Z4E82A96812345670"

POOL = (
    PackedPackage("SO-100234", 1, DHL_1, "DHL", 712, TODAY),
    PackedPackage("SO-100234", 2, None, "DHL", 480, TODAY),
    PackedPackage("SO-100234", 3, None, "DHL", None, TODAY),
    PackedPackage("SO-100235", 1, DHL_2, "DHL", 2300, TODAY),
    PackedPackage("SO-100236", 1, UPS_1, "UPS", 650, TODAY),
    PackedPackage("SO-100242", 1, "00340434161094042588", "DHL", 900, TODAY, handed_over="MAN-PACK-01-00007"),
    PackedPackage("SO-100243", 1, "00340434161094042595", "DHL", 300, TODAY, elsewhere="MAN-PACK-02-00003"),
)
EMPTY = Manifest("MAN-PACK-01-00001", "DHL")


def scan(manifest: Manifest, code: str) -> Added | Refusal:
    """As the desk does it: the scan's tracking forms from station.domain.tracking, and the code."""
    return add_package(manifest, code, (*tracking_candidates(code), code), POOL)


def scanned(*codes: str) -> Manifest:
    manifest = EMPTY
    for code in codes:
        result = scan(manifest, code)
        assert isinstance(result, Added), result
        manifest = result.manifest
    return manifest


@pytest.mark.parametrize(("code", "package", "by"), [
    (DHL_1, ("SO-100234", 1), "tracking"),
    ("340434161094042557", ("SO-100234", 1), "tracking"),        # the bare SSCC, without AI 00
    ("(00)340434161094042557", ("SO-100234", 1), "tracking"),    # the human-readable form
    ("0034 0434 1610 9404 2564", ("SO-100235", 1), "tracking"),  # typed in groups
    ("SO-100234", ("SO-100234", 2), "order"),   # the order barcode: the first package without tracking
    ("so-100234", ("SO-100234", 2), "order"),
])
def test_a_scan_names_a_package_by_tracking_number_or_by_the_labels_order_barcode(
        code: str, package: tuple[str, int], by: str) -> None:
    result = scan(EMPTY, code)
    assert isinstance(result, Added)
    assert (result.package.order_number, result.package.package_no) == package and result.by == by
    assert result.manifest.packages == (result.package,) and result.package.seq == 1


def test_each_order_barcode_scan_takes_the_next_package_without_tracking() -> None:
    manifest = scanned("SO-100234", "SO-100234")
    assert [(p.package_no, p.weight_g) for p in manifest.packages] == [(2, 480), (3, None)]
    refused = scan(manifest, "SO-100234")  # only package 1 is left, and it has a tracking number
    assert isinstance(refused, Refusal) and refused.kind == "needs_tracking"
    assert DHL_1 in refused.reason and "TRACKING" in refused.hint
    manifest = scanned("SO-100234", "SO-100234", DHL_1)
    again = scan(manifest, "SO-100234")
    assert isinstance(again, Refusal) and again.kind == "on_manifest"


@pytest.mark.parametrize(("before", "code", "kind", "text"), [
    ((), "GARBAGE-1", "unknown", "GARBAGE-1 is not a package"),
    ((), "SO-999999", "unknown", "SO-999999"),
    ((), UPS_1, "other_carrier", "SO-100236 package 1 goes with UPS, not DHL"),
    ((), "SO-100236", "other_carrier", "goes with UPS"),
    ((DHL_1,), DHL_1, "on_manifest", "SO-100234 package 1 is already on this manifest"),
    ((), "00340434161094042588", "handed_over", "handed over on MAN-PACK-01-00007"),
    ((), "SO-100243", "elsewhere", "on manifest MAN-PACK-02-00003"),
])
def test_refusals(before: tuple[str, ...], code: str, kind: str, text: str) -> None:
    manifest = scanned(*before)
    result = scan(manifest, code)
    assert isinstance(result, Refusal) and result.kind == kind and text in result.reason, result


def test_undo_takes_the_last_package_off_and_its_number_is_not_reused() -> None:
    manifest = scanned(DHL_1, "SO-100234")
    undone = undo_last(manifest)
    assert undone is not None
    shorter, removed = undone
    assert (removed.order_number, removed.package_no) == ("SO-100234", 2)
    assert [p.package_no for p in shorter.packages] == [1] and shorter.last_seq == 2
    result = scan(shorter, "SO-100234")
    assert isinstance(result, Added) and result.package.seq == 3
    assert undo_last(EMPTY) is None


def test_missing_lists_the_carriers_packages_not_scanned_nor_handed_over() -> None:
    manifest = scanned(DHL_1, "SO-100234")
    left = missing(manifest, POOL)
    # SO-100243 is on another open manifest: still missing from this one; SO-100242 left already.
    assert [(p.order_number, p.package_no) for p in left] == [
        ("SO-100234", 3), ("SO-100235", 1), ("SO-100243", 1)]


@pytest.mark.parametrize(("codes", "left", "closing", "step"), [
    ((), 3, False, "empty"),
    ((DHL_1,), 3, False, "confirm"),   # the first CMD-DONE shows what is missing
    ((DHL_1,), 3, True, "close"),      # the second closes without them
    ((DHL_1,), 0, False, "close"),     # nothing missing: closes at once
])
def test_closing_needs_a_second_done_while_packages_are_missing(
        codes: tuple[str, ...], left: int, closing: bool, step: str) -> None:
    manifest = replace(scanned(*codes), closing=closing)
    assert close_step(manifest, POOL[:left]) == step


def test_a_scan_or_an_undo_after_the_first_done_asks_again() -> None:
    manifest = replace(scanned(DHL_1), closing=True)
    result = scan(manifest, DHL_2)
    assert isinstance(result, Added) and not result.manifest.closing
    undone = undo_last(replace(result.manifest, closing=True))
    assert undone is not None and not undone[0].closing


def test_handed_over_data_has_one_object_per_package_with_the_fields_of_events_md() -> None:
    manifest = scanned(DHL_2, "SO-100234")
    operator = {"badge": "EMP-9001", "name": "Marta Kowalska"}
    data = handed_over_data(manifest, station_id="PACK-01", operator=operator,
                            handed_over_at="2026-11-22T16:00:00Z")
    assert data == [
        {"order_number": "SO-100235", "package_no": 1, "tracking_number": DHL_2, "carrier": "DHL",
         "manifest_id": "MAN-PACK-01-00001", "handed_over_at": "2026-11-22T16:00:00Z",
         "station_id": "PACK-01", "operator": operator},
        {"order_number": "SO-100234", "package_no": 2, "tracking_number": None, "carrier": "DHL",
         "manifest_id": "MAN-PACK-01-00001", "handed_over_at": "2026-11-22T16:00:00Z",
         "station_id": "PACK-01", "operator": operator},
    ]


def test_totals_count_the_weighed_packages_only() -> None:
    packages = (ManifestPackage(1, "SO-1", 1, None, 700), ManifestPackage(2, "SO-2", 1, None, None))
    assert total_weight(packages) == (700, 1)
    assert manifest_id("PACK-01", 7) == "MAN-PACK-01-00007"


def test_carrier_names_match_whatever_their_case() -> None:
    manifest = Manifest("MAN-PACK-01-00002", "dhl")
    result = scan(manifest, DHL_1)
    assert isinstance(result, Added)
