"""The demo profile: the station runs from a real config.toml in its throw-away folder, reads the
reference backend's token from a file there, and its settings save to that file and never reach the
system keyring (a token typed on the settings screen is refused, naming backend.token_file)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from station.config import load_config
from station.demo import demo_config, start_demo_backend
from station.refbackend import ReferenceBackend
from station.services.settings import SettingsError, SettingsFile, settings_path
from station.sync.client import resolve_token
from tests.station.services.keyrings import MemoryKeyring, use_memory_keyring


class NotingKeyring(MemoryKeyring):
    """Notes every read of the keyring too."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.reads.append((service, username))
        return super().get_password(service, username)


@pytest.fixture
def system_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Stands in for the system keyring, noting what reads it."""
    yield from use_memory_keyring(monkeypatch, NotingKeyring())


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[ReferenceBackend]:
    server = start_demo_backend(tmp_path)
    yield server
    server.stop()


def test_the_demo_runs_from_the_config_file_in_its_profile(tmp_path: Path, backend: ReferenceBackend,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "elsewhere.toml"))  # the demo's own file wins
    config = demo_config(tmp_path, backend.url, scale_port="/dev/pts/7")
    assert config.source == tmp_path / "config.toml"
    assert replace(load_config(config.source), data_dir=tmp_path) == config
    assert config.data_dir == tmp_path and settings_path(config) == tmp_path / "config.toml"
    assert config.database_url == f"sqlite:///{tmp_path / 'station.db'}"
    assert {config.printer_target(name) for name in ("label", "item", "document")} == {
        f"pdf:{tmp_path / 'prints'}"}
    assert (config.scale.port, config.scale.protocol) == ("/dev/pts/7", "sics")
    assert config.source.read_text(encoding="utf-8").startswith("# The demo profile's configuration")


def test_the_backend_takes_the_token_the_profile_holds_and_no_other(tmp_path: Path,
                                                                    backend: ReferenceBackend) -> None:
    config = demo_config(tmp_path, backend.url)
    token_file = Path(config.backend.token_file)
    assert token_file.parent == tmp_path and stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = resolve_token(config.backend.token_file)
    assert token
    catalog = f"{backend.url}/v1/catalog"
    assert requests.get(catalog, headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code == 200
    assert requests.get(catalog, timeout=10).status_code == 401
    assert requests.get(catalog, headers={"Authorization": "Bearer x"}, timeout=10).status_code == 401


def test_the_demo_settings_save_to_its_file_and_never_touch_the_system_keyring(
        tmp_path: Path, backend: ReferenceBackend, system_keyring: MemoryKeyring) -> None:
    config = demo_config(tmp_path, backend.url)
    settings = SettingsFile(settings_path(config), config.data_dir)
    current = settings.load()
    assert current.path == tmp_path / "config.toml" and current.exists and not current.problem
    assert current.token == f"read from {tmp_path / 'backend-token'} (backend.token_file)"

    before = current.path.read_bytes()
    with pytest.raises(SettingsError, match=r"backend\.token_file: the station reads its token from"):
        settings.save({"scanner.baudrate": 19200}, token="tok-demo-5Jx")
    assert current.path.read_bytes() == before  # nothing saved

    saved = settings.save({"scanner.baudrate": 19200})
    assert saved.path == tmp_path / "config.toml" and saved.keys == ("scanner.baudrate",)
    assert load_config(saved.path).scanner.baudrate == 19200
    assert "# The demo profile's configuration" in saved.path.read_text(encoding="utf-8")  # comments kept
    assert isinstance(system_keyring, NotingKeyring)
    assert system_keyring.passwords == {} and system_keyring.reads == []
