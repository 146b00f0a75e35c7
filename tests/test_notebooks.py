"""Chapter notebooks: thin, clean in git, and they execute through papermill."""
import ast
import json

import nbformat
import papermill
import pytest

from sufficiency_lib import synth
from sufficiency_lib.config import NOTEBOOKS_DIR, PARAMS_DIR
from sufficiency_lib.render import kernel_name

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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_holds_literals_only(path):
    cells = [c for c in _code_cells(path) if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged 'parameters'"
    for node in ast.parse(cells[0].source).body:
        assert isinstance(node, ast.Assign), ast.dump(node)
        ast.literal_eval(node.value)  # raises if not a literal


@pytest.mark.notebook
def test_children_in_care_notebook_executes(tmp_path, toy_authority):
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    (params_dir / "E99999999.yaml").write_text(json.dumps({
        "new_la_code": "E99999999", "old_la_code": "999", "la_name": "Toyshire",
        "region_code": "E12000006", "region_name": "East of England", "latest_year": 2021}))
    return_dir = synth.write_demo_return(toy_authority, range(2019, 2022), tmp_path / "return", seed=3)
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "children_in_care.ipynb"), str(out), kernel_name=kernel_name(),
        parameters={"authority": "E99999999", "year": 2021, "return_dir": str(return_dir),
                    "params_dir": str(params_dir), "tables_dir": str(tmp_path / "tables")},
        cwd=str(NOTEBOOKS_DIR), progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
    text = json.dumps([o.get("data", {}).get("text/markdown", "") for o in outputs])
    assert "Toyshire" in text and "number of children looked after" in text
    assert (tmp_path / "tables" / "cla_at_31_march.csv").is_file()
    assert (tmp_path / "tables" / "cla_at_31_march.meta.csv").is_file()
