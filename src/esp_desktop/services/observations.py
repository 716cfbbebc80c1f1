"""Observations: announced/unannounced visits, pre/post conferences and the timestamped script.

Every scripted line is committed on its own (autosave): a crash or power cut loses at most the line being typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm.attributes import set_committed_value

from ..core import clock
from ..core.enums import ObservationKind, ObservationStatus
from ..core.errors import RuleViolation, ValidationError
from ..store.models import Educator, Observation, ScriptNote, Site
from .base import Service

OBSERVATION_FIELDS = ("kind", "observed_on", "site_id", "class_period", "duration_minutes", "pre_conference_on",
                      "pre_conference_notes", "post_conference_on", "post_conference_notes", "feedback", "next_steps",
                      "cycle_id", "observer_person_id", "feedback_given_on")
MAX_MINUTES = 600


class ObservationService(Service):
    def start(self, *, educator_id: str, kind: str, observed_on: date | None = None, site_id: str | None = None,
              class_period: str | None = None, observer_person_id: str | None = None,
              started_at: datetime | None = None, audience: str | None = None) -> Observation:
        audience = self.check_audience(audience, "observation")
        try:
            kind = ObservationKind(kind).value
        except ValueError:
            raise ValidationError("An observation is either announced or unannounced.") from None
        observed_on = observed_on or self.today()
        if observed_on > self.today():
            raise ValidationError("An observation is recorded on the day it takes place, not ahead of time.")
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            if site_id:
                self.get(s, Site, site_id, what="Site")
            self._svc.caseload.guard_audience(s, educator_id, audience)
            self._svc.caseload.require_enrolled(s, educator_id, on=observed_on, what="observations")
            cyc = self._svc.compliance.cycle_on_in(s, educator_id, observed_on)
            o = Observation(educator_id=educator_id, kind=kind, observed_on=observed_on, site_id=site_id,
                            class_period=class_period, observer_person_id=observer_person_id,
                            started_at=started_at or clock.now(), status=ObservationStatus.IN_PROGRESS.value,
                            cycle_id=cyc.id if cyc and cyc.start_on <= observed_on <= cyc.end_on else None,
                            audience=self.check_audience(audience))
            s.add(o)
            return o

    def update(self, observation_id: str, *, unchanged_since: datetime | None = None,
               **fields: object) -> Observation:
        with self.session() as s:
            o = self.get(s, Observation, observation_id, what="Observation")
            self.check_unchanged(o, unchanged_since, "observation")
            if "kind" in fields and fields["kind"] != o.kind:
                try:
                    fields["kind"] = ObservationKind(str(fields["kind"])).value
                except ValueError:
                    raise ValidationError("An observation is either announced or unannounced.") from None
                if o.finished_at is not None:
                    raise RuleViolation(
                        "This observation was finished as "
                        f"{o.kind}: its kind decided how it counts and cannot change now. If it was recorded "
                        "under the wrong kind, reopen it, delete it and record the visit again.")
            if "observed_on" in fields and fields["observed_on"] != o.observed_on:
                day = fields["observed_on"]
                if not isinstance(day, date) or day > self.today():
                    raise ValidationError("An observation's date cannot be in the future.")
                self._svc.caseload.require_enrolled(s, o.educator_id, on=day, what="observations")
            minutes = fields.get("duration_minutes")
            if minutes is not None and (not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES):
                raise ValidationError(f"An observation lasts between 1 and {MAX_MINUTES} minutes.")
            self.apply_fields(o, dict(fields), OBSERVATION_FIELDS)
            self._check_feedback(o)
            return o

    def _check_feedback(self, o: Observation) -> None:
        given = o.feedback_given_on
        if given is None:
            return
        if not (o.feedback or "").strip():
            raise ValidationError("Write the feedback before recording the day it was given.")
        if given < o.observed_on:
            raise ValidationError("Feedback is given on or after the day of the observation.")
        if given > self.today():
            raise ValidationError("The day the feedback was given cannot be in the future.")

    def give_feedback(self, *, observation_id: str, on: date | None = None, feedback: str | None = None) -> Observation:
        """Record that the educator received the feedback (on ``on``, default today): from then the observation
        counts toward compliance, and the feedback deadline is met (or met late)."""
        day = on or self.today()
        if feedback is None:
            return self.update(observation_id, feedback_given_on=day)
        return self.update(observation_id, feedback=feedback, feedback_given_on=day)

    def add_note(self, *, observation_id: str, text: str, at: datetime | None = None,
                 indicator_codes: Sequence[str] = (), equity_codes: Sequence[str] = (),
                 audience: str | None = None) -> ScriptNote:
        """Append a timestamped line to the script (committed immediately)."""
        audience = self.check_audience(audience, "script_note")
        text = text.strip()
        if not text:
            raise ValidationError("An empty line is not a note.")
        self.check_codes(indicator_codes, equity_codes)
        at = at or clock.now()
        with self.session() as s:
            o = self.get(s, Observation, observation_id, what="Observation")
            start = o.started_at or at
            # The next number is computed inside the INSERT itself, which runs under the database's write lock:
            # two writers (a second app window, the command line) can never both take the same number, as
            # they could with a separate SELECT max() first.
            next_seq = (select(func.coalesce(func.max(ScriptNote.seq), 0) + 1)
                        .where(ScriptNote.observation_id == o.id).scalar_subquery())
            n = ScriptNote(observation_id=o.id, educator_id=o.educator_id, seq=next_seq, at=at,
                           offset_seconds=max(0, int((at - start).total_seconds())), text=text,
                           indicator_codes=list(indicator_codes), equity_codes=list(equity_codes),
                           audience=self.check_audience(audience))
            s.add(n)
            s.flush()
            # Read back the number the INSERT took (same transaction): one column, not an ORM refresh (half the
            # cost of the read-back on every typed line, issue 15).
            set_committed_value(n, "seq", s.scalar(select(ScriptNote.seq).where(ScriptNote.id == n.id)))
            return n

    def edit_note(self, note_id: str, *, text: str | None = None, indicator_codes: Sequence[str] | None = None,
                  equity_codes: Sequence[str] | None = None, audience: str | None = None) -> ScriptNote:
        with self.session() as s:
            n = self.get(s, ScriptNote, note_id, what="Note")
            if text is not None:
                if not text.strip():
                    raise ValidationError("An empty line is not a note.")
                n.text = text.strip()
            if indicator_codes is not None:
                self.check_codes(indicator_codes)
                n.indicator_codes = list(dict.fromkeys(indicator_codes))
            if equity_codes is not None:
                self.check_codes((), equity_codes)
                n.equity_codes = list(dict.fromkeys(equity_codes))
            if audience is not None:
                self._svc.caseload.guard_audience(s, n.educator_id, audience)
                n.audience = self.check_audience(audience)
            return n

    def toggle_tag(self, note_id: str, code: str) -> ScriptNote:
        """Add or remove one rubric indicator or equity tag on a note (keyboard tagging)."""
        rubric = self._svc.rubric
        with self.session() as s:
            n = self.get(s, ScriptNote, note_id, what="Note")
            attr = "indicator_codes" if rubric.is_indicator(code) else "equity_codes"
            self.check_codes(*(([code], ()) if attr == "indicator_codes" else ((), [code])))
            cur = list(getattr(n, attr))
            cur = [c for c in cur if c != code] if code in cur else cur + [code]
            setattr(n, attr, cur)
            return n

    def delete_note(self, note_id: str) -> None:
        self.soft_delete(ScriptNote, note_id)

    def delete_notes(self, note_ids: Sequence[str]) -> int:
        """Delete several script lines in one step (undone by ``restore_notes``). Returns how many."""
        with self.session() as s:
            notes = [self.get(s, ScriptNote, i, what="Note") for i in note_ids]
            for n in notes:
                n.deleted = True
            return len(notes)

    def restore_notes(self, note_ids: Sequence[str]) -> list[ScriptNote]:
        """Bring back lines deleted by mistake (Ctrl+Z in the capture screen)."""
        with self.session() as s:
            notes = [n for n in (s.get(ScriptNote, i) for i in note_ids) if n is not None]
            if len(notes) != len(note_ids):
                raise ValidationError("Those lines cannot be brought back.")
            for n in notes:
                n.deleted = False
            return notes

    def set_notes_audience(self, note_ids: Sequence[str], *, audience: str) -> list[ScriptNote]:
        """Share (or make private again) several script lines at once."""
        audience = self.check_audience(audience)
        with self.session() as s:
            notes = [self.get(s, ScriptNote, i, what="Note") for i in note_ids]
            for n in notes:
                self._svc.caseload.guard_audience(s, n.educator_id, audience)
                n.audience = audience
            return notes

    def finish(self, *, observation_id: str, finished_at: datetime | None = None) -> Observation:
        """Finish the observation: from now on it counts toward cycle compliance."""
        with self.session() as s:
            o = self.get(s, Observation, observation_id, what="Observation")
            if o.status == ObservationStatus.FINISHED:
                raise RuleViolation("This observation is already finished.")
            finished = finished_at or clock.now()
            if o.started_at is not None and finished < o.started_at:
                raise ValidationError("An observation cannot finish before it started; check the end time.")
            o.finished_at = finished
            if o.started_at and not o.duration_minutes:
                o.duration_minutes = max(1, round((o.finished_at - o.started_at).total_seconds() / 60))
            o.status = ObservationStatus.FINISHED.value
            return o

    def reopen(self, observation_id: str) -> Observation:
        with self.session() as s:
            o = self.get(s, Observation, observation_id, what="Observation")
            o.status = ObservationStatus.IN_PROGRESS.value
            return o

    def observation(self, observation_id: str) -> Observation:
        with self.session() as s:
            return self.get(s, Observation, observation_id, what="Observation")

    def for_educator(self, educator_id: str) -> list[Observation]:
        with self.session() as s:
            q = self.live(Observation).where(Observation.educator_id == educator_id)
            return list(s.scalars(q.order_by(Observation.observed_on.desc(), Observation.created_at.desc())))

    def notes(self, observation_id: str) -> list[ScriptNote]:
        return self.notes_for([observation_id])[observation_id]

    def notes_for(self, observation_ids: Iterable[str]) -> dict[str, list[ScriptNote]]:
        """Each observation's live lines in script order, for many observations in one query (a document with
        40 observations reads their scripts once, not 40 times); every id asked for is a key."""
        out: dict[str, list[ScriptNote]] = {oid: [] for oid in observation_ids}
        if not out:
            return out
        with self.session() as s:
            q = self.live(ScriptNote).where(ScriptNote.observation_id.in_(list(out)))
            for n in s.scalars(q.order_by(ScriptNote.seq)):
                out[n.observation_id].append(n)
        return out

    def notes_among(self, observation_id: str, note_ids: Iterable[str]) -> list[ScriptNote]:
        """The observation's lines among ``note_ids`` (deleted ones included, so a screen can drop them), in
        script order: what a screen re-reads after a commit instead of the whole script (issue 15)."""
        ids = list(note_ids)
        if not ids:
            return []
        with self.session() as s:
            q = select(ScriptNote).where(ScriptNote.observation_id == observation_id, ScriptNote.id.in_(ids))
            return list(s.scalars(q.order_by(ScriptNote.seq)))

    def delete(self, observation_id: str) -> None:
        """Delete an observation started by mistake, with its script. A finished observation counts toward
        compliance and is part of the record: it cannot be deleted (reopen it first if it was finished by
        mistake, then delete)."""
        with self.session() as s:
            o = self.get(s, Observation, observation_id, what="Observation")
            if o.status == ObservationStatus.FINISHED:
                raise RuleViolation("A finished observation counts toward compliance and cannot be deleted. "
                                    "Only an unfinished observation (started by mistake) can be.")
            o.deleted = True
            for n in s.scalars(self.live(ScriptNote).where(ScriptNote.observation_id == o.id)):
                n.deleted = True
