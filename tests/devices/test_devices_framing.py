"""Unit tests of FrameDecoder: terminators, chunking, AIM identifiers, refusals, bounce."""

from __future__ import annotations

import pytest

from devices.framing import MAX_FRAME_LENGTH, FrameDecoder, FrameError
from station.domain.scan import Scan


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def codes(results: list[Scan | FrameError]) -> list[str]:
    assert all(isinstance(r, Scan) for r in results), results
    return [r.code for r in results if isinstance(r, Scan)]


@pytest.mark.parametrize("terminator", [b"\r", b"\n", b"\r\n", b"\t"])
def test_every_terminator_ends_a_frame(terminator: bytes) -> None:
    decoder = FrameDecoder("serial")
    assert codes(decoder.feed(b"ABC" + terminator + b"DEF" + terminator)) == ["ABC", "DEF"]


def test_scan_carries_source_and_no_symbology_without_identifier() -> None:
    (scan,) = FrameDecoder("bench-scanner").feed(b"12345\r")
    assert isinstance(scan, Scan)
    assert scan == Scan(code="12345", symbology=None, source="bench-scanner", at=scan.at)


def test_crlf_split_across_chunks_is_one_terminator() -> None:
    decoder = FrameDecoder()
    assert codes(decoder.feed(b"ABC\r")) == ["ABC"]
    assert decoder.feed(b"\n") == []
    assert codes(decoder.feed(b"DEF\r\n")) == ["DEF"]


def test_frame_split_across_many_chunks() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"]C") == []
    assert decoder.feed(b"1010") == []
    assert decoder.feed(b"9501101") == []
    (scan,) = decoder.feed(b"530003\r\nNEXT")
    assert isinstance(scan, Scan)
    assert (scan.code, scan.symbology) == ("0109501101530003", "]C1")
    assert codes(decoder.feed(b"\n")) == ["NEXT"]


def test_one_byte_at_a_time() -> None:
    decoder = FrameDecoder()
    results: list[Scan | FrameError] = []
    for byte in b"AB\r\nCD\tEF\n":
        results.extend(decoder.feed(bytes([byte])))
    assert codes(results) == ["AB", "CD", "EF"]


def test_empty_frames_are_ignored() -> None:
    assert codes(FrameDecoder().feed(b"\r\n\r\n\t\t\nX\n\n")) == ["X"]


def test_gs_survives_and_latin1_is_decoded() -> None:
    (scan,) = FrameDecoder().feed(b"]C10109501101530003\x1d10LOT\xe9\r")
    assert isinstance(scan, Scan)
    assert scan.code == "0109501101530003\x1d10LOTé"


@pytest.mark.parametrize("identifier", ["]C1", "]E0", "]d2", "]Q3", "]e0", "]A0"])
def test_aim_identifier_is_stripped(identifier: str) -> None:
    (scan,) = FrameDecoder().feed(identifier.encode() + b"PAYLOAD\r")
    assert isinstance(scan, Scan)
    assert (scan.code, scan.symbology) == ("PAYLOAD", identifier)


@pytest.mark.parametrize("frame", [b"]1AB", b"]C", b"]$1X", b"x]C1ABC", b"[C1ABC"])
def test_not_an_aim_identifier_is_kept(frame: bytes) -> None:
    (scan,) = FrameDecoder().feed(frame + b"\r")
    assert isinstance(scan, Scan)
    assert (scan.code, scan.symbology) == (frame.decode(), None)


def test_identifier_without_data_is_refused() -> None:
    (error,) = FrameDecoder().feed(b"]C1\r")
    assert isinstance(error, FrameError)
    assert "without data" in error.message


def test_frame_of_max_length_is_accepted() -> None:
    (scan,) = FrameDecoder().feed(b"A" * MAX_FRAME_LENGTH + b"\r")
    assert isinstance(scan, Scan)
    assert len(scan.code) == MAX_FRAME_LENGTH


def test_too_long_frame_is_refused_and_next_frame_read() -> None:
    decoder = FrameDecoder()
    error, scan = decoder.feed(b"B" * (MAX_FRAME_LENGTH + 1) + b"\rNEXT\r")
    assert isinstance(error, FrameError)
    assert "longer than 512" in error.message and "513 received" in error.message
    assert error.raw_preview.startswith("BBBB") and error.raw_preview.endswith("…")
    assert "513" in str(error)
    assert isinstance(scan, Scan) and scan.code == "NEXT"


def test_endless_frame_does_not_grow_memory_and_recovers() -> None:
    decoder = FrameDecoder()
    for _ in range(1000):
        assert decoder.feed(b"Z" * 1024) == []
        assert len(decoder._buffer) <= MAX_FRAME_LENGTH
    error, scan = decoder.feed(b"ZZ\nOK\n")
    assert isinstance(error, FrameError)
    assert f"{1000 * 1024 + 2} received" in error.message
    assert isinstance(scan, Scan) and scan.code == "OK"


@pytest.mark.parametrize("control", [0x00, 0x07, 0x1B, 0x1C, 0x1E, 0x1F, 0x7F, 0x85])
def test_control_bytes_other_than_gs_are_refused(control: int) -> None:
    decoder = FrameDecoder()
    error, scan = decoder.feed(b"AB" + bytes([control]) + b"CD\rGOOD\r")
    assert isinstance(error, FrameError)
    assert f"0x{control:02X}" in error.message
    assert error.raw_preview == f"AB\\x{control:02x}CD"
    assert isinstance(scan, Scan) and scan.code == "GOOD"


def test_bounce_within_100ms_is_one_scan() -> None:
    clock = FakeClock()
    decoder = FrameDecoder(clock=clock)
    assert codes(decoder.feed(b"ITEM\r")) == ["ITEM"]
    clock.now += 0.05
    assert decoder.feed(b"ITEM\r\n") == []


def test_same_code_after_100ms_counts_twice() -> None:
    clock = FakeClock()
    decoder = FrameDecoder(clock=clock)
    assert codes(decoder.feed(b"ITEM\r")) == ["ITEM"]
    clock.now += 0.15
    assert codes(decoder.feed(b"ITEM\r")) == ["ITEM"]


def test_bounce_compares_with_the_frame_just_before() -> None:
    clock = FakeClock()
    decoder = FrameDecoder(clock=clock)
    assert codes(decoder.feed(b"A\rB\rA\r")) == ["A", "B", "A"]
    clock.now += 0.06
    assert decoder.feed(b"A\r") == []
    # A scanner repeating a code every 60 ms stays one scan while it repeats.
    clock.now += 0.06
    assert decoder.feed(b"A\r") == []


def test_bounce_is_on_the_raw_frame_with_identifier() -> None:
    clock = FakeClock()
    decoder = FrameDecoder(clock=clock)
    assert codes(decoder.feed(b"]C1X\r")) == ["X"]
    assert codes(decoder.feed(b"]E0X\r")) == ["X"]
    assert decoder.feed(b"]E0X\r") == []


def test_reset_drops_partial_frame() -> None:
    decoder = FrameDecoder()
    decoder.feed(b"HALF")
    decoder.reset()
    assert codes(decoder.feed(b"WHOLE\r")) == ["WHOLE"]
