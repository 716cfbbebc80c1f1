"""Sync-readiness, audit, search, export/import and attachments."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from esp_desktop.core.errors import ValidationError
from esp_desktop.store.models import RECORD_TYPES, AuditEvent, Educator
from tests.helpers.cases import enrolled


def _enrolled(svc, given: str, family: str):
    """An educator enrolled in PA (observations and coaching need an enrolment)."""
    e = svc.caseload.add_educator(given_name=given, family_name=family)
    en = svc.caseload.refer(educator_id=e.id, program="PA", referred_on=date(2026, 9, 1))
    svc.caseload.record_intake(enrolment_id=en.id, held_on=date(2026, 9, 2))
    svc.caseload.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 3))
    return e


def test_version_bumps_and_dirty_flag(svc) -> None:
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    assert e.version == 1 and e.sync_dirty
    with svc.store.session() as s:
        s.get(Educator, e.id).sync_dirty = False
    e2 = svc.caseload.update_educator(e.id, role_subject="Grade 3")
    assert e2.version == 2 and e2.sync_dirty and e2.updated_at >= e.updated_at
    with svc.store.session(applying_remote=True) as s:
        obj = s.get(Educator, e.id)
        obj.sync_dirty = False
        obj.role_subject = "Grade 4"
    assert svc.caseload.educator(e.id).version == 2  # remote changes keep their version


def test_soft_delete_and_no_hard_delete(svc) -> None:
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    svc.caseload.delete_educator(e.id)
    assert svc.caseload.educators() == []
    with svc.store.session() as s:
        assert s.get(Educator, e.id).deleted
    with pytest.raises(RuntimeError, match="tombstone|deleted"), svc.store.session() as s:
        s.delete(s.get(Educator, e.id))


def test_audit_log_is_append_only(svc) -> None:
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    hist = svc.audit.history(educator_id=e.id)
    assert hist[0].action == "create" and hist[0].record_type == "educator"
    for stmt in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises((IntegrityError, DatabaseError), match="append-only"), svc.store.session() as s:
            s.execute(text(stmt))
    with svc.store.session() as s:
        assert s.scalar(select(AuditEvent.actor).limit(1)) == "ct"


def test_search_finds_notes_with_diacritics_and_prefix(svc) -> None:
    e = _enrolled(svc, "Zoë", "Nguyễn")
    o = svc.observations.start(educator_id=e.id, kind="unannounced")
    n = svc.observations.add_note(observation_id=o.id, text="Students used manipulatives for fractions")
    svc.coaching.log(educator_id=e.id, kind="modelling", minutes=45, notes="Modelled a number talk")
    assert [h.record_id for h in svc.search.search("manipul")] == [n.id]
    assert svc.search.search("nguyen")[0].record_type == "educator"
    assert svc.search.search("number talk")[0].record_type == "coaching"
    assert svc.search.search('"; DROP TABLE x; --') == []
    svc.observations.edit_note(n.id, text="Students used base-ten blocks")
    assert svc.search.search("manipulatives") == []
    svc.observations.delete_note(n.id)
    assert svc.search.search("blocks") == []


def test_tags_validated_against_rubric(svc) -> None:
    e = _enrolled(svc, "Ana", "Silva")
    o = svc.observations.start(educator_id=e.id, kind="announced")
    with pytest.raises(ValidationError, match="Unknown rubric tag"):
        svc.observations.add_note(observation_id=o.id, text="x", indicator_codes=["II-Z"])
    n = svc.observations.add_note(observation_id=o.id, text="x", indicator_codes=["II-C"], equity_codes=["EQ-2"])
    assert n.audience == "ct_private"
    n = svc.observations.toggle_tag(n.id, "IV-F")
    assert n.indicator_codes == ["II-C", "IV-F"]
    n = svc.observations.toggle_tag(n.id, "II-C")
    assert n.indicator_codes == ["IV-F"]


def test_attachments_encrypted_roundtrip(svc, tmp_path) -> None:
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    f = tmp_path / "plan.txt"
    f.write_bytes(b"SENTINEL-ATTACHMENT-CONTENT lesson plan")
    ev = svc.evidence.add(educator_id=e.id, title="Plan", category="products_of_practice", kind="lesson_plan",
                          file=f, collected_on=date(2026, 10, 1))
    att, data = svc.evidence.read_attachment(ev.attachment_id)
    assert data == f.read_bytes() and att.filename == "plan.txt"
    blob = svc.store.attachments.path_for(att.id).read_bytes()
    assert b"SENTINEL" not in blob


def test_export_audience_filtering(demo_svc) -> None:
    from esp_desktop.core import policy

    full = demo_svc.transfer.export(reader=policy.THE_CT)
    assert full["script_note"] and any(n["audience"] == "ct_private" for n in full["script_note"])
    own = demo_svc.transfer.export()  # the CT's own copy: CT-private records stay out, and it says so
    assert own["script_note"] and all(n["audience"] != "ct_private" for n in own["script_note"])
    assert any(o["reason"] == "private" for o in own["omitted"])
    educators = {e.id: e for e in demo_svc.caseload.educators()}
    sites = [s.id for s in demo_svc.caseload.sites()]
    readers = [policy.reader("panel"), policy.reader("admin", sites=sites)]
    readers += [policy.reader("educator", educator=e) for e in educators]
    for reader in readers:
        doc = demo_svc.transfer.export(reader=reader)
        for rtype in RECORD_TYPES:
            for r in doc[rtype]:
                assert r["audience"] != "ct_private", (reader, rtype)
                assert {"id", "type", "audience", "updated_at"} <= set(r)
                if reader.kind == "educator":
                    assert r.get("educator_id") in (None, *reader.educators), (reader, rtype)
    admin = demo_svc.transfer.export(reader=readers[1])
    assert admin["observation"] == [] and admin["enrolment"] == []
    par = {e for e in educators if demo_svc.caseload.enrolment(e) and demo_svc.caseload.enrolment(e).program == "PAR"}
    assert {e["id"] for e in admin["educator"]} <= par  # only PAR educators reach a school administrator
    panel = demo_svc.transfer.export(reader="panel")
    assert panel["panel_case"] and panel["observation"]


def test_school_administrator_never_reads_about_pa_or_informal(svc) -> None:
    from esp_desktop.core import policy

    site = svc.caseload.add_site(name="Harborview")
    ids = {}
    for name, programs in (("Par", ["PAR"]), ("Pa", ["PA"]), ("Informal", ["informal"]), ("Moved", ["PAR", "PA"])):
        e = svc.caseload.add_educator(given_name=name, family_name="Teacher", site_ids=[site.id])
        for program in programs:
            en = svc.caseload.refer(educator_id=e.id, program=program)
            if program != programs[-1]:
                svc.caseload.exit(enrolment_id=en.id, reason="moved")
        ids[name] = e.id
    moved_goal = svc.goals.add(educator_id=ids["Moved"], kind="professional_practice", title="g", statement="s")
    # the label was set while the educator was in PAR (simulated: written behind the guard's back)
    with svc.store.session() as s:
        s.get(RECORD_TYPES["goal"], moved_goal.id).audience = "admin"
    doc, omitted = svc.transfer.export_with_omissions(reader=policy.reader("admin", sites=[site.id]))
    assert [e["id"] for e in doc["educator"]] == [ids["Par"]]  # educator records default to admin
    assert doc["goal"] == []
    # 3 educator records, 4 enrolments and the goal: left out for the program, whatever their label
    assert sum(n for (_t, why), n in omitted.counts.items() if why == "program") == 8
    assert all(o["reason"] != "program" for o in doc["omitted"])  # the file never says a PA case exists
    assert any("Peer Assistance" in line for line in omitted.lines())  # the CT is told


def test_child_of_hidden_parent_stays_hidden(svc) -> None:
    from esp_desktop.core import policy

    e = _enrolled(svc, "Ana", "Silva")
    o = svc.observations.start(educator_id=e.id, kind="announced", audience="ct_private")
    svc.observations.add_note(observation_id=o.id, text="shared line", audience="educator")
    doc = svc.transfer.export(reader=policy.reader("educator", educator=e.id))
    assert doc["observation"] == [] and doc["script_note"] == []


def test_attachment_follows_its_evidence(svc, tmp_path) -> None:
    from esp_desktop.core import policy

    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    f = tmp_path / "plan.txt"
    f.write_bytes(b"SENTINEL-FILE")
    ev = svc.evidence.add(educator_id=e.id, title="Plan", category="products_of_practice", kind="lesson_plan", file=f)
    me = policy.reader("educator", educator=e.id)
    assert svc.transfer.export(reader=me)["attachment"][0]["content_base64"]
    svc.evidence.set_audience(type(ev), ev.id, "ct_private")
    doc = svc.transfer.export(reader=me)
    assert doc["evidence"] == [] and doc["attachment"] == []
    assert "SENTINEL" not in str(doc)


def test_export_import_roundtrip_is_idempotent(demo_svc, store) -> None:
    from esp_desktop.core import policy
    from esp_desktop.services import Services

    doc = demo_svc.transfer.export(reader=policy.THE_CT)
    fresh = Services(store)
    first = fresh.transfer.import_(doc)
    assert first["created"] == sum(len(doc[t]) for t in RECORD_TYPES)
    again = fresh.transfer.import_(doc)
    assert again["created"] == 0 and again["updated"] == 0
    redo = fresh.transfer.export(reader=policy.THE_CT)
    for rtype in RECORD_TYPES:
        assert sorted(doc[rtype], key=lambda r: r["id"]) == sorted(redo[rtype], key=lambda r: r["id"]), rtype
    assert fresh.search.search("routines")  # the search index is rebuilt for imported records


def test_import_rejects_malformed(svc) -> None:
    with pytest.raises(ValidationError):
        svc.transfer.import_({"format": "something-else"})
    with pytest.raises(ValidationError, match="unknown field"):
        svc.transfer.import_({"format": "esp-desktop-export", "format_version": 1,
                              "educator": [{"id": "6d1b0c55-58a1-4f7a-9b0e-2b1f8f0d9a11", "given_name": "A",
                                            "family_name": "B", "audience": "admin", "evil": 1}]})
    assert svc.caseload.educators() == []


def test_search_results_for_a_reader_follow_the_policy(svc) -> None:
    from esp_desktop.core import policy

    e = enrolled(svc)
    other = enrolled(svc, given_name="Ben", family_name="Okoro")
    o = svc.observations.start(educator_id=e.id, kind="announced", class_period="Periwinkle algebra")
    svc.observations.add_note(observation_id=o.id, text="periwinkle private line")
    svc.observations.add_note(observation_id=o.id, text="periwinkle shared line", audience="educator")
    svc.coaching.log(educator_id=other.id, kind="co_planning", notes="periwinkle coaching")
    assert len(svc.search.search("periwinkle")) == 4  # the CT finds everything
    mine = svc.search.search("periwinkle", reader=policy.reader("educator", educator=e.id))
    assert {h.snippet.replace("[", "").replace("]", "") for h in mine} == {
        "periwinkle shared line", "Periwinkle algebra"}
    panel = svc.search.search("periwinkle", reader=policy.reader("panel"))
    assert len(panel) == 3 and all("private" not in h.snippet for h in panel)
