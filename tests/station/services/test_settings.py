"""The settings behind the supervisors' screen, on real TOML files: changes validated as a whole config
before anything is written (a refusal leaves the file byte for byte), comments kept, the token only in
the keyring, test pages to real pdf: and zpl: folders, and the changes audited.

The keyring is the `keyring` library's own API with an in-memory backend (tests/…/keyrings.py).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from pypdf import PdfReader
from sqlalchemy import select

from station.config import load_config
from station.services.audit_view import AuditQuery
from station.services.settings import (
    EDITABLE,
    NO_KEYRING,
    SettingsError,
    SettingsFile,
    print_test_page,
    serial_ports,
)
from station.services.supervisor import NotSupervisor, SupervisorTools
from station.storage.models import AuditRow
from station.sync.client import KEYRING_SERVICE, KEYRING_USER, resolve_token
from tests.station.services.keyrings import MemoryKeyring, RefusingKeyring, use_memory_keyring
from tests.station.services.shift import make_station, scan

TOKEN = "tok-7Hq2c9XbL0pWz4"
CONFIG = """\
# Packing station 3, by the loading dock
[station]
id = "PACK-03"  # printed on every label
number = 3

[backend]
url = "https://backend.example.com"   # the site's backend
timeout_s = 10

[scanner]
port = ""  # keyboard-wedge scanners only

[printers.document]
paper = "Letter"  # the office buys Letter
"""


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    yield from use_memory_keyring(monkeypatch)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "station.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def settings(config_file: Path, tmp_path: Path, memory_keyring: MemoryKeyring) -> SettingsFile:
    return SettingsFile(config_file, tmp_path / "data")


def test_the_current_values_defaults_and_token_source(settings: SettingsFile, memory_keyring: MemoryKeyring,
                                                      tmp_path: Path) -> None:
    current = settings.load()
    assert current.exists and current.problem == ""
    assert current.values["backend.url"] == "https://backend.example.com"
    assert current.values["printers.document.paper"] == "Letter"
    assert current.values["scanner.baudrate"] == 9600 and current.values["scale.protocol"] == "sics"
    assert set(current.values) == set(EDITABLE)
    assert current.defaults["label"] == f"pdf:{tmp_path / 'data' / 'prints'}"
    assert current.token == "not set"
    memory_keyring.set_password(KEYRING_SERVICE, KEYRING_USER, TOKEN)
    assert settings.load().token == "saved in the system keyring"


def test_changes_are_written_keeping_comments_and_layout(settings: SettingsFile, config_file: Path) -> None:
    saved = settings.save({"backend.url": "https://backend2.example.com/api", "scanner.port": "loop://",
                           "scanner.baudrate": 115200, "scale.protocol": "nci", "scale.tolerance_pct": 3.0,
                           "printers.label.target": "zpl+tcp://10.0.0.7:9100",
                           "printers.document.paper": "Letter"})  # unchanged: not counted
    text = config_file.read_text(encoding="utf-8")
    assert saved.keys == ("backend.url", "scanner.port", "scanner.baudrate", "scale.protocol",
                          "scale.tolerance_pct", "printers.label.target")
    assert saved.message.startswith(f"Saved to {config_file}: backend.url, ") and "restart" in saved.message
    for line in ("# Packing station 3, by the loading dock", 'id = "PACK-03"  # printed on every label',
                 'url = "https://backend2.example.com/api"   # the site\'s backend',
                 'port = "loop://"  # keyboard-wedge scanners only',
                 'paper = "Letter"  # the office buys Letter',
                 "tolerance_pct = 3\n", "[printers.label]\ntarget = \"zpl+tcp://10.0.0.7:9100\""):
        assert line in text, line
    config = load_config(config_file)
    assert (config.station.id, config.backend.timeout_s, config.scanner.baudrate) == ("PACK-03", 10, 115200)
    assert config.printers.label.target == "zpl+tcp://10.0.0.7:9100" and config.scale.protocol == "nci"
    assert [p.name for p in config_file.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(("changes", "message"), [
    ({"backend.url": "ftp://backend.example.com"},
     "config: backend.url: expected an http(s) URL, got 'ftp://backend.example.com'"),
    ({"backend.url": "http://backend.example.com"},
     "config: backend.url: plain http is only allowed to a loopback host; use https "
     "(or set backend.allow_insecure_http = true)"),
    ({"printers.item.target": "lpr:office"}, "config: printers.item.target: "),
    ({"printers.label.target": "zpl+tcp://printer"}, "config: printers.label.target: "),
    ({"scanner.port": "/dev/ttyNOPE9"},
     "config: scanner.port: there is no port /dev/ttyNOPE9 on this machine"),
    ({"scale.port": "COM77"}, "config: scale.port: there is no port COM77"),
    ({"scanner.baudrate": 12}, "config: scanner.baudrate: must be between 300 and 4000000, got 12"),
    ({"scale.tolerance_pct": 150.0}, "config: scale.tolerance_pct: must be between 0 and 100, got 150"),
    ({"scale.protocol": "grams"}, "config: scale.protocol: must be one of sics, nci, toledo8217"),
    ({"printers.document.paper": "A3"}, "config: printers.document.paper: must be one of A4, Letter"),
    ({"station.id": "X"}, "config: station.id: not a setting this screen changes"),
])
def test_a_bad_value_is_refused_naming_the_key_and_nothing_is_saved(
        settings: SettingsFile, config_file: Path, memory_keyring: MemoryKeyring,
        changes: dict[str, object], message: str) -> None:
    before = config_file.read_bytes()
    with pytest.raises(SettingsError) as refused:
        settings.save({"scanner.baudrate": 19200, **changes}, token=TOKEN)
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)
    assert config_file.read_bytes() == before
    assert memory_keyring.passwords == {}
    assert sorted(p.name for p in config_file.parent.iterdir()) == ["station.toml"]


def test_a_port_present_or_a_pyserial_url_is_accepted(settings: SettingsFile) -> None:
    main, other = os.openpty()
    try:
        settings.save({"scanner.port": os.ttyname(other), "scale.port": "socket://127.0.0.1:4001"})
    finally:
        os.close(main)
        os.close(other)
    assert load_config(settings.path).scale.port == "socket://127.0.0.1:4001"
    for port in serial_ports():  # whatever this machine has: device names, descriptions as text
        assert port.device and isinstance(port.description, str)


def test_the_token_goes_to_the_keyring_only(settings: SettingsFile, config_file: Path,
                                            memory_keyring: MemoryKeyring,
                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    saved = settings.save({"backend.url": "https://other.example.com"}, token=f"  {TOKEN}\n")
    assert saved.token and saved.keys == ("backend.url",)
    assert memory_keyring.passwords == {(KEYRING_SERVICE, KEYRING_USER): TOKEN}
    assert resolve_token("") == TOKEN  # what the station reads at its next start
    assert TOKEN not in config_file.read_text(encoding="utf-8")
    assert TOKEN not in saved.message and TOKEN not in caplog.text
    assert settings.load().token == "saved in the system keyring"

    only_token = settings.save({}, token="tok-second")
    assert only_token.message == "Saved: the backend token (in the system keyring). " \
        "The station uses them after a restart."
    assert memory_keyring.passwords[(KEYRING_SERVICE, KEYRING_USER)] == "tok-second"


@pytest.mark.parametrize(("setup", "message"), [
    ("token_file", "config: backend.token_file: the station reads its token from this file"),
    ("env", "$STATION_BACKEND_TOKEN is set for this station and comes before the keyring"),
    ("bad", "backend token: expected printable characters without spaces"),
])
def test_a_token_the_station_would_not_read_from_the_keyring_is_refused(
        settings: SettingsFile, config_file: Path, memory_keyring: MemoryKeyring, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, setup: str, message: str) -> None:
    token = TOKEN
    if setup == "token_file":
        config_file.write_text(CONFIG.replace("timeout_s = 10", f'token_file = "{tmp_path / "t"}"'),
                               encoding="utf-8")
    elif setup == "env":
        monkeypatch.setenv("STATION_BACKEND_TOKEN", "from-the-environment")
    else:
        token = "two words"
    before = config_file.read_bytes()
    with pytest.raises(SettingsError) as refused:
        settings.save({"scanner.baudrate": 19200}, token=token)
    assert str(refused.value).startswith(message) and token not in str(refused.value)
    assert config_file.read_bytes() == before and memory_keyring.passwords == {}


def test_without_a_keyring_nothing_is_saved(settings: SettingsFile, config_file: Path) -> None:
    keyring.set_keyring(NoKeyring())  # the memory_keyring fixture puts the previous one back
    before = config_file.read_bytes()
    assert settings.load().token == "no system keyring on this machine"
    with pytest.raises(SettingsError) as refused:
        settings.save({"backend.url": "https://other.example.com"}, token=TOKEN)
    assert str(refused.value) == NO_KEYRING
    assert config_file.read_bytes() == before
    assert settings.save({"backend.url": "https://other.example.com"}).keys == ("backend.url",)


def test_a_keyring_error_never_repeats_the_token(settings: SettingsFile, config_file: Path) -> None:
    keyring.set_keyring(RefusingKeyring())
    before = config_file.read_bytes()
    with pytest.raises(SettingsError) as refused:
        settings.save({}, token=TOKEN)
    assert str(refused.value) == "the system keyring did not take the token: locked collection refused …; " \
        "nothing was saved"
    assert config_file.read_bytes() == before


def test_a_new_file_is_made_where_the_station_will_read_it(tmp_path: Path,
                                                          memory_keyring: MemoryKeyring) -> None:
    path = tmp_path / "config" / "station" / "config.toml"
    settings = SettingsFile(path, tmp_path)
    assert not settings.load().exists
    assert settings.save({}).message == "Nothing changed: nothing to save." and not path.exists()
    settings.save({"printers.document.target": "cups:Office", "printers.document.paper": "Letter"})
    assert path.read_text(encoding="utf-8") == \
        '[printers.document]\ntarget = "cups:Office"\npaper = "Letter"\n'
    assert load_config(path).printers.document.target == "cups:Office"


def test_the_file_keeps_its_permissions(settings: SettingsFile, config_file: Path) -> None:
    config_file.chmod(0o640)
    settings.save({"scale.tolerance_g": 35})
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o640


def test_a_file_that_does_not_validate_is_shown_and_can_be_fixed(settings: SettingsFile,
                                                                 config_file: Path) -> None:
    config_file.write_text(CONFIG.replace('paper = "Letter"', 'paper = "A5"'), encoding="utf-8")
    assert settings.load().problem.startswith("config: printers.document.paper: must be one of A4, Letter")
    settings.save({"printers.document.paper": "A4"})
    assert load_config(config_file).printers.document.paper == "A4"


def test_test_pages_to_pdf_and_zpl_folders(tmp_path: Path) -> None:
    now = datetime(2026, 11, 22, 14, 3).astimezone()
    result = print_test_page("document", f"pdf:{tmp_path / 'pdf'}", station_id="PACK-03", paper="Letter",
                             now=now)
    [pdf] = (tmp_path / "pdf").iterdir()
    assert result == f"Test page sent to {pdf}"
    page = PdfReader(pdf).pages[0]
    assert round(float(page.mediabox.width)) == 612  # Letter
    text = page.extract_text()
    assert "Station test page" in text and "Printer: document" in text and "Station: PACK-03" in text
    result = print_test_page("label", f"zpl:{tmp_path / 'zpl'}", station_id="PACK-03", now=now)
    [zpl] = (tmp_path / "zpl").iterdir()
    assert result == f"Test page sent to {zpl}" and zpl.suffix == ".zpl"
    program = zpl.read_text(encoding="ascii")
    assert program.startswith("^XA^CI28^PW812^LL1218") and "Station test page" in program
    assert program.rstrip().endswith("^XZ") and "^GFA" not in program  # native ZPL, not a picture
    print_test_page("item", "", station_id="PACK-03", default=f"pdf:{tmp_path / 'default'}", now=now)
    assert len(list((tmp_path / "default").iterdir())) == 1


@pytest.mark.parametrize(("target", "message"), [
    ("lpr:office", "config: printers.label.target: "),
    ("zpl+tcp://127.0.0.1:1", "The test page did not print: "),
])
def test_a_test_page_that_cannot_print_says_why_in_one_line(target: str, message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        print_test_page("label", target, station_id="PACK-03")
    assert str(refused.value).startswith(message) and "\n" not in str(refused.value)


def test_supervisor_tools_check_the_role_and_audit_what_they_change(
        tmp_path: Path, database_url: str, memory_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CONFIG", str(tmp_path / "station.toml"))
    station = make_station(tmp_path, database_url)
    try:
        tools = SupervisorTools(station.db, station.config, lambda: station.desk.operator)
        scan(station, "EMP-1001")
        with pytest.raises(NotSupervisor):
            tools.load_settings()
        scan(station, "EMP-9001")
        tools.save_settings({"scale.tolerance_g": 40}, token=TOKEN)
        assert tools.test_print("document", "").startswith(f"Test page sent to {tmp_path / 'prints'}")
        [settings_row] = tools.audit_page(AuditQuery(kind="events and settings")).entries
        assert settings_row.summary == "changed scale.tolerance_g, backend token"
        with station.db.read() as s:
            rows = {r.action: r for r in s.scalars(select(AuditRow))}
    finally:
        station.stop()
    changed = rows["settings.changed"]
    assert changed.operator_badge == "EMP-9001"
    assert changed.detail["keys"] == ["scale.tolerance_g", "backend token"]
    assert TOKEN not in str(changed.detail)
    assert rows["print.test_page"].detail["printer"] == "document"
