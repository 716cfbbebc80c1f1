"""db.insert_many: a push's rows in one COPY on PostgreSQL, an executemany on SQLite; the same rows either way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from esp_desktop.server import db
from esp_desktop.server.base import aware
from esp_desktop.server.models import ProcessedChange, Record, User
from tests.helpers.server_fixtures import BACKENDS, make_db_url

_RECORDS: Any = Record.__table__

# What COPY's text format must escape (tab, newline, backslash, "\N"), and what it must not lose (None vs "",
# microseconds, booleans, 64-bit integers, non-ASCII text).
AWKWARD = ["", "\\N", "tab\there", "two\nlines\r\n", "back\\slash \\. end", "naïve café 😀", "null\x01byte-free"]


def _row(i: int, text: str | None, owner: int) -> dict[str, Any]:
    return {
        "record_id": f"00000000-0000-4000-8000-{i:012d}",
        "owner_id": owner,
        "author_id": None,
        "type": "coaching_activity",
        "version": 2**40 + i,
        "deleted": i % 2 == 0,
        "audience": "educator",
        "educator_id": None,
        "case_id": None,
        "parent_id": None,
        "updated_at": dt.datetime(2026, 11, 25, 15, 0, i, 123456, tzinfo=dt.UTC),  # everything stored is UTC
        "payload": text,
        "ciphertext": None if text is None else f"c:{text}",
        "attachment_sha256": None,
        "seq": 1000 + i,
    }


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    url, _ = make_db_url(request.param, tmp_path, request)
    engine = db.make_engine(url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


def _owner(engine: Any) -> int:
    with db.session_factory(engine).begin() as session:
        user = User(name="CT", role="ct", created_at=dt.datetime.now(dt.UTC))
        session.add(user)
        session.flush()
        return user.id


def test_rows_come_back_as_written(engine: Any) -> None:
    owner = _owner(engine)
    rows = [_row(i, text, owner) for i, text in enumerate([*AWKWARD, None])]
    with db.session_factory(engine).begin() as session:
        db.insert_many(session, _RECORDS, rows)
        db.insert_many(session, _RECORDS, [])  # nothing to do
    with db.session_factory(engine)() as session:
        stored = [dict(r) for r in session.execute(select(*_RECORDS.columns).order_by(Record.seq)).mappings()]
    for row in stored:  # SQLite hands back naive datetimes (base.aware)
        row["updated_at"] = aware(row["updated_at"])
    assert stored == rows


def test_rows_join_the_sessions_transaction(engine: Any) -> None:
    """A push that fails after its rows were written leaves none of them behind (COPY runs on the session's
    own connection, not beside it)."""
    owner = _owner(engine)
    with pytest.raises(RuntimeError), db.session_factory(engine).begin() as session:
        db.insert_many(session, _RECORDS, [_row(1, "kept?", owner)])
        db.insert_many(
            session,
            ProcessedChange.__table__,  # type: ignore[arg-type]
            [{"owner_id": owner, "client_change_id": "c1", "result": "{}", "digest": None,
              "created_at": dt.datetime.now(dt.UTC)}],
        )
        # Both visible inside the transaction...
        assert session.scalar(select(Record.record_id)) is not None
        assert session.scalar(select(ProcessedChange.client_change_id)) == "c1"
        raise RuntimeError("the push fails after writing")
    # ...and gone with its rollback.
    with db.session_factory(engine)() as session:
        assert session.scalar(select(Record.record_id)) is None
        assert session.scalar(select(ProcessedChange.client_change_id)) is None


def test_a_duplicate_key_is_an_integrity_error(engine: Any) -> None:
    """Two CTs' pushes creating one record id at once: the loser's rows clash as SQLAlchemy's IntegrityError,
    which the API answers with 409 "try again" (app.py), as it did before COPY."""
    owner = _owner(engine)
    with db.session_factory(engine).begin() as session:
        db.insert_many(session, _RECORDS, [_row(1, "first", owner)])
    with pytest.raises(IntegrityError), db.session_factory(engine).begin() as session:
        db.insert_many(session, _RECORDS, [{**_row(1, "second", owner), "seq": 2000}])
    with db.session_factory(engine)() as session:
        assert session.scalars(select(Record.payload)).all() == ["first"]
