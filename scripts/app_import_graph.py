"""Print Tandem's app-level import graph, its cycles, and imports of another app's private
modules.

    python scripts/app_import_graph.py            # edges, cycles, private imports
    python scripts/app_import_graph.py --edges    # one "importer -> imported (n)" per line
    python scripts/app_import_graph.py --detail accounts audit   # the imports behind an edge

An *app* is a direct subpackage of ``tandem`` (``tandem.cli`` counts as ``cli``). Every import
counts, including those inside functions (grimp reads them all), as import-linter's ``layers``
contract does. The exit status is 1 when the graph has a cycle, so the lead can run this after
merging and shrink the ``ignore_imports`` of the layers contract in ``pyproject.toml`` to none.

The public surface of an app (docs/decisions/0007-app-layers-and-public-modules.md) is
``services``, ``selectors``, ``permissions``, ``data``, ``models``, ``tasks`` (each a module or
a package) and the personal-data registry ``accounts.personal_data``; every module of
``core`` is public. ``config`` (URL and settings wiring), ``api`` (the router assembly) and
``cli`` assemble the apps' private entry points (URLs, routers, commands).

``--contracts`` prints the import-linter ``protected`` contracts that enforce the rule (one
per app, protecting every module outside its public surface), for ``pyproject.toml``.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import grimp

ROOT = "tandem"
PUBLIC = {
    "services",
    "selectors",
    "permissions",
    "data",
    "models",
    "tasks",
    "personal_data",
    "types",
}
ASSEMBLERS = {"config", "api", "cli"}
# Modules that are not Python code other apps could import, or wiring Django loads by name.
NOT_PROTECTED = {"__init__", "apps", "migrations", "management", "templatetags"}
# Private modules left out of the generated contracts while a change moves or removes them
# (none now; issue 11 emptied it).
IN_FLUX: set[str] = set()
# core is the shared kernel: every module of it is public.
ALL_PUBLIC_APPS = {"core"}


# Modules that form their own node, at their own level of the layers contract: the audit
# record (written by every app) sits below accounts, the audit trail pages above organizations.
SPLIT = {"tandem.audit.models": "audit.record", "tandem.audit.services": "audit.record"}


def _app(module: str) -> str:
    for prefix, node in SPLIT.items():
        if module == prefix or module.startswith(prefix + "."):
            return node
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _kind(module: str) -> str:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else "__init__"


def build() -> tuple[grimp.ImportGraph, dict[tuple[str, str], list[tuple[str, str]]]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    graph = grimp.build_graph(ROOT, cache_dir=None)
    edges: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for importer in sorted(graph.modules):
        a = _app(importer)
        if not a:
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            b = _app(imported)
            if imported.split(".")[0] != ROOT or not b or a == b:
                continue
            if ".migrations." in importer:
                continue
            edges[(a, b)].append((importer, imported))
    return graph, edges


def cycles(edges: dict[tuple[str, str], list[tuple[str, str]]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan)."""
    succ: dict[str, set[str]] = defaultdict(set)
    nodes: set[str] = set()
    for a, b in edges:
        succ[a].add(b)
        nodes |= {a, b}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(succ[v]):
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
                out.append(sorted(component))

    for node in sorted(nodes):
        if node not in index:
            visit(node)
    return out


def layer_order(edges: dict[tuple[str, str], list[tuple[str, str]]]) -> list[str]:
    """A bottom-up order of the apps (dependencies first), ignoring edges inside cycles."""
    succ: dict[str, set[str]] = defaultdict(set)
    nodes: set[str] = set()
    for a, b in edges:
        succ[a].add(b)
        nodes |= {a, b}
    done: list[str] = []
    seen: set[str] = set()

    def visit(v: str, path: set[str]) -> None:
        if v in seen or v in path:
            return
        path.add(v)
        for w in sorted(succ[v]):
            visit(w, path)
        path.discard(v)
        seen.add(v)
        done.append(v)

    for node in sorted(nodes):
        visit(node, set())
    return done


def private_imports(
    edges: dict[tuple[str, str], list[tuple[str, str]]],
) -> list[tuple[str, str]]:
    """Imports of another app's module outside its public surface."""
    out = []
    for (a, b), pairs in sorted(edges.items()):
        if a in ASSEMBLERS or b in ALL_PUBLIC_APPS:
            continue
        for importer, imported in pairs:
            if _kind(imported) not in PUBLIC:
                out.append((importer, imported))
    return out


def contracts(graph: grimp.ImportGraph) -> str:
    """One ``protected`` contract per app: its private modules, importable by itself only
    (and by the assemblers' entry points: ``tandem.config.urls``, ``tandem.api.main``,
    ``tandem.cli``)."""
    apps = sorted(
        {m.split(".")[1] for m in graph.modules if m.count(".") >= 1} - ASSEMBLERS - ALL_PUBLIC_APPS
    )
    out = []
    for app in apps:
        kinds = sorted(
            {_kind(m) for m in graph.modules if m.split(".")[1:2] == [app] and m.count(".") >= 2}
            - PUBLIC
            - NOT_PROTECTED
        )
        if not kinds:
            continue
        names = [f"{ROOT}.{app}.{k}" for k in kinds if f"{ROOT}.{app}.{k}" not in IN_FLUX]
        modules = ", ".join(f'"{name}"' for name in names)
        out.append(
            "[[tool.importlinter.contracts]]\n"
            f'name = "Only {app} imports its private modules"\n'
            'type = "protected"\n'
            f"protected_modules = [{modules}]\n"
            f'allowed_importers = ["{ROOT}.{app}", "{ROOT}.config.urls", "{ROOT}.api.main", '
            f'"{ROOT}.cli"]\n'
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edges", action="store_true", help="print the edges only")
    parser.add_argument("--detail", nargs=2, metavar=("IMPORTER", "IMPORTED"))
    parser.add_argument("--contracts", action="store_true", help="print protected contracts")
    args = parser.parse_args(argv)
    graph, edges = build()
    if args.contracts:
        print(contracts(graph))
        return 0
    if args.detail:
        for importer, imported in edges.get(tuple(args.detail), []):  # type: ignore[arg-type]
            print(f"{importer} -> {imported}")
        return 0
    print("# App-level import graph (importer -> imported: number of module imports)")
    for (a, b), pairs in sorted(edges.items()):
        print(f"{a} -> {b}: {len(pairs)}")
    if args.edges:
        return 0
    found = cycles(edges)
    print("\n# Cycles (strongly connected groups of apps)")
    for component in found:
        print("{" + ", ".join(component) + "}")
        for a in component:
            for b in component:
                for importer, imported in edges.get((a, b), []):
                    print(f"    {importer} -> {imported}")
    if not found:
        print("none")
    print("\n# A bottom-up order (each app imports only apps above it, cycles aside)")
    print(" -> ".join(layer_order(edges)))
    print("\n# Imports of another app's private modules")
    private = private_imports(edges)
    for importer, imported in private:
        print(f"{importer} -> {imported}")
    if not private:
        print("none")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
