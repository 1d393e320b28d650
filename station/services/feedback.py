"""The feedback a step gives: message, detail, colour (level) and sound, built one way everywhere."""

from __future__ import annotations

from station.services.views import Feedback

SIGNED_OUT = Feedback("idle", "Scan your badge to sign in")


def ok(message: str, detail: str = "") -> Feedback:
    return Feedback("ok", message, detail, "success")


def error(message: str, detail: str = "") -> Feedback:
    return Feedback("error", message, detail, "error")


def warn(message: str, detail: str = "") -> Feedback:
    return Feedback("warn", message, detail, "attention")


def info(message: str, detail: str = "") -> Feedback:
    return Feedback("info", message, detail, "attention")


def sentence(text: str) -> str:
    """The text with its first letter raised (str.capitalize would lower codes like CMD-WEIGH)."""
    return text[:1].upper() + text[1:]
