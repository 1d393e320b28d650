"""A supervisor's approval, by scanning: the supervisor's badge, then the PIN, then a reason.

The badge step is offered, not forced: any other scan drops it and is handled as usual. Once the
badge is in, the PIN and the reason are asked for until given, or until CMD-CANCEL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from station.domain.catalog import Staff
from station.services.feedback import error, warn
from station.services.overrides import LockedOut, PinAccepted, check_pin
from station.services.views import Feedback, Prompt
from station.storage.db import Database

MAX_REASON = 200

# What an approval grants, given the supervisor and the reason they gave.
Grant = Callable[[Staff, str], Feedback]


@dataclass
class Approval:
    purpose: str  # "short_ship" | "weight" | "repack"
    title: str  # what is being approved, e.g. "a short shipment of SO-100234"
    grant: Grant
    step: Literal["supervisor", "pin", "reason"] = "supervisor"
    supervisor: Staff | None = field(default=None, repr=False)

    def prompt(self) -> Prompt:
        if self.step == "supervisor":
            return Prompt("supervisor", f"A supervisor may approve {self.title}: scan a supervisor badge")
        if self.step == "pin":
            return Prompt("pin", "Supervisor PIN, then Enter (CMD-CANCEL to stop)")
        return Prompt("reason", f"Reason for {self.title}: scan or type it, then Enter")


@dataclass(frozen=True)
class Step:
    """What one entry did to the approval: `done` ends it (approved, locked out or cancelled)."""

    feedback: Feedback
    done: bool


def take_badge(approval: Approval, staff: Staff) -> Step:
    if staff.role != "supervisor":
        return Step(error(f"{staff.name} is not a supervisor", "a supervisor's badge is needed"), False)
    approval.supervisor, approval.step = staff, "pin"
    return Step(warn(f"{staff.name}: enter your PIN", "then press Enter"), False)


def take_entry(approval: Approval, text: str, db: Database, station_id: str) -> Step:
    """The PIN or the reason, typed (or scanned) into the scan field."""
    assert approval.supervisor is not None
    if approval.step == "pin":
        result = check_pin(db, station_id, approval.supervisor, text)
        if isinstance(result, PinAccepted):
            approval.step = "reason"
            return Step(warn("PIN accepted", approval.prompt().text), False)
        if isinstance(result, LockedOut):
            return Step(error(result.message, "the approval is cancelled"), True)
        return Step(error(result.message, "enter the PIN again, or CMD-CANCEL"), False)
    reason = " ".join(text.split())[:MAX_REASON]
    if not reason:
        return Step(error("A reason is needed", approval.prompt().text), False)
    return Step(approval.grant(approval.supervisor, reason), True)
