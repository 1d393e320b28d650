"""The `station` console script: the core's CLI, with the window as its GUI runner.

Qt is imported only when a command opens the window, so `station check` runs without a display.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from station.cli import main as cli_main


def _run_window(app: Any, screenshot: str | None) -> int:
    from ui.app import run_window

    return run_window(app.core, screenshot=Path(screenshot) if screenshot else None)


def main() -> int:
    return cli_main(sys.argv[1:], gui=_run_window)


if __name__ == "__main__":
    sys.exit(main())
