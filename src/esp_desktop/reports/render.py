"""Render a document view model to a PDF file."""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from reportlab.platypus import Flowable

from esp_desktop.reports import cycle_documents, documents, fonts
from esp_desktop.reports import cycle_viewmodels as cvm
from esp_desktop.reports.layout import ESPDocTemplate, PageInfo, make_canvas_class
from esp_desktop.reports.redaction import check_visible
from esp_desktop.reports.viewmodels import (
    READER_LABELS,
    AgendaDoc,
    AssessmentDoc,
    Document,
    ObservationReportDoc,
    PanelPacketDoc,
    content_sha256,
)


@dataclass(frozen=True)
class RenderResult:
    document_id: str
    sha256: str  # content hash printed (shortened) in every footer; what the audit log records
    file_sha256: str  # hash of the PDF bytes as written
    pages: int
    path: Path
    omitted: tuple[str, ...] = ()  # what the policy left out, worded for the CT (ReportService fills it)

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


def new_document_id() -> str:
    return str(uuid.uuid4())


def _story(doc: Document | cvm.CycleDocument) -> list[Flowable]:
    return _body(doc) + documents.omitted_story(doc.meta)


def _body(doc: Document | cvm.CycleDocument) -> list[Flowable]:
    if isinstance(doc, ObservationReportDoc):
        return documents.observation_story(doc)
    if isinstance(doc, AssessmentDoc):
        return documents.assessment_story(doc)
    if isinstance(doc, PanelPacketDoc):
        return documents.panel_packet_story(doc)
    if isinstance(doc, AgendaDoc):
        return documents.agenda_story(doc)
    if isinstance(doc, cvm.MinutesDoc):
        return cycle_documents.minutes_story(doc)
    if isinstance(doc, cvm.FinalEvaluationDoc):
        return cycle_documents.final_evaluation_story(doc)
    if isinstance(doc, cvm.SelfAssessmentDoc):
        return cycle_documents.self_assessment_story(doc)
    if isinstance(doc, cvm.PlanDoc):
        return cycle_documents.plan_story(doc)
    if isinstance(doc, cvm.ProgressReportDoc):
        return cycle_documents.progress_story(doc)
    raise TypeError(f"not a document view model: {type(doc).__name__}")


def render_pdf(doc: Document | cvm.CycleDocument, path: str | os.PathLike[str], *, audience: str) -> RenderResult:
    """Write `doc` as a PDF for `audience`.

    Refuses (RedactionError) if the view model holds anything that reader may not see.

    The file is written to a temporary sibling and renamed into place, so a failed render never leaves a
    half-written PDF behind under the requested name.
    """
    check_visible(doc, audience)
    fonts.register()
    digest = content_sha256(doc)
    meta = doc.meta
    reader = READER_LABELS.get(audience, audience)
    info = PageInfo(
        doc_title=meta.title,
        subject=meta.subject,
        document_id=meta.document_id,
        short_hash=digest[:12],
        reader_line=f"Confidential · prepared for {reader}",
    )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".esp-", suffix=".pdf.part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        template = ESPDocTemplate(
            str(tmp),
            info=info,
            title=f"{meta.title}: {meta.subject}",
            author=meta.author,
            subject=f"{meta.organisation} · {meta.title} · prepared for {reader}",
            keywords=f"esp-desktop, {meta.kind.value}, document {meta.document_id}, sha256 {digest}",
            cover=isinstance(doc, PanelPacketDoc),
        )
        template.build(_story(doc), canvasmaker=make_canvas_class(info))
        pages = template.page
        data = tmp.read_bytes()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return RenderResult(
        document_id=meta.document_id,
        sha256=digest,
        file_sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
        path=target,
    )
