"""Chapter blocks on hand-made figures: suppression reaches tables, charts and sentences."""
import pandas as pd

from sufficiency_lib.analysis import disclosure
from sufficiency_lib.statement.chapters import common
from sufficiency_lib.config import Authority

LA = Authority("E99999999", "999", "Toyshire", "E12000006", "East of England", 2023)


class _Data:
    source = "synthetic SSDA903 return"


def _figures(counts: dict[str, dict[int, int]], group="Placement group", indicator="cla_31_march"):
    rows = []
    years = sorted({y for c in counts.values() for y in c})
    for year in years:
        total = sum(c[year] for c in counts.values())
        for label, by_year in [*counts.items(), ("Total", {year: total})]:
            for unit, value in (("number", by_year[year]), ("percent", by_year[year] / total * 100)):
                rows.append({"time_period": year, "indicator": indicator, "breakdown_group": group,
                             "breakdown": label, "unit": unit, "value": float(value)})
    return pd.DataFrame(rows), years


def _ctx(counts):
    figures, years = _figures(counts)
    return common.Context(LA, years[-1], _Data(), figures, years)


def test_composition_suppresses_table_chart_and_sentence():
    ctx = _ctx({"A": {2021: 50, 2022: 60, 2023: 3}, "B": {2021: 20, 2022: 30, 2023: 40}, "C": {2021: 9, 2022: 9, 2023: 9}})
    block = common.composition(ctx, "mix", "cla_31_march", "Placement group", "children", "Children by placement",
                               focus="A")
    shown = block.table.frame.set_index("Placement group")
    assert shown.loc["A", "2023"] == disclosure.SUPPRESSED
    assert shown.loc["C", "2023"] == disclosure.SUPPRESSED       # secondary: next smallest in the column
    assert shown.loc["Total", "2023"] == "52"
    # the sentence reads only the shares a reader can see: 2023 is hidden, so it stops at 2022
    assert block.sentences[0] == ("In 2022, the share of children in 'A' was 61%, down 2 percentage points "
                                  "from 63% in 2021.")
    data = block.data.set_index(["time_period", "placement_group"])
    assert data.loc[(2023, "A"), "number"] == disclosure.SUPPRESSED and data.loc[(2023, "A"), "percent"] == "c"
    assert set(block.meta["col_name"]) == {"placement_group", "number", "percent"}
    assert block.notes == [disclosure.CHART_NOTE]


def test_shares_hide_values_whose_count_or_total_is_suppressed():
    counts = pd.DataFrame({"breakdown": ["A", "B", "Total"], "2023": [3.0, 7.0, 10.0]})
    shown = disclosure.suppress_table(counts, ["2023"], total_row="Total", labels="breakdown")
    share = common.shares(counts, shown, ["2023"])
    assert share["2023"].isna().tolist() == [True, True, False]


def test_blocks_save_ees_tables(tmp_path):
    ctx = _ctx({"A": {2022: 50, 2023: 60}, "B": {2022: 20, 2023: 30}})
    block = common.composition(ctx, "mix", "cla_31_march", "Placement group", "children", "Children by placement")
    path = block.save(tmp_path)
    saved = pd.read_csv(path)
    assert list(saved.columns[:3]) == ["time_period", "time_identifier", "geographic_level"]
    assert len(saved) == 6 and path.with_suffix(".meta.csv").is_file()
    assert block.save("") is None
