"""Inputs resolved in one place: command-line paths against the shell's folder, paths in a
params file against that file's folder, whatever the working directory."""
import os
import subprocess
import sys

import pytest

from sufficiency_lib import inputs
from sufficiency_lib.config import PROJECT_ROOT

PARAMS = """new_la_code: E06000031
old_la_code: "874"
la_name: Peterborough
region_code: E12000006
region_name: East of England
latest_year: 2025
return_dir: returns/peterborough
local_dir: ../local
published_dir: downloads
"""


@pytest.fixture
def layout(tmp_path):
    """A user's folders: params/E06000031.yaml naming its return, downloads and local data
    relative to params/, and another working directory elsewhere."""
    params = tmp_path / "work" / "params"
    for folder in (params / "returns" / "peterborough", params / "downloads", tmp_path / "work" / "local",
                   tmp_path / "elsewhere" / "cli_return", tmp_path / "elsewhere" / "cli_downloads"):
        folder.mkdir(parents=True)
    (params / "E06000031.yaml").write_text(PARAMS)
    return tmp_path


def test_params_paths_resolve_against_the_params_folder(layout, monkeypatch):
    monkeypatch.chdir(layout / "elsewhere")          # not the params folder, not the project
    found = inputs.resolve("E06000031", params_dir=layout / "work" / "params")
    assert found.return_dir == layout / "work" / "params" / "returns" / "peterborough"
    assert found.published_dirs == (layout / "work" / "params" / "downloads",)
    assert found.local_dir == layout / "work" / "local"
    assert not found.synthetic and found.has_return


def test_command_line_paths_resolve_against_the_shell_folder(layout, monkeypatch):
    monkeypatch.chdir(layout / "elsewhere")
    authority = inputs.resolve("E06000031", params_dir=layout / "work" / "params").authority
    found = inputs.from_command_line(authority, "cli_return", ["cli_downloads"])
    assert found.return_dir == layout / "elsewhere" / "cli_return"        # the command line wins over params
    assert found.published_dirs == (layout / "elsewhere" / "cli_downloads",)
    assert found.local_dir == layout / "work" / "local"          # not given: the params file's


def test_a_missing_folder_is_named_with_the_fix(layout, monkeypatch):
    monkeypatch.chdir(layout / "elsewhere")
    authority = inputs.resolve("E06000031", params_dir=layout / "work" / "params").authority
    with pytest.raises(inputs.InputsError, match=r"cli_typo: no such folder; give the folder"):
        inputs.from_command_line(authority, "cli_typo")


def test_a_demo_authority_without_a_return_uses_its_synthetic_one():
    found = inputs.resolve("E10000003")
    assert found.synthetic and found.return_dir == inputs.DEMO_RETURNS_DIR / "E10000003"
    assert found.local_dir == inputs.DEMO_LOCAL_DIR / "E10000003"
    assert found.published_dirs == ()


def test_the_cli_resolves_a_relative_return_dir_from_where_it_is_run(layout):
    """Run from another folder, a relative --return-dir names a folder there (the render
    reports the folder it looked for when it is missing)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run([sys.executable, "-m", "sufficiency_lib.cli", "render", "--authority", "E06000031",
                             "--return-dir", "nowhere_here", "--out", "site"], cwd=layout / "elsewhere",
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert str(layout / "elsewhere" / "nowhere_here") in result.stderr


@pytest.mark.parametrize("text, code, name, latest", [
    ("E06000055", "E06000055", "Bedford", 2025), ("831", "E06000015", "Derby", 2025),
    ("isle of wight", "E06000046", "Isle of Wight", 2025),
    ("Cumbria", "E10000006", "Cumbria", 2023),               # replaced in April 2023: its last year is 2023
    ("West Northamptonshire", "E06000062", "West Northamptonshire", 2025)])
def test_any_authority_needs_no_params_file(text, code, name, latest):
    found = inputs.resolve(text)
    assert (found.code, found.authority.la_name, found.authority.latest_year) == (code, name, latest)
    assert not found.has_return and found.params_file is None and found.local_dir is None


def test_an_old_code_or_name_still_finds_the_params_file():
    assert inputs.resolve("874").params_file == PROJECT_ROOT / "params" / "E06000031.yaml"
    assert inputs.resolve("Peterborough").synthetic


def test_an_unknown_or_ambiguous_name_says_what_to_give():
    with pytest.raises(inputs.InputsError, match="no English authority is called or coded 'Narnia'"):
        inputs.resolve("Narnia")
    with pytest.raises(inputs.InputsError, match="could be any of .*Northamptonshire"):
        inputs.resolve("Northampton")


def test_a_group_of_authorities():
    pair = inputs.group("Cambridgeshire and Peterborough", ["E10000003", "Peterborough"])
    assert pair.new_la_code == "group-cambridgeshire-and-peterborough" and pair.is_group
    assert pair.members == ("E10000003", "E06000031") and pair.region_name == "East of England"
    with pytest.raises(inputs.InputsError, match="two or more"):
        inputs.group("Alone", ["E10000003"])
