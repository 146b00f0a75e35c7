"""The warm kernel: pages run one after another in one kernel each see a fresh namespace,
their own folder and a count from 1; a page that fails leaves the next a new kernel."""
from __future__ import annotations

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from sufficiency_lib.site import execute
from sufficiency_lib.site.kernels import WarmKernel

pytestmark = pytest.mark.notebook


def _notebook(folder, name: str, *sources: str):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    notebook.metadata["kernelspec"] = {"name": execute.kernel_name(), "language": "python",
                                       "display_name": "Python"}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def _run(path, out):
    execute.execute_notebook(path, {}, out, timeout=120)
    cells = nbformat.read(out, as_version=4).cells
    return cells, [o.get("text", "") for c in cells for o in c.outputs]


def test_pages_share_a_kernel_but_not_its_state(tmp_path):
    WarmKernel.close_all()
    first = _notebook(tmp_path / "a", "first", "import os\nleft_behind = 41\nprint(os.getpid())")
    second = _notebook(tmp_path / "b", "second",
                       "import os\nprint(os.getpid())\nprint('left_behind' in globals(), os.getcwd())")
    cells_a, printed_a = _run(first, tmp_path / "out_a.ipynb")
    cells_b, printed_b = _run(second, tmp_path / "out_b.ipynb")
    pid_a, pid_b = printed_a[0].split()[0], printed_b[0].split()[0]
    assert pid_a == pid_b                                  # the same kernel process ran both
    assert printed_b[0].split()[1:] == ["False", str(tmp_path / "b")]
    assert cells_a[0].execution_count == 1 and cells_b[0].execution_count == 1
    WarmKernel.close_all()


def test_a_failed_page_leaves_the_next_page_a_new_kernel(tmp_path):
    WarmKernel.close_all()
    bad = _notebook(tmp_path, "bad", "import os\nprint(os.getpid())", "raise ValueError('broken page')")
    good = _notebook(tmp_path, "good", "import os\nprint(os.getpid())")
    with pytest.raises(PapermillExecutionError):
        execute.execute_notebook(bad, {}, tmp_path / "out_bad.ipynb", timeout=120)
    executed = nbformat.read(tmp_path / "out_bad.ipynb", as_version=4)
    pid_bad = next(c for c in executed.cells if c.cell_type == "code").outputs[0]["text"].strip()
    _, printed = _run(good, tmp_path / "out_good.ipynb")
    assert printed[0].strip() != pid_bad
    WarmKernel.close_all()


def test_a_kept_kernel_keeps_no_input_history_so_pages_print_no_history_clash(tmp_path):
    WarmKernel.close_all()
    page = _notebook(tmp_path / "p", "page", "print(get_ipython().history_manager.enabled)")
    printed = [_run(page, tmp_path / f"out_{n}.ipynb")[1] for n in range(3)]
    assert all(p == ["False\n"] for p in printed), printed
