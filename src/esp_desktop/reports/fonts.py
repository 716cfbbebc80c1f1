"""Embedded fonts and per-run font fallback for the PDF documents.

reportlab picks one font per text run and does not fall back per glyph, so a name like 王芳 set in
DejaVu Sans would print as empty boxes. `markup()` escapes user text for Platypus' mini-XML and wraps
every run of characters DejaVu Sans lacks in ``<font name="ESP-CJK">``; `runs()` does the same split for
text drawn straight on the canvas (page headers). The CJK font is parsed lazily: it is large (~3.4 MB,
~0.15 s to load) and most documents never need it.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
import unicodedata
import weakref
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

SANS = "ESP-Sans"
SANS_BOLD = "ESP-Sans-Bold"
SANS_ITALIC = "ESP-Sans-Oblique"
SANS_BOLD_ITALIC = "ESP-Sans-BoldOblique"
CJK = "ESP-CJK"

_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    SANS_ITALIC: "DejaVuSans-Oblique.ttf",
    SANS_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_CJK_FILE = "DroidSansFallback.ttf"

_lock = threading.Lock()
_WIDTHS_KEPT = 20_000  # texts measured per font and size (a few MB at most)
_cjk_loaded = False


class FontError(RuntimeError):
    """The bundled fonts are missing (a broken install)."""


class _TTFont(TTFont):
    """A TTFont whose `splitString` encodes already-seen text with one C-level codec call.

    reportlab's `splitString` (called for every run of text drawn) walks the text character by character in
    Python to give each character its code in the font subset embedded in this document: ~10% of rendering a
    40-page packet. Once every character of a run has its code in subset 0 (after the first few paragraphs,
    nearly every run), the answer is a charmap encoding. Anything else (a character seen for the first time,
    subsets beyond the first) goes to reportlab's own method, so the bytes written are the same.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the last document drawn: (weak reference to it, reportlab's state for it, its number of code
        # assignments when the map was built, the map from characters to their codes in subset 0)
        self._subset0: tuple[weakref.ref[Any], Any, int, Any] | None = None
        self._widths: dict[float, dict[str, float]] = {}  # size -> text -> width (see stringWidth)

    def stringWidth(self, text: str | bytes, size: float, encoding: str = "utf8") -> float:  # noqa: N802
        """reportlab's width, remembered per size and text.

        Line breaking measures every word of every paragraph (~30,000 words in a 40-page packet), and
        reportlab's accelerated measure costs microseconds a word; a dictionary look-up costs a tenth of that.
        Words recur (a CT's vocabulary is small), so the table stays small; it is emptied if it ever grows large.
        """
        if not isinstance(text, str):
            return super().stringWidth(text, size, encoding)
        widths = self._widths.get(size)
        if widths is None:
            widths = self._widths[size] = {}
        width = widths.get(text)
        if width is None:
            if len(widths) >= _WIDTHS_KEPT:
                widths.clear()
            width = widths[text] = super().stringWidth(text, size, encoding)
        return width

    def widths(self, words: list[str], size: float) -> list[float]:
        """`stringWidth` of each word (remembered the same way), in one call: line breaking measures every word
        of a paragraph at one size, and a Python call per word costs more than the look-up."""
        known = self._widths.get(size, {}).get
        return [width if (width := known(w)) is not None else self.stringWidth(w, size) for w in words]

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:  # noqa: N802
        if isinstance(text, str) and text and "\x00" not in text:
            codes = self._subset0_codes(doc)
            if codes is not None:
                try:  # reportlab prints a no-break space as a space
                    return [(0, codecs.charmap_encode(text.replace("\xa0", " "), "strict", codes)[0])]
                except UnicodeEncodeError:
                    pass  # a character without a code in subset 0 yet: reportlab gives it one
        return super().splitString(text, doc, encoding)

    def _subset0_codes(self, doc: Any) -> Any:
        """A charmap encoding map (`codecs.charmap_build`) from each character with a code in subset 0 of this
        document's font subsets to that code, or None before reportlab has any state for the document."""
        last = self._subset0
        if last is not None and last[0]() is doc:
            state = last[1]
            if len(state.assignments) == last[2]:  # assignments only ever grow
                return last[3]
        else:
            state = self.state.get(doc)
            if state is None:
                return None
        decoding = ["\ufffe"] * 256  # U+FFFE: no character has this code (yet)
        decoding[0] = "\x00"  # charmap_build makes its fast map only then; "\x00" is never encoded here
        for char, code in state.assignments.items():
            if code < 256:
                decoding[code] = chr(char)
        codes = codecs.charmap_build("".join(decoding))
        self._subset0 = (weakref.ref(doc), state, len(state.assignments), codes)
        return codes


def fonts_dir() -> Path:
    """Locate ``resources/fonts``: $ESP_RESOURCES, the installed package data, or the source checkout."""
    candidates = []
    env = os.environ.get("ESP_RESOURCES")
    if env:
        candidates.append(Path(env) / "fonts")
    here = Path(__file__).resolve()
    candidates.append(here.parent.parent / "resources" / "fonts")  # bundled (PyInstaller / package data)
    candidates.extend(parent / "resources" / "fonts" for parent in here.parents)  # src-layout checkout
    for candidate in candidates:
        if (candidate / _FILES[SANS]).is_file():
            return candidate
    raise FontError("The PDF fonts (resources/fonts/DejaVuSans.ttf) were not found; reinstall esp-desktop.")


@lru_cache(maxsize=1)
def register() -> frozenset[int]:
    """Register the DejaVu Sans family once per process; return the code points it covers."""
    base = fonts_dir()
    with _lock:
        for name, filename in _FILES.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(_TTFont(name, str(base / filename)))
        # <b>/<i> inside paragraphs resolve through this mapping.
        addMapping(SANS, 0, 0, SANS)
        addMapping(SANS, 1, 0, SANS_BOLD)
        addMapping(SANS, 0, 1, SANS_ITALIC)
        addMapping(SANS, 1, 1, SANS_BOLD_ITALIC)
        face = pdfmetrics.getFont(SANS).face
        return frozenset(face.charToGlyph)


def _ensure_cjk() -> None:
    global _cjk_loaded
    if _cjk_loaded:
        return
    with _lock:
        if not _cjk_loaded:
            pdfmetrics.registerFont(_TTFont(CJK, str(fonts_dir() / _CJK_FILE)))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(CJK, bold, italic, CJK)  # no bold/italic CJK faces: reuse the regular one
            _cjk_loaded = True


def _covered(ch: str, covered: frozenset[int]) -> bool:
    return ord(ch) in covered or ch in "\n\t"


@lru_cache(maxsize=1)
def _coverage() -> frozenset[int]:
    """The code points DejaVu Sans has, and the line break and tab (`markup` and reportlab handle those)."""
    return register() | {ord("\n"), ord("\t")}


@lru_cache(maxsize=1)
def _uncovered() -> re.Pattern[str]:
    """A pattern that finds a character outside `_coverage()` (a character class of its ranges)."""
    ranges: list[list[int]] = []
    for code in sorted(_coverage()):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[^" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges) + "]")


def _all_covered(text: str) -> bool:
    # DejaVu Sans covers all of printable ASCII: the common case costs one C-level call, the rest one search
    # (per character a bitmap test in C; a set of code points costs a Python int per character).
    # _uncovered() registers the fonts, which every paragraph built from `markup` needs (cached).
    search = _uncovered().search
    return text.isascii() or search(text) is None


def covered(text: str) -> bool:
    """Whether DejaVu Sans has every character of `text` (no run needs the CJK fallback)."""
    return _all_covered(text)


def runs(text: str) -> list[tuple[str, bool]]:
    """Split text into (chunk, needs_fallback) runs."""
    if _all_covered(text):  # the common case (every page header and footer)
        return [(text, False)] if text else []
    covered = register()
    out: list[tuple[str, bool]] = []
    for ch in text:
        fallback = not _covered(ch, covered)
        if out and out[-1][1] == fallback:
            out[-1] = (out[-1][0] + ch, fallback)
        else:
            out.append((ch, fallback))
    if any(fb for _, fb in out):
        _ensure_cjk()
    return out


def markup(text: object) -> str:
    """User text -> safe Platypus paragraph markup with font fallback; newlines become line breaks."""
    if text is None:
        return ""
    # NFC: decomposed accents (e + combining marks) would print as detached marks.
    s = unicodedata.normalize("NFC", str(text))
    if _all_covered(s):  # fast path: the common case
        return escape(s).replace("\n", "<br/>")
    parts = []
    for chunk, fallback in runs(s):
        esc = escape(chunk).replace("\n", "<br/>")
        parts.append(f'<font name="{CJK}">{esc}</font>' if fallback else esc)
    return "".join(parts)


def draw_string(
    canvas: Canvas, x: float, y: float, text: str, *, font: str, size: float, align: str = "left"
) -> None:
    """Draw one line on the canvas with the same fallback as `markup` (for headers and footers)."""
    text = unicodedata.normalize("NFC", text)
    pieces = [(chunk, CJK if fb else font) for chunk, fb in runs(text)]
    width = sum(pdfmetrics.stringWidth(chunk, f, size) for chunk, f in pieces)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    for chunk, f in pieces:
        canvas.setFont(f, size)
        canvas.drawString(x, y, chunk)
        x += pdfmetrics.stringWidth(chunk, f, size)


def widths(words: list[str], *, font: str, size: float) -> list[float]:
    """Each word's width in `font` at `size` (reportlab's `stringWidth`)."""
    f = pdfmetrics.getFont(font)
    if isinstance(f, _TTFont):
        return f.widths(words, size)
    return [f.stringWidth(w, size) for w in words]


def string_width(text: str, *, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(chunk, CJK if fb else font, size) for chunk, fb in runs(text))


def plain_lines(text: str, *, font: str, size: float, width: float) -> list[str] | None:
    """Wrap `text` into lines of at most `width` in `font`, or None if it needs the CJK fallback."""
    if not _all_covered(text):
        return None
    return simpleSplit(text, font, size, width)
