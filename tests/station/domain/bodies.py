"""Editing a backend JSON body for the parsing tests."""

from __future__ import annotations

import copy
from typing import Any


def edited(original: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of `original` with body[a][b]... = value for path "a.b..." (a number indexes a
    list); "-" as the value deletes the key."""
    body = copy.deepcopy(original)
    *parents, last = path.split(".")
    target: Any = body
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    key: Any = int(last) if last.isdigit() else last
    if value == "-":
        del target[key]
    else:
        target[key] = value
    return body
