"""The placement chapter's tables over the years suppressed consistently with the page's other
tables, the bordering authorities of the params, and the places kept for what is not recorded."""
import csv

import pandas as pd
import pytest

from conftest import SHARED_DATA
from factories import TOYSHIRE, make_facts
from sufficiency_lib import config
from sufficiency_lib.statement.chapters import placements
from sufficiency_lib.vocabulary import TOTAL

COUNTS = pd.DataFrame({"2024": [10, 3, 20], "2025": [8, 9, 30]}, index=["a", "b", "x"])


def test_a_small_cell_and_its_complement_are_hidden_and_totals_add_up():
    shown = placements.by_year(COUNTS, 6).set_index("breakdown")
    assert shown["2024"].tolist() == ["c", "c", "20", "33"]          # 3 is small; 10 the next smallest
    assert shown["2025"].tolist() == ["8", "9", "30", "47"]


def test_a_total_another_table_hides_is_hidden_here_and_protected():
    """The other table shows 2024's total (33) and hides 2025's: here 2025's total is hidden too,
    and one more cell of its line (the smallest, 8), or it would be 47 - 9 - 30 by subtraction."""
    other = pd.Series({"2024": "33", "2025": "c"})
    shown = placements.by_year(COUNTS, 6, totals=other).set_index("breakdown")
    assert shown["2025"].tolist() == ["c", "9", "30", "c"]


def test_the_latest_year_is_the_other_tables_shown_row():
    """The cross-tabulation hid a and b in 2025 (to protect its columns): the same cells stay
    hidden here, or the two tables together would give them away."""
    latest = pd.Series({"a": "c", "b": "c", "x": "30", TOTAL: "47"})
    shown = placements.by_year(COUNTS, 6, latest=latest).set_index("breakdown")
    assert shown["2025"].tolist() == ["c", "c", "30", "47"]
    assert shown["2024"].tolist() == ["c", "c", "20", "33"]


def test_without_bordering_authorities_the_page_says_what_would_fill_the_part():
    facts = make_facts([{"time_period": 2025, "indicator": "cla_31_march", "unit": "number", "value": 1.0}])
    assert TOYSHIRE.bordering == ()
    block = placements.out_of_area(facts, pd.DataFrame(), None)
    assert block.table is None
    assert "authorities that border Toyshire are not listed" in block.sentences[0]
    assert "Listing their local authority codes would fill this part." in block.sentences[0]


def test_the_framework_share_keeps_its_place_until_recorded():
    facts = make_facts([{"time_period": 2025, "indicator": "cla_31_march", "unit": "number", "value": 1.0}])
    block = placements.framework_share(facts)
    assert "not in the return" in block.sentences[0] and "none is recorded" in block.sentences[0]


def test_bordering_codes_are_read_from_the_params_and_checked(tmp_path):
    assert config.load_authority("E06000031").bordering == ("E10000003", "E10000019", "E06000061", "E10000021")
    wrong = tmp_path / "E99999999.yaml"
    wrong.write_text("new_la_code: E99999999\nold_la_code: '999'\nla_name: Toyshire\nregion_code: E12000006\n"
                     "region_name: East of England\nlatest_year: 2025\nbordering: {Peterborough: E06000031}\n",
                     encoding="utf-8")
    with pytest.raises(config.ParamsError, match="'bordering' should be a list"):
        config.load_authority(wrong)


@pytest.mark.integration
@pytest.mark.parametrize("code", ["E10000003", "E06000031"])
def test_every_bordering_authority_is_an_authority_dfe_publishes(code):
    """Each listed code is a local authority in DfE's published files (csv): the 2025 release,
    or the 2023 release for Northamptonshire, which reported until its split in 2021."""
    codes = set()
    for release in ("release_2025", "release_2023"):
        path = SHARED_DATA / "published" / release / "cla_number_and_rate_per_10k_children.csv"
        if not path.is_file():
            pytest.skip("shared data not available")
        with path.open(newline="", encoding="utf-8-sig") as handle:
            codes |= {r["new_la_code"] for r in csv.DictReader(handle) if r["geographic_level"] == "Local authority"}
    listed = config.load_authority(code).bordering
    assert listed and set(listed) <= codes and code not in listed


def test_a_bordering_authority_since_abolished_is_named_with_its_last_year():
    from sufficiency_lib.statement.chapters.placements import _name
    assert _name("E10000021") == "Northamptonshire (until 2021)"       # split in April 2021
    assert _name("E06000061") == "North Northamptonshire"
