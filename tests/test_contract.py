"""One contract for every output: the JSON export, every PDF kind and esp-central's pull give the same answer.

A store is built once per module with every record type x every audience label x (for children) every parent
label, for four educators whose program histories are PA, PAR, informal and PAR-then-PA (plus three PAR
educators whose own record carries the other labels). Every free-text field of every record holds a distinct
sentinel. For each reader, the records an output shows are compared with an oracle written out here from the
issue's words (not from core/policy.py), and the sentinels found in each output (PDF text via pypdf) with the
sentinels of the records the oracle allows.
"""

from __future__ import annotations

import base64
import dataclasses
import itertools
import json
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import String, Text

from esp_desktop.core import policy
from esp_desktop.core.errors import EspError
from esp_desktop.store.models import RECORD_TYPES
from tests.helpers.env import PASSPHRASE

AUDIENCES = ("ct_private", "panel", "educator", "admin")
# The table: who may read each label (the oracle; core/policy.py must agree).
LABEL_READERS = {
    "ct_private": {"ct"},
    "panel": {"ct", "panel"},
    "educator": {"ct", "panel", "educator"},
    "admin": {"ct", "panel", "educator", "admin"},
}
PROGRAMS = {"pa": ("PA",), "par": ("PAR",), "informal": ("informal",), "par_then_pa": ("PAR", "PA")}
DIRECTORY = {"ct_profile", "site", "person", "pl_entry", "panel_member"}  # (the PL catalog; the Panel's roster)
BASE_TIME = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def text_fields(rtype: str) -> tuple[str, ...]:
    """Free-text columns: Text, or String of 50-300 characters (ids are 36, hashes 64, codes shorter)."""
    cols = RECORD_TYPES[rtype].__table__.columns
    return tuple(c.key for c in cols if isinstance(c.type, Text)
                 or (isinstance(c.type, String) and c.type.length and 50 <= c.type.length <= 300
                     and c.type.length != 64))


@dataclasses.dataclass
class Planted:
    rtype: str
    id: str
    label: str
    educator: str | None  # key in World.educators
    parent_label: str | None  # None: no parent gate; "missing": linked to nothing
    sentinels: tuple[str, ...]


@dataclasses.dataclass
class World:
    svc: Any
    store: Any
    site: str  # the school administrator's site (every educator works there)
    educators: dict[str, str] = dataclasses.field(default_factory=dict)  # key -> id
    history: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)  # key -> programs
    records: dict[str, Planted] = dataclasses.field(default_factory=dict)
    by_type: dict[str, list[Planted]] = dataclasses.field(default_factory=dict)
    file_content: dict[str, str] = dataclasses.field(default_factory=dict)  # attachment id -> sentinel
    on_agenda: set[str] = dataclasses.field(default_factory=set)  # educator keys with a live panel case
    all_sentinels: frozenset[str] = frozenset()

    def describe(self, sentinel: str) -> str:
        return next((f"{p.rtype}:{p.label}/{p.parent_label}" for p in self.records.values()
                     if sentinel in p.sentinels), sentinel)


class Builder:
    def __init__(self, world: World, session: Any) -> None:
        self.w, self.s = world, session
        self.n = itertools.count(1)

    def sentinel(self) -> str:
        return f"ZQ{next(self.n):05d}Z"

    def add(self, rtype: str, label: str, *, educator: str | None = None, parent_label: str | None = None,
            **values: Any) -> Any:
        model = RECORD_TYPES[rtype]
        texts = {f: self.sentinel() for f in text_fields(rtype) if f not in values}
        seq = next(self.n)
        obj = model(audience=label, created_at=BASE_TIME + timedelta(seconds=seq), **values, **texts)
        if educator is not None and "educator_id" in model.__table__.columns and "educator_id" not in values:
            obj.educator_id = self.w.educators[educator]
        self.s.add(obj)
        sentinels = tuple(texts.values()) or (obj.id,)  # a record without free text is known by its id
        p = Planted(rtype, obj.id, label, educator, parent_label, sentinels)
        self.w.records[obj.id] = p
        self.w.by_type.setdefault(rtype, []).append(p)
        return obj


def build_world(svc: Any) -> World:
    store = svc.store
    with store.session() as s:
        w = World(svc, store, site="")
        b = Builder(w, s)
        sites = {a: b.add("site", a) for a in AUDIENCES}
        w.site = sites["admin"].id
        for a in AUDIENCES:
            b.add("ct_profile", a)
            b.add("person", a, role="principal", site_id=w.site)
            b.add("contact", a, contacted_on=date(2026, 9, 3))  # about no one educator
            entry = b.add("pl_entry", a, kind="district_pd", indicator_codes=["II-B"])  # the PL catalog
            b.add("pd_session", a, held_on=date(2026, 10, 20), attendees=[])  # CT-led PD: program work
            b.add("panel_member", a, role="member", active=True)
        # the four program histories (educator records labelled admin, the default) ...
        for key, programs in PROGRAMS.items():
            w.educators[key] = b.add("educator", "admin", site_ids=[w.site, sites["ct_private"].id]).id
            w.records[w.educators[key]].educator = key  # an educator record belongs to its own case
            w.history[key] = programs
        # ... and PAR educators whose own record carries the other labels (and so do their enrolments)
        for a in ("educator", "panel", "ct_private"):
            key = f"extra_{a}"
            w.educators[key] = b.add("educator", a, site_ids=[w.site]).id
            w.records[w.educators[key]].educator = key
            w.history[key] = ("PAR",)
        for key, programs in w.history.items():
            enrolments = []
            for i, program in enumerate(programs):
                label = key.removeprefix("extra_") if key.startswith("extra_") else ("admin" if key == "par" else "educator")
                ended = i < len(programs) - 1
                enrolments.append(b.add("enrolment", label, educator=key, program=program,
                                        status="exited" if ended else "enrolled", enrolled_on=date(2025, 9, 1)))
            first = enrolments[0]
            for a in AUDIENCES:
                b.add("intake_meeting", a, educator=key, parent_label=first.audience, enrolment_id=first.id,
                      held_on=date(2025, 8, 25))
            if key.startswith("extra_"):
                continue
            b.add("evaluation_cycle", "educator", educator=key, start_on=date(2026, 9, 1), end_on=date(2027, 6, 1),
                  plan_type="directed_growth")
            for a in AUDIENCES:
                b.add("evaluation_cycle", a, educator=key, parent_label=first.audience, enrolment_id=first.id,
                      start_on=date(2025, 9, 1), end_on=date(2026, 6, 1), plan_type="developing")
            for day, a in enumerate(AUDIENCES, 1):
                o = b.add("observation", a, educator=key, kind="announced", status="finished",
                          observed_on=date(2026, 10, day), site_id=w.site, duration_minutes=40)
                b.add("learning_priority", a, educator=key, code="II-B", set_on=date(2026, 11, day))
                b.add("learning_match", a, educator=key, entry_id=entry.id, priority_code="II-B",
                      offered_on=date(2026, 11, day), reasons=[])
                for seq, na in enumerate(AUDIENCES, 1):
                    b.add("script_note", na, educator=key, parent_label=a, observation_id=o.id, seq=seq,
                          at=BASE_TIME + timedelta(days=day, minutes=seq), indicator_codes=["I-A"])
                for pa in AUDIENCES:  # the district platform post of the observation (posted_by: free text)
                    b.add("observation_post", pa, educator=key, parent_label=a, observation_id=o.id,
                          posted_at=BASE_TIME + timedelta(days=day), content_sha256="0" * 64)
                g = b.add("goal", a, educator=key, kind="professional_practice")
                for ga in AUDIENCES:
                    b.add("goal_progress", ga, educator=key, parent_label=a, goal_id=g.id,
                          checked_on=date(2026, 11, day))
                b.add("prescription", a, educator=key, indicator_codes=["II-B"])
                b.add("coaching", a, educator=key, kind="co_planning", held_on=date(2026, 9, day), minutes=30)
                b.add("contact", a, educator=key, contacted_on=date(2026, 9, day))
                for ea in AUDIENCES:
                    att_id = f"00000000-0000-4000-8000-{next(b.n):012d}"
                    content = b.sentinel()
                    sealed = store.attachments.put(att_id, content.encode(), "plan.txt")
                    b.add("attachment", ea, educator=key, parent_label=a, id=att_id, size=sealed.size,
                          sha256=sealed.sha256, file_key=sealed.file_key)
                    w.file_content[att_id] = content
                    b.add("evidence", a, educator=key, category="products_of_practice", kind="lesson_plan",
                          collected_on=date(2026, 10, day), attachment_id=att_id, indicator_codes=["I-A"])
                doc = b.add("assessment", a, educator=key, kind="formative", status="final", overall_rating="proficient",
                            finalized_at=BASE_TIME + timedelta(days=60 + day),
                            ratings={std: {"rating": "proficient", "rationale": "", "evidence_ids": []}
                                     for std in ("I", "II", "III", "IV")})
                for aa in AUDIENCES:
                    b.add("acknowledgement", aa, educator=key, parent_label=a, document_id=doc.id,
                          signer_role="educator", signed_on=date(2026, 11, 20))
                    b.add("educator_response", aa, educator=key, parent_label=a, document_id=doc.id,
                          received_on=date(2026, 11, 21))
                    b.add("assessment_post", aa, educator=key, parent_label=a, document_id=doc.id,
                          posted_at=BASE_TIME + timedelta(days=61 + day), content_sha256="0" * 64)
                b.add("assessment", a, educator=key, kind="summative", status="draft", overall_rating="proficient",
                      ratings={})
                # steps 1 and 2 of the cycle, and the CT's progress reports to the Panel (issue 14)
                final = {"status": "final", "finalized_at": BASE_TIME + timedelta(days=day)}
                b.add("self_assessment", a, educator=key, entries={"I": {"strengths": b.sentinel()}}, **final)
                b.add("educator_plan", a, educator=key, plan_type="directed_growth", start_on=date(2026, 9, 1),
                      end_on=date(2027, 6, 1), actions=[], timeline=[], **final)
                b.add("progress_report", a, educator=key, period_start=date(2026, 9, 1),
                      period_end=date(2026, 10, day), **final)
            # an attachment no evidence item names (its evidence is gone): stays with the CT
            orphan = f"00000000-0000-4000-8000-{next(b.n):012d}"
            sealed = store.attachments.put(orphan, b"orphan", "orphan.txt")
            b.add("attachment", "educator", educator=key, parent_label="missing", id=orphan, size=sealed.size,
                  sha256=sealed.sha256, file_key=sealed.file_key)
            w.file_content[orphan] = "orphan"
        for day, a in enumerate(AUDIENCES, 1):
            m = b.add("panel_meeting", a, meets_on=date(2026, 12, day))
            at = BASE_TIME + timedelta(days=90 + day)
            for ta in AUDIENCES:
                b.add("panel_attendance", ta, parent_label=a, meeting_id=m.id, present=[], absent=[], recorded_at=at)
            for key in PROGRAMS:
                for ca in AUDIENCES:
                    c = b.add("panel_case", ca, educator=key, parent_label=a, meeting_id=m.id)
                    b.add("panel_motion", ca, educator=key, parent_label=a, meeting_id=m.id, case_id=c.id,
                          decision="defer", majority_rule="majority_of_members_present", carried=True, recorded_at=at)
                    b.add("panel_decision", ca, educator=key, parent_label=a, meeting_id=m.id, case_id=c.id,
                          decision="defer", final_ratings={}, decided_on=date(2026, 12, day), recorded_at=at)
                w.on_agenda.add(key)
    return w


# --- the oracle: the rules, written out independently of core/policy.py ------------------------------


def narrower(a: str, b: str) -> str:
    return min(a, b, key=AUDIENCES.index)


def oracle(w: World, reader: str, p: Planted, *, educator: str | None = None) -> bool:
    """May ``reader`` read ``p``? reader: ct (own copy, no private) | educator | panel | admin | program_office."""
    effective = p.label if p.parent_label is None else (
        "ct_private" if p.parent_label == "missing" else narrower(p.label, p.parent_label))
    if reader == "ct":
        return effective != "ct_private"
    if reader == "program_office":
        return False
    if p.educator is None:
        in_scope = p.rtype in DIRECTORY or reader == "panel"
    elif reader == "educator":
        in_scope = p.educator == educator
    elif reader == "admin":
        # every educator works at the administrator's site; only a PAR-only history may be known to them
        in_scope = set(w.history[p.educator]) == {"PAR"}
    else:
        in_scope = True
    return in_scope and reader in LABEL_READERS[effective]


def allowed(w: World, reader: str, *, educator: str | None = None, of: str | None = None) -> dict[str, Planted]:
    return {i: p for i, p in w.records.items() if oracle(w, reader, p, educator=educator)
            and (of is None or p.educator in (None, of))}


def sentinels(records: dict[str, Planted]) -> set[str]:
    return {s for p in records.values() for s in p.sentinels}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, _template_stores: dict[str, Path]) -> Iterator[World]:
    from esp_desktop.services import Services
    from esp_desktop.store.vault import Vault

    d = tmp_path_factory.mktemp("contract") / "data"
    shutil.copytree(_template_stores["empty"], d)
    store = Vault(d).unlock(PASSPHRASE)
    w = build_world(Services(store))
    w.all_sentinels = frozenset(sentinels(w.records) | set(w.file_content.values()))
    yield w
    store.close()


def found(w: World, text: str) -> set[str]:
    return {s for s in w.all_sentinels if s in text}


# --- the matrix is complete ------------------------------------------------------------------------------------


def test_the_world_covers_every_record_type_audience_parent_and_program(world: World) -> None:
    assert set(world.by_type) == set(RECORD_TYPES) == set(policy.ENTRIES)
    for rtype, planted in world.by_type.items():
        assert {p.label for p in planted} == set(AUDIENCES) or rtype in ("enrolment", "educator"), rtype
        gate = policy.ENTRIES[rtype].parent
        if gate is not None and gate.required:
            pairs = {(p.label, p.parent_label) for p in planted}
            assert pairs >= {(a, b) for a in AUDIENCES for b in AUDIENCES} or rtype == "intake_meeting", rtype
    assert {p.label for p in world.by_type["educator"]} == set(AUDIENCES)
    assert {p.label for p in world.by_type["enrolment"]} == set(AUDIENCES)
    assert set(world.history.values()) >= set(PROGRAMS.values())
    assert all(text_fields(t) for t in RECORD_TYPES if t != "evaluation_cycle"), "plant a sentinel in new fields"


def test_the_policy_agrees_with_the_oracle(world: World) -> None:
    facts = world.svc.disclosure.facts()
    subjects = {}
    with world.store.session() as s:
        for i, p in world.records.items():
            subjects[i] = facts.subject(s.get(RECORD_TYPES[p.rtype], i))
    readers = {"ct": policy.reader("ct", with_private=False), "panel": policy.reader("panel"),
               "admin": policy.reader("admin", sites=[world.site]),
               "program_office": policy.reader("program_office")}
    readers |= {f"educator:{k}": policy.reader("educator", educator=e) for k, e in world.educators.items()}
    for name, r in readers.items():
        kind, _, who = name.partition(":")
        for i, p in world.records.items():
            assert policy.readable(r, subjects[i]) == oracle(world, kind, p, educator=who or None), (name, p)


# --- the JSON export ---------------------------------------------------------------------------------------------


def export_readers(w: World) -> Iterator[tuple[str, str | None, policy.Reader]]:
    yield "ct", None, policy.reader("ct", with_private=False)
    yield "panel", None, policy.reader("panel")
    yield "admin", None, policy.reader("admin", sites=[w.site])
    for key, e in w.educators.items():
        yield "educator", key, policy.reader("educator", educator=e)


def test_export_shows_exactly_what_the_oracle_allows(world: World) -> None:
    for kind, who, reader in export_readers(world):
        doc, omitted = world.svc.transfer.export_with_omissions(reader=reader)
        ids = {r["id"] for t in RECORD_TYPES for r in doc[t] if r["id"] in world.records}
        expected = allowed(world, kind, educator=who)
        assert ids == set(expected), (kind, who, sorted({world.records[i].rtype for i in ids ^ set(expected)}))
        text = json.dumps({t: doc[t] for t in RECORD_TYPES}, ensure_ascii=False)
        for att in doc["attachment"]:
            text += base64.b64decode(att["content_base64"]).decode()
        assert found(world, text) == sentinels(expected) | {world.file_content[i] for i in expected
                                                     if i in world.file_content and world.file_content[i] != "orphan"}
        # never silently empty: what was left out is counted, and the file says what its reader may be told
        assert omitted.total() == len([p for p in world.records.values()]) - len(expected)
        assert all(o["reason"] in ("private", "audience", "parent") for o in doc["omitted"])


# --- every PDF kind ----------------------------------------------------------------------------------------------

PDF_READERS = ("educator", "panel", "admin")
# (record type, field) that a document renders for every record of its educator the reader may see (an
# observation report: of its own observation)
_PERSON = {("educator", f) for f in ("given_name", "family_name", "employee_id", "grade_band", "role_subject")}
_GOALS = {("goal", "statement"), ("goal", "baseline"), ("goal", "target"), ("goal_progress", "note")}
RENDERED = {
    "panel-packet": _PERSON | _GOALS | {("evidence", "title"), ("prescription", "action"), ("prescription", "concern"),
                                        ("observation", "class_period"), ("observation", "feedback"),
                                        ("observation", "post_conference_notes")},
    "formative": _PERSON | _GOALS,
    "summative": _PERSON | _GOALS,
    "observation": _PERSON | {("prescription", "action"), ("prescription", "concern"), ("script_note", "text"),
                              ("observation", "class_period"), ("observation", "feedback"),
                              ("observation", "pre_conference_notes"), ("observation", "post_conference_notes")},
}


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def pdf_jobs(w: World) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for key in PROGRAMS:
        e = w.educators[key]
        for kind in ("panel-packet", "formative", "summative", "final-evaluation", "self-assessment", "educator-plan",
                     "progress-report"):
            yield key, kind, e, {}
        for p in w.by_type["observation"]:
            if p.educator == key:
                yield key, "observation", e, {"observation_id": p.id}
    for p in w.by_type["panel_meeting"]:
        yield "", "agenda", "", {"meeting_id": p.id}
        yield "", "minutes", "", {"meeting_id": p.id}


def test_every_pdf_shows_only_what_the_oracle_allows(world: World, tmp_path: Path) -> None:
    from esp_desktop.reports.service import ReportService

    reports = ReportService(world.svc)
    made = refused = 0
    for (key, kind, educator_id, kw), reader in itertools.product(list(pdf_jobs(world)), PDF_READERS):
        out = tmp_path / f"{kind}-{reader}-{made + refused}.pdf"
        may = allowed(world, reader, educator=key or None, of=key or None)
        try:
            result = reports.export(kind=kind, audience=reader, path=out, educator_id=educator_id or None, **kw)
        except EspError as exc:
            refused += 1
            assert not out.exists()
            if key and reader == "admin" and key != "par":
                assert "Peer Assistance or informal coaching" in str(exc), (kind, key)
            continue
        made += 1
        assert key in ("", "par") or reader != "admin", f"{kind} of a {key} educator went to an administrator"
        text = pdf_text(out)
        leaked = found(world, text) - sentinels(may)
        assert not leaked, (kind, reader, key, sorted({world.describe(s) for s in leaked}))
        for rtype, field in RENDERED.get(kind, ()):
            wanted = {p.sentinels[text_fields(rtype).index(field)] for p in may.values() if p.rtype == rtype
                      and (kind != "observation" or rtype not in ("observation", "script_note")
                           or _in_observation(world, p, kw["observation_id"]))}
            assert wanted <= found(world, text), (kind, reader, key, rtype, field)
        assert "Not in this document" in text
        if reader == "admin":  # a school administrator's document never mentions PA or informal coaching
            assert not re.search(r"Peer Assistance(?! and Review)|\bPA\b|[Ii]nformal coaching", text)
        assert result.pages >= 1
    assert made and refused


def _in_observation(w: World, p: Planted, observation_id: str) -> bool:
    if p.rtype == "observation":
        return p.id == observation_id
    with w.store.session() as s:
        return s.get(RECORD_TYPES[p.rtype], p.id).observation_id == observation_id


# --- esp-central's pull ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Central:
    url: str
    central: Any
    data_dir: Path
    clients: list[Any] = dataclasses.field(default_factory=list)

    def reader(self, name: str, role: str, **binding: Any) -> Any:
        import httpx

        code = self.central.add_user(name=name, role=role, **binding)
        r = httpx.post(f"{self.url}/v1/enrol", json={"code": code, "device_name": "laptop"})
        r.raise_for_status()
        c = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {r.json()['token']}"}, timeout=60)
        self.clients.append(c)
        return c


@pytest.fixture(scope="module")
def central(world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Central]:
    """The world pushed by the CT's own sync client to a real esp-central (SQLite)."""
    from esp_desktop.server import db
    from esp_desktop.server.app import create_app
    from esp_desktop.server.security import RateLimiter
    from esp_desktop.server.service import Central as Server
    from esp_desktop.sync.client import SyncClient
    from tests.helpers.central import ThreadedServer

    data_dir = tmp_path_factory.mktemp("central")
    engine = db.make_engine(f"sqlite:///{data_dir / 'central.db'}")
    db.upgrade(engine)
    server = Server(engine=engine, data_dir=data_dir)
    generous = RateLimiter(capacity=1000, per_second=100)
    with ThreadedServer(create_app(central=server, enrol_limiter=generous, auth_limiter=generous)) as srv:
        c = Central(f"http://127.0.0.1:{srv.port}", server, data_dir)
        client = SyncClient(world.store, server_url=c.url, passphrase=PASSPHRASE)
        client.enrol(server.add_user(name="Jordan Ellis", role="ct"), device_name="laptop")
        report = client.sync()
        assert not report.rejected, report.rejected
        client.close()
        yield c
        for h in c.clients:
            h.close()
    engine.dispose()


def pulled(client: Any) -> dict[str, dict[str, Any]]:
    from tests.helpers.central import pull_all

    return {x["record"]["id"]: x["record"] for x in pull_all(client)[0]}


def on_agenda(w: World) -> set[str]:
    """Educators with an agenda case the panel may read: esp-central's panel reads those cases."""
    return {p.educator for p in w.by_type["panel_case"] if oracle(w, "panel", p) and p.educator}


def test_central_serves_each_reader_exactly_what_the_oracle_allows(world: World, central: Central) -> None:
    agenda = on_agenda(world)
    assert agenda == set(PROGRAMS)  # the three extra educators are on no agenda
    readers: list[tuple[str, str | None, Any]] = [
        ("panel", None, central.reader("Panel Chair", "panel")),
        ("admin", None, central.reader("Principal", "admin", sites=[world.site])),
        ("program_office", None, central.reader("Program Office", "program_office")),
    ]
    readers += [("educator", key, central.reader(f"Educator {key}", "educator", educator=e))
                for key, e in world.educators.items()]
    for kind, who, client in readers:
        got = pulled(client)
        expected = {i: p for i, p in allowed(world, kind, educator=who).items()
                    if kind != "panel" or p.educator is None or p.educator in agenda}
        assert set(got) == set(expected), (kind, who, sorted(
            f"{world.records[i].rtype}:{world.records[i].label}/{world.records[i].parent_label}"
            for i in set(got) ^ set(expected)))
        assert all(r["payload"] is not None and r["ciphertext"] is None for r in got.values())
        assert found(world, json.dumps(got, ensure_ascii=False)) == sentinels(expected)


def test_central_never_holds_what_is_effectively_private_in_clear(world: World, central: Central) -> None:
    ct = pulled(central.reader("Jordan Ellis 2", "ct"))
    assert ct == {}  # another CT account reads nothing of this CT
    private = {i: p for i, p in world.records.items() if not oracle(world, "ct", p)}
    assert private
    blob = b"".join(f.read_bytes() for f in central.data_dir.rglob("*") if f.is_file())
    texts = {s for p in private.values() if p.sentinels != (p.id,) for s in p.sentinels}  # ids are routing data
    leaked = {s for s in texts if s.encode() in blob}
    assert not leaked, sorted({world.describe(s) for s in leaked})
    # the file key of an attachment whose evidence is CT-private travels sealed, with the record
    with world.store.session() as s:
        keys = {s.get(RECORD_TYPES["attachment"], i).file_key for i, p in private.items() if p.rtype == "attachment"}
    assert keys and not {k for k in keys if k.encode() in blob}
