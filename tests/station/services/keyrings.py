"""An in-memory keyring backend for tests, installed with keyring.set_keyring: the `keyring` library's
supported way to choose a backend, so the code under test goes through the real keyring API."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict: a real keyring backend, kept in memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


class RefusingKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"locked collection refused {password}")


def use_memory_keyring(monkeypatch: pytest.MonkeyPatch,
                       backend: MemoryKeyring | None = None) -> Iterator[MemoryKeyring]:
    """A fixture's body: this keyring (a new MemoryKeyring unless given) for the test, with no
    $STATION_BACKEND_TOKEN to shadow it; then the previous one back."""
    monkeypatch.delenv("STATION_BACKEND_TOKEN", raising=False)
    previous = keyring.get_keyring()
    backend = backend or MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
