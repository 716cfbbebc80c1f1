"""Year-shaped, not demo-shaped: every service write the demo loader (services/demo.py) performs must be used
by some module under ui/, so a CT starting from an empty store can make everything the demo makes."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "esp_desktop"
OWN = {"demo"}  # the demo loader's own bookkeeping (marking its records) is not a CT's write


def service_areas() -> dict[str, str]:
    """Services attribute -> service class name, read from services/registry.py (``def goals(self) -> GoalService``,
    a cached property)."""
    tree = ast.parse((SRC / "services" / "registry.py").read_text(encoding="utf-8"))
    out = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.FunctionDef) and isinstance(node.returns, ast.Name)
                and node.returns.id.endswith("Service")
                and any(isinstance(d, ast.Name) and d.id == "cached_property" for d in node.decorator_list)):
            out[node.name] = node.returns.id
    return out


def _writes_in(fn: ast.FunctionDef) -> bool:
    """A method writes if it changes a loaded record, adds one to a session or tombstones one."""
    for node in ast.walk(fn):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AugAssign) else []
        for t in targets:
            for el in (t.elts if isinstance(t, ast.Tuple) else [t]):
                if isinstance(el, ast.Attribute) and not (isinstance(el.value, ast.Name) and el.value.id == "self"):
                    return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("soft_delete", "set_audience", "_end", "apply_fields") or (
                    node.func.attr == "add" and isinstance(node.func.value, ast.Name) and node.func.value.id == "s"):
                return True
    return False


def service_writes() -> dict[str, set[str]]:
    """Service class name -> names of its public methods that write."""
    out: dict[str, set[str]] = {}
    for path in (SRC / "services").glob("*.py"):
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(cls, ast.ClassDef) and cls.name.endswith("Service"):
                out.setdefault(cls.name, set()).update(
                    f.name for f in cls.body if isinstance(f, ast.FunctionDef) and not f.name.startswith("_")
                    and _writes_in(f))
    return out


def used_service_methods(tree: ast.AST, areas: set[str]) -> set[tuple[str, str]]:
    """(area, method) for every ``<anything>.<area>.<method>`` reference, and ``x.<method>`` where ``x`` was
    assigned ``<anything>.<area>`` (``cl = self.ctx.svc.caseload``) in the same scope."""
    found: set[tuple[str, str]] = set()
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module)]
    for scope in scopes:
        alias: dict[str, str] = {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr in areas:
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        alias[t.id] = node.value.attr
        for node in ast.walk(scope):
            if not isinstance(node, ast.Attribute):
                continue
            base = node.value
            if isinstance(base, ast.Attribute) and base.attr in areas:
                found.add((base.attr, node.attr))
            elif isinstance(base, ast.Name) and base.id in alias:
                found.add((alias[base.id], node.attr))
    return found


def demo_writes() -> set[tuple[str, str]]:
    areas = service_areas()
    writes = service_writes()
    used = used_service_methods(ast.parse((SRC / "services" / "demo.py").read_text(encoding="utf-8")), set(areas))
    return {(a, m) for a, m in used if a not in OWN and m in writes.get(areas[a], set())}


def ui_uses() -> set[tuple[str, str]]:
    areas = set(service_areas())
    out: set[tuple[str, str]] = set()
    for path in (SRC / "ui").rglob("*.py"):
        out |= used_service_methods(ast.parse(path.read_text(encoding="utf-8")), areas)
    return out


def test_the_checker_sees_writes_and_aliases() -> None:
    writes = service_writes()
    assert {"add_site", "enrol", "start_cycle"} <= writes["CaseloadService"] | writes["ComplianceService"]
    assert "educators" not in writes["CaseloadService"] and "sites" not in writes["CaseloadService"]
    tree = ast.parse("def f(svc):\n    cl = svc.caseload\n    cl.add_site(name='x')\n    svc.goals.add(x=1)\n")
    assert used_service_methods(tree, {"caseload", "goals"}) == {("caseload", "add_site"), ("goals", "add")}
    found = demo_writes()
    assert {("caseload", "add_site"), ("compliance", "start_cycle"), ("panel", "create_meeting")} <= found
    assert len(found) >= 20, sorted(found)


def test_every_write_the_demo_performs_is_reachable_from_the_ui() -> None:
    missing = sorted(f"{a}.{m}" for a, m in demo_writes() - ui_uses())
    assert missing == [], f"the demo makes records no screen can make: {missing}"
