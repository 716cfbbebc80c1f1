"""Caseload: CT profile, sites, people, educators and their enrolment (referral -> intake -> enrolled -> end)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import policy, rules
from ..core.enums import EnrolmentStatus, PersonRole, Program, label
from ..core.errors import CaseloadCapExceeded, NotFound, RuleViolation, ValidationError
from ..store.models import RECORD_TYPES, CTProfile, Educator, Enrolment, IntakeMeeting, Person, Site
from .base import Service

if TYPE_CHECKING:
    from .compliance import DueItem

ACTIVE = (EnrolmentStatus.REFERRED, EnrolmentStatus.INTAKE_SCHEDULED, EnrolmentStatus.ENROLLED)
EDUCATOR_FIELDS = ("given_name", "family_name", "employee_id", "email", "role_subject", "grade_band", "site_ids")


@dataclass(frozen=True)
class CaseloadRow:
    educator: Educator
    enrolment: Enrolment | None
    site_names: tuple[str, ...]
    plan_type: str | None
    next_due: date | None
    next_due_label: str
    late: bool


@dataclass(frozen=True)
class CaseloadScreen:
    rows: list[CaseloadRow]
    active: int  # active PA and PAR educators (they count toward the cap)
    cap: int
    sites: list[Site]  # every site, archived ones too, by name


class CaseloadService(Service):
    # --- profile, sites, people -------------------------------------------------------------------------

    def profile(self) -> CTProfile | None:
        with self.session() as s:
            return s.scalars(self.live(CTProfile)).first()

    def set_profile(self, *, name: str, email: str | None = None, employee_id: str | None = None,
                    school_year: str | None = None, caseload_cap: int | None = None,
                    cap_reason: str | None = None, unchanged_since: datetime | None = None) -> CTProfile:
        """The CT's own profile: the name printed on every document, email, school year and caseload cap.
        A cap other than the program's 12 needs a reason (``caseload_cap=None`` keeps the current cap)."""
        if not name.strip():
            raise ValidationError("Enter your name.")
        if school_year is not None and school_year.strip() and rules.parse_school_year(school_year) is None:
            raise ValidationError(f"Write the school year like {rules.school_year_of(self.today())}.")
        with self.session() as s:
            p = s.scalars(self.live(CTProfile)).first() or CTProfile(name=name, caseload_cap=rules.CASELOAD_CAP)
            if p.updated_at is not None:  # an existing profile (a new one has no timestamp until it is saved)
                self.check_unchanged(p, unchanged_since, "profile")
            cap = p.caseload_cap if caseload_cap is None else caseload_cap
            if not 1 <= cap <= 40:
                raise ValidationError("The caseload cap is a number of educators between 1 and 40.")
            reason = (cap_reason or "").strip() or (p.cap_reason if caseload_cap is None else None)
            if cap != rules.CASELOAD_CAP and not reason:
                raise ValidationError(f"Say why your caseload cap is {cap} rather than the program's "
                                      f"{rules.CASELOAD_CAP} (for example, who agreed to it).")
            p.name, p.email, p.employee_id = name.strip(), email or None, employee_id or None
            p.school_year = (school_year or "").strip() or None
            p.caseload_cap, p.cap_reason = cap, (reason if cap != rules.CASELOAD_CAP else None)
            s.add(p)
            return p

    def cap(self) -> int:
        p = self.profile()
        return p.caseload_cap if p else rules.CASELOAD_CAP

    def school_year(self) -> str:
        """The school year the CT works in (the profile's; else the one today falls in)."""
        p = self.profile()
        return (p.school_year if p and p.school_year else None) or rules.school_year_of(self.today())

    def start_school_year(self, *, school_year: str, continuing: Sequence[str] = (),
                          ended_on: date | None = None) -> dict[str, int]:
        """Roll over to a new school year: the open enrolments in ``continuing`` carry on into it; every other
        open enrolment is completed on ``ended_on`` ("end of school year"). Cycles, documents and records stay
        as they are. Returns how many enrolments continued and ended."""
        if rules.parse_school_year(school_year) is None:
            raise ValidationError(f"Write the school year like {rules.next_school_year(self.school_year())}.")
        keep = set(continuing)
        out = {"continued": 0, "ended": 0}
        with self.session() as s:
            p = s.scalars(self.live(CTProfile)).first()
            if p is None:
                raise RuleViolation("Fill in your profile (Settings › Profile) before starting a school year.")
            if p.school_year == school_year:
                raise RuleViolation(f"You are already working in {school_year}.")
            for en in s.scalars(self.live(Enrolment).where(Enrolment.status.in_([a.value for a in ACTIVE]))):
                if en.id in keep:
                    en.school_year = school_year
                    out["continued"] += 1
                else:
                    en.status = EnrolmentStatus.COMPLETED.value
                    en.ended_on = ended_on or self.today()
                    en.end_reason = f"End of school year {p.school_year or ''}".strip()
                    out["ended"] += 1
            p.school_year = school_year
        return out

    def add_site(self, *, name: str, code: str | None = None, address: str | None = None,
                 latitude: float | None = None, longitude: float | None = None) -> Site:
        if not name.strip():
            raise ValidationError("A site needs a name.")
        _check_location(latitude, longitude)
        with self.session() as s:
            self._unique_site_name(s, name)
            site = Site(name=name.strip(), code=(code or "").strip() or None, address=address, latitude=latitude,
                        longitude=longitude)
            s.add(site)
            return site

    def update_site(self, site_id: str, *, name: str, code: str | None = None, address: str | None = None,
                    latitude: float | None = None, longitude: float | None = None,
                    unchanged_since: datetime | None = None) -> Site:
        """Rename a site (every record that names it follows: they refer to it by id); where it is (decimal
        degrees, for distances to professional learning)."""
        if not name.strip():
            raise ValidationError("A site needs a name.")
        _check_location(latitude, longitude)
        with self.session() as s:
            site = self.get(s, Site, site_id, what="Site")
            self.check_unchanged(site, unchanged_since, "site")
            self._unique_site_name(s, name, other_than=site.id)
            site.name, site.code, site.address = name.strip(), (code or "").strip() or None, address
            site.latitude, site.longitude = latitude, longitude
            return site

    def archive_site(self, site_id: str, *, archived: bool = True) -> Site:
        """An archived site is no longer offered for new educators and observations; old records keep it."""
        with self.session() as s:
            site = self.get(s, Site, site_id, what="Site")
            site.archived = archived
            return site

    def _unique_site_name(self, s: Session, name: str, *, other_than: str | None = None) -> None:
        for other in s.scalars(self.live(Site)):
            if other.id != other_than and other.name.casefold() == name.strip().casefold():
                raise ValidationError(f"There is already a site called {other.name}.")

    def sites(self, *, include_archived: bool = True) -> list[Site]:
        with self.session() as s:
            q = self.live(Site).order_by(Site.name)
            if not include_archived:
                q = q.where(Site.archived.is_(False))
            return list(s.scalars(q))

    def find_site(self, ref: str) -> Site:
        """The one school a CT means by ``ref`` on the command line: its id, code or name (any case), an id prefix
        of 4+ characters, or a unique part of its name. Several or none: a plain refusal that names them."""
        needle = ref.casefold().strip()
        sites = self.sites()
        for pred in (lambda x: x.id == ref.strip(), lambda x: (x.code or "").casefold() == needle,
                     lambda x: x.name.casefold() == needle, lambda x: len(needle) >= 4 and x.id.startswith(needle),
                     lambda x: needle in x.name.casefold()):
            hits = [x for x in sites if pred(x)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise ValidationError(f"{ref!r} matches several schools ({', '.join(sorted(h.name for h in hits))}).")
        raise NotFound(f"No school matches {ref!r}.")

    def add_person(self, *, name: str, role: str, email: str | None = None, phone: str | None = None,
                   site_id: str | None = None) -> Person:
        if not name.strip():
            raise ValidationError("Enter the person's name.")
        role = self._role(role)
        with self.session() as s:
            if site_id:
                self.get(s, Site, site_id, what="Site")
            p = Person(name=name.strip(), role=role, email=email or None, phone=phone or None, site_id=site_id)
            s.add(p)
            return p

    def update_person(self, person_id: str, *, name: str, role: str, email: str | None = None,
                      phone: str | None = None, site_id: str | None = None,
                      unchanged_since: datetime | None = None) -> Person:
        if not name.strip():
            raise ValidationError("Enter the person's name.")
        role = self._role(role)
        with self.session() as s:
            p = self.get(s, Person, person_id, what="Person")
            self.check_unchanged(p, unchanged_since, "person")
            if site_id:
                self.get(s, Site, site_id, what="Site")
            p.name, p.role, p.email, p.phone, p.site_id = name.strip(), role, email or None, phone or None, site_id
            return p

    def delete_person(self, person_id: str) -> None:
        """Remove a person from the list (contacts already logged keep the name they were logged with)."""
        from ..store.models import EvaluationCycle

        with self.session() as s:
            p = self.get(s, Person, person_id, what="Person")
            if s.scalars(self.live(EvaluationCycle).where(EvaluationCycle.secondary_evaluator_id == p.id)).first():
                raise RuleViolation(f"{p.name} is the secondary evaluator of a cycle; choose someone else for "
                                    "that cycle first.")
            p.deleted = True

    @staticmethod
    def _role(role: str) -> str:
        try:
            return PersonRole(role).value
        except ValueError:
            raise ValidationError(f"Unknown role {role!r}.") from None

    def people(self) -> list[Person]:
        with self.session() as s:
            return list(s.scalars(self.live(Person).order_by(Person.name)))

    # --- educators ----------------------------------------------------------------------------------------

    def add_educator(self, *, given_name: str, family_name: str, employee_id: str | None = None,
                     email: str | None = None, role_subject: str | None = None, grade_band: str | None = None,
                     site_ids: Sequence[str] = ()) -> Educator:
        if not given_name.strip() or not family_name.strip():
            raise ValidationError("Enter the educator's given and family name.")
        with self.session() as s:
            self._check_sites(s, site_ids)
            if employee_id and s.scalars(self.live(Educator).where(Educator.employee_id == employee_id)).first():
                raise ValidationError(f"An educator with employee id {employee_id} is already on file.")
            e = Educator(given_name=given_name.strip(), family_name=family_name.strip(), employee_id=employee_id,
                         email=email, role_subject=role_subject, grade_band=grade_band, site_ids=list(site_ids))
            s.add(e)
            return e

    def update_educator(self, educator_id: str, *, unchanged_since: datetime | None = None, **fields: Any) -> Educator:
        with self.session() as s:
            e = self.get(s, Educator, educator_id, what="Educator")
            self.check_unchanged(e, unchanged_since, "educator")
            if "site_ids" in fields:
                self._check_sites(s, fields["site_ids"])
            self.apply_fields(e, fields, EDUCATOR_FIELDS)
            return e

    def educator(self, educator_id: str) -> Educator:
        with self.session() as s:
            return self.get(s, Educator, educator_id, what="Educator")

    def educators(self) -> list[Educator]:
        with self.session() as s:
            return list(s.scalars(self.live(Educator).order_by(Educator.family_name, Educator.given_name)))

    def resolve_educator(self, ref: str) -> Educator:
        """An educator by id, id prefix, employee id or an unambiguous (part of a) name."""
        with self.session() as s:
            e = s.get(Educator, ref)
            if e and not e.deleted:
                return e
            all_e = list(s.scalars(self.live(Educator)))
        needle = ref.casefold().strip()
        for pred in (
            lambda x: x.employee_id and x.employee_id.casefold() == needle,
            lambda x: x.display_name.casefold() == needle,
            lambda x: x.id.startswith(needle) and len(needle) >= 4,
            lambda x: needle in x.display_name.casefold(),
        ):
            hits = [x for x in all_e if pred(x)]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                names = ", ".join(sorted(h.display_name for h in hits))
                raise ValidationError(f"{ref!r} matches several educators ({names}); be more specific.")
        raise NotFound(f"No educator matches {ref!r}.")

    def delete_educator(self, educator_id: str) -> None:
        self.soft_delete(Educator, educator_id)

    def records_of(self, educator_id: str) -> int:
        """How many live records belong to this educator (enrolments, notes, evidence, documents...)."""
        with self.session() as s:
            return self._records_of(s, educator_id)

    def _records_of(self, s: Session, educator_id: str) -> int:
        n = 0
        for rtype, model in RECORD_TYPES.items():
            if rtype == "educator" or "educator_id" not in model.__table__.c:  # type: ignore[attr-defined]
                continue
            q: Any = select(func.count()).select_from(model).where(
                model.educator_id == educator_id, model.deleted.is_(False))  # type: ignore[attr-defined]
            n += int(s.scalar(q) or 0)
        return n

    def remove_educator(self, educator_id: str) -> None:
        """Remove an educator added by mistake. Someone with records (a referral, notes, evidence...) is
        archived instead: their records are part of the program's history."""
        with self.session() as s:
            e = self.get(s, Educator, educator_id, what="Educator")
            n = self._records_of(s, e.id)
            if n:
                raise RuleViolation(f"{e.display_name} has {n} record(s) on file, so they cannot be removed. "
                                    "Archive them instead: they leave the caseload and their records are kept.")
            e.deleted = True

    def archive_educator(self, educator_id: str, *, archived: bool = True) -> Educator:
        """Take an educator off the caseload (or bring them back). Their records are kept and searchable."""
        with self.session() as s:
            e = self.get(s, Educator, educator_id, what="Educator")
            if archived and self.active_enrolment_in(s, e.id):
                raise RuleViolation(f"{e.display_name} has an open enrolment: complete or exit it first, "
                                    "then archive.")
            e.archived = archived
            return e

    def _check_sites(self, s: Session, site_ids: Sequence[str]) -> None:
        for sid in site_ids:
            self.get(s, Site, sid, what="Site")

    # --- enrolment ----------------------------------------------------------------------------------------

    def refer(self, *, educator_id: str, program: str, referred_on: date | None = None,
              referral_source: str | None = None, school_year: str | None = None) -> Enrolment:
        try:
            program = Program(program).value
        except ValueError:
            raise ValidationError(f"Unknown program {program!r}; use PA, PAR or informal.") from None
        with self.session() as s:
            self.get(s, Educator, educator_id, what="Educator")
            if self.active_enrolment_in(s, educator_id):
                raise RuleViolation("This educator already has an open enrolment; complete or exit it first.")
            if school_year is None:
                p = s.scalars(self.live(CTProfile)).first()
                school_year = (p.school_year if p else None) or rules.school_year_of(referred_on or self.today())
            en = Enrolment(educator_id=educator_id, program=program, status=EnrolmentStatus.REFERRED.value,
                           referred_on=referred_on or self.today(), referral_source=referral_source,
                           school_year=school_year)
            s.add(en)
            return en

    def schedule_intake(self, *, enrolment_id: str, on: date) -> Enrolment:
        with self.session() as s:
            en = self._open_enrolment(s, enrolment_id)
            if en.status == EnrolmentStatus.ENROLLED:
                raise RuleViolation("This educator is already enrolled.")
            en.intake_scheduled_on = on
            en.status = EnrolmentStatus.INTAKE_SCHEDULED.value
            return en

    def record_intake(self, *, enrolment_id: str, held_on: date, attendees: str | None = None,
                      notes: str | None = None, program_explained: bool = True) -> IntakeMeeting:
        with self.session() as s:
            en = self._open_enrolment(s, enrolment_id)
            im = IntakeMeeting(educator_id=en.educator_id, enrolment_id=en.id, held_on=held_on, attendees=attendees,
                               notes=notes, program_explained=program_explained)
            s.add(im)
            if en.status == EnrolmentStatus.REFERRED:
                en.status = EnrolmentStatus.INTAKE_SCHEDULED.value
                en.intake_scheduled_on = en.intake_scheduled_on or held_on
            return im

    def intake_meetings(self, educator_id: str) -> list[IntakeMeeting]:
        with self.session() as s:
            q = self.live(IntakeMeeting).where(IntakeMeeting.educator_id == educator_id)
            return list(s.scalars(q.order_by(IntakeMeeting.held_on)))

    def check_cap(self, *, enrolment_id: str) -> None:
        """Raise ``CaseloadCapExceeded`` if enrolling this enrolment now would go over the cap (asks for a
        reason before the write, rather than after a refused one)."""
        with self.session() as s:
            en = self._open_enrolment(s, enrolment_id)
            if en.status != EnrolmentStatus.ENROLLED and rules.counts_toward_cap(en.program):
                active, cap = self._active_capped(s), self.cap_in(s)
                if rules.cap_exceeded(active, cap):
                    raise CaseloadCapExceeded(active, cap)

    def enrol(self, *, enrolment_id: str, enrolled_on: date | None = None,
              override_reason: str | None = None) -> Enrolment:
        """Enrol after the intake meeting. Beyond the caseload cap only with an override reason."""
        with self.session() as s:
            en = self._open_enrolment(s, enrolment_id)
            if en.status == EnrolmentStatus.ENROLLED:
                return en
            intake = s.scalars(self.live(IntakeMeeting).where(IntakeMeeting.enrolment_id == en.id)).first()
            if intake is None:
                raise RuleViolation(
                    "Record the intake meeting first: every educator meets the CT to hear about the program "
                    "before enrolling."
                )
            if rules.counts_toward_cap(en.program):
                active = self._active_capped(s)
                cap = self.cap_in(s)
                if rules.cap_exceeded(active, cap):
                    if not (override_reason and override_reason.strip()):
                        raise CaseloadCapExceeded(active, cap)
                    en.cap_override_reason = override_reason.strip()
            en.status = EnrolmentStatus.ENROLLED.value
            en.enrolled_on = enrolled_on or self.today()
            return en

    def complete(self, *, enrolment_id: str, ended_on: date | None = None, reason: str = "") -> Enrolment:
        return self._end(enrolment_id, EnrolmentStatus.COMPLETED, ended_on, reason)

    def exit(self, *, enrolment_id: str, ended_on: date | None = None, reason: str) -> Enrolment:
        if not reason.strip():
            raise ValidationError("Give a reason for the exit.")
        return self._end(enrolment_id, EnrolmentStatus.EXITED, ended_on, reason)

    def _end(self, enrolment_id: str, status: EnrolmentStatus, ended_on: date | None, reason: str) -> Enrolment:
        with self.session() as s:
            en = self._open_enrolment(s, enrolment_id)
            en.status = status.value
            en.ended_on = ended_on or self.today()
            en.end_reason = reason.strip() or None
            return en

    def enrolment(self, educator_id: str) -> Enrolment | None:
        """The open enrolment, else the latest one."""
        with self.session() as s:
            return self._current_or_latest(s, educator_id)

    def enrolments(self, educator_id: str) -> list[Enrolment]:
        with self.session() as s:
            q = self.live(Enrolment).where(Enrolment.educator_id == educator_id).order_by(Enrolment.created_at)
            return list(s.scalars(q))

    def active_count(self) -> int:
        with self.session() as s:
            return self._active_capped(s)

    def cap_in(self, s: Session) -> int:
        p = s.scalars(self.live(CTProfile)).first()
        return p.caseload_cap if p else rules.CASELOAD_CAP

    def _active_capped(self, s: Session) -> int:
        q = select(func.count()).select_from(Enrolment).where(
            Enrolment.deleted.is_(False),
            Enrolment.status == EnrolmentStatus.ENROLLED.value,
            Enrolment.program.in_([p.value for p in rules.CAPPED_PROGRAMS]),
        )
        return int(s.scalar(q) or 0)

    def active_enrolment_in(self, s: Session, educator_id: str) -> Enrolment | None:
        """The educator's open enrolment, inside the caller's unit of work ``s`` (other services use it too)."""
        return open_enrolment(self._enrolments_in(s, educator_id))

    def _current_or_latest(self, s: Session, educator_id: str) -> Enrolment | None:
        """The open enrolment, else the most recent ended one."""
        return current_enrolment(self._enrolments_in(s, educator_id))

    def _enrolments_in(self, s: Session, educator_id: str) -> list[Enrolment]:
        q = self.live(Enrolment).where(Enrolment.educator_id == educator_id)
        return list(s.scalars(q.order_by(Enrolment.created_at.desc())))

    def enrolments_by_educator_in(self, s: Session) -> dict[str, list[Enrolment]]:
        """Every educator's live enrolments, newest first, in one query (for ``open_enrolment`` and
        ``current_enrolment`` over a whole caseload)."""
        out: dict[str, list[Enrolment]] = {}
        for en in s.scalars(self.live(Enrolment).order_by(Enrolment.created_at.desc())):
            out.setdefault(en.educator_id, []).append(en)
        return out

    def _open_enrolment(self, s: Session, enrolment_id: str) -> Enrolment:
        en = self.get(s, Enrolment, enrolment_id, what="Enrolment")
        if en.status in (EnrolmentStatus.COMPLETED, EnrolmentStatus.EXITED):
            raise RuleViolation("This enrolment has ended; refer the educator again to start a new one.")
        return en

    def require_enrolled(self, s: Session, educator_id: str, *, on: date, what: str) -> Enrolment:
        """The educator's current enrolment, if they are enrolled on ``on``; else a plain refusal. New
        observations and coaching need an enrolled educator; the history of an ended case stays readable."""
        e = self.get(s, Educator, educator_id, what="Educator")
        en = self._current_or_latest(s, educator_id)
        if en is None or en.status in (EnrolmentStatus.REFERRED, EnrolmentStatus.INTAKE_SCHEDULED):
            raise RuleViolation(f"{e.display_name} is not enrolled in a program yet: record {what} after the "
                                "intake meeting and enrolment.")
        if en.status != EnrolmentStatus.ENROLLED:
            ended = f" on {en.ended_on.isoformat()}" if en.ended_on else ""
            raise RuleViolation(f"{e.display_name}'s enrolment ended{ended} ({label(en.status).lower()}). Their "
                                f"history stays readable, but new {what} needs a new enrolment.")
        if en.enrolled_on is not None and on < en.enrolled_on:
            raise RuleViolation(f"{e.display_name} was enrolled on {en.enrolled_on.isoformat()}: {what} dated "
                                f"{on.isoformat()} comes before the enrolment.")
        return en

    def program_of(self, s: Session, educator_id: str | None) -> str | None:
        if not educator_id:
            return None
        en = self._current_or_latest(s, educator_id)
        return en.program if en else None

    def program_history(self, s: Session, educator_id: str | None) -> tuple[str, ...]:
        """Every program the educator was enrolled in, oldest first (the policy's program rule reads it)."""
        if not educator_id:
            return ()
        q = select(Enrolment.program).where(Enrolment.deleted.is_(False), Enrolment.educator_id == educator_id)
        return tuple(s.scalars(q.order_by(Enrolment.created_at)))

    def guard_audience(self, s: Session, educator_id: str | None, audience: str) -> None:
        """Refuse a label the program rule makes meaningless (PA and informal: never the school administrator).

        The rule itself is applied when data is read (core/policy.py); this only tells the CT at once.
        """
        why = policy.audience_refusal(self.program_history(s, educator_id), audience)
        if why:
            raise RuleViolation(why)

    # --- the caseload table -------------------------------------------------------------------------------

    def caseload(self, *, include_ended: bool = False, include_archived: bool = False) -> list[CaseloadRow]:
        """Every educator on the caseload with their next due item: the compliance dashboard's own items (the
        same rules, computed for every cycle in a few queries), the earliest open one per educator."""
        with self.session() as s:
            return self._caseload_in(s, list(s.scalars(self.live(Site))), include_ended, include_archived)

    def screen(self, *, include_ended: bool = False, include_archived: bool = False) -> CaseloadScreen:
        """What the caseload screen shows, read in one unit of work (the first thing a CT sees after unlocking)."""
        with self.session() as s:
            sites = list(s.scalars(self.live(Site).order_by(Site.name)))
            return CaseloadScreen(self._caseload_in(s, sites, include_ended, include_archived),
                                  self._active_capped(s), self.cap_in(s), sites)

    def _caseload_in(self, s: Session, all_sites: list[Site], include_ended: bool,
                     include_archived: bool) -> list[CaseloadRow]:
        today = self.today()
        rows = []
        sites = {x.id: x.name for x in all_sites}
        compliance = self._svc.compliance
        educators = list(s.scalars(self.live(Educator).order_by(Educator.family_name, Educator.given_name)))
        enrolments = self.enrolments_by_educator_in(s)
        all_cycles = compliance.cycles_by_educator_in(s)
        due: dict[str, DueItem] = {}
        dashboard = compliance.dashboard_in(s, today, educators=educators, enrolments=enrolments, cycles=all_cycles)
        for di in compliance.open_items(dashboard, horizon=date.max):
            cur = due.get(di.educator_id)
            if cur is None or di.due_on < cur.due_on:
                due[di.educator_id] = di
        cycles = compliance.current_cycles_in(s, all_cycles)
        for e in educators:
            if e.archived and not include_archived:
                continue
            en = current_enrolment(enrolments.get(e.id, ()))
            if not include_ended and en is not None and en.status not in [a.value for a in ACTIVE]:
                continue
            cyc = cycles.get(e.id)
            item: DueItem | None = due.get(e.id)
            rows.append(CaseloadRow(
                educator=e, enrolment=en,
                site_names=tuple(sites.get(i, "?") for i in e.site_ids),
                plan_type=cyc.plan_type if cyc else None,
                next_due=item.due_on if item else None,
                next_due_label=item.label if item else "",
                late=bool(item and item.state == "late"),
            ))
        return rows


def open_enrolment(newest_first: Iterable[Enrolment]) -> Enrolment | None:
    """An educator's open enrolment (referred, intake scheduled or enrolled): the newest open one."""
    return next((en for en in newest_first if en.status in _ACTIVE_VALUES), None)


def current_enrolment(newest_first: Iterable[Enrolment]) -> Enrolment | None:
    """An educator's open enrolment, else their most recent ended one."""
    ens = list(newest_first)
    return open_enrolment(ens) or (ens[0] if ens else None)


_ACTIVE_VALUES = frozenset(a.value for a in ACTIVE)


def _check_location(latitude: float | None, longitude: float | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ValidationError("Give both the latitude and the longitude of the site (or neither).")
    if latitude is not None and longitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError("A latitude is between -90 and 90, a longitude between -180 and 180.")
