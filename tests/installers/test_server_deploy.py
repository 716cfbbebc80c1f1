"""The service files for esp-central (systemd unit, container file) stay in step with its command line."""

from __future__ import annotations

import configparser
import json
import re
import shlex
from pathlib import Path

from esp_desktop.server.cli import _parser

ROOT = Path(__file__).resolve().parents[2]


def test_systemd_unit_runs_a_valid_serve_command_with_private_files():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(ROOT / "installers" / "linux" / "esp-central.service")
    service = unit["Service"]
    program, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/esp-central")
    parsed = _parser().parse_args(args)
    assert parsed.command == "serve" and parsed.workers > 1 and parsed.host == "127.0.0.1"
    assert service["UMask"] == "0077" and service["StateDirectoryMode"] == "0700"
    text = (ROOT / "installers" / "linux" / "esp-central.service").read_text()
    assert "Environment=ESP_CENTRAL_DATA_DIR=/var/lib/esp-central" in text.splitlines()
    assert "WantedBy" in unit["Install"]


def test_container_file_serves_on_its_exposed_port_and_checks_health():
    text = (ROOT / "installers" / "container" / "Containerfile").read_text()
    program, *args = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))  # type: ignore[union-attr]
    assert program == "esp-central"
    parsed = _parser().parse_args(args)
    assert parsed.command == "serve" and parsed.workers > 1
    assert f"EXPOSE {parsed.port}" in text
    assert f"127.0.0.1:{parsed.port}/v1/health" in text
    assert re.search(r"^USER esp-central$", text, re.M)
    # every file the image copies exists
    for src in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M):
        for name in src.split():
            assert (ROOT / name).exists(), name
