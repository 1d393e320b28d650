"""Command barcodes (scanning.md) and what each one means, for the command sheet and the desk.

Extensions beyond scanning.md's table, for hand-over: `CMD-MODE-HANDOVER` (supervisors only) and the
carrier barcodes `CARRIER-<NAME>` that choose the carrier whose packages go onto a manifest.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "CMD-MODE-PACK": "Switch to packing",
    "CMD-MODE-RETURNS": "Switch to returns",
    "CMD-MODE-HANDOVER": "Switch to hand-over (supervisor)",
    "CMD-SIGN-OUT": "Sign out",
    "CMD-DONE": "Complete the current order or return",
    "CMD-CANCEL": "Put the current order or return aside (progress is kept)",
    "CMD-UNDO": "Take back the last counted unit",
    "CMD-NEW-BOX": "Close this package and start another",
    "CMD-WEIGH": "Take the package weight from the scale",
    "CMD-SKIP-INSERT": "Skip the next required insert",
    "CMD-SHORT-SHIP": "Ship what is packed (supervisor)",
    "CMD-REPRINT": "Print the last documents again",
    "GRADE-A": "Grade A: new, sealed or unused",
    "GRADE-B": "Grade B: like new, opened",
    "GRADE-C": "Grade C: used, works",
    "GRADE-D": "Grade D: damaged or defective",
    "GRADE-X": "Grade X: unsellable",
    "DISP-RESTOCK": "Disposition: restock",
    "DISP-REFURBISH": "Disposition: refurbish",
    "DISP-RESALE-HOLD": "Disposition: resale hold",
    "DISP-RETURN-TO-VENDOR": "Disposition: return to vendor",
    "DISP-DISPOSE": "Disposition: dispose",
}

DEFECTS = ("packaging_damaged", "missing_accessories", "missing_parts", "scratched",
           "stained", "not_working", "used", "odor")
COMMANDS.update({f"DEFECT-{code.upper().replace('_', '-')}": f"Defect: {code.replace('_', ' ')}"
                 for code in DEFECTS})


CARRIER_PREFIX = "CARRIER-"


def carrier_barcode(carrier: str) -> str:
    """The barcode that chooses a carrier at hand-over: `CARRIER-` and the carrier's name in capitals."""
    return CARRIER_PREFIX + carrier.strip().upper()


def is_command(code: str) -> bool:
    return code in COMMANDS or code.startswith(("CMD-", "GRADE-", "DISP-", "DEFECT-"))
