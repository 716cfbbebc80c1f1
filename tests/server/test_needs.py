"""Needs at school and district level (issue 18), end to end: a CT's device sends only counts (never a PA
educator), esp-central adds up every CT's latest counts per school and district, suppressed below 5 educators,
and only the program office reads them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from esp_desktop.core import aggregates as A
from esp_desktop.core.errors import ValidationError
from esp_desktop.server.models import NeedsCounts
from esp_desktop.sync.client import SyncClient
from esp_desktop.sync.learning import exchange_catalog, send_needs_counts
from tests.helpers.env import PASSPHRASE
from tests.services.test_learning import enrolled

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


def _cli(served, *args: str) -> str:
    import contextlib
    import io

    from esp_desktop.server.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--data-dir", str(served.data_dir), "--db", served.db_url, *args]) == 0
    return out.getvalue()


def sub(*groups: tuple[int, str, tuple[str, ...]], pa: int = 0) -> dict:
    rows = [A.EducatorPriorities(("PAR",), (school,), codes) for n, school, codes in groups for _ in range(n)]
    rows += [A.EducatorPriorities(("PA",), ("HALE",), ("II-B",)) for _ in range(pa)]
    return A.submission(rows, school_year="2026-27").as_json()


def test_suppressed_below_five_and_only_for_the_program_office(served) -> None:
    ct_a, _ = served.enrol("Ms Okafor")
    ct_b, _ = served.enrol("Mr Castillo")
    office, _ = served.enrol("Program Office", role="program_office")
    r = ct_a.put("/v1/needs", json=sub((3, "HALE", ("II-B",)), pa=6))
    assert r.status_code == 200 and r.json() == {"schools": 1}
    ct_b.put("/v1/needs", json=sub((1, "HALE", ("II-B", "EQ-5")), (6, "LEE", ("II-B",)), (7, "MAR", ("I-B",))))
    agg = office.get("/v1/admin/needs", params={"school_year": "2026-27"}).json()
    by = {r["school"]: r for r in agg["schools"]}
    assert by["HALE"] == {"school": "HALE", "educators": None, "suppressed": True, "counts": {}}, \
        "4 PAR educators (the 6 PA educators never count): suppressed"
    assert by["LEE"]["suppressed"], "complementary: the district total minus MAR would reveal HALE"
    assert by["MAR"]["educators"] == 7 and by["MAR"]["counts"] == {"I-B": 7}
    assert agg["district"]["educators"] == 17 and agg["district"]["counts"] == {"EQ-5": None, "I-B": 7, "II-B": 10}
    assert agg["min_educators"] == 5
    out = _cli(served, "needs", "--school-year", "2026-27")
    assert out.splitlines() == ["school,educators,EQ-5,I-B,II-B", "(district),17,<5,7,10", "HALE,<5,,,",
                                "LEE,<5,,,", "MAR,7,,7,"], "the program office's download"

    # a CT's new counts replace their old ones
    ct_a.put("/v1/needs", json=sub((5, "HALE", ("II-B",))))
    agg = office.get("/v1/admin/needs", params={"school_year": "2026-27"}).json()
    by = {r["school"]: r for r in agg["schools"]}
    assert by["HALE"]["educators"] == 6 and not by["LEE"]["suppressed"]
    assert agg["district"]["educators"] == 19

    assert ct_a.get("/v1/admin/needs").status_code == 403, "a CT never reads other CTs' counts"
    assert office.put("/v1/needs", json=sub((5, "HALE", ("II-B",)))).status_code == 403
    bad = sub((5, "HALE", ("II-B",)))
    assert ct_a.put("/v1/needs", json={**bad, "names": ["Ana"]}).status_code == 422, "counts only"
    bad["schools"][0]["counts"]["II-B"] = 9
    assert ct_a.put("/v1/needs", json=bad).status_code == 400, "a count above the educators is refused"


def test_the_desktop_sends_counts_without_pa_educators_or_anything_identifying(served, svc) -> None:
    site = svc.caseload.add_site(name="Hale School", code="HALE")
    par = [enrolled(svc, name=f"Par{i}", site_ids=[site.id]) for i in range(5)]
    pa = [enrolled(svc, program="PA", name=f"Quiet{i}", site_ids=[site.id]) for i in range(3)]
    for e in [*par, *pa]:
        svc.learning.set_priority(educator_id=e.id, code="II-B", seed_goal=False)
    code = served.central.add_user(name="Ms Okafor", role="ct")
    client = SyncClient(svc.store, server_url=served.url, passphrase=PASSPHRASE)
    try:
        client.enrol(code, device_name="laptop")
        assert send_needs_counts(client, svc.learning, school_year="2026-27") == 1
    finally:
        client.close()
    with served.central.sessions() as s:
        stored = s.scalars(select(NeedsCounts)).one().counts
    data = json.loads(stored)
    assert data["district"] == {"school": "", "educators": 5, "counts": {"II-B": 5}}, "no PA educator counts"
    for e in [*par, *pa]:
        assert e.id not in stored and e.given_name not in stored and site.id not in stored
    office, _ = served.enrol("Program Office", role="program_office")
    agg = office.get("/v1/admin/needs", params={"school_year": "2026-27"}).json()
    assert agg["schools"] == [{"school": "HALE", "educators": 5, "suppressed": False, "counts": {"II-B": 5}}]


def test_catalog_entries_are_shared_between_cts(served, svc) -> None:
    mine = svc.learning.add_entry(kind="district_pd", title="Routines that give back time", indicator_codes=["II-B"],
                                  session_dates=["2027-01-14"], shared=True)
    svc.learning.add_entry(kind="union_session", title="Kept to myself", indicator_codes=["I-B"])
    code = served.central.add_user(name="Ms Okafor", role="ct")
    client = SyncClient(svc.store, server_url=served.url, passphrase=PASSPHRASE)
    other, _ = served.enrol("Mr Castillo")
    office, _ = served.enrol("Program Office", role="program_office")
    try:
        client.enrol(code, device_name="laptop")
        exchange_catalog(client, svc.learning)
        seen = other.get("/v1/catalog").json()["entries"]
        assert [(e["fields"]["title"], e["shared_by"]) for e in seen] == [("Routines that give back time", "Ms Okafor")]
        assert office.get("/v1/catalog").status_code == 403, "the program office reads no catalog"
        # Mr Castillo shares a peer model (with its consent) and tries to overwrite Ms Okafor's entry
        peer = {"kind": "peer_model", "title": "Room 12 visits", "indicator_codes": ["II-B"], "weekdays": ["tue"],
                "consent_on": "2026-10-26", "consent_note": "Signed form"}
        pid = "6f1c1d1e-0000-4000-8000-000000000001"
        assert other.put(f"/v1/catalog/{pid}", json={"id": pid, "fields": peer}).status_code == 200
        assert other.put(f"/v1/catalog/{mine.id}", json={"id": mine.id, "fields": {}}).status_code == 409
        exchange_catalog(client, svc.learning)
        copy = next(e for e in svc.learning.catalog() if e.title == "Room 12 visits")
        assert copy.origin_id == pid and copy.shared_by == "Mr Castillo" and copy.weekdays == ["tue"]
        with pytest.raises(ValidationError, match="only they can change it"):
            svc.learning.update_entry(copy.id, title="Mine now")
        # he withdraws it: it leaves; Ms Okafor un-shares hers: it is withdrawn on the server
        other.put(f"/v1/catalog/{pid}", json={"id": pid, "fields": {}, "withdrawn": True})
        svc.learning.update_entry(mine.id, shared=False)
        exchange_catalog(client, svc.learning)
        assert all(e.title != "Room 12 visits" for e in svc.learning.catalog())
        assert all(e["withdrawn"] for e in other.get("/v1/catalog").json()["entries"])
    finally:
        client.close()
