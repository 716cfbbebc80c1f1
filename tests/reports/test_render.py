"""The renderer on plain view models (no store): text, fonts, unicode, page furniture, defence in depth."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pypdf import PdfReader

from esp_desktop.reports import RedactionError, render_pdf
from esp_desktop.reports.viewmodels import DocumentKind, ScriptNoteVM, content_sha256
from tests.helpers import samples as s

NAMES = ("Nguyễn Thị Lan", "Zoë Castellanos", "Siobhán O'Brien-Ramírez", "王芳 (Wang Fang)")


def text_of(path: Path) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)


@pytest.mark.parametrize("name", NAMES)
def test_unicode_names_render_with_embedded_fonts(name: str, tmp_path: Path) -> None:
    out = tmp_path / "obs.pdf"
    render_pdf(s.sample_observation_report("educator", name=name), out, audience="educator")
    assert name in text_of(out)
    reader = PdfReader(out)
    base_fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            base_fonts.add(str(f["/BaseFont"]))
            assert "/FontFile2" in f["/FontDescriptor"].get_object()
    assert any("DroidSansFallback" in b for b in base_fonts) == ("王" in name)
    assert not any("Helvetica" in b for b in base_fonts)


def test_every_page_has_header_footer_and_metadata(tmp_path: Path) -> None:
    doc = s.sample_panel_packet("panel", name="Zoë Castellanos")
    out = tmp_path / "packet.pdf"
    res = render_pdf(doc, out, audience="panel")
    reader = PdfReader(out)
    assert res.pages == len(reader.pages) and 5 <= res.pages <= 20
    for i, page in enumerate(reader.pages, 1):
        t = page.extract_text()
        assert f"Page {i} of {res.pages}" in t
        assert res.document_id in t and res.sha256[:12] in t
        if i > 1:  # the cover has no running header
            assert "ESP PANEL PACKET" in t and "Zoë Castellanos" in t
    assert res.sha256 == content_sha256(doc)
    meta = reader.metadata
    assert meta.title == "ESP Panel Packet: Zoë Castellanos"
    assert meta.author == s.CT and "prepared for the ESP Panel" in meta.subject


def test_panel_packet_content(tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    render_pdf(s.sample_panel_packet("panel"), out, audience="panel")
    t = text_of(out)
    for must in (
        "CONFIDENTIAL",
        "Case summary",
        "Cycle compliance",
        "Unannounced observations",
        "Observation summaries",
        "Evidence index",
        "Goals and progress",
        "Coaching and support provided",
        "Formative results",
        "rating recommendation",
        "Panel decision",
        "Panel chair",
        "GENERATED",
        "March 2, 2026",
        "Peer Assistance and Review",
    ):
        assert must in t, must


def test_twelve_case_agenda(tmp_path: Path) -> None:
    doc = s.sample_agenda("panel", cases=12)
    out = tmp_path / "agenda.pdf"
    res = render_pdf(doc, out, audience="panel")
    t = text_of(out)
    assert 1 <= res.pages <= 3
    flat = "".join(t.split())  # names may wrap inside the table cell
    for item in doc.meeting.items:
        assert "".join(item.educator_name.split()) in flat
    assert "Cases for decision" in t and "12" in t


def test_long_text_splits_across_pages_and_user_markup_is_escaped(tmp_path: Path) -> None:
    doc = s.sample_observation_report("educator")
    long = " ".join(["The class <b>discussed</b> fractions & ratios at length."] * 400)
    obs = dataclasses.replace(doc.observation, notes=(ScriptNoteVM("educator", "09:00", long, ("II-A",)),))
    out = tmp_path / "long.pdf"
    res = render_pdf(dataclasses.replace(doc, observation=obs), out, audience="educator")
    assert res.pages >= 3
    t = text_of(out)
    assert "<b>discussed</b> fractions & ratios" in t  # shown literally, not interpreted as markup


@pytest.mark.parametrize(
    "reader,bad", [("educator", "panel"), ("admin", "educator"), ("panel", "ct_private")]
)
def test_renderer_refuses_items_the_reader_may_not_see(reader: str, bad: str, tmp_path: Path) -> None:
    doc = s.sample_observation_report(reader)
    doc = dataclasses.replace(doc, educator=dataclasses.replace(doc.educator, audience="admin"))
    if reader == "admin":  # the sample observation is educator-audience: shared it with admin first
        obs = dataclasses.replace(
            doc.observation, audience="admin", notes=(), post_conference=(), next_steps=()
        )
        doc = dataclasses.replace(doc, observation=obs, cycle=None)
    slipped = ScriptNoteVM(bad, "09:00", "SECRET SENTINEL")
    obs = dataclasses.replace(doc.observation, notes=(*doc.observation.notes, slipped))
    out = tmp_path / "x.pdf"
    with pytest.raises(RedactionError):
        render_pdf(dataclasses.replace(doc, observation=obs), out, audience=reader)
    assert not out.exists()


def test_document_assembled_for_another_reader_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RedactionError):
        render_pdf(
            s.sample_assessment(DocumentKind.FORMATIVE, "panel"), tmp_path / "x.pdf", audience="educator"
        )


def _audiences_in_json(x: object, path: str = "doc") -> list[tuple[str, str]]:
    """Every record's audience in the view model's JSON form (what the content hash covers), by path."""
    out: list[tuple[str, str]] = []
    if isinstance(x, dict):
        if isinstance(x.get("audience"), str) and path != "doc.meta":  # meta.audience is the reader
            out.append((path, x["audience"]))
        for k, v in x.items():
            out += _audiences_in_json(v, f"{path}.{k}")
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out += _audiences_in_json(v, f"{path}[{i}]")
    return out


@pytest.mark.parametrize("doc", [s.sample_panel_packet(scale=2), s.sample_observation_report("panel"),
                                 s.sample_assessment(DocumentKind.SUMMATIVE, "panel"), s.sample_agenda()],
                         ids=["packet", "observation", "assessment", "agenda"])
def test_the_redaction_check_sees_every_item(doc) -> None:  # type: ignore[no-untyped-def]
    """check_visible walks every record-derived item: the same items, paths and audiences as the JSON form."""
    from esp_desktop.reports.viewmodels import _plain, audiences, path_of

    found = sorted((path_of(where), audience) for audience, where in audiences(doc))
    assert found == sorted(_audiences_in_json(_plain(doc)))
    assert len(found) > 10 and any("[" in path for path, _ in found)
