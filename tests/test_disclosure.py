import pandas as pd

from sufficiency_lib.disclosure import suppress_small_counts


def test_small_counts_become_c_and_zero_and_large_stay():
    table = pd.DataFrame({"year": [1, 2, 3, 4], "n": [0, 1, 4, 5]})
    out = suppress_small_counts(table, ["n"], threshold=5)
    pd.testing.assert_series_equal(out["n"], pd.Series(["0", "c", "c", "5"], name="n", dtype=out["n"].dtype))
    assert table["n"].tolist() == [0, 1, 4, 5]  # the input is untouched
