"""CSV cells a spreadsheet could run as formulas are neutralised; numbers are left alone."""
import csv

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sufficiency_lib import safe_csv

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_formula_cells_get_a_leading_quote_and_numbers_do_not(tmp_path):
    frame = pd.DataFrame({
        "value": ["=HYPERLINK(\"http://x\",\"click\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx", "U4", "-12",
                  "+3.5", "-1e5", "", None],
        "count": [-1, -2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        "rate": [-0.5] * 12,
    })
    path = safe_csv.write_csv(frame, tmp_path / "out.csv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["value"] for row in rows] == [
        "'=HYPERLINK(\"http://x\",\"click\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "U4", "-12",
        "+3.5", "-1e5", "", ""]
    assert [row["count"] for row in rows] == [str(n) for n in frame["count"]]
    assert {row["rate"] for row in rows} == {"-0.5"}


def test_column_names_categories_and_index_are_covered():
    frame = pd.DataFrame({"=bad": pd.Categorical(["=1", "ok", "=1"])}, index=pd.Index(["-x", "y", "z"]))
    safe = safe_csv.neutralise(frame)
    assert list(safe.columns) == ["'=bad"]
    assert safe.iloc[:, 0].tolist() == ["'=1", "ok", "'=1"]
    assert list(safe.index) == ["'-x", "y", "z"]
    assert frame.iloc[:, 0].tolist() == ["=1", "ok", "=1"], "the input is not changed"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.floats(allow_nan=False, allow_infinity=False),
                          st.integers(-10**6, 10**6)), min_size=1, max_size=30),
       st.lists(st.integers(-10**9, 10**9), min_size=1, max_size=30))
def test_any_cell_comes_out_safe_and_otherwise_unchanged(tmp_path_factory, cells, numbers):
    size = min(len(cells), len(numbers))
    frame = pd.DataFrame({"mixed": pd.Series(cells[:size], dtype=object), "n": np.array(numbers[:size])})
    safe = safe_csv.neutralise(frame)
    assert safe["n"].tolist() == numbers[:size]  # numeric columns untouched, negatives included
    for original, shown in zip(cells[:size], safe["mixed"]):
        if isinstance(original, str):
            plain_number = safe_csv._PLAIN_NUMBER.fullmatch(original) is not None
            expected = "'" + original if original.startswith(TRIGGERS) and not plain_number else original
            assert shown == expected
        else:
            assert shown == original  # a number in a text column is a number, not a formula
    # What a spreadsheet reads: no cell starts a formula, unless it is a plain number.
    path = safe_csv.write_csv(frame, tmp_path_factory.mktemp("csv") / "out.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    for cell in [*back["mixed"], *back["n"], *back.columns]:
        assert not cell.startswith(TRIGGERS) or safe_csv._PLAIN_NUMBER.fullmatch(cell), repr(cell)


_TEXT = st.text(alphabet=st.sampled_from(list("ab1,\"'=+-@ \t\r\n.é")), max_size=8)
_FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e16, 1e-05, 0.1, -0.0, 2.0]))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 12).flatmap(lambda rows: st.tuples(
    st.lists(_FLOATS, min_size=rows, max_size=rows),
    st.lists(st.integers(-10**12, 10**12), min_size=rows, max_size=rows),
    st.lists(st.one_of(st.none(), st.integers(-10**6, 10**6)), min_size=rows, max_size=rows),
    st.lists(st.one_of(st.none(), _TEXT), min_size=rows, max_size=rows),
    st.lists(st.one_of(st.none(), _TEXT, st.integers(-99, 99), _FLOATS, st.booleans()), min_size=rows, max_size=rows),
    st.lists(st.booleans(), min_size=rows, max_size=rows))), _TEXT)
def test_a_plain_frame_is_written_byte_for_byte_as_pandas_writes_it_made_safe(tmp_path_factory, columns, name):
    floats, whole, gaps, text, mixed, flags = columns
    frame = pd.DataFrame({"rate": pd.Series(floats, dtype="float64"), "n": pd.Series(whole, dtype="int64"),
                          "count": pd.Series(gaps, dtype="Int64"), "label": pd.Series(text, dtype="string"),
                          "cell": pd.Series(mixed, dtype=object), name or "x": pd.Series(flags, dtype=bool)})
    folder = tmp_path_factory.mktemp("csv")
    assert safe_csv._plain(frame)
    written = safe_csv.write_csv(frame, folder / "plain.csv").read_bytes()
    safe_csv.neutralise(frame).to_csv(folder / "pandas.csv", index=False, lineterminator="\r\n")
    assert written == (folder / "pandas.csv").read_bytes()


def test_a_frame_the_direct_writer_does_not_know_goes_through_pandas(tmp_path):
    frame = pd.DataFrame({"when": pd.to_datetime(["2025-03-31", None]), "what": pd.Categorical(["=x", "y"])})
    assert not safe_csv._plain(frame)
    with (safe_csv.write_csv(frame, tmp_path / "out.csv")).open(newline="") as handle:
        assert list(csv.reader(handle)) == [["when", "what"], ["2025-03-31", "'=x"], ["", "y"]]
