"""Each authority-year computed once into an artifact that every page reads."""
import json

import pytest

from sufficiency_lib import inputs
from sufficiency_lib.statement import artifact
from sufficiency_lib.statement.chapters import CHAPTERS
from sufficiency_lib.statement.page import open_page
from sufficiency_lib.vocabulary import Area


@pytest.fixture(scope="module")
def demo_artifact():
    found = inputs.resolve("E10000003")
    return found, artifact.ensure(found, 2025)


def _findings(folder, chapter):
    return json.loads((folder / "pages" / f"{chapter}.json").read_text())["findings"]


@pytest.mark.e2e
def test_the_executive_summary_holds_every_chapters_findings(demo_artifact):
    _, folder = demo_artifact
    chapters = [c for c in CHAPTERS if c != "summary"]
    union = {json.dumps(f) for c in chapters for f in _findings(folder, c)}   # a finding on two pages, once
    summary = _findings(folder, "summary")
    assert union and sorted(map(json.dumps, summary)) == sorted(union)
    gap = [f for f in _findings(folder, "forecast") if f["area"] == Area.GAP]
    assert all(f in summary for f in gap)
    page = open_page("summary", "E10000003", 2025, artifact_dir=str(folder))
    table = str(page.summary())
    for finding in summary:
        if not finding["internal"]:     # internal checks stay in the data-quality annex
            assert finding["challenge"].split(" (")[0].replace("'", "&#x27;") in table


@pytest.mark.e2e
def test_an_artifact_is_built_once_and_reused(demo_artifact):
    found, folder = demo_artifact
    built = (folder / "manifest.json").stat().st_mtime_ns
    assert artifact.ensure(found, 2025) == folder
    assert (folder / "manifest.json").stat().st_mtime_ns == built
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["key"] == folder.name and set(manifest["chapters"]) == set(CHAPTERS)
    assert any("E10000003" in path for path in manifest["inputs"]), "the return's files are among its inputs"


@pytest.mark.e2e
def test_a_page_copies_its_tables_with_their_meta(demo_artifact, tmp_path):
    _, folder = demo_artifact
    page = open_page("children_in_care", "E10000003", 2025, artifact_dir=str(folder))
    copied = page.save_tables(tmp_path)
    assert copied and all(p.is_file() and p.with_suffix(".meta.csv").is_file() for p in copied)
    assert "Cambridgeshire" in str(page.intro()) and "<table" in str(page["counts"])


def test_the_key_changes_with_the_inputs_and_the_year(tmp_path):
    found = inputs.resolve("E06000031")
    sums = {"a.csv": "1"}
    key = artifact.key(found, 2025, sums)
    assert key == artifact.key(found, 2025, dict(sums))
    assert artifact.key(found, 2024, sums) != key
    assert artifact.key(found, 2025, {"a.csv": "2"}) != key


def test_a_return_that_does_not_hold_the_year_is_not_carried_into_it(tmp_path):
    from sufficiency_lib.analysis import facts as facts_mod
    from tests import return_builder as rb
    found = inputs.resolve("E10000029", rb.write(tmp_path / "return", 2021))      # Suffolk: a 2021 return only
    published = artifact._published(found)
    held = facts_mod.load(found, 2021, published)
    assert held.data is not None and held.notes == [] and held.shown("cla_31_march") == 10
    later = facts_mod.load(found, 2025, published)
    assert later.data is None and later.notes == [
        "The council's return given holds the year to 31 March 2021, not 2025, so this statement for 2025 is made "
        "from the published statistics only; give the return for 2025 to use the council's own figures."]
    assert later.shown("cla_31_march") == later.published_value("cla_31_march")   # DfE's count, not the 10 still open
    assert "not 2025" in artifact._intro(later)
