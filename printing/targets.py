"""Print targets: where a finished document goes (a folder of PDFs, a CUPS queue, ZPL).

`parse_target` reads the `printers.*.target` forms of config.md; only the target code
touches the file system, subprocesses or the network.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from printing.zpl import pdf_to_gfa

EXPECTED = "expected pdf:DIR, cups:QUEUE, zpl:DIR, zpl+cups:QUEUE or zpl+tcp://HOST:PORT"
LP_TIMEOUT_S = 30.0
CHECK_TIMEOUT_S = 5.0
ZPL_TCP_TIMEOUT_S = 5.0
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# CUPS allows any printable character in a queue name except space, tab, "/" and "#".
_QUEUE = re.compile(r"[!-~]+")
_REQUEST_ID = re.compile(r"request id is (\S+)")


class PrintError(Exception):
    """A job could not be printed; the message is one line for the operator."""


class PrintTarget(ABC):
    """Where documents of one printer role go."""

    language: ClassVar[str] = "pdf"  # what the printer takes natively: "pdf" or "zpl"

    def send(self, document: str, subject: str, pdf: bytes | None, zpl: bytes | None, *,
             now: datetime | None = None) -> str:
        """Deliver a job given as PDF, ZPL or both, in the form this target takes best."""
        if self.language == "zpl" and zpl is not None:
            return self.send_zpl(document, subject, zpl, now=now)
        if pdf is not None:
            return self.send_pdf(document, subject, pdf, now=now)
        if zpl is not None:
            return self.send_zpl(document, subject, zpl, now=now)
        raise PrintError(f"{document} for {subject} has nothing to print")

    @abstractmethod
    def send_pdf(self, document: str, subject: str, pdf: bytes, *,
                 now: datetime | None = None) -> str:
        """Deliver one PDF job; returns where it went (a path or a queue)."""

    def send_zpl(self, document: str, subject: str, zpl: bytes, *,
                 now: datetime | None = None) -> str:
        """Deliver one ZPL job; returns where it went. Only ZPL targets take ZPL."""
        raise PrintError(f"{document} for {subject} is a ZPL label, which {self.describe()} cannot print: "
                         "set this printer's target to zpl:DIR, zpl+tcp://HOST:PORT or zpl+cups:QUEUE")

    @abstractmethod
    def describe(self) -> str:
        """A short human description, e.g. for `station check`."""

    @abstractmethod
    def check(self) -> str:
        """Confirm the target is usable now; raise PrintError saying why not."""


@dataclass(frozen=True)
class PdfDirTarget(PrintTarget):
    directory: Path

    def send_pdf(self, document: str, subject: str, pdf: bytes, *,
                 now: datetime | None = None) -> str:
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        stem = f"{stamp}-{safe_name(document)}-{safe_name(subject)}"
        return str(write_new_file(self.directory, stem, ".pdf", pdf))

    def describe(self) -> str:
        return f"PDF files in {self.directory}"

    def check(self) -> str:
        check_directory(self.directory)
        return f"{self.describe()}: writable"


@dataclass(frozen=True)
class CupsTarget(PrintTarget):
    queue: str
    timeout_s: float = LP_TIMEOUT_S

    def send_pdf(self, document: str, subject: str, pdf: bytes, *,
                 now: datetime | None = None) -> str:
        title = f"{document} {subject}".strip()
        result = run_cups(["lp", "-d", self.queue, "-t", title], pdf, self.timeout_s,
                          f"printing to CUPS queue {self.queue} failed")
        request = _REQUEST_ID.search(result.stdout.decode(errors="replace"))
        return f"CUPS queue {self.queue}" + (f" ({request.group(1)})" if request else "")

    def describe(self) -> str:
        return f"CUPS queue {self.queue}"

    def check(self) -> str:
        return check_cups_queue(self.queue)


class _ZplTarget(PrintTarget):
    """Targets for ZPL label printers: ZPL goes as is, a PDF is rasterised to a ^GFA graphic."""

    language: ClassVar[str] = "zpl"

    def send_pdf(self, document: str, subject: str, pdf: bytes, *,
                 now: datetime | None = None) -> str:
        try:
            zpl = pdf_to_gfa(pdf)
        except ValueError as exc:
            raise PrintError(f"cannot rasterise {document} {subject} for "
                             f"{self.describe()}: {exc}") from exc
        return self.send_zpl(document, subject, zpl, now=now)

    @abstractmethod
    def send_zpl(self, document: str, subject: str, zpl: bytes, *,
                 now: datetime | None = None) -> str:
        """Deliver one ZPL job; returns where it went."""


@dataclass(frozen=True)
class ZplTcpTarget(_ZplTarget):
    host: str
    port: int
    timeout_s: float = ZPL_TCP_TIMEOUT_S

    def send_zpl(self, document: str, subject: str, zpl: bytes, *,
                 now: datetime | None = None) -> str:
        try:
            with socket.create_connection((self.host, self.port),
                                          timeout=self.timeout_s) as connection:
                connection.sendall(zpl)
                # Half-close: the printer sees the end of the job; the send buffer is flushed
                # before the FIN, so no byte is cut off (the printer never answers a label).
                connection.shutdown(socket.SHUT_WR)
        except TimeoutError as exc:
            raise PrintError(f"{self.describe()} did not answer within "
                             f"{self.timeout_s:g} s") from exc
        except OSError as exc:
            raise PrintError(f"printing to {self.describe()} failed: {_reason(exc)}") from exc
        return self.describe()

    def describe(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"ZPL printer at {host}:{self.port}"

    def check(self) -> str:
        try:
            with socket.create_connection((self.host, self.port), timeout=CHECK_TIMEOUT_S):
                pass
        except OSError as exc:
            raise PrintError(f"{self.describe()} cannot be reached: {_reason(exc)}") from exc
        return f"{self.describe()}: reachable"


@dataclass(frozen=True)
class ZplCupsTarget(_ZplTarget):
    queue: str
    timeout_s: float = LP_TIMEOUT_S

    def send_zpl(self, document: str, subject: str, zpl: bytes, *,
                 now: datetime | None = None) -> str:
        title = f"{document} {subject}".strip()
        result = run_cups(["lp", "-d", self.queue, "-o", "raw", "-t", title], zpl,
                          self.timeout_s, f"printing to CUPS raw queue {self.queue} failed")
        request = _REQUEST_ID.search(result.stdout.decode(errors="replace"))
        return f"CUPS raw queue {self.queue}" + (f" ({request.group(1)})" if request else "")

    def describe(self) -> str:
        return f"ZPL through CUPS raw queue {self.queue}"

    def check(self) -> str:
        return check_cups_queue(self.queue)


@dataclass(frozen=True)
class ZplDirTarget(_ZplTarget):
    directory: Path

    def send_zpl(self, document: str, subject: str, zpl: bytes, *,
                 now: datetime | None = None) -> str:
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        stem = f"{stamp}-{safe_name(document)}-{safe_name(subject)}"
        return str(write_new_file(self.directory, stem, ".zpl", zpl))

    def describe(self) -> str:
        return f"ZPL files in {self.directory}"

    def check(self) -> str:
        check_directory(self.directory)
        return f"{self.describe()}: writable"


def parse_target(spec: str) -> PrintTarget:
    """A target from its config form; ValueError with a one-line message otherwise."""
    if spec.startswith("zpl+tcp://"):
        host, port = _parse_host_port(spec)
        return ZplTcpTarget(host, port)
    scheme, sep, rest = spec.partition(":")
    if not sep:
        raise ValueError(f'unknown printer target "{spec}" ({EXPECTED})')
    if scheme in ("pdf", "zpl"):
        if not rest.strip():
            raise ValueError(f'printer target "{spec}" names no directory ({EXPECTED})')
        directory = Path(rest).expanduser()
        return PdfDirTarget(directory) if scheme == "pdf" else ZplDirTarget(directory)
    if scheme in ("cups", "zpl+cups"):
        _check_queue_name(spec, rest)
        return CupsTarget(rest) if scheme == "cups" else ZplCupsTarget(rest)
    raise ValueError(f'unknown printer target "{spec}" ({EXPECTED})')


def _parse_host_port(spec: str) -> tuple[str, int]:
    parts = urlsplit(spec)
    extra = parts.path not in ("", "/") or parts.query or parts.fragment or parts.username
    if not parts.hostname or extra:
        raise ValueError(f'printer target "{spec}" needs a host: zpl+tcp://HOST:PORT')
    try:
        port = parts.port
    except ValueError:  # not a number, or out of range
        port = None
    if not port:
        raise ValueError(f'printer target "{spec}" needs a port from 1 to 65535: '
                         "zpl+tcp://HOST:PORT (Zebra printers listen on 9100)")
    return parts.hostname, port


def _check_queue_name(spec: str, queue: str) -> None:
    if not queue:
        raise ValueError(f'printer target "{spec}" names no queue ({EXPECTED})')
    if not _QUEUE.fullmatch(queue) or "/" in queue or "#" in queue or queue.startswith("-"):
        raise ValueError(f'printer target "{spec}": "{queue}" is not a valid CUPS queue name '
                         "(no spaces, /, # or leading -)")


def safe_name(text: str, limit: int = 60) -> str:
    """`text` reduced to characters safe in a file name on any system."""
    cleaned = _UNSAFE.sub("_", text).strip("._-")[:limit].rstrip("._-")
    return cleaned or "untitled"


def write_new_file(directory: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write `data` as directory/stem+suffix, or stem-2, stem-3… if taken; never overwrite.

    The bytes go to a temporary file first, so a reader never sees half a document.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=suffix)
    except OSError as exc:
        raise PrintError(f"cannot write to {directory}: {_reason(exc)}") from exc
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        return _claim_name(temp, directory, stem, suffix)
    except OSError as exc:
        raise PrintError(f"cannot write to {directory}: {_reason(exc)}") from exc
    finally:
        temp.unlink(missing_ok=True)


def _claim_name(temp: Path, directory: Path, stem: str, suffix: str) -> Path:
    number = 1
    while True:
        target = directory / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        number += 1
        try:
            # A hard link fails if the name exists, so two writers never take one name.
            os.link(temp, target)
            return target
        except FileExistsError:
            continue
        except OSError:
            # Some file systems (FAT, some network shares) have no hard links.
            if target.exists():
                continue
            os.replace(temp, target)
            return target


def check_directory(directory: Path) -> None:
    """Raise PrintError unless `directory` exists (or can be made) and takes new files."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        raise PrintError(f"cannot write to {directory}: {_reason(exc)}") from exc


def run_cups(command: list[str], data: bytes | None, timeout_s: float,
             failure: str) -> subprocess.CompletedProcess[bytes]:
    """Run a CUPS client command; PrintError (starting with `failure`) when it fails."""
    program = shutil.which(command[0])
    if program is None:
        raise PrintError(f'"{command[0]}" not found: install the CUPS client tools '
                         "to print to a CUPS queue")
    try:
        # argv[0] stays the bare name, so that the tools' messages say "lp: ...", not "/usr/bin/lp: ...".
        result = subprocess.run(
            command, executable=program, input=data, capture_output=True, timeout=timeout_s,
            check=False, env={**os.environ, "LC_ALL": "C"},
        )
    except subprocess.TimeoutExpired as exc:
        raise PrintError(f"{' '.join(command[:3])} did not answer within "
                         f"{timeout_s:g} s") from exc
    except OSError as exc:
        raise PrintError(f"cannot run {command[0]}: {_reason(exc)}") from exc
    if result.returncode != 0:
        message = _first_line(result.stderr) or _first_line(result.stdout) or "no message"
        raise PrintError(f"{failure}: {message} (exit {result.returncode})")
    return result


def check_cups_queue(queue: str) -> str:
    """`lpstat -p` and `lpstat -a`: PrintError when CUPS does not know the queue, when it is
    disabled (jobs wait in CUPS) or when it rejects jobs (`lp` would refuse every one)."""
    failure = f"CUPS queue {queue} is unknown or CUPS is not running"
    # In the C locale: "printer Q disabled since DATE -", the reason (e.g. "Paused") below it.
    printer = _lines(run_cups(["lpstat", "-p", queue], None, CHECK_TIMEOUT_S, failure).stdout)
    status = printer[0] if printer else f"printer {queue} is known"
    if status.startswith(f"printer {queue} disabled"):
        raise PrintError(f"CUPS queue {queue} is disabled: {' '.join(printer[:2])}")
    # "Q accepting requests since DATE" or "Q not accepting requests since DATE -" and the reason.
    accepting = _lines(run_cups(["lpstat", "-a", queue], None, CHECK_TIMEOUT_S, failure).stdout)
    if accepting and accepting[0].startswith(f"{queue} not accepting"):
        raise PrintError(f"CUPS queue {queue} does not accept jobs: {' '.join(accepting[:2])}")
    return f"CUPS queue {queue}: {status}"


def _lines(output: bytes) -> list[str]:
    return [line.strip() for line in output.decode(errors="replace").strip().splitlines()]


def _first_line(output: bytes) -> str:
    lines = output.decode(errors="replace").strip().splitlines()
    return lines[0].strip() if lines else ""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
