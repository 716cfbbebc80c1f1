"""The layering of docs/architecture.md, enforced: its table is parsed and every import in src/ is checked.

Each module of ``src/esp_desktop`` belongs to the layer named by its first component (``ui/sync/dialogs.py`` is
``ui``); an import of another layer must be allowed by that layer's row, and a library import must be listed in
its row's libraries (the standard library is always allowed). Imports inside functions and ``TYPE_CHECKING``
blocks count: they are dependencies too.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "esp_desktop"
DOC = ROOT / "docs" / "architecture.md"

# Known violations being removed on another branch: (module, imported layer) -> why. A stale entry fails, so
# the list only shrinks.
PENDING: dict[tuple[str, str], str] = {
}


@dataclass(frozen=True)
class Rule:
    internal: frozenset[str]  # layers or sub-modules (``sync.protocol``) this layer may import
    libraries: frozenset[str]  # top-level third-party names


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. esp_desktop.ui.app
    path: Path
    line: int
    target: str  # absolute name, e.g. esp_desktop.store.vault or sqlalchemy.orm


def layer_table() -> dict[str, Rule]:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- layers: read by tests/test_architecture.py -->", 1)[1].split("<!-- /layers -->", 1)[0]
    rules = {}
    for line in block.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`")
        rules[name] = Rule(
            internal=frozenset(re.findall(r"`([\w.]+)`", cells[1])),
            libraries=frozenset(re.findall(r"`([\w.]+)`", cells[2])),
        )
    return rules


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (SRC / rel).with_suffix(".py").exists() or (SRC / rel / "__init__.py").exists()


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports() -> Iterator[Import]:
    for path in sorted(SRC.rglob("*.py")):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module, path, node.lineno, alias.name)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join([*base, node.module] if node.module else base)
                else:
                    source = node.module or ""
                for alias in node.names:  # `from ..sync import protocol` imports the module esp_desktop.sync.protocol
                    sub = f"{source}.{alias.name}"
                    yield Import(module, path, node.lineno, sub if _is_module(sub) else source)


def _where(imp: Import) -> str:
    return f"{imp.path.relative_to(ROOT)}:{imp.line} imports {imp.target}"


def _allowed(rule: Rule, own: str, target: str) -> bool:
    rest = target.split(".", 1)[1] if "." in target else ""
    if not rest:  # `from .. import __version__`
        return True
    if rest.split(".")[0] == own:
        return True
    return any(rest == a or rest.startswith(a + ".") for a in rule.internal)


def test_the_table_names_every_top_level_module() -> None:
    present = {p.stem if p.is_file() else p.name for p in SRC.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert set(layer_table()) == present, "docs/architecture.md's layer table must have one row per top-level module"


def test_every_import_follows_the_layer_table() -> None:
    rules = layer_table()
    offenders, pending_seen = [], set()
    for imp in imports():
        if not imp.target.startswith("esp_desktop"):
            continue
        own = layer_of(imp.module)
        if _allowed(rules[own], own, imp.target):
            continue
        key = (imp.module, layer_of(imp.target))
        if key in PENDING:
            pending_seen.add(key)
            continue
        offenders.append(f"{_where(imp)}: `{own}` may import only {sorted(rules[own].internal)}")
    assert offenders == [], "\n".join(offenders)
    assert set(PENDING) <= pending_seen, f"fixed: remove from PENDING: {sorted(set(PENDING) - pending_seen)}"


def test_libraries_are_used_only_by_the_layers_listed() -> None:
    rules = layer_table()
    offenders = []
    for imp in imports():
        top = imp.target.split(".")[0]
        if top in ("esp_desktop", "__future__") or top in sys.stdlib_module_names:
            continue
        own = layer_of(imp.module)
        if top not in rules[own].libraries:
            offenders.append(f"{_where(imp)}: `{own}` may use only {sorted(rules[own].libraries) or 'the standard library'}")
    assert offenders == [], "\n".join(offenders)


@pytest.mark.parametrize("layer", ["ui", "cli"])
def test_ui_and_cli_reach_the_store_only_through_the_vault_facade(layer: str) -> None:
    """Said twice on purpose: the table must not grow a `store` entry for them."""
    rule = layer_table()[layer]
    assert not any(a == "store" or a.startswith("store.") for a in rule.internal)
    assert "services" in rule.internal


def test_the_checker_sees_relative_imports_and_submodules() -> None:
    """The resolution the two tests above rely on, on modules whose imports are known."""
    got = {(i.module, i.target) for i in imports()}
    assert ("esp_desktop.server.app", "esp_desktop.sync.protocol") in got  # from ..sync import protocol as P
    assert ("esp_desktop.services.vault", "esp_desktop.store.vault") in got  # from ..store.vault import ...
    assert ("esp_desktop.ui.app", "esp_desktop.services.vault") in got  # from ..services import vault (in a function)
