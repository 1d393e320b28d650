"""The `station` console script: the core's CLI, with the window as its GUI runner.

Qt is imported only when a command opens the window, so `station check` runs without a display.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from station.cli import CommandError
from station.cli import main as cli_main


def _run_window(app: Any, screenshot: str | None) -> int:
    from ui.app import run_window

    return run_window(app, screenshot=Path(screenshot) if screenshot else None)  # a bootstrap.Station


def _check_display() -> None:
    """Say plainly when there is no screen, instead of Qt's abort about platform plugins."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise CommandError("no display to open the window on: run it in a desktop session "
                           "(or set QT_QPA_PLATFORM=offscreen to run without a screen)")


def main() -> int:
    return cli_main(sys.argv[1:], gui=_run_window, gui_check=_check_display)


if __name__ == "__main__":
    sys.exit(main())
