"""Learning Match (issue 18): needs profile, priorities, the PL catalog, ranked matches and the match log,
CT-led PD sessions, and the de-identified counts the program office may aggregate.

    profile = svc.learning.needs(educator_id)                    # core/needs.py, from what is already captured
    p = svc.learning.set_priority(educator_id=..., code="II-B")  # seeds / aligns the practice goal
    options = svc.learning.options(educator_id)                  # ranked, each with its reasons
    m = svc.learning.log_match(educator_id=..., entry_id=options[0].offering.id, priority_code="II-B")
    svc.learning.advance_match(m.id, status="attended")

The scoring rules live in core/ (needs.py, matching.py, aggregates.py); this module only reads records into them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import aggregates, clock, needs
from ..core import matching as M
from ..core.enums import DocumentStatus, GoalKind, GoalStatus
from ..core.errors import NotFound, ValidationError
from ..core.essentials import Essentials, load_essentials
from ..core.learning import (
    CATALOG_COLUMNS,
    LIST_COLUMNS,
    MATCH_DATE_FIELD,
    MATCH_STEPS,
    MAX_PRIORITIES,
    MatchStatus,
    PLKind,
    PriorityStatus,
    split_list,
)
from ..store.models import (
    AssessmentDocument,
    CatalogEntry,
    Educator,
    EvidenceItem,
    Goal,
    GoalProgress,
    LearningMatch,
    LearningPriority,
    Meta,
    Observation,
    PDSession,
    Prescription,
    ScriptNote,
    Site,
)
from .base import Service
from .exports import Column, Table
from .spreadsheet import FORMULA_START, write_csv

SHARED_KEY = "learning.shared"  # the ids of this CT's entries esp-central has
ENTRY_FIELDS = ("kind", "title", "provider", "description", "indicator_codes", "equity_codes", "grade_bands",
                "subjects", "site_name", "site_code", "latitude", "longitude", "online", "session_dates", "weekdays",
                "start_time", "contact", "url", "consent_on", "consent_note", "archived", "shared")
SHARED_FIELDS = tuple(f for f in ENTRY_FIELDS if f not in ("archived", "shared"))
DISTANCES_KEY = "learning.distances"  # the district's distance table, local to this store
SESSION_FIELDS = ("title", "held_on", "location", "goal", "knowledge", "practice", "commitment", "indicator_codes",
                  "equity_codes", "attendees", "entry_id")


def _local_day(dt: datetime | None) -> date:
    return clock.to_local(dt).date() if dt is not None else clock.today()


def _parse_time(text: str | None) -> time | None:
    if not text:
        return None
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{text!r} is not a time of day: write it like 15:30.") from None


def _parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(f"{what}: {text!r} is not a date; write it like 2027-01-14.") from None


def _unguard(cell: str) -> str:
    """Undo the export's guard against spreadsheet formulas ('-71.06 -> -71.06)."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_START else cell


@dataclass(frozen=True)
class CatalogImport:
    """What a catalog import did (or, as a dry run, would do)."""

    added: int = 0
    updated: int = 0
    problems: tuple[str, ...] = ()  # "row 4: ..."; rows with a problem are not imported
    dry_run: bool = False


@dataclass(frozen=True)
class NeedsView:
    """An educator's needs profile with the names the screens and the packet show."""

    profile: needs.Profile
    names: Mapping[str, str]
    indicators: tuple[str, ...]
    essentials: tuple[str, ...]

    def name(self, code: str) -> str:
        return self.names.get(code, code)


@dataclass
class SupportSummary:
    """The packet's "Support provided and learning matched" section, as plain values."""

    priorities: list[LearningPriority] = field(default_factory=list)
    matches: list[LearningMatch] = field(default_factory=list)
    sessions: list[tuple[PDSession, dict[str, Any]]] = field(default_factory=list)  # (session, this attendee)
    top_needs: list[tuple[str, str, float]] = field(default_factory=list)  # (code, name, score)


class LearningService(Service):
    # --- vocabulary --------------------------------------------------------------------------------------------
    @property
    def essentials(self) -> Essentials:
        return load_essentials()

    def code_names(self) -> dict[str, str]:
        rb = self._svc.rubric
        names = {i.code: i.name for i in rb.indicators}
        names.update({t.code: t.name for t in rb.equity_tags})
        return names

    def _crosswalk(self) -> dict[str, dict[str, str]]:
        """Indicator -> {Essential: strength} for the rubric in use."""
        out: dict[str, dict[str, str]] = {}
        for lk in self.essentials.crosswalk(self._svc.rubric.id):
            out.setdefault(lk.indicator, {})[lk.essential] = lk.strength
        return out

    def _rubricish(self) -> M.Rubricish:
        rb = self._svc.rubric
        both: dict[str, dict[str, str]] = {}
        for ind, links in self._crosswalk().items():
            for ess, strength in links.items():
                both.setdefault(ind, {})[ess] = strength
                both.setdefault(ess, {})[ind] = strength
        return M.Rubricish(names=self.code_names(), standard_of={i.code: i.standard for i in rb.indicators},
                           crosswalk=both)

    def _check_code(self, code: str) -> str:
        code = code.strip()
        rb = self._svc.rubric
        if not (rb.is_indicator(code) or rb.is_equity_tag(code)):
            raise ValidationError(f"{code!r} is not a rubric indicator or an Essential: choose one from the list.")
        return code

    # --- needs profile -----------------------------------------------------------------------------------------
    def signals(self, educator_id: str) -> list[needs.Signal]:
        """Everything already captured about this educator, as needs signals (core/needs.py weighs them)."""
        rb = self._svc.rubric
        out: list[needs.Signal | None] = []
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            obs_day = {o.id: o.observed_on for o in s.scalars(self.live(Observation).where(
                Observation.educator_id == educator_id))}
            for n in s.scalars(self.live(ScriptNote).where(ScriptNote.educator_id == educator_id)):
                codes = [*n.indicator_codes, *n.equity_codes]
                if codes and n.observation_id in obs_day:
                    out.append(needs.script_line(codes=codes, on=obs_day[n.observation_id], note_id=n.id,
                                                 observation_id=n.observation_id, text=n.text))
            evidence = {e.id: e for e in s.scalars(self.live(EvidenceItem).where(
                EvidenceItem.educator_id == educator_id))}
            cited: set[str] = set()
            docs = s.scalars(self.live(AssessmentDocument).where(
                AssessmentDocument.educator_id == educator_id,
                AssessmentDocument.status == DocumentStatus.FINAL.value))
            for doc in docs:
                on = _local_day(doc.finalized_at)
                what = f"{doc.kind.capitalize()} assessment"
                for std, r in (doc.ratings or {}).items():
                    code = (r or {}).get("rating")
                    if not code:
                        continue
                    indicators = [i.code for st in rb.standards if st.code == std for i in st.indicators]
                    out.append(needs.rating(standard=std, rating_code=code, indicators=indicators, on=on,
                                            document_id=doc.id, document=what))
                    for ev_id in (r or {}).get("evidence_ids") or ():
                        ev = evidence.get(ev_id)
                        if ev is not None and ev.id not in cited:
                            sig = needs.rated_evidence(codes=[*ev.indicator_codes, *ev.equity_codes], on=on,
                                                       evidence_id=ev.id, title=ev.title, rating_code=code)
                            if sig is not None:
                                cited.add(ev.id)
                                out.append(sig)
            for ev in evidence.values():
                codes = [*ev.indicator_codes, *ev.equity_codes]
                if codes and ev.id not in cited:
                    out.append(needs.evidence(codes=codes, on=ev.collected_on, evidence_id=ev.id, title=ev.title))
            for p in s.scalars(self.live(Prescription).where(Prescription.educator_id == educator_id)):
                out.append(needs.prescription(codes=p.indicator_codes, status=p.status, on=_local_day(p.updated_at),
                                              prescription_id=p.id, concern=p.concern))
            for g in s.scalars(self.live(Goal).where(Goal.educator_id == educator_id)):
                checks = sorted(s.scalars(self.live(GoalProgress).where(GoalProgress.goal_id == g.id)),
                                key=lambda c: (c.checked_on, c.created_at))
                last = checks[-1] if checks else None
                percent = next((c.percent for c in reversed(checks) if c.percent is not None), None)
                on = last.checked_on if last else _local_day(g.updated_at)
                out.append(needs.goal(codes=[*g.indicator_codes, *g.equity_codes], kind=g.kind, status=g.status,
                                      percent=percent, on=on, goal_id=g.id, title=g.title))
            for sess in s.scalars(self.live(PDSession)):
                for a in sess.attendees or ():
                    if a.get("educator_id") == educator_id and (a.get("commitment") or sess.commitment):
                        codes = [*(a.get("indicator_codes") or sess.indicator_codes),
                                 *(a.get("equity_codes") or sess.equity_codes)]
                        out.append(needs.commitment(codes=codes, on=sess.held_on, attendance_id=sess.id,
                                                    text=f"{sess.title}: {a.get('commitment') or sess.commitment}"))
        return [x for x in out if x is not None]

    def needs(self, educator_id: str) -> NeedsView:
        rb = self._svc.rubric
        indicators = tuple(i.code for i in rb.indicators)
        essentials = tuple(t.code for t in rb.equity_tags)
        profile = needs.build_profile(self.signals(educator_id), today=self.today(), indicators=indicators,
                                      essentials=essentials, crosswalk=self._crosswalk())
        return NeedsView(profile, self.code_names(), indicators, essentials)

    # --- priorities ----------------------------------------------------------------------------------------------
    def priorities(self, educator_id: str, *, include_closed: bool = False) -> list[LearningPriority]:
        with self.session() as s:
            q = self.live(LearningPriority).where(LearningPriority.educator_id == educator_id)
            if not include_closed:
                q = q.where(LearningPriority.status == PriorityStatus.ACTIVE.value)
            return list(s.scalars(q.order_by(LearningPriority.rank, LearningPriority.created_at)))

    def set_priority(self, *, educator_id: str, code: str, why: str | None = None, seed_goal: bool = True,
                     prescription_action: str | None = None) -> LearningPriority:
        """Make ``code`` one of the educator's (at most two) priorities.

        ``seed_goal``: the active professional-practice goal is tagged with it (or, when there is none, a draft
        one is started for the CT to word with the educator), so the goal, prescriptions and PL stay aligned.
        ``prescription_action``: also prescribe this, aligned to the priority (an Essential: to the indicators
        the crosswalk names as primary).
        """
        code = self._check_code(code)
        rb = self._svc.rubric
        name = self.code_names().get(code, code)
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            active = list(s.scalars(self.live(LearningPriority).where(
                LearningPriority.educator_id == educator_id, LearningPriority.status == PriorityStatus.ACTIVE.value)))
            if any(p.code == code for p in active):
                raise ValidationError(f"{code} {name} is already a priority.")
            if len(active) >= MAX_PRIORITIES:
                raise ValidationError("An educator has at most two priorities at a time: mark one done or drop it "
                                      "first.")
            rank = 1 if all(p.rank != 1 for p in active) else 2
            audience = self.check_audience(None, "learning_priority")
            self._svc.caseload.guard_audience(s, educator_id, audience)
            prio = LearningPriority(educator_id=educator_id, code=code, rank=rank, why=why, set_on=self.today(),
                                    audience=audience)
            is_indicator = rb.is_indicator(code)
            if seed_goal:
                goals = [g for g in s.scalars(self.live(Goal).where(
                    Goal.educator_id == educator_id, Goal.kind == GoalKind.PROFESSIONAL_PRACTICE.value,
                    Goal.status == GoalStatus.ACTIVE.value).order_by(Goal.created_at))]
                if goals:
                    g = goals[0]
                    attr = "indicator_codes" if is_indicator else "equity_codes"
                    if code not in getattr(g, attr):
                        setattr(g, attr, [*getattr(g, attr), code])
                else:
                    g = Goal(educator_id=educator_id, kind=GoalKind.PROFESSIONAL_PRACTICE.value,
                             title=f"Practice: {name}"[:300],
                             statement=f"By the end of the cycle, I will strengthen my practice in {code} {name}, "
                                       "as shown by ... (to word with the educator: specific, measurable, "
                                       "time-bound).",
                             indicator_codes=[code] if is_indicator else [],
                             equity_codes=[] if is_indicator else [code],
                             audience=self.check_audience(None, "goal"))
                    s.add(g)
                    s.flush()
                prio.goal_id = g.id
            if prescription_action and prescription_action.strip():
                indicators = [code] if is_indicator else [
                    i for i, st in self.essentials.indicators_of(code, rb.id).items() if st == "primary"]
                if not indicators:
                    raise ValidationError(f"{code} is linked to no rubric indicator: prescribe from an indicator.")
                p = Prescription(educator_id=educator_id, indicator_codes=indicators, concern=f"Priority: {name}",
                                 action=prescription_action.strip(), audience=self.check_audience(None, "prescription"))
                s.add(p)
                s.flush()
                prio.prescription_id = p.id
            s.add(prio)
            return prio

    def close_priority(self, priority_id: str, *, status: str = PriorityStatus.DONE.value) -> LearningPriority:
        try:
            status = PriorityStatus(status).value
        except ValueError:
            raise ValidationError("A priority is active, done or dropped.") from None
        with self.session() as s:
            p = self.get(s, LearningPriority, priority_id, what="Priority")
            p.status = status
            return p

    # --- the catalog ---------------------------------------------------------------------------------------------
    def catalog(self, *, include_archived: bool = False) -> list[CatalogEntry]:
        with self.session() as s:
            q = self.live(CatalogEntry)
            if not include_archived:
                q = q.where(CatalogEntry.archived.is_(False))
            return list(s.scalars(q.order_by(CatalogEntry.title)))

    def entry(self, entry_id: str) -> CatalogEntry:
        with self.session() as s:
            return self.get(s, CatalogEntry, entry_id, what="Catalog entry")

    def _clean_entry(self, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        out = dict(fields)
        if "kind" in out or creating:
            try:
                out["kind"] = PLKind(str(out.get("kind") or "")).value
            except ValueError:
                kinds = ", ".join(k.value for k in PLKind)
                raise ValidationError(f"Unknown kind {out.get('kind')!r}; choose one of: {kinds}.") from None
        if "title" in out or creating:
            out["title"] = str(out.get("title") or "").strip()
            if not out["title"]:
                raise ValidationError("Give the catalog entry a title.")
        for key in ("indicator_codes", "equity_codes", "grade_bands", "subjects", "weekdays", "session_dates"):
            if key in out:
                out[key] = [str(v).strip() for v in (out[key] or ()) if str(v).strip()]
        self.check_codes(out.get("indicator_codes", ()), out.get("equity_codes", ()))
        if "weekdays" in out:
            days = [d[:3].casefold() for d in out["weekdays"]]
            bad = [d for d in days if d not in M.WEEKDAY_CODES]
            if bad:
                raise ValidationError(f"Unknown weekday(s) {', '.join(bad)}: use Mon, Tue, Wed, Thu or Fri.")
            out["weekdays"] = days
        if "session_dates" in out:
            out["session_dates"] = sorted({_parse_day(d, "Session date").isoformat() for d in out["session_dates"]})
        if out.get("start_time"):
            out["start_time"] = _parse_time(str(out["start_time"])).strftime("%H:%M")  # type: ignore[union-attr]
        for key, lo, hi in (("latitude", -90, 90), ("longitude", -180, 180)):
            v = out.get(key)
            if v is not None and v != "":
                try:
                    out[key] = float(v)
                except (TypeError, ValueError):
                    raise ValidationError(f"The {key} {v!r} is not a number.") from None
                if not lo <= out[key] <= hi:
                    raise ValidationError(f"The {key} must be between {lo} and {hi}.")
            elif key in out:
                out[key] = None
        for key in ("provider", "description", "site_name", "site_code", "contact", "url", "consent_note"):
            if key in out:
                out[key] = (str(out[key] or "")).strip() or None
        return out

    def _check_consent(self, e: CatalogEntry) -> None:
        if e.kind == PLKind.PEER_MODEL.value and (e.consent_on is None or not (e.consent_note or "").strip()):
            raise ValidationError("A peer-model classroom is listed only with the host teacher's consent: record "
                                  "when it was given and how (e.g. 'email of 3 Nov, kept in the CT's files').")

    def add_entry(self, **fields: Any) -> CatalogEntry:
        """Add a catalog entry (keyword arguments: the fields of ``ENTRY_FIELDS``)."""
        unknown = set(fields) - set(ENTRY_FIELDS)
        if unknown:
            raise ValidationError(f"Cannot set {', '.join(sorted(unknown))} on a catalog entry.")
        clean = self._clean_entry(fields, creating=True)
        with self.session() as s:
            e = CatalogEntry(**clean)
            self._check_consent(e)
            s.add(e)
            return e

    def update_entry(self, entry_id: str, *, unchanged_since: datetime | None = None, **fields: Any) -> CatalogEntry:
        clean = self._clean_entry(fields, creating=False)
        with self.session() as s:
            e = self.get(s, CatalogEntry, entry_id, what="Catalog entry")
            if e.origin_id is not None:
                raise ValidationError(f"{e.shared_by or 'Another CT'} shares this entry: only they can change it. "
                                      "You can remove it from your catalog.")
            self.check_unchanged(e, unchanged_since, "catalog entry")
            self.apply_fields(e, clean, ENTRY_FIELDS)
            self._check_consent(e)
            return e

    def remove_entry(self, entry_id: str) -> None:
        """Remove an entry from the catalog (matches already logged keep its title). A copy of another CT's
        shared entry stays removed from this catalog."""
        self.soft_delete(CatalogEntry, entry_id)

    # sharing between CTs (esp-central; the exchange runs after each sync) -------------------------------------
    @staticmethod
    def entry_fields(e: CatalogEntry) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(e, k) for k in SHARED_FIELDS}
        out["consent_on"] = e.consent_on.isoformat() if e.consent_on else None
        return out

    def to_share(self) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
        """(this CT's entries to offer: id and fields, ids to withdraw: no longer shared, archived or removed)."""
        with self.session() as s:
            row = s.get(Meta, SHARED_KEY)
            sent = set((row.value or {}).get("ids", [])) if row is not None else set()
            own = list(s.scalars(select(CatalogEntry).where(CatalogEntry.origin_id.is_(None))))
        offer = [(e.id, self.entry_fields(e)) for e in own if e.shared and not e.deleted and not e.archived]
        offered = {i for i, _f in offer}
        return offer, sorted(sent - offered)

    def shared_sent(self, offered: Iterable[str]) -> None:
        """Remember what esp-central has from this CT (so that un-sharing later withdraws it there)."""
        with self.session() as s:
            row = s.get(Meta, SHARED_KEY)
            if row is None:
                s.add(Meta(key=SHARED_KEY, value={"ids": sorted(offered)}))
            else:
                row.value = {"ids": sorted(offered)}

    def adopt_shared(self, entries: Iterable[Any]) -> int:
        """Take in the other CTs' shared entries (``sync.protocol.SharedEntry``): new ones are added as copies,
        copies follow their origin, withdrawn ones leave; a copy the CT removed stays removed. Entries this
        store cannot read (e.g. tagged for another rubric) are skipped. Returns how many copies changed."""
        changed = 0
        with self.session() as s:
            own = set(s.scalars(select(CatalogEntry.id).where(CatalogEntry.origin_id.is_(None))))
            copies = {c.origin_id: c for c in s.scalars(select(CatalogEntry).where(CatalogEntry.origin_id.isnot(None)))}
            for item in entries:
                origin = str(item.id)
                if origin in own:
                    continue
                copy = copies.get(origin)
                if item.withdrawn:
                    if copy is not None and not copy.deleted:
                        copy.deleted = True
                        changed += 1
                    continue
                if copy is not None and copy.deleted:
                    continue
                raw = {k: v for k, v in dict(item.fields).items() if k in SHARED_FIELDS}
                try:
                    if raw.get("consent_on"):
                        raw["consent_on"] = _parse_day(str(raw["consent_on"]), "Consent date")
                    clean = self._clean_entry(raw, creating=True)
                except (ValidationError, TypeError):
                    continue
                clean.update(shared=False, origin_id=origin, shared_by=(item.shared_by or "another CT")[:120])
                if copy is None:
                    s.add(CatalogEntry(**clean))
                    changed += 1
                elif any(getattr(copy, k) != v for k, v in clean.items()):
                    for k, v in clean.items():
                        setattr(copy, k, v)
                    changed += 1
        return changed

    # CSV ------------------------------------------------------------------------------------------------------
    def catalog_table(self) -> Table:
        cols = tuple(Column(c, c.replace("_", " ")) for c in CATALOG_COLUMNS)
        rows = []
        for e in self.catalog():
            values = {"kind": e.kind, "title": e.title, "provider": e.provider, "description": e.description,
                      "indicators": e.indicator_codes, "essentials": e.equity_codes, "grade_bands": e.grade_bands,
                      "subjects": e.subjects, "site_name": e.site_name, "site_code": e.site_code,
                      "latitude": e.latitude, "longitude": e.longitude, "online": "yes" if e.online else "no",
                      "session_dates": e.session_dates, "weekdays": e.weekdays, "start_time": e.start_time,
                      "contact": e.contact, "url": e.url, "consent_on": e.consent_on, "consent_note": e.consent_note}
            rows.append(tuple("; ".join(v) if isinstance(v, list) else v for v in
                              (values[c] for c in CATALOG_COLUMNS)))
        return Table("catalog", "Professional learning catalog", cols, tuple(rows))

    def export_catalog(self, *, path: str | Path) -> Path:
        return write_csv(self.catalog_table(), path)

    def import_catalog(self, *, path: str | Path, dry_run: bool = False) -> CatalogImport:
        """Add (or, same kind and title, update) catalog entries from a CSV or XLSX file with the export's columns.

        Rows with a problem are reported and skipped; the others are written in one transaction."""
        from .roster import read_roster  # the CSV/XLSX reader of the roster import (encodings, delimiters)

        table = read_roster(path)
        heads = [h.strip().casefold().replace(" ", "_") for h in table.headers]
        if "title" not in heads or "kind" not in heads:
            raise ValidationError(f"{table.source} needs at least the columns kind and title (see an exported "
                                  "catalog for all of them).")
        problems: list[str] = []
        parsed: list[dict[str, Any]] = []
        for line, cells in table.rows:
            raw = {h: _unguard((cells[i] if i < len(cells) else "").strip()) for i, h in enumerate(heads)
                   if h in CATALOG_COLUMNS}
            if not any(raw.values()):
                continue
            f: dict[str, Any] = {}
            for col, v in raw.items():
                key = {"indicators": "indicator_codes", "essentials": "equity_codes"}.get(col, col)
                if col in LIST_COLUMNS:
                    f[key] = split_list(v)
                elif col == "online":
                    f[key] = v.casefold() in ("yes", "y", "true", "1", "online")
                elif col == "consent_on":
                    f[key] = v or None
                else:
                    f[key] = v
            codes = [*f.pop("indicator_codes", []), *f.pop("equity_codes", [])]  # either column: sorted by kind
            f["indicator_codes"] = [c for c in codes if self._svc.rubric.is_indicator(c)]
            f["equity_codes"] = [c for c in codes if not self._svc.rubric.is_indicator(c)]
            try:
                if f.get("consent_on"):
                    f["consent_on"] = _parse_day(f["consent_on"], "Consent date")
                clean = self._clean_entry(f, creating=True)
                if clean["kind"] == PLKind.PEER_MODEL.value and not (clean.get("consent_on") and
                                                                     clean.get("consent_note")):
                    raise ValidationError("a peer-model classroom needs consent_on and consent_note")
            except ValidationError as exc:
                problems.append(f"row {line}: {exc}")
                continue
            parsed.append(clean)
        added = updated = 0
        with self.session() as s:
            existing = {(e.kind, e.title.casefold()): e for e in s.scalars(self.live(CatalogEntry))}
            for clean in parsed:
                e = existing.get((clean["kind"], clean["title"].casefold()))
                if e is None:
                    added += 1
                    if not dry_run:
                        e = CatalogEntry(**clean)
                        s.add(e)
                        existing[(e.kind, e.title.casefold())] = e
                else:
                    updated += 1
                    if not dry_run:
                        for k, v in clean.items():
                            setattr(e, k, v)
            if dry_run:
                s.rollback()
        return CatalogImport(added, updated, tuple(problems), dry_run)

    # --- matching ------------------------------------------------------------------------------------------------
    # the district's distance table (optional; wins over coordinates) --------------------------------------
    def distances(self) -> M.DistanceTable:
        with self.session() as s:
            row = s.get(Meta, DISTANCES_KEY)
            rows = (row.value or {}).get("rows", []) if row is not None else []
        return M.parse_distance_rows([[str(c) for c in r] for r in rows])

    def import_distances(self, *, path: str | Path) -> int:
        """Replace the district's table of distances between schools (CSV/XLSX: school code, school code, miles;
        a header row is optional). Returns the number of pairs."""
        from .roster import read_roster

        table = read_roster(path)
        rows = [list(table.headers), *[list(cells) for _n, cells in table.rows]]
        try:
            parsed = M.parse_distance_rows(rows)
        except ValueError as exc:
            raise ValidationError(f"{table.source}: {exc}.") from None
        if not len(parsed):
            raise ValidationError(f"{table.source} has no distances: rows of school code, school code, miles.")
        keep = [[*(sorted(pair) * 2)[:2], miles] for pair, miles in parsed.miles.items()]  # {a} is a, a
        with self.session() as s:
            row = s.get(Meta, DISTANCES_KEY)
            if row is None:
                s.add(Meta(key=DISTANCES_KEY, value={"rows": keep, "source": table.source}))
            else:
                row.value = {"rows": keep, "source": table.source}
        return len(keep)

    @staticmethod
    def offering(e: CatalogEntry) -> M.Offering:
        place = None
        if e.site_name or e.site_code or e.latitude is not None:
            place = M.Place(e.site_name or e.site_code or "its site", e.site_code, e.latitude, e.longitude)
        days = []
        for d in e.session_dates:
            try:
                days.append(date.fromisoformat(d))
            except ValueError:
                continue
        try:
            start = time.fromisoformat(e.start_time) if e.start_time else None
        except ValueError:
            start = None
        return M.Offering(id=e.id, title=e.title, kind=e.kind, codes=(*e.indicator_codes, *e.equity_codes),
                          grade_bands=tuple(e.grade_bands), subjects=tuple(e.subjects), place=place, online=e.online,
                          session_dates=tuple(days), weekdays=tuple(e.weekdays), start_time=start)

    def learner(self, educator_id: str) -> M.Learner:
        with self.session() as s:
            ed = self.get(s, Educator, educator_id, what="Educator")
            prios = list(s.scalars(self.live(LearningPriority).where(
                LearningPriority.educator_id == educator_id, LearningPriority.status == PriorityStatus.ACTIVE.value)))
            places = []
            for sid in ed.site_ids or ():
                site = s.get(Site, sid)
                if site is not None and not site.deleted:
                    places.append(M.Place(site.name, site.code, site.latitude, site.longitude))
            dues = []
            for p in prios:
                g = s.get(Goal, p.goal_id) if p.goal_id else None
                if g is not None and g.due_on is not None:
                    dues.append(g.due_on)
            return M.Learner(priorities=tuple(M.Priority(p.code, p.rank) for p in prios), places=tuple(places),
                             grade_band=ed.grade_band, subject=ed.role_subject, due=min(dues) if dues else None)

    def options(self, educator_id: str, *, limit: int | None = None) -> list[M.Option]:
        """Catalog entries that serve the educator's active priorities, best first, each with its reasons."""
        learner = self.learner(educator_id)
        if not learner.priorities:
            return []
        offerings = [self.offering(e) for e in self.catalog()]
        table = self.distances()
        return M.rank_options(learner, offerings, today=self.today(), rubric=self._rubricish(), limit=limit,
                              distances=table if len(table) else None)

    # --- the match log -------------------------------------------------------------------------------------------
    def matches(self, educator_id: str) -> list[LearningMatch]:
        with self.session() as s:
            q = self.live(LearningMatch).where(LearningMatch.educator_id == educator_id)
            return list(s.scalars(q.order_by(LearningMatch.offered_on, LearningMatch.created_at)))

    def log_match(self, *, educator_id: str, entry_id: str, priority_code: str,
                  reasons: Sequence[str] = (), notes: str | None = None) -> LearningMatch:
        """Record that the CT offered this catalog entry to the educator for a priority."""
        priority_code = self._check_code(priority_code)
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            e = self.get(s, CatalogEntry, entry_id, what="Catalog entry")
            open_same = s.scalars(self.live(LearningMatch).where(
                LearningMatch.educator_id == educator_id, LearningMatch.entry_id == entry_id,
                LearningMatch.status != MatchStatus.DECLINED.value)).first()
            if open_same is not None:
                raise ValidationError(f"“{e.title}” was already offered to this educator on "
                                      f"{open_same.offered_on.isoformat()}: update that match instead.")
            m = LearningMatch(educator_id=educator_id, entry_id=e.id, entry_title=e.title,
                              priority_code=priority_code, reasons=list(reasons), offered_on=self.today(),
                              notes=notes, audience=self.check_audience(None, "learning_match"))
            s.add(m)
            return m

    def advance_match(self, match_id: str, *, status: str, on: date | None = None, evidence_id: str | None = None,
                      notes: str | None = None, unchanged_since: datetime | None = None) -> LearningMatch:
        """Move a match along offered -> accepted -> attended -> tried in class (or declined); the steps in
        between are dated too. ``evidence_id``: the follow-up evidence of trying it in class."""
        try:
            st = MatchStatus(status)
        except ValueError:
            raise ValidationError("A match is offered, accepted, attended, tried or declined.") from None
        day = on or self.today()
        with self.session() as s:
            m = self.get(s, LearningMatch, match_id, what="Match")
            self.check_unchanged(m, unchanged_since, "match")
            if evidence_id is not None:
                ev = s.get(EvidenceItem, evidence_id)
                if ev is None or ev.deleted or ev.educator_id != m.educator_id:
                    raise NotFound("That evidence item is not in this educator's evidence.")
                m.evidence_id = evidence_id
            if st is not MatchStatus.DECLINED:
                for step in MATCH_STEPS[1:MATCH_STEPS.index(st) + 1]:
                    attr = MATCH_DATE_FIELD[step]
                    if getattr(m, attr) is None:
                        setattr(m, attr, day)
                for step in MATCH_STEPS[MATCH_STEPS.index(st) + 1:]:
                    setattr(m, MATCH_DATE_FIELD[step], None)
            m.status = st.value
            if notes is not None:
                m.notes = notes
            return m

    def remove_match(self, match_id: str) -> None:
        self.soft_delete(LearningMatch, match_id)

    # --- CT-led PD sessions --------------------------------------------------------------------------------------
    def sessions(self) -> list[PDSession]:
        with self.session() as s:
            return list(s.scalars(self.live(PDSession).order_by(PDSession.held_on.desc())))

    def _clean_session(self, s: Session, fields: dict[str, Any]) -> dict[str, Any]:
        out = dict(fields)
        if "title" in out and not str(out["title"] or "").strip():
            raise ValidationError("Give the session a title.")
        if "goal" in out and not str(out["goal"] or "").strip():
            raise ValidationError("Write the session's goal: what participants will be able to do.")
        self.check_codes(out.get("indicator_codes", ()), out.get("equity_codes", ()))
        if "attendees" in out:
            people = []
            for a in out["attendees"] or ():
                a = dict(a)
                ed_id = a.get("educator_id") or None
                name = str(a.get("name") or "").strip()
                if ed_id:
                    ed = self.get(s, Educator, ed_id, what="Educator")
                    name = name or ed.display_name
                if not name:
                    raise ValidationError("Give each attendee a name.")
                self.check_codes(a.get("indicator_codes") or (), a.get("equity_codes") or ())
                people.append({"name": name, "educator_id": ed_id,
                               "commitment": (str(a.get("commitment") or "")).strip() or None,
                               "indicator_codes": list(a.get("indicator_codes") or ()),
                               "equity_codes": list(a.get("equity_codes") or ())})
            out["attendees"] = people
        return out

    def add_session(self, *, title: str, held_on: date, goal: str, knowledge: str | None = None,
                    practice: str | None = None, commitment: str | None = None, location: str | None = None,
                    indicator_codes: Sequence[str] = (), equity_codes: Sequence[str] = (),
                    attendees: Iterable[Mapping[str, Any]] = ()) -> PDSession:
        """Record a PD session the CT led. Attendees on the caseload (``educator_id``) have their commitment
        counted in their needs profile."""
        with self.session() as s:
            f = self._clean_session(s, {"title": title, "goal": goal, "indicator_codes": list(indicator_codes),
                                        "equity_codes": list(equity_codes), "attendees": list(attendees)})
            sess = PDSession(title=f["title"].strip(), held_on=held_on, goal=f["goal"].strip(), knowledge=knowledge,
                             practice=practice, commitment=commitment, location=location,
                             indicator_codes=f["indicator_codes"], equity_codes=f["equity_codes"],
                             attendees=f["attendees"])
            s.add(sess)
            return sess

    def update_session(self, session_id: str, *, unchanged_since: datetime | None = None,
                       **fields: Any) -> PDSession:
        with self.session() as s:
            sess = self.get(s, PDSession, session_id, what="PD session")
            self.check_unchanged(sess, unchanged_since, "PD session")
            self.apply_fields(sess, self._clean_session(s, fields), SESSION_FIELDS)
            return sess

    def remove_session(self, session_id: str) -> None:
        self.soft_delete(PDSession, session_id)

    # --- the panel packet ----------------------------------------------------------------------------------------
    def support_summary(self, educator_id: str) -> SupportSummary:
        out = SupportSummary(priorities=self.priorities(educator_id, include_closed=True),
                             matches=self.matches(educator_id))
        for sess in self.sessions():
            for a in sess.attendees or ():
                if a.get("educator_id") == educator_id:
                    out.sessions.append((sess, a))
        view = self.needs(educator_id)
        out.top_needs = [(c.code, view.name(c.code), round(c.score, 2)) for c in view.profile.top(3)]
        return out

    # --- the CT's own team: needs across the caseload (to plan CT-led PD) ----------------------------------------
    def team_needs(self, *, top: int = 3) -> list[tuple[str, str, int, int]]:
        """Across the educators on the caseload (not archived): (code, name, educators with it among their top
        ``top`` needs, educators with it as a priority), most shared first. The CT's own view; never sent."""
        tally: dict[str, list[int]] = {}
        for ed in self._svc.caseload.educators():
            if ed.archived:
                continue
            for c in self.needs(ed.id).profile.top(top):
                tally.setdefault(c.code, [0, 0])[0] += 1
            for p in self.priorities(ed.id):
                tally.setdefault(p.code, [0, 0])[1] += 1
        names = self.code_names()
        rows = [(code, names.get(code, code), n, k) for code, (n, k) in tally.items()]
        return sorted(rows, key=lambda r: (-r[2] - r[3], r[0]))

    # --- de-identified counts for the program office -------------------------------------------------------------
    def aggregate_submission(self, *, school_year: str = "") -> aggregates.Submission:
        """Per school: how many educators have priorities, and how many have each priority. Nothing else leaves
        the device for this: no names, ids, dates or text. Educators who are or ever were in Peer Assistance
        (or informal coaching) never count (core/aggregates.py)."""
        with self.session() as s:
            prios = list(s.scalars(self.live(LearningPriority).where(
                LearningPriority.status == PriorityStatus.ACTIVE.value)))
            by_educator: dict[str, set[str]] = {}
            for p in prios:
                by_educator.setdefault(p.educator_id, set()).add(p.code)
            rows = []
            for ed_id, codes in by_educator.items():
                ed = s.get(Educator, ed_id)
                if ed is None or ed.deleted or ed.archived:  # off the caseload: no longer counted
                    continue
                schools = []
                for sid in ed.site_ids or ():
                    site = s.get(Site, sid)
                    if site is not None and not site.deleted:
                        schools.append(site.code or site.name)
                rows.append(aggregates.EducatorPriorities(
                    programs=self._svc.caseload.program_history(s, ed_id), schools=tuple(schools),
                    codes=tuple(sorted(codes))))
        return aggregates.submission(rows, school_year=school_year)
