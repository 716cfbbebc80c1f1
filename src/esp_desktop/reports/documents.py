"""Story builders: one function per document, view model in, list of Platypus flowables out."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Table

from esp_desktop.core.enums import label
from esp_desktop.core.panel_rules import decision_options
from esp_desktop.reports.fonts import markup as m
from esp_desktop.reports.layout import (
    ACCENT,
    BANNER,
    CONTENT_WIDTH,
    MUTED,
    RULE,
    S,
    SectionRule,
    empty,
    facts,
    fmt_date,
    fmt_hours,
    fmt_short,
    keep,
    p,
    plain,
    px,
    rich,
    section,
    spacer,
    subsection,
    table,
    tstyle,
)
from esp_desktop.reports.viewmodels import (
    READER_LABELS,
    AgendaDoc,
    AssessmentDoc,
    AssessmentVM,
    CaseVM,
    CoachingActivityVM,
    ComplianceRowVM,
    ConferenceNoteVM,
    CycleVM,
    DocumentMeta,
    EducatorVM,
    EvidenceVM,
    GoalVM,
    LearningSupportVM,
    ObservationReportDoc,
    ObservationVM,
    PanelPacketDoc,
    RecommendationVM,
    Rubric,
    ScriptNoteVM,
    is_evaluative,
)

RATINGS = ("Exemplary", "Proficient", "Needs Improvement", "Unsatisfactory")
CHECKBOX = "☐"


def _cycle(cycle: CycleVM | None) -> str:
    if cycle is not None:
        return f"{fmt_date(cycle.start)} – {fmt_date(cycle.end)}"
    return ""


def _sentence(text: str) -> str:
    """'co-planning' -> 'Co-planning' (record vocabularies are stored lower case)."""
    return text[:1].upper() + text[1:]


def _codes(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def _indicator_label(rubric: Rubric, code: str) -> str:
    ind = rubric.indicator(code)
    return f"{code}  {ind.name}" if ind else code


def _standard_label(rubric: Rubric, code: str) -> str:
    std = rubric.standard(code)
    return f"Standard {code}: {std.name}" if std else f"Standard {code}"


def _title_block(title: str, subtitle: str) -> list[Flowable]:
    return [p(title, S.title), p(subtitle, S.subtitle)]


def _program(case: CaseVM | None) -> str:
    return case.program_label if case else ""


def _educator_facts(
    educator: EducatorVM, case: CaseVM | None, ct_name: str, extra: Sequence[tuple[str, object]] = ()
) -> Table:
    pairs: list[tuple[str, object]] = [
        ("Educator", educator.name),
        ("Employee ID", educator.employee_id),
        ("Role / subject", educator.role),
        ("Grade band", educator.grade_band),
        ("School site(s)", "; ".join(educator.sites)),
        *([("Program", _program(case))] if case else []),  # the enrolment may be hidden from this reader
        ("Consulting teacher", ct_name),
    ]
    pairs.extend(extra)
    return facts(pairs, columns=3)


def _paragraphs(texts: Sequence[str], style: ParagraphStyle = S.body) -> list[Flowable]:
    out: list[Flowable] = []
    for text in texts:
        for chunk in str(text).split("\n\n"):
            if chunk.strip():
                out.append(p(chunk.strip(), style))
    return out


def _conference(notes: Sequence[ConferenceNoteVM], missing: str) -> list[Flowable]:
    if not notes:
        return [empty(missing)]
    return _paragraphs([n.text for n in notes])


def _script_note(note: ScriptNoteVM) -> Paragraph:
    # the time is the paragraph's bullet, so wrapped lines hang neatly under the text
    if not note.equity_areas:
        return plain(note.text, S.note, bullet=note.at)
    tail = ('<font color="#5F6B76" size="7.6">', f"· Equity: {_codes(note.equity_areas)}")
    return rich(S.note, ("", f"{note.text} "), tail, bullet=note.at)


def _recommendations(recs: Sequence[RecommendationVM], missing: str) -> list[Flowable]:
    if not recs:
        return [empty(missing)]
    out: list[Flowable] = []
    for r in recs:
        bits = []
        if r.indicators:
            bits.append(_codes(r.indicators))
        if r.due:
            bits.append(f"by {fmt_date(r.due)}")
        meta = [('<font color="#5F6B76">', f"({' · '.join(bits)})")] if bits else []
        out.append(rich(S.bullet, ("", f"•\u2002{r.text} " if bits else f"•\u2002{r.text}"), *meta))
    return out


def _notes_by_indicator(obs: ObservationVM, rubric: Rubric) -> list[Flowable]:
    groups: OrderedDict[str, list[ScriptNoteVM]] = OrderedDict()
    order = {ind.code: i for i, ind in enumerate(rubric.indicators)}
    for note in obs.notes:
        for code in note.indicators or ("",):
            groups.setdefault(code, []).append(note)
    if not groups:
        if obs.notes_withheld:  # recorded, but not for this reader: say so, never "none were recorded"
            n = obs.notes_withheld
            return [empty(f"{n} scripted line{'s were' if n != 1 else ' was'} recorded but {'are' if n != 1 else 'is'} "
                          "not part of this copy (see “Not in this document”).")]
        return [empty("No scripted notes were recorded for this observation.")]
    out: list[Flowable] = []
    for code in sorted(groups, key=lambda c: (c == "", order.get(c, 999), c)):
        title = _indicator_label(rubric, code) if code else "Not aligned to an indicator"
        out.extend(subsection(m(title), S.h3))
        out.extend(_script_note(n) for n in groups[code])
    return out


def _goals(goals: Sequence[GoalVM]) -> list[Flowable]:
    if not goals:
        return [empty("No goals are recorded for this cycle.")]
    out: list[Flowable] = []
    for g in goals:
        out.extend(subsection(m(f"{g.kind} goal"), S.h2))
        out.append(p(g.statement))
        out.append(facts([("Baseline", g.baseline), ("Target", g.target), ("Status", g.status)], columns=3))
        if g.progress:
            out.append(
                table(
                    ["Date", "Progress", "Note"],
                    [[fmt_short(c.on), c.value, c.note] for c in g.progress],
                    [1.0, 1.6, 4.4],
                )
            )
        else:
            out.append(empty("No progress checks yet."))
        out.append(spacer(4))
    return out


def _ratings_summary(a: AssessmentVM, rubric: Rubric) -> Table:
    rows: list[list[object]] = [
        [_standard_label(rubric, r.standard), r.rating or "Not rated"] for r in a.ratings
    ]
    rows.append(
        [px("<b>Overall rating</b>", S.cell), px(f"<b>{m(a.overall_rating or 'Not rated')}</b>", S.cell)]
    )
    return table(
        ["Standard", "Rating"], rows, [4.6, 1.6], extra=[("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)]
    )


def _ratings_detail(a: AssessmentVM, rubric: Rubric) -> list[Flowable]:
    out: list[Flowable] = []
    for r in a.ratings:
        head = Table(
            [
                [
                    px(m(_standard_label(rubric, r.standard)), S.h2),
                    px(
                        f'<font color="#5F6B76" size="7.6">RATING</font>\u2002'
                        f"<b>{m(r.rating or 'Not rated')}</b>",
                        S.value_right,
                    ),
                ]
            ],
            colWidths=[CONTENT_WIDTH * 0.68, CONTENT_WIDTH * 0.32],
        )
        head.setStyle(
            tstyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE),
                ]
            )
        )
        block: list[Flowable] = [head, spacer(3)]
        block.extend(_paragraphs([r.rationale]) or [empty("No rationale recorded.")])
        tail: list[Flowable] = []
        if r.evidence:
            refs = "; ".join(f"<b>{m(e.label)}</b> {m(e.title)}" for e in r.evidence)
            tail = [px(f'<font color="#5F6B76">Evidence:</font> {refs}', S.small)]
        if len(block) > 3:
            # heading stays with the start of its rationale, the evidence line with its end
            out.append(keep(*block[:3]))
            out.extend(block[3:-1])
            out.append(keep(block[-1], *tail))
        else:
            out.append(keep(*block, *tail))
        out.append(spacer(6))
    return out


def _overall(a: AssessmentVM) -> list[Flowable]:
    out: list[Flowable] = [px(f"Overall rating: <b>{m(a.overall_rating or 'Not rated')}</b>", S.h2)]
    out.extend(_paragraphs([a.overall_rationale]))
    return out


def _signature_line(label: str, name: str, signed: object) -> Table:
    signed_text = fmt_date(signed) if signed else ""  # type: ignore[arg-type]
    t = Table(
        [
            [px("", S.body), px(m(signed_text), S.value)],
            [px(f"{m(label)}: {m(name)}", S.small), px("Date", S.small)],
        ],
        colWidths=[CONTENT_WIDTH * 0.62, CONTENT_WIDTH * 0.3],
        hAlign="LEFT",
        rowHeights=[26, None],
    )
    t.setStyle(
        tstyle(
            [
                ("LINEBELOW", (0, 0), (0, 0), 0.6, MUTED),
                ("LINEBELOW", (1, 0), (1, 0), 0.6, MUTED),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 14),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 2),
            ]
        )
    )
    return t


def _acknowledgement(doc: AssessmentDoc) -> list[Flowable]:
    a = doc.assessment
    ack = a.acknowledgement
    block: list[Flowable] = [
        *section("Acknowledgement"),
        p(
            "The educator's signature acknowledges receipt of this document. It does not indicate agreement "
            "with its contents. The educator may attach a written response within the timelines of the "
            "collective bargaining agreement."
        ),
        spacer(8),
        _signature_line("Educator", doc.educator.name, ack.educator_signed_on if ack else None),
        spacer(10),
        _signature_line(
            "Primary evaluator (consulting teacher)", a.author, ack.evaluator_signed_on if ack else None
        ),
    ]
    if ack and ack.educator_comment:
        block += [spacer(8), px("<b>Educator's comment at signing</b>", S.body_tight), p(ack.educator_comment)]
    out: list[Flowable] = [keep(*block)]
    for r in a.responses:
        out.append(keep(
            px(f"<b>Educator's written response</b>, received {m(fmt_date(r.received_on))} "
               f"(answers version {a.version})", S.body_tight),
            *_paragraphs([r.text]),
        ))
    return out


def _overrides(a: AssessmentVM) -> list[Flowable]:
    """Rules this version was finalized against, each with its written justification (also in the audit log)."""
    if not a.overrides:
        return []
    out: list[Flowable] = [*section("Exceptions to program rules")]
    out.append(p("This document was finalized although a program rule was not met, for the reason given below. "
                 "The exception is recorded in the consulting teacher's audit log.", S.small))
    for o in a.overrides:
        out.append(keep(
            px(f"<b>{m(o.rule)}</b>", S.body_tight),
            p(f"Not met when finalized: {o.problem}", S.small),
            px(f"<b>Justification</b> ({m(o.by)}, {m(fmt_date(o.on))}): {m(o.justification)}", S.body),
        ))
    return out


# --------------------------------------------------------------------------- observation report


def observation_story(doc: ObservationReportDoc) -> list[Flowable]:
    o = doc.observation
    story: list[Flowable] = _title_block(
        "Observation Report", f"{doc.educator.name} · {o.kind_label} observation · {fmt_date(o.on)}"
    )
    story.append(
        _educator_facts(
            doc.educator,
            doc.case,
            doc.ct_name,
            [
                ("Observation", o.kind_label),
                ("Date", fmt_date(o.on)),
                ("Site", o.site),
                ("Class / period", o.class_period),
                ("Duration", f"{o.duration_minutes} minutes" if o.duration_minutes else ""),
            ]
            + ([("Observer", o.observer)] if o.observer and o.observer != doc.ct_name else []),
        )
    )
    story += section("Context and pre-conference")
    story += _conference(
        o.pre_conference,
        "No pre-conference was held (unannounced observation)."
        if not o.announced
        else "No pre-conference notes were recorded.",
    )
    story += section("Post-conference summary")
    story += _conference(o.post_conference, "The post-conference has not taken place yet.")
    story += section("Evidence by indicator")
    story.append(
        p(
            "Low-inference notes scripted during the lesson, grouped by the rubric indicators they "
            "were tagged with. Times are lesson clock times.",
            S.small,
        )
    )
    story += _notes_by_indicator(o, doc.rubric)
    story += section("Feedback and next steps")
    if o.feedback:
        story += _paragraphs([n.text for n in o.feedback])
    if o.next_steps:
        story += subsection("Prescriptions and recommendations", S.h3)
        story += _recommendations(o.next_steps, "")
    if not o.feedback and not o.next_steps:
        story.append(empty("No feedback or next steps were recorded."))
    return story


# --------------------------------------------------------------------------- formative / summative


def assessment_story(doc: AssessmentDoc) -> list[Flowable]:
    a = doc.assessment
    status = "Final" if a.status == "final" else "Draft — not final"
    story: list[Flowable] = _title_block(
        doc.meta.title,
        f"{doc.educator.name} · {a.plan_type or 'Plan'} · version {a.version} ({status.lower()})",
    )
    period = f"{fmt_date(a.period_start)} – {fmt_date(a.period_end)}" if a.period_start else _cycle(doc.cycle)
    extra: list[tuple[str, object]] = [
        ("Plan type", a.plan_type or (doc.cycle.plan_type if doc.cycle else "")),
        ("Period", period),
        ("Dated", fmt_date(a.dated)),
        ("Primary evaluator", a.author),
        ("Secondary evaluator", a.secondary_evaluator or "None"),
        ("Status", f"{status}, version {a.version}"),
        ("Rubric", doc.rubric.name),
    ]
    if a.supersedes:
        extra.append(("Corrects version", a.supersedes))
    story.append(_educator_facts(doc.educator, doc.case, doc.ct_name, extra))
    if a.kind == "formative" and not a.rated:
        story += section("Ratings")
        story.append(empty("This formative assessment reports progress on goals only: formative ratings are "
                           "optional."))
    else:
        story += section("Ratings summary")
        story.append(_ratings_summary(a, doc.rubric))
        story += section("Ratings by standard: rationale and evidence")
        story += _ratings_detail(a, doc.rubric)
        story += section(f"Overall rating: {a.overall_rating or 'Not rated'}")
        story += _paragraphs([a.overall_rationale])
    story += _overrides(a)
    story += section("Goals and progress")
    if a.goals_progress:
        story += [px("<b>Summary of progress</b>", S.body_tight), *_paragraphs([a.goals_progress])]
    story += _goals(doc.goals)
    story += _acknowledgement(doc)
    return story


# --------------------------------------------------------------------------- panel packet


def _banner(text: str) -> Table:
    t = Table([[px(f'<font color="white"><b>{m(text)}</b></font>', S.value)]], colWidths=[CONTENT_WIDTH])
    t.setStyle(
        tstyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BANNER),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return t


def _done_dates(r: ComplianceRowVM) -> str:
    text = ", ".join(fmt_short(d) for d in r.done_dates)
    if r.not_shown:
        hidden = f"{r.not_shown} not shown to this reader"
        text = f"{text}; {hidden}" if text else hidden
    return text


def _cover(doc: PanelPacketDoc) -> list[Flowable]:
    c, cy = doc.case, doc.cycle
    reader = READER_LABELS.get(doc.meta.audience, doc.meta.audience)
    contents = [
        "Case summary",
        "Cycle compliance",
        "Observation summaries",
        "Evidence index",
        "Goals and progress",
        "Coaching and support provided",
        "Formative results",
        "Consulting teacher's rating recommendation",
        "Panel decision",
    ]
    story: list[Flowable] = [
        _banner("CONFIDENTIAL · PERSONNEL EVALUATION MATERIAL"),
        spacer(0.9 * inch),
        p(f"{doc.meta.organisation} · ESP Panel", S.subtitle),
        p("Panel Packet", S.title),
        spacer(6),
        p(
            doc.educator.name,
            S.title.clone("cover_name", fontSize=24, leading=30, textColor=S.body.textColor),
        ),
        p("; ".join(doc.educator.sites) or "", S.subtitle),
        spacer(0.25 * inch),
        SectionRule(color=ACCENT, thickness=0.8),
        facts(
            [
                ("Program", _program(c)),
                ("Evaluation cycle", _cycle(cy)),
                ("Educator plan", cy.plan_type if cy else ""),
                ("Consulting teacher", doc.ct_name),
                ("School site(s)", "; ".join(doc.educator.sites)),
                ("Case status", c.status if c else ""),
                ("Generated", fmt_date(doc.meta.generated_at)),
                ("Prepared for", reader),
            ],
            columns=2,
            skip_empty=True,
        ),
        SectionRule(thickness=0.5),
        spacer(0.2 * inch),
        px("<b>Contents</b>", S.body_tight),
    ]
    story += [
        rich(S.body_tight, ('<font color="#5F6B76">', i), ("", f"\u2002{t}")) for i, t in enumerate(contents, 1)
    ]
    story += [
        spacer(0.35 * inch),
        p(
            f"This packet was prepared for {reader}. It contains only records that reader may see; "
            "records outside that audience are left out entirely. Do not copy or forward. "
            "The document id and "
            "content hash in the footer match the export entry in the consulting teacher's audit log.",
            S.small,
        ),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    return story


def _coaching_rows(activities: Sequence[CoachingActivityVM]) -> list[list[object]]:
    by_kind: OrderedDict[str, list[int]] = OrderedDict()
    for a in sorted(activities, key=lambda a: a.kind):
        slot = by_kind.setdefault(a.kind, [0, 0])
        slot[0] += 1
        slot[1] += a.minutes
    rows: list[list[object]] = [[_sentence(k), str(n), fmt_hours(mins)] for k, (n, mins) in by_kind.items()]
    total_n = sum(v[0] for v in by_kind.values())
    total_m = sum(v[1] for v in by_kind.values())
    rows.append(
        [
            px("<b>Total</b>", S.cell),
            px(f"<b>{total_n}</b>", S.cell.clone("r", alignment=2)),
            px(f"<b>{fmt_hours(total_m)}</b>", S.cell.clone("r2", alignment=2)),
        ]
    )
    return rows


def _evidence_index(evidence: Sequence[EvidenceVM], rubric: Rubric) -> list[Flowable]:
    if not evidence:
        return [empty("No evidence items are visible to this reader.")]
    std_of = {i.code: i.standard for i in rubric.indicators}
    grouped: OrderedDict[str, OrderedDict[str, list[EvidenceVM]]] = OrderedDict()
    for s in rubric.standards:
        grouped[s.code] = OrderedDict()
    for ev in sorted(evidence, key=lambda e: (e.on, e.label)):
        for code in ev.indicators or ("",):
            std = std_of.get(code, "")
            grouped.setdefault(std, OrderedDict()).setdefault(code, []).append(ev)
    order = {ind.code: i for i, ind in enumerate(rubric.indicators)}
    out: list[Flowable] = [
        p(
            "Each item is listed under every indicator it was tagged with. Labels (E1, E2, …) are "
            "the references used in the ratings.",
            S.small,
        )
    ]
    for std, by_ind in grouped.items():
        if not by_ind:
            continue
        out += subsection(m(_standard_label(rubric, std) if std else "Not aligned to an indicator"))
        for code in sorted(by_ind, key=lambda c: (order.get(c, 999), c)):
            if code:
                out.append(px(m(_indicator_label(rubric, code)), S.h3))
            rows = [[e.label, fmt_short(e.on), e.title, e.category, _sentence(e.kind)] for e in by_ind[code]]
            out.append(
                table(
                    ["Ref", "Date", "Item", "Evidence category", "Kind"],
                    rows,
                    [0.55, 0.95, 2.9, 1.9, 1.2],
                    bold_first=True,
                )
            )
    return out


def _observation_summary(o: ObservationVM, rubric: Rubric) -> list[Flowable]:
    line = " · ".join(x for x in (fmt_date(o.on), o.kind_label, o.site, o.class_period) if x)
    meta = " · ".join(
        x
        for x in (
            f"{o.duration_minutes} min" if o.duration_minutes else "",
            f"{len(o.notes)} shared notes" if o.notes else "",
            f"Indicators: {_codes(o.indicators)}" if o.indicators else "",
        )
        if x
    )
    head: list[Flowable] = [*subsection(m(line)), p(meta, S.small)]
    if o.standing:
        head.append(p(o.standing, S.small))
    out: list[Flowable] = [keep(*head)]
    if o.post_conference:
        out += _paragraphs([n.text for n in o.post_conference])
    else:
        out.append(empty("Post-conference not yet held."))
    if o.feedback:
        out += _paragraphs([n.text for n in o.feedback])
    if o.next_steps:
        out += _recommendations(o.next_steps, "")
    if o.notes:  # the low-inference evidence the panel reads the ratings against (only lines shared with it)
        out.append(p("Scripted evidence", S.small))
        out += [_script_note(n) for n in o.notes]
    elif o.notes_withheld:
        n = o.notes_withheld
        out.append(empty(f"{n} scripted line{'s were' if n != 1 else ' was'} recorded but "
                         f"{'are' if n != 1 else 'is'} not part of this copy."))
    return out


def _formatives(items: Sequence[AssessmentVM], rubric: Rubric) -> list[Flowable]:
    if not items:
        return [empty("No formative assessment is visible to this reader.")]
    out: list[Flowable] = []
    for a in items:
        status = "final" if a.status == "final" else "draft"
        out += subsection(m(f"Formative assessment of {fmt_date(a.dated)} (version {a.version}, {status})"))
        if not a.rated:
            out.append(empty("Progress on goals only (formative ratings are optional)."))
            out += _paragraphs([a.goals_progress])
            continue
        out.append(_ratings_summary(a, rubric))
        if a.overall_rationale:
            out.append(spacer(4))
            out += _paragraphs([a.overall_rationale])
    return out


def _panel_decision(doc: PanelPacketDoc) -> list[Flowable]:
    from esp_desktop.reports import cycle_documents

    if doc.decision is not None:
        return cycle_documents.filled_decision(doc)
    if doc.decision_withheld:
        return cycle_documents.withheld_decision(doc)
    box = CHECKBOX
    block: list[Flowable] = [
        *section("Panel decision"),
        p("To be completed by the ESP Panel at the meeting.", S.small),
        spacer(4),
    ]
    if is_evaluative(doc.case, doc.cycle):
        header = ["", *RATINGS]
        rows: list[list[object]] = [
            [_standard_label(doc.rubric, s.code), *[box] * 4] for s in doc.rubric.standards
        ]
        rows.append([px("<b>Overall rating</b>", S.cell), *[box] * 4])
        grid = table(
            header,
            rows,
            [2.7, 1.0, 1.0, 1.15, 1.25],
            extra=[
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("FONTSIZE", (1, 1), (-1, -1), 13),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT),
            ],
        )
        centred = S.cell.clone("cb", alignment=1)
        for row in grid._cellvalues[1:]:  # checkboxes centred and a touch larger
            for i in range(1, 5):
                row[i] = rich(centred, ('<font size="12">', box))
        block.append(grid)
    # the options are the decisions the app records (core.enums.PanelDecision), with the same labels
    options = [label(d) for d in decision_options("PAR" if is_evaluative(doc.case, doc.cycle) else None)]
    block += [spacer(8), px("<b>Decision</b>", S.body_tight)]
    block += [rich(S.body_tight, ('<font size="11">', box), ("", f"\u2002{o}")) for o in options]
    block += [spacer(6), px("<b>Rationale and conditions</b>", S.body_tight)]
    lines = Table([[""] for _ in range(5)], colWidths=[CONTENT_WIDTH], rowHeights=[20] * 5)
    lines.setStyle(tstyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE)]))
    block += [
        lines,
        spacer(12),
        _signature_line("Panel chair", "", None),
        spacer(6),
        _signature_line("Recorded by", "", None),
    ]
    return [keep(*block)]


def _learning(lrn: LearningSupportVM | None) -> list[Flowable]:
    if lrn is None or not (lrn.priorities or lrn.matches or lrn.sessions):
        return [empty("No learning priorities, matched professional learning or CT-led PD sessions are visible "
                      "to this reader.")]
    out: list[Flowable] = []
    if lrn.priorities:
        out.append(px("<b>Learning priorities</b> (chosen by the CT and the educator; they seed the "
                      "professional-practice goal): " + m("; ".join(t for _a, t in lrn.priorities)), S.body_tight))
    if lrn.matches:
        out.append(table(
            ["Professional learning offered", "Priority", "Offered", "Attended", "Tried in class", "Follow-up evidence"],
            [[x.title, x.priority, fmt_short(x.offered), fmt_short(x.attended) if x.attended else "—",
              fmt_short(x.tried) if x.tried else "—", x.follow_up or "—"] for x in lrn.matches],
            [2.2, 1.3, 0.75, 0.75, 0.8, 1.2]))
    else:
        out.append(empty("No professional learning has been matched yet."))
    if lrn.sessions:
        out += subsection("CT-led PD sessions attended")
        out.append(table(["Date", "Session", "Goal", "Commitment"],
                         [[fmt_short(x.on), x.title, x.goal, x.commitment or "—"] for x in lrn.sessions],
                         [0.8, 1.8, 2.2, 2.2]))
    return out


def panel_packet_story(doc: PanelPacketDoc) -> list[Flowable]:
    c, cy = doc.case, doc.cycle
    story = _cover(doc)

    story += section("Case summary")
    story.append(
        _educator_facts(
            doc.educator,
            c,
            doc.ct_name,
            [
                ("Case status", c.status if c else ""),
                ("Evaluation cycle", _cycle(cy)),
                ("Educator plan", cy.plan_type if cy else ""),
                ("Secondary evaluator", (cy.secondary_evaluator if cy else "") or "None"),
                ("Rubric", doc.rubric.name),
                ("Observations", str(len(doc.observations))),
                ("Evidence items", str(len(doc.evidence))),
            ],
        )
    )
    if c and c.referral_reason:
        story += [px("<b>Reason for referral</b>", S.body_tight), p(c.referral_reason)]
    if c and c.history:
        story.append(
            table(
                ["Date", "Status", "Note"],
                [[fmt_short(h.on), h.status, h.reason] for h in c.history],
                [1.0, 1.5, 4.5],
            )
        )

    story += section("Cycle compliance")
    if doc.compliance:
        rows = [
            [
                r.label,
                str(r.required) if r.counts else "—",
                str(r.done),
                _done_dates(r),
                fmt_short(r.next_due) if r.next_due else "—",
                r.status,
            ]
            for r in doc.compliance
        ]
        story.append(
            table(
                ["Observation type", "Required", "Done", "Dates completed", "Next due", "Status"],
                rows,
                [2.4, 0.8, 0.6, 1.9, 0.95, 0.95],
                numeric=(1, 2),
            )
        )
        story.append(p(
            "An observation counts when it is finished, conducted by the consulting teacher, shared with the "
            "educator, and the educator has received feedback; unannounced observations count when they are "
            "spread apart. Each observation summary below says whether it counts.", S.small))
        if doc.minimum_exception:
            story.append(px(f"<b>Minimum lowered by exception:</b> {m(doc.minimum_exception)}", S.small))
    else:
        story.append(empty("No evaluation cycle applies to this case (non-evaluative program)."))

    story += section("Observation summaries")
    if doc.observations:
        for o in sorted(doc.observations, key=lambda o: o.on):
            story += _observation_summary(o, doc.rubric)
    else:
        story.append(empty("No observations are visible to this reader."))

    story += section("Evidence index by standard and indicator")
    story += _evidence_index(doc.evidence, doc.rubric)

    story += section("Goals and progress")
    story += _goals(doc.goals)

    story += section("Coaching and support provided")
    if doc.coaching:
        story.append(
            table(
                ["Kind of support", "Sessions", "Hours"],
                _coaching_rows(doc.coaching),
                [4.2, 1, 1],
                numeric=(1, 2),
                extra=[("LINEABOVE", (0, -1), (-1, -1), 0.8, ACCENT)],
            )
        )
    else:
        story.append(empty("No coaching activities are visible to this reader."))
    if doc.recommendations:
        story += subsection("Prescriptions and recommendations")
        story += _recommendations(doc.recommendations, "")

    story += section("Support provided and learning matched")
    story += _learning(doc.learning)

    story += section("Formative results")
    story += _formatives(doc.formatives, doc.rubric)

    story += section("Consulting teacher's rating recommendation")
    if not is_evaluative(c, cy):
        story.append(
            empty("This program is non-evaluative: the consulting teacher makes no rating recommendation.")
        )
    elif doc.recommendation is None:
        story.append(empty("No summative recommendation is visible to this reader yet."))
    else:
        r = doc.recommendation
        story.append(
            p(
                f"Recommendation dated {fmt_date(r.dated)}, version {r.version} "
                f"({'final' if r.status == 'final' else 'draft'}), by {r.author}.",
                S.small,
            )
        )
        story.append(_ratings_summary(r, doc.rubric))
        story += _ratings_detail(r, doc.rubric)
        story += _overall(r)
        story += _overrides(r)
        for resp in r.responses:
            story.append(keep(
                px(f"<b>Educator's written response</b>, received {m(fmt_date(resp.received_on))}", S.body_tight),
                *_paragraphs([resp.text]),
            ))

    story += _panel_decision(doc)
    return story


# --------------------------------------------------------------------------- agenda


def agenda_story(doc: AgendaDoc) -> list[Flowable]:
    mt = doc.meeting
    reader = READER_LABELS.get(doc.meta.audience, doc.meta.audience)
    story: list[Flowable] = _title_block(
        mt.title,
        f"{fmt_date(mt.on)}{' · ' + mt.time if mt.time else ''}{' · ' + mt.location if mt.location else ''}",
    )
    story.append(
        facts(
            [
                ("Date", fmt_date(mt.on)),
                ("Time", mt.time),
                ("Location", mt.location),
                ("Chair", mt.chair),
                ("Cases", str(len(mt.items))),
                ("Prepared for", reader),
            ],
            columns=3,
            skip_empty=True,
        )
    )
    story += section("Cases for decision")
    if not mt.items:
        story.append(empty("No cases on this agenda are visible to this reader."))
    else:
        rows = []
        for i, it in enumerate(mt.items, 1):
            who = px(
                f"<b>{m(it.educator_name)}</b><br/>"
                f'<font color="#5F6B76" size="7.6">{m("; ".join(it.sites))}</font>',
                S.cell,
            )
            prog = px(f'{m(it.program)}<br/><font color="#5F6B76" size="7.6">{m(it.cycle)}</font>', S.cell)
            rows.append([str(i), who, prog, it.ct_name, it.decision, it.recommendation])
        story.append(
            table(
                [
                    "#",
                    "Educator",
                    "Program / cycle",
                    "Consulting teacher",
                    "Panel to decide",
                    "Recommended",
                ],
                rows,
                [0.36, 1.7, 1.7, 1.15, 1.4, 1.3],
                numeric=(0,),
            )
        )
    return story


# --------------------------------------------------------------------------- what was left out (every document)


def omitted_story(meta: DocumentMeta) -> list[Flowable]:
    """Never silently empty: state what the confidentiality policy left out of this document."""
    story = section("Not in this document")
    reader = READER_LABELS.get(meta.audience, meta.audience)
    if not meta.omitted:
        story.append(p(f"Nothing that belongs in this document was withheld from {reader}.", S.small))
        return story
    story.append(p(f"Prepared for {reader}, so the confidentiality policy left out:", S.small))
    story += [p(f"\u2022 {line}", S.small) for line in meta.omitted]
    return story
