import pandas as pd
import pytest

from sufficiency_lib.statement import tidy


def test_la_frame_has_ees_columns_in_order(toy_authority):
    frame = tidy.la_frame(toy_authority, [2020, 2021])
    assert list(frame.columns) == tidy.GEOGRAPHY_COLUMNS
    assert frame["new_la_code"].tolist() == ["E99999999", "E99999999"]
    assert frame["geographic_level"].unique().tolist() == ["Local authority"]


def test_write_table_writes_meta_beside_it(tmp_path, toy_authority):
    table = tidy.la_frame(toy_authority, [2021]).assign(children_count=[5])
    meta = tidy.meta_frame({"children_count": ("Children", "", 0)})
    path = tidy.write_table(table, meta, tmp_path / "t.csv")
    meta_back = pd.read_csv(tmp_path / "t.meta.csv")
    assert meta_back.columns.tolist() == tidy.META_COLUMNS
    assert meta_back.loc[0, "col_name"] == "children_count"
    assert pd.read_csv(path)["children_count"].tolist() == [5]


def test_write_table_refuses_meta_for_missing_column(tmp_path, toy_authority):
    meta = tidy.meta_frame({"nope_count": ("Nope", "", 0)})
    with pytest.raises(ValueError, match="nope_count"):
        tidy.write_table(tidy.la_frame(toy_authority, [2021]), meta, tmp_path / "t.csv")


def test_meta_decimal_places_are_written_as_whole_numbers(tmp_path, toy_authority):
    table = tidy.la_frame(toy_authority, [2021]).assign(area="A", share=50.0, children_count=3)
    meta = tidy.meta_frame({"share": ("Share", "%", 1), "children_count": ("Children", "", 0)}, {"area": "Area"})
    tidy.write_table(table, meta, tmp_path / "t.csv")
    rows = (tmp_path / "t.meta.csv").read_text().splitlines()
    assert rows[1].startswith("area,Filter,Area,") and rows[1].split(",")[5] == ""
    assert [r.split(",")[5] for r in rows[2:]] == ["1", "0"]
