"""The catalog the station resolves scans against: products, kits, inserts, boxes and staff."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from station.domain.barcodes import gtin_key
from station.domain.parsing import DataError, opt_int, opt_str, req_int, req_list, req_str

ROLES = ("packer", "returns", "supervisor")
TRACKING = ("none", "serial", "lot")


@dataclass(frozen=True)
class Barcode:
    code: str
    quantity: int = 1


@dataclass(frozen=True)
class Component:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    weight_g: int | None = None
    tracking: str = "none"
    barcodes: tuple[Barcode, ...] = ()
    components: tuple[Component, ...] = ()  # non-empty for a kit

    @property
    def is_kit(self) -> bool:
        return bool(self.components)


@dataclass(frozen=True)
class Insert:
    code: str
    name: str
    barcode: str
    priority: int = 0
    stock: int | None = None
    max_per_order: int = 1
    rule: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Box:
    code: str
    name: str
    barcode: str
    tare_g: int = 0
    dims_mm: tuple[int, ...] = ()


@dataclass(frozen=True)
class Staff:
    badge: str
    name: str
    role: str
    pin_argon2: str | None = field(default=None, repr=False)  # a secret: never in logs or reprs

    def may(self, mode: str) -> bool:
        """Whether this person may work in a mode (pack, returns, handover)."""
        allowed = {"packer": ("pack",), "returns": ("returns",),
                   "supervisor": ("pack", "returns", "handover")}
        return mode in allowed.get(self.role, ())


@dataclass(frozen=True)
class Match:
    """What a scanned code resolved to: a product (or kit) and how many units one scan counts."""

    product: Product
    quantity: int


class Catalog:
    """An immutable, indexed catalog: built once per catalog version, shared across threads."""

    def __init__(self, version: str, products: Sequence[Product], inserts: Sequence[Insert],
                 boxes: Sequence[Box], staff: Sequence[Staff]) -> None:
        self.version = version
        self.products = {p.sku: p for p in products}
        self.inserts = {i.code: i for i in inserts}
        self.boxes = {b.code: b for b in boxes}
        self.staff = {s.badge: s for s in staff}
        self._exact: dict[str, Match] = {}
        self._gtin: dict[str, Match] = {}
        for product in products:
            for barcode in product.barcodes:
                match = Match(product, barcode.quantity)
                self._exact[barcode.code] = match
                key = gtin_key(barcode.code)
                if key is not None:
                    self._gtin[key] = match
        self._insert_codes = {i.barcode: i for i in inserts}
        self._box_codes = {b.barcode: b for b in boxes}

    @classmethod
    def empty(cls) -> Catalog:
        return cls("", (), (), (), ())

    def match(self, code: str) -> Match | None:
        """A product by exact barcode, or by GTIN equivalence for GTIN-8/12/13/14."""
        found = self._exact.get(code)
        if found is not None:
            return found
        key = gtin_key(code)
        return self._gtin.get(key) if key is not None else None

    def match_gtin14(self, gtin14: str) -> Match | None:
        return self._gtin.get(gtin14)

    def insert_by_barcode(self, code: str) -> Insert | None:
        return self._insert_codes.get(code)

    def box_by_barcode(self, code: str) -> Box | None:
        return self._box_codes.get(code)


def parse_catalog(body: Mapping[str, Any]) -> Catalog:
    """Build a Catalog from the GET /v1/catalog body; malformed data raises DataError."""
    products = [_product(p, kit=False) for p in req_list(body, "products")]
    products += [_product(k, kit=True) for k in req_list(body, "kits", default=[])]
    inserts = [_insert(i) for i in req_list(body, "inserts", default=[])]
    boxes = [_box(b) for b in req_list(body, "boxes", default=[])]
    staff = [_staff(s) for s in req_list(body, "staff", default=[])]
    return Catalog(req_str(body, "version"), products, inserts, boxes, staff)


def _product(raw: Mapping[str, Any], *, kit: bool) -> Product:
    tracking = opt_str(raw, "tracking") or "none"
    if tracking not in TRACKING:
        raise DataError(f"product {raw.get('sku')!r}: unknown tracking {tracking!r}")
    barcodes = tuple(Barcode(req_str(b, "code"), _positive(opt_int(b, "quantity"), 1, raw))
                     for b in req_list(raw, "barcodes", default=[]))
    components = tuple(Component(req_str(c, "sku"), _positive(req_int(c, "quantity"), 1, raw))
                       for c in req_list(raw, "components", default=[])) if kit else ()
    if kit and not components:
        raise DataError(f"kit {raw.get('sku')!r} has no components")
    return Product(req_str(raw, "sku"), req_str(raw, "name"), opt_int(raw, "weight_g"),
                   tracking, barcodes, components)


def _positive(value: int | None, default: int, raw: Mapping[str, Any]) -> int:
    # A quantity below 1 would count negative units, or divide by zero in a kit's progress.
    if value is not None and value < 1:
        raise DataError(f"product {raw.get('sku')!r}: a quantity must be 1 or more, got {value}")
    return default if value is None else value


def _insert(raw: Mapping[str, Any]) -> Insert:
    rule = raw.get("rule") or {}
    if not isinstance(rule, dict):
        raise DataError(f"insert {raw.get('code')!r}: rule must be an object")
    return Insert(req_str(raw, "code"), req_str(raw, "name"), req_str(raw, "barcode"),
                  opt_int(raw, "priority") or 0, opt_int(raw, "stock"),
                  opt_int(raw, "max_per_order") or opt_int(rule, "max_per_order") or 1, rule)


def _box(raw: Mapping[str, Any]) -> Box:
    dims = raw.get("dims_mm") or []
    if not isinstance(dims, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in dims):
        raise DataError(f"box {raw.get('code')!r}: dims_mm must be a list of whole numbers")
    return Box(req_str(raw, "code"), req_str(raw, "name"), req_str(raw, "barcode"),
               opt_int(raw, "tare_g") or 0, tuple(dims))


def _staff(raw: Mapping[str, Any]) -> Staff:
    role = req_str(raw, "role")
    if role not in ROLES:
        raise DataError(f"staff {raw.get('badge')!r}: unknown role {role!r}")
    return Staff(req_str(raw, "badge"), req_str(raw, "name"), role, opt_str(raw, "pin_argon2"))
