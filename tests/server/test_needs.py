"""Needs at school and district level (issue 18), end to end: a CT's device sends only counts (never a PA
educator), esp-central adds up every CT's latest counts per school and district, suppressed below 5 educators,
and only the program office reads them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from esp_desktop.core import aggregates as A
from esp_desktop.server.models import NeedsCounts
from esp_desktop.sync.client import SyncClient
from tests.helpers.env import PASSPHRASE
from tests.services.test_learning import enrolled

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


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
        assert client.send_needs(svc.learning.aggregate_submission(school_year="2026-27")) == 1
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
