"""The service layer's shape, read from the source: which package may import which,
and the few rules that keep the packages apart (DESIGN.md, "Inside the service layer").

`violations(root)` returns one readable line per broken rule; tests/services/test_layering.py
runs it on the real tree and on copies with a planted violation.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

FOUNDATION = ("core", "search", "access", "lists", "reminders")
DOMAINS = ("customers", "pool", "policy", "visits", "service_desk", "work")

# package -> packages it may import (besides itself). Dependencies point one way:
# core ← search, access ← lists ← reminders engine ← admin ← customers ← the other domains.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "search": {"core"},
    "access": {"core"},
    "lists": {"core", "search", "access"},
    "reminders": {"core"},
    "admin": {"core", "search", "access", "lists", "reminders"},
    "customers": {*FOUNDATION, "admin"},
    "pool": {*FOUNDATION, "admin", "customers"},
    "visits": {*FOUNDATION, "admin", "customers"},
    "service_desk": {*FOUNDATION, "admin", "customers"},
    "policy": {*FOUNDATION, "admin", "customers", "pool"},
    "work": {*FOUNDATION, "admin", "customers", "visits"},
    # The demo company is made through every domain's services.
    "demo": {*FOUNDATION, "admin", "customers", "pool", "policy", "visits", "service_desk", "work"},
}
REGISTRY = "app.services.reminders.registry"  # the one importer of reminder providers
ROLES_MODULE = "app.services.access.roles"  # the one home of role sets
# A package's helpers that work inside a unit of work someone else opened; other service
# packages may use them (as ALLOWED says), the UI never.
INTERNAL = "_internal"


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    target: str  # dotted module imported (a submodule when `from pkg import submodule`)
    names: tuple[str, ...]  # names taken from target (empty for `import x` / submodules)
    line: int


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, top: str = "app") -> dict[str, Path]:
    return {module_name(p, root): p for p in (root / top).rglob("*.py")}


def imports_of(name: str, path: Path, known: dict[str, Path]) -> list[Import]:
    """Every import in the file, function-level ones included (they make cycles too)."""
    out = []
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [Import(name, a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = []
            for a in node.names:
                if f"{base}.{a.name}" in known:  # `from pkg import submodule`
                    out.append(Import(name, f"{base}.{a.name}", (), node.lineno))
                else:
                    names.append(a.name)
            if names or not node.names:
                out.append(Import(name, base, tuple(names), node.lineno))
    return out


def package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["app", "services"] or len(parts) < 3:
        return None
    return parts[2]


def leaf(module: str) -> str:
    return module.rpartition(".")[2]


def is_list_module(module: str) -> bool:
    return leaf(module) == "lists" or leaf(module).endswith("_lists")


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _role_sets(tree: ast.AST) -> list[int]:
    """Lines of tuple/list/set literals naming two or more roles (Role.X)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            roles = [
                e
                for e in node.elts
                if isinstance(e, ast.Attribute)
                and isinstance(e.value, ast.Name)
                and e.value.id == "Role"
            ]
            if len(roles) >= 2:
                lines.append(node.lineno)
    return lines


_USES_OPEN_UOW = ("session", "flush", "commit", "joined")


def _internal_names(tree: ast.Module) -> set[str]:
    """Names this module took from a private module (`from x._internal import f`)."""
    return {
        (a.asname or a.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and leaf(node.module or "").startswith("_")
        for a in node.names
    }


def _needs_open_uow(fn: ast.FunctionDef, internal: set[str]) -> bool:
    """The body reads or writes through uow itself (uow.session …), or hands uow to a
    helper that needs it open (a _private function or one from an _internal module).
    Handing it to a public function is fine: that one opens it."""
    for node in ast.walk(fn):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "uow"
            and node.attr in _USES_OPEN_UOW
        ):
            return True
        if isinstance(node, ast.Call) and any(
            isinstance(a, ast.Name) and a.id == "uow" for a in node.args
        ):
            f = node.func
            if isinstance(f, ast.Name) and (f.id.startswith("_") or f.id in internal):
                return True
            if isinstance(f, ast.Attribute) and (
                f.attr.startswith("_")
                or (isinstance(f.value, ast.Name) and f.value.id.startswith("_"))
            ):
                return True
    return False


def _opens_uow(fn: ast.FunctionDef) -> bool:
    return any(
        isinstance(node, ast.With)
        and any(
            isinstance(item.context_expr, ast.Name) and item.context_expr.id == "uow"
            for item in node.items
        )
        for node in ast.walk(fn)
    )


def _is_provider(fn: ast.FunctionDef) -> bool:
    """@provider(...) functions run inside the registry's unit of work."""
    return any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "provider"
        for d in fn.decorator_list
    )


def _helpers_outside_internal(tree: ast.Module) -> list[tuple[int, str]]:
    """Public functions taking a uow they do not open: they belong in an _internal module."""
    internal = _internal_names(tree)
    return [
        (fn.lineno, fn.name)
        for fn in tree.body
        if isinstance(fn, ast.FunctionDef)
        and not fn.name.startswith("_")
        and fn.args.args
        and fn.args.args[0].arg == "uow"
        and not _is_provider(fn)
        and _needs_open_uow(fn, internal)
        and not _opens_uow(fn)
    ]


def violations(root: Path) -> list[str]:
    known = modules(root)
    services = {m: p for m, p in known.items() if m.startswith("app.services.")}
    found: list[str] = []
    graph: dict[str, set[str]] = {}
    for name, path in sorted(services.items()):
        src_pkg = package_of(name)
        where = f"{path.relative_to(root)}"
        for imp in imports_of(name, path, known):
            if imp.target.startswith(("PySide6", "shiboken6")):
                found.append(f"{where}:{imp.line}: services never import Qt ({imp.target})")
            if imp.target.startswith("app.ui"):
                found.append(f"{where}:{imp.line}: services never import app.ui")
            dst_pkg = package_of(imp.target)
            if dst_pkg is None:
                continue
            if imp.target in services:
                graph.setdefault(name, set()).add(imp.target)
            provider = leaf(imp.target) == "reminders" and dst_pkg != "reminders"
            if name == REGISTRY and provider:
                continue  # the registry sits above every domain, to list their providers
            if src_pkg != dst_pkg and dst_pkg not in ALLOWED.get(src_pkg, set()):
                found.append(
                    f"{where}:{imp.line}: {src_pkg} may not import {dst_pkg} ({imp.target})"
                )
            if src_pkg != dst_pkg and is_list_module(imp.target):
                found.append(f"{where}:{imp.line}: imports another package's list ({imp.target})")
            if provider:
                found.append(
                    f"{where}:{imp.line}: only {REGISTRY} imports reminder providers ({imp.target})"
                )
            if (
                imp.target != name
                and leaf(imp.target).startswith("_")
                and leaf(imp.target) != INTERNAL
                and src_pkg != dst_pkg
            ):
                found.append(
                    f"{where}:{imp.line}: private module of another package ({imp.target})"
                )
            for n in imp.names:
                if n.startswith("_") and not n.startswith("__"):
                    found.append(f"{where}:{imp.line}: private name {n} from {imp.target}")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if name != ROLES_MODULE:
            found += [f"{where}:{ln}: role set outside {ROLES_MODULE}" for ln in _role_sets(tree)]
        found += [
            f"{where}:{node.lineno}: a new UnitOfWork from another's db and actor "
            "(hand uow on, or uow.separate(write=…) for a transaction of its own)"
            for node in ast.walk(tree)
            if name != "app.services.core.uow"  # UnitOfWork.separate itself
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "UnitOfWork"
            and any(isinstance(a, ast.Attribute) and a.attr == "db" for a in node.args)
        ]
        if not leaf(name).startswith("_"):
            found += [
                f"{where}:{ln}: {fn}(uow) needs an open unit of work: open it "
                f"(with uow:) or move it to {INTERNAL}"
                for ln, fn in _helpers_outside_internal(tree)
            ]
    for component in _cycles(graph):
        found.append("import cycle: " + " → ".join(component))
    for name, path in sorted(known.items()):
        if name.startswith("app.ui"):
            found += [
                f"{path.relative_to(root)}:{imp.line}: the UI imports a service's "
                f"private module ({imp.target})"
                for imp in imports_of(name, path, known)
                if package_of(imp.target) and leaf(imp.target).startswith("_")
            ]
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.relative_to(root)}:{ln}: the UI declares a role set (ask access.roles)"
                for ln in _role_sets(tree)
            ]
    return found
