"""Properties of the scan classifier and tracking normalisation on arbitrary input (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.domain.barcodes import GS1_SYMBOLOGIES
from station.domain.catalog import Catalog, parse_catalog
from station.domain.classify import CONTEXTS, Badge, Command, Context, Meaning, Refused, classify
from station.domain.commands import COMMANDS
from station.domain.scan import Scan
from station.domain.tracking import normalise_tracking, tracking_candidates

DEMO = Path(__file__).resolve().parents[3] / "resources" / "demo" / "backend-data.json"
GS = "\x1d"
MEANINGS = get_args(Meaning)
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def demo() -> Catalog:
    return parse_catalog(json.loads(DEMO.read_text(encoding="utf-8"))["catalog"])


def _demo_codes() -> list[str]:
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    catalog = data["catalog"]
    codes = [b["code"] for p in catalog["products"] + catalog["kits"] for b in p["barcodes"]]
    codes += [i["barcode"] for i in catalog["inserts"]] + [b["barcode"] for b in catalog["boxes"]]
    codes += [s["badge"] for s in catalog["staff"]] + list(COMMANDS)
    codes += [o["order_number"] for o in data["orders"]] + [r["rma_number"] for r in data["returns"]]
    codes += [o["shipping"]["tracking_number"] for o in data["orders"] if o["shipping"]["tracking_number"]]
    return codes


# Pieces real scans are made of, so that the generated text reaches the GS1 and tracking rules
# and not only the "unknown barcode" branch.
PIECES = st.sampled_from([
    *_demo_codes(), GS, "01", "00", "10", "17", "21", "420", "421", "(", ")", "(01)", "(00)", "(420)",
    "]C1", "]d2", "]Q3", "]C0", "%", "-", " ", "1Z", "RMA-", "9400111899223100000000", "10001",
    "04006381333931", "03760123450010", "261231", "991301", "0", "9", "A", "é", "\u200b", "\x00",
    "\x7f", "\x85", "\r", "\n", "\t",
])
SCAN_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(PIECES, max_size=12).map("".join),
    st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=4),
              st.integers(min_value=100, max_value=5000)),   # long scans, up to 20 kB
)
SYMBOLOGY = st.one_of(st.none(), st.sampled_from([*sorted(GS1_SYMBOLOGIES), "]C0", "]E0", "]A0"]),
                      st.text(max_size=4))


@SETTINGS
@given(code=SCAN_TEXT, symbology=SYMBOLOGY, context=st.sampled_from(CONTEXTS))
def test_classify_never_raises_and_always_means_something(demo: Catalog, code: str,
                                                          symbology: str | None,
                                                          context: Context) -> None:
    meaning = classify(Scan(code, symbology), demo, context)
    assert isinstance(meaning, MEANINGS)
    assert meaning == classify(Scan(code, symbology), demo, context)  # no hidden state
    if isinstance(meaning, Refused):
        assert meaning.reason and "\n" not in meaning.reason and GS not in meaning.reason
    if context == "signed_out":
        assert isinstance(meaning, Command | Badge | Refused)


@SETTINGS
@given(code=SCAN_TEXT, context=st.sampled_from(CONTEXTS))
def test_classify_on_an_empty_catalog(code: str, context: Context) -> None:
    assert isinstance(classify(Scan(code), Catalog.empty(), context), MEANINGS)


@SETTINGS
@given(command=st.sampled_from(sorted(COMMANDS)), context=st.sampled_from(CONTEXTS),
       symbology=SYMBOLOGY)
def test_a_command_is_a_command_everywhere(demo: Catalog, command: str, context: Context,
                                           symbology: str | None) -> None:
    assert classify(Scan(command, symbology), demo, context) == Command(command)


TRACKING_TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(PIECES, max_size=10).map("".join),
    st.lists(st.sampled_from([*"0123456789 -()%]CdQ1Z", GS, "420", "10001", "94", "00"]),
             max_size=50).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(TRACKING_TEXT)
def test_normalise_tracking_is_idempotent_and_never_raises(code: str) -> None:
    number = normalise_tracking(code)
    assert normalise_tracking(number) == number
    assert number == number.upper()
    assert " " not in number and "-" not in number and GS not in number


@settings(max_examples=300, deadline=None)
@given(TRACKING_TEXT)
def test_candidates_start_with_the_normalised_number_and_never_repeat(code: str) -> None:
    candidates = tracking_candidates(code)
    assert len(set(candidates)) == len(candidates)
    assert all(candidates)
    if normalise_tracking(code):
        assert candidates[0] == normalise_tracking(code)
    else:
        assert candidates == ()


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=1, max_size=3), st.integers(min_value=1000, max_value=4000))
def test_normalise_tracking_on_long_input(piece: str, times: int) -> None:
    number = normalise_tracking(piece * times)
    assert normalise_tracking(number) == number
