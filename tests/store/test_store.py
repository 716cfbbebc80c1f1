"""The encrypted store: keys, wrong passphrase, damaged files, migrations, keyring fallback, backup."""

from __future__ import annotations

import json
import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from esp_desktop.core.errors import StoreCorrupt, StoreExists, StoreMissing, ValidationError, WrongPassphrase
from esp_desktop.store import keys, migrate
from esp_desktop.store.backup import create_backup, restore_backup
from esp_desktop.store.check import check_store
from esp_desktop.store.vault import Vault
from tests.helpers.cases import enrolled
from tests.helpers.env import PASSPHRASE
from tests.helpers.terms import indexed_terms, listed_terms


def test_database_file_is_encrypted_and_key_file_has_kdf_params(data_dir: Path) -> None:
    assert not (data_dir / "esp.db").read_bytes().startswith(b"SQLite format 3")
    kf = json.loads((data_dir / "esp.key").read_text())
    assert kf["kdf"] == {"name": "argon2id", "iterations": 3, "lanes": 4, "memory_cost": 65536, "length": 32}
    assert len(kf["salt"]) > 16 and "wrapped_key" in kf


def test_wrong_passphrase_is_refused_and_changes_nothing(data_dir: Path) -> None:
    before = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        Vault(data_dir).unlock("not the passphrase")
    after = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()}
    assert before == after


def test_unlock_is_fast_enough(data_dir: Path) -> None:
    # Not a benchmark: only guards against someone configuring a multi-second KDF by mistake.
    t = time.perf_counter()
    Vault(data_dir).unlock(PASSPHRASE).close()
    assert time.perf_counter() - t < 5


def test_change_passphrase_rewraps_without_reencrypting(data_dir: Path) -> None:
    db_before = (data_dir / "esp.db").read_bytes()
    s = Vault(data_dir).unlock(PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        s.change_passphrase("wrong old one", "new passphrase 123")
    with pytest.raises(ValidationError):
        s.change_passphrase(PASSPHRASE, "short")
    s.change_passphrase(PASSPHRASE, "new passphrase 123")
    s.close()
    assert (data_dir / "esp.db").read_bytes()[:4096] == db_before[:4096]
    with pytest.raises(WrongPassphrase):
        Vault(data_dir).unlock(PASSPHRASE)
    Vault(data_dir).unlock("new passphrase 123").close()


def test_tampered_kdf_parameters_fail_like_a_wrong_passphrase(data_dir: Path) -> None:
    kf = json.loads((data_dir / "esp.key").read_text())
    kf["kdf"]["iterations"] = 2
    (data_dir / "esp.key").write_text(json.dumps(kf))
    with pytest.raises(WrongPassphrase):
        Vault(data_dir).unlock(PASSPHRASE)


def test_missing_and_damaged_files_give_clear_errors(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(StoreMissing, match="No store"):
        Vault(tmp_path / "nowhere").unlock(PASSPHRASE)
    broken = tmp_path / "broken"
    shutil.copytree(data_dir, broken)
    (broken / "esp.key").write_text("{not json")
    with pytest.raises(StoreCorrupt, match="key file is damaged"):
        Vault(broken).unlock(PASSPHRASE)
    (broken / "esp.key").unlink()
    with pytest.raises(StoreMissing, match="key file"):
        Vault(broken).unlock(PASSPHRASE)
    trunc = tmp_path / "trunc"
    shutil.copytree(data_dir, trunc)
    for p in trunc.glob("esp.db-*"):
        p.unlink()
    db = trunc / "esp.db"
    db.write_bytes(db.read_bytes()[:100])
    with pytest.raises(StoreCorrupt, match="truncated"):
        Vault(trunc).unlock(PASSPHRASE)
    garbled = tmp_path / "garbled"
    shutil.copytree(data_dir, garbled)
    for p in garbled.glob("esp.db-*"):
        p.unlink()
    raw = bytearray((garbled / "esp.db").read_bytes())
    raw[0:4096] = bytes(4096)
    (garbled / "esp.db").write_bytes(bytes(raw))
    size_before = len(raw)
    with pytest.raises(StoreCorrupt, match="damaged"):
        Vault(garbled).unlock(PASSPHRASE)
    assert (garbled / "esp.db").stat().st_size == size_before  # nothing overwritten


def test_create_refuses_existing_store(data_dir: Path) -> None:
    with pytest.raises(StoreExists):
        Vault(data_dir).create(PASSPHRASE)


def test_migrations_from_empty_reach_head_and_match_models(data_dir: Path) -> None:
    from esp_desktop.store.models import Base

    s = Vault(data_dir).unlock(PASSPHRASE)
    with s.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision() == "0011"
        tables = set(inspect(conn).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert "search_index" in tables
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "search_index" not in str(d)] == []  # models and migrations agree
    s.close()


def test_older_store_is_migrated_on_open(data_dir: Path) -> None:
    s = Vault(data_dir).unlock(PASSPHRASE)
    with s.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_event_no_update"))
        conn.execute(text("DELETE FROM alembic_version"))  # pretend: a store from before revision 0001
        conn.execute(text("DROP TABLE search_index"))
        for t in list(reversed(inspect(conn).get_table_names())):
            if t != "alembic_version":
                conn.execute(text(f"DROP TABLE IF EXISTS {t}"))
    s.close()
    s = Vault(data_dir).unlock(PASSPHRASE)
    with s.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    s.close()


def test_keyring_fallback_is_silent_without_backend(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert not keys.keyring_available()
    s = Vault(data_dir).unlock(PASSPHRASE)
    assert s.remember_in_keyring() is False
    s.close()
    assert Vault(data_dir).unlock_from_keyring() is None


def test_keyring_roundtrip_with_a_working_backend(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1
        data: dict = {}

        def get_password(self, service, username):
            return self.data.get((service, username))

        def set_password(self, service, username, password):
            self.data[(service, username)] = password

        def delete_password(self, service, username):
            self.data.pop((service, username), None)

    mem = Memory()
    monkeypatch.setattr(keyring, "get_keyring", lambda: mem)
    monkeypatch.setattr(keyring, "set_password", mem.set_password)
    monkeypatch.setattr(keyring, "get_password", mem.get_password)
    monkeypatch.setattr(keyring, "delete_password", mem.delete_password)
    s = Vault(data_dir).unlock(PASSPHRASE)
    assert s.remember_in_keyring()
    s.close()
    again = Vault(data_dir).unlock_from_keyring()
    assert again is not None
    again.forget_keyring()
    again.close()
    assert Vault(data_dir).unlock_from_keyring() is None


def test_backup_restore_roundtrip(demo_dir: Path, tmp_path: Path) -> None:
    from esp_desktop.services import Services

    s = Vault(demo_dir).unlock(PASSPHRASE)
    before = Services(s).transfer.export()
    archive = tmp_path / "backup.espbak"
    create_backup(s, archive)
    s.close()
    assert b"Nguy" not in archive.read_bytes() and b"routines" not in archive.read_bytes()
    target = tmp_path / "restored"
    with pytest.raises(WrongPassphrase):
        restore_backup(archive, target, "wrong passphrase")
    assert not target.exists()
    restore_backup(archive, target, PASSPHRASE)
    r = Vault(target).unlock(PASSPHRASE)
    after = Services(r).transfer.export()
    assert check_store(r).ok and check_store(r).attachments_checked == 8
    r.close()
    for k, v in before.items():
        if isinstance(v, list):
            assert v == after[k], k
    with pytest.raises(StoreExists):
        restore_backup(archive, target, PASSPHRASE)


@pytest.mark.parametrize("damage", ["truncate", "flip", "header"])
def test_damaged_backup_is_refused(demo_dir: Path, tmp_path: Path, damage: str) -> None:
    s = Vault(demo_dir).unlock(PASSPHRASE)
    archive = tmp_path / "b.espbak"
    create_backup(s, archive)
    s.close()
    raw = bytearray(archive.read_bytes())
    if damage == "truncate":
        raw = raw[: len(raw) - 5000]
    elif damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
    else:
        raw[20] ^= 0x01
    archive.write_bytes(bytes(raw))
    with pytest.raises((StoreCorrupt, WrongPassphrase)):
        restore_backup(archive, tmp_path / "target", PASSPHRASE)
    assert not (tmp_path / "target").exists()


def test_check_detects_damaged_attachment(demo_dir: Path) -> None:
    s = Vault(demo_dir).unlock(PASSPHRASE)
    assert check_store(s).ok
    victim = sorted((demo_dir / "attachments").glob("*.bin"))[0]
    raw = bytearray(victim.read_bytes())
    raw[-1] ^= 0xFF
    victim.write_bytes(bytes(raw))
    rep = check_store(s)
    s.close()
    assert not rep.ok and "damaged" in rep.problems[0]


def test_head_revision_matches_alembic_script_directory() -> None:
    from alembic.script import ScriptDirectory

    assert migrate.head_revision() == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def test_store_is_safe_to_use_from_many_short_lived_threads(data_dir: Path) -> None:
    """Regression: a per-thread connection pool closed connections under running queries."""
    import threading

    from esp_desktop.services import Services

    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(5):
                assert len(svc.caseload.educators()) == 1
                svc.search.search("silva")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    for _batch in range(4):
        threads = [threading.Thread(target=work) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    s.close()
    assert errors == []


def test_upgrade_from_0002_backfills_the_search_map(data_dir: Path) -> None:
    from esp_desktop.services import Services

    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva")
    en = svc.caseload.refer(educator_id=e.id, program="PA")
    svc.caseload.record_intake(enrolment_id=en.id, held_on=en.referred_on)
    svc.caseload.enrol(enrolment_id=en.id)
    o = svc.observations.start(educator_id=e.id, kind="announced")
    n = svc.observations.add_note(observation_id=o.id, text="Students used manipulatives")
    with s.engine.begin() as conn:  # back to a revision-0002 store: no search_map yet
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0002")
    s.close()
    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    assert [h.record_id for h in svc.search.search("manipulatives")] == [n.id]
    svc.observations.edit_note(n.id, text="Students used base-ten blocks")
    assert svc.search.search("manipulatives") == []
    assert [h.record_id for h in svc.search.search("blocks")] == [n.id]
    s.close()



def test_upgrade_from_0009_lists_the_indexed_terms(data_dir: Path) -> None:
    from esp_desktop.services import Services

    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    o = svc.observations.start(educator_id=enrolled(svc).id, kind="announced")
    n = svc.observations.add_note(observation_id=o.id, text="Students used manipulatives")
    gone = svc.observations.add_note(observation_id=o.id, text="Okonkwo's fractions")
    svc.observations.delete_notes([gone.id])
    with s.engine.begin() as conn:  # back to a revision-0009 store: no term list yet
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0009")
        assert "search_term" not in inspect(conn).get_table_names()
    s.close()
    s = Vault(data_dir).unlock(PASSPHRASE)
    listed = listed_terms(s)  # the deleted note's words are not listed
    assert listed == indexed_terms(s) and {"manipulatives", "used"} <= listed and not {"okonkwo", "fractions"} & listed
    svc = Services(s)
    assert [h.record_id for h in svc.search.search("manip")] == [n.id]
    svc.observations.edit_note(n.id, text="Students used base-ten blocks")
    assert svc.search.search("manip") == [] and "manipulatives" not in listed_terms(s)
    assert [h.record_id for h in svc.search.search("bloc")] == [n.id]
    s.close()


def test_upgrade_from_0004_adds_district_posts_and_keeps_observations(data_dir: Path) -> None:
    from esp_desktop.services import Services

    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    e = enrolled(svc)
    o = svc.observations.start(educator_id=e.id, kind="announced")
    svc.observations.update(o.id, feedback="Clear objective.")
    with s.engine.begin() as conn:  # back to a revision-0004 store: before the district bridge
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0004")
        assert "observation_post" not in inspect(conn).get_table_names()
    s.close()
    s = Vault(data_dir).unlock(PASSPHRASE)
    with s.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        assert {"observation_post", "assessment_post"} <= set(inspect(conn).get_table_names())
    svc = Services(s)
    kept = svc.observations.observation(o.id)
    assert kept.feedback == "Clear objective." and kept.next_steps is None
    assert svc.observations.update(o.id, next_steps="Plan whiteboard checks.").next_steps == "Plan whiteboard checks."


def test_upgrade_to_0007_moves_pending_resolutions_into_the_conflicts_table(data_dir: Path) -> None:
    """Stores from before 0007 kept the resolutions still to send in meta["sync"]["resolves"]."""
    import json

    s = Vault(data_dir).unlock(PASSPHRASE)
    with s.engine.begin() as conn:
        from alembic import command

        command.downgrade(migrate.alembic_config(conn), "0006")
        for cid, rid in (("c1", "r1"), ("c2", "r2")):
            conn.execute(text("INSERT INTO sync_conflict (conflict_id, record_id, record_type, base_version, "
                              "server_version, data, resolved, received_at) VALUES (:c, :r, 'educator', 1, 2, '{}', 1, "
                              "'2026-11-25T10:00:00.000000+00:00')"), {"c": cid, "r": rid})
        value = {"token": "t", "cursor": 7, "resolves": {"r1": ["c1"]}}
        conn.execute(text("INSERT INTO meta (key, value) VALUES ('sync', :v)"), {"v": json.dumps(value)})
    s.close()
    s = Vault(data_dir).unlock(PASSPHRASE)
    with s.engine.connect() as conn:
        pending = dict(conn.execute(text("SELECT conflict_id, resolution_pending FROM sync_conflict")).all())
        state = json.loads(conn.execute(text("SELECT value FROM meta WHERE key = 'sync'")).scalar_one())
    assert pending == {"c1": 1, "c2": 0}
    assert state == {"token": "t", "cursor": 7}
    from esp_desktop.sync.client import read_state

    assert read_state(s).cursor == 7 and read_state(s).token == "t"
    s.close()


def test_upgrade_from_0005_moves_panel_decisions_into_versioned_records(data_dir: Path) -> None:
    """A store whose decisions lived on the agenda case (before 0006) keeps every one, as version 1."""
    from alembic import command

    from esp_desktop.services import Services

    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    svc.caseload.set_profile(name="Jordan Ellis")
    a = svc.caseload.add_educator(given_name="Zed", family_name="Zulu")
    b = svc.caseload.add_educator(given_name="Ann", family_name="Beta")
    m = svc.panel.create_meeting(meets_on=date(2026, 11, 2))
    ca = svc.panel.add_case(meeting_id=m.id, educator_id=a.id, purpose="Review")
    cb = svc.panel.add_case(meeting_id=m.id, educator_id=b.id, purpose="Exit")
    with s.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0005")
        conn.execute(text("UPDATE panel_case SET decision = 'release_from_program', decision_notes = 'Goals met',"
                          " decided_on = '2026-11-02', final_ratings = '{}' WHERE id = :id"), {"id": cb.id})
    s.close()
    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    d = svc.panel.current_decision(b.id)
    assert d is not None and d.decision == "release_from_program" and d.rationale == "Goals met"
    assert d.version_no == 1 and d.decided_on == date(2026, 11, 2) and d.recorded_by == "Jordan Ellis"
    assert d.case_id == cb.id and d.sync_dirty  # travels to the CT's other devices
    assert svc.panel.current_decision(a.id) is None
    assert [i.case.id for i in svc.panel.agenda(m.id)] == [cb.id, ca.id]  # the old order: by family name
    s.close()
