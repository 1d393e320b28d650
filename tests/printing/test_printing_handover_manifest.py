"""The carrier manifest: its id decodes as Code 128, every package and the totals read back, both
signature lines are there, and a long manifest flows over numbered pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from printing.documents.handover_manifest import render_handover_manifest, totals
from printing.model import HandoverManifest, ManifestLine

Codes = Callable[..., list[list[str]]]
Text = Callable[[bytes], list[str]]

LINES = (
    ManifestLine("SO-100234", 1, "00340434161094042557", 712),
    ManifestLine("SO-100234", 2, None, 480),
    ManifestLine("SO-100235", 1, "00340434161094042564", None),
)


def make_manifest(lines: tuple[ManifestLine, ...] = LINES, carrier: str = "DHL") -> HandoverManifest:
    return HandoverManifest("MAN-PACK-01-00001", carrier, "PACK-01", "Marta Kowalska",
                            datetime(2026, 11, 22, 16, 5, tzinfo=UTC), lines)


@pytest.mark.parametrize("dpi", [200, 300])
def test_the_manifest_id_decodes(read_codes: Codes, dpi: int) -> None:
    assert read_codes(render_handover_manifest(make_manifest()), dpi=dpi) == [["MAN-PACK-01-00001"]]


def test_the_manifest_lists_every_package_with_totals_and_signature_lines(pdf_text: Text) -> None:
    (text,) = pdf_text(render_handover_manifest(make_manifest(), "Letter"))
    for expected in ("Carrier manifest", "DHL", "MAN-PACK-01-00001", "PACK-01", "2026-11-22 16:05 UTC",
                     "Marta Kowalska", "00340434161094042557", "00340434161094042564", "station label",
                     "0.712 kg", "0.48 kg", "Total: 3 packages, 1.192 kg (1 not weighed)",
                     "Carrier's driver (DHL)", "Supervisor", "Signature, date and time", "page 1 of 1"):
        assert expected in text, expected
    words = " ".join(text.split())  # one cell a line: the rows read in table order
    assert ("1 SO-100234 1 00340434161094042557 0.712 kg 2 SO-100234 2 — (station label) 0.48 kg "
            "3 SO-100235 1 00340434161094042564 —") in words


def test_a_long_manifest_flows_over_numbered_pages(pdf_text: Text, read_codes: Codes) -> None:
    lines = tuple(ManifestLine(f"SO-2{n:05d}", 1, f"1Z4E82A968{n:08d}", 500 + n) for n in range(90))
    pdf = render_handover_manifest(make_manifest(lines))
    pages = pdf_text(pdf)
    assert len(pages) >= 3
    assert all(f"page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    assert all("Tracking number" in page for page in pages)  # the table's head repeats
    assert "SO-200089" in pages[-1] and "Signature, date and time" in pages[-1]
    assert read_codes(pdf, dpi=200)[0] == ["MAN-PACK-01-00001"]


def test_a_carrier_name_in_another_script_prints(pdf_text: Text) -> None:
    (text,) = pdf_text(render_handover_manifest(make_manifest(carrier="Ελληνικά Ταχυδρομεία")))
    assert "Ελληνικά Ταχυδρομεία" in text


@pytest.mark.parametrize(("lines", "text"), [
    ((), "0 packages, 0.0 kg"),
    (LINES[:1], "1 package, 0.712 kg"),
    (LINES, "3 packages, 1.192 kg (1 not weighed)"),
])
def test_totals(lines: tuple[ManifestLine, ...], text: str) -> None:
    assert totals(lines) == text
