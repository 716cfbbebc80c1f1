"""What evaluation integrity puts on paper: rule exceptions with their justification, the educator's written
response with the version it answers, compliance counts that match what the packet shows, tags in the
document's rubric, and the Panel meeting's start time."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from pypdf import PdfReader

from esp_desktop.core import clock
from esp_desktop.reports.service import ReportService
from esp_desktop.services import Actor, Services

D = date
EXCEPTION = "The educator resigns on December 18; the district needs the summative before the last day."


def _text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def _case(svc: Services, *, rubric_id: str | None = None) -> tuple[str, str]:
    cl = svc.caseload
    cl.set_profile(name="Jordan Ellis")
    e = cl.add_educator(given_name="Minh", family_name="Nguyễn")
    en = cl.refer(educator_id=e.id, program="PAR", referred_on=D(2026, 8, 20))
    cl.record_intake(enrolment_id=en.id, held_on=D(2026, 8, 27))
    cl.enrol(enrolment_id=en.id, enrolled_on=D(2026, 9, 1))
    cyc = svc.compliance.start_cycle(educator_id=e.id, start_on=D(2026, 9, 14), end_on=D(2027, 5, 28),
                                     plan_type="directed_growth", **({"rubric_id": rubric_id} if rubric_id else {}))
    return e.id, cyc.id


def _observe(svc: Services, educator_id: str, kind: str, day: date, *, audience: str = "educator",
             observer: str | None = None, codes: tuple[str, ...] = ("II-A",)) -> str:
    o = svc.observations.start(educator_id=educator_id, kind=kind, observed_on=day, audience=audience,
                               observer_person_id=observer, started_at=clock.at_local(day, time(9)))
    svc.observations.add_note(observation_id=o.id, text=f"Note of {day.isoformat()}.", indicator_codes=list(codes),
                              audience="educator")
    svc.observations.finish(observation_id=o.id, finished_at=clock.at_local(day, time(9, 40)))
    svc.observations.give_feedback(observation_id=o.id, on=day, feedback="Next step: wait time.")
    return o.id


def test_summative_prints_the_exception_and_the_written_response(svc: Services, tmp_path: Path) -> None:
    eid, cid = _case(svc)
    ev = [svc.evidence.add(educator_id=eid, title="Unit plan", category="products_of_practice", kind="lesson_plan").id,
          svc.evidence.add(educator_id=eid, title="Exit tickets", category="student_learning", kind="student_work").id]
    doc = svc.assessments.draft(educator_id=eid, kind="summative", cycle_id=cid)
    for std in svc.rubric.standard_codes():
        svc.assessments.set_rating(document_id=doc.id, standard=std, rating="needs_improvement",
                                   rationale="Routines are not yet consistent.", evidence_ids=ev)
    svc.assessments.set_overall(document_id=doc.id, rating="needs_improvement", rationale="Growth needed.")
    svc.assessments.finalize(document_id=doc.id, justification=EXCEPTION)
    svc.assessments.acknowledge(document_id=doc.id, comment="Received.")
    with clock.use(clock.FixedClock.on(D(2026, 12, 2), hour=16)):
        svc.assessments.add_response(document_id=doc.id, text="I disagree with Standard II; see my unit plans.")
    out = tmp_path / "summative.pdf"
    ReportService(svc).export(kind="summative", audience="educator", path=out, educator_id=eid)
    text = _text(out)
    assert "Exceptions to program rules" in text and EXCEPTION in text
    assert "Summative after the cycle's observations and formative assessment" in text
    assert "Educator's written response, received December 2, 2026 (answers version 1)" in text
    assert "I disagree with Standard II; see my unit plans." in text


def test_packet_counts_match_what_it_shows(svc: Services, tmp_path: Path) -> None:
    eid, cid = _case(svc)
    principal = svc.caseload.add_person(name="Dr. Renée Castellanos", role="principal")
    as_principal = Services(svc.store, actor=Actor(name="Dr. Renée Castellanos", kind="secondary_evaluator",
                                                   person_id=principal.id))
    _observe(svc, eid, "announced", D(2026, 9, 21))
    _observe(svc, eid, "unannounced", D(2026, 10, 5), audience="ct_private")  # informal: does not count
    _observe(svc, eid, "unannounced", D(2026, 10, 19), audience="panel")  # counts; the educator cannot see it
    _observe(as_principal, eid, "unannounced", D(2026, 11, 2), observer=principal.id)
    out = tmp_path / "packet.pdf"
    ReportService(svc).export(kind="panel-packet", audience="educator", path=out, educator_id=eid)
    text = _text(out)
    assert "Announced observations 1 1 2026-09-21" in text
    assert "Unannounced observations 4 1 1 not shown to this reader" in text  # the count stays true
    assert "Secondary evaluator's observations (not counted) — 1 2026-11-02" in text
    assert "Counts toward the cycle minimum" in text
    assert "Secondary evaluator's observation: listed, not counted" in text
    assert "2026-10-05" not in text  # the CT-private visit is neither shown nor counted
    panel = tmp_path / "packet-panel.pdf"
    ReportService(svc).export(kind="panel-packet", audience="panel", path=panel, educator_id=eid)
    assert "Unannounced observations 4 1 2026-10-19" in _text(panel)
    svc.compliance.update_cycle(cid, required_unannounced=3,
                                minimum_exception="Enrolled late after a leave of absence (HR letter of 9/8).")
    ReportService(svc).export(kind="panel-packet", audience="panel", path=panel, educator_id=eid)
    text = _text(panel)
    assert "Unannounced observations 3 1 2026-10-19" in text
    assert "Minimum lowered by exception: Enrolled late after a leave of absence" in text


def test_tags_print_in_the_rubric_of_the_cycle(svc: Services, tmp_path: Path) -> None:
    eid, _ = _case(svc, rubric_id="bps-ma-teacher-2012")
    oid = _observe(svc, eid, "announced", D(2026, 9, 21), codes=("II-D", "II-C", "I-A"))  # stored as DESE 2018
    out = tmp_path / "observation.pdf"
    ReportService(svc).export(kind="observation", audience="educator", path=out, educator_id=eid,
                              observation_id=oid)
    text = _text(out)
    assert "II-C Cultural Proficiency" in text  # DESE 2018 II-D is Boston 2012 II-C
    assert "II-C* Student Learning (Massachusetts Model System" in text and "no equivalent in this rubric" in text
    assert "I-A Curriculum and Planning" in text


def test_agenda_prints_the_start_time_with_the_zone(svc: Services, tmp_path: Path) -> None:
    _case(svc)
    m = svc.panel.create_meeting(location="Room 204")
    out = tmp_path / "agenda.pdf"
    ReportService(svc).export(kind="agenda", audience="panel", path=out, meeting_id=m.id)
    text = _text(out)
    assert "December 7, 2026 · 17:30 " in text and clock.zone_name(clock.at_local(m.meets_on, time(17, 30))) in text
