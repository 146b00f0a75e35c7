"""Collection years from the data, and the defects of issue 20 in reading a return.

Counts of children looked after at 31 March are made here from the episode files with the
csv module (an episode open on 31 March, not a short break), never by the code under test.
"""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest

from sufficiency_lib.analysis import metrics
from sufficiency_lib.config import Authority
from sufficiency_lib.demo import synth
from sufficiency_lib.ssda903 import clean, ingest, quality_report
from tests import return_builder as rb


def _date(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def children_in_care_by_hand(episodes_file: Path, year: int) -> int:
    """Children with an episode open at the end of 31 March ``year`` in one episodes file."""
    end = dt.date(year, 3, 31)
    with episodes_file.open(newline="") as handle:
        return len({row["CHILD"] for row in csv.DictReader(handle)
                    if _date(row["DECOM"]) <= end and (not row["DEC"] or _date(row["DEC"]) > end)
                    and row["LS"] not in ("V3", "V4")})


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A synthetic return for 2019-2022 in end-year folders, and the same files in start-year folders."""
    authority = Authority(new_la_code="E99999998", old_la_code="998", la_name="Yearshire",
                          region_code="E12000006", region_name="East of England", latest_year=2022,
                          calibration={"cla_at_31_march": {2019: 120, 2020: 125, 2021: 130, 2022: 128}})
    base = tmp_path_factory.mktemp("years")
    by_end = synth.write_demo_return(authority, range(2019, 2023), base / "by_end", seed=3)
    by_start = base / "by_start"
    for folder in sorted(p for p in by_end.iterdir() if p.is_dir()):
        shutil.copytree(folder, by_start / str(int(folder.name) - 1))
    return by_end, by_start


def test_return_named_by_start_year_is_flagged_and_blocks(generated):
    _, by_start = generated
    result = clean.load_clean_return(by_start)
    findings = result.ledger.findings()
    flagged = findings.loc[findings["rule_id"] == "Y01"]
    assert len(flagged) == 4, "each year's files are flagged"
    assert flagged["blocking"].all()
    assert flagged["message"].str.contains("--year-label start").all()
    assessment = quality_report.assess(result)
    assert not assessment.usable
    assert any("year" in reason and "Fix:" in reason for reason in assessment.reasons)


def test_start_year_names_read_with_year_label_start_give_the_end_year_counts(generated):
    by_end, by_start = generated
    as_end = clean.load_clean_return(by_end)
    as_start = clean.load_clean_return(by_start, year_label="start")
    assert quality_report.assess(as_end).usable, quality_report.assess(as_end).reasons
    assert quality_report.assess(as_start).usable, quality_report.assess(as_start).reasons
    assert not {"Y01", "Y02"} & set(as_start.ledger.findings()["rule_id"])
    years = range(2019, 2023)
    counts_end = metrics.cla_at_31_march_series(as_end.tables["episodes"], years)
    counts_start = metrics.cla_at_31_march_series(as_start.tables["episodes"], years)
    pd.testing.assert_frame_equal(counts_end, counts_start)
    by_hand = [children_in_care_by_hand(by_end / str(year) / "episodes.csv", year) for year in years]
    assert counts_end["children_count"].tolist() == by_hand
    assert sorted(set(as_start.tables["episodes"]["return_year"])) == list(years)


def test_stated_label_the_dates_contradict_is_a_warning_not_a_block(generated):
    by_end, _ = generated
    result = clean.load_clean_return(by_end, year_label="start")
    findings = result.ledger.findings()
    stated = findings.loc[findings["rule_id"] == "Y02"]
    assert len(stated) == 4 and not stated["blocking"].any()
    assert "Y01" not in set(findings["rule_id"])


def test_year_label_must_be_start_or_end(tmp_path):
    with pytest.raises(ValueError, match="start' or 'end"):
        clean.load_clean_return(rb.write(tmp_path), year_label="begin")


def test_two_year_names_mean_the_year_they_end_whatever_the_label(tmp_path):
    folder = tmp_path / "r"
    rb.write(folder)
    (folder / "2021").rename(folder / "2020-21")
    result = clean.load_clean_return(folder, year_label="start")
    assert set(result.tables["episodes"]["return_year"]) == {2021}


def test_undated_files_take_the_year_their_episodes_show(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    rb.header().to_csv(folder / "header.csv", index=False)
    rb.episodes().assign(DECOM=["01/02/2021"] + ["01/05/2020"] * 9).to_csv(folder / "episodes.csv", index=False)
    assert set(clean.load_clean_return(folder).tables["episodes"]["return_year"]) == {2021}


# ---- issue 20's list of defects in reading a return ------------------------------------------

def test_header_only_episodes_file_gives_a_report_not_an_error(tmp_path):
    folder = rb.write(tmp_path / "r")
    (folder / "2021" / "episodes.csv").write_text(",".join(rb.EPISODE_COLUMNS) + "\n")
    result = clean.load_clean_return(folder)
    assessment = quality_report.assess(result)
    assert not assessment.usable
    assert any("episodes" in reason and "Fix:" in reason for reason in assessment.reasons)
    assert quality_report.write_report(result, tmp_path / "report")


def test_two_digit_years_are_read_with_their_century(tmp_path):
    folder = rb.write(tmp_path / "r", episodes=rb.episodes().assign(DECOM="01/05/20"),
                      header=rb.header().assign(DOB="17/12/99"))
    result = clean.load_clean_return(folder)
    assert result.tables["episodes"]["DECOM"].eq(pd.Timestamp("2020-05-01")).all()
    assert result.tables["header"]["DOB"].eq(pd.Timestamp("1999-12-17")).all()
    assert quality_report.assess(result).usable


def test_utf8_mark_then_latin1_bytes_keeps_every_episode(tmp_path):
    folder = rb.write(tmp_path / "r")
    path = folder / "2021" / "episodes.csv"
    path.write_bytes(b"\xef\xbb\xbf" + rb.csv_text(rb.episodes().assign(HOME_POST="Zo\u00eb")).encode("latin-1"))
    result = clean.load_clean_return(folder)
    recon = result.ledger.reconciliation().set_index("table")
    assert recon.loc["episodes", "kept"] == 10 and recon.loc["episodes", "quarantined"] == 0
    assert result.tables["episodes"]["HOME_POST"].eq("Zo\u00eb").all()
    messages = result.ledger.findings()["message"]
    assert messages.str.contains("byte 0xeb on line 2 is not UTF-8 although the file starts with a UTF-8").any()


def test_spaces_around_child_ids_are_trimmed_and_said(tmp_path):
    folder = rb.write(tmp_path / "r", episodes=rb.episodes().assign(CHILD=lambda f: " " + f["CHILD"] + " "))
    result = clean.load_clean_return(folder)
    assert len(result.tables["episodes"]) == 10
    assert result.tables["episodes"]["CHILD"].tolist() == [str(1000 + i) for i in range(10)]
    assert (result.ledger.findings()["rule_id"] == "C05").sum() == 10


def test_utf16_is_read_not_called_binary(tmp_path):
    folder = rb.write(tmp_path / "r")
    path = folder / "2021" / "episodes.csv"
    path.write_bytes(path.read_text().encode("utf-16"))
    result = clean.load_clean_return(folder)
    assert len(result.tables["episodes"]) == 10
    assert "F03" not in set(result.ledger.findings()["rule_id"])


def test_dates_in_the_future_are_reported(tmp_path):
    later = (dt.date.today() + dt.timedelta(days=3 * 365)).strftime("%d/%m/%Y")
    folder = rb.write(tmp_path / "r", episodes=rb.episodes().assign(DEC=[later] + [""] * 9,
                                                                    DECOM=["01/05/2020"] * 9 + [later]))
    result = clean.load_clean_return(folder)
    rules = result.ledger.findings().set_index("rule_id")
    assert rules.loc["S08", "value"] == later and rules.loc["S07", "value"] == later
    eps = result.tables["episodes"]
    assert len(eps) == 9 and eps["DEC"].isna().all(), "the future end is blanked; the future start set aside"


def test_month_first_file_is_read_month_first(tmp_path):
    decom = ["05/13/2020", "04/02/2020"] + ["05/01/2020"] * 8
    folder = rb.write(tmp_path / "r", episodes=rb.episodes().assign(DECOM=decom))
    result = clean.load_clean_return(folder)
    assert result.tables["episodes"]["DECOM"].tolist()[:2] == [pd.Timestamp("2020-05-13"), pd.Timestamp("2020-04-02")]
    assert (result.ledger.findings()["rule_id"] == "S04").sum() == 10


def test_duplicate_child_with_other_date_of_birth_says_how_the_rows_differ(tmp_path):
    header = pd.concat([rb.header(), rb.header(1).assign(DOB="02/07/2011")], ignore_index=True)
    result = clean.load_clean_return(rb.write(tmp_path / "r", header=header))
    hit = result.ledger.findings().set_index("rule_id").loc["R04"]
    assert "01/06/2010 (this row) vs 02/07/2011 (the later row, kept)" in hit["message"]
    assert result.tables["header"].set_index("CHILD").loc["1000", "DOB"] == pd.Timestamp("2011-07-02")


def test_prefixed_xml_is_read_quietly(tmp_path):
    folder = tmp_path / "r"
    rb.write_xml(folder, "2021/return.xml", rb.header(), rb.episodes(), prefix="ns0:")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = clean.load_clean_return(folder)
    assert len(result.tables["episodes"]) == 10 and len(result.tables["header"]) == 10
    summary = quality_report.summarise(result, quality_report.assess(result))
    assert "Empty DataFrame" not in summary and "usable: yes" in summary
    assert "collection years read (each to 31 March): 2021" in summary.splitlines()


def test_excel_sheet_with_a_title_row_is_read(tmp_path):
    folder = tmp_path / "r" / "2021"
    folder.mkdir(parents=True)
    with pd.ExcelWriter(folder / "903.xlsx") as book:
        for name, frame in (("Header", rb.header()), ("Episodes", rb.episodes())):
            pd.DataFrame([[f"{name} export, Toyshire"]]).to_excel(book, sheet_name=name, header=False, index=False)
            frame.to_excel(book, sheet_name=name, index=False, startrow=2)
    result = clean.load_clean_return(tmp_path / "r")
    assert len(result.tables["episodes"]) == 10
    assert quality_report.assess(result).usable
    episodes_rows = result.ledger.findings().query("rule_id == 'E03'")
    assert episodes_rows.empty


def test_empty_optional_tables_leave_the_return_usable(tmp_path):
    folder = rb.write(tmp_path / "r")
    for name in ("ad1", "placed_for_adoption"):
        (folder / "2021" / f"{name}.csv").write_bytes(b"\n")
    (folder / "2021" / "missing.csv").write_text("CHILD,DOB,MISSING,MIS_START,MIS_END\n")
    (folder / "2021" / "reviews.csv").write_bytes(bytes(range(256)) * 4)
    assessment = quality_report.assess(clean.load_clean_return(folder))
    assert assessment.usable, assessment.reasons


def test_deprivation_of_liberty_orders_are_read_checked_and_reconciled(tmp_path):
    orders = pd.DataFrame({"CHILD": ["1000", "1001", "1002", "9999"], "DOB": "01/06/2010",
                           "DOLO_START": ["01/06/2020", "01/07/2020", "01/08/2020", "01/06/2020"],
                           "DOLO_END": ["", "01/06/2020", "01/09/2020", ""]})
    folder = rb.write(tmp_path / "r")
    orders.to_csv(folder / "2021" / "deprivation_of_liberty_orders.csv", index=False)
    result = clean.load_clean_return(folder)
    dolo = result.tables["dolo"]
    assert dolo["CHILD"].tolist() == ["1000", "1002"]
    assert dolo["DOLO_END"].tolist()[1] == pd.Timestamp("2020-09-01")
    recon = result.ledger.reconciliation().set_index("table").loc["dolo"]
    assert (recon["rows_in"], recon["kept"], recon["quarantined"]) == (4, 2, 2)
    assert sorted(result.quarantine("dolo")["rule_id"]) == ["D01", "E03"]


def test_older_returns_without_the_orders_table_are_not_faulted(tmp_path):
    result = clean.load_clean_return(rb.write(tmp_path / "r"))
    assert "dolo" not in result.tables
    assert not result.ledger.findings()["message"].str.contains("dolo|liberty", case=False).any()


def test_read_return_still_gives_text_tables(tmp_path):
    raw = ingest.read_return(rb.write(tmp_path / "r"))
    assert raw.tables["episodes"]["DECOM"].tolist()[0] == "01/05/2020"
    assert str(raw.tables["episodes"]["PLACE"].dtype) == "str"


def test_a_year_of_long_settled_placements_is_not_mistaken_for_another_year(tmp_path):
    starts = [f"01/{month:02d}/{year}" for year in (2015, 2016, 2017) for month in range(1, 11)]
    folder = rb.write(tmp_path / "r", header=rb.header(30), episodes=rb.episodes(30).assign(DECOM=starts))
    findings = clean.load_clean_return(folder).ledger.findings()
    assert not {"Y01", "Y02"} & set(findings["rule_id"])


def test_a_few_typing_errors_after_the_year_do_not_move_it(tmp_path):
    decom = ["01/05/2021"] + ["01/05/2020"] * 59  # one start after 31 March 2021: 2 % is the bar
    folder = rb.write(tmp_path / "r", header=rb.header(60), episodes=rb.episodes(60).assign(DECOM=decom))
    findings = clean.load_clean_return(folder).ledger.findings()
    assert "Y01" not in set(findings["rule_id"])
    assert findings.loc[findings["rule_id"] == "S09", "value"].tolist() == ["01/05/2021"]
