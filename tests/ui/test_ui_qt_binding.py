"""The Qt binding itself must be sound: a long-running station makes millions of Qt calls."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def test_qt_calls_do_not_leak_references_to_none(qapp: QApplication) -> None:
    # PySide6 6.12.0 on Python 3.11 drops one reference to None per call returning nothing, and
    # the interpreter aborts once the count reaches zero: a station would die after some scans.
    before = sys.getrefcount(None)
    for _ in range(5000):
        qapp.processEvents()
    assert before - sys.getrefcount(None) < 100
