"""Starting the window: the QApplication (if none yet), the style, the bridge and the main window.

`make_window` builds without running the event loop (tests, screenshots); `run_window` runs it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.bridge import CoreBridge
from ui.core_api import Core
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot
from ui.style import apply_style

SCREENSHOT_DELAY_MS = 800  # long enough for the first status and screen updates to be drawn


def ensure_app() -> QApplication:
    """The running QApplication, created (and styled) if there is none."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    if not isinstance(app, QApplication):
        raise RuntimeError("a QCoreApplication without widgets is already running")
    apply_style(app)
    return app


def make_window(core: Core, *, title_suffix: str = "") -> MainWindow:
    """The main window wired to `core`, not yet shown; the bridge is the window's child."""
    ensure_app()
    bridge = CoreBridge(core)
    window = MainWindow(core, bridge, title_suffix=title_suffix)
    bridge.setParent(window)
    return window


def run_window(core: Core, *, title_suffix: str = "", screenshot: Path | None = None) -> int:
    """Show the window for `core` and run the event loop until it closes; return the exit code.

    With `screenshot`, the window is drawn, saved to that file, and closed (docs, headless checks).
    """
    app = ensure_app()
    window = make_window(core, title_suffix=title_suffix)
    window.show()
    if screenshot is not None:
        def shoot() -> None:
            save_screenshot(window, screenshot)
            window.close()

        QTimer.singleShot(SCREENSHOT_DELAY_MS, shoot)
    return app.exec()
