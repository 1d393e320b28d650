"""Hand-over at the desk (supervisors): choose the carrier, scan each package onto its manifest, take the
last one off, put the manifest aside, and close it (the missing packages shown first), which records the
events and prints the manifest. Runs on the scan-consumer thread; each step commits before it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from printing.documents.handover_manifest import render_handover_manifest
from printing.model import HandoverManifest, ManifestLine
from station.domain.catalog import Staff
from station.domain.classify import TrackingScan
from station.domain.commands import carrier_barcode
from station.services.documents import DocumentPrinter
from station.services.feedback import error, ok, warn
from station.services.handover import HandoverService, ParkedManifest, day_start
from station.services.print_queue import PrintJob
from station.services.views import CarrierChoiceView, Feedback, HandoverView, ManifestLineView
from station.workflows.handover import (
    Manifest,
    ManifestPackage,
    PackedPackage,
    Refusal,
    add_package,
    close_step,
    missing,
    same_carrier,
    undo_last,
)

# Packages packed this long ago can still be scanned; the missing list holds today's only.
LOOKBACK = timedelta(days=3)


@dataclass
class HandoverParts:
    station_id: str
    service: HandoverService
    printer: DocumentPrinter
    audit: Callable[[str, str | None, dict[str, object]], None]
    on_event_recorded: Callable[[], None]
    paper: str = "A4"
    now: Callable[[], datetime] = lambda: datetime.now(UTC)


class HandoverDesk:
    def __init__(self, parts: HandoverParts) -> None:
        self.p = parts
        self.current: Manifest | None = None
        self.last_jobs: list[PrintJob] = []
        self.last_sent: tuple[str, ...] = ()
        self.view = HandoverView()
        self._pool: list[PackedPackage] = []

    # -- the manifest -------------------------------------------------------------------------------
    def enter(self) -> Feedback:
        """Hand-over mode begins: this station's open manifest (left by a restart) carries on."""
        if self.current is None:
            found = self.p.service.open_here()
            self.current = found.state if found else None
        self.refresh()
        if self.current is None:
            return ok("Hand-over")  # the screen asks for the carrier
        return ok(f"Resumed manifest {self.current.manifest_id}",
                  f"{self.current.carrier}: {len(self.current.packages)} on it, scan the next package")

    def choose_carrier(self, name: str, operator: Staff) -> Feedback:
        current = self.current
        if current is not None and same_carrier(current.carrier, name):
            return warn(f"The {current.carrier} manifest is open", "scan its packages")
        if current is not None and current.packages:
            return self._refused(carrier_barcode(name),
                                 f"Manifest {current.manifest_id} ({current.carrier}) is open",
                                 "CMD-DONE to close it, or CMD-CANCEL to put it aside first")
        self._load()
        carrier = next((c for c in self._carriers() if carrier_barcode(c) == carrier_barcode(name)), None)
        if carrier is None:
            self.refresh(reload=False)
            return self._refused(carrier_barcode(name), f"No {name} packages were packed lately")
        if current is not None:
            self.p.service.park(current, operator)  # an empty manifest: nothing to lose
        opened = self.p.service.open_for(carrier, operator)
        self.current = opened.state
        self.refresh()
        verb = "Resumed manifest" if opened.resumed else "New manifest"
        return ok(f"{verb} for {carrier}", f"{opened.state.manifest_id}: scan each package "
                  f"({len(self.view.missing)} to scan)")

    def put_aside(self, operator: Staff) -> Feedback:
        assert self.current is not None
        manifest, self.current = self.current, None
        self.p.service.park(manifest, operator)
        self.refresh()
        return warn(f"Manifest {manifest.manifest_id} put aside",
                    f"scan {carrier_barcode(manifest.carrier)} to carry on where you stopped")

    def leave(self, operator: Staff) -> None:
        """Hand-over mode ends under an open manifest (sign-out, a person of another role): put it aside."""
        if self.current is not None:
            self.p.service.park(self.current, operator)
            self.current = None
            self.refresh()

    # -- packages -----------------------------------------------------------------------------------
    def package(self, scan: TrackingScan, code: str, operator: Staff) -> Feedback:
        if self.current is None:
            return self._refused(code, "Choose the carrier first")
        self.current = replace(self.current, closing=False)  # only CMD-DONE right after CMD-DONE closes
        self._load()
        result = add_package(self.current, code, scan.candidates, self._pool)
        if isinstance(result, Refusal):
            self.refresh(reload=False)
            return self._refused(code, result.reason, result.hint)
        self.p.service.add(self.current, result.package, result.by, operator)
        self.current = result.manifest
        self.refresh(reload=False)
        line = result.package
        return ok(f"+ {line.order_number} package {line.package_no}",
                  f"{len(self.current.packages)} on the manifest, {len(self.view.missing)} still to scan")

    def undo(self, operator: Staff) -> Feedback:
        assert self.current is not None
        undone = undo_last(self.current)
        if undone is None:
            return warn("Nothing to undo", "the manifest is empty")
        self.current, line = undone
        self.p.service.remove(self.current, line, operator)
        self.refresh()
        return warn(f"Took {line.order_number} package {line.package_no} off the manifest",
                    "keep it apart: it does not go with this carrier")

    # -- closing ------------------------------------------------------------------------------------
    def done(self, operator: Staff) -> Feedback:
        assert self.current is not None
        self._load()
        left_out = missing(self.current, self._today())
        step = close_step(self.current, left_out)
        if step == "empty":
            return error("Nothing is on the manifest yet", "scan the packages, or CMD-CANCEL")
        if step == "confirm":
            self.current = replace(self.current, closing=True)
            self.refresh(reload=False)
            return warn(f"{count(len(left_out), 'package')} not scanned",
                        f"{self.current.carrier}, packed today: scan them, or CMD-DONE again to close "
                        "without them")
        return self._close(self.current, operator, left_out)

    def _close(self, manifest: Manifest, operator: Staff, left_out: tuple[PackedPackage, ...]) -> Feedback:
        closed_at = self.p.now()
        # Rendered first and queued in the closing transaction: a crash after it leaves the job queued.
        self.last_jobs = [manifest_job(manifest, self.p.station_id, operator.name, closed_at, self.p.paper)]
        closed = self.p.service.close(manifest, operator, left_out, self.last_jobs, closed_at)
        self.current = None
        self.p.on_event_recorded()
        outcome = self.p.printer.queue.send(closed.job_ids)
        self.last_sent = outcome.sent
        self.p.audit("print", manifest.manifest_id,
                     {"documents": ["manifest"], "errors": list(outcome.errors)})
        self.refresh()
        message = (f"Manifest {manifest.manifest_id} closed: {count(len(manifest.packages), 'package')} "
                   f"to {manifest.carrier}")
        if outcome.errors:
            return warn(message, "; ".join(outcome.errors) + " (scan CMD-REPRINT)")
        return ok(message, "the manifest is printing: the driver and you sign it")

    def reprint(self) -> Feedback:
        if not self.last_jobs:
            return warn("Nothing to reprint yet")
        outcome = self.p.printer.send(self.last_jobs)
        self.p.audit("reprint", self.last_jobs[0].subject, {"documents": ["manifest"]})
        if outcome.errors:
            return error("Reprint failed", "; ".join(outcome.errors))
        self.last_sent = outcome.sent
        return ok("Printed again", "manifest")

    # -- the view -----------------------------------------------------------------------------------
    def refresh(self, reload: bool = True) -> None:
        """Draw the view again; `reload` reads the packed packages again first."""
        if reload:
            self._load()
        today = self._today()
        manifest = self.current
        self.view = HandoverView(
            carriers=self._choices(today, self.p.service.parked()),
            manifest_id=manifest.manifest_id if manifest else None,
            carrier=manifest.carrier if manifest else None,
            packages=tuple(_line(p) for p in manifest.packages) if manifest else (),
            missing=tuple(_line(p) for p in missing(manifest, today)) if manifest else (),
            closing=manifest.closing if manifest else False)

    def _choices(self, today: list[PackedPackage],
                 parked: list[ParkedManifest]) -> tuple[CarrierChoiceView, ...]:
        put_aside = {carrier_barcode(p.carrier): p.manifest_id for p in parked}
        choices = []
        for carrier in carriers_of(self._pool, parked):  # the manifests put aside, read once
            waiting = sum(1 for p in today if same_carrier(p.carrier, carrier) and p.handed_over is None)
            choices.append(CarrierChoiceView(carrier, carrier_barcode(carrier), waiting,
                                             put_aside.get(carrier_barcode(carrier))))
        return tuple(choices)

    def _carriers(self) -> list[str]:
        return carriers_of(self._pool, self.p.service.parked())

    def _load(self) -> None:
        since = day_start(self.p.now()) - LOOKBACK
        self._pool = self.p.service.packed_packages(since, self.current.manifest_id if self.current else None)

    def _today(self) -> list[PackedPackage]:
        start = day_start(self.p.now())
        return [p for p in self._pool if p.packed_at >= start]

    def _refused(self, code: str, reason: str, hint: str = "") -> Feedback:
        subject = self.current.manifest_id if self.current else None
        self.p.audit("scan.refused", subject, {"code": code[:128], "reason": reason})
        return error(reason, hint)


def carriers_of(pool: Iterable[PackedPackage], parked: Iterable[ParkedManifest]) -> list[str]:
    """The carriers of the packages packed lately and of the manifests put aside, once each, by name."""
    names = [p.carrier for p in pool if p.carrier] + [p.carrier for p in parked]
    return sorted({carrier_barcode(n): n for n in reversed(names)}.values(), key=str.upper)


def carriers_lately(service: HandoverService, now: datetime) -> list[str]:
    """The carriers a supervisor may choose now (their barcodes go on the command sheet)."""
    return carriers_of(service.packed_packages(day_start(now) - LOOKBACK), service.parked())


def count(n: int, noun: str) -> str:
    """ "1 package", "3 packages"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _line(package: ManifestPackage | PackedPackage) -> ManifestLineView:
    return ManifestLineView(package.order_number, package.package_no, package.tracking_number,
                            package.weight_g)


def manifest_job(manifest: Manifest, station_id: str, supervisor: str, closed_at: datetime,
                 paper: str) -> PrintJob:
    """The manifest document for the document printer, with the time in the station's zone."""
    lines = tuple(ManifestLine(p.order_number, p.package_no, p.tracking_number, p.weight_g)
                  for p in manifest.packages)
    document = HandoverManifest(manifest.manifest_id, manifest.carrier, station_id, supervisor,
                                closed_at.astimezone(), lines)
    return PrintJob("document", "manifest", manifest.manifest_id, render_handover_manifest(document, paper))
