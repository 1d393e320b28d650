"""The reference backend: the contract's API served from a JSON data file."""

from __future__ import annotations

from station.refbackend.messages import FaultHook, Reply, Request
from station.refbackend.server import ReferenceBackend

__all__ = ["FaultHook", "ReferenceBackend", "Reply", "Request"]
