"""Report import cycles between Tandem's apps (the app-level graph, lazy imports included).

    python scripts/app_cycles.py            # cycles and the module imports that close them
    python scripts/app_cycles.py --edges    # also list every app → app edge

Builds the module graph with grimp (the engine of import-linter), squashes it to one node per
app (``tandem.<app>``) and prints each strongly connected component of more than one app,
with the imports behind each edge inside it. Exit status 1 when there is a cycle.
"""

from __future__ import annotations

import sys
from collections import defaultdict

import grimp

ROOT = "tandem"
NOT_APPS = {"tandem.cli", "tandem.config"}


def app_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    app = ".".join(parts[:2])
    return None if app in NOT_APPS else app


def app_edges() -> dict[tuple[str, str], list[tuple[str, str]]]:
    graph = grimp.build_graph(ROOT, cache_dir=None)
    edges: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for importer in graph.modules:
        a = app_of(importer)
        if a is None:
            continue
        for imported in graph.find_modules_directly_imported_by(importer):
            b = app_of(imported)
            if b is None or b == a:
                continue
            edges[(a, b)].append((importer, imported))
    return edges


def components(nodes: set[str], succ: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (iterative enough for a few dozen apps)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(succ.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main(argv: list[str]) -> int:
    edges = app_edges()
    succ: dict[str, set[str]] = defaultdict(set)
    nodes: set[str] = set()
    for a, b in edges:
        succ[a].add(b)
        nodes |= {a, b}
    if "--edges" in argv:
        for (a, b), why in sorted(edges.items()):
            print(f"{a} -> {b}  ({len(why)} imports)")
    cycles = [c for c in components(nodes, succ) if len(c) > 1]
    for comp in cycles:
        print("cycle among:", ", ".join(comp))
        members = set(comp)
        for (a, b), why in sorted(edges.items()):
            if a in members and b in members:
                print(f"  {a} -> {b}")
                for importer, imported in sorted(why):
                    print(f"      {importer} imports {imported}")
    if not cycles:
        print("no cycle between apps")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
