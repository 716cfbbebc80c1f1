"""What the cycle's documents share (self-assessment, Educator Plan, progress report): draft -> final with a
content hash, frozen after that, corrections as new versions. One correction at a time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from ..core import clock
from ..core.enums import DocumentStatus
from ..core.errors import ImmutableRecord, RuleViolation
from ..store.models import Record
from ..store.records import record_to_dict
from .base import Service

D = TypeVar("D", bound=Record)
# Never part of a document's content: bookkeeping, and what finalizing itself sets.
_NOT_CONTENT = {"id", "type", "created_at", "updated_at", "version", "deleted", "audience", "status", "finalized_at",
                "content_sha256"}


def content_hash(doc: Record) -> str:
    """SHA-256 over what the document says (and who may read it), so a printed copy can be matched."""
    body = {k: v for k, v in record_to_dict(doc).items() if k not in _NOT_CONTENT}
    body["audience"] = doc.audience
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def jsonable(d: date | datetime | None) -> str | None:
    return d.isoformat() if d else None


class DocumentService(Service):
    """Shared draft/final/correct plumbing; subclasses name the model and what it is called."""

    model: type[Record]
    noun = "document"

    def _doc(self, s: Session, document_id: str) -> Any:
        return self.get(s, self.model, document_id, what=self.noun[:1].upper() + self.noun[1:])

    def _editable(self, s: Session, document_id: str) -> Any:
        doc = self._doc(s, document_id)
        if doc.status != DocumentStatus.DRAFT:
            raise ImmutableRecord(f"This {self.noun} is final and cannot be changed. Create a correction: a new "
                                  "version that references it.")
        return doc

    def _seal(self, doc: Any) -> None:
        doc.status = DocumentStatus.FINAL.value
        doc.finalized_at = clock.now()
        doc.content_sha256 = content_hash(doc)

    def _successor(self, s: Session, doc: Any) -> Any:
        return s.scalars(self.live(self.model).where(self.model.supersedes_id == doc.id)).first()  # type: ignore[attr-defined]

    def _start_correction(self, s: Session, old: Any, copy: Iterable[str]) -> Any:
        if old.status != DocumentStatus.FINAL:
            raise RuleViolation(f"Only a final {self.noun} needs a correction; edit the draft instead.")
        nxt = self._successor(s, old)
        if nxt is not None:
            raise RuleViolation(f"Version {nxt.version_no}, the correction of version {old.version_no}, already "
                                "exists: open that one instead of starting a second.")
        fields = {k: json.loads(json.dumps(getattr(old, k), default=str)) if isinstance(getattr(old, k), list | dict)
                  else getattr(old, k) for k in copy}
        new = self.model(**fields, status=DocumentStatus.DRAFT.value, version_no=old.version_no + 1,
                         supersedes_id=old.id, audience=old.audience)
        s.add(new)
        return new

    def document(self, document_id: str) -> Any:
        with self.session() as s:
            return self._doc(s, document_id)

    def for_educator(self, educator_id: str) -> list[Any]:
        """Every version, oldest first."""
        with self.session() as s:
            q = self.live(self.model).where(self.model.educator_id == educator_id)  # type: ignore[attr-defined]
            return sorted(s.scalars(q), key=lambda d: (d.version_no, d.created_at))

    def current(self, educator_id: str) -> Any:
        """The newest version that no final correction replaced (a draft correction does not replace it)."""
        docs = self.for_educator(educator_id)
        replaced = {d.supersedes_id for d in docs if d.supersedes_id and d.status == DocumentStatus.FINAL}
        live = [d for d in docs if d.id not in replaced]
        finals = [d for d in live if d.status == DocumentStatus.FINAL]
        pick = finals or live
        return pick[-1] if pick else None

    def delete_draft(self, document_id: str) -> None:
        with self.session() as s:
            self._editable(s, document_id).deleted = True
