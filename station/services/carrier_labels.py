"""Which label each package of a packed order gets: the carrier's (from the order, or asked for with
POST /v1/shipments when `backend.request_labels` is on) or the station's own 4x6 address label."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from station.domain.catalog import Catalog
from station.domain.orders import CarrierLabel, Order, parse_carrier_label
from station.sync.client import BackendClient, BackendError
from station.workflows.packages import package_numbers
from station.workflows.packing import PackingState

log = logging.getLogger(__name__)

NO_CARRIER_LABEL = "NO CARRIER LABEL"


@dataclass(frozen=True)
class PackageShipping:
    """What one package ships under, and the carrier's label when there is one."""

    tracking_number: str | None
    carrier: str
    service: str
    label: CarrierLabel | None = None
    notice: str | None = None  # a banner on the station's own label


@dataclass(frozen=True)
class OrderShipping:
    packages: Mapping[int, PackageShipping]
    waiting: tuple[int, ...]  # packages that wait for a carrier label (backend unreachable)
    problems: tuple[str, ...]  # one line each, for the operator


class CarrierLabels:
    """Asks the backend's label service per package; falls back to the station's own label."""

    def __init__(self, client: BackendClient | None, request_labels: bool) -> None:
        self.client, self.enabled = client, request_labels and client is not None

    def for_order(self, state: PackingState, catalog: Catalog) -> OrderShipping:
        order = state.order
        packages: dict[int, PackageShipping] = {}
        waiting: list[int] = []
        problems: list[str] = []
        asking, down = self.enabled, ""
        for number in package_numbers(state):
            fallback = own_shipping(order, number)
            if down and fallback.label is None:  # not asked again while the service is down
                packages[number] = marked(fallback)
                waiting.append(number)
                continue
            if not asking or fallback.label is not None:  # never buy a second label for a package
                packages[number] = fallback
                continue
            try:
                answer = self._ask(state, catalog, number)
            except BackendError as exc:
                log.warning("no carrier label for %s package %s: %s", order.order_number, number, exc)
                down = str(exc)
                packages[number] = marked(fallback)
                waiting.append(number)
                continue
            if answer is None:  # the backend has no label service: the station's own labels
                packages[number], asking = fallback, False
                continue
            shipping, problem = shipping_from(answer, fallback)
            packages[number] = shipping
            if problem:
                problems.append(f"package {number}: {problem}: own label printed")
        if waiting:
            which = (f"package {waiting[0]} waits" if len(waiting) == 1
                     else f"packages {', '.join(map(str, waiting))} wait")
            problems.insert(0, f"{which} for a carrier label ({down}): own labels printed, "
                               f"marked {NO_CARRIER_LABEL}")
        return OrderShipping(packages, tuple(waiting), tuple(problems))

    def _ask(self, state: PackingState, catalog: Catalog, number: int) -> dict[str, Any] | None:
        assert self.client is not None
        package = state.package(number)
        box = catalog.boxes.get(package.box) if package.box else None
        return self.client.request_shipment({
            "order_number": state.order.order_number, "package_no": number,
            "weight_g": package.weight_g, "dims_mm": list(box.dims_mm) if box and box.dims_mm else None,
            "box": package.box})


def own_shipping(order: Order, number: int) -> PackageShipping:
    """Without a label service: the order's tracking number and label go with package 1."""
    first = number == 1
    return PackageShipping(order.shipping.tracking_number if first else None, order.shipping.carrier,
                           order.shipping.service, order.shipping.label if first else None)


def marked(shipping: PackageShipping) -> PackageShipping:
    return PackageShipping(shipping.tracking_number, shipping.carrier, shipping.service, None,
                           NO_CARRIER_LABEL)


def shipping_from(answer: Mapping[str, Any], fallback: PackageShipping) -> tuple[PackageShipping, str | None]:
    """The label service's answer read leniently: a bad label never stops the package."""
    tracking = answer.get("tracking_number")
    carrier, service = answer.get("carrier"), answer.get("service")
    label, problem = parse_carrier_label(answer.get("label"))
    if label is None and problem is None:
        problem = "the label service sent no label"
    return PackageShipping(
        tracking if isinstance(tracking, str) and tracking else fallback.tracking_number,
        carrier if isinstance(carrier, str) and carrier else fallback.carrier,
        service if isinstance(service, str) and service else fallback.service, label), problem
