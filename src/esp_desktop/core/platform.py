"""The district evaluation platform's form (Vector Evals+, formerly TeachPoint, in Boston), as plain data.

The CT posts each observation, formative assessment and summative recommendation on the platform by pasting,
field by field. ``PlatformForm`` lays the content out in the platform's order; each ``FormField`` is one box on
the platform's page. Hashes of the fields let the app tell, after a post, whether (and which) fields changed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

PLATFORM = "the district platform"

# Field groups in the platform's form order.
CONTEXT = "Lesson context"
EVIDENCE = "Evidence by indicator"
FEEDBACK = "Feedback"
NEXT_STEPS = "Next steps"
DOCUMENT = "Document"
STANDARDS = "Ratings by standard"
OVERALL = "Overall"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FormField:
    key: str  # stable across versions of the app: "context", "evidence:II-A", "feedback", "standard:I", ...
    group: str  # CONTEXT, EVIDENCE, ...: where the field sits on the platform's form
    title: str  # what the platform calls the box, e.g. "II-A Instruction"
    text: str  # what to paste ("" when there is nothing to paste)

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


@dataclass(frozen=True)
class PlatformForm:
    record_type: str  # "observation" | "assessment"
    record_id: str
    educator_id: str
    educator_name: str
    title: str  # "Unannounced observation, Wed 25 Nov 2026"
    fields: tuple[FormField, ...]
    left_out: tuple[str, ...] = ()  # what is not offered, and why (never silently empty)

    def field(self, key: str) -> FormField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def field_hashes(self) -> dict[str, str]:
        return {f.key: f.sha256 for f in self.fields}

    @property
    def content_sha256(self) -> str:
        payload = json.dumps([[f.key, f.text] for f in self.fields], ensure_ascii=False, separators=(",", ":"))
        return text_sha256(payload)

    def all_text(self) -> str:
        """Every field under its heading, in form order ("Copy all")."""
        out: list[str] = []
        group = None
        sizes = Counter(f.group for f in self.fields)
        for f in self.fields:
            if f.group != group:
                group = f.group
                out.append(f"== {group} ==")
            if f.title != f.group or sizes[f.group] > 1:
                out.append(f.title)
            out.append(f.text or "(nothing to post)")
            out.append("")
        return "\n".join(out).rstrip() + "\n"

    def changed_since(self, posted: Mapping[str, str]) -> list[FormField]:
        """The fields whose text differs from what was posted (``posted``: key -> sha256), in form order;
        a field that no longer exists is reported by its old key as an empty field."""
        now = self.field_hashes
        changed = [f for f in self.fields if posted.get(f.key) != f.sha256]
        gone = [FormField(k, "", k, "") for k in posted if k not in now]
        return changed + gone


@dataclass(frozen=True)
class PostState:
    """Where a record stands with the platform."""

    state: str  # "not_posted" | "posted" | "changed"
    posted_at: datetime | None = None  # the latest post (aware UTC), None if never posted
    posted_by: str = ""
    changed: tuple[str, ...] = field(default_factory=tuple)  # titles of the fields changed since the post

    @property
    def label(self) -> str:
        return {"not_posted": "Not posted", "posted": "Posted", "changed": "Changed since posted"}[self.state]
