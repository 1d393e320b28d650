"""The data a reference backend serves: catalog, orders and returns, read once from a JSON file."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from station.refbackend.messages import to_json


class DataFileError(ValueError):
    """The backend data file is missing, not JSON, or not shaped like the contract."""


@dataclass(frozen=True)
class Dataset:
    catalog_body: bytes
    catalog_etag: str
    orders: Mapping[str, Mapping[str, Any]]
    returns: Mapping[str, Mapping[str, Any]]

    def return_by_tracking(self, tracking: str) -> Mapping[str, Any] | None:
        wanted = normalise_tracking(tracking)
        if not wanted:
            return None
        for rma in self.returns.values():
            number = rma.get("return_tracking_number")
            if isinstance(number, str) and normalise_tracking(number) == wanted:
                return rma
        return None


def normalise_tracking(value: str) -> str:
    """Tracking numbers are often printed or typed in groups; the groups' spaces do not count."""
    return "".join(value.split())


def load_dataset(path: Path) -> Dataset:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataFileError(f"cannot read backend data file {path}: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("catalog"), dict):
        raise DataFileError(f"{path}: expected an object with a 'catalog' object")
    catalog_body = to_json(raw["catalog"])
    # A strong validator: the same bytes always give the same tag, any change gives a new one.
    etag = '"' + hashlib.sha256(catalog_body).hexdigest() + '"'
    orders = _index(path, raw.get("orders", []), "order_number")
    returns = _index(path, raw.get("returns", []), "rma_number")
    return Dataset(catalog_body, etag, orders, returns)


def _index(path: Path, items: object, key: str) -> dict[str, Mapping[str, Any]]:
    if not isinstance(items, list):
        raise DataFileError(f"{path}: expected a list of objects keyed by {key!r}")
    index: dict[str, Mapping[str, Any]] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get(key), str):
            raise DataFileError(f"{path}: every entry needs a string {key!r}")
        if item[key] in index:
            raise DataFileError(f"{path}: duplicate {key} {item[key]}")
        index[item[key]] = item
    return index
