"""The architecture, as tests: core/ has no Streamlit, no import cycle, stages that do not reach into the
store, and a top level a newcomer can read (issue 12). The graph is built from the source with `ast`,
counting imports inside functions too: a lazy import is still a dependency."""
from __future__ import annotations

import ast

from core.paths import ROOT

CORE = ROOT / "core"
MAX_TOP_LEVEL_MODULES = 12


def _module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path) -> set[str]:
    """Every module `path` imports (absolute names; `from core import x` counts as core.x when x is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def core_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in CORE.rglob("*.py")}
    return {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_core_never_imports_streamlit():
    offenders = [str(p.relative_to(ROOT)) for p in CORE.rglob("*.py")
                 if any(m == "streamlit" or m.startswith("streamlit.") for m in _imports(p))]
    assert not offenders, f"core/ is the library without Streamlit; these import it: {offenders}"


def test_core_has_no_import_cycle():
    graph = core_graph()
    # the package itself (core/__init__.py) re-exports the pipeline lazily; its submodules may read
    # EXTRACTOR_VERSION from it, which is not a cycle through the pipeline
    graph["core"] = {m for m in graph["core"] if not m.startswith("core.extract")}
    cycle = _find_cycle(graph)
    assert cycle is None, "import cycle in core/: " + " -> ".join(cycle)


def _reaches(graph, source_prefix: str, target_prefix: str) -> list[str]:
    return sorted(f"{m} imports {d}" for m, deps in graph.items() if m.startswith(source_prefix)
                  for d in deps if d.startswith(target_prefix))


def test_extraction_does_not_touch_the_store():
    assert _reaches(core_graph(), "core.extract", "core.storage") == []


def test_presentation_does_not_touch_the_store():
    assert _reaches(core_graph(), "core.present", "core.storage") == []


def test_top_level_of_core_is_small():
    modules = sorted(p.name for p in CORE.glob("*.py"))
    packages = sorted(p.name for p in CORE.iterdir() if (p / "__init__.py").is_file())
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules
    assert len(packages) >= 4, packages


def test_the_cycle_finder_finds_a_cycle():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _find_cycle({"a": {"b"}, "b": set()}) is None


def test_ui_imports_form_a_tree():
    """ui/ modules import each other without a circle (ui.cache imports no other ui module but params)."""
    modules = {f"ui.{p.stem}": p for p in (ROOT / "ui").glob("*.py") if p.stem != "__init__"}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}
    assert _find_cycle(graph) is None
    assert graph["ui.cache"] <= {"ui.params"}


SQL_CALLS = {"execute", "executemany", "sql", "fetch_one", "fetch_frame"}  # fetch_*: core.storage.store's runners


def _sql_calls(path) -> list[int]:
    """Lines of `path` that run SQL: conn.execute / executemany / sql, or storage's fetch_one / fetch_frame."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name in SQL_CALLS:
                lines.append(node.lineno)
    return sorted(lines)


def test_only_storage_runs_sql():
    """Every statement lives in core/storage/, so a schema change is made and reviewed in one package."""
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in sorted(CORE.rglob("*.py"))
                 if p.relative_to(CORE).parts[0] != "storage" for line in _sql_calls(p)]
    assert not offenders, f"SQL outside core/storage/ (move it into a storage function): {offenders}"


def test_the_sql_finder_finds_sql(tmp_path):
    source = tmp_path / "m.py"
    source.write_text('rows = conn.execute("SELECT 1").fetchall()\nrow = fetch_one(conn, "SELECT 2")\nconn.close()\n')
    assert _sql_calls(source) == [1, 2]
