"""A fictional PAR case whose records carry sentinel strings, one per audience, for the redaction tests.

Each sentinel's audience is known; a PDF for reader R may contain a sentinel only if R may see that audience,
and never a CT-private one.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from tests.helpers.env import PASSPHRASE

TODAY = date(2026, 11, 25)

# sentinel -> audience of the record that carries it
SENTINELS: dict[str, str] = {}


def sentinel(name: str, audience: str) -> str:
    s = f"SENTINEL{name.upper()}{audience.replace('_', '').upper()}"
    SENTINELS[s] = audience
    return s


@dataclass
class Case:
    svc: object
    educator_id: str
    observation_id: str  # shared with the administrator (audience admin)
    panel_observation_id: str  # panel only
    meeting_id: str
    ids: dict[str, str] = field(default_factory=dict)


def build_case(svc) -> Case:
    cl = svc.caseload
    cl.set_profile(name="Jordan Ellis", school_year="2026-27")
    site = cl.add_site(name="Harborview K-8 School")
    e = cl.add_educator(
        given_name="Lan",
        family_name="Nguyễn Thị",
        employee_id="E7001",
        role_subject="Grade 5",
        grade_band="3-5",
        site_ids=[site.id],
    )
    en = cl.refer(educator_id=e.id, program="PAR", referred_on=date(2026, 8, 20), referral_source="Principal")
    cl.record_intake(enrolment_id=en.id, held_on=date(2026, 8, 27), notes=sentinel("intake", "panel"))
    cl.enrol(enrolment_id=en.id, enrolled_on=date(2026, 9, 1))
    cyc = svc.compliance.start_cycle(
        educator_id=e.id, start_on=date(2026, 9, 8), end_on=date(2027, 5, 28), plan_type="directed_growth"
    )

    def observe(day: date, audience: str, kind: str, tag: str):
        o = svc.observations.start(
            educator_id=e.id,
            kind=kind,
            observed_on=day,
            site_id=site.id,
            class_period="Period 2 - Math",
            audience=audience,
            started_at=datetime.combine(day, time(9, 0), tzinfo=UTC),
        )
        svc.observations.update(
            o.id,
            pre_conference_notes=sentinel(f"pre{tag}", audience),
            post_conference_notes=sentinel(f"post{tag}", audience),
            feedback=sentinel(f"feedback{tag}", audience),
            next_steps=sentinel(f"nextsteps{tag}", audience),
            feedback_given_on=day,
        )
        for i, note_aud in enumerate(("educator", "panel", "admin", "ct_private")):
            svc.observations.add_note(
                observation_id=o.id,
                text=f"Note {sentinel(f'note{tag}', note_aud)}",
                at=datetime.combine(day, time(9, 5 + i), tzinfo=UTC),
                indicator_codes=["II-A"] if i % 2 == 0 else ["I-B"],
                audience=note_aud,
            )
        svc.observations.finish(
            observation_id=o.id, finished_at=datetime.combine(day, time(9, 50), tzinfo=UTC)
        )
        return o

    o1 = observe(date(2026, 9, 22), "admin", "announced", "a")
    o2 = observe(date(2026, 10, 6), "panel", "unannounced", "b")
    ev = {}
    for aud in ("educator", "panel", "admin", "ct_private"):
        ev[aud] = svc.evidence.add(
            educator_id=e.id,
            title=sentinel("evidence", aud),
            category="products_of_practice",
            kind="lesson_plan",
            collected_on=date(2026, 10, 1),
            indicator_codes=["I-A"],
            audience=aud,
        )
    for aud in ("educator", "panel", "ct_private"):
        g = svc.goals.add(
            educator_id=e.id,
            kind="professional_practice",
            title="Goal",
            cycle_id=cyc.id,
            statement=sentinel("goal", aud),
            baseline="20%",
            target="75%",
            audience=aud,
        )
        svc.goals.add_progress(
            goal_id=g.id,
            note=sentinel(f"progress{aud}", "educator"),
            percent=40,
            checked_on=date(2026, 11, 1),
        )
    for aud in ("educator", "panel", "ct_private"):
        svc.goals.add_prescription(
            educator_id=e.id,
            indicator_codes=["II-B"],
            concern="Transitions",
            action=sentinel("prescription", aud),
            audience=aud,
        )
    svc.coaching.log(educator_id=e.id, kind="co_planning", held_on=date(2026, 9, 15), minutes=60)
    svc.coaching.log(
        educator_id=e.id,
        kind="counselling",
        held_on=date(2026, 9, 16),
        minutes=999,
        notes=sentinel("coaching", "ct_private"),
        audience="ct_private",
    )
    svc.coaching.log_contact(
        educator_id=e.id, person_name="Site coach", summary=sentinel("contact", "ct_private")
    )
    # formative shared with the administrator, finalized and acknowledged; a panel-only summative draft
    f = svc.assessments.draft(educator_id=e.id, kind="formative", audience="admin")
    for std in svc.rubric.standard_codes():
        svc.assessments.set_rating(
            document_id=f.id,
            standard=std,
            rating="proficient",
            rationale=sentinel(f"formative{std}", "admin"),
            evidence_ids=[ev["admin"].id, ev["panel"].id],
        )
    svc.assessments.set_overall(
        document_id=f.id, rating="proficient", rationale=sentinel("overallf", "admin")
    )
    svc.assessments.finalize(document_id=f.id)
    svc.assessments.acknowledge(document_id=f.id, signer_name="Lan Nguyễn Thị", signed_on=TODAY)
    s = svc.assessments.draft(educator_id=e.id, kind="summative", audience="panel")
    for std in svc.rubric.standard_codes():
        svc.assessments.set_rating(
            document_id=s.id,
            standard=std,
            rating="needs_improvement",
            rationale=sentinel(f"summative{std}", "panel"),
        )
    svc.assessments.set_overall(
        document_id=s.id, rating="needs_improvement", rationale=sentinel("overalls", "panel")
    )
    m = svc.panel.create_meeting(meets_on=date(2026, 12, 7), location="Room 204")
    svc.panel.add_case(meeting_id=m.id, educator_id=e.id, purpose=sentinel("agenda", "panel"))
    return Case(svc, e.id, o1.id, o2.id, m.id, {"formative": f.id, "summative": s.id})


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory, _template_stores: dict[str, Path]) -> Iterator[Case]:
    from esp_desktop.services import Services
    from esp_desktop.store.vault import Vault

    d = tmp_path_factory.mktemp("reports") / "data"
    shutil.copytree(_template_stores["empty"], d)
    store = Vault(d).unlock(PASSPHRASE)
    svc = Services(store)
    yield build_case(svc)
    store.close()
