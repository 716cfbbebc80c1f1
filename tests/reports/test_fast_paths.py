"""The renderer's shortcuts print what reportlab's general paths print (issue 15: a 40-page packet in 0.25 s).

`layout.rich` (and `plain`, `px` without tags) skips the mini-XML parser, `fonts._TTFont.splitString` maps text
already seen with a table, `fonts._TTFont.stringWidth` remembers widths, `layout.same_frag` compares fragments
without exceptions, `layout.Para` breaks one-style text the short way and keeps its lines for the width it was
laid out at: each must give the same lines and the same bytes as the path it shortcuts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab import rl_config
from reportlab.lib import rl_accel
from reportlab.lib.abag import ABag
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, paraparser

from esp_desktop.reports import fonts
from esp_desktop.reports.fonts import markup
from esp_desktop.reports.layout import S, plain, px, rich, sentence

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


# the renderer's own tags (documents.py), with their closing tags
TAGS = (
    ('<font color="#5F6B76">', "</font>"),
    ('<font color="#5F6B76" size="7.6">', "</font>"),
    ('<font size="12">', "</font>"),
    ("<b>", "</b>"),
    ('<font color="white"><b>', "</b></font>"),
)


def _run_shapes(text: str, tag: str) -> list[tuple[tuple[str, str], ...]]:
    return [
        (("", f"\u2022\u2002{text} "), (tag, "(I-B · by Ana & Bo)")),  # a bullet with a grey tail
        ((tag, "9"), ("", f"\u2002{text}")),  # a contents line
        ((tag, text),),
        (("", text), (tag, text), ("", " end ")),
        ((tag, f" {text} "), (tag, "")),
    ]


def _merged(frags: list) -> list[dict]:
    """The parser's fragments, neighbours that differ only in text joined (it splits text at each entity)."""
    out: list[dict] = []
    for f in map(vars, frags):
        if out and {**out[-1], "text": ""} == {**f, "text": ""}:
            out[-1] = {**out[-1], "text": out[-1]["text"] + f["text"]}
        else:
            out.append(dict(f))
    return out


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The markup reportlab's parser is asked to parse."""
    seen: list[str] = []
    parse = paraparser.ParaParser.parse

    def counting(self, text, style):  # type: ignore[no-untyped-def]
        seen.append(text)
        return parse(self, text, style)

    monkeypatch.setattr(paraparser.ParaParser, "parse", counting)
    return seen


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("tag", TAGS, ids=lambda t: t[0])
def test_rich_paragraphs_lay_out_as_parsed_markup(text: str, tag: tuple[str, str], parses: list[str]) -> None:
    open_tag, close_tag = tag
    for runs in _run_shapes(text, open_tag):
        parsed = Paragraph("".join(f"{t}{markup(x)}{close_tag}" if t else markup(x) for t, x in runs), S.note,
                           bulletText="09:05")
        rich(S.note, *runs, bullet="09:05")  # the tag's fragment is parsed once per style
        parses.clear()
        fast = rich(S.note, *runs, bullet="09:05")
        # only text needing a line break or the font fallback (or nothing at all) goes through the parser
        assert not parses or "\n" in text or "王" in text or not parsed.frags
        assert _merged(fast.frags) == _merged(parsed.frags)  # before wrap() replaces them
        for width in (60, 180, 468):
            h1, lines1 = _lines(parsed, width)
            h2, lines2 = _lines(fast, width)
            assert h2 == h1
            # the parser splits text at each entity ("&amp;"): a line's last word may keep its space or not
            assert [x.rstrip() for x in lines2] == [x.rstrip() for x in lines1]
        assert fast.getPlainText().strip() == parsed.getPlainText().strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from(TEXTS))
def test_coverage_is_the_fonts_code_points(text: str) -> None:
    """Whether DejaVu Sans prints every character (else the CJK fallback runs): its code points (ASCII is)."""
    assert fonts.covered(text) == (text.isascii() or fonts._coverage().issuperset(map(ord, text)))
    assert fonts.covered(text + "王") is False and fonts.covered("Zoë\tO'Brien—Ramírez\n") is True


def test_markup_without_tags_skips_the_parser(parses: list[str]) -> None:
    px("Standard II: Teaching All Students", S.h2)
    parses.clear()
    assert px("Standard II: Teaching   All Students", S.h2).frags[0].text == "Standard II: Teaching All Students"
    assert px("a &amp; b", S.h2).getPlainText() == "a & b"  # an entity: parsed
    assert parses == ["a &amp; b"]


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
    d3, d4 = _Doc(), _Doc()  # two documents drawn in turn: each keeps its own codes
    for text in reversed(texts):
        text = text.replace("王芳", "")
        assert ours.splitString(text, d3) == theirs.splitString(text, d4), text
        assert ours.splitString(text, d1) == theirs.splitString(text, d2), text


def test_string_width_is_reportlabs() -> None:
    fonts.register()
    ours = pdfmetrics.getFont(fonts.SANS)
    theirs = TTFont("plain-dejavu-widths", str(fonts.fonts_dir() / "DejaVuSans.ttf"))
    for text in [*TEXTS, "Zoë", " ", "-"]:
        for size in (7.6, 9.3, 9.3, 13):  # the second 9.3 is remembered
            assert ours.stringWidth(text, size) == theirs.stringWidth(text, size)
    assert ours.stringWidth("Zoë".encode(), 9.3, "utf8") == theirs.stringWidth("Zoë".encode(), 9.3, "utf8")
    words = [*TEXTS, "never measured before", "Zoë"]
    assert ours.widths(words, 8.6) == [theirs.stringWidth(w, 8.6) for w in words]  # new and remembered alike
    assert fonts.widths(words, font=fonts.SANS, size=8.6) == [theirs.stringWidth(w, 8.6) for w in words]


def _deep(x: object) -> object:
    """reportlab's line structures (attribute bags without ==) as plain values, list kinds included."""
    if isinstance(x, ABag):
        return {k: _deep(v) for k, v in vars(x).items()}
    if isinstance(x, (list, tuple)):
        return [type(x).__name__, *(_deep(v) for v in x)]
    return x


_WORD = st.text(alphabet="aWiléé&-.,;·—\u00a0\u2002\t ", max_size=14)


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(_WORD, max_size=40),
    odd=st.sampled_from(["", "", "", "王", "soft\xadhyphen", "x" * 90]),  # reportlab's way: several fonts, shy, long
    style=st.sampled_from([S.body, S.note, S.bullet, S.cell, S.h1, S.small]),
    first=st.floats(min_value=20, max_value=480),
    rest=st.floats(min_value=20, max_value=480),
)
def test_line_breaking_is_reportlabs(words: list[str], odd: str, style, first: float, rest: float) -> None:
    """Para.breakLines' short way gives reportlab's lines, value for value (or hands over to reportlab)."""
    text = " ".join([*words, odd])
    ours = plain(text, style, bullet="09:05" if style is S.note else None)
    theirs = plain(text, style, bullet="09:05" if style is S.note else None)
    got = ours.breakLines([first, rest])
    want = Paragraph.breakLines(theirs, [first, rest])
    assert _deep(got) == _deep(want)
    assert (ours._width_max, ours.height) == (theirs._width_max, theirs.height)


_RUN_TAGS = ("", *(t for t, _close in TAGS))


@settings(max_examples=400, deadline=None)
@given(
    runs=st.lists(st.tuples(st.sampled_from(_RUN_TAGS), st.lists(_WORD, max_size=12).map(" ".join)), min_size=2,
                  max_size=4),
    odd=st.sampled_from(["", "", "", "王", "soft\xadhyphen", "x" * 90]),
    style=st.sampled_from([S.body, S.note, S.bullet, S.cell, S.small]),
    first=st.floats(min_value=20, max_value=480),
    rest=st.floats(min_value=20, max_value=480),
)
def test_line_breaking_of_runs_is_reportlabs(runs: list[tuple[str, str]], odd: str, style, first: float,
                                             rest: float) -> None:
    """Para.breakLines' short way for runs in several styles gives reportlab's lines, frag words and widths."""
    runs = [*runs[:-1], (runs[-1][0], runs[-1][1] + odd)]
    ours = rich(style, *runs, bullet="09:05" if style is S.note else None)
    theirs = rich(style, *runs, bullet="09:05" if style is S.note else None)
    got = ours.breakLines([first, rest])
    want = Paragraph.breakLines(theirs, [first, rest])
    assert _deep(got) == _deep(want)
    assert _deep(ours.frags) == _deep(theirs.frags)  # the frag words reportlab's split() reads
    assert (ours._width_max, ours.height) == (theirs._width_max, theirs.height)


def test_a_note_with_its_equity_tail_takes_the_short_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """The packet's two-style paragraphs (a note and its grey tail, a bullet and its grey tail) skip reportlab's
    general line breaking; a word spanning two runs does not."""
    grey, small = TAGS[0][0], TAGS[1][0]
    note = rich(S.note, ("", "Students counted on with the number line, then compared answers. "),
                (small, "Equity: wait time · cold call"), bullet="09:05")
    bullet = rich(S.bullet, ("", "\u2022\u2002Use exit tickets daily. "), (grey, "(I-B · by Ana & Bo)"))
    spanning = rich(S.body, ("", "half"), ("<b>", "word and more"))
    assert len(note.frags) == len(bullet.frags) == len(spanning.frags) == 2
    monkeypatch.setattr(Paragraph, "breakLines", lambda *a: pytest.fail("reportlab's line breaking"))
    for para in (note, bullet):
        assert para.wrap(120, 1000)[1] > para.style.leading  # several lines
        assert para.blPara.kind == 1
    with pytest.raises(pytest.fail.Exception):
        spanning.wrap(120, 1000)


def test_same_frag_is_reportlabs() -> None:
    from reportlab.lib.rl_accel import sameFrag

    from esp_desktop.reports.layout import same_frag

    frags = [f for tag, close in TAGS for f in Paragraph(f"plain {tag}tagged{close} plain", S.note).frags]
    frags += Paragraph('<font color="#5f6b76">same grey, other object</font> <u>under</u> <a href="x">link</a>'
                       '<span backColor="yellow">back</span>', S.body).frags
    extra = frags[0].clone(cbDefn=object()), frags[0].clone(lineBreak=True), frags[0].clone(nobr=True)
    frags += [*extra, frags[0].clone(text="other text"), frags[1].clone()]
    for f in frags:
        for g in frags:
            assert same_frag(f, g) == bool(sameFrag(f, g)), (vars(f), vars(g))
    assert same_frag(frags[0], frags[-2]) and not same_frag(frags[0], frags[1])


def test_sentence_ends_in_one_full_stop() -> None:
    assert sentence("The CT brought the log for Standard III.") == "The CT brought the log for Standard III."
    assert sentence("The CT brought the log for Standard III") == "The CT brought the log for Standard III."
    assert sentence("Why? ") == "Why?"
    assert sentence("not stated") == "not stated."


def test_packet_unchanged_by_the_shortcuts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole sample packet, rendered with and without the shortcuts, is the same file, byte for byte."""
    from esp_desktop.reports import documents, layout, render_pdf
    from tests.helpers.samples import sample_panel_packet

    monkeypatch.setattr(rl_config, "invariant", 1)  # no creation date or random file id: equal input, equal bytes
    doc = sample_panel_packet(scale=2)
    fast = render_pdf(doc, tmp_path / "fast.pdf", audience="panel")

    def parsed(style, *runs, bullet=None):  # type: ignore[no-untyped-def]
        close = {"<b>": "</b>", '<font color="white"><b>': "</b></font>"}
        text = "".join(f"{t}{markup(x)}{close.get(t, '</font>')}" if t else markup(x) for t, x in runs)
        return Paragraph(text, style, bulletText=bullet)

    monkeypatch.setattr(layout, "rich", parsed)  # plain(), p(), empty(), px() without tags go through it too
    monkeypatch.setattr(documents, "rich", parsed)
    unparsed_px = lambda text, style=S.body: Paragraph(text, style)  # noqa: E731
    monkeypatch.setattr(layout, "px", unparsed_px)
    monkeypatch.setattr(documents, "px", unparsed_px)
    monkeypatch.setattr(fonts._TTFont, "splitString", TTFont.splitString)
    monkeypatch.setattr(fonts._TTFont, "stringWidth", TTFont.stringWidth)
    monkeypatch.setattr("reportlab.platypus.paragraph.sameFrag", rl_accel.sameFrag)
    monkeypatch.setattr(layout.Para, "wrap", Paragraph.wrap)  # lines broken afresh on every measure
    monkeypatch.setattr(layout.Para, "breakLines", Paragraph.breakLines)
    slow = render_pdf(doc, tmp_path / "slow.pdf", audience="panel")
    assert fast.pages == slow.pages
    assert fast.path.read_bytes() == slow.path.read_bytes()
