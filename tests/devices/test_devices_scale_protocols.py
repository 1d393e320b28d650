"""The scale protocol parsers, table-driven per protocol, and a property: no bytes make them raise."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.scale_protocols import (
    PROTOCOLS,
    Reading,
    get_protocol,
    parse_nci,
    parse_sics,
    parse_toledo8217,
    to_grams,
)

AT = 123.0
STATUSES = {"stable", "motion", "over", "under", "error"}


def even_parity(frame: bytes) -> bytes:
    """The frame as a 7E1 device sends it, read by a host set to 8N1: parity lands in bit 7."""
    return bytes(b | (0x80 if bin(b).count("1") % 2 else 0) for b in frame)


def check(reading: Reading, grams: float | None, status: str, message: str) -> None:
    assert (reading.grams, reading.status) == (grams, status)
    assert message in reading.message
    assert reading.at == AT


@pytest.mark.parametrize(
    ("frame", "grams", "status", "message"),
    [
        (b"S S     123.45 g\r\n", 123.45, "stable", "stable"),
        (b"S S      1.234 kg\r\n", 1234.0, "stable", "stable"),
        (b"S S      0.000 kg\r\n", 0.0, "stable", "stable"),
        (b"S S     -0.02 g\r\n", -0.02, "stable", "stable"),
        (b"S S      500 mg\r\n", 0.5, "stable", "stable"),
        (b"S D     123.40 g\r\n", 123.4, "motion", "in motion"),
        (b"S D      0.250 kg\r\n", 250.0, "motion", "in motion"),
        (b"S +\r\n", None, "over", "over capacity"),
        (b"S -\r\n", None, "under", "under capacity"),
        (b"S I\r\n", None, "error", "S I"),
        (b"ES\r\n", None, "error", "scale error ES: syntax error"),
        (b"ET\r\n", None, "error", "scale error ET: transmission error"),
        (b"EL\r\n", None, "error", "scale error EL: logical error"),
        (even_parity(b"S S     12.5 g\r\n"), 12.5, "stable", "stable"),
        (b"", None, "error", "unreadable"),
        (b"\r\n", None, "error", "unreadable"),
        (b"S S     12,5 g\r\n", None, "error", "not an MT-SICS weight"),
        (b"S X     12.5 g\r\n", None, "error", "not an MT-SICS weight"),
        (b"S S     12.5\r\n", None, "error", "not an MT-SICS weight"),
        (b"S S     12.5 PCS\r\n", None, "error", "unit 'PCS'"),
        (b"S S 1 g\r\nS S 2 g\r\n", None, "error", "not one line"),
        (b"\xff\xfe\x00", None, "error", "unreadable"),
    ],
)
def test_sics(frame: bytes, grams: float | None, status: str, message: str) -> None:
    check(parse_sics(frame, AT), grams, status, message)


@pytest.mark.parametrize(
    ("frame", "grams", "status", "message"),
    [
        (b"\n  1.234kg\r\nS00\r\x03", 1234.0, "stable", "stable"),  # status prefixed by S (SCP-02)
        (b"\n0001.23LB\r\n00\r\x03", 557.919, "stable", "stable"),  # SCP-01, upper-case unit
        (b"\n  0.712lb\r\n00\r\x03", 322.958, "stable", "stable"),
        (b"\n 12.5oz\r\n00\r\x03", 354.369, "stable", "stable"),
        (b"\n 1250g \r\n00\r\x03", 1250.0, "stable", "stable"),
        (b"\n 1lb  2.5oz\r\n00\r\x03", 524.466, "stable", "stable"),
        (b"\n  0.000kg\r\n20\r\x03", 0.0, "stable", "stable"),  # at zero
        (b"\n  1.234kg\r\n0p0\r\x03", 1234.0, "stable", "stable"),  # a third status byte
        (b"\n  1.234kg\r\nS10\r\x03", 1234.0, "motion", "in motion"),
        (b"\nS10\r\x03", None, "motion", "in motion"),
        (b"\n^^^^^^\r\n02\r\x03", None, "over", "over capacity"),
        (b"\n^^^^^^\r\n00\r\x03", None, "over", "over capacity"),
        (b"\nS02\r\x03", None, "over", "over capacity"),
        (b"\nS01\r\x03", None, "under", "under capacity"),
        (b"\n______\r\n01\r\x03", None, "under", "under capacity"),
        (b"\n------\r\n00\r\x03", None, "under", "under capacity"),
        (b"\nS00\r\x03", None, "under", "below zero"),
        (b"\nS40\r\x03", None, "error", "RAM error"),
        (b"\n80\r\x03", None, "error", "EEPROM error"),
        (b"\n04\r\x03", None, "error", "ROM error"),
        (b"\n08\r\x03", None, "error", "faulty calibration"),
        (b"\n0p8\r\x03", None, "error", "initial zero error"),
        (b"\nS<2\r\x03", None, "error", "RAM error, EEPROM error"),  # faults win over "over"
        (b"\n?\r\x03", None, "error", "did not understand"),
        (even_parity(b"\n  1.234kg\r\nS10\r\x03"), 1234.0, "motion", "in motion"),
        (b"", None, "error", "unreadable"),
        (b"  1.234kg\r\n00\r\x03", None, "error", "not framed"),
        (b"\n  1.234kg\r\n00\r", None, "error", "not framed"),
        (b"\n  1.234kg\r\n0\r\x03", None, "error", "no NCI status bytes"),
        (b"\n  1.234kg\r\n00\r\n00\r\x03", None, "error", "no NCI status bytes"),
        (b"\n1.2.3kg\r\n00\r\x03", None, "error", "not an NCI weight"),
        (b"\n  1.234xx\r\n00\r\x03", None, "error", "not understood"),
        (b"\nhello\r\x03", None, "error", "no NCI status bytes"),
    ],
)
def test_nci(frame: bytes, grams: float | None, status: str, message: str) -> None:
    check(parse_nci(frame, AT), grams, status, message)


@pytest.mark.parametrize(
    ("frame", "grams", "status", "message"),
    [
        (b"\x0201.234\r", 1234.0, "stable", "stable"),  # three decimals: kg
        (b"\x02001.50\r", 680.389, "stable", "stable"),  # two decimals: lb
        (b"\x0200150\r", 680.389, "stable", "stable"),  # classic 8213: hundredths of a pound
        (b"\x0200.000\r", 0.0, "stable", "stable"),
        (b"\x0201.234N\r", 1234.0, "stable", "stable (net)"),
        (b"\x0201.234\r\n", 1234.0, "stable", "stable"),
        (b"\x02?A\r", None, "motion", "in motion"),
        (b"\x02?B\r", None, "over", "over capacity"),
        (b"\x02?C\r", None, "over", "over capacity"),  # over and moving: over wins
        (b"\x02?D\r", None, "under", "below zero"),
        (b"\x02?H\r", None, "error", "outside zero capture range"),
        (b"\x02?@\r", None, "error", "without a weight"),
        (b"\x02?P\r", None, "error", "without a weight"),  # centre of zero alone
        (even_parity(b"\x02?A\r"), None, "motion", "in motion"),
        (even_parity(b"\x0201.234\r"), 1234.0, "stable", "stable"),
        (b"", None, "error", "unreadable"),
        (b"01.234\r", None, "error", "not framed"),
        (b"\x0201.234", None, "error", "not framed"),
        (b"\x021.2\r", None, "error", "neither 2 (lb) nor 3 (kg) decimals"),
        (b"\x021234\r", None, "error", "neither 2 (lb) nor 3 (kg) decimals"),
        (b"\x02?\x01\r", None, "error", "bad status byte"),
        (b"\x02abc\r", None, "error", "not an 8217 weight"),
        (b"\x02" + b"9" * 400 + b".123\r", None, "error", "out of range"),
    ],
)
def test_toledo8217(frame: bytes, grams: float | None, status: str, message: str) -> None:
    check(parse_toledo8217(frame, AT), grams, status, message)


@pytest.mark.parametrize(
    ("value", "unit", "grams"),
    [("1.5", "kg", 1500.0), ("1.5", "KG", 1500.0), ("2", "lb", 907.185), ("1", "oz", 28.35),
     ("250", "mg", 0.25), ("12.5", "g", 12.5), ("1", "st", None), ("x", "g", None), ("1e99", "kg", None)],
)
def test_to_grams(value: str, unit: str, grams: float | None) -> None:
    assert to_grams(value, unit) == grams


def test_protocol_table() -> None:
    assert set(PROTOCOLS) == {"sics", "nci", "toledo8217"}  # the choices of config scale.protocol
    assert (get_protocol("sics").request, get_protocol("nci").request) == (b"SI\r\n", b"W\r")
    assert get_protocol("toledo8217").request == b"W"
    with pytest.raises(ValueError, match="unknown scale protocol 'dibal'"):
        get_protocol("dibal")


def test_readings_are_timestamped_now_by_default() -> None:
    import time

    before = time.monotonic()
    reading = parse_sics(b"S S 1 g\r\n")
    assert before <= reading.at <= time.monotonic()


# Bytes that mean something in at least one protocol, so that the property reaches deep branches.
PROTOCOL_BYTES = st.binary(max_size=60) | st.text(
    alphabet="SDIELT +-?^_.0123456789gkmlbozNKGLBOZ@ABDHPp\r\n\x02\x03", max_size=40
).map(str.encode)


@pytest.mark.parametrize("name", sorted(PROTOCOLS))
@given(frame=PROTOCOL_BYTES)
def test_any_bytes_give_a_reading(name: str, frame: bytes) -> None:
    reading = PROTOCOLS[name].parse(frame, AT)
    assert isinstance(reading, Reading)
    assert reading.status in STATUSES and reading.message
    assert reading.grams is None or math.isfinite(reading.grams)
    if reading.status not in ("stable", "motion"):
        assert reading.grams is None
