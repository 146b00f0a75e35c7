"""The library's layers: imports point down only, no cycles, no module too long.

The layers, lowest first (a module may import from its own layer or a lower one):

0. base: config, vocabulary, wording, parallel, fingerprint, safe_csv, text_storage
1. inputs: inputs (every input resolved), ssda903 (the return), published (DfE, ONS, Ofsted, finance), local
2. analysis: metrics, benchmark, disclosure, costs, market, forecasts, demand, findings
3. demo: the synthetic returns, out of the main path
4. statement: chapters, tables, charts, narrative, the artifact, the explorer
5. site: batch, execution, HTML, index, provenance, leak check
6. cli
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parent.parent / "sufficiency_lib"
RANKS = {"config": 0, "inputs": 1, "vocabulary": 0, "wording": 0, "parallel": 0, "fingerprint": 0, "safe_csv": 0,
         "text_storage": 0, "ssda903": 1, "published": 1, "local": 1, "analysis": 2, "demo": 3, "statement": 4,
         "site": 5, "cli": 6}
MAX_LINES = 520


def module_name(path: Path) -> str:
    parts = list(path.relative_to(LIBRARY.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every sufficiency_lib module ``path`` imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sufficiency_lib")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            if not base.startswith("sufficiency_lib"):
                continue
            for alias in node.names:   # "from pkg import module" names a module
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _exists(candidate) else base)
    return found


def _exists(dotted: str) -> bool:
    path = LIBRARY.parent / Path(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:          # the package itself (its version)
        return 0
    return RANKS[parts[1].removesuffix(".py")]


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in LIBRARY.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m != name} for name, path in modules.items()}


def test_every_module_belongs_to_a_layer():
    unknown = sorted(m for m in graph() if len(m.split(".")) > 1 and m.split(".")[1] not in RANKS)
    assert not unknown, f"modules outside the layers: {unknown}; add them to a layer folder"


def test_imports_point_down_only():
    upward = [f"{module} (layer {rank(module)}) imports {target} (layer {rank(target)})"
              for module, targets in graph().items() for target in sorted(targets) if rank(target) > rank(module)]
    assert not upward, "\n".join(upward)


def test_the_import_graph_has_no_cycle():
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("path", sorted(LIBRARY.rglob("*.py")), ids=lambda p: str(p.relative_to(LIBRARY)))
def test_no_module_is_too_long(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(LIBRARY)} has {lines} lines; split it by concern"


def test_the_checks_catch_an_upward_import_and_a_cycle(tmp_path, monkeypatch):
    """The checks are not vacuous: a hand-made upward import and cycle are caught."""
    fake = {"sufficiency_lib.analysis.a": {"sufficiency_lib.site.b"},
            "sufficiency_lib.site.b": {"sufficiency_lib.analysis.a"}}
    monkeypatch.setattr(__import__(__name__), "graph", lambda: fake)
    with pytest.raises(AssertionError, match="imports sufficiency_lib.site.b"):
        test_imports_point_down_only()
    with pytest.raises(AssertionError, match="cycles"):
        test_the_import_graph_has_no_cycle()


def test_a_page_kernel_never_imports_pandas():
    """A page only shows what the artifact holds: importing its module must not pull in pandas
    (a kernel with pandas holds about 80 MB more and starts slower; the build sets pandas's
    text storage in the packages that read data, never on the path a page takes)."""
    import subprocess
    import sys
    code = "import sys, sufficiency_lib.statement.page; print('pandas' in sys.modules)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


def test_the_packages_that_read_data_hold_text_as_python_strings():
    import subprocess
    import sys
    for package in ("ssda903", "published", "analysis", "local"):
        code = (f"import sufficiency_lib.{package}, pandas as pd; "
                "print(pd.DataFrame({'a': ['x']})['a'].dtype.storage)")
        shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert shown.stdout.strip() == "python", package
