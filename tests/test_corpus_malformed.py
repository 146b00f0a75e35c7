"""A corpus of malformed 903 returns, made here: each is reported, with file, place and fix.

Every case starts from a valid two-table return (10 children, one episode each) and
breaks one thing. For each, through the library API: no exception; the expected rule
fires and its message names the file and, for a row, the row, column and value, and ends
with the rule's fix; the reconciliation balances for every table, with the rows in
counted here independently (from what the case wrote), rejected files included. A handful
also go through ``sufficiency validate`` in a subprocess, checking the exit code.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from sufficiency_lib import cli
from sufficiency_lib.ssda903 import clean, quality_report
from sufficiency_lib.ssda903.rules import RULES
from tests import return_builder as rb

FUTURE = (dt.date.today() + dt.timedelta(days=5 * 365)).strftime("%d/%m/%Y")
EP, HD = "2021/episodes.csv", "2021/header.csv"


def eps(**changes) -> pd.DataFrame:
    return rb.episodes().assign(**changes)


def put(folder: Path, relative: str, frame: pd.DataFrame, sep: str = ",", encoding: str = "utf-8",
        before: str | bytes = "") -> None:
    lead = before if isinstance(before, bytes) else before.encode(encoding)
    rb.write_bytes(folder, relative, lead + rb.csv_text(frame, sep).encode(encoding))


def row_changed(frame: pd.DataFrame, row: int, **values) -> pd.DataFrame:
    out = frame.copy()
    for column, value in values.items():
        out.loc[row, column] = value
    return out


@dataclass
class Case:
    name: str
    build: Callable[[Path], None]       # breaks the valid return written in the folder
    rule: str                           # the rule that must report it
    file: str                           # the file its message must name
    row: int | None = None              # line (CSV) or row the message must give
    column: str = ""
    value: str = ""
    rows_in: dict[str, int] = field(default_factory=lambda: {"header": 10, "episodes": 10})
    usable: bool | None = None


def _title(folder):
    put(folder, EP, rb.episodes(), before="Children looked after: episodes\nExported 02/04/2021\n")


def _excel_title(folder):
    (folder / EP).unlink()
    with pd.ExcelWriter(folder / "2021" / "episodes.xlsx") as book:
        pd.DataFrame([["Episodes export"], [""]]).to_excel(book, sheet_name="Episodes", header=False, index=False)
        rb.episodes().to_excel(book, sheet_name="Episodes", index=False, startrow=2)


def _month_first(folder):
    put(folder, EP, eps(DECOM=["05/13/2020"] + ["05/01/2020"] * 9))


def _mixed(folder):
    put(folder, EP, eps(DECOM=["05/13/2020", "13/05/2020"] + ["05/06/2020"] * 8))


def _ragged(folder):
    text = rb.csv_text(rb.episodes()).splitlines()
    text[3] += ",EXTRA,MORE"
    rb.write_bytes(folder, EP, ("\n".join(text) + "\n").encode())


def _short_row(folder):
    text = rb.csv_text(rb.episodes()).splitlines()
    text[4] = ",".join(text[4].split(",")[:9])
    rb.write_bytes(folder, EP, ("\n".join(text) + "\n").encode())


def _blank_lines(folder):
    text = rb.csv_text(eps(DECOM=["01/05/2020"] * 5 + ["1st May"] + ["01/05/2020"] * 4)).replace("\n", "\n\n", 3)
    rb.write_bytes(folder, EP, text.encode())


def _duplicate_dob(folder):
    header = pd.concat([rb.header(), rb.header(1).assign(DOB="02/07/2011")], ignore_index=True)
    put(folder, HD, header)


def _repeated_header(folder):
    frame = rb.episodes()
    put(folder, EP, pd.concat([frame.iloc[:5], pd.DataFrame([frame.columns], columns=frame.columns), frame.iloc[5:]]))


def _overlap(folder):
    put(folder, EP, pd.concat([rb.episodes(), rb.episodes(1).assign(DECOM="01/07/2020", RNE="P")],
                              ignore_index=True))


def _gap(folder):
    put(folder, EP, pd.concat([row_changed(rb.episodes(), 0, DEC="01/06/2020", REC="X1"),
                               rb.episodes(1).assign(DECOM="10/06/2020", RNE="P")], ignore_index=True))


def _year_without_episodes(folder):
    put(folder, "2020/header.csv", rb.header())


def _start_year_names(folder):
    # 40 children whose episodes start in the year to 31 March 2022, filed as "2021".
    starts = [f"{day:02d}/{month:02d}/{2021 if month >= 4 else 2022}"
              for month in (5, 8, 11, 2) for day in range(1, 11)]
    put(folder, HD, rb.header(40))
    put(folder, EP, rb.episodes(40).assign(DECOM=starts))


def _xml(folder, prefix="", truncate=False, extra=""):
    (folder / EP).unlink()
    (folder / HD).unlink()
    path = rb.write_xml(folder, "2021/return.xml", rb.header(), rb.episodes(), prefix)
    text = path.read_text()
    if extra:
        text = text.replace(f"</{prefix}HEADER>", extra + f"</{prefix}HEADER>", 1)
    path.write_text(text[: len(text) // 2] if truncate else text)


CASES = [
    # Encodings and bytes
    Case("windows-1252 byte", lambda f: put(f, HD, row_changed(rb.header(), 3, MOTHER="Zoë"), encoding="cp1252"),
         "F04", HD),
    Case("utf-8 mark then latin-1", lambda f: put(f, EP, row_changed(rb.episodes(), 2, HOME_POST="Zoë"),
                                                   encoding="latin-1", before=b"\xef\xbb\xbf"), "F04", EP),
    Case("utf-16 with mark", lambda f: put(f, EP, rb.episodes(), encoding="utf-16"), "F09", EP),
    Case("utf-16 without mark", lambda f: put(f, EP, rb.episodes(), encoding="utf-16-le"), "F09", EP),
    Case("binary", lambda f: rb.write_bytes(f, EP, bytes(range(256)) * 8), "F03", EP,
         rows_in={"header": 10, "episodes": 0}, usable=False),
    Case("workbook named .csv", lambda f: rb.write_bytes(f, EP, b"PK\x03\x04\x14\x00\x00\x00" + bytes(200)), "F03", EP,
         rows_in={"header": 10, "episodes": 0}, usable=False),
    Case("empty file", lambda f: rb.write_bytes(f, EP, b""), "F02", EP, rows_in={"header": 10, "episodes": 0},
         usable=False),
    Case("blank lines only", lambda f: rb.write_bytes(f, EP, b"\n \n\r\n"), "F02", EP,
         rows_in={"header": 10, "episodes": 0}, usable=False),
    # Delimiters and layout
    Case("semicolons", lambda f: put(f, EP, rb.episodes(), sep=";"), "F11", EP),
    Case("tabs", lambda f: put(f, HD, rb.header(), sep="\t"), "F11", HD),
    Case("bars", lambda f: put(f, EP, rb.episodes(), sep="|"), "F11", EP),
    Case("title lines", _title, "F10", EP),
    Case("excel title row", _excel_title, "F10", "2021/episodes.xlsx"),
    Case("blank lines within", _blank_lines, "S01", EP, row=10, column="DECOM", value="1st May"),
    Case("too many values", _ragged, "R05", EP, row=4, column="(extra values)", value="EXTRA | MORE"),
    Case("too few values", _short_row, "R06", EP, row=5),
    # Columns
    Case("missing column", lambda f: put(f, EP, rb.episodes().drop(columns="PLACE")), "F06", EP, usable=False),
    Case("optional table lacks CHILD", lambda f: put(f, "2021/reviews.csv", pd.DataFrame({"REVIEW": ["01/06/2020"]})),
         "F06", "2021/reviews.csv", rows_in={"header": 10, "episodes": 10, "reviews": 1}, usable=True),
    Case("extra column", lambda f: put(f, EP, rb.episodes().assign(Notes="x")), "F08", EP),
    Case("renamed and spaced column names",
         lambda f: put(f, EP, rb.episodes().rename(columns={"CHILD": " child ", "PLACE": "PL"}).assign(Comment="")),
         "F08", EP),
    # Dates
    Case("two-digit years", lambda f: put(f, EP, eps(DECOM="01/05/20")), "S05", EP, row=2, column="DECOM",
         value="01/05/20 read as 01/05/2020"),
    Case("iso dates", lambda f: put(f, EP, eps(DECOM="2020-05-01")), "S03", EP, row=2, column="DECOM",
         value="2020-05-01 read as 01/05/2020"),
    Case("month first", _month_first, "S04", EP, row=2, column="DECOM", value="05/13/2020 read as 13/05/2020"),
    Case("mixed day and month first", _mixed, "S06", EP),
    Case("dashes", lambda f: put(f, EP, eps(DECOM=["13-05-2020"] + ["01/05/2020"] * 9)), "S01", EP, row=2,
         column="DECOM", value="13-05-2020"),
    Case("impossible date", lambda f: put(f, EP, eps(DECOM=["31/02/2020"] + ["01/05/2020"] * 9)), "S01", EP,
         row=2, column="DECOM", value="31/02/2020"),
    Case("words for an end date", lambda f: put(f, EP, eps(DEC=[""] * 9 + ["ongoing"])), "S01", EP, row=11,
         column="DEC", value="ongoing"),
    Case("unreadable birth date", lambda f: put(f, HD, row_changed(rb.header(), 0, DOB="00/00/0000")), "S01", HD,
         row=2, column="DOB", value="00/00/0000"),
    Case("future start", lambda f: put(f, EP, eps(DECOM=[FUTURE] + ["01/05/2020"] * 9)), "S07", EP, row=2,
         column="DECOM", value=FUTURE),
    Case("future end", lambda f: put(f, EP, eps(DEC=[FUTURE] + [""] * 9)), "S08", EP, row=2, column="DEC",
         value=FUTURE),
    Case("start after the year", lambda f: put(f, EP, eps(DECOM=["01/06/2021"] + ["01/05/2020"] * 9)), "S09", EP,
         row=2, column="DECOM", value="01/06/2021"),
    Case("start before birth", lambda f: put(f, EP, eps(DECOM=["01/05/2009"] + ["01/05/2020"] * 9)), "E02", EP,
         row=2, column="DECOM", value="01/05/2009"),
    Case("end before start", lambda f: put(f, EP, eps(DEC=["01/04/2020"] + [""] * 9)), "E01", EP, row=2,
         column="DEC", value="01/04/2020"),
    # Whitespace and codes
    Case("spaces around CHILD", lambda f: put(f, EP, eps(CHILD=[f" {1000 + i} " for i in range(10)])), "C05", EP,
         row=2, column="CHILD", value=" 1000 "),
    Case("codes in lower case", lambda f: put(f, EP, eps(PLACE=["u4 "] + ["U4"] * 9)), "C01", EP, row=2,
         column="PLACE", value="u4 "),
    Case("formula in a code", lambda f: put(f, EP, eps(PLACE=['=HYPERLINK("http://x")'] + ["U4"] * 9)), "C03", EP,
         row=2, column="PLACE", value='=HYPERLINK("http://x")'),
    Case("child not in header", lambda f: put(f, EP, row_changed(rb.episodes(), 0, CHILD="9999")), "E03", EP, row=2,
         column="CHILD", value="9999"),
    # Duplicates and overlaps
    Case("exact duplicate", lambda f: put(f, EP, pd.concat([rb.episodes(), rb.episodes(1)])), "R01", EP, row=12,
         rows_in={"header": 10, "episodes": 11}),
    Case("conflicting birth dates", _duplicate_dob, "R04", HD, row=2, column="DOB",
         value="01/06/2010 (this row) vs 02/07/2011 (the later row, kept)", rows_in={"header": 11, "episodes": 10}),
    Case("same episode twice, different placement",
         lambda f: put(f, EP, pd.concat([rb.episodes(), rb.episodes(1).assign(PLACE="U5")])), "R02", EP, row=2,
         column="PLACE", value="U4 (this row) vs U5 (the later row, kept)", rows_in={"header": 10, "episodes": 11}),
    Case("repeated column names", _repeated_header, "R03", EP, row=7, column="CHILD", value="CHILD",
         rows_in={"header": 10, "episodes": 11}),
    Case("overlapping episodes", _overlap, "E04", EP, row=2, column="DEC", rows_in={"header": 10, "episodes": 11}),
    Case("gap in a continuing period", _gap, "E05", EP, row=2, column="DEC", value="01/06/2020",
         rows_in={"header": 10, "episodes": 11}),
    # Empty tables and years
    Case("column names only", lambda f: rb.write_bytes(f, EP, (",".join(rb.EPISODE_COLUMNS) + "\n").encode()), "Y03",
         EP, rows_in={"header": 10, "episodes": 0}, usable=False),
    Case("optional table with column names only",
         lambda f: rb.write_bytes(f, "2021/missing.csv", b"CHILD,DOB,MISSING,MIS_START,MIS_END\n"), "F13",
         "2021/missing.csv", usable=True),
    Case("optional table empty", lambda f: rb.write_bytes(f, "2021/ad1.csv", b"\n"), "F02", "2021/ad1.csv",
         usable=True),
    Case("year folder without episodes", _year_without_episodes, "Y03", "2020/header.csv",
         rows_in={"header": 20, "episodes": 10}, usable=False),
    Case("named by the year the collection starts", _start_year_names, "Y01", EP,
         rows_in={"header": 40, "episodes": 40}, usable=False),
    # XML
    Case("truncated xml", lambda f: _xml(f, truncate=True), "F05", "2021/return.xml", rows_in={}, usable=False),
    Case("namespaced xml", lambda f: _xml(f, prefix="ns0:", extra="<ns0:LOCAL_NOTE>x</ns0:LOCAL_NOTE>"), "F12",
         "2021/return.xml"),
    Case("xml of another kind", lambda f: (f / EP).unlink() or (f / HD).unlink()
         or rb.write_bytes(f, "2021/return.xml", b'<?xml version="1.0"?>\n<Message><CHILD/></Message>'),
         "F05", "2021/return.xml", rows_in={}, usable=False),
    # Names
    Case("not a 903 file", lambda f: rb.write_bytes(f, "2021/notes.txt", b"made by hand\n"), "F07", "2021/notes.txt"),
]


def load(folder: Path):
    result = clean.load_clean_return(folder)
    return result, quality_report.assess(result)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_malformed_input_is_reported_with_file_place_and_fix(tmp_path, case):
    folder = rb.write(tmp_path / "return")
    case.build(folder)
    result, assessment = load(folder)  # never raises
    findings = result.ledger.findings()
    hits = findings.loc[findings["rule_id"] == case.rule]
    assert len(hits), f"{case.rule} not reported; got {sorted(set(findings['rule_id']))}"
    if case.row is not None:
        hits = hits.loc[hits["row"] == case.row]
        assert len(hits), f"{case.rule} not reported at row {case.row}"
    hit = hits.iloc[0]
    message, fix = hit["message"], RULES[case.rule].fix
    assert message.startswith(case.file), message
    assert fix and message.endswith(fix), message
    if case.row is not None:
        assert f", row {case.row}" in message
    if case.column:
        assert hit["column"] == case.column and f"column {case.column}" in message
    if case.value:
        assert hit["value"] == case.value and f"value '{case.value}'" in message
    reconciliation = result.ledger.reconciliation().set_index("table")
    assert reconciliation["balanced"].all()
    for table, rows in case.rows_in.items():
        assert reconciliation.loc[table, "rows_in"] == rows, table
    if case.usable is not None:
        assert assessment.usable is case.usable, assessment.reasons
    if not assessment.usable:
        assert all(" Fix: " in reason for reason in assessment.reasons)


def test_the_corpus_is_large_and_covers_each_kind_of_fault():
    assert len(CASES) >= 40
    names = " ".join(case.name for case in CASES)
    for kind in ("utf-16", "mark", "semicolons", "title", "column", "two-digit", "month first", "spaces",
                 "duplicate", "future", "impossible", "overlapping", "column names only", "truncated xml",
                 "namespaced xml", "not a 903 file"):
        assert kind in names, kind


def test_files_rejected_whole_are_in_the_reconciliation_by_file(tmp_path):
    folder = rb.write(tmp_path / "return")
    put(folder, EP, rb.episodes().drop(columns="PLACE"))
    rb.write_bytes(folder, "2021/reviews.csv", bytes(range(256)) * 4)
    result, _ = load(folder)
    by_file = result.ledger.reconciliation_by_file().set_index("file")
    assert by_file.loc[EP, "read"] == False  # noqa: E712 (numpy bool)
    assert by_file.loc[EP, "rows_in"] == 10 and by_file.loc[EP, "quarantined"] == 10
    assert "F06" in by_file.loc[EP, "reason"] and "PLACE" in by_file.loc[EP, "reason"]
    assert by_file.loc["2021/reviews.csv", "read"] == False  # noqa: E712
    assert by_file["balanced"].all()
    recon = result.ledger.reconciliation().set_index("table")
    assert (recon.loc["episodes", "rows_in"], recon.loc["episodes", "files_rejected"]) == (10, 1)


def test_report_files_are_safe_to_open_in_a_spreadsheet(tmp_path):
    folder = rb.write(tmp_path / "return", episodes=eps(PLACE=['=HYPERLINK("http://x")'] + ["U4"] * 9,
                                                        DECOM=["@01/05/2020"] + ["01/05/2020"] * 9))
    result, _ = load(folder)
    written = quality_report.write_report(result, tmp_path / "report")
    for path in written:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            assert not frame[column].str.match(r"^[=+@\t\r]").any(), (path.name, column)
            assert not frame[column].str.match(r"^-(?!\d+(\.\d+)?$)").any(), (path.name, column)
    quarantined = pd.read_csv(tmp_path / "report" / "quarantine" / "episodes.csv", dtype=str, keep_default_na=False)
    assert quarantined["DECOM"].tolist() == ["'@01/05/2020"]
    findings = pd.read_csv(tmp_path / "report" / "findings.csv", dtype=str, keep_default_na=False)
    assert "'=HYPERLINK(\"http://x\")" in findings["value"].tolist()


# ---- through the command line (in this process, and once as the installed command) ---------

CLI = ["-m", "sufficiency_lib.cli"]
CLI_CASES = {"semicolons": 0, "binary": 1, "named by the year the collection starts": 1, "future start": 0,
             "truncated xml": 1, "optional table empty": 0}


@pytest.mark.parametrize("name, code", CLI_CASES.items())
def test_validate_command_exit_codes_and_no_traceback(tmp_path, capsys, name, code):
    case = next(c for c in CASES if c.name == name)
    folder = rb.write(tmp_path / "return")
    case.build(folder)
    got = cli.main(["validate", str(folder), "--out", str(tmp_path / "report")])
    output = "".join(capsys.readouterr())
    assert "Traceback" not in output and "internal error" not in output, output[-2000:]
    assert got == code, output[-2000:]
    assert case.file in output
    assert (tmp_path / "report" / "reconciliation.csv").is_file()


def test_validate_command_says_how_files_are_named(tmp_path):
    folder = rb.write(tmp_path / "return")
    _start_year_names(folder)
    base = [sys.executable, *CLI, "validate", str(folder), "--out", str(tmp_path / "r")]
    flagged = subprocess.run(base, capture_output=True, text=True, timeout=120)
    assert flagged.returncode == 1 and "--year-label start" in flagged.stdout
    told = subprocess.run(base + ["--year-label", "start"], capture_output=True, text=True, timeout=120)
    assert told.returncode == 0, told.stdout[-2000:] + told.stderr[-2000:]
    assert "Traceback" not in told.stdout + told.stderr
