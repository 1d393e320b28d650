"""Supervisors' settings: the config file read as a TOML document, changes validated as a whole config
before an atomic write that keeps its comments; the backend token goes to the system keyring only.

The running station keeps the config it started with: saved changes take effect at the next start.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from station.config import Config, ConfigError, default_config_path, validate
from station.sync.client import KEYRING_SERVICE, KEYRING_USER

PRINTERS = ("label", "item", "document")
# What the settings screen may change, with the type each is written as.
EDITABLE: dict[str, type] = {
    "backend.url": str, "scanner.port": str, "scanner.baudrate": int, "scale.port": str,
    "scale.protocol": str, "scale.tolerance_pct": float, "scale.tolerance_g": float,
    **{f"printers.{name}.target": str for name in PRINTERS}, "printers.document.paper": str,
}
TOKEN_ENV = "STATION_BACKEND_TOKEN"
MAX_TOKEN = 4096
RESTART = "The station uses them after a restart."
NO_KEYRING = ("no system keyring on this machine: nothing was saved. Save the other changes without a "
              "token, and put the token in a file named by backend.token_file or in $STATION_BACKEND_TOKEN")


class SettingsError(Exception):
    """A change that cannot be saved; one line that names the key (never a token)."""


@dataclass(frozen=True)
class CurrentSettings:
    path: Path  # the file that is read and written
    exists: bool
    values: dict[str, Any]  # every editable key: its value in the file, else its default
    defaults: dict[str, str]  # what an empty printer target means
    token: str  # where the backend token comes from, in words (never the token)
    problem: str = ""  # the file as it is does not validate: the message naming the key


@dataclass(frozen=True)
class Saved:
    path: Path
    keys: tuple[str, ...]  # the keys whose value changed
    token: bool  # a new backend token went to the keyring
    message: str


def settings_path(config: Config) -> Path:
    """The file the station read, else the one it would read at the next start (config.md)."""
    env = os.environ.get("STATION_CONFIG")
    return config.source or (Path(env) if env else default_config_path())


class SettingsFile:
    """One config file; `data_dir` gives the defaults that depend on it (the PDF printer folder)."""

    def __init__(self, path: Path, data_dir: Path) -> None:
        self.path, self.data_dir = path, data_dir

    def load(self) -> CurrentSettings:
        document = self._document()
        problem = ""
        try:
            config = validate(document.unwrap())
        except ConfigError as exc:
            problem, config = str(exc), validate({})
        values = {key: _get(config, key) for key in EDITABLE}
        defaults = {name: f"pdf:{self.data_dir / 'prints'}" for name in PRINTERS}
        return CurrentSettings(self.path, self.path.exists(), values, defaults, token_source(config), problem)

    def save(self, changes: Mapping[str, Any], token: str | None = None) -> Saved:
        """Validate the whole resulting config, then store the token (keyring) and write the file.

        A bad value raises SettingsError with config.py's message naming the key; nothing is saved.
        """
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise SettingsError(f"config: {unknown[0]}: not a setting this screen changes")
        document = self._document()
        try:
            current = validate(document.unwrap())
        except ConfigError:
            current = None
        keys = []
        for key, value in changes.items():
            value = _typed(key, value)
            if current is None or _get(current, key) != value:
                _set(document, key, value)
                keys.append(key)
        try:
            config = validate(document.unwrap())
        except ConfigError as exc:
            raise SettingsError(str(exc)) from None
        for key in set(keys) & {"scanner.port", "scale.port"}:
            check_port(key, _get(config, key))
        token = (token or "").strip() or None
        if token is not None:
            check_token(token, config)
        if not keys and token is None:
            return Saved(self.path, (), False, "Nothing changed: nothing to save.")
        if token is not None:
            store_token(token)  # first: without a keyring nothing at all is saved
        if keys:
            write_atomically(self.path, tomlkit.dumps(document).encode("utf-8"))
        return Saved(self.path, tuple(keys), token is not None, _saved_message(self.path, keys, token))

    def _document(self) -> tomlkit.TOMLDocument:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return tomlkit.document()
        except OSError as exc:
            raise SettingsError(f"config: cannot read {self.path}: {exc.strerror}") from None
        try:
            return tomlkit.parse(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise SettingsError(f"config: {self.path} is not UTF-8 text") from None
        except TOMLKitError as exc:
            raise SettingsError(f"config: {self.path} is not valid TOML: {exc}") from None


def _saved_message(path: Path, keys: list[str], token: str | None) -> str:
    parts = [", ".join(keys)] if keys else []
    if token is not None:
        parts.append("the backend token (in the system keyring)")
    where = f"Saved to {path}: " if keys else "Saved: "
    return f"{where}{' and '.join(parts)}. {RESTART}"


def _get(config: Config, key: str) -> Any:
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _typed(key: str, value: Any) -> Any:
    """The value as the file should hold it: a whole number stays whole; text is stripped."""
    kind = EDITABLE[key]
    if kind is str and isinstance(value, str):
        return value.strip()
    if kind is float and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _set(document: tomlkit.TOMLDocument, key: str, value: Any) -> None:
    """Set a dotted key, making its tables when missing ([printers.label] under a bare [printers])."""
    *tables, name = key.split(".")
    container: Any = document
    for depth, part in enumerate(tables):
        if part not in container:
            container[part] = tomlkit.table(is_super_table=depth < len(tables) - 1)
        container = container[part]
        if not isinstance(container, Table | dict):
            raise SettingsError(f"config: {'.'.join(tables[:depth + 1])}: expected a table")
    container[name] = value


# -- the backend token -----------------------------------------------------------------------------

def check_token(token: str, config: Config) -> None:
    """A token that can be sent, and that the station would read from the keyring."""
    if len(token) > MAX_TOKEN or not token.isprintable() or any(c.isspace() for c in token):
        raise SettingsError("backend token: expected printable characters without spaces "
                            f"(at most {MAX_TOKEN}); nothing was saved")
    if config.backend.token_file:
        raise SettingsError("config: backend.token_file: the station reads its token from this file, "
                            "not the keyring: clear it to use the keyring, or write the token into the file")
    if os.environ.get(TOKEN_ENV):
        raise SettingsError(f"${TOKEN_ENV} is set for this station and comes before the keyring: "
                            "unset it to use the keyring; nothing was saved")


def store_token(token: str) -> None:
    """Into the system keyring, where resolve_token reads it; SettingsError when there is none."""
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        raise SettingsError(NO_KEYRING) from None
    if isinstance(keyring.get_keyring(), NoKeyring):
        raise SettingsError(NO_KEYRING)
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token)
    except Exception as exc:  # any backend's failure: say which, never with the token in it
        reason = str(exc).replace(token, "…") or exc.__class__.__name__
        raise SettingsError(f"the system keyring did not take the token: {reason}; nothing was saved"
                            ) from None


def token_source(config: Config) -> str:
    """Where the backend token comes from, in words, in resolve_token's order."""
    if config.backend.token_file:
        return f"read from {config.backend.token_file} (backend.token_file)"
    if os.environ.get(TOKEN_ENV):
        return f"from ${TOKEN_ENV}"
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring

        if isinstance(keyring.get_keyring(), NoKeyring):
            return "no system keyring on this machine"
        found = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception as exc:
        return f"the system keyring cannot be read ({exc.__class__.__name__})"
    return "saved in the system keyring" if found else "not set"


# -- the file -----------------------------------------------------------------------------------------

def write_atomically(path: Path, data: bytes) -> None:
    """Write a temporary file beside `path` and move it into place: a crash leaves old or new, whole."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise SettingsError(f"config: cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise SettingsError(f"config: cannot write {path}: {exc.strerror}") from None


# -- devices and printers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PortInfo:
    device: str  # what scanner.port or scale.port holds
    description: str


def serial_ports() -> list[PortInfo]:
    """The serial ports present now (USB, RS-232), by device name."""
    from serial.tools import list_ports

    ports = {p.device: p.description if p.description not in (None, "", "n/a") else ""
             for p in list_ports.comports()}
    return [PortInfo(device, ports[device]) for device in sorted(ports)]


def check_port(key: str, port: str) -> None:
    """A port picked must be present now (or be a pyserial URL); start-up itself never asks this,
    since a scanner unplugged at start is reopened when it comes back."""
    if not port or "://" in port:
        return
    if port in {p.device for p in serial_ports()} or Path(port).exists():
        return
    raise SettingsError(f"config: {key}: there is no port {port} on this machine: plug the device in, "
                        "or pick one of the ports present")


def print_test_page(printer: str, target: str, *, station_id: str, paper: str = "A4",
                    default: str = "", now: datetime | None = None) -> str:
    """One test page to `target` (or `default` when empty) as this printer would get a job; one line."""
    from printing.documents.test_page import render_test_page, render_test_page_zpl
    from printing.targets import PrintError, parse_target

    spec = target.strip() or default
    try:
        where = parse_target(spec)
    except ValueError as exc:
        raise SettingsError(f"config: printers.{printer}.target: {' '.join(str(exc).split())}") from None
    moment = now or datetime.now().astimezone()
    pdf = render_test_page(printer, station_id, spec, moment, paper)
    zpl = render_test_page_zpl(printer, station_id, spec, moment) if where.language == "zpl" else None
    try:
        sent = where.send("test-page", printer, pdf, zpl, now=moment)
    except (PrintError, OSError) as exc:
        raise SettingsError(f"The test page did not print: {' '.join(str(exc).split())}") from None
    return f"Test page sent to {sent}"
