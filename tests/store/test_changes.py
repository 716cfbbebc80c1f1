"""The store publishes what each commit changed (store/changes.py): local writes, sync-applied ones, threads."""

from __future__ import annotations

import threading

from esp_desktop.store.changes import Changes


def test_a_commit_publishes_the_records_it_touched(svc) -> None:
    with svc.store.changes.collect() as seen:
        site = svc.caseload.add_site(name="Fictional Elementary")
        e = svc.caseload.add_educator(given_name="Robin", family_name="Example", site_ids=[site.id])
        svc.caseload.educators()  # a read publishes nothing
    assert [c.records for c in seen] == [frozenset({("site", site.id)}), frozenset({("educator", e.id)})]
    assert seen[1].educators == {e.id} and not seen[1].remote
    assert seen[0].concerns("anyone") and seen[1].concerns(e.id) and not seen[1].concerns("someone else")


def test_a_failed_write_publishes_nothing(svc) -> None:
    e = svc.caseload.add_educator(given_name="Robin", family_name="Example")
    with svc.store.changes.collect() as seen:
        try:
            with svc.store.session() as s:
                from esp_desktop.store.models import Educator

                s.get(Educator, e.id).given_name = "Changed"
                s.flush()
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        svc.caseload.delete_educator(e.id)
    assert [c.records for c in seen] == [frozenset({("educator", e.id)})]


def test_sync_applied_changes_are_published_as_remote(svc) -> None:
    from esp_desktop.store.models import Site

    with svc.store.changes.collect() as seen, svc.store.session(applying_remote=True) as s:
        s.add(Site(name="Received Elementary"))
    assert len(seen) == 1 and seen[0].remote and seen[0].types == {"site"}


def test_listeners_hear_commits_from_other_threads_and_a_failing_one_is_contained(svc) -> None:
    heard: list[tuple[str, Changes]] = []
    svc.store.changes.subscribe(lambda ch: 1 / 0)  # a broken screen
    unsubscribe = svc.store.changes.subscribe(lambda ch: heard.append((threading.current_thread().name, ch)))
    t = threading.Thread(target=lambda: svc.caseload.add_site(name="Thread School"), name="worker")
    t.start()
    t.join()
    unsubscribe()
    svc.caseload.add_site(name="Not heard")
    assert [name for name, _ in heard] == ["worker"] and heard[0][1].types == {"site"}


def test_changes_merge() -> None:
    a = Changes(frozenset({("goal", "1")}), frozenset({"e1"}))
    b = Changes(frozenset({("site", "2")}), remote=True)
    m = Changes.union([a, b])
    assert m.types == {"goal", "site"} and m.remote and m.ids("goal") == {"1"} and m.has("site", "2")
    assert not Changes() and m.touches("site") and not m.touches("observation")


def test_a_0003_store_with_records_upgrades_to_0004(data_dir) -> None:
    """Existing stores gain archived sites/educators, equity areas on goals and the cap's reason, with
    defaults that keep every record as it was."""
    from alembic import command
    from sqlalchemy import text

    from esp_desktop.services import Services
    from esp_desktop.store import migrate
    from esp_desktop.store.vault import Vault
    from tests.helpers.env import PASSPHRASE

    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    site = svc.caseload.add_site(name="Fictional Elementary")
    e = svc.caseload.add_educator(given_name="Ana", family_name="Silva", site_ids=[site.id])
    svc.goals.add(educator_id=e.id, kind="professional_practice", title="Discourse", statement="75% explain.")
    svc.caseload.set_profile(name="Jordan Ellis")
    with s.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0003")
        assert "archived" not in conn.execute(text("SELECT * FROM site")).keys()
    s.close()
    s = Vault(data_dir).unlock(PASSPHRASE)
    svc = Services(s)
    assert not svc.caseload.sites()[0].archived and not svc.caseload.educator(e.id).archived
    assert svc.goals.for_educator(e.id)[0].equity_codes == []
    assert svc.caseload.profile().cap_reason is None and svc.caseload.cap() == 12
    s.close()
