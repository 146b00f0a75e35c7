"""Text held as Python strings, and parquet files read with each text column's values held once."""
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sufficiency_lib import text_storage


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["E06000031", "ets", "drift", "", "é ≥ 5"])), min_size=0,
                max_size=30))
def test_a_parquet_file_reads_back_the_same_frame(tmp_path_factory, labels):
    path = tmp_path_factory.mktemp("parquet") / "t.parquet"
    frame = pd.DataFrame({"code": pd.array(labels, dtype="str"), "n": np.arange(len(labels)),
                          "share": np.linspace(0, 1, len(labels))})
    frame.to_parquet(path, index=False)
    pd.testing.assert_frame_equal(text_storage.read_parquet(path), pd.read_parquet(path), check_exact=True)
    pd.testing.assert_frame_equal(text_storage.read_parquet(path, columns=["code"]),
                                  pd.read_parquet(path, columns=["code"]), check_exact=True)


def test_repeated_text_is_one_object_per_distinct_value(tmp_path):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"method": ["ets", "drift"] * 1000}).to_parquet(path, index=False)
    values = text_storage.read_parquet(path)["method"].to_numpy(dtype=object)
    assert len({id(v) for v in values}) == 2
    plain = pd.read_parquet(path)["method"].to_numpy(dtype=object)
    assert len({id(v) for v in plain}) > 2          # what the plain read does, and why this one exists
