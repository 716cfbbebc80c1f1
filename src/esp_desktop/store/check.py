"""Integrity check of an unlocked store: SQLCipher page HMACs, SQLite structure, FTS index, attachments."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from ..core.errors import StoreCorrupt
from .models import Attachment
from .vault import Store


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    attachments_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(store: Store) -> CheckReport:
    """Every check runs even when an earlier one hits a damaged page: the report lists what is wrong."""
    rep = CheckReport()
    atts: list = []
    with store.engine.connect() as conn:
        for name, run in (
            ("database page check", lambda: [f"{r[0]}" for r in conn.execute(text("PRAGMA cipher_integrity_check"))]),
            ("database structure", lambda: [r[0] for r in conn.execute(text("PRAGMA integrity_check"))
                                            if r[0] != "ok"][:20]),
        ):
            try:
                rep.problems += [f"{name}: {p}" for p in run()]
            except DBAPIError as exc:
                rep.problems.append(f"{name}: {_reason(exc)}")
            conn.rollback()
        try:
            conn.execute(text("INSERT INTO search_index(search_index, rank) VALUES('integrity-check', 1)"))
        except Exception as exc:  # noqa: BLE001 - any failure here means the index is damaged
            rep.problems.append(f"search index: {_reason(exc)}")
        conn.rollback()
        try:
            atts = list(conn.execute(select(Attachment).where(Attachment.deleted.is_(False))))
        except DBAPIError as exc:
            rep.problems.append(f"attachment records: {_reason(exc)}")
    for a in atts:
        try:
            store.attachments.get(a.id, a.file_key, a.sha256)
            rep.attachments_checked += 1
        except StoreCorrupt as exc:
            rep.problems.append(str(exc))
    return rep


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
