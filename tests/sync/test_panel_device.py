"""A Panel member's device against a real esp-central (issue 14, item 5).

A CT syncs a case on the agenda; a Panel device enrols, syncs, sees that case and nothing else; it records the
attendance, a vote and a decision; the CT's next sync shows them (and who recorded them); a case taken off the
agenda disappears from the Panel device. Also: what a Panel device may not do is refused by the server.
"""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from esp_desktop.services import Services
from esp_desktop.store.models import RECORD_TYPES
from esp_desktop.store.vault import Vault
from esp_desktop.sync.client import SyncClient
from esp_desktop.sync.panel import PanelSync, PanelSyncError, is_panel_device
from tests.helpers import central as C
from tests.helpers.env import PASSPHRASE
from tests.helpers.terms import indexed_terms, listed_terms

MEMBERS = ["Erin Berg", "Jerome Doyle", "Ana Ruiz"]


def _enrolled_educator(svc, given: str, program: str):
    e = svc.caseload.add_educator(given_name=given, family_name="Silva")
    en = svc.caseload.refer(educator_id=e.id, program=program)
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 1))
    svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 2))
    return e


def _ids(store, educator_id: str) -> set[str]:
    """Every record of one case in a store (tombstones included)."""
    out: set[str] = set()
    with store.session() as s:
        for model in RECORD_TYPES.values():
            if "educator_id" in model.__table__.columns:  # type: ignore[attr-defined]
                out |= set(s.scalars(select(model.id).where(model.educator_id == educator_id)))
    return out


def _count(store, model) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def two_stores(tmp_path: Path, _template_stores: dict[str, Path]):
    ct = shutil.copytree(_template_stores["empty"], tmp_path / "ct")
    panel = shutil.copytree(_template_stores["empty"], tmp_path / "panel")
    return ct, panel


def test_a_panel_device_sees_the_agenda_case_records_a_decision_and_loses_a_removed_case(served, two_stores):
    ct_dir, panel_dir = two_stores
    ct_store = Vault(ct_dir).unlock(PASSPHRASE)
    ct = Services(ct_store)
    ct_sync = SyncClient(ct_store, server_url=served.url, passphrase=PASSPHRASE)
    panel_store = Vault(panel_dir).unlock(PASSPHRASE)
    panel = Services(panel_store)
    psync = PanelSync(panel_store, server_url=served.url)
    try:
        # the CT: a PAR case on the agenda, a PA educator who is not, CT-private notes, the Panel's roster
        ct.caseload.set_profile(name="Jordan Ellis")
        ct.caseload.add_site(name="Harborview K-8 School")
        par = _enrolled_educator(ct, "Ana", "PAR")
        other = _enrolled_educator(ct, "Bea", "PA")
        o = ct.observations.start(educator_id=par.id, kind="announced", observed_on=date(2026, 10, 6))
        private = ct.observations.add_note(observation_id=o.id, text="CT-private hunch")
        ct.observations.finish(observation_id=o.id)
        ct.evidence.add(educator_id=other.id, title="Not for the Panel", category="products_of_practice",
                        kind="artifact")
        for n in MEMBERS:
            ct.panel.add_member(name=n)
        meeting = ct.panel.create_meeting(meets_on=date(2026, 11, 2), location="Room 204")
        case = ct.panel.add_case(meeting_id=meeting.id, educator_id=par.id, purpose="Mid-cycle review")
        ct_sync.enrol(served.central.add_user(name="Jordan Ellis", role="ct"), device_name="ct-laptop")
        ct_sync.sync()

        # a Panel member enrols with a Panel code: a CT code is refused, and no sync key is ever asked for
        ct_code = served.central.add_user(name="Other CT", role="ct")
        with pytest.raises(PanelSyncError, match="not as a member of the ESP Panel"):
            psync.enrol(ct_code, device_name="panel-tablet")
        psync.enrol(served.central.add_user(name="Erin Berg", role="panel"), device_name="panel-tablet")
        assert is_panel_device(panel_store) and not is_panel_device(ct_store)
        report = psync.sync()
        assert report.pulled > 0 and report.removed == 0

        # it sees that case, the meeting, the roster and the CT's directory: nothing else, nothing private
        assert _ids(panel_store, par.id) and not _ids(panel_store, other.id)
        assert private.id not in _ids(panel_store, par.id)
        assert [m.id for m in panel.panel.meetings()] == [meeting.id]
        assert [i.case.id for i in panel.panel.agenda(meeting.id)] == [case.id]
        assert sorted(m.name for m in panel.panel.members()) == sorted(MEMBERS)
        assert panel.caseload.profile().name == "Jordan Ellis"
        assert [e.id for e in panel.caseload.educators()] == [par.id]

        # the packet renders from the synced records, for the Panel
        from esp_desktop.reports.service import ReportService

        out = panel_dir.parent / "packet.pdf"
        ReportService(panel).export(kind="panel-packet", audience="panel", path=out, educator_id=par.id)
        assert out.stat().st_size > 0

        # attendance, the vote and the decision, recorded on the Panel device in its member's name
        panel.panel.record_attendance(meeting_id=meeting.id, present=MEMBERS)
        motion, decision = panel.panel.vote_and_decide(case_id=case.id, decision="continue_support", votes_for=3,
                                                       moved_by="Ana Ruiz", rationale="Another term of support.")
        assert decision is not None and decision.recorded_by == "Erin Berg"
        report = psync.sync()
        assert report.pushed == 3 and report.rejected == []

        # the CT's next sync shows them, and who recorded what
        ct_sync.sync()
        d = ct.panel.current_decision(par.id)
        assert d is not None and d.id == decision.id and d.decision == "continue_support"
        assert d.recorded_by == "Erin Berg" and d.motion_id == motion.id
        rec = ct.panel.meeting_record(meeting.id)
        assert rec.attendance is not None and rec.attendance.recorded_by == "Erin Berg" and rec.quorate
        assert [m.recorded_by for m in rec.items[0].motions] == ["Erin Berg"]

        # a second case comes onto the agenda, then leaves it: it disappears from the Panel device
        case2 = ct.panel.add_case(meeting_id=meeting.id, educator_id=other.id, purpose="Exit review")
        ct_sync.sync()
        psync.sync()
        assert _ids(panel_store, other.id)
        ct.panel.remove_case(case2.id)
        ct_sync.sync()
        report = psync.sync()
        assert report.removed > 0 and not _ids(panel_store, other.id)
        assert [i.case.id for i in panel.panel.agenda(meeting.id)] == [case.id]
        with panel_store.session() as s:  # nothing of that case is left in the search index either
            hits = s.execute(text("SELECT count(*) FROM search_index WHERE educator_id = :e"), {"e": other.id})
            assert hits.scalar() == 0
        assert listed_terms(panel_store) == indexed_terms(panel_store)  # nor its words in the term list
        assert _ids(panel_store, par.id)  # the decided case stays
    finally:
        ct_sync.close()
        psync.close()
        ct_store.close()
        panel_store.close()


def test_the_server_refuses_what_a_panel_device_may_not_write(served):
    central = served.central
    ct_token = central.enrol(code=central.add_user(name="Jordan Ellis", role="ct"), device_name="ct",
                             remote=None).token
    panel_token = central.enrol(code=central.add_user(name="Erin Berg", role="panel"), device_name="tablet",
                                remote=None).token
    ct = httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {ct_token}"})
    pn = httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {panel_token}"})
    try:
        educator, hidden = str(uuid.uuid4()), str(uuid.uuid4())
        meeting, case = str(uuid.uuid4()), str(uuid.uuid4())
        C.push(ct, C.change(C.envelope(type="educator", id=educator, audience="admin", payload={"given_name": "A"})),
               C.change(C.envelope(type="educator", id=hidden, audience="admin", payload={"given_name": "B"})),
               C.change(C.envelope(type="panel_meeting", id=meeting, audience="panel",
                                   payload={"meets_on": "2026-11-02"})),
               C.change(C.envelope(type="panel_case", id=case, audience="panel", educator_id=educator,
                                   parent_id=meeting, payload={"meeting_id": meeting, "educator_id": educator})))

        def vote(**over):
            payload = {"meeting_id": meeting, "case_id": case, "educator_id": educator, "recorded_by": "Erin Berg",
                       "text": "Continue"} | over.pop("payload", {})
            parent = over.pop("parent_id", payload["meeting_id"])  # as store/facts.py sends it: the meeting
            return C.push(pn, C.change(C.envelope(type=over.pop("type", "panel_motion"), audience="panel",
                                                  educator_id=over.pop("educator_id", educator), parent_id=parent,
                                                  payload=payload)))[0]

        assert vote()["status"] == "accepted"
        assert "recorded by Erin Berg" in vote(payload={"recorded_by": "Jordan Ellis"})["message"]
        assert "not on the meeting's agenda" in vote(payload={"case_id": str(uuid.uuid4())})["message"]
        assert "another educator" in vote(educator_id=hidden)["message"]
        assert "attendance, votes and decisions only" in vote(type="observation")["message"]
        assert "meeting is not on the server" in vote(payload={"meeting_id": str(uuid.uuid4())})["message"]
        # the parent the read filter gates on must be the meeting the record names
        assert "must name its meeting" in vote(parent_id=str(uuid.uuid4()))["message"]
        assert "must name its meeting" in vote(parent_id=None)["message"]
        # the Panel reads the agenda case and its meeting, not the other educator
        seen = {r["record"]["id"] for r in C.pull_all(pn)[0]}
        assert {educator, meeting, case} <= seen and hidden not in seen
        # the vote is the CT's now: it comes home with the CT's pull
        ct_seen = [r["record"] for r in C.pull_all(ct)[0] if r["record"]["type"] == "panel_motion"]
        assert [r["payload"]["recorded_by"] for r in ct_seen] == ["Erin Berg"]
    finally:
        ct.close()
        pn.close()


def test_the_sync_command_enrols_and_syncs_a_panel_device(served, two_stores):
    from tests.test_cli import run

    ct_dir, panel_dir = two_stores
    ct_store = Vault(ct_dir).unlock(PASSPHRASE)
    ct = Services(ct_store)
    ct_sync = SyncClient(ct_store, server_url=served.url, passphrase=PASSPHRASE)
    try:
        e = _enrolled_educator(ct, "Ana", "PA")
        meeting = ct.panel.create_meeting(meets_on=date(2026, 11, 2))
        ct.panel.add_case(meeting_id=meeting.id, educator_id=e.id, purpose="Exit review")
        ct_sync.enrol(served.central.add_user(name="Jordan Ellis", role="ct"), device_name="ct")
        ct_sync.sync()
    finally:
        ct_sync.close()
        ct_store.close()
    code = served.central.add_user(name="Erin Berg", role="panel")
    r = run("sync", "--server", served.url, "--enrol", code, data_dir=panel_dir)
    assert r.returncode == 0, r.stderr
    assert "Enrolled this device for Erin Berg (panel)." in r.stdout and "Synced (ESP Panel):" in r.stdout
    r = run("sync", "--server", served.url, data_dir=panel_dir)
    assert r.returncode == 0 and "0 removed" in r.stdout, r.stderr
    store = Vault(panel_dir).unlock(PASSPHRASE)
    try:
        assert is_panel_device(store) and [x.id for x in Services(store).caseload.educators()] == [e.id]
    finally:
        store.close()
