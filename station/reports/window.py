"""A report's day: local midnight to the next local midnight in a time zone, as UTC bounds.

The configuration has no time zone: the machine's own zone is used, with its daylight-saving rules
when the system names it (TZ, /etc/localtime, /etc/timezone), else its present UTC offset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class DayWindow:
    day: date
    tz: tzinfo
    start: datetime  # local, aware
    end: datetime

    @property
    def start_utc(self) -> datetime:
        return self.start.astimezone(UTC)

    @property
    def end_utc(self) -> datetime:
        return self.end.astimezone(UTC)

    @property
    def zone(self) -> str:
        """The zone's name: its key ("Europe/Berlin") when it has one, else its name at noon."""
        key = getattr(self.tz, "key", None)
        return str(key) if key else (datetime.combine(self.day, time(12), self.tz).tzname() or "local")

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)


def day_window(day: date, tz: tzinfo) -> DayWindow:
    """Midnight to midnight: 23 or 25 hours long on the days the clocks change."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return DayWindow(day, tz, start, end)


def local_zone() -> tzinfo:
    """The machine's time zone, with its rules when the system names it."""
    for key in (os.environ.get("TZ", "").lstrip(":"), _localtime_key(), _timezone_file()):
        if key:
            try:
                return ZoneInfo(key)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def today(tz: tzinfo) -> date:
    return datetime.now(tz).date()


def _localtime_key() -> str:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    return target.split("/zoneinfo/", 1)[1] if "/zoneinfo/" in target else ""


def _timezone_file() -> str:
    try:
        return Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        return ""
