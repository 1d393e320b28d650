"""The configuration file and the command line around it (config.md): defaults, every key, every bad value.

A bad configuration must stop start-up with ONE line that names the key, from the library and from the
real `station` command alike.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs
import pytest
from sqlalchemy.engine import make_url

from station.config import (
    BackendSection,
    Config,
    ConfigError,
    DatabaseSection,
    PackingSection,
    PrinterSection,
    PrintersSection,
    ScaleSection,
    ScannerSection,
    StationSection,
    load_config,
    resolve_config_path,
    validate,
)

# Every key of config.md, none left at its default.
FULL_TOML = """\
[station]
id = "PACK-07"
number = 907
start_mode = "returns"

[database]
url = "postgresql+psycopg://station@db.example.com/station"

[backend]
url = "https://backend.example.com/api"
token_file = "/etc/station/token"
ca_bundle = "/etc/station/ca.pem"
allow_insecure_http = true
timeout_s = 12.5
batch_size = 250
catalog_refresh_s = 600
request_labels = true

[scanner]
port = "/dev/ttyACM0"
baudrate = 115200

[scale]
port = "socket://10.0.0.9:4001"
protocol = "toledo8217"
tolerance_pct = 2.5
tolerance_g = 15

[packing]
auto_complete = false

[printers.label]
target = "zpl+tcp://10.0.0.5:9100"
[printers.item]
target = "zpl+cups:item-zebra"
[printers.document]
target = "cups:office-laser"
paper = "Letter"
"""

FULL_CONFIG = Config(
    station=StationSection(id="PACK-07", number=907, start_mode="returns"),
    database=DatabaseSection(url="postgresql+psycopg://station@db.example.com/station"),
    backend=BackendSection(url="https://backend.example.com/api", token_file="/etc/station/token",
                           ca_bundle="/etc/station/ca.pem", allow_insecure_http=True, timeout_s=12.5,
                           batch_size=250, catalog_refresh_s=600, request_labels=True),
    scanner=ScannerSection(port="/dev/ttyACM0", baudrate=115200),
    scale=ScaleSection(port="socket://10.0.0.9:4001", protocol="toledo8217", tolerance_pct=2.5,
                       tolerance_g=15),
    packing=PackingSection(auto_complete=False),
    printers=PrintersSection(label=PrinterSection(target="zpl+tcp://10.0.0.5:9100"),
                             item=PrinterSection(target="zpl+cups:item-zebra"),
                             document=PrinterSection(target="cups:office-laser", paper="Letter")),
)

# The example file of config.md as it is printed there: every key at its documented default.
DOC_EXAMPLE_TOML = """\
[station]
id = "PACK-01"            # in every event's source and on every document
number = 1                # 1-999, unique in the site: the first digits of this station's LPNs
start_mode = "pack"       # pack | returns

[database]
url = ""

[backend]
url = ""                  # empty: offline, events wait in the outbox
token_file = ""           # else $STATION_BACKEND_TOKEN, else the system keyring
ca_bundle = ""
allow_insecure_http = false
timeout_s = 10
batch_size = 100
catalog_refresh_s = 300
request_labels = false

[scanner]
port = ""                 # empty: keyboard-wedge scanners only
baudrate = 9600

[scale]
port = ""                 # empty: no scale
protocol = "sics"         # sics | nci | toledo8217
tolerance_pct = 5
tolerance_g = 20

[packing]
auto_complete = true

[printers.label]          # 4x6 in shipping labels
target = ""               # default: pdf:<user data folder>/prints
[printers.item]           # 2x1 in item and LPN labels
target = ""
[printers.document]       # packing slips, return receipts, reports
target = ""
paper = "A4"              # A4 | Letter
"""


@pytest.fixture(autouse=True)
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user config and data folders live under tmp_path; no $STATION_CONFIG from the caller."""
    home = tmp_path / "user"

    def folder(kind: str) -> Callable[..., str]:
        def user_dir(appname: str | None = None, *args: object, **kwargs: object) -> str:
            return str(home / kind / (appname or ""))
        return user_dir

    monkeypatch.setattr(platformdirs, "user_config_dir", folder("config"))
    monkeypatch.setattr(platformdirs, "user_data_dir", folder("data"))
    monkeypatch.delenv("STATION_CONFIG", raising=False)
    return home


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_one_line_naming(exc: ConfigError, key: str) -> None:
    message = str(exc)
    assert "\n" not in message and "\r" not in message, message
    assert exc.key == key
    assert f"config: {key}: " in message, message


# -- defaults and a full file -----------------------------------------------------------------------------

def test_no_file_means_the_documented_defaults(user_dirs: Path) -> None:
    config = load_config(None)
    assert config.station == StationSection("PACK-01", 1, "pack")
    assert config.database.url == ""
    assert config.backend == BackendSection("", "", "", False, 10, 100, 300, False)
    assert config.scanner == ScannerSection("", 9600)
    assert config.scale == ScaleSection("", "sics", 5, 20)
    assert config.packing.auto_complete is True
    assert config.printers.document.paper == "A4"
    assert config.source is None
    assert config.data_dir == user_dirs / "data" / "station"


def test_no_file_found_anywhere_means_defaults(user_dirs: Path) -> None:
    assert resolve_config_path(None) is None
    assert load_config(resolve_config_path(None)).station.id == "PACK-01"


def test_default_database_is_sqlite_in_the_user_data_folder(user_dirs: Path) -> None:
    config = load_config(None)
    expected = user_dirs / "data" / "station" / "station.db"
    assert config.database_url == f"sqlite:///{expected}"
    url = make_url(config.database_url)
    assert url.get_backend_name() == "sqlite"
    assert Path(url.database or "") == expected


def test_default_printer_targets_are_pdf_folders_in_the_user_data_folder(user_dirs: Path) -> None:
    config = load_config(None)
    prints = user_dirs / "data" / "station" / "prints"
    for name in ("label", "item", "document"):
        assert config.printer_target(name) == f"pdf:{prints}"


def test_full_file_with_every_key_round_trips(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_TOML)
    config = load_config(path)
    assert config.station == FULL_CONFIG.station
    assert config.database == FULL_CONFIG.database
    assert config.backend == FULL_CONFIG.backend
    assert config.scanner == FULL_CONFIG.scanner
    assert config.scale == FULL_CONFIG.scale
    assert config.packing == FULL_CONFIG.packing
    assert config.printers == FULL_CONFIG.printers
    assert config.source == path
    assert config.database_url == "postgresql+psycopg://station@db.example.com/station"
    assert config.printer_target("label") == "zpl+tcp://10.0.0.5:9100"
    assert config.printer_target("item") == "zpl+cups:item-zebra"
    assert config.printer_target("document") == "cups:office-laser"


def test_the_example_file_of_config_md_is_valid_and_equals_the_defaults(tmp_path: Path) -> None:
    from_file = load_config(write(tmp_path, DOC_EXAMPLE_TOML))
    defaults = load_config(None)
    for section in ("station", "database", "backend", "scanner", "scale", "packing", "printers"):
        assert getattr(from_file, section) == getattr(defaults, section), section


def test_an_empty_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""))
    assert config.station == StationSection()
    assert config.printers == PrintersSection()


def test_station_id_is_trimmed(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, '[station]\nid = "  PACK-02 "\n')).station.id == "PACK-02"


@pytest.mark.parametrize(("toml", "section", "key", "value"), [
    ("[station]\nnumber = 1", "station", "number", 1),
    ("[station]\nnumber = 999", "station", "number", 999),
    ('[station]\nid = "A"', "station", "id", "A"),
    ('[station]\nid = "' + "X" * 32 + '"', "station", "id", "X" * 32),
    ('[station]\nid = "ret_01.b"', "station", "id", "ret_01.b"),
    ("[backend]\ntimeout_s = 0.1", "backend", "timeout_s", 0.1),
    ("[backend]\ntimeout_s = 600", "backend", "timeout_s", 600.0),
    ("[backend]\nbatch_size = 1", "backend", "batch_size", 1),
    ("[backend]\nbatch_size = 1000", "backend", "batch_size", 1000),
    ("[backend]\ncatalog_refresh_s = 5", "backend", "catalog_refresh_s", 5.0),
    ("[backend]\ncatalog_refresh_s = 86400", "backend", "catalog_refresh_s", 86400.0),
    ("[scanner]\nbaudrate = 300", "scanner", "baudrate", 300),
    ("[scanner]\nbaudrate = 4000000", "scanner", "baudrate", 4_000_000),
    ('[scale]\nprotocol = "nci"', "scale", "protocol", "nci"),
    ('[scale]\nprotocol = "sics"', "scale", "protocol", "sics"),
    ("[scale]\ntolerance_pct = 0", "scale", "tolerance_pct", 0.0),
    ("[scale]\ntolerance_pct = 100", "scale", "tolerance_pct", 100.0),
    ("[scale]\ntolerance_g = 100000", "scale", "tolerance_g", 100_000.0),
    ('[station]\nstart_mode = "pack"', "station", "start_mode", "pack"),
])
def test_boundary_values_are_accepted(tmp_path: Path, toml: str, section: str, key: str,
                                      value: object) -> None:
    config = load_config(write(tmp_path, toml + "\n"))
    assert getattr(getattr(config, section), key) == value


@pytest.mark.parametrize("target", [
    "pdf:/var/spool/station/labels", "pdf:~/prints", "zpl:/tmp/zpl-out", "cups:Zebra_ZD421",
    "zpl+cups:zebra-raw", "zpl+tcp://printer.local:9100", "zpl+tcp://[fd00::5]:9100",
])
def test_every_printer_target_form_is_accepted(tmp_path: Path, target: str) -> None:
    config = load_config(write(tmp_path, f'[printers.label]\ntarget = "{target}"\n'))
    assert config.printer_target("label") == target


# -- backend URL: https, or http to loopback only -------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://backend.example.com", "https://backend.example.com:8443/v1", "https://10.0.0.7",
    "http://127.0.0.1:8080", "http://127.0.0.1", "http://127.8.9.10/api", "http://[::1]:8080/",
    "http://localhost:8080", "http://LOCALHOST:8080",
])
def test_https_anywhere_and_http_to_loopback_are_allowed(tmp_path: Path, url: str) -> None:
    assert load_config(write(tmp_path, f'[backend]\nurl = "{url}"\n')).backend.url == url


@pytest.mark.parametrize("url", ["http://backend.example.com", "http://10.0.0.7:8080", "http://[fd00::1]/"])
@pytest.mark.parametrize("order", ["flag first", "url first"])
def test_plain_http_to_another_host_only_with_allow_insecure_http(tmp_path: Path, url: str,
                                                                  order: str) -> None:
    lines = [f'url = "{url}"', "allow_insecure_http = true"]
    if order == "flag first":
        lines.reverse()
    config = load_config(write(tmp_path, "[backend]\n" + "\n".join(lines) + "\n"))
    assert config.backend.url == url and config.backend.allow_insecure_http is True


# -- every bad value ------------------------------------------------------------------------------------

BAD = [
    # unknown sections and keys
    ('[stations]\nid = "PACK-01"', "stations"),
    ("debug = true", "debug"),
    ('[printer.label]\ntarget = ""', "printer"),
    ('[station]\nname = "Pack 1"', "station.name"),
    ('[database]\npool_size = 5', "database.pool_size"),
    ('[backend]\ntoken = "secret"', "backend.token"),
    ("[scanner]\nbaud = 9600", "scanner.baud"),
    ('[scale]\nunit = "g"', "scale.unit"),
    ("[packing]\nauto_close = true", "packing.auto_close"),
    ('[printers.label]\nqueue = "zebra"', "printers.label.queue"),
    ("[printers.item]\ndpi = 203", "printers.item.dpi"),
    ("[printers.document]\nduplex = true", "printers.document.duplex"),
    ('[printers.receipt]\ntarget = "pdf:/tmp"', "printers.receipt"),
    # a section that is not a table
    ('station = "PACK-01"', "station"),
    ('printers = "pdf:/tmp"', "printers"),
    ('[printers]\nlabel = "pdf:/tmp"', "printers.label"),
    # wrong types
    ("[station]\nid = 7", "station.id"),
    ('[station]\nnumber = "1"', "station.number"),
    ("[station]\nnumber = 1.0", "station.number"),
    ("[station]\nnumber = true", "station.number"),
    ("[station]\nstart_mode = 1", "station.start_mode"),
    ("[database]\nurl = 5", "database.url"),
    ('[backend]\nurl = ["https://a.example"]', "backend.url"),
    ("[backend]\ntoken_file = true", "backend.token_file"),
    ("[backend]\nca_bundle = {path = \"/x\"}", "backend.ca_bundle"),
    ('[backend]\nallow_insecure_http = "yes"', "backend.allow_insecure_http"),
    ("[backend]\nallow_insecure_http = 1", "backend.allow_insecure_http"),
    ('[backend]\ntimeout_s = "10"', "backend.timeout_s"),
    ("[backend]\ntimeout_s = true", "backend.timeout_s"),
    ("[backend]\nbatch_size = 10.5", "backend.batch_size"),
    ('[backend]\ncatalog_refresh_s = "300"', "backend.catalog_refresh_s"),
    ("[backend]\nrequest_labels = 0", "backend.request_labels"),
    ("[scanner]\nport = 0", "scanner.port"),
    ('[scanner]\nbaudrate = "9600"', "scanner.baudrate"),
    ("[scale]\nport = false", "scale.port"),
    ("[scale]\nprotocol = 1", "scale.protocol"),
    ('[scale]\ntolerance_pct = "5"', "scale.tolerance_pct"),
    ("[scale]\ntolerance_g = true", "scale.tolerance_g"),
    ('[packing]\nauto_complete = "true"', "packing.auto_complete"),
    ("[printers.label]\ntarget = 9100", "printers.label.target"),
    ("[printers.document]\npaper = 4", "printers.document.paper"),
    # out of range
    ("[station]\nnumber = 0", "station.number"),
    ("[station]\nnumber = 1000", "station.number"),
    ("[station]\nnumber = -1", "station.number"),
    ("[backend]\ntimeout_s = 0", "backend.timeout_s"),
    ("[backend]\ntimeout_s = 600.5", "backend.timeout_s"),
    ("[backend]\ntimeout_s = nan", "backend.timeout_s"),
    ("[backend]\ntimeout_s = inf", "backend.timeout_s"),
    ("[backend]\nbatch_size = 0", "backend.batch_size"),
    ("[backend]\nbatch_size = 1001", "backend.batch_size"),
    ("[backend]\ncatalog_refresh_s = 4", "backend.catalog_refresh_s"),
    ("[backend]\ncatalog_refresh_s = 86401", "backend.catalog_refresh_s"),
    ("[scanner]\nbaudrate = 299", "scanner.baudrate"),
    ("[scanner]\nbaudrate = 4000001", "scanner.baudrate"),
    ("[scale]\ntolerance_pct = -1", "scale.tolerance_pct"),
    ("[scale]\ntolerance_pct = 101", "scale.tolerance_pct"),
    ("[scale]\ntolerance_g = -0.5", "scale.tolerance_g"),
    ("[scale]\ntolerance_g = 100001", "scale.tolerance_g"),
    # bad station id
    ('[station]\nid = ""', "station.id"),
    ('[station]\nid = "   "', "station.id"),
    ('[station]\nid = "PACK 01"', "station.id"),
    ('[station]\nid = "PACK/01"', "station.id"),
    ('[station]\nid = "' + "X" * 33 + '"', "station.id"),
    ('[station]\nid = "PACK\\n01"', "station.id"),
    # bad choices
    ('[station]\nstart_mode = "packing"', "station.start_mode"),
    ('[station]\nstart_mode = "Pack"', "station.start_mode"),
    ('[station]\nstart_mode = "handover"', "station.start_mode"),
    ('[station]\nstart_mode = ""', "station.start_mode"),
    ('[scale]\nprotocol = "SICS"', "scale.protocol"),
    ('[scale]\nprotocol = "mt-sics"', "scale.protocol"),
    ('[printers.document]\npaper = "a4"', "printers.document.paper"),
    ('[printers.document]\npaper = "Legal"', "printers.document.paper"),
    # bad printer targets
    ('[printers.label]\ntarget = "zebra"', "printers.label.target"),
    ('[printers.label]\ntarget = "lpr:zebra"', "printers.label.target"),
    ('[printers.item]\ntarget = "pdf:"', "printers.item.target"),
    ('[printers.item]\ntarget = "zpl:  "', "printers.item.target"),
    ('[printers.document]\ntarget = "cups:"', "printers.document.target"),
    ('[printers.document]\ntarget = "cups:office laser"', "printers.document.target"),
    ('[printers.document]\ntarget = "cups:-o"', "printers.document.target"),
    ('[printers.label]\ntarget = "zpl+tcp://printer.local"', "printers.label.target"),
    ('[printers.label]\ntarget = "zpl+tcp://:9100"', "printers.label.target"),
    ('[printers.label]\ntarget = "zpl+tcp://printer.local:99999"', "printers.label.target"),
    ('[printers.label]\ntarget = "zpl+tcp://printer.local:9100/x"', "printers.label.target"),
    ('[printers.label]\ntarget = "zpl+tcp://[::1"', "printers.label.target"),
    ('[printers.label]\ntarget = "pdf\\n:/tmp"', "printers.label.target"),
    # backend URL
    ('[backend]\nurl = "http://backend.example.com"', "backend.url"),
    ('[backend]\nurl = "http://10.0.0.7:8080"', "backend.url"),
    ('[backend]\nurl = "http://[fd00::1]/"', "backend.url"),
    ('[backend]\nurl = "http://localhost.example.com"', "backend.url"),
    ('[backend]\nurl = "http://127.0.0.1@evil.example.com/"', "backend.url"),
    ('[backend]\nurl = "http://backend.example.com"\nallow_insecure_http = false', "backend.url"),
    ('[backend]\nurl = "ftp://backend.example.com"', "backend.url"),
    ('[backend]\nurl = "backend.example.com"', "backend.url"),
    ('[backend]\nurl = "https://"', "backend.url"),
    ('[backend]\nurl = "http://[::1"', "backend.url"),
    ('[backend]\nurl = "https://[not-an-ip]/"', "backend.url"),
    ('[backend]\nurl = "https://backend.example.com:port/"', "backend.url"),
    ('[backend]\nurl = "https://backend.example.com:70000/"', "backend.url"),
    # database URL
    ('[database]\nurl = "station.db"', "database.url"),
    ('[database]\nurl = "postgresql://station@db:notaport/station"', "database.url"),
]


@pytest.mark.parametrize(("toml", "key"), BAD, ids=[f"{key}:{toml.splitlines()[-1]}" for toml, key in BAD])
def test_bad_value_or_unknown_key_stops_with_one_line_naming_the_key(tmp_path: Path, toml: str,
                                                                      key: str) -> None:
    path = write(tmp_path, toml + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert_one_line_naming(caught.value, key)


def test_the_first_bad_key_is_named_even_among_good_ones(tmp_path: Path) -> None:
    path = write(tmp_path, FULL_TOML.replace("baudrate = 115200", "baudrate = 7"))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert_one_line_naming(caught.value, "scanner.baudrate")
    assert "7" in str(caught.value)


def test_validate_refuses_an_unknown_section_given_as_data() -> None:
    with pytest.raises(ConfigError) as caught:
        validate({"station": {"id": "PACK-01"}, "extras": {}})
    assert_one_line_naming(caught.value, "extras")


def test_unknown_http_host_message_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, '[backend]\nurl = "http://backend.example.com"\n'))
    message = str(caught.value)
    assert "https" in message and "allow_insecure_http" in message


# -- the file itself --------------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"[station\nid = 'PACK-01'\n",
    b"[station]\nid = PACK-01\n",
    b"[station]\nnumber = 1\nnumber = 2\n",
    b"[station]\n[station]\n",
    b'[station]\nid = "unterminated\n',
    b"number = = 1\n",
], ids=["open-bracket", "bare-string", "duplicate-key", "duplicate-table", "unterminated", "double-equals"])
def test_bad_toml_is_one_line_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and "TOML" in message


@pytest.mark.parametrize("content", [
    '[station]\nid = "KÖLN-1"\n'.encode("latin-1"),
    b"[station]\nid = \"PACK-01\"\n\xff\xfe",
    "[station]\nnumber = 1\n".encode("utf-16"),
], ids=["latin-1", "stray-bytes", "utf-16"])
def test_a_file_that_is_not_utf8_is_one_line_naming_the_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message and "UTF-8" in message


def test_a_missing_file_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "config.toml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "\n" not in str(caught.value)
    assert "not found" in str(caught.value) and str(path) in str(caught.value)


def test_a_folder_instead_of_a_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert "\n" not in str(caught.value) and str(tmp_path) in str(caught.value)


def test_a_utf8_file_with_non_ascii_values_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, '[printers.document]\ntarget = "pdf:/srv/Drucker/Büro"\n')
    assert load_config(path).printer_target("document") == "pdf:/srv/Drucker/Büro"


# -- where the file is found --------------------------------------------------------------------------------

def test_config_option_beats_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = write(tmp_path, '[station]\nid = "FROM-OPTION"\n', "option.toml")
    env = write(tmp_path, '[station]\nid = "FROM-ENV"\n', "env.toml")
    monkeypatch.setenv("STATION_CONFIG", str(env))
    path = resolve_config_path(str(explicit))
    assert path == explicit
    assert load_config(path).station.id == "FROM-OPTION"


def test_environment_beats_the_user_config_folder(tmp_path: Path, user_dirs: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    default = user_dirs / "config" / "station" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text('[station]\nid = "FROM-FOLDER"\n', encoding="utf-8")
    env = write(tmp_path, '[station]\nid = "FROM-ENV"\n', "env.toml")
    monkeypatch.setenv("STATION_CONFIG", str(env))
    path = resolve_config_path(None)
    assert path == env
    assert load_config(path).station.id == "FROM-ENV"


def test_user_config_folder_is_used_when_nothing_else_is_given(user_dirs: Path) -> None:
    default = user_dirs / "config" / "station" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text('[station]\nid = "FROM-FOLDER"\n', encoding="utf-8")
    path = resolve_config_path(None)
    assert path == default
    assert load_config(path).station.id == "FROM-FOLDER"


def test_an_empty_environment_variable_is_ignored(user_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STATION_CONFIG", "")
    assert resolve_config_path(None) is None


def test_an_environment_variable_naming_a_missing_file_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "gone.toml"
    monkeypatch.setenv("STATION_CONFIG", str(missing))
    with pytest.raises(ConfigError) as caught:
        load_config(resolve_config_path(None))
    assert str(missing) in str(caught.value)


Run = subprocess.CompletedProcess[str]

# -- the real command line -----------------------------------------------------------------------------------
#
# A few runs are whole `python -m ui.launch ...` processes. The rest run in ONE extra interpreter that
# executes `ui.launch` as __main__ through runpy (what `python -m` does) once per command line, so that
# a dozen commands cost one interpreter start-up, not a dozen.

HELP_COMMANDS = [
    [], ["gui"], ["demo"], ["backend"], ["report", "daily"], ["print", "command-sheet"],
    ["sync", "status"], ["sync", "retry"], ["db", "upgrade"], ["audit", "verify"], ["check"],
]

BROKEN_FILES = {
    "number": "[station]\nnumber = 0\n",
    "unknown-key": '[scale]\nprotocol = "sics"\nunits = "g"\n',
    "ipv6": '[backend]\nurl = "http://[::1"\n',
    "http": '[backend]\nurl = "http://backend.example.com/v1"\n',
    "target": '[printers.label]\ntarget = "zpl+tcp://printer.local"\n',
    "toml": "[station\nid = 1\n",
}

# (name, argv with {file} for a broken file, $STATION_CONFIG or None, what stderr must name)
PROCESS_RUNS = [
    ("check --config after", ["check", "--config", "{number}"], None, "config: station.number: "),
    ("--config before check", ["--config", "{number}", "check"], None, "config: station.number: "),
    ("check with $STATION_CONFIG", ["check"], "{unknown-key}", "config: scale.units: "),
]
DRIVER_RUNS = [
    ("check ipv6 url", ["check", "--config", "{ipv6}"], None, "config: backend.url: "),
    ("check http url", ["check", "--config", "{http}"], None, "config: backend.url: "),
    ("check bad toml", ["check", "--config", "{toml}"], None, "is not valid TOML"),
    ("check missing file", ["check", "--config", "{missing}"], None, "file not found"),
    ("sync status", ["sync", "status", "--config", "{target}"], None, "config: printers.label.target: "),
    ("sync retry", ["sync", "retry", "--config", "{number}"], None, "config: station.number: "),
    ("db upgrade", ["db", "upgrade", "--config", "{number}"], None, "config: station.number: "),
    ("audit verify", ["--config", "{unknown-key}", "audit", "verify"], None, "config: scale.units: "),
    ("report daily", ["report", "daily", "--config", "{http}"], None, "config: backend.url: "),
    ("print command-sheet", ["print", "command-sheet", "--config", "{ipv6}"], None, "config: backend.url: "),
    ("gui", ["gui", "--config", "{number}"], None, "config: station.number: "),
]
BROKEN_RUNS = PROCESS_RUNS + DRIVER_RUNS

DRIVER = """
import contextlib, io, json, logging, runpy, sys, traceback
results = []
for argv in json.loads(sys.argv[1]):
    out, err, code = io.StringIO(), io.StringIO(), 0
    sys.argv = ["station", *argv]
    logging.root.handlers.clear()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_module("ui.launch", run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            code = 1
            err.write(traceback.format_exc())
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Run]]:
    """Every command line of this module, the processes started at once so that their start-ups overlap."""
    root = tmp_path_factory.mktemp("cli")
    files = {"missing": root / "missing.toml"}
    for name, text in BROKEN_FILES.items():
        files[name] = root / f"{name}.toml"
        files[name].write_text(text, encoding="utf-8")
    base_env = {k: v for k, v in os.environ.items() if k != "STATION_CONFIG"}
    base_env.update(XDG_CONFIG_HOME=str(root / "config"), XDG_DATA_HOME=str(root / "data"),
                    XDG_STATE_HOME=str(root / "state"), XDG_CACHE_HOME=str(root / "cache"),
                    QT_QPA_PLATFORM="offscreen")

    def fill(arg: str) -> str:
        return str(files[arg[1:-1]]) if arg.startswith("{") else arg

    def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, *args], cwd=root, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    driven = [("help:" + " ".join(argv), [*argv, "--help"]) for argv in HELP_COMMANDS]
    driven += [(name, [fill(a) for a in argv]) for name, argv, _, _ in DRIVER_RUNS]
    processes = {"driver": start(["-c", DRIVER, json.dumps([argv for _, argv in driven])], base_env)}
    for name, argv, env_file, _ in PROCESS_RUNS:
        env = dict(base_env)
        if env_file is not None:
            env["STATION_CONFIG"] = fill(env_file)
        processes[name] = start(["-m", "ui.launch", *[fill(a) for a in argv]], env)
    try:
        finished = {}
        for name, process in processes.items():
            out, err = process.communicate(timeout=60)
            finished[name] = (process.args, process.returncode, out, err)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    results = {name: Run(args, code, out, err) for name, (args, code, out, err) in finished.items()}
    driver = results.pop("driver")
    assert driver.returncode == 0 and driver.stderr == "", driver.stderr
    for (name, argv), (code, out, err) in zip(driven, json.loads(driver.stdout), strict=True):
        results[name] = Run(argv, code, out, err)
    yield results


@pytest.mark.parametrize("argv", HELP_COMMANDS, ids=lambda a: " ".join(a) or "station")
def test_help_of_every_command_exits_0(cli_runs: dict[str, Run], argv: list[str]) -> None:
    run = cli_runs["help:" + " ".join(argv)]
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout.startswith("usage: " + " ".join(["station", *argv]))
    assert "--config FILE" in run.stdout


@pytest.mark.parametrize(("name", "names"), [(name, names) for name, _, _, names in BROKEN_RUNS],
                         ids=[name for name, *_ in BROKEN_RUNS])
def test_broken_config_is_one_line_on_stderr_and_a_failing_exit(cli_runs: dict[str, Run], name: str,
                                                                names: str) -> None:
    run = cli_runs[name]
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert run.stderr.endswith("\n")
    assert lines[0].startswith("station: ")
    assert names in lines[0]
    assert "unexpected error" not in lines[0]


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[station]\nid = "PACK-09"\n')
    assert load_config(path).station.id == "PACK-09"
