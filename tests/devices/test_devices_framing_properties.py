"""Properties of FrameDecoder on arbitrary bytes in arbitrary chunks (hypothesis)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from itertools import pairwise
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.framing import MAX_FRAME_LENGTH, FrameDecoder, FrameError
from station.domain.scan import Scan

GS = "\x1d"
SETTINGS = settings(max_examples=300, deadline=None)

# What scanners send, and what line noise and misconfigured scanners add to it.
PIECES = st.sampled_from([
    b"\r", b"\n", b"\r\n", b"\t", b"]C1", b"]E0", b"]d2", b"]", b"\x1d", b"\x00", b"\x07", b"\x1b",
    b"\x7f", b"\x85", b"\xe9", b"\xff", b"0104006381333931", b"SO-100234", b"CMD-DONE", b"EMP-1001",
    b"1Z999AA10123456784", b"A" * 100, b"B" * 511, b"C" * 512, b"D" * 513,
])
STREAM = st.one_of(
    st.binary(max_size=3000),
    st.lists(PIECES, max_size=40).map(b"".join),
    st.lists(st.one_of(PIECES, st.binary(max_size=20)), max_size=30).map(b"".join),
)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(c, len(data)) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in pairwise(edges)]


def run(data: bytes, cuts: list[int], clock: Callable[[], float]) -> list[Scan | FrameError]:
    decoder = FrameDecoder("prop", clock=clock)
    results: list[Scan | FrameError] = []
    for chunk in chunked(data, cuts):
        results.extend(decoder.feed(chunk))
    return results


def key(result: Scan | FrameError) -> tuple[Any, ...]:
    # A scan's time is when it was framed; everything else must not depend on the chunking.
    if isinstance(result, Scan):
        return ("scan", result.code, result.symbology, result.source)
    return ("error", result.message, result.raw_preview)


def far_apart() -> Callable[[], float]:
    now = [0.0]

    def tick() -> float:
        now[0] += 10.0  # every frame long after the last: no bounce
        return now[0]
    return tick


def frozen() -> Callable[[], float]:
    return lambda: 1000.0  # every frame within the bounce window of the last


CUTS = st.lists(st.integers(min_value=0, max_value=3500), max_size=40)
FRAME = st.binary(min_size=1, max_size=40).filter(lambda b: not any(c in b for c in b"\r\n\t"))


@SETTINGS
@given(data=STREAM, cuts=CUTS)
def test_feed_never_raises_and_gives_only_clean_scans_or_errors(data: bytes, cuts: list[int]) -> None:
    for result in run(data, cuts, far_apart()):
        assert isinstance(result, Scan | FrameError)
        if isinstance(result, Scan):
            assert 0 < len(result.code) <= MAX_FRAME_LENGTH
            assert all(c == GS or unicodedata.category(c) != "Cc" for c in result.code), result.code
            assert result.symbology is None or len(result.symbology) == 3
        else:
            assert result.message.startswith("frame refused")
            assert all(c.isprintable() for c in result.raw_preview)


@SETTINGS
@given(data=STREAM, cuts=CUTS, other_cuts=CUTS)
def test_the_chunking_does_not_change_the_frames(data: bytes, cuts: list[int], other_cuts: list[int]) -> None:
    whole = [key(r) for r in run(data, [], far_apart())]
    assert [key(r) for r in run(data, cuts, far_apart())] == whole
    assert [key(r) for r in run(data, other_cuts, far_apart())] == whole
    one_byte_at_a_time = list(range(len(data)))
    assert [key(r) for r in run(data, one_byte_at_a_time, far_apart())] == whole


@SETTINGS
@given(data=STREAM, cuts=CUTS)
def test_with_the_bounce_filter_on_the_chunking_still_does_not_matter(data: bytes, cuts: list[int]) -> None:
    assert [key(r) for r in run(data, cuts, frozen())] == [key(r) for r in run(data, [], frozen())]


@SETTINGS
@given(frames=st.lists(FRAME, max_size=20), cuts=CUTS)
def test_every_terminated_frame_comes_out_once_in_order(frames: list[bytes], cuts: list[int]) -> None:
    data = b"".join(frame + b"\r\n" for frame in frames)
    results = run(data, cuts, far_apart())
    assert len(results) == len(frames)
    for frame, result in zip(frames, results, strict=True):
        if isinstance(result, Scan):
            assert (result.symbology or "") + result.code == frame.decode("latin-1")
