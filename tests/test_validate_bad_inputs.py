"""Bad inputs get a clear message or a quarantine reason, never a traceback.

Each case goes through the command line (``sufficiency validate``) as an analyst would.
"""

import pandas as pd
import pytest

from sufficiency_lib import cli
from tests import return_builder as rb


def run_validate(return_dir, tmp_path, capsys):
    code = cli.main(["validate", str(return_dir), "--out", str(tmp_path / "report")])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out + err


def report(tmp_path, name):
    return pd.read_csv(tmp_path / "report" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_valid_return_is_usable_and_reconciles(tmp_path, capsys):
    code, out = run_validate(rb.write(tmp_path / "r"), tmp_path, capsys)
    assert code == 0 and "usable: yes" in out
    recon = report(tmp_path, "reconciliation").set_index("table")
    assert recon.loc["episodes", "rows_in"] == "10" and recon.loc["episodes", "kept"] == "10"
    assert set(recon["balanced"]) == {"True"}


def test_missing_column_names_file_column_and_fix(tmp_path, capsys):
    return_dir = rb.write(tmp_path / "r", episodes=rb.episodes().drop(columns=["PLACE"]))
    code, out = run_validate(return_dir, tmp_path, capsys)
    assert code == 1
    assert "2021/episodes.csv" in out and "PLACE" in out and "required column" in out


def test_wrong_date_format_quarantines_row_naming_row_column_value(tmp_path, capsys):
    eps = rb.episodes().assign(DECOM=["13-05-2020"] + ["01/05/2020"] * 9)
    code, out = run_validate(rb.write(tmp_path / "r", episodes=eps), tmp_path, capsys)
    findings = report(tmp_path, "findings")
    hit = findings.loc[findings["rule_id"] == "S01"].iloc[0]
    assert (hit["file"], hit["row"], hit["column"], hit["value"]) == ("2021/episodes.csv", "2", "DECOM", "13-05-2020")
    assert "dd/mm/YYYY" in hit["message"]
    quarantined = pd.read_csv(tmp_path / "report" / "quarantine" / "episodes.csv", dtype=str)
    assert quarantined["rule_id"].tolist() == ["S01"]
    assert code == 0  # one bad row in ten leaves the return usable


def test_iso_dates_are_read_and_counted_as_corrected(tmp_path, capsys):
    eps = rb.episodes().assign(DECOM="2020-05-01")
    code, out = run_validate(rb.write(tmp_path / "r", episodes=eps), tmp_path, capsys)
    assert code == 0
    assert report(tmp_path, "reconciliation").set_index("table").loc["episodes", "corrected"] == "10"


def test_unknown_placement_code_is_kept_and_named(tmp_path, capsys):
    eps = rb.episodes().assign(PLACE=["ZZ9"] + ["U4"] * 9)
    code, out = run_validate(rb.write(tmp_path / "r", episodes=eps), tmp_path, capsys)
    assert code == 0 and "ZZ9" in out and "unknown placement type" in out


def test_empty_episodes_file_makes_return_unusable(tmp_path, capsys):
    return_dir = rb.write(tmp_path / "r")
    (return_dir / "2021" / "episodes.csv").write_bytes(b"")
    code, out = run_validate(return_dir, tmp_path, capsys)
    assert code == 1 and "episodes.csv: file is empty" in out


def test_duplicated_header_row_is_quarantined(tmp_path, capsys):
    eps = rb.episodes()
    eps = pd.concat([eps.iloc[:5], pd.DataFrame([eps.columns], columns=eps.columns), eps.iloc[5:]])
    code, out = run_validate(rb.write(tmp_path / "r", episodes=eps), tmp_path, capsys)
    assert code == 0
    findings = report(tmp_path, "findings")
    assert findings.loc[findings["rule_id"] == "R03", "row"].tolist() == ["7"]


def test_non_utf8_bytes_are_read_with_a_warning(tmp_path, capsys):
    return_dir = rb.write(tmp_path / "r")
    path = return_dir / "2021" / "header.csv"
    path.write_bytes(path.read_bytes() + "1010,2,01/06/2010,WBRI,,Zo\u00eb,\n".encode("cp1252"))
    code, out = run_validate(return_dir, tmp_path, capsys)
    assert code == 0
    assert "header.csv: file is not UTF-8: byte 0xeb on line 12" in out


def test_excel_with_extra_sheets_reads_the_tables_and_names_the_rest(tmp_path, capsys):
    folder = tmp_path / "r" / "2021"
    folder.mkdir(parents=True)
    with pd.ExcelWriter(folder / "ssda903.xlsx") as book:
        rb.header().to_excel(book, sheet_name="Header", index=False)
        rb.episodes().to_excel(book, sheet_name="Episodes", index=False)
        pd.DataFrame({"note": ["made by hand"]}).to_excel(book, sheet_name="Notes", index=False)
    code, out = run_validate(tmp_path / "r", tmp_path, capsys)
    assert code == 0
    assert "sheet 'Notes' is not a 903 table" in out
    assert report(tmp_path, "reconciliation").set_index("table").loc["episodes", "kept"] == "10"


def test_binary_file_is_named_and_not_read(tmp_path, capsys):
    return_dir = rb.write(tmp_path / "r")
    (return_dir / "2021" / "episodes.csv").write_bytes(bytes(range(256)) * 4)
    code, out = run_validate(return_dir, tmp_path, capsys)
    assert code == 1 and "episodes.csv: file is binary" in out


def test_missing_folder_is_a_usage_error(tmp_path, capsys):
    code, out = run_validate(tmp_path / "nowhere", tmp_path, capsys)
    assert code == 2 and "no such folder" in out


def test_empty_folder_is_unusable(tmp_path, capsys):
    (tmp_path / "r").mkdir()
    code, out = run_validate(tmp_path / "r", tmp_path, capsys)
    assert code == 1 and "empty" in out


def test_child_missing_from_header_and_episode_ending_before_start(tmp_path, capsys):
    eps = rb.episodes()
    eps.loc[0, "CHILD"] = "9999"
    eps.loc[1, "DEC"] = "01/04/2020"
    code, out = run_validate(rb.write(tmp_path / "r", episodes=eps), tmp_path, capsys)
    quarantined = pd.read_csv(tmp_path / "report" / "quarantine" / "episodes.csv", dtype=str)
    assert sorted(quarantined["rule_id"]) == ["E01", "E03"]


def test_files_rejected_whole_appear_in_reconciliation_csv(tmp_path, capsys):
    return_dir = rb.write(tmp_path / "r", episodes=rb.episodes().drop(columns=["PLACE"]))
    code, out = run_validate(return_dir, tmp_path, capsys)
    assert code == 1
    recon = report(tmp_path, "reconciliation").set_index("table")
    assert recon.loc["episodes", ["rows_in", "quarantined", "files_rejected", "balanced"]].tolist() == [
        "10", "10", "1", "True"]
    by_file = report(tmp_path, "reconciliation_by_file").set_index("file")
    assert by_file.loc["2021/episodes.csv", "read"] == "False"
    assert "PLACE" in by_file.loc["2021/episodes.csv", "reason"]


@pytest.mark.parametrize("episodes_text, code", [
    (",".join(rb.EPISODE_COLUMNS) + "\n", 1),                         # column names only
    (rb.csv_text(rb.episodes().assign(DECOM="01/05/20")), 0),         # dd/mm/yy
])
def test_header_only_and_short_year_files_give_a_report_not_an_internal_error(tmp_path, capsys, episodes_text,
                                                                              code):
    return_dir = rb.write(tmp_path / "r")
    (return_dir / "2021" / "episodes.csv").write_text(episodes_text)
    got, out = run_validate(return_dir, tmp_path, capsys)
    assert got == code and "internal error" not in out
    assert (tmp_path / "report" / "findings.csv").is_file()
