"""The benchmarks run small, as a smoke test: they must produce their numbers. Speed is not asserted."""

from __future__ import annotations

import pytest

from bench import BENCHMARKS, load
from bench.__main__ import main


@pytest.mark.parametrize("name", list(BENCHMARKS))
def test_benchmark_produces_numbers(name: str) -> None:
    result = load(name)(quick=True)
    for side in (result.subject, result.baseline):
        assert side.n > 0
        assert 0 < side.p50_ms <= side.p99_ms
    assert result.p50_ratio > 0 and result.p99_ratio > 0
    table = result.table()
    assert "p50" in table and "p99" in table
    assert f"goal: p99 ratio <= {result.goal_p99_ratio:g}" in table


def test_command_line_prints_every_table_and_exits_0_without_check(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert out.count("== ") == len(BENCHMARKS) and out.count("goal: p99 ratio") == len(BENCHMARKS)


def test_command_line_refuses_an_unknown_benchmark() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["no-such-benchmark"])
    assert exit_info.value.code == 2
