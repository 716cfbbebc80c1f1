"""ReportService: assemble, render and audit one PDF export. The CLI and the Qt client both call this."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from esp_desktop.core import policy
from esp_desktop.core.errors import ValidationError
from esp_desktop.reports.cycle_assemble import CycleAssembler
from esp_desktop.reports.redaction import NotVisible
from esp_desktop.reports.render import RenderResult, render_pdf
from esp_desktop.reports.viewmodels import DocumentKind
from esp_desktop.services import Services

KINDS = tuple(k.value for k in DocumentKind)
MEETING_KINDS = (DocumentKind.AGENDA, DocumentKind.MINUTES)  # about a meeting, for the Panel
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

    def __init__(self, services: Services) -> None:
        self.svc = services

    @staticmethod
    def reader(*, kind: DocumentKind, audience: str, educator_id: str | None) -> policy.Reader:
        """The policy reader of a document: the educator and the school administrator read it for the one
        educator it is about (an agenda or the minutes are about no one educator, so they are for the panel)."""
        if audience not in policy.OUTPUT_READERS:
            raise ValidationError(f"Unknown audience {audience!r}: choose one of {', '.join(policy.OUTPUT_READERS)}.")
        if kind not in MEETING_KINDS and not educator_id:
            raise ValidationError("Choose the educator (--educator ID or name).")
        if audience == "panel":
            return policy.reader("panel")
        if kind in MEETING_KINDS:
            raise NotVisible(f"The ESP Panel {kind.value} is for the panel: it cannot be prepared for "
                             f"{policy.READER_NAMES[policy.ReaderKind(audience)]}.")
        return policy.reader(audience, educator=educator_id)

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
        the CT; nothing is written and nothing is logged in that case. The PDF states what the
        confidentiality policy left out.
        """
        doc, asm, (record_type, record_id) = self._assemble(
            kind=kind, audience=audience, educator_id=educator_id, observation_id=observation_id,
            meeting_id=meeting_id, document_id=document_id)
        result = dataclasses.replace(render_pdf(doc, path, audience=audience), omitted=tuple(asm.omitted.lines()))
        self.svc.audit.log(
            action="export_pdf",
            record_type=record_type,
            record_id=record_id,
            educator_id=educator_id,
            detail={
                "document": doc.meta.kind.value,
                "audience": audience,
                "document_id": result.document_id,
                "content_sha256": result.sha256,
                "file_sha256": result.file_sha256,
                "pages": result.pages,
                "file": Path(path).name,
                "omitted": asm.omitted.as_json(),
            },
        )
        return result

    def omissions(
        self,
        *,
        kind: str,
        audience: str,
        educator_id: str | None = None,
        observation_id: str | None = None,
        meeting_id: str | None = None,
        document_id: str | None = None,
        sites: Sequence[str] | None = None,
    ) -> policy.Omissions:
        """What the policy leaves out of one output for one reader, without writing anything.

        ``kind`` is a PDF kind (``KINDS``) or ``"export"`` (the JSON export; ``audience`` may then be ``"ct"``
        for the CT's own copy, which leaves out CT-private records, and ``sites`` scopes an administrator's
        copy). ``.lines()`` words it for the CT ("6 scripted lines are CT-private."); ``.as_json()`` counts by
        record type and reason. Raises the same errors as ``export`` when the document cannot be made.
        """
        if kind == "export":
            if audience == "ct":
                return self.svc.transfer.preview(reader=policy.reader("ct", with_private=False))
            return self.svc.transfer.preview(reader=policy.reader(audience, educator=educator_id, sites=sites))
        _doc, asm, _ = self._assemble(kind=kind, audience=audience, educator_id=educator_id,
                                      observation_id=observation_id, meeting_id=meeting_id, document_id=document_id)
        return asm.omitted

    def _assemble(self, *, kind: str, audience: str, educator_id: str | None, observation_id: str | None,
                  meeting_id: str | None, document_id: str | None) -> tuple[Any, CycleAssembler, tuple[str, str]]:
        try:
            k = DocumentKind(kind)
        except ValueError:
            raise ValidationError(f"Unknown document {kind!r}: choose one of {', '.join(KINDS)}.") from None
        asm = CycleAssembler(self.svc, reader=self.reader(kind=k, audience=audience, educator_id=educator_id))
        if k in MEETING_KINDS:
            if not meeting_id:
                raise ValidationError(f"The {k.value} needs a panel meeting (--meeting ID).")
            doc: Any = (asm.agenda(meeting_id=meeting_id, educator_id=educator_id) if k is DocumentKind.AGENDA
                        else asm.minutes(meeting_id=meeting_id))
            subject = ("panel_meeting", meeting_id)
        elif k in _CYCLE_DOCUMENTS:
            assert educator_id is not None  # self.reader() asked for it
            build, record_type = _CYCLE_DOCUMENTS[k]
            doc = getattr(asm, build)(educator_id=educator_id, document_id=document_id)
            subject = (record_type, _subject(doc).id)
        else:
            assert educator_id is not None  # self.reader() asked for it
            if k is DocumentKind.OBSERVATION:
                if not observation_id:
                    raise ValidationError("The observation report needs an observation (--observation ID).")
                doc = asm.observation_report(educator_id=educator_id, observation_id=observation_id)
                subject = ("observation", observation_id)
            elif k is DocumentKind.PANEL_PACKET:
                doc = asm.panel_packet(educator_id=educator_id)
                subject = ("educator", educator_id)
            else:
                doc = asm.assessment_doc(educator_id=educator_id, kind=k.value, document_id=document_id)
                subject = ("assessment", doc.assessment.id)
        return asm.stamped(doc), asm, subject
