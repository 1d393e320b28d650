"""Saving a picture of a widget, for the docs and for looking at the screens without a display."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget


def save_screenshot(widget: QWidget, path: str | Path) -> Path:
    """Render `widget` as it would appear and save it (format from the suffix, e.g. .png)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(target)):
        raise OSError(f"could not save a screenshot to {target}")
    return target
