"""The renderer's shortcuts print what reportlab's general paths print (issue 15: a 40-page packet in 0.25 s).

`layout.plain` skips the mini-XML parser for text without markup, `fonts._TTFont.splitString` maps text already
seen with a table, `layout.Para` keeps its lines for the width it was laid out at: each must give the same lines
and the same bytes as the path it shortcuts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from esp_desktop.reports import fonts
from esp_desktop.reports.fonts import markup
from esp_desktop.reports.layout import S, plain, sentence

TEXTS = (
    "Transitions took 6 minutes; 9 of 24 students were off task.",
    "a & b < c > d \"quoted\" 'single' — dash · dot",
    "  leading and trailing   spaces,\tand a tab  ",
    "Nguyễn Thị Lan, Zoë Castellanos, Siobhán O'Brien-Ramírez",
    "non\u00a0breaking\u00a0space and e\u0301 decomposed",
    "x" * 300,
    " ".join(["supercalifragilistic"] * 40),
    "two\nlines",  # a line break: parsed as before
    "王芳 (Wang Fang)",  # needs the CJK fallback: parsed as before
    "",
    "   ",
)


def _lines(para: Paragraph, width: float) -> tuple[float, list[str]]:
    _w, height = para.wrap(width, 10_000)
    bl = para.blPara
    if bl.kind == 0:
        return height, [" ".join(words) for _extra, words in bl.lines]
    return height, ["".join(getattr(w, "text", "") for w in line.words) for line in bl.lines]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("style", [S.body, S.note, S.small, S.value], ids=lambda s: s.name)
def test_plain_paragraphs_lay_out_as_parsed_ones(text: str, style) -> None:
    parsed = Paragraph(markup(text), style, bulletText="09:05" if style is S.note else None)
    fast = plain(text, style, bullet="09:05" if style is S.note else None)
    for width in (60, 180, 468):
        h1, lines1 = _lines(parsed, width)
        h2, lines2 = _lines(fast, width)
        assert h2 == h1
        assert [" ".join(x.split()) for x in lines2] == [" ".join(x.split()) for x in lines1]
    assert fast.getPlainText() == parsed.getPlainText()
    if fast.frags and len(parsed.frags) == 1:  # the one fragment the parser makes, attribute for attribute
        assert vars(fast.frags[0]) == vars(parsed.frags[0])


class _Doc:
    """reportlab keys a font's per-document subset state on the document object."""


def test_split_string_gives_reportlabs_bytes() -> None:
    fonts.register()
    ours = pdfmetrics.getFont(fonts.SANS)
    assert isinstance(ours, fonts._TTFont)
    theirs = TTFont("plain-dejavu", str(fonts.fonts_dir() / "DejaVuSans.ttf"))
    covered = sorted(c for c in ours.face.charToGlyph if c > 160)[:600]  # enough new characters for 3 subsets
    texts = [*TEXTS, "", "plain ascii", "\u00a0", "plain ascii again"]
    texts += ["".join(map(chr, covered[i:i + 37])) + " mixed with ascii" for i in range(0, len(covered), 37)]
    texts += texts  # the second time round every character is known: the table path
    d1, d2 = _Doc(), _Doc()
    for text in texts:
        text = text.replace("王芳", "")  # not in DejaVu Sans (reportlab maps it to glyph 0 both ways anyway)
        assert ours.splitString(text, d1) == theirs.splitString(text, d2), text
    assert ours.state[d1].assignments == theirs.state[d2].assignments
    assert {n >> 8 for n in ours.state[d1].assignments.values()} == {0, 1, 2}


def test_sentence_ends_in_one_full_stop() -> None:
    assert sentence("The CT brought the log for Standard III.") == "The CT brought the log for Standard III."
    assert sentence("The CT brought the log for Standard III") == "The CT brought the log for Standard III."
    assert sentence("Why? ") == "Why?"
    assert sentence("not stated") == "not stated."


def test_packet_text_unchanged_by_the_shortcuts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole sample packet, rendered with and without the shortcuts, reads the same page by page."""
    from pypdf import PdfReader

    from esp_desktop.reports import layout, render_pdf
    from tests.helpers.samples import sample_panel_packet

    doc = sample_panel_packet(scale=2)
    fast = render_pdf(doc, tmp_path / "fast.pdf", audience="panel")
    monkeypatch.setattr(layout, "plain", lambda text, style=S.body, *, bullet=None: Paragraph(
        markup(text), style, bulletText=bullet))
    monkeypatch.setattr("esp_desktop.reports.documents.plain", layout.plain)
    monkeypatch.setattr(fonts._TTFont, "splitString", TTFont.splitString)
    monkeypatch.setattr(layout.Para, "wrap", Paragraph.wrap)  # lines broken afresh on every measure
    slow = render_pdf(doc, tmp_path / "slow.pdf", audience="panel")
    assert fast.pages == slow.pages
    a, b = PdfReader(fast.path).pages, PdfReader(slow.path).pages
    assert [p.extract_text() for p in a] == [p.extract_text() for p in b]
