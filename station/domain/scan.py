"""A scan as it leaves a scanner: the decoded text, its symbology, where it came from and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Scan:
    """One frame read from a scanner (serial or keyboard wedge) or typed by hand.

    `code` is the text with any AIM symbology identifier already stripped;
    `symbology` is that identifier (for example "]C1"), or None when there was none.
    """

    code: str
    symbology: str | None = None
    source: str = "keyboard"
    at: datetime = field(default_factory=_now)
