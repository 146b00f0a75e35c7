"""The synthetic 903 return in ../shared/data/ssda903_fake, as CSV and as XML."""
import pandas as pd
import pytest

from sufficiency_lib.ssda903 import clean, ingest, ingest_xml, quality_report
from sufficiency_lib.ssda903.schema import PROVENANCE

pytestmark = pytest.mark.integration


def _without_provenance(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=[c for c in PROVENANCE if c != "return_year"]).reset_index(drop=True)


@pytest.mark.parametrize("kind", ["csv", "xml"])
def test_fake_return_reconciles_for_every_table(shared_data, tmp_path, kind):
    source = shared_data / "ssda903_fake"
    if kind == "xml":
        (tmp_path / "xml").mkdir()
        (tmp_path / "xml" / "fake_903.xml").symlink_to(source / "fake_903.xml")
        source = tmp_path / "xml"
    folder = source if kind == "xml" else _csv_folder(source, tmp_path)
    result = clean.load_clean_return(folder)
    recon = result.ledger.reconciliation()
    assert recon["balanced"].all()
    assert {"header", "episodes", "reviews"} <= set(recon["table"])
    for table, frame in ingest.read_return(folder).tables.items():  # rows in = rows read from the files
        assert recon.set_index("table").loc[table, "rows_in"] == len(frame)
    written = quality_report.write_report(result, tmp_path / "report")
    assert (tmp_path / "report" / "reconciliation.csv") in written


def _csv_folder(source, tmp_path):
    """A folder of the CSV files alone (the folder also holds the XML version of other children)."""
    folder = tmp_path / "csv"
    folder.mkdir()
    for path in source.glob("*.csv"):
        (folder / path.name).symlink_to(path)
    return folder


def _csv_only(source, tmp_path):
    return clean.load_clean_return(_csv_folder(source, tmp_path))


def test_csv_rows_in_match_the_files_line_counts(shared_data, tmp_path):
    result = _csv_only(shared_data / "ssda903_fake", tmp_path)
    recon = result.ledger.reconciliation().set_index("table")
    for path in (shared_data / "ssda903_fake").glob("*.csv"):
        lines = sum(1 for line in path.read_text().splitlines() if line.strip()) - 1
        assert recon.loc[path.stem, "rows_in"] == lines, path.name


def test_xml_and_csv_give_the_same_clean_tables(shared_data, tmp_path):
    """The XML's tables written out as CSV files clean to exactly what the XML cleans to."""
    xml_dir = tmp_path / "xml"
    xml_dir.mkdir()
    (xml_dir / "fake_903.xml").symlink_to(shared_data / "ssda903_fake" / "fake_903.xml")
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    for table, frame in ingest_xml.read_xml(xml_dir / "fake_903.xml").items():
        if len(frame):
            frame.drop(columns=["source_line"]).to_csv(csv_dir / f"{table}.csv", index=False)
    from_xml, from_csv = clean.load_clean_return(xml_dir), clean.load_clean_return(csv_dir)
    assert set(from_xml.tables) == set(from_csv.tables)
    for table in from_xml.tables:
        pd.testing.assert_frame_equal(_without_provenance(from_xml.tables[table]),
                                      _without_provenance(from_csv.tables[table]), obj=table)
    pd.testing.assert_frame_equal(from_xml.ledger.reconciliation(), from_csv.ledger.reconciliation())
