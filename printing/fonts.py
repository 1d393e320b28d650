"""Registers the bundled DejaVu Sans fonts with reportlab, once per process.

Every document draws text through these so Latin, Greek and Cyrillic names print as written.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

# reportlab's font registry is process-global; the lock keeps two printing threads
# from registering (and parsing the TTF) at the same time.
_lock = threading.Lock()


@dataclass(frozen=True)
class FontNames:
    regular: str
    bold: str


def register_fonts() -> FontNames:
    """Register DejaVu Sans and DejaVu Sans Bold (idempotent, thread-safe)."""
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
            if name not in registered:
                path = FONT_DIR / filename
                if not path.is_file():
                    raise FileNotFoundError(f"font file missing: {path}")
                pdfmetrics.registerFont(TTFont(name, str(path)))
        # Lets <b> inside platypus paragraphs pick the bold face.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
    return FontNames(regular=REGULAR, bold=BOLD)
