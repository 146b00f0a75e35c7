"""Chapter blocks on hand-made figures: suppression reaches tables, charts and sentences;
tables are declared once, so page, CSV and .meta.csv agree."""
import pandas as pd

from factories import make_facts
from sufficiency_lib.analysis import disclosure
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.chapters import common
from sufficiency_lib.statement.chapters.summary import build as build_summary


def _rows(counts: dict[str, dict[int, int]], group="Placement group", indicator="cla_31_march") -> list[dict]:
    rows = []
    years = sorted({y for c in counts.values() for y in c})
    for year in years:
        total = sum(c[year] for c in counts.values())
        for label, by_year in [*counts.items(), ("Total", {year: total})]:
            for unit, value in (("number", by_year[year]), ("percent", by_year[year] / total * 100)):
                rows.append({"time_period": year, "indicator": indicator, "breakdown_group": group,
                             "breakdown": label, "unit": unit, "value": float(value)})
    return rows


def test_composition_suppresses_table_chart_and_sentence():
    facts = make_facts(_rows({"A": {2021: 50, 2022: 60, 2023: 3}, "B": {2021: 20, 2022: 30, 2023: 40},
                              "C": {2021: 9, 2022: 9, 2023: 9}}))
    block = common.composition(facts, "mix", "cla_31_march", "Placement group", "children", "Children by placement",
                               focus="A")
    shown = block.table.display_frame().set_index("Placement group")
    assert shown.loc["A", "2023"] == disclosure.SUPPRESSED
    assert shown.loc["C", "2023"] == disclosure.SUPPRESSED       # secondary: next smallest in the column
    assert shown.loc["Total", "2023"] == "52"
    # the sentence reads only the shares a reader can see: 2023 is hidden, so it says so and stops at 2022
    assert block.sentences[0] == ("The figure for 2023 is not shown (hidden to protect small numbers, or not "
                                  "available). In 2022, 61% of children were in A, down 2 percentage points from 63% "
                                  "in 2021.")
    saved = block.tables()[0].ees(facts.authority).set_index(["time_period", "placement_group"])
    assert saved.loc[(2023, "A"), "number"] == disclosure.SUPPRESSED and saved.loc[(2023, "A"), "percent"] == "c"
    assert saved.loc[(2022, "A"), "number"] == "60" and saved.loc[(2022, "A"), "percent"] == "61"
    assert set(block.tables()[0].meta()["col_name"]) == {"placement_group", "number", "percent"}
    assert block.notes == [disclosure.CHART_NOTE]


def test_a_breakdown_with_no_children_says_none_not_too_few():
    """Each empty table names itself, so a page of several (the Isles of Scilly's) does not
    say one sentence again and again."""
    rows = [{"time_period": 2023, "indicator": "care_leavers_19_21", "breakdown_group": group, "breakdown": b,
             "unit": "number", "value": 0.0} for group in ("Activity", "In touch") for b in ("In education", "Total")]
    facts = make_facts(rows)
    block = common.composition(facts, "activity", "care_leavers_19_21", "Activity", "care leavers aged 19 to 21",
                               "Care leavers by activity", years=[2023])
    assert block.sentences == ["Care leavers by activity in 2023: none, as there were no care leavers aged 19 to 21."]
    other = common.composition(facts, "in_touch", "care_leavers_19_21", "In touch", "care leavers aged 19 to 21",
                               "Care leavers in touch", years=[2023])
    assert other.sentences == ["Care leavers in touch in 2023: none, as there were no care leavers aged 19 to 21."]


def test_shares_hide_values_whose_count_or_total_is_suppressed():
    counts = pd.DataFrame({"breakdown": ["A", "B", "Total"], "2023": [3.0, 7.0, 10.0]})
    shown = disclosure.suppress_table(counts, ["2023"], total_row="Total", labels="breakdown")
    share = common.shares(counts, shown, ["2023"])
    assert share["2023"].isna().tolist() == [True, True, False]


def test_blocks_save_ees_tables_with_meta(tmp_path):
    facts = make_facts(_rows({"A": {2022: 50, 2023: 60}, "B": {2022: 20, 2023: 30}}))
    block = common.composition(facts, "mix", "cla_31_march", "Placement group", "children", "Children by placement")
    assert block.table.key == ""          # the page's wide table is not saved; the tidy one is
    path = block.tables()[0].save(tmp_path, facts.authority, facts.year)
    saved = pd.read_csv(path)
    assert list(saved.columns[:3]) == ["time_period", "time_identifier", "geographic_level"]
    assert len(saved) == 6 and path.with_suffix(".meta.csv").is_file()


def test_a_declared_table_formats_page_and_csv_from_one_declaration():
    table = t.Table("costs", "Costs", "Local data", [t.text("group", "Placement group"), t.count("children", "Children"),
                                                     t.pounds("cost", "Cost a year"), t.percent("share", "Share"),
                                                     t.number("mean", "Mean", 1, trim=True)],
                    pd.DataFrame({"group": ['=HYPERLINK("x")', "IFA"], "children": [1234, "c"],
                                  "cost": [25_026_954.0, 850.0], "share": [12.0, float("nan")],
                                  "mean": [52.0, 48.84]}))
    shown = table.display_frame()
    assert shown["Children"].tolist() == ["1,234", "c"]
    assert shown["Cost a year"].tolist() == ["£25.0m", "£850"]
    assert shown["Share (%)"].tolist() == ["12", ""]
    assert shown["Mean"].tolist() == ["52", "48.8"]
    html = table.to_html()
    assert '<td class="text">IFA</td>' in html and '<td class="num">1,234</td>' in html
    csv = table.ees(make_facts([]).authority, 2023)
    assert csv["group"].tolist() == ["'=HYPERLINK(\"x\")", "IFA"]      # a spreadsheet will not run it
    assert csv["children"].tolist() == ["1234", "c"] and csv["share"].tolist() == ["12", "x"]
    assert csv["cost"].tolist() == ["25026954", "850"]
    meta = table.meta().set_index("col_name")
    assert meta.loc["share", "indicator_unit"] == "%" and meta.loc["mean", "indicator_dp"] == 1
    assert meta.loc["group", "col_type"] == "Filter"


def test_summary_chapter_holds_the_union_of_the_chapters_findings():
    from sufficiency_lib.analysis.findings import Finding
    found = {"placements": [Finding("Fostering", "A.")], "population": [Finding("Care leavers", "B.")],
             "data_quality": [Finding("Data quality", "Fix it.", internal=True)]}
    chapter = build_summary(make_facts(_rows({"A": {2023: 50}, "B": {2023: 20}})), found)
    frame = chapter.summary_frame()
    assert frame["Area"].tolist() == ["Fostering", "Care leavers"]       # checks stay in the data-quality annex


def test_a_count_held_as_text_after_suppression_still_shows_its_thousands():
    from sufficiency_lib.statement import tables
    count = tables.count("n", "Children")
    assert [tables.display_value(v, count) for v in ("1010", "c", 1010.0, "")] == ["1,010", "c", "1,010", ""]
    assert tables.display_value("1010", tables.text("label", "Label")) == "1010"


def test_every_table_of_the_return_has_a_plain_name_for_the_page():
    from sufficiency_lib.site.plain_english import CODE_NAMES
    from sufficiency_lib.ssda903.schema import TABLE_LABELS, TABLES
    assert set(TABLE_LABELS) == set(TABLES)
    assert not [label for label in TABLE_LABELS.values() if CODE_NAMES.search(label)]


def _care_leaver_rows(year: int, tables: dict[str, dict[str, int]]) -> list[dict]:
    rows = []
    for group, counts in tables.items():
        total = sum(counts.values())
        rows += [{"time_period": year, "indicator": "care_leavers_17_18", "breakdown_group": group, "breakdown": label,
                  "unit": "number", "value": float(n)} for label, n in [*counts.items(), ("Total", total)]]
    return rows


def test_tables_of_the_same_care_leavers_hide_their_shared_count_together():
    """Cambridgeshire's 2021 shape: 4 in unsuitable accommodation, hidden with the 12 of whom
    there is no information to protect it; the 12 not in touch (the same young people) shown
    in the in-touch table would give the 4 back (135 - 119 - 12)."""
    facts = make_facts(_care_leaver_rows(2021, {
        "In touch": {"In touch": 123, "Not in touch": 12},
        "Accommodation suitability": {"Accommodation considered suitable": 119,
                                      "Accommodation considered unsuitable": 4, "No information": 12},
        "Activity": {"Total in education, employment or training": 83,
                     "Total not in education, employment or training": 40, "Total information not known": 12}}))
    shown = {}
    for group in ("In touch", "Accommodation suitability", "Activity"):
        block = common.composition(facts, group, "care_leavers_17_18", group, "care leavers", group, years=[2021])
        shown[group] = block.table.display_frame().set_index(group)["2021"]
    shared = {"In touch": "Not in touch", "Accommodation suitability": "No information",
              "Activity": "Total information not known"}
    # what a reader can work out: the shared count wherever a table shows it, then any table
    # left with one hidden count (its Total less the rest)
    known = {shown[g][label] for g, label in shared.items() if shown[g][label] != disclosure.SUPPRESSED}
    for group, column in shown.items():
        hidden = [label for label, cell in column.drop("Total").items() if cell == disclosure.SUPPRESSED
                  and not (label == shared[group] and known)]
        assert len(hidden) != 1, (group, column.to_dict())
    assert shown["Accommodation suitability"]["Accommodation considered unsuitable"] == disclosure.SUPPRESSED
    assert shown["In touch"]["Not in touch"] == disclosure.SUPPRESSED
    assert pd.isna(facts.shown("care_leavers_17_18", "In touch", "Not in touch", 2021))
    assert pd.isna(facts.shown("care_leavers_17_18", "Activity", "Total information not known", 2021))


def test_a_shared_count_that_differs_between_tables_is_not_forced():
    facts = make_facts(_care_leaver_rows(2021, {
        "In touch": {"In touch": 120, "Not in touch": 15},
        "Accommodation suitability": {"Accommodation considered suitable": 119,
                                      "Accommodation considered unsuitable": 4, "No information": 12}}))
    assert facts.linked("care_leavers_17_18", "In touch", 2021) == set()
    assert facts.shown("care_leavers_17_18", "In touch", "Not in touch", 2021) == 15


def test_the_data_quality_page_lists_its_checks_where_other_pages_leave_them_out():
    from sufficiency_lib.analysis.findings import Finding
    from sufficiency_lib.statement.chapter import Chapter
    facts = make_facts(_rows({"A": {2023: 50}, "B": {2023: 20}}))
    check = Finding("Data quality", "Fix it.", internal=True)
    annex = Chapter(facts, "data_quality", {}, [check], areas=["Data quality"]).summary_frame()
    assert annex["Challenges and gaps found"].tolist() == ["Fix it."]
    assert Chapter(facts, "placements", {}, [check]).summary_frame().empty


def test_a_headline_dfe_does_not_publish_is_x_and_one_the_page_hides_is_c():
    from sufficiency_lib.statement.chapters import summary
    rows = [{"time_period": 2025, "indicator": "cla_31_march", "breakdown_group": group, "breakdown": label,
             "unit": "number", "value": float(n)}
            for group, label, n in (("Total", "Total", 300), ("Unaccompanied asylum-seeking children", "UASC", 3),
                                    ("Unaccompanied asylum-seeking children", "Not UASC", 297),
                                    ("Unaccompanied asylum-seeking children", "Total", 300))]
    frame = summary.headlines(make_facts(rows)).table.frame.set_index("figure")["2025"]
    assert frame["Children looked after at 31 March"] == 300
    assert frame["In in-house foster care (%)"] == "x"                   # no such figure
    assert frame["Unaccompanied asylum-seeking children"] == "c"         # 3: hidden


def test_a_year_dfe_revised_after_publishing_its_reasons_is_noted_with_both_numbers():
    from dataclasses import replace

    from sufficiency_lib.statement.chapters import children_in_care
    rows = [{"time_period": 2024, "indicator": "cla_ceased", "breakdown_group": "Total", "breakdown": "Total",
             "unit": "number", "value": 175.0}]
    facts = replace(make_facts(rows), data=None)          # published statistics only
    values = pd.DataFrame({"time_period": [2024], "ceased": [173.0]})
    assert children_in_care._revised(facts, values) == [
        "DfE publishes the reasons children ceased to be looked after with the number who ceased in the same release, "
        "and revises the number in a later one; this table keeps each year's reasons with their own number, so it "
        "can differ from the newest number on this page (2024: 173 with the reasons, 175 revised)."]
    assert children_in_care._revised(facts, values.assign(ceased=175.0)) == []


def test_the_data_quality_page_without_a_return_does_not_speak_of_one():
    from dataclasses import replace

    from sufficiency_lib.statement.chapters import data_quality
    facts = replace(make_facts(_rows({"A": {2023: 50}, "B": {2023: 20}})), data=None)
    matched, groups = data_quality.reconciliation(facts)
    assert matched.sentences == ["No child-level return was given, so there are no figures of the council's own to "
                                 "compare with DfE's."] and groups is None


def test_children_placed_with_parents_are_hidden_in_the_providers_table_where_the_mix_hides_them():
    """Peterborough's 2023 shape: 2 in secure units hidden with the 9 placed with parents; the
    providers table's 9 with parents as provider (the same children) would give the 2 back."""
    rows = []
    for group, counts in (("Placement group", {"In-house foster care": 200, "Placed with parents": 9,
                                               "Secure units": 2, "Residential children's homes": 31}),
                          ("Place providers", {"Own provision (by the LA)": 163, "Private provision": 70,
                                               "Parents or other person with parental responsibility": 9})):
        rows += [{"time_period": 2023, "indicator": "cla_31_march", "breakdown_group": group, "breakdown": label,
                  "unit": "number", "value": float(n)} for label, n in [*counts.items(), ("Total", 242)]]
    facts = make_facts(rows)
    shown = {group: common.composition(facts, group, "cla_31_march", group, "children", group,
                                       years=[2023]).table.display_frame().set_index(group)["2023"]
             for group in ("Placement group", "Place providers")}
    assert shown["Placement group"]["Secure units"] == disclosure.SUPPRESSED
    assert shown["Placement group"]["Placed with parents"] == disclosure.SUPPRESSED
    assert shown["Place providers"]["Parents or other person with parental responsibility"] == disclosure.SUPPRESSED
    assert pd.isna(facts.shown("cla_31_march", "Place providers",
                               "Parents or other person with parental responsibility", 2023))
