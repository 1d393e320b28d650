"""Pictures of the window in three states, to look at (there is no display on CI).

They go to $STATION_UI_SHOTS when set (e.g. /tmp/ui-shots), else to a temporary folder;
docs/screenshots/main-window.png is the "order in progress" one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from station.services.views import StatusView
from ui.main_window import MainWindow
from ui.screenshot import save_screenshot


@pytest.mark.parametrize("name", ["idle-signed-out", "order-in-progress", "error"])
def test_save_screenshot_of_each_state(
    qtbot: Any, open_window: Callable[[Any], MainWindow], recorder: Any, samples: Any, shots_dir: Path,
    name: str,
) -> None:
    recorder.state = {
        "idle-signed-out": samples.signed_out,
        "order-in-progress": samples.in_progress,
        "error": samples.error,
    }[name]()
    recorder.current_status = StatusView(
        scanner="/dev/ttyACM0", backend="online", backend_ok=True, events_waiting=3, printer="Zebra ZD421"
    )
    window = open_window(recorder)
    qtbot.waitUntil(lambda: not window.packing.message_area.is_flashing())
    path = save_screenshot(window, shots_dir / f"{name}.png")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1280, 800)
