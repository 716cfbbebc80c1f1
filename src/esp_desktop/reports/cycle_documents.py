"""Story builders of the Panel's and the cycle's documents: minutes, the final summative evaluation, the
self-assessment, the Educator Plan, the progress report to the Panel, and the packet's filled-in decision page."""

from __future__ import annotations

from reportlab.platypus import Flowable, Table

from esp_desktop.reports import documents as base
from esp_desktop.reports.cycle_viewmodels import (
    DecisionVM,
    FinalEvaluationDoc,
    MinutesDoc,
    MotionVM,
    PlanDoc,
    ProgressReportDoc,
    SelfAssessmentDoc,
)
from esp_desktop.reports.fonts import markup as m
from esp_desktop.reports.layout import (
    ACCENT,
    S,
    empty,
    facts,
    fmt_date,
    fmt_short,
    keep,
    p,
    px,
    section,
    sentence,
    spacer,
    subsection,
    table,
)
from esp_desktop.reports.viewmodels import READER_LABELS, PanelPacketDoc, Rubric


def _paras(text: str, missing: str = "") -> list[Flowable]:
    out = base._paragraphs([text])
    return out or ([empty(missing)] if missing else [])


def _lines(text: str, missing: str) -> list[Flowable]:
    """One bullet per line (drafted reports put one item on each line)."""
    rows = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if not rows:
        return [empty(missing)]
    return [px(f"•\u2002{m(r)}", S.bullet) for r in rows]


def _status(status: str, version: int) -> str:
    return f"{'Final' if status == 'final' else 'Draft — not final'}, version {version}"


def _hash_line(sha: str) -> list[Flowable]:
    if not sha:
        return []
    return [spacer(4), p(f"Content hash of the finalized record: {sha}", S.small)]


# --------------------------------------------------------------------------- decisions and motions


def _motion(mo: MotionVM) -> list[Flowable]:
    who = " · ".join(x for x in (f"moved by {mo.moved_by}" if mo.moved_by else "",
                                 f"seconded by {mo.seconded_by}" if mo.seconded_by else "") if x)
    out: list[Flowable] = [px(f"<b>Motion:</b> {m(mo.text)}" + (f' <font color="#5F6B76">({m(who)})</font>'
                                                                  if who else ""), S.body_tight)]
    if mo.notes:
        out += _paras(mo.notes)
    mark = "CARRIED" if mo.carried else "DID NOT CARRY"
    out.append(px(f"<b>Vote:</b> {m(mo.tally)} — <b>{mark}</b>", S.body_tight))
    out.append(p(f"{mo.outcome}. Recorded by {mo.recorded_by}.", S.small))
    return out


def _ratings(d: DecisionVM, rubric: Rubric) -> Table | None:
    if not d.ratings and not d.overall:
        return None
    rows: list[list[object]] = [[base._standard_label(rubric, s), r] for s, r in d.ratings]
    rows.append([px("<b>Overall rating</b>", S.cell), px(f"<b>{m(d.overall or 'Not rated')}</b>", S.cell)])
    return table(["Standard", "Final rating"], rows, [4.6, 1.6], extra=[("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)])


def _decision(d: DecisionVM, rubric: Rubric, *, heading: str = "Decision") -> list[Flowable]:
    head = f"{heading}: {d.decision}"
    if d.superseded_by:
        head += f" (version {d.version}, superseded by {d.superseded_by})"
    elif d.version > 1:
        head += f" (version {d.version})"
    out: list[Flowable] = [px(f"<b>{m(head)}</b>", S.h3)]
    if d.revises:
        out.append(p(f"This decision revises {d.revises}. Reason: {sentence(d.revision_reason or 'not stated')}",
                     S.body))
    grid = _ratings(d, rubric)
    if grid is not None:
        out.append(grid)
        out.append(spacer(4))
    out += _paras(d.rationale)
    bits = [f"Decided {fmt_date(d.decided_on)}"]
    if d.meeting_on and d.meeting_on != d.decided_on:
        bits.append(f"at the meeting of {fmt_date(d.meeting_on)}")
    if d.vote:
        bits.append(f"vote {d.vote}")
    bits.append(f"recorded by {d.recorded_by}")
    out.append(p(sentence(" · ".join(bits)), S.small))
    return out


# --------------------------------------------------------------------------- minutes


def minutes_story(doc: MinutesDoc) -> list[Flowable]:
    mt = doc.meeting
    reader = READER_LABELS.get(doc.meta.audience, doc.meta.audience)
    story: list[Flowable] = base._title_block(
        "ESP Panel Meeting Minutes",
        " · ".join(x for x in (fmt_date(mt.on), mt.time, mt.location) if x))
    att = doc.attendance
    story.append(facts([
        ("Date", fmt_date(mt.on)), ("Start time", mt.time), ("Location", mt.location), ("Chair", mt.chair),
        ("Members present", str(len(att.present)) if att else "Not recorded"),
        ("Quorum", f"{doc.quorum} — {'met' if doc.quorate else 'NOT met'}"),
        ("Majority rule", doc.majority_rule), ("Cases", str(len(doc.cases))), ("Prepared for", reader),
    ], columns=3, skip_empty=True))
    story += section("Attendance")
    if att is None:
        story.append(empty("Attendance was not recorded: without a roll, the minutes cannot show a quorum."))
    else:
        story.append(facts([("Present", "; ".join(att.present) or "—"), ("Absent", "; ".join(att.absent) or "—")],
                           columns=2))
        if att.others:
            story.append(facts([("Also present", att.others)], columns=1))
        story.append(p(f"Roll recorded by {att.recorded_by}.", S.small))
    if not doc.quorate:
        story.append(p("The Panel had no quorum: no vote of this meeting is valid.", S.body))
    story += section("Cases, in agenda order")
    if not doc.cases:
        story.append(empty("No cases on this agenda are visible to this reader."))
    for c in doc.cases:
        story += subsection(m(f"{c.position}. {c.educator_name} · {c.program}"))
        story.append(facts([("Presented by", c.presenter), ("Panel to decide", c.purpose),
                            ("CT's recommended rating", c.recommendation)], columns=3, skip_empty=True))
        story += [px("<b>Presentation</b>", S.body_tight), *_paras(c.presentation, "No summary was recorded.")]
        story += [px("<b>Discussion</b>", S.body_tight), *_paras(c.discussion, "No discussion notes were recorded.")]
        for mo in c.motions:
            story += _motion(mo)
            story.append(spacer(2))
        if not c.motions:
            story.append(empty("No motion was put to a vote on this case."))
        for d in c.decisions:
            story += _decision(d, doc.rubric)
        if not c.decisions:
            story.append(empty("No decision was recorded on this case at this meeting."))
    if doc.revised:
        story += section("Earlier decisions revised at this meeting")
        story.append(p("Each stays on record, marked as superseded; the revision above gives the reason.", S.small))
        for d in doc.revised:
            story += _decision(d, doc.rubric, heading="Superseded decision")
    story += [spacer(14), keep(base._signature_line("Panel chair", doc.meeting.chair, None), spacer(6),
                               base._signature_line("Minutes recorded by", att.recorded_by if att else "", None))]
    return story


# --------------------------------------------------------------------------- the packet's decision page


def filled_decision(doc: PanelPacketDoc) -> list[Flowable]:
    d = doc.decision
    assert d is not None
    block: list[Flowable] = [*section("Panel decision"),
                             p("Recorded by the ESP Panel. Printed from the decision record.", S.small), spacer(4)]
    block += _decision(d, doc.rubric)
    if d.superseded_by:
        block.append(p(f"Superseded by {d.superseded_by}.", S.small))
    return [keep(*block)]


def withheld_decision(doc: PanelPacketDoc) -> list[Flowable]:
    reader = READER_LABELS.get(doc.meta.audience, doc.meta.audience)
    return [*section("Panel decision"),
            p(f"The ESP Panel has decided this case. Its decision record is not part of the copy for {reader}; the "
              "final summative evaluation (PAR) or the program's letter says what was decided.")]


# --------------------------------------------------------------------------- the final summative evaluation


def final_evaluation_story(doc: FinalEvaluationDoc) -> list[Flowable]:
    ev = doc.evaluation
    story: list[Flowable] = base._title_block(
        "Final Summative Evaluation", f"{doc.educator.name} · {_status(ev.status, ev.version)}")
    extra: list[tuple[str, object]] = [
        ("Evaluation cycle", base._cycle(doc.cycle)), ("Plan type", doc.cycle.plan_type if doc.cycle else ""),
        ("Final ratings by", "The ESP Panel"), ("Panel decision", ev.decision),
        ("Decided", fmt_date(ev.decided_on)), ("Vote", ev.vote),
        ("Status", _status(ev.status, ev.version)), ("Finalized", fmt_date(ev.finalized_on) if ev.finalized_on else ""),
    ]
    if ev.supersedes:
        extra.append(("Replaces version", ev.supersedes))
    story.append(base._educator_facts(doc.educator, doc.case, doc.ct_name, extra))
    story.append(p(
        "The ESP Panel determines the final evaluation ratings. The consulting teacher, as primary evaluator, "
        "presented the evidence and a rating recommendation; both are shown side by side.", S.small))
    if ev.decision_version > 1:
        story.append(p(f"The Panel revised its decision (version {ev.decision_version}). Reason: "
                       f"{sentence(ev.revision_reason or 'not stated')}", S.body))
    story += section("Ratings: the Panel's final rating and the consulting teacher's recommendation")
    rows: list[list[object]] = [[base._standard_label(doc.rubric, r.standard), r.final or "Not rated",
                                 r.recommended or "—"] for r in ev.ratings]
    rows.append([px("<b>Overall rating</b>", S.cell), px(f"<b>{m(ev.overall or 'Not rated')}</b>", S.cell),
                 ev.overall_recommended or "—"])
    story.append(table(["Standard", "Final (ESP Panel)", "Recommended (CT)"], rows, [4.0, 1.5, 1.5],
                       extra=[("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)]))
    if ev.recommendation_version:
        story.append(p(f"Recommendation: the consulting teacher's summative evaluation recommendation, version "
                       f"{ev.recommendation_version}.", S.small))
    story += section("Rationale and evidence by standard")
    for r in ev.ratings:
        block: list[Flowable] = [px(f"<b>{m(base._standard_label(doc.rubric, r.standard))}</b>"
                                    f'\u2002<font color="#5F6B76">final</font> {m(r.final or "Not rated")}'
                                    f'\u2002<font color="#5F6B76">recommended</font> {m(r.recommended or "—")}',
                                    S.h3)]
        block += _paras(r.rationale, "No rationale recorded.")
        if r.evidence:
            refs = "; ".join(f"<b>{m(e.label)}</b> {m(e.title)}" for e in r.evidence)
            block.append(px(f'<font color="#5F6B76">Evidence:</font> {refs}', S.small))
        story.append(keep(*block))
    story += section(f"Overall rating: {ev.overall or 'Not rated'}")
    story += _paras(ev.rationale, "The Panel recorded no rationale.")
    if ev.goals_progress:
        story += [px("<b>Progress toward goals</b>", S.body_tight), *_paras(ev.goals_progress)]
    story += section("Evidence index")
    if doc.evidence:
        story.append(table(["Ref", "Date", "Item", "Evidence category", "Kind"],
                           [[e.label, fmt_short(e.on), e.title, e.category, e.kind] for e in doc.evidence],
                           [0.55, 0.95, 2.9, 1.9, 1.2], bold_first=True))
    else:
        story.append(empty("No evidence cited in the ratings is visible to this reader."))
    story += _hash_line(ev.content_sha256)
    story += _acknowledgement(doc)
    return story


def _acknowledgement(doc: FinalEvaluationDoc) -> list[Flowable]:
    ev = doc.evaluation
    ack = ev.acknowledgement
    block: list[Flowable] = [
        *section("Acknowledgement and the educator's response"),
        p("The educator's signature acknowledges receipt of this final evaluation. It does not indicate agreement. "
          "The educator may answer it with a written response, which is kept with this version."),
        spacer(8),
        base._signature_line("Educator", doc.educator.name, ack.educator_signed_on if ack else None),
        spacer(10),
        base._signature_line("For the ESP Panel", "", ev.finalized_on),
    ]
    if ack and ack.educator_comment:
        block += [spacer(6), px("<b>Comment with the signature</b>", S.body_tight), p(ack.educator_comment)]
    out: list[Flowable] = [keep(*block)]
    if ev.responses:
        for r in ev.responses:
            out += [px(f"<b>Written response, received {m(fmt_date(r.received_on))}</b>", S.h3), *_paras(r.text)]
    else:
        out.append(empty("No written response has been received."))
    return out


# --------------------------------------------------------------------------- self-assessment


def self_assessment_story(doc: SelfAssessmentDoc) -> list[Flowable]:
    sa = doc.self_assessment
    story: list[Flowable] = base._title_block(
        "Educator Self-Assessment", f"{doc.educator.name} · {_status(sa.status, sa.version)}")
    story.append(base._educator_facts(doc.educator, doc.case, doc.ct_name, [
        ("Completed by the educator", fmt_date(sa.completed_on) if sa.completed_on else ""),
        ("Evaluation cycle", base._cycle(doc.cycle)), ("Status", _status(sa.status, sa.version)),
    ]))
    story.append(p(f"Step 1 of the educator evaluation cycle. {sa.source}.", S.small))
    story += section("Strengths and areas to grow, by standard")
    for e in sa.entries:
        story += subsection(m(base._standard_label(doc.rubric, e.standard)))
        story += [px("<b>Strengths</b>", S.body_tight), *_paras(e.strengths, "None written.")]
        story += [px("<b>Areas to grow</b>", S.body_tight), *_paras(e.areas_to_grow, "None written.")]
    story += section("Reflection and proposed goals")
    story += _paras(sa.reflection, "The educator wrote no overall reflection.")
    story += _hash_line(sa.content_sha256)
    return story


# --------------------------------------------------------------------------- Educator Plan


def plan_story(doc: PlanDoc) -> list[Flowable]:
    pl = doc.plan
    story: list[Flowable] = base._title_block(
        "Educator Plan", f"{doc.educator.name} · {pl.plan_type} · {_status(pl.status, pl.version)}")
    extra: list[tuple[str, object]] = [("Plan type", pl.plan_type), ("Duration", pl.duration),
                                       ("Status", _status(pl.status, pl.version))]
    if pl.supersedes:
        extra.append(("Replaces version", pl.supersedes))
    story.append(base._educator_facts(doc.educator, doc.case, doc.ct_name, extra))
    story.append(p("Step 2 of the educator evaluation cycle: the goals, the actions the educator takes and the "
                   "supports provided, and the timeline.", S.small))
    if pl.focus:
        story += section("Focus")
        story += _paras(pl.focus)
    story += section("Goals")
    story += base._goals(pl.goals)
    story += section("Prescriptions")
    story += base._recommendations(pl.prescriptions, "No prescriptions are linked to this plan.")
    story += section("Actions and supports")
    if pl.actions:
        story.append(table(["Action by the educator", "Supports provided", "By"],
                           [[a.action, a.supports, fmt_date(a.due) if a.due else "—"] for a in pl.actions],
                           [2.9, 2.5, 1.5]))
    else:
        story.append(empty("No actions are written yet."))
    story += section("Timeline")
    if pl.timeline:
        story.append(table(["Date", "Benchmark or check-in"], [[fmt_short(d), w] for d, w in pl.timeline], [1.0, 6.0]))
    else:
        story.append(empty("No timeline entries."))
    story += _hash_line(pl.content_sha256)
    story.append(keep(*section("Signatures"),
                      p("Both signatures make the plan final. The educator's signature acknowledges receipt of the "
                        "plan."),
                      spacer(8), base._signature_line("Evaluator", pl.evaluator_name, pl.evaluator_signed_on),
                      spacer(10),
                      base._signature_line("Educator", pl.educator_name or doc.educator.name, pl.educator_signed_on)))
    return story


# --------------------------------------------------------------------------- progress report to the Panel


def progress_story(doc: ProgressReportDoc) -> list[Flowable]:
    r = doc.report
    title = f"Progress report {r.number} to the ESP Panel" if r.number else "Progress report to the ESP Panel"
    story: list[Flowable] = base._title_block(
        title, f"{doc.educator.name} · {fmt_date(r.period_start)} – {fmt_date(r.period_end)}")
    story.append(facts([
        ("Educator", doc.educator.name), ("School site(s)", "; ".join(doc.educator.sites)),
        ("Consulting teacher", doc.ct_name), ("Period", f"{fmt_date(r.period_start)} – {fmt_date(r.period_end)}"),
        ("Due", fmt_date(r.due_on) if r.due_on else ""), ("Status", _status(r.status, r.version)),
    ], columns=3, skip_empty=True))
    for heading, text, missing in (
        ("Observations", r.observations, "No observations in this period."),
        ("Progress on goals", r.goal_progress, "No goal progress recorded."),
        ("Support given", r.support, "No support recorded."),
        ("Next steps", r.next_steps, "No next steps written."),
    ):
        story += section(heading)
        story += _lines(text, missing)
    story += _hash_line(r.content_sha256)
    return story
