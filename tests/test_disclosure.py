"""Disclosure control: known answers worked by hand, and properties over random tables.

The recoverability checks here are written independently of the module: a suppressed cell
is recoverable when some line (a breakdown or margin with its total) has it as the only
hidden cell, or, for cross-tabs, when appending its unit vector to the equations of the
lines does not raise their rank over the hidden cells (it is then a combination of them).
"""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sufficiency_lib.analysis import disclosure, group_disclosure
from sufficiency_lib.analysis.disclosure import (DEFAULT_THRESHOLD, SUPPRESSED, chart_data, suppress_figures,
                                        suppress_small_counts, suppress_table, suppression_mask)
from sufficiency_lib.published.figures import FIGURE_COLUMNS, figures_frame

# ---------------------------------------------------------------------------------------
# Primary suppression


def test_small_counts_become_c_and_zero_and_large_stay():
    table = pd.DataFrame({"year": [1, 2, 3, 4], "n": [0, 1, 4, 5]})
    out = suppress_small_counts(table, ["n"], threshold=5)
    pd.testing.assert_series_equal(out["n"], pd.Series(["0", "c", "c", "5"], name="n", dtype=out["n"].dtype))
    assert table["n"].tolist() == [0, 1, 4, 5]  # the input is untouched


def test_default_threshold_follows_dfe_one_to_five_suppressed_zero_shown():
    assert DEFAULT_THRESHOLD == 6
    table = pd.DataFrame({"n": [0, 1, 2, 3, 4, 5, 6, 700]})
    assert suppress_small_counts(table, ["n"])["n"].tolist() == ["0", "c", "c", "c", "c", "c", "6", "700"]


def test_small_counts_is_idempotent_and_keeps_missing_blank():
    table = pd.DataFrame({"n": [3, None, 40]})
    once = suppress_small_counts(table, ["n"])
    assert once["n"].tolist() == ["c", "", "40"]
    assert suppress_small_counts(once, ["n"])["n"].tolist() == ["c", "", "40"]


# ---------------------------------------------------------------------------------------
# Secondary suppression: hand-worked tables


def _breakdown(counts: dict[str, int]) -> pd.DataFrame:
    labels = [*counts, "Total"]
    values = [*counts.values(), sum(counts.values())]
    return pd.DataFrame({"group": labels, "n": values})


def _shown(table: pd.DataFrame, **kwargs) -> list[str]:
    return suppress_table(table, ["n"], labels="group", total_row="Total", **kwargs)["n"].tolist()


def test_one_small_cell_takes_the_next_smallest_with_it():
    # 3 is small; alone it would be 32 - 10 - 7 - 12, so the next smallest (7) goes too
    table = _breakdown({"A": 10, "B": 3, "C": 7, "D": 12})
    assert _shown(table) == ["10", "c", "c", "12", "32"]


def test_two_small_cells_protect_each_other_when_together_they_pin_neither():
    # 3 + 4 = 40 - 33 and 1 + 5 = 36 - 30: each could be 1 to 5, so nothing more is hidden
    assert _shown(_breakdown({"A": 3, "B": 4, "C": 33})) == ["c", "c", "33", "40"]
    assert _shown(_breakdown({"A": 1, "B": 5, "C": 30})) == ["c", "c", "30", "36"]


def test_hidden_cells_adding_to_too_little_take_the_next_smallest_with_them():
    # 1 + 2 = 33 - 30 would say each is 1 or 2; 1 + 1 = 2 would say both are 1
    assert _shown(_breakdown({"A": 1, "B": 2, "C": 30})) == ["c", "c", "c", "33"]
    assert _shown(_breakdown({"A": 1, "B": 1, "C": 12, "D": 40})) == ["c", "c", "c", "40", "54"]
    assert _shown(_breakdown({"A": 1, "B": 1, "C": 1, "D": 637})) == ["c", "c", "c", "c", "640"]


def test_zero_is_shown_and_is_not_chosen_while_a_non_zero_cell_is_left():
    table = _breakdown({"A": 0, "B": 2, "C": 20, "D": 40})
    assert _shown(table) == ["0", "c", "c", "40", "62"]


def test_a_small_total_is_suppressed_with_its_cells():
    table = _breakdown({"A": 2, "B": 0, "C": 1})
    assert _shown(table) == ["c", "0", "c", "c"]


def test_a_small_total_alone_takes_its_only_non_zero_cell():
    table = _breakdown({"A": 0, "B": 4})
    assert _shown(table) == ["0", "c", "c"]


def test_without_a_total_only_primary_suppression_applies():
    table = pd.DataFrame({"n": [3, 10, 12]})
    assert suppress_table(table, ["n"])["n"].tolist() == ["c", "10", "12"]


def test_cross_tab_with_margins_hand_worked():
    # (r1, Y) = 3 is small. Row r1 then hides its next smallest, Z = 15; column Y hides
    # r3 = 7; column Z hides r2 = 9; row r2 then hides X = 10 and row r3 X = 8. Every row
    # and column now has two hidden cells, forming one cycle; the margins stay shown.
    table = pd.DataFrame({"X": [20, 10, 8, 38], "Y": [3, 12, 7, 22], "Z": [15, 9, 25, 49],
                          "Total": [38, 31, 40, 109]}, index=["r1", "r2", "r3", "Total"])
    out = suppress_table(table, list(table.columns), total_row="Total", total_column="Total")
    expected = pd.DataFrame({"X": ["20", "c", "c", "38"], "Y": ["c", "12", "c", "22"],
                             "Z": ["c", "c", "25", "49"], "Total": ["38", "31", "40", "109"]},
                            index=table.index)
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)


def test_small_row_total_is_protected_among_the_row_totals():
    # Row r2 totals 4: it and its cells are small. The row totals sum to the grand total,
    # so another row total must go as well, or r2's total is 74 - 30 - 40.
    table = pd.DataFrame({"X": [10, 1, 20, 31], "Y": [20, 3, 20, 43], "Total": [30, 4, 40, 74]},
                         index=["r1", "r2", "r3", "Total"])
    mask = suppression_mask(table, total_row="Total", total_column="Total")
    assert mask.loc["r2"].all()
    assert mask["Total"].sum() >= 2 and not mask.loc["Total", "Total"]
    assert not _recoverable(table.to_numpy(dtype=float), mask.to_numpy(), both_margins=True)


def test_cell_fixed_only_by_combining_lines_is_protected():
    # Two blocks of small cells, each a closed cycle, joined by one small cell (r0, c2).
    # Every row and column has two or more hidden cells, so the line rule is satisfied,
    # yet (r0, c2) = row total - shown - (column c0 + column c1 - row r1): the combined
    # check must hide one more cell. (Each line's hidden cells hold enough that the bounds
    # rule adds nothing: 4 + 5 = 9 for two, 4 + 5 + 5 = 14 for three.)
    inner = np.full((4, 4), 50)
    for r, c, v in [(0, 0, 4), (0, 1, 5), (1, 0, 5), (1, 1, 4), (2, 2, 4), (2, 3, 5), (3, 2, 5), (3, 3, 4),
                    (0, 2, 5)]:
        inner[r, c] = v
    table = _with_margins(inner)
    primary = (table.to_numpy() > 0) & (table.to_numpy() < DEFAULT_THRESHOLD)
    assert not _line_recoverable(table.to_numpy(dtype=float), primary, both_margins=True)
    assert _recoverable(table.to_numpy(dtype=float), primary, both_margins=True)
    mask = suppression_mask(table, total_row="Total", total_column="Total").to_numpy()
    assert mask.sum() == primary.sum() + 1
    assert not _recoverable(table.to_numpy(dtype=float), mask, both_margins=True)


def test_percentages_follow_their_counts_and_their_total():
    table = pd.DataFrame({"group": ["A", "B", "C", "Total"], "n": [10, 3, 7, 20],
                          "pct": [50.0, 15.0, 35.0, 100.0]})
    out = suppress_table(table, ["n"], labels="group", total_row="Total", percent_columns={"pct": "n"})
    assert out["n"].tolist() == ["10", "c", "c", "20"]
    assert out["pct"].tolist() == ["50", "c", "c", "100"]
    small = pd.DataFrame({"group": ["A", "B", "Total"], "n": [0, 4, 4], "pct": [0.0, 100.0, 100.0]})
    assert suppress_table(small, ["n"], labels="group", total_row="Total",
                          percent_columns={"pct": "n"})["pct"].tolist() == ["c", "c", "c"]


def test_percentages_round_half_up_to_whole_numbers():
    table = pd.DataFrame({"group": ["A", "B", "Total"], "n": [25, 175, 200], "pct": [12.5, 87.5, 100.0]})
    out = suppress_table(table, ["n"], labels="group", total_row="Total", percent_columns={"pct": "n"})
    assert out["pct"].tolist() == ["13", "88", "100"]


def test_existing_symbols_are_respected():
    # 'c' already there is protected like a new one; 'x' hides but needs no protection;
    # 'z' is no part of the sum
    table = pd.DataFrame({"group": ["A", "B", "C", "D", "Total"], "n": ["c", 20, 30, "z", 55]})
    assert _shown(table) == ["c", "c", "30", "z", "55"]
    table = pd.DataFrame({"group": ["A", "B", "C", "Total"], "n": ["x", 20, 30, 55]})
    assert _shown(table) == ["x", "20", "30", "55"]


def test_bad_arguments_are_reported():
    table = _breakdown({"A": 10, "B": 3})
    with pytest.raises(ValueError, match="total row"):
        suppression_mask(table, ["n"], labels="group", total_row="All")
    with pytest.raises(ValueError, match="total column"):
        suppression_mask(table, ["n"], labels="group", total_column="Total")
    with pytest.raises(ValueError, match="not count columns"):
        suppress_table(table, ["n"], labels="group", percent_columns={"pct": "m"})


# ---------------------------------------------------------------------------------------
# Independent checks of recoverability


def _with_margins(inner: np.ndarray) -> pd.DataFrame:
    rows, cols = inner.shape
    full = np.zeros((rows + 1, cols + 1), dtype=int)
    full[:rows, :cols] = inner
    full[:rows, cols] = inner.sum(axis=1)
    full[rows, :cols] = inner.sum(axis=0)
    full[rows, cols] = inner.sum()
    return pd.DataFrame(full, index=[f"r{i}" for i in range(rows)] + ["Total"],
                        columns=[f"c{j}" for j in range(cols)] + ["Total"])


def _lines(shape: tuple[int, int], both_margins: bool) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
    """(total cell, addend cells) of every line; the last row is the Total row and, with
    ``both_margins``, the last column is the Total column."""
    n_rows, n_cols = shape
    inner_cols = n_cols - 1 if both_margins else n_cols
    lines = [((n_rows - 1, c), [(r, c) for r in range(n_rows - 1)]) for c in range(n_cols)]
    if both_margins:
        lines += [((r, n_cols - 1), [(r, c) for c in range(inner_cols)]) for r in range(n_rows)]
    return lines


def _line_recoverable(full: np.ndarray, hidden: np.ndarray, both_margins: bool) -> bool:
    """Total minus the shown cells gives a hidden cell away: a line with one hidden cell."""
    for total, addends in _lines(full.shape, both_margins):
        if sum(hidden[cell] for cell in [total, *addends]) == 1:
            return True
    return False


def _recoverable(full: np.ndarray, hidden: np.ndarray, both_margins: bool) -> bool:
    """Some hidden cell is fixed by a combination of the lines' equations."""
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells:
        return False
    index = {cell: k for k, cell in enumerate(cells)}
    rows = []
    for total, addends in _lines(full.shape, both_margins):
        row = np.zeros(len(cells))
        for cell in addends:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        rows.append(row)
    system = np.array(rows)
    rank = np.linalg.matrix_rank(system)
    for k in range(len(cells)):
        unit = np.zeros(len(cells))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            return True
    return False


# ---------------------------------------------------------------------------------------
# Properties

# Small counts are common in LA breakdowns: draw them often.
counts = st.one_of(st.integers(0, 7), st.integers(0, 60))
THRESHOLDS = st.sampled_from([DEFAULT_THRESHOLD, 3, 10])


def _check_shown(shown: pd.DataFrame, original: pd.DataFrame, threshold: int) -> np.ndarray:
    """Shown cells are unchanged and none is small; returns the hidden mask."""
    hidden = (shown == SUPPRESSED).to_numpy()
    for (r, c), value in np.ndenumerate(original.to_numpy()):
        if hidden[r, c]:
            continue
        assert shown.iat[r, c] == str(value)
        assert not 0 < value < threshold
    return hidden


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(counts, min_size=1, max_size=9), threshold=THRESHOLDS)
def test_breakdown_properties(cells, threshold):
    table = pd.DataFrame({"n": [*cells, sum(cells)]}, index=[*(f"g{i}" for i in range(len(cells))), "Total"])
    shown = suppress_table(table, ["n"], total_row="Total", threshold=threshold)
    hidden = _check_shown(shown[["n"]], table[["n"]], threshold)
    assert not _line_recoverable(table[["n"]].to_numpy(dtype=float), hidden, both_margins=False)
    assert not _recoverable(table[["n"]].to_numpy(dtype=float), hidden, both_margins=False)
    again = suppress_table(shown, ["n"], total_row="Total", threshold=threshold)
    pd.testing.assert_frame_equal(again, shown)


@settings(max_examples=250, deadline=None)
@given(inner=st.integers(1, 5).flatmap(lambda r: st.integers(1, 5).flatmap(
    lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r))),
    threshold=THRESHOLDS)
def test_cross_tab_properties(inner, threshold):
    table = _with_margins(np.array(inner, dtype=int))
    shown = suppress_table(table, list(table.columns), total_row="Total", total_column="Total",
                           threshold=threshold)
    hidden = _check_shown(shown, table, threshold)
    assert not _line_recoverable(table.to_numpy(dtype=float), hidden, both_margins=True)
    assert not _recoverable(table.to_numpy(dtype=float), hidden, both_margins=True)
    again = suppress_table(shown, list(table.columns), total_row="Total", total_column="Total",
                           threshold=threshold)
    pd.testing.assert_frame_equal(again, shown)


@settings(max_examples=150, deadline=None)
@given(inner=st.integers(1, 4).flatmap(lambda r: st.integers(1, 4).flatmap(
    lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r))))
def test_cross_tab_with_a_total_row_only(inner):
    inner = np.array(inner, dtype=int)
    table = pd.DataFrame(np.vstack([inner, inner.sum(axis=0)]),
                         index=[*(f"r{i}" for i in range(len(inner))), "Total"])
    shown = suppress_table(table, list(table.columns), total_row="Total")
    hidden = _check_shown(shown, table, DEFAULT_THRESHOLD)
    assert not _recoverable(table.to_numpy(dtype=float), hidden, both_margins=False)


# ---------------------------------------------------------------------------------------
# Figures frames

PLACE = {"geographic_level": "Local authority", "country_code": "E92000001", "region_code": "E12000006",
         "region_name": "East of England", "old_la_code": "873", "new_la_code": "E10000003",
         "la_name": "Cambridgeshire"}


def _figures(groups: dict[tuple[int, str], dict[str, int]], with_percent: bool = True) -> pd.DataFrame:
    rows = []
    for (year, group), cells in groups.items():
        total = sum(cells.values())
        for breakdown, value in [*cells.items(), ("Total", total)]:
            base = {"time_period": year, **PLACE, "indicator": "cla_31_march", "breakdown_group": group,
                    "breakdown": breakdown, "status": "", "source": "test"}
            rows.append({**base, "unit": "number", "value": value})
            if with_percent:
                rows.append({**base, "unit": "percent", "value": 100 * value / total if total else 0})
    return figures_frame(pd.DataFrame(rows))


def _cell(frame, year, group, breakdown, unit="number"):
    row = frame.loc[frame["time_period"].eq(year) & frame["breakdown_group"].eq(group)
                    & frame["breakdown"].eq(breakdown) & frame["unit"].eq(unit)]
    assert len(row) == 1
    return row["value"].iloc[0], row["status"].iloc[0]


def test_figures_hand_worked():
    figures = _figures({(2024, "Placement"): {"Foster": 40, "Home": 3, "Other": 8},
                        (2025, "Placement"): {"Foster": 40, "Home": 10, "Other": 8},
                        (2025, "Sex"): {"Boys": 2, "Girls": 1}})
    out = suppress_figures(figures)
    assert list(out.columns) == FIGURE_COLUMNS and len(out) == len(figures)
    for breakdown in ("Home", "Other"):          # 3 is small; 8 is the next smallest
        for unit in ("number", "percent"):
            value, status = _cell(out, 2024, "Placement", breakdown, unit)
            assert pd.isna(value) and status == "c"
    assert _cell(out, 2024, "Placement", "Foster") == (40, "")
    assert _cell(out, 2024, "Placement", "Total") == (51, "")
    assert out.loc[out["time_period"].eq(2025) & out["breakdown_group"].eq("Placement"), "status"].eq("").all()
    sex = out.loc[out["breakdown_group"].eq("Sex")]   # total 3: everything goes, percentages too
    assert sex["status"].eq("c").all() and sex["value"].isna().all()
    assert figures["status"].eq("").all()        # the input is untouched


def test_figures_rates_follow_and_other_units_stay():
    figures = _figures({(2025, "Total"): {}}, with_percent=False)
    figures = figures.loc[figures["breakdown"].eq("Total")].assign(value=4.0)
    rate = figures.assign(unit="rate_per_10000", value=0.3)
    population = figures.assign(unit="population", value=130000.0)
    out = suppress_figures(pd.concat([figures, rate, population], ignore_index=True))
    assert out.set_index("unit")["status"].to_dict() == {"number": "c", "rate_per_10000": "c", "population": ""}


def test_figures_group_that_does_not_add_up_gets_primary_suppression_only():
    # "with 3 or more placements" is a subset of the Total, not a part of a partition: the
    # total cannot give it away, and must not be hidden for it
    figures = _figures({(2025, "Stability"): {"With 3 or more placements": 4}}, with_percent=False)
    figures.loc[figures["breakdown"].eq("Total"), "value"] = 33
    out = suppress_figures(figures)
    pd.testing.assert_frame_equal(suppress_figures(out), out)
    out = out.set_index("breakdown")
    assert out.loc["With 3 or more placements", "status"] == "c"
    assert out.loc["Total", "status"] == "" and out.loc["Total", "value"] == 33


def test_figures_with_two_totals_in_a_group_are_refused():
    figures = _figures({(2025, "Placement"): {"Foster": 3, "Home": 10}}, with_percent=False)
    doubled = pd.concat([figures, figures.loc[figures["breakdown"].eq("Total")]], ignore_index=True)
    with pytest.raises(ValueError, match="Total rows"):
        suppress_figures(doubled)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(groups=st.dictionaries(
    keys=st.tuples(st.sampled_from([2023, 2024, 2025]), st.sampled_from(["Placement", "Age group", "Sex"])),
    values=st.lists(counts, min_size=1, max_size=6).map(lambda v: {f"b{i}": x for i, x in enumerate(v)}),
    min_size=1, max_size=5))
def test_figures_properties(groups):
    figures = _figures(groups)
    out = suppress_figures(figures)
    again = suppress_figures(out)
    pd.testing.assert_frame_equal(again, out)
    numbers = out.loc[out["unit"].eq("number")]
    shown = numbers.loc[numbers["status"].ne("c"), "value"]
    assert not ((shown > 0) & (shown < DEFAULT_THRESHOLD)).any()
    assert (numbers["status"].eq("c") == numbers["value"].isna()).all()
    cell = {key: (v, st_) for key, v, st_ in zip(
        zip(out["time_period"], out["breakdown_group"], out["breakdown"], out["unit"]), out["value"], out["status"])}
    before = dict(zip(zip(figures["time_period"], figures["breakdown_group"], figures["breakdown"], figures["unit"]),
                      figures["value"]))
    for (year, group), cells in groups.items():
        labels = [*cells, "Total"]
        hidden = np.array([[cell[year, group, b, "number"][1] == "c"] for b in labels])
        full = np.array([[v] for v in [*cells.values(), sum(cells.values())]], dtype=float)
        assert not _recoverable(full, hidden, both_margins=False)
        total_hidden = cell[year, group, "Total", "number"][1] == "c"
        for b in labels:   # percentages follow the counts, and the total they are of
            if total_hidden or cell[year, group, b, "number"][1] == "c":
                assert cell[year, group, b, "percent"][1] == "c"
            else:
                assert cell[year, group, b, "percent"][0] == before[year, group, b, "percent"]


# ---------------------------------------------------------------------------------------
# Charts


def test_chart_data_from_a_shown_table_leaves_suppressed_points_out():
    table = pd.DataFrame({"year": [2023, 2024, 2025], "n": [30, 3, 40]})
    shown = suppress_small_counts(table, ["n"])
    plot = chart_data(shown, ["n"])
    assert plot.frame["n"].tolist()[0] == 30 and np.isnan(plot.frame["n"].iloc[1])
    assert plot.frame["n"].dtype == "float64"
    assert plot.suppressed == 1 and "suppressed" in plot.note


def test_chart_data_from_figures_and_from_a_mask():
    figures = suppress_figures(_figures({(2025, "Sex"): {"Boys": 2, "Girls": 30}}, with_percent=False))
    plot = chart_data(figures)
    assert plot.frame["value"].isna().sum() == 2 and plot.suppressed == 2
    raw = pd.DataFrame({"n": [3, 40, 43]}, index=["A", "B", "Total"])
    mask = suppression_mask(raw, total_row="Total")
    plot = chart_data(raw, ["n"], mask=mask)
    assert plot.frame["n"].isna().tolist() == [True, True, False]
    clean = chart_data(pd.DataFrame({"n": [10, 20]}), ["n"])
    assert clean.suppressed == 0 and clean.note == ""


def test_module_documents_its_rules():
    doc = disclosure.__doc__
    assert "1 to 5" in doc and "Zero is shown" in doc and "Secondary suppression" in doc


# --- a group's tables hide what its members' tables hide -------------------------------------

def _counts_of(**counts):
    return pd.DataFrame({"breakdown": [*counts, "Total"], "2025": [*counts.values(), sum(counts.values())]})


def test_a_group_hides_every_cell_a_member_hides_and_protects_it():
    # Peterborough-like member: 3 in A is small and takes B (the next smallest) with it; the
    # other member hides nothing. The group's A (13) and B (28) are not small, but shown they
    # would give back 3 and 8 (13 - 10, 28 - 20): both are hidden, and nothing else need be.
    group = _counts_of(A=13, B=28, C=60)
    first, second = _counts_of(A=3, B=8, C=30), _counts_of(A=10, B=20, C=30)
    how = {"total_row": "Total", "labels": "breakdown"}
    assert disclosure.suppress_table(first, ["2025"], **how)["2025"].tolist() == ["c", "c", "30", "41"]
    hide = group_disclosure.hidden_by_members(group, [first, second], ["2025"], **how)
    assert hide["2025"].tolist() == [True, True, False, False]
    shown = disclosure.suppress_table(group, ["2025"], also_hide=hide, **how)["2025"].tolist()
    assert shown == ["c", "c", "60", "101"]
    # without the members it is shown whole, which is what gave the cells back
    assert disclosure.suppress_table(group, ["2025"], **how)["2025"].tolist() == ["13", "28", "60", "101"]


def test_one_forced_cell_in_a_line_takes_another_with_it():
    group = _counts_of(A=13, B=28, C=60)
    forced = pd.DataFrame({"2025": [False, False, True, False]}, index=group.index)
    shown = disclosure.suppress_table(group, ["2025"], total_row="Total", labels="breakdown", also_hide=forced)
    assert shown["2025"].tolist() == ["c", "28", "c", "101"]        # C forced, A (the smallest) protects it


def test_members_are_matched_by_label_and_a_label_a_member_lacks_is_not_hidden():
    group = _counts_of(A=13, B=28, C=60)
    member = _counts_of(C=4, A=40)                                   # no B row; its own order
    hide = group_disclosure.hidden_by_members(group, [member], ["2025"], total_row="Total", labels="breakdown")
    assert dict(zip(group["breakdown"], hide["2025"])) == {"A": True, "B": False, "C": True, "Total": False}
    assert disclosure.suppress_small_counts(pd.DataFrame({"n": [40, 41]}), ["n"],
                                            also_hide=pd.DataFrame({"n": [False, True]}))["n"].tolist() == ["40", "c"]


def test_a_groups_year_by_year_table_hides_what_a_members_other_tables_made_it_hide():
    """A member's age table hides its Total because its placement mix does, and so its
    smallest age (7) with it; the group shows 27, and 27 - 20 would give the 7 back."""
    from sufficiency_lib.statement.chapters.placements import by_year
    one, two = pd.DataFrame({"2025": [7, 8]}, index=["x", "y"]), pd.DataFrame({"2025": [20, 9]}, index=["x", "y"])
    mine = by_year(one, 6, totals=pd.Series({"2025": "c"}))
    assert mine["2025"].tolist() == ["c", "8", "c"]
    assert by_year(one + two, 6)["2025"].tolist() == ["27", "17", "44"]          # alone, it gives 7 back
    group = by_year(one + two, 6, members=[mine, by_year(two, 6)])
    assert group["2025"].tolist() == ["c", "17", "c"]      # the member's x and Total both hidden here too


def test_a_groups_figure_is_not_stated_where_a_members_count_is_small():
    from factories import make_facts
    where = {"time_period": 2025, "indicator": "cla_31_march", "breakdown_group": "Unaccompanied asylum-seeking "
             "children", "breakdown": "UASC", "unit": "number"}
    assert make_facts([{**where, "value": 20.0}]).shown("cla_31_march", where["breakdown_group"], "UASC") == 20.0
    group = make_facts([{**where, "value": 20.0}])
    group.members = [make_facts([{**where, "value": 3.0}]), make_facts([{**where, "value": 17.0}])]
    assert np.isnan(group.shown("cla_31_march", where["breakdown_group"], "UASC"))   # 20 - 17 would give 3


def test_a_figure_its_table_hides_to_protect_a_small_one_is_not_stated_either():
    """Placed with parents (11) is hidden beside Other (3) so that 100 - 86 - 11 cannot give 3 back;
    a sentence stating 11 would give it back just the same."""
    from factories import make_facts
    rows = [{"time_period": 2025, "indicator": "cla_31_march", "breakdown_group": "Placement group", "breakdown": b,
             "unit": "number", "value": v} for b, v in (("Foster", 86.0), ("Parents", 11.0), ("Other", 3.0),
                                                        ("Total", 100.0))]
    facts = make_facts(rows)
    assert [facts.shown("cla_31_march", "Placement group", b) for b in ("Foster", "Total")] == [86.0, 100.0]
    assert np.isnan(facts.shown("cla_31_march", "Placement group", "Parents"))
    assert np.isnan(facts.shown("cla_31_march", "Placement group", "Other"))
