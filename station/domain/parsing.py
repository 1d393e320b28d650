"""Small readers for JSON from the backend that turn a missing or mistyped field into DataError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DataError(ValueError):
    """Data from the backend or a data file that does not have the contract's shape."""


def req_str(raw: Mapping[str, Any], key: str) -> str:
    value = _get(raw, key)
    if not isinstance(value, str) or not value:
        raise DataError(f"{key!r} must be a non-empty string")
    return value


def opt_str(raw: Mapping[str, Any], key: str) -> str | None:
    value = _get(raw, key, None)
    if value is not None and not isinstance(value, str):
        raise DataError(f"{key!r} must be a string or null")
    return value


def req_int(raw: Mapping[str, Any], key: str) -> int:
    value = _get(raw, key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataError(f"{key!r} must be a whole number")
    return value


def opt_int(raw: Mapping[str, Any], key: str) -> int | None:
    value = _get(raw, key, None)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise DataError(f"{key!r} must be a whole number or null")
    return int(value)


def req_list(raw: Mapping[str, Any], key: str, default: list[Any] | None = None) -> list[Any]:
    value = _get(raw, key, default)
    if value is None:
        value = default
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DataError(f"{key!r} must be a list of objects")
    return value


def req_obj(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = _get(raw, key)
    if not isinstance(value, dict):
        raise DataError(f"{key!r} must be an object")
    return value


_MISSING = object()


def _get(raw: Mapping[str, Any], key: str, default: Any = _MISSING) -> Any:
    if not isinstance(raw, Mapping):
        raise DataError(f"expected an object holding {key!r}")
    if key in raw:
        return raw[key]
    if default is _MISSING:
        raise DataError(f"{key!r} is missing")
    return default
