"""core/policy.py: the one confidentiality rule, as pure functions (the cross-output contract is test_contract)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from esp_desktop.core import policy
from esp_desktop.core.errors import ValidationError
from esp_desktop.core.policy import Omissions, Reason, Subject, decide, reader

POLICY_FILE = Path(policy.__file__)
E1, E2 = "e1" * 18, "e2" * 18


def test_policy_imports_only_the_standard_library_and_core_vocabularies() -> None:
    tree = ast.parse(POLICY_FILE.read_text(encoding="utf-8"))
    relative, absolute = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            relative.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            absolute.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            absolute |= {a.name.split(".")[0] for a in node.names}
    assert relative <= {"enums", "errors"}
    assert absolute - {"__future__"} <= sys.stdlib_module_names


def test_audience_labels_form_a_chain() -> None:
    sets = [policy.AUDIENCE_READERS[a] for a in policy.NARROW_TO_WIDE]
    assert all(a < b for a, b in zip(sets, sets[1:], strict=False))
    assert all(policy.PROGRAM_OFFICE not in s for s in sets)
    assert policy.audiences_for("panel") == {"panel", "educator", "admin"}
    assert policy.audiences_for("admin") == {"admin"}
    assert policy.audiences_for("program_office") == frozenset()
    assert policy.narrower("admin", "panel") == "panel"


def par(rtype: str = "observation", audience: str = "admin", *, educator: str = E1, programs=("PAR",),
        sites=("s1",), parent: Subject | None = None) -> Subject:
    return Subject(rtype, audience, educator, tuple(programs), frozenset(sites), parent)


@pytest.mark.parametrize("programs, admin_reads", [
    (("PAR",), True),
    (("PA",), False),
    (("informal",), False),
    (("PAR", "PA"), False),  # PAR-then-PA: a label set during PAR does not outlive the move
    (("PA", "PAR"), False),  # history from an earlier program stays hidden
    ((), False),  # not (yet) in any program
])
def test_program_rule_judges_the_educators_history_not_the_label(programs, admin_reads) -> None:
    admin = reader("admin", sites=["s1"])
    for rtype in ("educator", "observation", "assessment"):
        why = decide(admin, par(rtype, "admin", programs=programs))
        assert (why is None) is admin_reads
        if not admin_reads:
            assert why is Reason.PROGRAM
    # the panel and the educator are not affected by the program
    assert decide(reader("panel"), par(programs=programs)) is None
    assert decide(reader("educator", educator=E1), par(programs=programs)) is None


def test_scope_educator_sees_only_their_case_admin_only_their_sites() -> None:
    me = reader("educator", educator=E1)
    assert decide(me, par(educator=E1)) is None
    assert decide(me, par(educator=E2)) is Reason.SCOPE
    admin = reader("admin", sites=["s1"])
    assert decide(admin, par(sites=("s1", "s9"))) is None
    assert decide(admin, par(sites=("s2",))) is Reason.SCOPE
    assert decide(reader("admin", educator=E1), par(sites=("s2",))) is None
    # records of no case: directory entries are open to scoped readers, program work is not
    assert decide(admin, Subject("site", "admin")) is None
    assert decide(me, Subject("person", "admin")) is None
    assert decide(me, Subject("panel_meeting", "admin")) is Reason.SCOPE
    assert decide(reader("panel"), Subject("panel_meeting", "panel")) is None
    agenda = policy.Reader(policy.PANEL, educators=frozenset({E1}))  # esp-central's panel: cases on its agenda
    assert decide(agenda, Subject("panel_meeting", "panel")) is None
    assert decide(agenda, par(educator=E2, audience="panel")) is Reason.SCOPE
    with pytest.raises(ValidationError, match="one educator"):
        reader("educator")
    with pytest.raises(ValidationError, match="needs a scope"):
        reader("admin")


def test_labels_and_parent_gate() -> None:
    panel, me = reader("panel"), reader("educator", educator=E1)
    assert decide(panel, par(audience="ct_private")) is Reason.PRIVATE
    assert decide(me, par(audience="panel")) is Reason.AUDIENCE
    shared_obs, private_obs = par("observation", "educator"), par("observation", "ct_private")
    note = par("script_note", "educator", parent=shared_obs)
    assert decide(panel, note) is None
    hidden = par("script_note", "educator", parent=private_obs)
    assert decide(panel, hidden) is Reason.PARENT
    assert policy.effective_audience(hidden).value == "ct_private"
    # a required parent that is not linked, or gone: the child stays with the CT
    assert decide(panel, par("attachment", "educator")) is Reason.PARENT
    assert decide(panel, par("attachment", "educator", parent=Subject.missing("evidence"))) is Reason.PARENT
    assert policy.effective_audience(par("attachment", "educator")).value == "ct_private"
    # an optional parent link left empty is no gate
    assert decide(panel, par("evaluation_cycle", "educator")) is None


def test_the_ct_reads_everything_and_the_program_office_nothing() -> None:
    hidden = par("script_note", "educator", parent=par("observation", "ct_private"))
    assert decide(policy.THE_CT, hidden) is None
    own_copy = reader("ct", with_private=False)
    assert decide(own_copy, hidden) is Reason.PRIVATE
    assert decide(own_copy, par(audience="panel")) is None
    office = reader("program_office")
    assert decide(office, Subject("site", "admin")) is Reason.NO_CASE_CONTENT


def test_omissions_tell_the_ct_everything_and_the_reader_only_what_is_theirs() -> None:
    om = Omissions(reader("admin", sites=["s1"]))
    for _ in range(3):
        assert not om.note(par("script_note", "ct_private", parent=par()))
    assert not om.note(par("goal", "educator"))
    assert not om.note(par(programs=("PA",)))
    assert om.note(par())
    assert not om.note(par("goal_progress", "admin", parent=par("goal", "panel")))
    assert om.lines() == [
        "3 scripted lines are CT-private.",
        "1 goal is not shared with the school administrator.",
        "1 progress check is part of a record that is not shared with the school administrator (its parent is "
        "hidden).",
        "1 observation is about an educator in Peer Assistance or informal coaching (now or before), which a "
        "school administrator may never see.",
    ]
    more = Omissions(reader("panel"))
    more.add("contact", Reason.PRIVATE)
    more.add("script_note", Reason.PRIVATE, 2)
    assert more.lines() == ["2 scripted lines and 1 contact log entry are CT-private."]
    assert om.lines(for_reader=True) == om.lines()[:3]  # never tells an administrator that a PA case exists
    assert om.total() == 6 and om.total(for_reader=True) == 5
    assert {"type": "goal", "reason": "audience", "count": 1} in om.as_json()


def test_write_guards() -> None:
    assert policy.audience_refusal(("PAR", "PA"), "admin")
    assert policy.audience_refusal(("informal",), "admin")
    assert policy.audience_refusal(("PAR",), "admin") is None
    assert policy.audience_refusal(("PA",), "educator") is None
    assert "cannot be deleted" in policy.change_refusal("assessment", was_final=True, changed={"deleted"})
    assert "fixed when it was finalized" in policy.change_refusal("assessment", was_final=True, changed={"audience"})
    assert policy.change_refusal("assessment", was_final=True, changed={"overall_rationale"})
    assert policy.change_refusal("assessment", was_final=False, changed={"audience"}) is None
    assert policy.change_refusal("goal", was_final=True, changed={"audience"}) is None
    # Removing the fictional demo caseload may delete its finalized documents whole, never edit them.
    assert policy.change_refusal("assessment", was_final=True, changed={"deleted"}, demo=True) is None
    assert policy.change_refusal("assessment", was_final=True, changed={"deleted", "ratings"}, demo=True)


def test_architecture_doc_states_the_policy_table() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert policy.markdown_tables() in doc, "paste policy.markdown_tables() into docs/architecture.md"
