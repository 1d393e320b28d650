"""The station as a separate process for end-to-end tests: launched on a config, driven through a
pty scanner, killed with SIGKILL or stopped, its output kept in a log file per run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from tests.e2e.conftest import PtyScanner, wait_for

ROOT = Path(__file__).resolve().parents[2]


def port_is_open(pid: int, path: str) -> bool:
    """Whether process `pid` has the device `path` open (the station's scanner port)."""
    try:
        return any(os.readlink(fd) == path for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


class StationProcess:
    """`python -m ui.launch gui` on the config; `sign_ins` counts sign-in rows in its audit trail."""

    def __init__(self, config: Path, log_dir: Path, scanner: PtyScanner, run: int, *, badge: str,
                 sign_ins: Callable[[], int]) -> None:
        self.scanner, self.badge, self._sign_ins = scanner, badge, sign_ins
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        self.log_path = log_dir / f"station-{run}.log"
        self._log: IO[str] = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen([sys.executable, "-m", "ui.launch", "gui", "--config", str(config)],
                                        cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        wait_for(lambda: port_is_open(self.process.pid, scanner.port) or self.process.poll() is not None,
                 timeout=30, what="the scanner port opened")
        assert self.process.poll() is None, self.log()

    def sign_in(self) -> None:
        """The badge, again until its sign-in is in the audit trail (pyserial empties the port's
        input buffer just after opening it: a frame written in that instant is gone)."""
        before = self._sign_ins()
        deadline = time.monotonic() + 15
        while self._sign_ins() == before:
            assert time.monotonic() < deadline, "the badge was never taken\n" + self.log()
            self.scanner.scan(self.badge)
            for _ in range(25):
                time.sleep(0.02)
                if self._sign_ins() > before:
                    break

    def scan(self, code: str) -> None:
        """One scan, then a pause longer than the 100 ms bounce window (a person scanning)."""
        self.scanner.scan(code)
        time.sleep(0.15)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._log.close()
        # What the dead process had not read yet must not reach the next one.
        termios.tcflush(self.scanner.slave, termios.TCIFLUSH)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")
