"""Page furniture, styles and flowable helpers shared by every document.

Looks: US Letter, one sans family (DejaVu Sans), one restrained accent colour, hairline rules, tables
with a tinted header row that repeats on every page. Long free text is always a flowing Paragraph (never
inside a table cell) so it wraps and splits across pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from string import whitespace
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag

from esp_desktop.core import timefmt
from esp_desktop.reports import fonts
from esp_desktop.reports.fonts import markup as m

PAGE = LETTER
MARGIN_X = 0.85 * inch
MARGIN_TOP = 0.95 * inch
MARGIN_BOTTOM = 0.9 * inch
CONTENT_WIDTH = PAGE[0] - 2 * MARGIN_X
CELL_PAD = 5

ACCENT = colors.HexColor("#1F4A6E")  # deep slate blue
ACCENT_TINT = colors.HexColor("#E9EFF5")
ZEBRA = colors.HexColor("#F7F9FB")
RULE = colors.HexColor("#C5CFD9")
TEXT = colors.HexColor("#1C232B")
MUTED = colors.HexColor("#5F6B76")
BANNER = colors.HexColor("#8B1E1E")  # only for the CONFIDENTIAL banner


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base = dict(fontName=fonts.SANS, fontSize=9.3, leading=13.2, textColor=TEXT, alignment=TA_LEFT)
    base.update(kw)
    return ParagraphStyle(name, **base)


class S:
    """Paragraph styles (a namespace)."""

    body = _style("body", spaceAfter=5)
    body_tight = _style("body_tight")
    small = _style("small", fontSize=8, leading=10.5, textColor=MUTED)
    cell = _style("cell", fontSize=8.6, leading=11.2)
    cell_bold = _style("cell_bold", fontSize=8.6, leading=11.2, fontName=fonts.SANS_BOLD)
    cell_head = _style("cell_head", fontSize=8, leading=10.5, fontName=fonts.SANS_BOLD, textColor=ACCENT)
    label = _style("label", fontSize=7.4, leading=9.5, textColor=MUTED, fontName=fonts.SANS_BOLD)
    value = _style("value", fontSize=9.3, leading=12.5)
    value_right = _style("value_right", fontSize=9.3, leading=12.5, alignment=2)
    title = _style("title", fontSize=19, leading=24, fontName=fonts.SANS_BOLD, textColor=ACCENT, spaceAfter=2)
    subtitle = _style("subtitle", fontSize=11, leading=15, textColor=MUTED, spaceAfter=12)
    h1 = _style(
        "h1",
        fontSize=13,
        leading=17,
        fontName=fonts.SANS_BOLD,
        textColor=ACCENT,
        spaceBefore=12,
        spaceAfter=3,
    )
    h2 = _style(
        "h2", fontSize=10.4, leading=14, fontName=fonts.SANS_BOLD, textColor=TEXT, spaceBefore=9, spaceAfter=3
    )
    h3 = _style(
        "h3",
        fontSize=9.3,
        leading=13,
        fontName=fonts.SANS_BOLD,
        textColor=ACCENT,
        spaceBefore=6,
        spaceAfter=1,
    )
    note = _style(
        "note",
        leftIndent=38,
        bulletIndent=0,
        bulletFontName=fonts.SANS,
        bulletFontSize=8.6,
        bulletColor=MUTED,
        spaceAfter=3,
    )
    bullet = _style("bullet", leftIndent=14, firstLineIndent=-10, spaceAfter=3)
    empty = _style("empty", textColor=MUTED, fontName=fonts.SANS_ITALIC, spaceAfter=4)


# --------------------------------------------------------------------------- formatting


def fmt_date(d: date | datetime | None) -> str:
    """A date as documents print it; an instant in local time with its zone (``core/timefmt.py``)."""
    if isinstance(d, datetime):
        return timefmt.doc_datetime(d)
    return timefmt.doc_date(d)


def fmt_short(d: date | None) -> str:
    return timefmt.iso_date(d)


def sentence(text: str) -> str:
    """`text` ending in exactly one full stop: a reason the CT typed may already end with one ("… Standard III.")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def fmt_hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}"


# --------------------------------------------------------------------------- flowable helpers


def tstyle(cmds: Sequence[tuple]) -> TableStyle:
    """TableStyle whose plain-string cells use the embedded font (reportlab's default is Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), fonts.SANS), *cmds])


# the style attributes two fragments must share to be drawn as one run (reportlab's rl_accel.sameFrag)
_FRAG_STYLE = ("fontName", "fontSize", "textColor", "rise", "us_lines", "link", "backColor", "nobr")


def same_frag(f: Any, g: Any) -> bool:
    """Whether text fragments `f` and `g` print in the same style: reportlab's `sameFrag`, in Python.

    Line breaking asks this for every word of a paragraph with more than one style (a script note with its grey
    equity tail, a bullet with its grey "(indicators · by date)"). rl_accel's C version looks each attribute up
    with getattr and swallows an AttributeError for every one a fragment lacks (most of them, always): 13% of
    a packet's instructions. This is the pure-Python twin reportlab ships for when rl_accel is missing.
    """
    fd, gd = f.__dict__, g.__dict__
    if "cbDefn" in fd or "lineBreak" in fd or "cbDefn" in gd or "lineBreak" in gd:
        return False
    return [fd.get(k) for k in _FRAG_STYLE] == [gd.get(k) for k in _FRAG_STYLE]


rl_paragraph.sameFrag = same_frag  # the module breakLines looks it up in (imported from rl_accel by name)


class Para(Paragraph):
    """A Paragraph that lays its lines out once per width.

    Platypus asks a paragraph for its size more than once at the same width (a table measures its cells, then
    measures them again to draw them; KeepTogether measures its content, then the frame does), and every
    time reportlab breaks the lines afresh: a quarter of a packet's line breaking. The lines depend only on
    the text, the style and the width, so the last result is kept for that width.
    """

    _laid_out_at: float | None = None
    frags: list[Any]  # reportlab's: the text fragments, after a multi-style line break its frag words
    _width_max: float

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        # split() drops blPara when the paragraph must move on whole (then it is laid out again)
        if availWidth == self._laid_out_at and "blPara" in self.__dict__:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._laid_out_at = availWidth
        return size

    def breakLines(self, width: float | list[float]) -> Any:  # noqa: N802 - reportlab API
        """reportlab's line breaking, with a short way for text runs that need no word split.

        That is nearly every paragraph: one style (the parser-free `plain` ones), or a few runs that meet at a
        space (a script note and its grey equity tail, a bullet and its grey "(I-B · by …)", from `rich`).
        reportlab's general loops measure each word through three Python calls and weigh hyphenation, soft hyphens
        and long-word splitting for it; here the same greedy fill (with reportlab's space shrinkage) runs over
        widths measured once. Anything else — soft hyphens, a word wider than a line, a word spanning two runs,
        hyphenation, bidi or shaping styles, images, line breaks — goes to reportlab, and so does nothing at all
        in between: the result is reportlab's, value for value.
        """
        style, frags = self.style, self.frags
        if (
            not frags
            or style.endDots
            or style.wordWrap
            or style.shaping
            or getattr(style, "hyphenationLang", "")
            or style.uriWasteReduce
            or style.embeddedHyphenation
        ):
            return super().breakLines(width)
        max_widths = list(width) if isinstance(width, (tuple, list)) else [width]
        if len(frags) == 1:
            lines = self._break_one_style(max_widths)
        else:
            lines = self._break_runs(max_widths)
        return super().breakLines(width) if lines is None else lines

    def _break_one_style(self, max_widths: list[float]) -> Any:
        """reportlab's kind-0 lines (one style), or None to leave the paragraph to reportlab."""
        f = self.frags[0]
        text = getattr(f, "text", None)
        if text is None or "\xad" in text or hasattr(f, "cbDefn") or hasattr(f, "backColor"):
            return None
        style = self.style
        rl_paragraph._handleBulletWidth(self.bulletText, style, max_widths)
        font_name, size = f.fontName, f.fontSize
        words = rl_paragraph.split(rl_paragraph.strip(text))
        widths = fonts.widths(words, font=font_name, size=size)
        if widths and max(widths) > min(max_widths):  # reportlab splits a word wider than its line
            return None
        ascent, descent = pdfmetrics.getAscentDescent(font_name, size)
        self.height = self._width_max = self._splitLongWordCount = self._hyphenations = 0
        space = pdfmetrics.stringWidth(" ", font_name, size)
        shrink = style.spaceShrinkage * space
        lines: list[tuple[float, list[str]]] = []
        line: list[str] = []
        used, lineno, line_width, last = -space, 0, max_widths[0], len(max_widths) - 1
        for word, word_width in zip(words, widths, strict=True):
            new = used + space + word_width
            if new <= line_width + shrink * len(line) or not line:
                line.append(word)
                used = new
            else:
                self._width_max = max(self._width_max, used)
                lines.append((line_width - used, line))
                line, used, lineno = [word], word_width, lineno + 1
                line_width = max_widths[min(last, lineno)]
        if line:
            self._width_max = max(self._width_max, used)
            lines.append((line_width - used, line))
        return f.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=size)

    def _break_runs(self, max_widths: list[float]) -> Any:
        """reportlab's kind-1 lines for text runs in several styles that meet at a space, or None.

        The same steps as reportlab's `_getFragWords` and the multi-style loop of `breakLines` for this case:
        each word is a frag word ``[width, (run, word)]`` (an `_HSFrag` when a space follows it), a line is a
        `FragLine` of run clones whose text is the line's words in that run, and the paragraph's frags become
        the frag word list (reportlab's `split` reads it). The space shrinkage allowed on a line is summed in
        reportlab's order, so every float is the same.
        """
        runs = self.frags
        fw: list[list[Any]] = []  # reportlab's frag words
        for i, f in enumerate(runs):
            text = getattr(f, "text", None)
            if not text or "\xad" in text or any(hasattr(f, a) for a in ("cbDefn", "lineBreak", "backColor")):
                return None
            if i == 0:
                text = rl_paragraph.lstrip(text)
            elif text[0] in whitespace:
                return None
            words = rl_paragraph.split(text) if text else []
            # a word must end inside its run: runs meet at a space (or the paragraph ends)
            if not words or not all(words) or (i < len(runs) - 1 and text[-1] not in whitespace):
                return None
            sizes = fonts.widths(words, font=f.fontName, size=f.fontSize)
            fw += [rl_paragraph._HSFrag([width, (f, w)]) for width, w in zip(sizes, words, strict=True)]
            if text[-1] not in whitespace:
                fw[-1] = list(fw[-1])  # the paragraph's last word, no space after it
        rl_paragraph._handleBulletWidth(self.bulletText, self.style, max_widths)
        if max(w[0] for w in fw) > min(max_widths):  # reportlab splits a word wider than its line
            return None
        # the checks passed: from here on, reportlab's own steps
        for f in runs:
            f._fkind = rl_paragraph._FK_TEXT
        self.height = self._width_max = self._splitLongWordCount = self._hyphenations = 0
        shrinkage = self.style.spaceShrinkage
        space_of = {id(f): pdfmetrics.stringWidth(" ", f.fontName, f.fontSize) for f in runs}
        bounds_of = {id(f): pdfmetrics.getAscentDescent(f.fontName, f.fontSize) for f in runs}
        lines = []
        line: list[Any] = []  # run clones, each with the line's words in that run
        spaces: list[list[Any]] = []  # per clone: [spaces in its text, width of its space]
        lineno, last, max_width = 0, len(max_widths) - 1, max_widths[0]
        space = used = 0.0
        n = s_fw = 0
        source = None  # the run g (the line's last run clone) was cloned from
        for k, w in enumerate(fw):
            word_width, (f, word) = w[0], w[1]
            ascent, descent = bounds_of[id(f)]
            if not line:  # the paragraph's first word
                n, space, used = 0, 0, 0
                max_size, max_ascent, min_descent = f.fontSize, ascent, descent
            new = used + space + word_width if word_width > 0 else used
            lim = max_width
            if shrinkage:
                shrink = space
                for ns, sw in spaces:
                    if ns:
                        shrink += ns * sw
                lim += shrink * shrinkage
            if not (new > lim and n > 0):  # the word goes on this line
                n += 1
                if f is not source:  # (a word of g's own run changes neither the line's bounds nor its style)
                    max_size, max_ascent = max(max_size, f.fontSize), max(max_ascent, ascent)
                    min_descent = min(min_descent, descent)
                if not line:
                    g, source = f.clone(), f
                    g.text = word
                    line, spaces = [g], [[0, space_of[id(f)]]]
                elif f is not source and not rl_paragraph.sameFrag(g, f):
                    if space and not g.text.endswith(" "):
                        g.text += " "
                        spaces[-1][0] += 1
                    g, source = f.clone(), f
                    g.text = word
                    line.append(g)
                    spaces.append([0, space_of[id(f)]])
                elif space:
                    g.text += " " + word
                    spaces[-1][0] += 1
                else:
                    g.text += word
                used = new
            else:  # the line is full: the word starts the next one
                self._width_max = max(self._width_max, used)
                lines.append(rl_paragraph.FragLine(
                    extraSpace=max_width - used, wordCount=n, lineBreak=False, words=line, fontSize=max_size,
                    ascent=max_ascent, descent=min_descent, maxWidth=max_width, sFW=s_fw))
                s_fw = k
                lineno += 1
                max_width = max_widths[min(last, lineno)]
                used, n = word_width, 1
                g, source = f.clone(), f
                g.text = word
                line, spaces = [g], [[0, space_of[id(f)]]]
                max_size, max_ascent, min_descent = f.fontSize, ascent, descent
            space = space_of[id(f)] if isinstance(w, rl_paragraph._HSFrag) else 0  # the space after this word
        if line:
            self._width_max = max(self._width_max, used)
            lines.append(rl_paragraph.FragLine(extraSpace=max_width - used, wordCount=n, lineBreak=False, words=line,
                                               fontSize=max_size, ascent=max_ascent, descent=min_descent,
                                               maxWidth=max_width, sFW=s_fw))
        self.frags = fw
        return rl_paragraph.ParaLines(kind=1, lines=lines)


# style -> {opening tag: the text fragment reportlab's parser makes inside that tag in that style} (see `rich`)
_frags: WeakKeyDictionary[ParagraphStyle, dict[str, ParaFrag]] = WeakKeyDictionary()
# stands in for a tag while the runs' whitespace is cleaned as the parser cleans markup (user text never has it)
_TAG = "\x00"


def _close(tag: str) -> str:
    return "".join(f"</{name}>" for name in reversed(re.findall(r"<(\w+)", tag)))


def _frag(style: ParagraphStyle, tag: str) -> ParaFrag:
    by_tag = _frags.get(style)
    if by_tag is None:
        by_tag = _frags[style] = {}
    frag = by_tag.get(tag)
    if frag is None:
        frag = by_tag[tag] = Paragraph(f"{tag}x{_close(tag)}", style).frags[0]  # parsed once per style and tag
    return frag


def rich(style: ParagraphStyle, *runs: tuple[str, object], bullet: str | None = None) -> Paragraph:
    """A paragraph of *user* text runs, each plain (``""``) or inside one of the renderer's opening tags.

    ``rich(S.bullet, ("", "• Use exit tickets. "), ('<font color="#5F6B76">', "(I-B)"))`` prints what
    ``px('• Use exit tickets. <font color="#5F6B76">(I-B)</font>')`` prints with the text escaped (`m`), without
    reportlab's mini-XML parser, which costs more than laying the paragraph out: each run gets the fragment the
    parser makes inside its tag in this style (parsed once), with the run's text, whitespace cleaned as the
    parser cleans the whole markup. Text that needs the font fallback or a line break is parsed as before.
    """
    texts = ["" if t is None else unicodedata.normalize("NFC", str(t)) for _tag, t in runs]
    if style.textTransform is None and all("\n" not in t and _TAG not in t and fonts.covered(t) for t in texts):
        # clean the markup with every tag as one non-space character, as the parser would see it
        marked = "".join(f"{_TAG}{t}{_TAG}" if tag else t for (tag, _), t in zip(runs, texts, strict=True))
        pieces = cleanBlockQuotedText(marked).split(_TAG)  # outside, inside the 1st tag, outside, inside the 2nd …
        tags = [tag for tag, _ in runs if tag]
        frags = [
            _frag(style, tags[i // 2] if i % 2 else "").clone(text=piece) for i, piece in enumerate(pieces) if piece
        ]
        if frags:
            return Para("".join(pieces), style, bulletText=bullet, frags=frags)
    markup_text = "".join(f"{tag}{m(t)}{_close(tag)}" if tag else m(t) for (tag, _), t in zip(runs, texts, strict=True))
    return Para(markup_text, style, bulletText=bullet)


def plain(text: object, style: ParagraphStyle = S.body, *, bullet: str | None = None) -> Paragraph:
    """A paragraph of *user* text (escaped, with font fallback); `bullet` is a plain bullet text."""
    return rich(style, ("", text), bullet=bullet)


def p(text: object, style: ParagraphStyle = S.body) -> Paragraph:
    """A paragraph of *user* text (escaped, with font fallback)."""
    return plain(text, style)


def px(markup_text: str, style: ParagraphStyle = S.body) -> Paragraph:
    """A paragraph of trusted markup built by the renderer (user parts already passed through `m`)."""
    if not any(c in markup_text for c in "<&\n"):  # no tags or entities: the markup is its own text
        return plain(markup_text, style)
    return Para(markup_text, style)


class SectionRule(Flowable):
    """A hairline under a section heading."""

    def __init__(
        self, width: float = CONTENT_WIDTH, color: colors.Color = RULE, thickness: float = 0.6, space: float = 6
    ) -> None:
        super().__init__()
        self.width, self.color, self.thickness, self.space = width, color, thickness, space

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.thickness + self.space

    def draw(self) -> None:
        self.canv.setStrokeColor(self.color)
        self.canv.setLineWidth(self.thickness)
        self.canv.line(0, self.space, self.width, self.space)


def section(title: str) -> list[Flowable]:
    # CondPageBreak keeps a heading from being stranded at the bottom of a page.
    return [CondPageBreak(1.3 * inch), plain(title, S.h1), SectionRule()]


def subsection(title: str, style: ParagraphStyle = S.h2) -> list[Flowable]:
    return [CondPageBreak(0.9 * inch), px(title, style)]


def empty(text: str) -> Paragraph:
    return plain(text, S.empty)


def facts(pairs: Sequence[tuple[str, object]], *, columns: int = 2, skip_empty: bool = False) -> Table:
    """A calm label/value grid: small grey caps label above the value (empty ones left out if skip_empty)."""
    if skip_empty:
        pairs = [(k, v) for k, v in pairs if v not in (None, "")]
    cells: list[object] = []  # each cell: [label, value] stacked
    for label, value in pairs:
        cells.append(
            [
                plain(label.upper(), S.label),
                plain(value if value not in (None, "") else "—", S.value),
            ]
        )
    rows: list[list[object]] = []
    for i in range(0, len(cells), columns):
        chunk = cells[i : i + columns]
        chunk += [""] * (columns - len(chunk))
        rows.append(chunk)
    width = CONTENT_WIDTH / columns
    t = Table(rows, colWidths=[width] * columns, hAlign="LEFT")
    t.setStyle(
        tstyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    # each cell holds [label, value]: a nested list renders as stacked flowables
    return t


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    numeric: Sequence[int] = (),
    bold_first: bool = False,
    extra: Sequence[tuple] = (),
) -> Table:
    """A data table: tinted header row repeated on each page, hairlines, light zebra striping.

    Cells that are plain values are escaped; Flowables pass through untouched.
    """
    total = sum(widths)
    col_w = [w / total * CONTENT_WIDTH for w in widths]
    head_right = ParagraphStyle("cell_head_r", parent=S.cell_head, alignment=2)
    head: list[object] = []
    for i, h in enumerate(header):
        hs = S.cell_head
        lines = fonts.plain_lines(h, font=hs.fontName, size=hs.fontSize, width=col_w[i] - 2 * CELL_PAD)
        # plain strings where possible (cheap), styled by the header row commands below
        head.append(
            "\n".join(lines) if lines is not None else Para(m(h), head_right if i in numeric else hs)
        )
    body = []
    for row in rows:
        out: list[object] = []
        for ci, v in enumerate(row):
            if isinstance(v, Flowable):
                out.append(v)
                continue
            style = S.cell_bold if (bold_first and ci == 0) else S.cell
            text = unicodedata.normalize("NFC", str(v)) if v not in (None, "") else "—"
            lines = fonts.plain_lines(
                text, font=style.fontName, size=style.fontSize, width=col_w[ci] - 2 * CELL_PAD
            )
            if lines is not None:
                # Plain (pre-wrapped) strings: a Paragraph per cell costs ~0.2 ms to parse and wrap,
                # which dominates long evidence tables. Paragraphs remain for text needing font fallback.
                out.append("\n".join(lines))
            else:
                if ci in numeric:
                    style = ParagraphStyle(f"{style.name}_r", parent=style, alignment=2)
                out.append(Para(m(text), style))
        body.append(out)
    t = Table([head, *body], colWidths=col_w, repeatRows=1, hAlign="LEFT")
    cmds = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT_TINT),
        ("FONTNAME", (0, 0), (-1, 0), S.cell_head.fontName),
        ("FONTSIZE", (0, 0), (-1, 0), S.cell_head.fontSize),
        ("LEADING", (0, 0), (-1, 0), S.cell_head.leading),
        ("TEXTCOLOR", (0, 0), (-1, 0), S.cell_head.textColor),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.35, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4.5),
        # plain-string cells: same face, size and leading as the cell paragraphs
        ("FONTSIZE", (0, 1), (-1, -1), S.cell.fontSize),
        ("LEADING", (0, 1), (-1, -1), S.cell.leading),
        ("TEXTCOLOR", (0, 1), (-1, -1), TEXT),
    ]
    if bold_first:
        cmds.append(("FONTNAME", (0, 1), (0, -1), fonts.SANS_BOLD))
    cmds.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, ZEBRA]))  # one command, not one per row
    for ci in numeric:
        cmds.append(("ALIGN", (ci, 0), (ci, -1), "RIGHT"))
    cmds.extend(extra)
    t.setStyle(tstyle(cmds))
    return t


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def spacer(h: float = 6) -> Spacer:
    return Spacer(1, h)


# --------------------------------------------------------------------------- page furniture


@dataclass(frozen=True)
class PageInfo:
    doc_title: str  # shown in the header
    subject: str  # educator (or meeting) shown in the header
    document_id: str
    short_hash: str
    reader_line: str  # "Confidential · prepared for the ESP Panel"


def _draw_header(c: rl_canvas.Canvas, info: PageInfo) -> None:
    w, h = PAGE
    y = h - 0.55 * inch
    c.setFillColor(ACCENT)
    fonts.draw_string(c, MARGIN_X, y, info.doc_title.upper(), font=fonts.SANS_BOLD, size=7.6)
    c.setFillColor(TEXT)
    fonts.draw_string(c, w - MARGIN_X, y, info.subject, font=fonts.SANS, size=8.4, align="right")
    c.setStrokeColor(ACCENT)
    c.setLineWidth(0.8)
    c.line(MARGIN_X, y - 7, w - MARGIN_X, y - 7)


def _draw_footer(c: rl_canvas.Canvas, info: PageInfo, page: int, total: int) -> None:
    w, _ = PAGE
    y = 0.55 * inch
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    c.line(MARGIN_X, y + 12, w - MARGIN_X, y + 12)
    c.setFillColor(MUTED)
    fonts.draw_string(c, MARGIN_X, y, info.reader_line, font=fonts.SANS, size=7.2)
    fonts.draw_string(
        c,
        MARGIN_X,
        y - 10,
        f"Document {info.document_id}  ·  content SHA-256 {info.short_hash}",
        font=fonts.SANS,
        size=6.6,
    )
    c.setFillColor(TEXT)
    fonts.draw_string(c, w - MARGIN_X, y, f"Page {page} of {total}", font=fonts.SANS, size=7.6, align="right")


def make_canvas_class(info: PageInfo) -> type[rl_canvas.Canvas]:
    """A canvas that holds back every page until the end so the footer can say "Page x of y"."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab API
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _draw_footer(self, info, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


class ESPDocTemplate(BaseDocTemplate):
    """Two page templates: 'cover' (no running header) and 'body'."""

    def __init__(
        self,
        filename: str,
        *,
        info: PageInfo,
        title: str,
        author: str,
        subject: str,
        keywords: str,
        cover: bool = False,
    ) -> None:
        super().__init__(
            filename,
            pagesize=PAGE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            author=author,
            subject=subject,
            keywords=keywords,
            creator="esp-desktop",
            producer="esp-desktop (reportlab)",
            lang="en-US",
            # otherwise every page's preamble selects (unembedded) Helvetica
            initialFontName=fonts.SANS,
            initialFontSize=9,
            initialLeading=12,
        )
        self.info = info
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            CONTENT_WIDTH,
            PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        cover_frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            CONTENT_WIDTH,
            PAGE[1] - 0.7 * inch - MARGIN_BOTTOM,
            id="cover",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        body = PageTemplate(id="body", frames=[frame], onPage=lambda c, d: _draw_header(c, info))
        first = PageTemplate(id="cover", frames=[cover_frame])
        # the first template in the list lays out page 1
        self.addPageTemplates([first, body] if cover else [body, first])
