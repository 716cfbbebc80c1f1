"""Steps 1 and 2 of the Massachusetts cycle: the educator's self-assessment and the Educator Plan.

The self-assessment is the educator's: per standard, strengths and areas to grow. The CT enters it from the
educator's paper form, or imports the file the educator filled in (the CSV or JSON template the app writes; the
format is described in docs/self-assessment.md). The Educator Plan (PAR) states the plan type, its goals and
prescriptions (which link to it), actions and supports, a timeline and the duration; it is final once the
evaluator and the educator have both signed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ..core import rules
from ..core.enums import DocumentStatus
from ..core.errors import RuleViolation, ValidationError
from ..store.models import CTProfile, Educator, EducatorPlan, Goal, Prescription, SelfAssessment
from .cycle_docs import DocumentService, jsonable

TEMPLATE_FORMAT = "esp-self-assessment"
TEMPLATE_VERSION = 1
MAX_IMPORT_BYTES = 512 * 1024
MAX_TEXT = 5000  # characters per box: a form answer, not a file
META_ROWS = {"educator": "educator", "completed on": "completed_on", "reflection": "reflection"}
SIGNER_ROLES = ("evaluator", "educator")


class SelfAssessmentService(DocumentService):
    model = SelfAssessment
    noun = "self-assessment"

    def draft(self, *, educator_id: str, completed_on: date | None = None, reflection: str | None = None,
              entries: Mapping[str, Mapping[str, str]] | None = None, source: str = "entered",
              source_file: str | None = None, source_sha256: str | None = None) -> SelfAssessment:
        clean = self._entries(entries or {})
        self._check_day(completed_on)
        with self.session() as s:
            e = self.get(s, Educator, educator_id, what="Educator")
            program = self._svc.caseload.program_of(s, educator_id)
            if program is None:
                raise RuleViolation(f"{e.display_name} is not enrolled: a self-assessment starts a cycle of support.")
            for d in s.scalars(self.live(SelfAssessment).where(SelfAssessment.educator_id == educator_id)):
                if d.status == DocumentStatus.DRAFT:
                    raise RuleViolation(f"{e.display_name} already has a self-assessment in draft: finish or "
                                        "delete it first.")
            cycle = self._svc.compliance.cycle_on_in(s, educator_id, self.today())
            doc = SelfAssessment(educator_id=educator_id, cycle_id=cycle.id if cycle else None, entries=clean,
                                 reflection=_text(reflection), completed_on=completed_on, source=source,
                                 source_file=source_file, source_sha256=source_sha256,
                                 status=DocumentStatus.DRAFT.value)
            s.add(doc)
            return doc

    def _entries(self, entries: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
        codes = self._svc.rubric.standard_codes()
        unknown = [k for k in entries if k not in codes]
        if unknown:
            raise ValidationError(f"Unknown standard(s) {', '.join(unknown)}: the rubric has {', '.join(codes)}.")
        out = {}
        for code in codes:
            e = entries.get(code) or {}
            strengths, grow = _text(e.get("strengths")), _text(e.get("areas_to_grow"))
            if strengths or grow:
                out[code] = {"strengths": strengths or "", "areas_to_grow": grow or ""}
        return out

    def _check_day(self, day: date | None) -> None:
        if day is not None and day > self.today():
            raise ValidationError("The self-assessment cannot be dated in the future.")

    def set_entry(self, *, document_id: str, standard: str, strengths: str = "",
                  areas_to_grow: str = "") -> SelfAssessment:
        with self.session() as s:
            doc = self._editable(s, document_id)
            entries = dict(doc.entries or {})
            entries.update(self._entries({standard: {"strengths": strengths, "areas_to_grow": areas_to_grow}}))
            if not (_text(strengths) or _text(areas_to_grow)):
                entries.pop(standard, None)
            doc.entries = entries
            return doc

    def update(self, document_id: str, *, reflection: str | None = None,
               completed_on: date | None = None) -> SelfAssessment:
        self._check_day(completed_on)
        with self.session() as s:
            doc = self._editable(s, document_id)
            doc.reflection = _text(reflection)
            doc.completed_on = completed_on
            return doc

    def problems(self, document_id: str) -> list[str]:
        with self.session() as s:
            return self._problems(self._doc(s, document_id))

    def _problems(self, doc: SelfAssessment) -> list[str]:
        missing = [c for c in self._svc.rubric.standard_codes() if c not in (doc.entries or {})]
        out = []
        if missing:
            out.append(f"Fill in strengths or areas to grow for every standard (missing: {', '.join(missing)}).")
        if doc.completed_on is None:
            out.append("Give the date the educator completed the self-assessment.")
        return out

    def finalize(self, *, document_id: str) -> SelfAssessment:
        with self.session() as s:
            doc = self._editable(s, document_id)
            problems = self._problems(doc)
            if problems:
                raise ValidationError(" ".join(problems))
            self._seal(doc)
            return doc

    def correct(self, *, document_id: str) -> SelfAssessment:
        with self.session() as s:
            return self._start_correction(s, self._doc(s, document_id), (
                "educator_id", "cycle_id", "entries", "reflection", "completed_on", "source", "source_file",
                "source_sha256"))

    # --- the file the educator fills in ------------------------------------------------------------------------

    def write_template(self, path: str | os.PathLike[str], *, educator_id: str | None = None) -> Path:
        """A blank form for the educator: CSV (opens in any spreadsheet) or JSON, by the file's suffix."""
        target = Path(path)
        name = self._svc.caseload.educator(educator_id).display_name if educator_id else ""
        standards = self._svc.rubric.standards
        if target.suffix.lower() == ".json":
            data: dict[str, Any] = {
                "format": TEMPLATE_FORMAT, "version": TEMPLATE_VERSION, "educator": name, "completed_on": "",
                "standards": {s.code: {"name": s.name, "strengths": "", "areas_to_grow": ""} for s in standards},
                "reflection": "",
            }
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        elif target.suffix.lower() == ".csv":
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow([f"# {TEMPLATE_FORMAT} v{TEMPLATE_VERSION}: fill in the Strengths and Areas to grow columns, "
                        "the date (YYYY-MM-DD) and, if you like, a reflection. Keep the first column as it is."])
            w.writerow(["Educator", name])
            w.writerow(["Completed on", ""])
            w.writerow(["Reflection", ""])
            w.writerow([])
            w.writerow(["Standard", "Standard name", "Strengths", "Areas to grow"])
            for st in standards:
                w.writerow([st.code, st.name, "", ""])
            text = buf.getvalue()
        else:
            raise ValidationError("Save the form as .csv or .json.")
        _atomic_write(target, text.encode("utf-8-sig" if target.suffix.lower() == ".csv" else "utf-8"))
        return target

    def import_file(self, *, educator_id: str, path: str | os.PathLike[str]) -> SelfAssessment:
        """A draft self-assessment from the form the educator filled in (CSV or JSON). Nothing is written when
        the file cannot be read; the message says what is wrong."""
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError:
            raise ValidationError(f"{p.name} could not be read.") from None
        if len(raw) > MAX_IMPORT_BYTES:
            raise ValidationError(f"{p.name} is too large for a self-assessment form ({len(raw) // 1024} KB).")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(f"{p.name} is not a text file saved as UTF-8: save the form as CSV (UTF-8) or "
                                  "JSON and try again.") from None
        parsed = _parse_json(text, p.name) if p.suffix.lower() == ".json" else _parse_csv(text, p.name)
        e = self._svc.caseload.educator(educator_id)
        who = " ".join(str(parsed.get("educator") or "").split())
        if who and who.casefold() != " ".join(e.display_name.split()).casefold():
            raise ValidationError(f"This form was filled in by {who}; you are importing it for {e.display_name}.")
        completed = _day(parsed.get("completed_on"), p.name)
        entries = parsed.get("standards") or {}
        if not any((v.get("strengths") or "").strip() or (v.get("areas_to_grow") or "").strip()
                   for v in entries.values()):
            raise ValidationError(f"{p.name} has no strengths or areas to grow filled in.")
        return self.draft(educator_id=educator_id, completed_on=completed, reflection=parsed.get("reflection"),
                          entries=entries, source="imported", source_file=p.name,
                          source_sha256=hashlib.sha256(raw).hexdigest())


class EducatorPlanService(DocumentService):
    model = EducatorPlan
    noun = "Educator Plan"

    def draft(self, *, educator_id: str, plan_type: str | None = None, start_on: date | None = None,
              end_on: date | None = None, focus: str | None = None) -> EducatorPlan:
        with self.session() as s:
            e = self._par(s, educator_id)
            if any(p.status == DocumentStatus.DRAFT for p in
                   s.scalars(self.live(EducatorPlan).where(EducatorPlan.educator_id == educator_id))):
                raise RuleViolation(f"{e.display_name} already has an Educator Plan in draft: finish or delete it.")
            cycle = self._svc.compliance.cycle_on_in(s, educator_id, self.today())
            plan_type = plan_type or (cycle.plan_type if cycle else None)
            start_on = start_on or (cycle.start_on if cycle else None)
            end_on = end_on or (cycle.end_on if cycle else None)
            if not plan_type or start_on is None or end_on is None:
                raise ValidationError("Give the plan type and its dates (or start the evaluation cycle first).")
            self._check(plan_type, start_on, end_on)
            p = EducatorPlan(educator_id=educator_id, cycle_id=cycle.id if cycle else None, plan_type=plan_type,
                             start_on=start_on, end_on=end_on, focus=_text(focus), actions=[], timeline=[],
                             status=DocumentStatus.DRAFT.value)
            s.add(p)
            return p

    def _par(self, s: Session, educator_id: str) -> Educator:
        e = self.get(s, Educator, educator_id, what="Educator")
        program = self._svc.caseload.program_of(s, educator_id)
        if program is None or not rules.is_evaluative(program):
            raise RuleViolation(f"The Educator Plan is part of the evaluation cycle (PAR); {e.display_name} is in "
                                f"{program or 'no program'}, which is non-evaluative.")
        return e

    def _check(self, plan_type: str, start_on: date, end_on: date) -> None:
        if plan_type not in [c for c, _ in self._svc.rubric.plan_types]:
            raise ValidationError(f"Unknown plan type {plan_type!r}.")
        if end_on <= start_on:
            raise ValidationError("The plan must end after it starts.")
        if (end_on - start_on).days > 2 * 366:
            raise ValidationError("An Educator Plan lasts at most two school years.")

    def update(self, plan_id: str, **fields: Any) -> EducatorPlan:
        """Edit a draft (plan type, dates, focus). Signatures on it are cleared: they signed other words."""
        with self.session() as s:
            p = self._editable(s, plan_id)
            if "focus" in fields:
                fields["focus"] = _text(fields["focus"])
            self.apply_fields(p, fields, ("plan_type", "start_on", "end_on", "focus"))
            self._check(p.plan_type, p.start_on, p.end_on)
            self._unsign(p)
            return p

    def set_actions(self, plan_id: str, actions: Sequence[Mapping[str, Any]]) -> EducatorPlan:
        """Actions the educator takes and the supports provided: ``{"action", "supports", "due_on"}``."""
        rows = []
        for a in actions:
            action, supports = _text(a.get("action")), _text(a.get("supports"))
            if not action:
                if supports:
                    raise ValidationError("Every support goes with an action: write the action too.")
                continue
            due = a.get("due_on")
            rows.append({"action": action, "supports": supports or "",
                         "due_on": jsonable(due) if isinstance(due, date) else (due or None)})
        with self.session() as s:
            p = self._editable(s, plan_id)
            for r in rows:
                if r["due_on"] is not None:
                    _in_plan(p, _day(r["due_on"], "the plan"), "An action")
            p.actions = rows
            self._unsign(p)
            return p

    def set_timeline(self, plan_id: str, items: Sequence[Mapping[str, Any]]) -> EducatorPlan:
        """Benchmarks and check-ins: ``{"on", "what"}``, kept in date order."""
        with self.session() as s:
            p = self._editable(s, plan_id)
            rows = []
            for it in items:
                what = _text(it.get("what"))
                if not what:
                    continue
                on = it.get("on")
                day = on if isinstance(on, date) else _day(on, "the plan")
                if day is None:
                    raise ValidationError(f"Give a date for “{what}”.")
                _in_plan(p, day, "A timeline entry")
                rows.append({"on": day.isoformat(), "what": what})
            p.timeline = sorted(rows, key=lambda r: r["on"])
            self._unsign(p)
            return p

    @staticmethod
    def _unsign(p: EducatorPlan) -> None:
        p.evaluator_name = p.evaluator_signed_on = p.educator_name = p.educator_signed_on = None

    def link_goal(self, *, plan_id: str, goal_id: str, linked: bool = True) -> Goal:
        return self._link(Goal, plan_id, goal_id, linked, "goal")

    def link_prescription(self, *, plan_id: str, prescription_id: str, linked: bool = True) -> Prescription:
        return self._link(Prescription, plan_id, prescription_id, linked, "prescription")

    def _link(self, model: type[Any], plan_id: str, record_id: str, linked: bool, what: str) -> Any:
        with self.session() as s:
            p = self._editable(s, plan_id)
            r = self.get(s, model, record_id, what=what.capitalize())
            if r.educator_id != p.educator_id:
                raise ValidationError(f"That {what} belongs to another educator.")
            r.plan_id = p.id if linked else None
            self._unsign(p)
            return r

    def _chain(self, s: Session, p: EducatorPlan) -> set[str]:
        """Every version of this plan: goals linked to any of them belong to it."""
        plans = {x.id: x for x in s.scalars(self.live(EducatorPlan).where(EducatorPlan.educator_id == p.educator_id))}

        def root(x: EducatorPlan) -> str:
            seen = set()
            while x.supersedes_id and x.supersedes_id in plans and x.id not in seen:
                seen.add(x.id)
                x = plans[x.supersedes_id]
            return x.id

        r = root(p)
        return {x.id for x in plans.values() if root(x) == r}

    def goals(self, plan_id: str) -> list[Goal]:
        with self.session() as s:
            p = self._doc(s, plan_id)
            chain = self._chain(s, p)
            return list(s.scalars(self.live(Goal).where(Goal.plan_id.in_(chain)).order_by(Goal.created_at)))

    def prescriptions(self, plan_id: str) -> list[Prescription]:
        with self.session() as s:
            p = self._doc(s, plan_id)
            chain = self._chain(s, p)
            return list(s.scalars(self.live(Prescription).where(Prescription.plan_id.in_(chain))
                                  .order_by(Prescription.created_at)))

    def problems(self, plan_id: str) -> list[str]:
        with self.session() as s:
            p = self._doc(s, plan_id)
            return self._problems(s, p)

    def _problems(self, s: Session, p: EducatorPlan) -> list[str]:
        chain = self._chain(s, p)
        goals = s.scalars(self.live(Goal).where(Goal.plan_id.in_(chain))).first()
        out = []
        if goals is None:
            out.append("Link at least one goal to the plan.")
        if not p.actions:
            out.append("Write at least one action, with the supports provided.")
        return out

    def sign(self, *, plan_id: str, role: str, name: str | None = None, signed_on: date | None = None) -> EducatorPlan:
        """The evaluator's or the educator's signature. The plan becomes final (hashed) with the second one."""
        if role not in SIGNER_ROLES:
            raise ValidationError("The plan is signed by the evaluator and by the educator.")
        day = signed_on or self.today()
        if day > self.today():
            raise ValidationError("A signature cannot be dated in the future.")
        with self.session() as s:
            p = self._editable(s, plan_id)
            problems = self._problems(s, p)
            if problems:
                raise ValidationError("The plan is not ready to sign: " + " ".join(problems))
            e = self.get(s, Educator, p.educator_id, what="Educator")
            if role == "educator":
                who = " ".join((name or e.display_name).split())
                if who.casefold() != " ".join(e.display_name.split()).casefold():
                    raise ValidationError(f"The educator's signature is {e.display_name}'s; {who!r} is someone else.")
                p.educator_name, p.educator_signed_on = e.display_name, day
            else:
                profile = s.scalars(self.live(CTProfile)).first()
                who = " ".join((name or (profile.name if profile else "")).split())
                if not who:
                    raise ValidationError("Enter the evaluator's name.")
                p.evaluator_name, p.evaluator_signed_on = who, day
            if p.evaluator_signed_on and p.educator_signed_on:
                self._seal(p)
            return p

    def correct(self, *, plan_id: str) -> EducatorPlan:
        """A new draft version (signatures cleared); the goals linked to the plan stay linked."""
        with self.session() as s:
            return self._start_correction(s, self._doc(s, plan_id), (
                "educator_id", "cycle_id", "plan_type", "start_on", "end_on", "focus", "actions", "timeline"))


def _in_plan(p: EducatorPlan, day: date | None, what: str) -> None:
    if day is not None and not (p.start_on <= day <= p.end_on):
        raise ValidationError(f"{what} dated {day.isoformat()} falls outside the plan "
                              f"({p.start_on.isoformat()} to {p.end_on.isoformat()}).")


def _text(value: Any) -> str | None:
    text = str(value or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(f"A box holds at most {MAX_TEXT} characters (this one has {len(text)}).")
    return text or None


def _day(value: Any, source: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{source}: {value!r} is not a date; write it as YYYY-MM-DD.") from None


def _parse_json(text: str, name: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationError(f"{name} is not a valid self-assessment form (JSON could not be read).") from None
    if not isinstance(data, dict) or data.get("format") != TEMPLATE_FORMAT:
        raise ValidationError(f"{name} is not an esp-desktop self-assessment form.")
    if data.get("version") != TEMPLATE_VERSION:
        raise ValidationError(f"{name} is a version {data.get('version')} form; this app reads version "
                              f"{TEMPLATE_VERSION}.")
    stds = data.get("standards")
    if not isinstance(stds, dict) or not all(isinstance(v, dict) for v in stds.values()):
        raise ValidationError(f"{name}: “standards” must map each standard to its strengths and areas to grow.")
    return {"educator": data.get("educator"), "completed_on": data.get("completed_on"),
            "reflection": data.get("reflection"),
            "standards": {str(k): {"strengths": str(v.get("strengths") or ""),
                                   "areas_to_grow": str(v.get("areas_to_grow") or "")} for k, v in stds.items()}}


def _parse_csv(text: str, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {"standards": {}}
    table = False
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        raise ValidationError(f"{name} is not a valid CSV file.") from None
    for n, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        key = cells[0].casefold()
        if key == "standard":
            table = True
            continue
        if not table and key in META_ROWS:
            out[META_ROWS[key]] = cells[1] if len(cells) > 1 else ""
            continue
        if not table:
            raise ValidationError(f"{name}, line {n}: {cells[0]!r} is not part of the form (keep the first column "
                                  "as the template has it).")
        cells += [""] * (4 - len(cells))
        out["standards"][cells[0]] = {"strengths": cells[2], "areas_to_grow": cells[3]}
    if not table:
        raise ValidationError(f"{name} is not an esp-desktop self-assessment form (no Standard table).")
    return out


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".esp-", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
