"""ReportService: assemble, render and audit one PDF export. The CLI and the Qt client both call this."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from esp_desktop.core.errors import ValidationError
from esp_desktop.reports.cycle_assemble import CycleAssembler
from esp_desktop.reports.render import RenderResult, render_pdf
from esp_desktop.reports.viewmodels import DocumentKind

KINDS = tuple(k.value for k in DocumentKind)
# kind -> (the CycleAssembler method that builds it, the record type it documents)
_CYCLE_DOCUMENTS = {
    DocumentKind.FINAL_EVALUATION: ("final_evaluation_doc", "assessment"),
    DocumentKind.SELF_ASSESSMENT: ("self_assessment_doc", "self_assessment"),
    DocumentKind.EDUCATOR_PLAN: ("plan_doc", "educator_plan"),
    DocumentKind.PROGRESS_REPORT: ("progress_doc", "progress_report"),
}


def _subject(doc: Any) -> Any:
    """The record a per-educator cycle document was made from."""
    for name in ("evaluation", "self_assessment", "plan", "report"):
        if hasattr(doc, name):
            return getattr(doc, name)
    raise TypeError(type(doc).__name__)


class ReportService:
    """``ReportService(services).export(kind=..., educator_id=..., audience=..., path=...)``."""

    def __init__(self, services: Any) -> None:
        self.svc = services

    def export(
        self,
        *,
        kind: str,
        audience: str,
        path: str | os.PathLike[str],
        educator_id: str | None = None,
        observation_id: str | None = None,
        meeting_id: str | None = None,
        document_id: str | None = None,
    ) -> RenderResult:
        """Render one document for `audience` to `path` and append an audit entry (who, what, audience, hash).

        Raises a domain error (NotFound, RuleViolation, NotVisible, ValidationError) with a message for
        the CT;
        nothing is written and nothing is logged in that case.
        """
        try:
            k = DocumentKind(kind)
        except ValueError:
            raise ValidationError(f"Unknown document {kind!r}: choose one of {', '.join(KINDS)}.") from None
        asm = CycleAssembler(self.svc, reader=audience)
        if k in (DocumentKind.AGENDA, DocumentKind.MINUTES):
            if not meeting_id:
                raise ValidationError(f"The {k.value} needs a panel meeting (--meeting ID).")
            doc: Any = (asm.agenda(meeting_id=meeting_id, educator_id=educator_id) if k is DocumentKind.AGENDA
                        else asm.minutes(meeting_id=meeting_id))
            record_type, record_id = "panel_meeting", meeting_id
        elif k in _CYCLE_DOCUMENTS:
            if not educator_id:
                raise ValidationError("Choose the educator (--educator ID or name).")
            build, record_type = _CYCLE_DOCUMENTS[k]
            doc = getattr(asm, build)(educator_id=educator_id, document_id=document_id)
            record_id = _subject(doc).id
        else:
            if not educator_id:
                raise ValidationError("Choose the educator (--educator ID or name).")
            if k is DocumentKind.OBSERVATION:
                if not observation_id:
                    raise ValidationError("The observation report needs an observation (--observation ID).")
                doc = asm.observation_report(educator_id=educator_id, observation_id=observation_id)
                record_type, record_id = "observation", observation_id
            elif k is DocumentKind.PANEL_PACKET:
                doc = asm.panel_packet(educator_id=educator_id)
                record_type, record_id = "educator", educator_id
            else:
                doc = asm.assessment_doc(educator_id=educator_id, kind=k.value, document_id=document_id)
                record_type, record_id = "assessment", doc.assessment.id
        result = render_pdf(doc, path, audience=audience)
        self.svc.audit.log(
            action="export_pdf",
            record_type=record_type,
            record_id=record_id,
            educator_id=educator_id,
            detail={
                "document": k.value,
                "audience": audience,
                "document_id": result.document_id,
                "content_sha256": result.sha256,
                "file_sha256": result.file_sha256,
                "pages": result.pages,
                "file": Path(path).name,
            },
        )
        return result
