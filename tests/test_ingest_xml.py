"""The XML form of the SSDA903 return: read into the CSV tables, written back, bad files refused."""
from __future__ import annotations

import time

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from sufficiency_lib.ssda903.ingest_xml import COLUMNS, XmlFormatError, read_xml, write_xml

TINY = """<?xml version="1.0" encoding="utf-8"?>
<EXPSSDA903>
  <CHILD>
    <HEADER>
      <CHILDID>101</CHILDID>
      <UPN>A123456789012</UPN>
      <SEX>1</SEX>
      <DOB>01/02/2010</DOB>
      <ETHNIC>WBRI</ETHNIC>
      <UASC>1</UASC>
      <DUC>01/02/2028</DUC>
      <AREVIEW>
        <REVIEW>05/06/2020</REVIEW>
        <REVIEW_CODE>PN1</REVIEW_CODE>
      </AREVIEW>
      <MOTHER />
      <MC_DOB />
    </HEADER>
    <EPISODE><DECOM>01/04/2020</DECOM><RNE>S</RNE><LS>C2</LS><CIN>N1</CIN><PL>U1</PL><PL_POST>AB1 2CD</PL_POST><HOME_POST>EF3 4GH</HOME_POST><URN>SC123456</URN><PLACE_PROVIDER>PR1</PLACE_PROVIDER><DEC>01/09/2020</DEC><REC>X1</REC><REASON_PLACE_CHANGE>CARPL</REASON_PLACE_CHANGE></EPISODE>
    <EPISODE><DECOM>01/09/2020</DECOM><RNE>P</RNE><LS>C2</LS><CIN>N1</CIN><PL>U4</PL><PL_POST>AB1 2CD</PL_POST><HOME_POST>EF3 4GH</HOME_POST><URN>XXXXXXX</URN><PLACE_PROVIDER>PR2</PLACE_PROVIDER><DEC /><REC /><REASON_PLACE_CHANGE /></EPISODE>
  </CHILD>
  <CHILD>
    <HEADER>
      <CHILDID>102</CHILDID>
      <SEX>2</SEX>
      <DOB>03/04/2012</DOB>
      <ETHNIC>MWBC</ETHNIC>
      <UASC />
    </HEADER>
    <EPISODE><DECOM>10/10/2020</DECOM><RNE>S</RNE><LS>V2</LS><CIN>N2</CIN><PL>K2</PL><DEC>12/10/2020</DEC><REC>E13</REC></EPISODE>
  </CHILD>
</EXPSSDA903>
"""


def _lines(text: str, tag: str) -> list[int]:
    """Line numbers (1-based) of every line holding ``tag``."""
    return [number for number, line in enumerate(text.splitlines(), 1) if tag in line]


def _frame(columns: list[str], rows: list[list], lines: list[int] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns).astype("str")
    return frame if lines is None else frame.assign(source_line=pd.Series(lines, dtype="int64"))


def _without_lines(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {table: frame.drop(columns="source_line") for table, frame in tables.items()}


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.xml"
    path.write_text(TINY, encoding="utf-8")
    return read_xml(path)


def test_tiny_return_gives_the_hand_built_tables(tiny):
    assert_frame_equal(tiny["header"], _frame(COLUMNS["header"], [
        ["101", "1", "01/02/2010", "WBRI", "A123456789012", "", ""],
        ["102", "2", "03/04/2012", "MWBC", "", "", ""],
    ], _lines(TINY, "<HEADER>")))
    assert_frame_equal(tiny["episodes"], _frame(COLUMNS["episodes"], [
        ["101", "01/04/2020", "S", "C2", "N1", "U1", "PR1", "01/09/2020", "X1", "CARPL", "EF3 4GH", "AB1 2CD",
         "SC123456"],
        ["101", "01/09/2020", "P", "C2", "N1", "U4", "PR2", "", "", "", "EF3 4GH", "AB1 2CD", "XXXXXXX"],
        ["102", "10/10/2020", "S", "V2", "N2", "K2", "", "12/10/2020", "E13", "", "", "", ""],
    ], _lines(TINY, "<EPISODE>")))
    assert_frame_equal(tiny["reviews"], _frame(COLUMNS["reviews"], [["101", "01/02/2010", "05/06/2020", "PN1"]],
                                               _lines(TINY, "<AREVIEW>")))
    assert_frame_equal(tiny["uasc"], _frame(COLUMNS["uasc"], [["101", "1", "01/02/2010", "01/02/2028"]],
                                            _lines(TINY, "<UASC>1")))


def test_tables_the_file_lacks_are_there_with_no_rows(tiny):
    assert list(tiny) == list(COLUMNS)
    for table in ("oc2", "oc3", "missing", "ad1", "placed_for_adoption", "previous_permanence"):
        assert_frame_equal(tiny[table], _frame(COLUMNS[table], [], []), check_index_type=False)


def _hand_made() -> dict[str, pd.DataFrame]:
    """Every table, two children, empty strings and XML's special characters in values."""
    a, b = ["7", "1", "01/01/2015"], ["8", "2", "02/02/2016"]
    return {
        "header": _frame(COLUMNS["header"], [[*a, "WBRI", "U<&>1", "", ""], [*b, "", "", "1", "05/05/2017"]]),
        "episodes": _frame(COLUMNS["episodes"], [["7", "01/04/2020", "S", "C2", "N1", "U1", "PR1", "", "", "",
                                                  "", "", ""],
                                                 ["8", "02/04/2020", "B", "E1", "N2", "A5", "PR0", "03/04/2020",
                                                  "E11", "", "A1 1AA", "B2 2BB", "SC1"]]),
        "uasc": _frame(COLUMNS["uasc"], [[*b, ""]]),
        "oc2": _frame(COLUMNS["oc2"], [["7", a[2], "", "SDQ1", "0", "1", "1", "1", "0", "0", "", ""]]),
        "oc3": _frame(COLUMNS["oc3"], [["8", b[2], "YES", "F2", ""]]),
        "reviews": _frame(COLUMNS["reviews"], [["7", a[2], "01/05/2020", "PN1"], ["7", a[2], "01/11/2020", ""]]),
        "missing": _frame(COLUMNS["missing"], [["8", b[2], "M", "01/06/2020", ""]]),
        "ad1": _frame(COLUMNS["ad1"], [["7", a[2], "01/01/2021", "", "1", "2", "MF", "L0"]]),
        "placed_for_adoption": _frame(COLUMNS["placed_for_adoption"], [["7", a[2], "01/02/2021", "", ""]]),
        "previous_permanence": _frame(COLUMNS["previous_permanence"], [["8", b[2], "Z1", "", ""]]),
    }


def test_write_then_read_gives_the_tables_back(tmp_path):
    tables = _hand_made()
    path = write_xml(tables, tmp_path / "made.xml")
    text = path.read_text(encoding="utf-8")
    assert "<CHILDID>7</CHILDID>" in text and "<PL>U1</PL>" in text and "<PLACE>" not in text
    back = read_xml(path)
    for table, frame in tables.items():
        assert_frame_equal(back[table].drop(columns="source_line"), frame)


def test_read_output_can_be_written_back_as_is(tmp_path, tiny):
    again = read_xml(write_xml(tiny, tmp_path / "again.xml"))
    for table in COLUMNS:
        assert_frame_equal(_without_lines(again)[table], _without_lines(tiny)[table], check_index_type=False)


# Any text XML 1.0 can carry, including "\r", "&", "<" and surrounding spaces.
_xml_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff",
                                  min_codepoint=9).filter(lambda c: c in "\t\n\r" or c >= " "), max_size=12)


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.lists(_xml_text, min_size=7, max_size=7), min_size=1, max_size=5))
def test_any_text_survives_the_round_trip(tmp_path_factory, rows):
    # The row number keeps CHILD unique and non-empty, as the XML needs.
    header = _frame(COLUMNS["header"], [[f"{row[0]}#{i}", *row[1:]] for i, row in enumerate(rows)])
    path = write_xml({"header": header}, tmp_path_factory.mktemp("hyp") / "h.xml")
    assert_frame_equal(read_xml(path)["header"].drop(columns="source_line"), header)


@pytest.mark.parametrize("change, complaint", [
    (lambda t: t["episodes"].assign(CHILD="9"), "not in header"),
    (lambda t: pd.concat([t["header"], t["header"]], ignore_index=True), "unique"),
    (lambda t: t["reviews"].assign(DOB="09/09/2009"), "differs from header"),
    (lambda t: pd.concat([t["uasc"], t["uasc"]], ignore_index=True), "more than one row"),
    (lambda t: t["oc3"].drop(columns="ACCOM"), "missing"),
    (lambda t: t["missing"].assign(MISSING="\x07"), "control character"),
])
def test_tables_xml_cannot_hold_are_refused(tmp_path, change, complaint):
    tables = _hand_made()
    table = {"not in header": "episodes", "unique": "header", "differs from header": "reviews",
             "more than one row": "uasc", "missing": "oc3", "control character": "missing"}[complaint]
    tables[table] = change(tables)
    with pytest.raises(ValueError, match=complaint):
        write_xml(tables, tmp_path / "refused.xml")
    assert not (tmp_path / "refused.xml").exists()


def test_elements_outside_the_format_are_ignored_with_a_warning(tmp_path):
    path = tmp_path / "extra.xml"
    path.write_text("<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID><NEW_FIELD>x</NEW_FIELD></HEADER>"
                    "<SW_EPISODE><SW_ID>5</SW_ID></SW_EPISODE></CHILD></EXPSSDA903>")
    with pytest.warns(UserWarning, match=r"CHILD/HEADER/NEW_FIELD \(line 1\), CHILD/SW_EPISODE"):
        tables = read_xml(path)
    assert tables["header"]["CHILD"].tolist() == ["1"]


@pytest.mark.parametrize("content, line, complaint", [
    (b"", None, "empty"),
    (b"  \n\t\n", None, "empty"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", None, "binary"),
    (b"<EXPSSDA903>\n<CHILD><HEADER><CHILDID>1</CHILDID></HEADER></CHILD>\n<CHILD>", 3, "not well-formed"),
    # expat points at the tag name: the H of </HEADR> is the 38th character of line 2.
    (b"<EXPSSDA903>\n<CHILD><HEADER><CHILDID>1</CHILDID></HEADR></CHILD></EXPSSDA903>", 2, "column 38"),
    (b"CHILD,SEX,DOB\n1,1,01/01/2010\n", 1, "not well-formed"),
    (b'<?xml version="1.0"?>\n<Message><CHILD/></Message>', 2, "root element is <Message>"),
    (b"<EXPSSDA903>\n<CHILD>\n<EPISODE><DECOM>01/01/2020</DECOM></EPISODE>\n</CHILD></EXPSSDA903>", 2,
     "no <HEADER>"),
    (b"<EXPSSDA903>\n<CHILD>\n<HEADER><SEX>1</SEX></HEADER></CHILD></EXPSSDA903>", 3, "no CHILDID"),
    (b"<EXPSSDA903>\n<CHILD>\n<HEADER><CHILDID /></HEADER></CHILD></EXPSSDA903>", 3, "no CHILDID"),
    (b"<EXPSSDA903><CHILD><HEADER><CHILDID>1</CHILDID></HEADER>\n<HEADER /></CHILD></EXPSSDA903>", 2,
     "second <HEADER>"),
])
def test_bad_files_raise_a_message_naming_file_line_and_problem(tmp_path, content, line, complaint):
    path = tmp_path / "return_2024.xml"
    path.write_bytes(content)
    with pytest.raises(XmlFormatError, match=complaint) as raised:
        read_xml(path)
    assert "return_2024.xml" in str(raised.value)
    assert raised.value.line == line
    # No parser traceback chained underneath: the message stands alone.
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or raised.value.__suppress_context__


# ---- the synthetic return in ../shared/data/ssda903_fake ----------------------------------

@pytest.fixture
def fake(shared_data):
    folder = shared_data / "ssda903_fake"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    return folder


@pytest.mark.integration
def test_fake_xml_holds_what_its_tags_count(fake):
    tables = read_xml(fake / "fake_903.xml")
    # Counted in the file with grep -o '<TAG>' | wc -l.
    counts = {"header": 253, "episodes": 459, "reviews": 1206, "oc2": 253, "previous_permanence": 253,
              "uasc": 12, "oc3": 6, "missing": 6, "ad1": 3, "placed_for_adoption": 3}
    assert {table: len(frame) for table, frame in tables.items()} == counts
    for table, frame in tables.items():
        csv_columns = (fake / f"{table}.csv").open().readline().strip().split(",")
        assert list(frame.columns) == [*csv_columns, "source_line"]
        assert not frame.isna().any().any()


@pytest.mark.integration
def test_fake_xml_reads_in_well_under_a_second(fake):
    started = time.perf_counter()
    read_xml(fake / "fake_903.xml")
    assert time.perf_counter() - started < 1.0


@pytest.mark.integration
def test_fake_csv_tables_survive_the_trip_through_xml(fake, tmp_path):
    tables = {table: pd.read_csv(fake / f"{table}.csv", dtype=str, keep_default_na=False) for table in COLUMNS}
    back = read_xml(write_xml(tables, tmp_path / "from_csv.xml"))
    for table, frame in tables.items():
        assert_frame_equal(back[table].drop(columns="source_line"), frame)
