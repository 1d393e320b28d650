"""Hand-over to a carrier, pure: the manifest being scanned, which package a scan means, what is refused,
what is still missing, when CMD-DONE may close, and the `station.shipment.handed_over` data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal, TypeAlias

from station.domain.tracking import tracking_candidates

RefusalKind: TypeAlias = Literal["unknown", "other_carrier", "on_manifest", "handed_over", "elsewhere",
                                 "needs_tracking"]
CloseStep: TypeAlias = Literal["empty", "confirm", "close"]


@dataclass(frozen=True)
class PackedPackage:
    """A package as its order's last `station.order.packed` event reported it."""

    order_number: str
    package_no: int
    tracking_number: str | None
    carrier: str
    weight_g: int | None
    packed_at: datetime
    handed_over: str | None = None  # the closed manifest that took it since it was packed
    elsewhere: str | None = None  # another open or put-aside manifest that holds it

    @property
    def label(self) -> str:
        return f"{self.order_number} package {self.package_no}"


@dataclass(frozen=True)
class ManifestPackage:
    seq: int
    order_number: str
    package_no: int
    tracking_number: str | None
    weight_g: int | None


@dataclass(frozen=True)
class Manifest:
    manifest_id: str
    carrier: str
    packages: tuple[ManifestPackage, ...] = ()
    last_seq: int = 0
    closing: bool = False  # CMD-DONE was scanned once with packages missing: the next one closes

    def holds(self, order_number: str, package_no: int) -> bool:
        return any(p.order_number == order_number and p.package_no == package_no for p in self.packages)


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    reason: str
    hint: str = ""


@dataclass(frozen=True)
class Added:
    manifest: Manifest
    package: ManifestPackage
    by: Literal["tracking", "order"]


def manifest_id(station_id: str, number: int) -> str:
    """A manifest's id: stable, unique per station (its counter is never reused), short for Code 128."""
    return f"MAN-{station_id}-{number:05d}"


def same_carrier(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


# -- scanning packages onto the manifest ----------------------------------------------------------------


def add_package(manifest: Manifest, code: str, candidates: Sequence[str],
                pool: Sequence[PackedPackage]) -> Added | Refusal:
    """The package a scan names, put on the manifest; `candidates` are the scan's tracking forms
    (station.domain.tracking) and the code as scanned, `pool` the packages packed lately.

    A package with a tracking number is identified by it (what the carrier will scan too); one
    without is identified by its label's order barcode, one package per scan in package order.
    """
    wanted = {c.upper() for c in (*candidates, code)}
    tracked = [p for p in pool if p.tracking_number and wanted & _tracking_keys(p.tracking_number)]
    if tracked:
        free = [p for p in tracked if blocked(manifest, p) is None]
        return _added(manifest, free[0], "tracking") if free else _refusal(manifest, tracked[0])
    of_order = [p for p in pool if p.order_number.upper() in wanted]
    if of_order:
        return _add_by_order(manifest, of_order)
    return Refusal("unknown", f"{code} is not a package packed lately",
                   "scan the tracking number, or the order barcode of a label without one")


def _add_by_order(manifest: Manifest, packages: Sequence[PackedPackage]) -> Added | Refusal:
    mine = sorted((p for p in packages if same_carrier(p.carrier, manifest.carrier)),
                  key=lambda p: p.package_no)
    if not mine:
        return _refusal(manifest, packages[0])
    free = [p for p in mine if blocked(manifest, p) is None]
    untracked = [p for p in free if not p.tracking_number]
    if untracked:
        return _added(manifest, untracked[0], "order")
    if free:
        first = free[0]
        return Refusal("needs_tracking", f"{first.label} has tracking number {first.tracking_number}",
                       "scan the TRACKING barcode on its label")
    return _refusal(manifest, mine[-1])


def blocked(manifest: Manifest, package: PackedPackage) -> Refusal | None:
    """Why this package may not go on this manifest, or None."""
    if not same_carrier(package.carrier, manifest.carrier):
        return Refusal("other_carrier",
                       f"{package.label} goes with {package.carrier}, not {manifest.carrier}",
                       f"put it with the {package.carrier} parcels")
    if manifest.holds(package.order_number, package.package_no):
        return Refusal("on_manifest", f"{package.label} is already on this manifest",
                       "scan the next package")
    if package.handed_over is not None:
        return Refusal("handed_over", f"{package.label} was handed over on {package.handed_over}",
                       "it left already: keep it apart and tell the supervisor")
    if package.elsewhere is not None:
        return Refusal("elsewhere", f"{package.label} is on manifest {package.elsewhere}",
                       "close or resume that manifest first")
    return None


def _refusal(manifest: Manifest, package: PackedPackage) -> Refusal:
    refusal = blocked(manifest, package)
    assert refusal is not None
    return refusal


def _added(manifest: Manifest, package: PackedPackage, by: Literal["tracking", "order"]) -> Added:
    line = ManifestPackage(manifest.last_seq + 1, package.order_number, package.package_no,
                           package.tracking_number, package.weight_g)
    grown = replace(manifest, packages=(*manifest.packages, line), last_seq=line.seq, closing=False)
    return Added(grown, line, by)


def _tracking_keys(tracking: str) -> set[str]:
    return {tracking.upper(), *(c.upper() for c in tracking_candidates(tracking))}


def undo_last(manifest: Manifest) -> tuple[Manifest, ManifestPackage] | None:
    """The manifest without its last package, and that package; None when it is empty."""
    if not manifest.packages:
        return None
    last = manifest.packages[-1]
    return replace(manifest, packages=manifest.packages[:-1], closing=False), last


# -- what is missing, and closing ------------------------------------------------------------------------


def missing(manifest: Manifest, packed_today: Iterable[PackedPackage]) -> tuple[PackedPackage, ...]:
    """The carrier's packages packed today that are neither on this manifest nor handed over."""
    return tuple(sorted(
        (p for p in packed_today if same_carrier(p.carrier, manifest.carrier)
         and not manifest.holds(p.order_number, p.package_no) and p.handed_over is None),
        key=lambda p: (p.packed_at, p.order_number, p.package_no)))


def close_step(manifest: Manifest, missing_now: Sequence[PackedPackage]) -> CloseStep:
    """What CMD-DONE does: refuse an empty manifest; with packages missing, list them first and
    close on the second CMD-DONE; else close."""
    if not manifest.packages:
        return "empty"
    if missing_now and not manifest.closing:
        return "confirm"
    return "close"


def total_weight(packages: Iterable[ManifestPackage | PackedPackage]) -> tuple[int, int]:
    """(grams, how many packages were weighed): a package packed without a scale has no weight."""
    weights = [p.weight_g for p in packages if p.weight_g is not None]
    return sum(weights), len(weights)


def handed_over_data(manifest: Manifest, *, station_id: str, operator: Mapping[str, str],
                     handed_over_at: str) -> list[dict[str, Any]]:
    """One `station.shipment.handed_over` data object per package, in the order they were scanned."""
    return [{"order_number": p.order_number, "package_no": p.package_no,
             "tracking_number": p.tracking_number, "carrier": manifest.carrier,
             "manifest_id": manifest.manifest_id, "handed_over_at": handed_over_at,
             "station_id": station_id, "operator": dict(operator)}
            for p in manifest.packages]
