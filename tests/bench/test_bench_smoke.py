"""The benchmarks run small, as a smoke test: they must produce their numbers. Speed is not asserted."""

from __future__ import annotations

import pytest

from bench import BENCHMARKS, load
from bench.__main__ import main
from bench.sync_throughput import QUICK_N, Throughput


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_benchmark_produces_numbers(name: str) -> None:
    result = load(name)(quick=True)
    for side in (result.subject, result.baseline):
        assert side.n > 0
        assert 0 < side.p50_ms <= side.p99_ms
    assert result.p50_ratio > 0 and result.p99_ratio > 0
    table = result.table()
    assert "p50" in table and "p99" in table
    if isinstance(result, Throughput):
        assert f"goal: events/s ratio >= {result.goal_rate_ratio:g}" in table
    else:
        assert f"goal: p99 ratio <= {result.goal_p99_ratio:g}" in table


def test_sync_throughput_drains_the_whole_backlog_both_ways() -> None:
    result = load("sync_throughput")(quick=True)  # raises BenchmarkInvalid when a side lost events
    assert isinstance(result, Throughput)
    assert result.events == QUICK_N
    assert result.subject_rate > 0 and result.baseline_rate > 0
    assert result.rate_ratio == pytest.approx(result.baseline_s / result.subject_s)
    assert result.goal_met == (result.rate_ratio >= 0.5)
    verdict = "met" if result.goal_met else "MISSED"
    assert f"goal: events/s ratio >= 0.5: {verdict} ({result.rate_ratio:.2f})" in result.table()


def test_command_line_prints_every_table_and_exits_0_without_check(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert out.count("== ") == len(BENCHMARKS) and out.count("\ngoal: ") == len(BENCHMARKS)


def test_command_line_refuses_an_unknown_benchmark() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-benchmark"])
    assert exit_info.value.code == 2
