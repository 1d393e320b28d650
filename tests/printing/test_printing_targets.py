"""Print targets: parsing every config form, PDF folders, CUPS through `lp`, ZPL refusals."""

from __future__ import annotations

import os
import socket
import stat
import threading
from datetime import datetime
from pathlib import Path

import pytest

from printing.targets import (
    CupsTarget,
    PdfDirTarget,
    PrintError,
    ZplCupsTarget,
    ZplDirTarget,
    ZplTcpTarget,
    parse_target,
    safe_name,
)

NOW = datetime(2026, 11, 22, 14, 3, 7)
PDF = b"%PDF-1.4 test\n%%EOF\n"


@pytest.mark.parametrize(("spec", "expected"), [
    ("pdf:/var/prints", PdfDirTarget(Path("/var/prints"))),
    ("pdf:prints", PdfDirTarget(Path("prints"))),
    ("cups:Zebra_GK420d", CupsTarget("Zebra_GK420d")),
    ("zpl+tcp://192.168.1.50:9100", ZplTcpTarget("192.168.1.50", 9100)),
    ("zpl+tcp://label-printer.local:6101", ZplTcpTarget("label-printer.local", 6101)),
    ("zpl+tcp://[fe80::1]:9100", ZplTcpTarget("fe80::1", 9100)),
    ("zpl+cups:zebra_raw", ZplCupsTarget("zebra_raw")),
    ("zpl:/var/zpl", ZplDirTarget(Path("/var/zpl"))),
])
def test_parse_accepts_every_config_form(spec: str, expected: object) -> None:
    assert parse_target(spec) == expected


def test_pdf_dir_expands_the_home_folder() -> None:
    assert parse_target("pdf:~/prints") == PdfDirTarget(Path.home() / "prints")


def test_descriptions() -> None:
    assert parse_target("pdf:/p").describe() == "PDF files in /p"
    assert parse_target("cups:Q").describe() == "CUPS queue Q"
    assert parse_target("zpl+tcp://h:9100").describe() == "ZPL printer at h:9100"
    assert parse_target("zpl+tcp://[::1]:9100").describe() == "ZPL printer at [::1]:9100"
    assert parse_target("zpl+cups:Q").describe() == "ZPL through CUPS raw queue Q"
    assert parse_target("zpl:/z").describe() == "ZPL files in /z"


def test_unknown_target_message_lists_the_forms() -> None:
    with pytest.raises(ValueError) as caught:
        parse_target("foo:bar")
    assert str(caught.value) == (
        'unknown printer target "foo:bar" (expected pdf:DIR, cups:QUEUE, zpl:DIR, '
        "zpl+cups:QUEUE or zpl+tcp://HOST:PORT)"
    )


@pytest.mark.parametrize(("spec", "message"), [
    ("", "unknown printer target"), ("prints", "unknown printer target"),
    ("PDF:/x", "unknown printer target"), ("lp:Q", "unknown printer target"),
    ("zpl+tcp:host:9100", "unknown printer target"),
    ("pdf:", "names no directory"), ("zpl:", "names no directory"), ("pdf:  ", "no directory"),
    ("cups:", "names no queue"), ("zpl+cups:", "names no queue"),
    ("cups:my queue", "not a valid CUPS queue name"), ("cups:a/b", "not a valid CUPS queue"),
    ("cups:a#b", "not a valid CUPS queue"), ("cups:-o", "not a valid CUPS queue"),
    ("zpl+tcp://", "needs a host"), ("zpl+tcp://:9100", "needs a host"),
    ("zpl+tcp://h:9100/x", "needs a host"),
    ("zpl+tcp://h", "needs a port"), ("zpl+tcp://h:", "needs a port"),
    ("zpl+tcp://h:0", "needs a port"), ("zpl+tcp://h:70000", "needs a port"),
    ("zpl+tcp://h:abc", "needs a port"),
])
def test_parse_rejects_bad_targets_in_one_line(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_target(spec)
    assert "\n" not in str(caught.value)


def test_pdf_target_makes_the_folder_and_names_the_file(tmp_path: Path) -> None:
    target = PdfDirTarget(tmp_path / "a" / "b")
    where = target.send_pdf("packing-slip", "SO-100234", PDF, now=NOW)
    assert where == str(tmp_path / "a" / "b" / "20261122-140307-packing-slip-SO-100234.pdf")
    assert Path(where).read_bytes() == PDF
    assert os.listdir(tmp_path / "a" / "b") == [Path(where).name]  # no temporary left


def test_pdf_target_never_overwrites(tmp_path: Path) -> None:
    target = PdfDirTarget(tmp_path)
    names = [Path(target.send_pdf("label-1", "SO-1", PDF + bytes([n]), now=NOW)).name
             for n in range(3)]
    assert names == ["20261122-140307-label-1-SO-1.pdf", "20261122-140307-label-1-SO-1-2.pdf",
                     "20261122-140307-label-1-SO-1-3.pdf"]
    assert [(tmp_path / name).read_bytes() for name in names] == [PDF + bytes([n])
                                                                  for n in range(3)]


def test_pdf_target_concurrent_jobs_each_get_their_own_file(tmp_path: Path) -> None:
    target = PdfDirTarget(tmp_path)
    results: list[str] = []
    threads = [threading.Thread(target=lambda n=n: results.append(
        target.send_pdf("label-1", "SO-1", PDF + bytes([n]), now=NOW))) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 12
    assert sorted(Path(r).read_bytes() for r in results) == sorted(PDF + bytes([n])
                                                                   for n in range(12))


def test_pdf_target_sanitises_unsafe_names(tmp_path: Path) -> None:
    where = PdfDirTarget(tmp_path).send_pdf("label 1", "../SO/10 02:34*?", PDF, now=NOW)
    assert Path(where).parent == tmp_path
    assert Path(where).name == "20261122-140307-label_1-SO_10_02_34.pdf"
    assert safe_name("...") == "untitled"
    assert safe_name("Zoë") == "Zo"


def test_pdf_target_check(tmp_path: Path) -> None:
    assert "writable" in PdfDirTarget(tmp_path / "new").check()
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(PrintError, match="cannot write to"):
        PdfDirTarget(blocker).check()
    with pytest.raises(PrintError, match="cannot write to"):
        PdfDirTarget(blocker / "sub").send_pdf("packing-slip", "SO-1", PDF, now=NOW)


def test_cups_without_lp_is_a_print_error(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    target = CupsTarget("office")
    with pytest.raises(PrintError, match='"lp" not found'):
        target.send_pdf("packing-slip", "SO-1", PDF)
    with pytest.raises(PrintError, match='"lpstat" not found'):
        target.check()


def _tool(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    return folder


def test_cups_sends_the_pdf_to_lp(bin_dir: Path) -> None:
    # A stand-in `lp` that records what it was given, as CUPS is not installed here.
    _tool(bin_dir, "lp", f'printf "%s\\n" "$@" > {bin_dir}/args\ncat > {bin_dir}/job\n'
                         'echo "request id is office-42 (1 file(s))"\n')
    where = CupsTarget("office").send_pdf("packing-slip", "SO-100234", PDF)
    assert where == "CUPS queue office (office-42)"
    assert (bin_dir / "args").read_text().splitlines() == ["-d", "office", "-t",
                                                           "packing-slip SO-100234"]
    assert (bin_dir / "job").read_bytes() == PDF


def test_cups_failure_and_timeout_are_print_errors(bin_dir: Path) -> None:
    _tool(bin_dir, "lp", 'cat > /dev/null\necho "lp: The printer or class does not exist." >&2'
                         "\nexit 1\n")
    with pytest.raises(PrintError, match="office failed: lp: The printer or class does not"):
        CupsTarget("office").send_pdf("packing-slip", "SO-1", PDF)
    _tool(bin_dir, "lp", "exec sleep 5\n")
    with pytest.raises(PrintError, match=r"did not answer within 0\.3 s"):
        CupsTarget("office", timeout_s=0.3).send_pdf("packing-slip", "SO-1", PDF)


def test_cups_check_asks_lpstat(bin_dir: Path) -> None:
    _tool(bin_dir, "lpstat", 'if [ "$2" = office ]; then echo "printer office is idle.  '
                             'enabled since today"; exit 0; fi\n'
                             'if [ "$2" = stopped ]; then echo "printer stopped disabled since'
                             ' today -"; exit 0; fi\n'
                             'echo "lpstat: Invalid destination name in list \\"$2\\"." >&2\n'
                             "exit 1\n")
    assert CupsTarget("office").check() == "CUPS queue office: printer office is idle.  " \
                                           "enabled since today"
    with pytest.raises(PrintError, match="CUPS queue nowhere is unknown"):
        CupsTarget("nowhere").check()
    with pytest.raises(PrintError, match="stopped is disabled"):
        ZplCupsTarget("stopped").check()


def test_zpl_tcp_check_connects(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert ZplTcpTarget("127.0.0.1", port).check().endswith("reachable")
    with pytest.raises(PrintError, match="cannot be reached"):
        ZplTcpTarget("127.0.0.1", port).check()
    assert "writable" in ZplDirTarget(tmp_path).check()
