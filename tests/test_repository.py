"""Git holds source only: no rendered pages, executed notebooks or generated data."""
import shutil
import subprocess

import pytest

from sufficiency_lib.config import PROJECT_ROOT


EMBEDDED = "data/embedded/published.parquet"


def _tracked() -> list[str]:
    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    result = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return result.stdout.split()


def test_no_generated_files_are_tracked():
    tracked = _tracked()
    assert [p for p in tracked if p.startswith("rendered/") and p != "rendered/.gitkeep"] == []
    assert [p for p in tracked if p.startswith("data/demo/generated/")] == []
    assert [p for p in tracked if p.endswith(".ipynb") and not p.startswith("notebooks/")] == []
    assert [p for p in tracked if p.endswith((".html", ".parquet"))
            and not p.startswith("sufficiency_lib/templates/") and p != EMBEDDED] == []


def test_the_embedded_published_figures_stay_small():
    """The one generated file git holds: DfE's, ONS's and Ofsted's figures the zero-argument
    demo compares with, built by ``sufficiency embed`` (its README says how)."""
    if EMBEDDED in _tracked():
        assert (PROJECT_ROOT / EMBEDDED).stat().st_size < 5 * 2**20
