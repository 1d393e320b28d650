"""The configuration file (config.md): TOML read with tomllib, validated into frozen dataclasses.

Every unknown key or bad value raises ConfigError naming the key, so start-up stops with one line.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

APP_NAME = "station"


class ConfigError(Exception):
    """A bad configuration: the message names the key."""

    def __init__(self, key: str, message: str) -> None:
        message = " ".join(message.splitlines())  # one line, even when a value holds a newline
        super().__init__(f"config: {key}: {message}" if key else f"config: {message}")
        self.key = key


@dataclass(frozen=True)
class StationSection:
    id: str = "PACK-01"
    number: int = 1
    start_mode: str = "pack"


@dataclass(frozen=True)
class DatabaseSection:
    url: str = ""


@dataclass(frozen=True)
class BackendSection:
    url: str = ""
    token_file: str = ""
    ca_bundle: str = ""
    allow_insecure_http: bool = False
    timeout_s: float = 10
    batch_size: int = 100
    catalog_refresh_s: float = 300
    request_labels: bool = False


@dataclass(frozen=True)
class ScannerSection:
    port: str = ""
    baudrate: int = 9600


@dataclass(frozen=True)
class ScaleSection:
    port: str = ""
    protocol: str = "sics"
    tolerance_pct: float = 5
    tolerance_g: float = 20


@dataclass(frozen=True)
class PackingSection:
    auto_complete: bool = True


@dataclass(frozen=True)
class PrinterSection:
    target: str = ""
    paper: str = "A4"


@dataclass(frozen=True)
class PrintersSection:
    label: PrinterSection = field(default_factory=PrinterSection)
    item: PrinterSection = field(default_factory=PrinterSection)
    document: PrinterSection = field(default_factory=PrinterSection)


@dataclass(frozen=True)
class Config:
    station: StationSection = field(default_factory=StationSection)
    database: DatabaseSection = field(default_factory=DatabaseSection)
    backend: BackendSection = field(default_factory=BackendSection)
    scanner: ScannerSection = field(default_factory=ScannerSection)
    scale: ScaleSection = field(default_factory=ScaleSection)
    packing: PackingSection = field(default_factory=PackingSection)
    printers: PrintersSection = field(default_factory=PrintersSection)
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    source: Path | None = None

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.data_dir / 'station.db'}"

    def printer_target(self, name: str) -> str:
        section: PrinterSection = getattr(self.printers, name)
        return section.target or f"pdf:{self.data_dir / 'prints'}"


# Per-key validators: each returns the cleaned value or raises ValueError with the reason.
Validator = Callable[[Any], Any]


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_kind(value)}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_kind(value)}")
    return value


def _integer(low: int, high: int) -> Validator:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected a whole number, got {_kind(value)}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}, got {value}")
        return value

    return check


def _number(low: float, high: float) -> Validator:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected a number, got {_kind(value)}")
        if not low <= value <= high:
            raise ValueError(f"must be between {low:g} and {high:g}, got {value}")
        return float(value)

    return check


def _choice(*options: str) -> Validator:
    def check(value: Any) -> str:
        text = _string(value)
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}, got {text!r}")
        return text

    return check


def _station_id(value: Any) -> str:
    text = _string(value).strip()
    if not text or len(text) > 32 or not all(c.isalnum() or c in "-_." for c in text):
        raise ValueError("must be 1-32 letters, digits, '-', '_' or '.'")
    return text


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


_SCHEMA: dict[str, dict[str, Validator]] = {
    "station": {"id": _station_id, "number": _integer(1, 999),
                "start_mode": _choice("pack", "returns")},
    "database": {"url": _string},
    "backend": {"url": _string, "token_file": _string, "ca_bundle": _string,
                "allow_insecure_http": _boolean, "timeout_s": _number(0.1, 600),
                "batch_size": _integer(1, 1000), "catalog_refresh_s": _number(5, 86400),
                "request_labels": _boolean},
    "scanner": {"port": _string, "baudrate": _integer(300, 4_000_000)},
    "scale": {"port": _string, "protocol": _choice("sics", "nci", "toledo8217"),
              "tolerance_pct": _number(0, 100), "tolerance_g": _number(0, 100_000)},
    "packing": {"auto_complete": _boolean},
}
_PRINTER_KEYS: dict[str, Validator] = {"target": _string, "paper": _choice("A4", "Letter")}
_SECTIONS: dict[str, type[Any]] = {
    "station": StationSection, "database": DatabaseSection, "backend": BackendSection,
    "scanner": ScannerSection, "scale": ScaleSection, "packing": PackingSection,
}


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def resolve_config_path(explicit: str | None) -> Path | None:
    """--config, else $STATION_CONFIG, else the user config folder's config.toml if it exists."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("STATION_CONFIG")
    if env:
        return Path(env)
    default = default_config_path()
    return default if default.exists() else None


def load_config(path: Path | None) -> Config:
    """Read and validate the file; None means defaults."""
    if path is None:
        return validate({})
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("", f"file not found: {path}") from None
    except OSError as exc:
        raise ConfigError("", f"cannot read {path}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))  # Windows editors may save a byte-order mark
    except UnicodeDecodeError:
        raise ConfigError("", f"{path} is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("", f"{path} is not valid TOML: {exc}") from None
    return replace(validate(data), source=path)


def validate(data: Mapping[str, Any]) -> Config:
    """Turn parsed TOML into a Config, refusing unknown keys and bad values."""
    sections: dict[str, Any] = {}
    for name, value in data.items():
        if name == "printers":
            sections["printers"] = _printers(value)
        elif name in _SCHEMA:
            sections[name] = _section(name, value, _SCHEMA[name], _SECTIONS[name])
        else:
            raise ConfigError(name, "unknown section")
    config = Config(**sections)
    _check_backend_url(config.backend)
    _check_database_url(config.database.url)
    return config


def _section(name: str, value: Any, schema: Mapping[str, Validator], cls: type[Any]) -> Any:
    if not isinstance(value, dict):
        raise ConfigError(name, f"expected a table [{name}], got {_kind(value)}")
    cleaned: dict[str, Any] = {}
    for key, item in value.items():
        if key not in schema:
            raise ConfigError(f"{name}.{key}", "unknown key")
        try:
            cleaned[key] = schema[key](item)
        except ValueError as exc:
            raise ConfigError(f"{name}.{key}", str(exc)) from None
    return cls(**cleaned)


def _printers(value: Any) -> PrintersSection:
    if not isinstance(value, dict):
        raise ConfigError("printers", f"expected a table, got {_kind(value)}")
    names = {f.name for f in fields(PrintersSection)}
    parsed: dict[str, PrinterSection] = {}
    for name, section in value.items():
        if name not in names:
            raise ConfigError(f"printers.{name}", "unknown printer (expected label, item or document)")
        printer = _section(f"printers.{name}", section, _PRINTER_KEYS, PrinterSection)
        if printer.target:
            _check_target(f"printers.{name}.target", printer.target)
        parsed[name] = printer
    return PrintersSection(**parsed)


def _check_target(key: str, target: str) -> None:
    # Imported here so that reading a config does not load the printing package up front.
    from printing.targets import parse_target

    try:
        parse_target(target)
    except ValueError as exc:
        raise ConfigError(key, str(exc)) from None


def _check_backend_url(backend: BackendSection) -> None:
    if not backend.url:
        return
    try:
        parts = urlsplit(backend.url)
        hostname, _ = parts.hostname, parts.port  # both raise ValueError when malformed
    except ValueError:
        hostname = None
    if hostname is None or parts.scheme not in ("http", "https"):
        raise ConfigError("backend.url", f"expected an http(s) URL, got {backend.url!r}")
    if parts.scheme == "http" and not backend.allow_insecure_http and not is_loopback(hostname):
        raise ConfigError(
            "backend.url",
            "plain http is only allowed to a loopback host; use https "
            "(or set backend.allow_insecure_http = true)",
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_database_url(url: str) -> None:
    if not url:
        return
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(url)
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        raise ConfigError("database.url", "not a valid SQLAlchemy database URL") from None
