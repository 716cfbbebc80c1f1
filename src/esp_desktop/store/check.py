"""Integrity check of an unlocked store: SQLCipher page HMACs, SQLite structure, FTS index, attachments."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, text

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
    rep = CheckReport()
    with store.engine.connect() as conn:
        for row in conn.execute(text("PRAGMA cipher_integrity_check")):
            rep.problems.append(f"database page check: {row[0]}")
        result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
        if result != ["ok"]:
            rep.problems += [f"database structure: {r}" for r in result[:20]]
        try:
            conn.execute(text("INSERT INTO search_index(search_index, rank) VALUES('integrity-check', 1)"))
        except Exception as exc:  # noqa: BLE001 - any failure here means the index is damaged
            rep.problems.append(f"search index: {exc}")
        conn.rollback()
        atts = list(conn.execute(select(Attachment).where(Attachment.deleted.is_(False))))
    for a in atts:
        try:
            store.attachments.get(a.id, a.file_key, a.sha256)
            rep.attachments_checked += 1
        except StoreCorrupt as exc:
            rep.problems.append(str(exc))
    return rep
