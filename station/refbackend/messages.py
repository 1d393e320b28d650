"""Plain request and reply values passed between the HTTP plumbing, the routes and fault hooks."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

JSON_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One HTTP request; header names are lower-case, the body is empty when it was not read."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    content_length: int | None = None
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


# A hook sees every request before the routes do; returning a Reply answers in their place.
# This is where tests inject faults (errors, delays, dropped connections).
FaultHook = Callable[[Request], "Reply | None"]


def to_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_reply(status: int, value: Any, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, to_json(value), JSON_TYPE, headers)


def error_reply(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return json_reply(status, {"error": message}, headers)
