"""Hand-over against the database: packages packed lately (read from their orders' packed events) and
manifests opened, resumed, scanned, parked and closed. Each step is one transaction with its audit
row; closing also records one `station.shipment.handed_over` per package and queues the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, update

from station.domain.catalog import Staff
from station.services.print_queue import PrintJob, add_jobs
from station.storage.audit import Actor, append_audit
from station.storage.cache import set_cached_order_status
from station.storage.db import Database
from station.storage.models import ManifestPackageRow, ManifestRow, OutboxRow
from station.storage.outbox import next_counter, record_event, rfc3339
from station.workflows.handover import (
    Manifest,
    ManifestPackage,
    PackedPackage,
    handed_over_data,
    manifest_id,
)

ORDER_PACKED = "station.order.packed"
HANDED_OVER = "station.shipment.handed_over"


@dataclass(frozen=True)
class OpenManifest:
    state: Manifest
    resumed: bool
    opened_at: datetime


@dataclass(frozen=True)
class ParkedManifest:
    manifest_id: str
    carrier: str
    packages: int


@dataclass(frozen=True)
class Closed:
    job_ids: list[int]
    event_ids: list[str]
    closed_at: datetime


def _actor(staff: Staff) -> Actor:
    return Actor(staff.badge, staff.role)


class HandoverService:
    def __init__(self, db: Database, station_id: str) -> None:
        self.db, self.station_id = db, station_id

    # -- what was packed --------------------------------------------------------------------------------
    def packed_packages(self, since: datetime, current: str | None = None) -> list[PackedPackage]:
        """Every package of the orders packed since `since` (at any station of this database), as the
        order's last packed event reported it, with the manifests that hold it or handed it over;
        `current` (the manifest being scanned) is left out of those."""
        with self.db.read() as s:
            rows = s.execute(select(OutboxRow.subject, OutboxRow.time, OutboxRow.data).where(
                OutboxRow.type == ORDER_PACKED, OutboxRow.time >= since)
                .order_by(OutboxRow.time, OutboxRow.stationseq)).all()
            held = s.execute(
                select(ManifestPackageRow.order_number, ManifestPackageRow.package_no,
                       ManifestPackageRow.scanned_at, ManifestRow.id, ManifestRow.state,
                       ManifestRow.closed_at)
                .join(ManifestRow).where(ManifestPackageRow.removed_at.is_(None),
                                         ManifestPackageRow.scanned_at >= since)).all()
        latest: dict[str, tuple[datetime, dict[str, Any]]] = {}
        for subject, time, data in rows:  # a repack's event replaces the earlier one
            latest[subject] = (time, data)
        manifests: dict[tuple[str, int], list[Any]] = {}
        for row in held:
            manifests.setdefault((row.order_number, row.package_no), []).append(row)
        packages = []
        for order_number, (time, data) in latest.items():
            for raw in data.get("packages") or []:
                package = _packed(order_number, time, raw)
                packages.append(_placed(package, manifests.get((order_number, package.package_no), []),
                                        current))
        return packages

    # -- manifests --------------------------------------------------------------------------------------
    def open_for(self, carrier: str, operator: Staff) -> OpenManifest:
        """Resume the carrier's manifest open here or put aside anywhere, or start a new one."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            row = s.execute(select(ManifestRow).where(
                func.upper(ManifestRow.carrier) == carrier.upper(),
                or_(ManifestRow.state == "parked",
                    (ManifestRow.state == "open") & (ManifestRow.station_id == self.station_id)))
                .order_by(ManifestRow.updated_at.desc()).limit(1)).scalar_one_or_none()
            resumed = row is not None
            if row is None:
                number = next_counter(s, self.station_id, "manifest")
                row = ManifestRow(id=manifest_id(self.station_id, number), carrier=carrier,
                                  opened_by=operator.badge, opened_at=now)
                s.add(row)
            row.state, row.station_id, row.updated_at = "open", self.station_id, now
            s.flush()
            state = _state(row)
            action = "manifest.resumed" if resumed else "manifest.opened"
            append_audit(s, station_id=self.station_id, action=action, subject=row.id,
                         detail={"carrier": row.carrier, "packages": len(state.packages)},
                         actor=_actor(operator))
            return OpenManifest(state, resumed, row.opened_at)

    def open_here(self) -> OpenManifest | None:
        """The manifest this station had open (a restart resumes it), if any."""
        with self.db.read() as s:
            row = s.execute(select(ManifestRow).where(
                ManifestRow.station_id == self.station_id, ManifestRow.state == "open")
                .order_by(ManifestRow.updated_at.desc()).limit(1)).scalar_one_or_none()
            return OpenManifest(_state(row), True, row.opened_at) if row is not None else None

    def parked(self) -> list[ParkedManifest]:
        """Manifests put aside, at any station: they resume when their carrier is chosen."""
        with self.db.read() as s:
            rows = s.execute(
                select(ManifestRow.id, ManifestRow.carrier, func.count(ManifestPackageRow.id))
                .outerjoin(ManifestPackageRow, (ManifestPackageRow.manifest_id == ManifestRow.id)
                           & ManifestPackageRow.removed_at.is_(None))
                .where(ManifestRow.state == "parked").group_by(ManifestRow.id, ManifestRow.carrier)
                .order_by(ManifestRow.id)).all()
        return [ParkedManifest(id_, carrier, int(n)) for id_, carrier, n in rows]

    def add(self, manifest: Manifest, package: ManifestPackage, by: str, operator: Staff) -> None:
        """Commit one package scanned onto the manifest (before the screen shows it)."""
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            s.add(ManifestPackageRow(
                manifest_id=manifest.manifest_id, seq=package.seq, order_number=package.order_number,
                package_no=package.package_no, tracking_number=package.tracking_number,
                weight_g=package.weight_g, scanned_at=now))
            s.get_one(ManifestRow, manifest.manifest_id).updated_at = now
            append_audit(s, station_id=self.station_id, action="manifest.package_added",
                         subject=manifest.manifest_id, actor=_actor(operator), detail={
                             "order": package.order_number, "package": package.package_no,
                             "tracking": package.tracking_number, "by": by})

    def remove(self, manifest: Manifest, package: ManifestPackage, operator: Staff) -> None:
        now = datetime.now(UTC)
        with self.db.unit_of_work() as s:
            s.execute(update(ManifestPackageRow).where(
                ManifestPackageRow.manifest_id == manifest.manifest_id,
                ManifestPackageRow.seq == package.seq).values(removed_at=now))
            s.get_one(ManifestRow, manifest.manifest_id).updated_at = now
            append_audit(s, station_id=self.station_id, action="manifest.package_removed",
                         subject=manifest.manifest_id, actor=_actor(operator),
                         detail={"order": package.order_number, "package": package.package_no})

    def park(self, manifest: Manifest, operator: Staff) -> None:
        with self.db.unit_of_work() as s:
            row = s.get_one(ManifestRow, manifest.manifest_id)
            row.state, row.updated_at = "parked", datetime.now(UTC)
            append_audit(s, station_id=self.station_id, action="manifest.parked", subject=row.id,
                         detail={"packages": len(manifest.packages)}, actor=_actor(operator))

    def close(self, manifest: Manifest, operator: Staff, missing: Sequence[PackedPackage],
              documents: Sequence[PrintJob], closed_at: datetime) -> Closed:
        """The hand-over, at once: the manifest closed, one event per package, the orders marked
        shipped, the audit row and the manifest document queued."""
        person = {"badge": operator.badge, "name": operator.name}
        data = handed_over_data(manifest, station_id=self.station_id, operator=person,
                                handed_over_at=rfc3339(closed_at))
        with self.db.unit_of_work() as s:
            row = s.get_one(ManifestRow, manifest.manifest_id)
            row.state, row.updated_at, row.closed_at = "closed", closed_at, closed_at
            row.closed_by_badge, row.closed_by_name = operator.badge, operator.name
            events = [record_event(s, station_id=self.station_id, type=HANDED_OVER,
                                   subject=item["order_number"], data=item, time=closed_at) for item in data]
            for order_number in dict.fromkeys(p.order_number for p in manifest.packages):
                set_cached_order_status(s, order_number, "shipped")
            append_audit(s, station_id=self.station_id, action="manifest.closed", subject=row.id,
                         actor=_actor(operator), detail={
                             "carrier": manifest.carrier, "packages": len(manifest.packages),
                             "events": [e.id for e in events],
                             "left_out": [f"{p.order_number}/{p.package_no}" for p in missing]})
            return Closed(add_jobs(s, self.station_id, documents), [e.id for e in events], closed_at)


def _packed(order_number: str, time: datetime, raw: dict[str, Any]) -> PackedPackage:
    weight = raw.get("weight_g")
    return PackedPackage(order_number, int(raw["package_no"]), raw.get("tracking_number") or None,
                         str(raw.get("carrier") or ""), int(weight) if weight is not None else None, time)


def _placed(package: PackedPackage, rows: Sequence[Any], current: str | None) -> PackedPackage:
    """The package with the manifest that handed it over, or another one that holds it (since packing)."""
    handed_over = elsewhere = None
    for row in rows:
        if row.state == "closed" and row.closed_at is not None and row.closed_at >= package.packed_at:
            handed_over = row.id
        elif row.state != "closed" and row.id != current and row.scanned_at >= package.packed_at:
            elsewhere = row.id
    return replace(package, handed_over=handed_over, elsewhere=elsewhere)


def _state(row: ManifestRow) -> Manifest:
    lines = tuple(ManifestPackage(p.seq, p.order_number, p.package_no, p.tracking_number, p.weight_g)
                  for p in row.packages if p.removed_at is None)
    return Manifest(row.id, row.carrier, lines, last_seq=max((p.seq for p in row.packages), default=0))


def day_start(now: datetime) -> datetime:
    """Midnight of `now`'s day in the station's local time, as a UTC moment."""
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
