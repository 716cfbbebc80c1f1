"""Bench: render a ~40-page ESP panel packet (fictional sample data) to PDF.

Prints the page count, the cold time (first render in the process, incl. font loading) and the median of
warm renders; the last line is JSON {"metric": "panel_packet_40p_seconds", "value": <warm median>, "goal": 0.5}.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from esp_desktop.reports import render_pdf
from esp_desktop.reports.samples import sample_panel_packet

TARGET_PAGES = 40


def _render(doc, path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    result = render_pdf(doc, path, audience="panel")
    return time.perf_counter() - t0, result.pages


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "packet.pdf"
        # find the sample scale whose packet is closest to (not under) 40 pages
        scale, doc = 1, sample_panel_packet(scale=1)
        cold, pages = _render(doc, out)
        while pages < TARGET_PAGES:
            scale += 1
            doc = sample_panel_packet(scale=scale)
            _, pages = _render(doc, out)
        runs = [_render(doc, out)[0] for _ in range(5)]
        warm = statistics.median(runs)
        size_kb = out.stat().st_size / 1024
    print(f"panel packet: {pages} pages (sample scale {scale}), {size_kb:.0f} KiB")
    print(f"first render in process (incl. font loading, 9-page packet): {cold:.3f} s")
    print(
        f"40-page render: median {warm:.3f} s, min {min(runs):.3f} s, max {max(runs):.3f} s over {len(runs)} runs"
    )
    print(json.dumps({"metric": "panel_packet_40p_seconds", "value": round(warm, 3), "goal": 0.5}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
