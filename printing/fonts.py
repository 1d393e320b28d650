"""Fonts for printing: the bundled DejaVu Sans (Latin, Greek, Cyrillic), then for what it lacks (CJK) an
installed fallback found on first need. STATION_FALLBACK_FONT names its .ttf or .ttc (first font) file, or a
folder searched instead of the system's (fc-list and the usual font folders): an empty folder means none.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
FALLBACK_ENV = "STATION_FALLBACK_FONT"
FALLBACK_HINT = ("install a TrueType CJK font such as fonts-wqy-microhei or fonts-wqy-zenhei "
                 f"(Noto CJK's OpenType outlines cannot be embedded), or set {FALLBACK_ENV} "
                 "to a .ttf or .ttc file")
# One character of each script the fallback is for: Han, kana, Hangul.
_PROBES = "王カ김"
_MAX_LOADS = 8  # fonts parsed at most (refusing one is quick), best coverage first
_SUFFIXES = (".ttf", ".ttc", ".otf")  # reportlab reads TrueType outlines only: most .otf are refused
_CJK_FILE = re.compile(
    r"wqy|droidsansfallback|cjk|sourcehan|uming|ukai|msyh|msjh|simsun|simhei|mingliu|malgun|gulim|"
    r"batang|meiryo|msgothic|yugoth|nanum|unbatang|undotum|ipag|ipam|takao|arialuni|arial unicode|"
    r"pingfang|hiragino|applesdgothic|applegothic|stheiti|songti", re.IGNORECASE)

log = logging.getLogger(__name__)
# reportlab's font registry is process-global; the lock keeps two printing threads from
# registering (and parsing a TTF) at the same time.
_lock = threading.RLock()
_fallbacks: dict[str, FallbackFont | None] = {}


@dataclass(frozen=True)
class FontNames:
    regular: str
    bold: str


@dataclass(frozen=True, eq=False)
class FallbackFont:
    """The installed font registered for characters DejaVu Sans has no glyph for."""

    name: str  # the name it is registered under with reportlab
    family: str
    path: Path
    index: int  # the font's index in a .ttc collection
    glyphs: Mapping[int, int] = field(repr=False)

    def describe(self) -> str:
        where = f"{self.path}#{self.index}" if self.path.suffix.lower() == ".ttc" else str(self.path)
        return f"{self.family} ({where})"


def register_fonts() -> FontNames:
    """Register DejaVu Sans and DejaVu Sans Bold (idempotent, thread-safe)."""
    with _lock:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in ((REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
            if name not in registered:
                path = FONT_DIR / filename
                if not path.is_file():
                    raise FileNotFoundError(f"font file missing: {path}")
                pdfmetrics.registerFont(TTFont(name, str(path)))
        # Lets <b> inside platypus paragraphs pick the bold face.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
    return FontNames(regular=REGULAR, bold=BOLD)


def fallback_font() -> FallbackFont | None:
    """The fallback font for the current STATION_FALLBACK_FONT, looked for and registered once."""
    config = os.environ.get(FALLBACK_ENV, "").strip()
    if config in _fallbacks:
        return _fallbacks[config]
    with _lock:
        if config not in _fallbacks:
            _fallbacks[config] = _find_fallback(config)
        return _fallbacks[config]


def fallback_font_name() -> str | None:
    """What the fallback font is and where it was found, e.g. for a status line; None without one."""
    font = fallback_font()
    return None if font is None else font.describe()


def unprintable(text: str) -> str:
    """The distinct characters of `text`, in order, that no printing font can draw (spaces aside)."""
    fonts = register_fonts()
    regular, bold = _glyphs(fonts.regular), _glyphs(fonts.bold)
    missing = dict.fromkeys(ch for ch in text if not _neutral(ch)
                            and not (ord(ch) in regular and ord(ch) in bold))
    if not missing:
        return ""
    fallback = fallback_font()
    covered = fallback.glyphs if fallback is not None else {}
    return "".join(ch for ch in missing if ord(ch) not in covered)


def text_runs(text: str, font: str) -> list[tuple[str, str]]:
    """`text` cut into (run, font name) pieces: `font` where it has the glyphs, else the fallback font
    where that has them; spaces and characters no font has stay in the run around them."""
    if _covers(text, font):
        return [(text, font)]
    fallback = fallback_font()
    if fallback is None:
        return [(text, font)]
    return list(_split_runs(text, font, fallback))


@functools.lru_cache(maxsize=8192)
def _covers(text: str, font: str) -> bool:
    glyphs = _glyphs(font)
    return all(ord(ch) in glyphs or _neutral(ch) for ch in text)


@functools.lru_cache(maxsize=2048)
def _split_runs(text: str, font: str, fallback: FallbackFont) -> tuple[tuple[str, str], ...]:
    glyphs = _glyphs(font)
    runs: list[tuple[list[str], str]] = []
    for ch in text:
        code = ord(ch)
        if runs and (_neutral(ch) or (code not in glyphs and code not in fallback.glyphs)):
            chosen = runs[-1][1]  # spaces, and what no font has, do not start a run of their own
        else:
            chosen = font if code in glyphs or code not in fallback.glyphs else fallback.name
        if runs and runs[-1][1] == chosen:
            runs[-1][0].append(ch)
        else:
            runs.append(([ch], chosen))
    return tuple(("".join(chars), chosen) for chars, chosen in runs)


@functools.lru_cache(maxsize=64)
def _glyphs(font: str) -> Mapping[int, int]:
    """Code point to glyph of a registered TrueType font."""
    glyphs: Mapping[int, int] = pdfmetrics.getFont(font).face.charToGlyph
    return glyphs


def _neutral(ch: str) -> bool:
    """Whitespace and control or format characters: nothing to draw, no font needed."""
    return ch.isspace() or unicodedata.category(ch)[0] in "CZ"


# -- finding the fallback ----------------------------------------------------------------------------

def _find_fallback(config: str) -> FallbackFont | None:
    """The loadable candidate covering most of Han, kana and Hangul; registered with reportlab."""
    best: tuple[int, TTFont, Path, int] | None = None
    refused: set[Path] = set()
    loaded = 0
    for path, index in _candidates(config):
        if path in refused:
            continue  # another font of a refused collection: refused too (e.g. CFF outlines)
        font = _load(path, index)
        if font is None:
            refused.add(path)
            continue
        score = sum(ord(ch) in font.face.charToGlyph for ch in _PROBES)
        if score and (best is None or score > best[0]):
            best = (score, font, path, index)
        loaded += 1
        if score == len(_PROBES) or loaded >= _MAX_LOADS:
            break
    if best is None:
        log.warning("no fallback font for Chinese, Japanese or Korean: %s", FALLBACK_HINT)
        return None
    _, font, path, index = best
    pdfmetrics.registerFont(font)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(font.fontName, bold, italic, font.fontName)
    family = font.face.familyName
    family = family.decode("utf-8", "replace") if isinstance(family, bytes) else str(family)
    log.info("fallback font for CJK: %s (%s)", family, path)
    return FallbackFont(font.fontName, family, path, index, font.face.charToGlyph)


def _load(path: Path, index: int) -> TTFont | None:
    name = "Fallback-" + re.sub(r"[^A-Za-z0-9]+", "", path.stem) + f"-{index}"
    if name in pdfmetrics.getRegisteredFontNames():
        font: TTFont = pdfmetrics.getFont(name)
        return font
    try:
        return TTFont(name, str(path), subfontIndex=index)
    except Exception as exc:  # a font reportlab cannot read (CFF outlines, damaged): try the next
        log.debug("fallback font %s#%d not usable: %s", path, index, exc)
        return None


def _candidates(config: str) -> list[tuple[Path, int]]:
    if config:
        path = Path(config).expanduser()
        if path.is_file():
            return [(path, 0)]
        if not path.is_dir():
            log.warning("%s=%s: no such file or folder", FALLBACK_ENV, config)
        return [(found, 0) for found in _scan([path], None)]
    scanned = ((found, 0) for found in _scan(_font_dirs(), _CJK_FILE))
    return list(dict.fromkeys([*_fc_list(), *scanned]))  # fontconfig's first, once each


def _fc_list() -> list[tuple[Path, int]]:
    """Fonts fontconfig says support Chinese, Japanese or Korean, those supporting most first."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        listing = subprocess.run([exe, "--format", "%{file}\t%{index}\t%{lang}\n"], capture_output=True,
                                 text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    ranked: list[tuple[int, bool, int, Path, int]] = []
    for order, line in enumerate(listing.splitlines()):
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0].lower().endswith(_SUFFIXES):
            continue
        langs = {lang.split("-")[0] for lang in parts[2].split("|")}
        score = len(langs & {"zh", "ja", "ko"})
        index = int(parts[1]) & 0xFFFF if parts[1].isdigit() else 0  # high bits: a named instance
        if score:
            ranked.append((-score, parts[0].lower().endswith(".otf"), order, Path(parts[0]), index))
    return [(path, index) for *_, path, index in sorted(ranked)]


def _scan(folders: Iterable[Path], names: re.Pattern[str] | None) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            found.extend(Path(root, name) for name in sorted(files)
                         if name.lower().endswith(_SUFFIXES) and (names is None or names.search(name)))
    return found


def _font_dirs() -> list[Path]:
    home = Path.home()
    folders = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), home / ".local/share/fonts",
               home / ".fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"),
               home / "Library/Fonts"]
    for variable, below in (("WINDIR", "Fonts"), ("LOCALAPPDATA", "Microsoft/Windows/Fonts")):
        if os.environ.get(variable):
            folders.append(Path(os.environ[variable], below))
    return folders
