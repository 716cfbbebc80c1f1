"""The services' registry: each service is made on first use, once per ``Services``, from a module the preload
knows (services/registry.py, ui/preload.py)."""

from __future__ import annotations

import subprocess
import sys
from functools import cached_property

from esp_desktop.services import Services, registry


def service_properties() -> dict[str, str]:
    """Property -> the class name it is annotated with (the classes themselves are imported on first use)."""
    return {name: attr.func.__annotations__["return"] for name, attr in vars(Services).items()
            if isinstance(attr, cached_property)}


def test_every_service_is_made_once_per_services_and_from_a_module_the_preload_loads(svc: Services) -> None:
    props = service_properties()
    assert len(props) == 25
    modules = set()
    for name, cls in props.items():
        service = getattr(svc, name)
        assert type(service).__name__ == cls
        assert getattr(svc, name) is service  # one instance per Services
        assert service._svc is svc
        modules.add(type(service).__module__)
    assert set(registry.MODULES) == modules  # the preload loads every one of them in the background


def test_importing_the_registry_imports_no_service_module() -> None:
    code = ("import sys, esp_desktop.services.registry; "
            "print(sorted(m for m in sys.modules if m.startswith('esp_desktop.services.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert eval(out) == ["esp_desktop.services.base", "esp_desktop.services.registry"]
