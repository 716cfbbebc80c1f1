"""The Assembler reads through the services without one query per child record (issue 15)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import event

from esp_desktop.reports.service import ReportService


@contextmanager
def statements(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _script_reads(seen: list[str]) -> list[str]:
    """Reads of observations' scripts (the learning section reads the educator's notes once, by educator)."""
    return [s for s in seen if "FROM script_note" in s and "script_note.observation_id" in s.partition("WHERE")[2]]


def test_notes_for_gives_each_observation_its_live_script(case) -> None:
    obs = case.svc.observations
    day = date(2026, 11, 2)
    extra = obs.start(educator_id=case.educator_id, kind="unannounced", observed_on=day, audience="panel",
                      started_at=datetime.combine(day, time(9, 0), tzinfo=UTC))
    lines = [obs.add_note(observation_id=extra.id, text=f"line {i}", at=datetime.combine(day, time(9, i), tzinfo=UTC))
             for i in range(3)]
    obs.delete_notes([lines[1].id])
    empty = obs.start(educator_id=case.educator_id, kind="unannounced", observed_on=day, audience="panel")
    ids = [case.observation_id, case.panel_observation_id, extra.id, empty.id]

    got = obs.notes_for(ids)

    assert list(got) == ids  # every id asked for, even one without a script
    for oid in ids:
        assert [n.id for n in got[oid]] == [n.id for n in obs.notes(oid)]  # live lines, script order
    assert [n.text for n in got[extra.id]] == ["line 0", "line 2"] and got[empty.id] == []
    assert obs.notes_for([]) == {}


def test_panel_packet_reads_every_script_in_one_query(case, tmp_path: Path) -> None:
    """Before, each observation's script was read with its own query (N+1)."""
    n_observations = len(case.svc.observations.for_educator(case.educator_id))
    assert n_observations >= 2
    with statements(case.svc.store.engine) as seen:
        ReportService(case.svc).export(kind="panel-packet", audience="panel", path=tmp_path / "p.pdf",
                                       educator_id=case.educator_id)
    assert len(_script_reads(seen)) == 1
    with statements(case.svc.store.engine) as seen:
        ReportService(case.svc).export(kind="observation", audience="panel", path=tmp_path / "o.pdf",
                                       educator_id=case.educator_id, observation_id=case.panel_observation_id)
    assert len(_script_reads(seen)) == 1
