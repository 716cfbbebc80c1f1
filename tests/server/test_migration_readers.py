"""Server migration 0003: an esp-central at 0002 upgrades to the policy's readers without losing anything."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from esp_desktop.server import db


def _at(engine: sa.Engine, revision: str) -> None:
    cfg = db._alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_upgrade_from_0002_keeps_users_and_recovers_parents_and_cases(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'central.db'}")
    _at(engine, "0002")
    educator, moved, obs, note, ev, att, site = (str(uuid.uuid4()) for _ in range(7))
    now = "2026-11-25 10:00:00+00:00"
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (id, name, role, created_at) VALUES "
                             "(1, 'admin', 'admin', :t), (2, 'Ms Okafor', 'ct', :t), (3, 'Panel', 'panel', :t)"),
                     {"t": now})
        rows = [
            (educator, "educator", educator, {"site_ids": [site]}),
            (str(uuid.uuid4()), "enrolment", educator, {"program": "PAR", "created_at": "2025-09-01"}),
            (moved, "educator", moved, {"site_ids": [site]}),
            (str(uuid.uuid4()), "enrolment", moved, {"program": "PAR", "created_at": "2025-09-01"}),
            (str(uuid.uuid4()), "enrolment", moved, {"program": "PA", "created_at": "2026-09-01"}),
            (obs, "observation", educator, {}),
            (note, "script_note", educator, {"observation_id": obs}),
            (ev, "evidence", educator, {"type": "evidence", "attachment_id": att}),
            (att, "attachment", educator, {"filename": "plan.txt"}),
        ]
        for seq, (rid, rtype, case, payload) in enumerate(rows, 1):
            conn.execute(sa.text(
                "INSERT INTO records (record_id, owner_id, type, version, deleted, audience, educator_id, case_id, "
                "updated_at, payload, seq) VALUES (:r, 2, :t, 1, 0, 'admin', :e, :e, :u, :p, :s)"),
                {"r": rid, "t": rtype, "e": case, "u": now, "p": json.dumps(payload), "s": seq})
    db.upgrade(engine)
    assert db.is_current(engine)
    with engine.connect() as conn:
        roles = dict(conn.execute(sa.text("SELECT name, role FROM users")).all())
        assert roles == {"admin": "program_office", "Ms Okafor": "ct", "Panel": "panel"}
        parents = dict(conn.execute(sa.text("SELECT record_id, parent_id FROM records")).all())
        assert parents[note] == obs and parents[att] == ev and parents[obs] is None
        cases = {e: (json.loads(p), bool(k)) for e, p, k in conn.execute(
            sa.text("SELECT educator_id, programs, admin_may_know FROM cases"))}
        assert cases == {educator: (["PAR"], True), moved: (["PAR", "PA"], False)}
        assert set(conn.execute(sa.text("SELECT educator_id, site_id FROM case_sites")).all()) == {
            (educator, site), (moved, site)}
    engine.dispose()
