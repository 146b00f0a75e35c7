"""environment.yml (conda users) and pyproject.toml (everyone else) install the same things."""
import tomllib

import yaml
from packaging.requirements import Requirement

from sufficiency_lib.config import PROJECT_ROOT


def _pyproject():
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]


def _environment():
    return yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())


def _specs(requirements):
    parsed = [Requirement(r) for r in requirements]
    return {r.name.lower().replace("_", "-"): str(r.specifier) for r in parsed}


def test_conda_dependencies_match_pyproject_with_dev_extras():
    project = _pyproject()
    wanted = _specs(project["dependencies"] + project["optional-dependencies"]["dev"])
    conda = [d for d in _environment()["dependencies"] if isinstance(d, str)]
    got = _specs(d for d in conda if not d.startswith(("python", "pip")))
    assert got == wanted


def test_conda_python_matches_requires_python_and_pip_installs_the_package():
    env = _environment()["dependencies"]
    python = next(d for d in env if isinstance(d, str) and d.startswith("python"))
    assert python.removeprefix("python") == _pyproject()["requires-python"]
    pip_section = next(d["pip"] for d in env if isinstance(d, dict))
    assert "-e ." in pip_section
