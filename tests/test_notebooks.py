"""Chapter notebooks: thin, clean in git, and they execute through papermill."""
import ast
import json

import nbformat
import papermill
import pytest

from sufficiency_lib.demo import synth
from sufficiency_lib.statement.chapters import CHAPTERS
from sufficiency_lib.config import NOTEBOOKS_DIR
from sufficiency_lib.site.execute import kernel_name

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def _code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_and_defines_nothing(path):
    for cell in _code_cells(path):
        assert not cell.outputs and cell.execution_count is None, "strip outputs (nbstripout)"
        tree = ast.parse(cell.source)
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.Lambda))]
        assert not defined, "functions and classes belong in sufficiency_lib"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem != "explore"], ids=lambda p: p.name)
def test_a_chapter_notebook_only_reads_its_page(path):
    """A chapter computes nothing: it opens its page of the authority-year's artifact and
    shows its parts, so it costs about what an empty notebook costs."""
    sources = [c.source for c in _code_cells(path) if "parameters" not in c.metadata.get("tags", [])]
    imports = [n for s in sources for n in ast.walk(ast.parse(s)) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [(n.module, [a.name for a in n.names]) for n in imports] == [("sufficiency_lib.statement.page",
                                                                        ["open_page"])]
    shown = [s for s in sources if s.startswith("page[") or s in ("page.summary()", "page.intro()")]
    assert len(shown) == len(sources) - 1 and "page.summary()" in shown


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_holds_literals_only(path):
    cells = [c for c in _code_cells(path) if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign), ast.dump(node)
        ast.literal_eval(node.value)  # raises if not a literal


@pytest.fixture(scope="module")
def toy_return(tmp_path_factory):
    """A toy authority's params and a small synthetic return, shared by the notebook runs."""
    from sufficiency_lib.config import Authority
    root = tmp_path_factory.mktemp("toy")
    params_dir = root / "params"
    params_dir.mkdir()
    (params_dir / "E99999999.yaml").write_text(json.dumps({
        "new_la_code": "E99999999", "old_la_code": "999", "la_name": "Toyshire",
        "region_code": "E12000006", "region_name": "East of England", "latest_year": 2021,
        "population_0_17": {2019: 60000, 2020: 60500}}))
    toy = Authority(new_la_code="E99999999", old_la_code="999", la_name="Toyshire", region_code="E12000006",
                    region_name="East of England", latest_year=2021,
                    calibration={"cla_at_31_march": {2019: 300, 2020: 320, 2021: 310}})
    return params_dir, synth.write_demo_return(toy, range(2019, 2022), root / "return", seed=3)


@pytest.mark.notebook
@pytest.mark.parametrize("chapter", list(CHAPTERS))
def test_chapter_notebook_executes_and_saves_its_tables(chapter, toy_return, tmp_path):
    params_dir, return_dir = toy_return
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / f"{chapter}.ipynb"), str(out), kernel_name=kernel_name(),
        parameters={"authority": "E99999999", "year": 2021, "return_dir": str(return_dir),
                    "params_dir": str(params_dir), "tables_dir": str(tmp_path / "tables")},
        cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
    html = json.dumps([o.get("data", {}) for o in outputs])
    assert "Toyshire" in html
    summary_cell = [c for c in executed.cells if c.cell_type == "code" and c.source == "page.summary()"]
    assert len(summary_cell) == 1 and summary_cell[0].outputs, "every chapter ends with its summary of findings"
    saved = sorted(p.name for p in (tmp_path / "tables").glob("*.csv") if not p.name.endswith(".meta.csv"))
    assert saved and all((tmp_path / "tables" / n.replace(".csv", ".meta.csv")).is_file() for n in saved)


def test_every_chapter_has_a_notebook_and_every_notebook_a_chapter():
    assert {p.stem for p in NOTEBOOKS} == set(CHAPTERS) | {"explore"}


@pytest.mark.notebook
def test_explorer_notebook_executes_top_to_bottom_headless(tmp_path):
    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "explore.ipynb"), str(out), kernel_name=kernel_name(),
                               parameters={"authority": "E06000031"}, cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    outputs = [o for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert any("redrawn" in o.get("text", "") for o in outputs)
