"""Re-create the example images in docs/examples/ from the fictional demo caseload.

    .venv/bin/python docs/examples/render_examples.py      (needs pdftoppm from poppler-utils)

Beyond `esp-desktop demo`, it does what a CT would do before exporting: shares the non-private scripted notes
of one observation with the educator, and drafts a summative recommendation (panel only) for one PAR educator.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from esp_desktop.reports.service import ReportService
from esp_desktop.services import Services
from esp_desktop.services.demo import PRIVATE_THOUGHTS, load_demo
from esp_desktop.store.models import ScriptNote
from esp_desktop.store.vault import Vault

HERE = Path(__file__).resolve().parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Vault(Path(tmp) / "data").create("example passphrase, fictional data")
        svc = Services(store)
        load_demo(svc)
        zoe = svc.caseload.resolve_educator("Zoë")
        obs = svc.observations.for_educator(zoe.id)[-1]
        for n in svc.observations.notes(obs.id):
            if n.text not in PRIVATE_THOUGHTS:
                svc.observations.set_audience(ScriptNote, n.id, "educator")
        evidence = svc.evidence.for_educator(zoe.id)
        s = svc.assessments.draft(educator_id=zoe.id, kind="summative", audience="panel")
        for std, rating in zip(
            svc.rubric.standard_codes(),
            ["proficient", "proficient", "proficient", "needs_improvement"],
            strict=False,
        ):
            svc.assessments.set_rating(
                document_id=s.id,
                standard=std,
                rating=rating,
                evidence_ids=[e.id for e in evidence],
                rationale="Across three observations the educator planned coherent lessons with clear "
                "objectives "
                "and used exit tickets to regroup students. Routines improved after co-planning.",
            )
        svc.assessments.set_overall(
            document_id=s.id,
            rating="proficient",
            rationale="Steady growth across the cycle; the remaining concern is "
            "consistency of routines, addressed in the prescription.",
        )
        meeting = svc.panel.meetings()[0]
        reports = ReportService(svc)
        jobs = [
            (
                "observation-report",
                dict(kind="observation", educator_id=zoe.id, observation_id=obs.id, audience="educator"),
                1,
            ),
            ("formative-assessment", dict(kind="formative", educator_id=zoe.id, audience="educator"), 1),
            ("summative-recommendation", dict(kind="summative", educator_id=zoe.id, audience="panel"), 1),
            ("panel-packet", dict(kind="panel-packet", educator_id=zoe.id, audience="panel"), 2),
            ("panel-agenda", dict(kind="agenda", meeting_id=meeting.id, audience="panel"), 1),
        ]
        for name, kw, pages in jobs:
            pdf = Path(tmp) / f"{name}.pdf"
            reports.export(path=pdf, **kw)
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", str(pages), str(pdf), str(HERE / name)],
                check=True,
            )
        store.close()
    print("\n".join(sorted(p.name for p in HERE.glob("*.png"))))


if __name__ == "__main__":
    main()
