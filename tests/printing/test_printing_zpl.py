"""ZPL: escaped fields (no injection), the 4x6 and 2x1 labels, ^GFA rasters, ZPL targets."""

from __future__ import annotations

import os
import re
import socket
import stat
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageOps

from printing import zpl
from printing.documents.item_label_zpl import render_item_label_zpl
from printing.documents.shipping_label import render_shipping_label
from printing.documents.shipping_label_zpl import render_shipping_label_zpl
from printing.model import Address, ItemLabel, ShippingLabel
from printing.targets import (
    CupsTarget,
    PdfDirTarget,
    PrintError,
    ZplCupsTarget,
    ZplDirTarget,
    ZplTcpTarget,
)

Label = Callable[..., ShippingLabel]
AddressOf = Callable[..., Address]

NOW = datetime(2026, 11, 22, 14, 3, 7)
ZPL = b"^XA^CI28^FO10,10^A0N,30,30^FH\\^FDHello^FS^XZ"
INJECTION = "Bob^FS^XZ^XA^GB800,1200,800^FS~JR"
NAMES = [INJECTION, "Back\\slash \\& _5E", "Γιώργος Παπαδόπουλος", "Иван Петров", "王小明",
         "tab\tand\nnewline\x7f"]
LABEL_COMMANDS = {"^XA", "^CI", "^PW", "^LL", "^LH", "^FO", "^GB", "^FS", "^A0", "^FR", "^FH",
                  "^FD", "^BY", "^BC", "^PQ", "^XZ"}
_FIELD = re.compile(r"\^FD(.*?)\^FS", re.DOTALL)
_HEX = re.compile(rb"\\([0-9A-Fa-f]{2})")


def fields(program: bytes) -> list[str]:
    """The raw content of every ^FD…^FS field, after checking each one is ^FH\\ escaped."""
    text = program.decode("ascii")  # escaped ZPL is plain ASCII
    assert text.count("^FD") == text.count("^FH\\^FD")
    return _FIELD.findall(text)


def unescape(content: str) -> str:
    """What the printer prints for a ^FH\\ field: \\xx escapes decoded, read as UTF-8."""
    return _HEX.sub(lambda match: bytes.fromhex(match.group(1).decode()),
                    content.encode("ascii")).decode("utf-8")


def commands_outside_fields(program: bytes) -> list[str]:
    return re.findall(r"[\^~][A-Z@][A-Z0-9]?", _FIELD.sub("^FD^FS", program.decode("ascii")))


def make_item(**changes: object) -> ItemLabel:
    values: dict[str, object] = {
        "lpn": "LPN00200000042", "sku": "TSHIRT-BLK-M", "name": "T-shirt black M",
        "grade": "B", "disposition": "RESTOCK", "rma_number": "RMA-5001",
        "order_number": "SO-100234", "station_id": "RET-01",
        "printed_at": datetime(2026, 11, 25, 9, 41, tzinfo=UTC),
    }
    values.update(changes)
    return ItemLabel(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NAMES)
def test_field_escapes_every_command_character(name: str) -> None:
    out = zpl.field(name)
    assert out.startswith("^FH\\^FD") and out.endswith("^FS")
    content = out[len("^FH\\^FD"):-len("^FS")]
    assert "^" not in content and "~" not in content
    assert all(" " <= ch <= "~" for ch in content)
    # Every backslash left is the start of a hex escape, so no ^FB/^FH sequence survives.
    assert re.fullmatch(r"(?:[^\\]|\\[0-9A-F]{2})*", content)
    assert unescape(content) == name


def test_field_escapes_as_utf8_hex() -> None:
    assert zpl.field("A^~\\_é王") == "^FH\\^FDA\\5E\\7E\\5C_\\C3\\A9\\E7\\8E\\8B^FS"


@pytest.mark.parametrize("name", NAMES)
def test_shipping_label_keeps_customer_data_inside_its_fields(
    name: str, label_factory: Label, address_factory: AddressOf
) -> None:
    label = label_factory(ship_to=address_factory(name, company=name, line1=name, city=name),
                          service=name, notice="NO CARRIER LABEL")
    program = render_shipping_label_zpl(label)
    assert program.startswith(b"^XA^CI28^PW812^LL1218")
    assert program.rstrip().endswith(b"^XZ")
    contents = fields(program)
    for content in contents:
        assert "^" not in content and "~" not in content
    decoded = [unescape(content) for content in contents]
    printed = " ".join(name.split())  # tabs and line breaks print as spaces
    assert decoded.count(printed) >= 4  # name, company, street and service, whole
    assert f"10115 {printed}" in decoded
    # The commands are the label's own: the same as for a harmless name.
    commands = commands_outside_fields(program)
    plain = commands_outside_fields(render_shipping_label_zpl(label_factory(
        ship_to=address_factory("Bob", company="Bob", line1="Bob", city="Bob"), service="Bob",
        notice="NO CARRIER LABEL")))
    assert sorted(set(commands)) == sorted(set(plain)) == sorted(LABEL_COMMANDS)
    assert commands.count("^GB") == plain.count("^GB")
    assert commands[:2] == ["^XA", "^CI"] and commands.count("^XA") == 1
    assert commands[-1] == "^XZ" and commands.count("^XZ") == 1


def test_shipping_label_content(label_factory: Label) -> None:
    program = render_shipping_label_zpl(label_factory(package_no=2, package_count=3))
    decoded = [unescape(content) for content in fields(program)]
    for expected in ("DHL", "Paket", "2 of 3", "PACKAGE", "Weight 1.25 kg", "SHIP TO",
                     "Zoë Müller", "Hauptstraße 5", "10115 Berlin", "DE", "ORDER", "TRACKING"):
        assert expected in decoded
    barcodes = re.findall(r"\^BC[^\^]*\^FH\\\^FD(.*?)\^FS", program.decode())
    assert barcodes == ["SO-100234", "(00)340434161094042557"]  # GS1-128: AIs in parentheses


def test_shipping_label_without_tracking_has_one_barcode(label_factory: Label) -> None:
    program = render_shipping_label_zpl(label_factory(tracking_number=None)).decode()
    assert re.findall(r"\^BC[^\^]*\^FH\\\^FD(.*?)\^FS", program) == ["SO-100234"]
    assert "TRACKING" not in program


def test_shipping_label_long_text_is_cut_not_overflowing(label_factory: Label,
                                                         address_factory: AddressOf) -> None:
    label = label_factory(carrier="X" * 200, ship_to=address_factory("Name " * 80))
    decoded = [unescape(content) for content in fields(render_shipping_label_zpl(label))]
    assert any(line.endswith("...") and line.startswith("XXX") for line in decoded)
    assert sum(line.startswith("Name") for line in decoded) == 2  # at most two lines


def test_non_ascii_barcode_value_is_refused(label_factory: Label) -> None:
    with pytest.raises(ValueError, match="not ASCII"):
        render_shipping_label_zpl(label_factory(order_number="ЗАКАЗ-1"))


@pytest.mark.parametrize("name", NAMES)
def test_item_label(name: str) -> None:
    program = render_item_label_zpl(make_item(name=name, sku="SKU^1~", disposition="RESTOCK"))
    assert program.startswith(b"^XA^CI28^PW406^LL203")
    assert program.rstrip().endswith(b"^XZ")
    contents = fields(program)
    assert all("^" not in content and "~" not in content for content in contents)
    decoded = [unescape(content) for content in contents]
    for expected in ("RESTOCK", "GRADE", "B", "SKU^1~", "LPN00200000042",
                     "RMA-5001 / SO-100234"):
        assert expected in decoded
    assert " ".join(name.split()) in decoded
    assert re.findall(r"\^BC[^\^]*\^FH\\\^FD(.*?)\^FS", program.decode()) == ["LPN00200000042"]


def test_item_label_refuses_an_lpn_too_long_to_scan() -> None:
    with pytest.raises(ValueError, match="too long"):
        render_item_label_zpl(make_item(lpn="LPN-" + "ABCDEFGHIJ" * 4))


def gfa_image(program: bytes) -> tuple[Image.Image, int, int, int]:
    """The bitmap of a ^GFA program as a PIL image (ink black), with total, row bytes, rows."""
    match = re.fullmatch(rb"\^XA\^PW(\d+)\^LL(\d+)\^FO0,0\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)"
                         rb"\^FS\^XZ", program)
    assert match is not None
    total, total_again, row_bytes = (int(match.group(n)) for n in (3, 4, 5))
    data = bytes.fromhex(match.group(6).decode())
    assert total == total_again == len(data)
    rows, remainder = divmod(total, row_bytes)
    assert remainder == 0
    bits = Image.frombytes("1", (row_bytes * 8, rows), data)  # PIL: 1 = white, ^GF: 1 = ink
    return ImageOps.invert(bits.convert("L")), total, row_bytes, rows


def test_pdf_to_gfa_keeps_the_barcodes_readable(label_factory: Label) -> None:
    pdf = render_shipping_label(label_factory())
    image, total, row_bytes, rows = gfa_image(zpl.pdf_to_gfa(pdf))
    assert (row_bytes, rows, total) == (102, 1218, 102 * 1218)  # 812 x 1218 dots
    codes = sorted(result.text for result in zxingcpp.read_barcodes(image)
                   if result.format == zxingcpp.BarcodeFormat.Code128)
    assert codes == ["(00)340434161094042557", "SO-100234"]
    # The corners are blank label, the padding bits at the end of each row too.
    assert image.getpixel((0, 0)) == 255 and image.getpixel((row_bytes * 8 - 1, rows - 1)) == 255


def test_pdf_to_gfa_refuses_what_is_not_a_pdf() -> None:
    with pytest.raises(ValueError, match="cannot read the PDF"):
        zpl.pdf_to_gfa(b"%PDF-1.4 test\n%%EOF\n")


def test_zpl_dir_target_names_and_never_overwrites(tmp_path: Path) -> None:
    target = ZplDirTarget(tmp_path / "z")
    names = [Path(target.send_zpl("label-1", "SO-1/2", ZPL + bytes([n]), now=NOW)).name
             for n in range(3)]
    assert names == ["20261122-140307-label-1-SO-1_2.zpl", "20261122-140307-label-1-SO-1_2-2.zpl",
                     "20261122-140307-label-1-SO-1_2-3.zpl"]
    assert [(tmp_path / "z" / name).read_bytes() for name in names] == [
        ZPL + bytes([n]) for n in range(3)]
    assert sorted(os.listdir(tmp_path / "z")) == sorted(names)


def test_zpl_dir_target_rasterises_a_pdf(tmp_path: Path, label_factory: Label) -> None:
    where = ZplDirTarget(tmp_path).send_pdf("carrier-label", "SO-100234",
                                            render_shipping_label(label_factory()), now=NOW)
    assert Path(where).name == "20261122-140307-carrier-label-SO-100234.zpl"
    assert Path(where).read_bytes().startswith(b"^XA^PW812^LL1218^FO0,0^GFA,")
    with pytest.raises(PrintError, match="cannot rasterise label-1 SO-1 for ZPL files in"):
        ZplDirTarget(tmp_path).send_pdf("label-1", "SO-1", b"not a pdf")


@pytest.mark.parametrize("target", [PdfDirTarget(Path("/tmp/p")), CupsTarget("office")])
def test_pdf_targets_refuse_zpl(target: PdfDirTarget | CupsTarget) -> None:
    with pytest.raises(PrintError, match=r"carrier-label for SO-1 is a ZPL label, which .* cannot "
                                         r"print: set this printer's target to zpl:DIR"):
        target.send_zpl("carrier-label", "SO-1", ZPL)
    with pytest.raises(PrintError, match="is a ZPL label"):
        target.send("carrier-label", "SO-1", None, ZPL)


def test_a_job_goes_in_the_form_its_target_takes(tmp_path: Path, label_factory: Label) -> None:
    """A station label carries both forms: ZPL printers get the native ZPL, PDF targets the PDF."""
    pdf, zpl = render_shipping_label(label_factory()), render_shipping_label_zpl(label_factory())
    to_zpl = Path(ZplDirTarget(tmp_path / "z").send("label-1", "SO-1", pdf, zpl, now=NOW))
    assert to_zpl.read_bytes() == zpl
    to_pdf = Path(PdfDirTarget(tmp_path / "p").send("label-1", "SO-1", pdf, zpl, now=NOW))
    assert to_pdf.read_bytes() == pdf
    rasterised = Path(ZplDirTarget(tmp_path / "z").send("carrier-label", "SO-1", pdf, None, now=NOW))
    assert rasterised.read_bytes().startswith(b"^XA^PW812^LL1218^FO0,0^GFA,")


def test_zpl_tcp_target_delivers_exactly_the_bytes(label_factory: Label,
                                                   address_factory: AddressOf) -> None:
    received = bytearray()
    program = render_shipping_label_zpl(label_factory(ship_to=address_factory(INJECTION)))
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]

        def serve() -> None:
            connection, _ = server.accept()
            with connection:
                while chunk := connection.recv(65536):
                    received.extend(chunk)

        thread = threading.Thread(target=serve)
        thread.start()
        where = ZplTcpTarget("127.0.0.1", port).send_zpl("label-1", "SO-1", program)
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert where == f"ZPL printer at 127.0.0.1:{port}"
    assert bytes(received) == program


def test_zpl_tcp_target_down_is_a_quick_print_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound but not listening: connections are refused
        started = time.monotonic()
        with pytest.raises(PrintError, match=f"printing to ZPL printer at 127.0.0.1:{port} "
                                             "failed: Connection refused"):
            ZplTcpTarget("127.0.0.1", port).send_zpl("label-1", "SO-1", ZPL)
    assert time.monotonic() - started < 2


def test_zpl_tcp_target_timeout_is_a_print_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*args: object, **kwargs: object) -> socket.socket:
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", hang)
    with pytest.raises(PrintError, match=r"ZPL printer at 10.0.0.9:9100 did not answer within "
                                         r"0\.5 s"):
        ZplTcpTarget("10.0.0.9", 9100, timeout_s=0.5).send_zpl("label-1", "SO-1", ZPL)


def _tool(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_zpl_cups_target_sends_raw_to_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin{os.pathsep}/bin")
    _tool(tmp_path, "lp", f'printf "%s\\n" "$@" > {tmp_path}/args\ncat > {tmp_path}/job\n'
                          'echo "request id is zebra-7 (1 file(s))"\n')
    where = ZplCupsTarget("zebra").send_zpl("carrier-label", "SO-100234", ZPL)
    assert where == "CUPS raw queue zebra (zebra-7)"
    assert (tmp_path / "args").read_text().splitlines() == [
        "-d", "zebra", "-o", "raw", "-t", "carrier-label SO-100234"]
    assert (tmp_path / "job").read_bytes() == ZPL
    _tool(tmp_path, "lp", 'cat > /dev/null\necho "lp: The printer or class does not exist." >&2'
                          "\nexit 1\n")
    with pytest.raises(PrintError, match="raw queue zebra failed: lp: The printer or class"):
        ZplCupsTarget("zebra").send_zpl("carrier-label", "SO-1", ZPL)


def test_font0_is_trusted_with_latin_only() -> None:
    from printing.zpl import font0_prints

    assert font0_prints("Zoë Müller", "Łódź", "Şişli", "Hauptstraße 5", None)
    assert not font0_prints("Zoë", "Ελένη")
    assert not font0_prints("Дмитрий")
    assert not font0_prints("王小明")


def test_pages_render_one_at_a_time_from_many_threads(label_factory: Label) -> None:
    """pdfium is not thread-safe: the print queue and the report preview may render at once."""
    import threading

    from printing.raster import render_first_page

    pdf = render_shipping_label(label_factory())
    expected = render_first_page(pdf, 100).tobytes()
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(render_first_page(pdf, 100).tobytes()))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 8
    with pytest.raises(ValueError, match="cannot read the PDF"):
        render_first_page(b"not a pdf", 100)
