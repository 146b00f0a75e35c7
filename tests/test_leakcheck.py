"""The leak check: identifiers planted in a hand-made site are found; a clean site passes."""
import base64
import json
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from sufficiency_lib.site.leakcheck import (MIN_ID_LENGTH, Identifiers, Leak, files_to_scan, find_leaks,
                                       identifiers_from_return, normalise_postcode)


def _return() -> dict[str, pd.DataFrame]:
    """A tiny 903 return as read: text values, dd/mm/YYYY dates."""
    header = pd.DataFrame({"CHILD": ["8730000123", "AB12345", "12"], "SEX": ["1", "2", "1"],
                           "DOB": ["07/11/2010", "23/06/2015", "31/03/2012"], "ETHNIC": ["WBRI"] * 3,
                           "UPN": ["H873123456789", "", None]})
    episodes = pd.DataFrame({"CHILD": ["8730000123", "AB12345"], "DECOM": ["01/05/2020", "02/02/2021"],
                             "HOME_POST": ["pe1  6ab", "CB2"], "PL_POST": ["", "CB4 1XY"]})
    uasc = pd.DataFrame({"child": ["8730000999"], "Dob": ["2008-02-29"]})
    return {"header": header, "episodes": episodes, "uasc": uasc}


@pytest.fixture
def identifiers() -> Identifiers:
    return identifiers_from_return(_return())


def _clean_site(root: Path) -> Path:
    """Pages like the suite's: counts, years, codes, reference dates, a chart image."""
    page = root / "E10000003" / "2025"
    (page / "tables").mkdir(parents=True)
    png = base64.b64encode(b"\x89PNG\r\n" + bytes(range(256)) * 40).decode()
    (page / "children_in_care.html").write_text(
        "<html><body><h1>Children in care</h1><p>At 31 March 2025, 705 children were looked after "
        "(12 more than in 2024; 52 per 10,000). The year runs from 1 April 2024 to 31 March 2025.</p>"
        "<table><tr><td>2025</td><td>705</td><td>c</td><td>E10000003</td><td>873</td><td>130241</td></tr></table>"
        f'<img src="data:image/png;base64,{png}" alt="chart"/></body></html>', encoding="utf-8")
    (page / "tables" / "cla_at_31_march.csv").write_text(
        "time_period,time_identifier,geographic_level,new_la_code,children_count\n"
        "2024,Reporting year,Local authority,E10000003,693\n2025,Reporting year,Local authority,E10000003,705\n")
    (page / "_executed").mkdir()
    notebook = {"cells": [{"cell_type": "code", "source": ["authority = 'E10000003'\n"], "outputs": [
        {"output_type": "display_data", "data": {"image/png": png, "text/plain": ["<Figure>"]}}]}],
        "metadata": {"papermill": {"start_time": "2026-11-23T02:35:23.123456"}}}
    (page / "_executed" / "children_in_care.ipynb").write_text(json.dumps(notebook))
    (page / "chart.png").write_bytes(base64.b64decode(png))
    return root


def test_identifiers_are_collected_and_normalised(identifiers):
    assert identifiers.child_ids == {"8730000123", "AB12345", "12", "8730000999"}
    assert identifiers.upns == {"H873123456789"}
    assert identifiers.dates_of_birth == {date(2010, 11, 7), date(2015, 6, 23), date(2012, 3, 31), date(2008, 2, 29)}
    assert identifiers.postcodes == {"PE16AB", "CB41XY"}   # "CB2" is only a district
    assert identifiers.too_short() == {"12"}


def test_identifiers_from_cleaned_tables_with_parsed_dates():
    header = pd.DataFrame({"CHILD": [8730000123.0], "DOB": pd.to_datetime(["07/11/2010"], format="%d/%m/%Y")})
    found = identifiers_from_return({"header": header})
    assert found.child_ids == {"8730000123"} and found.dates_of_birth == {date(2010, 11, 7)}


def test_postcodes_normalise_spaces_and_case():
    assert normalise_postcode(" pe1 6ab ") == normalise_postcode("PE16AB") == "PE16AB"
    assert normalise_postcode("PE1") is None and normalise_postcode(None) is None


def test_clean_site_passes(tmp_path, identifiers):
    site = _clean_site(tmp_path)
    scanned = {p.suffix for p in files_to_scan(site)}
    assert scanned == {".html", ".csv", ".ipynb"}          # the PNG file is not read
    assert find_leaks(site, identifiers) == []


def test_digits_after_a_decimal_point_are_not_an_id(tmp_path, identifiers):
    """A timestamp's fraction (papermill writes microseconds) can spell a numeric child id by
    chance; it is not one. The same digits standing alone are."""
    site = _clean_site(tmp_path)
    page = site / "E10000003" / "2025" / "children_in_care.html"
    page.write_text(page.read_text().replace("</body>", "<p>ended 2026-12-01T17:26:19.8730000123+00:00</p></body>"))
    assert find_leaks(site, identifiers) == []
    page.write_text(page.read_text().replace("19.8730000123", "19 8730000123"))
    assert find_leaks(site, identifiers) == [Leak("E10000003/2025/children_in_care.html", "child id", "8730000123")]


@pytest.mark.parametrize("planted, kind, value", [
    ("<td>8730000123</td>", "child id", "8730000123"),
    ("Child ab12345 moved", "child id", "AB12345"),
    ("id 8730000123.0", "child id", "8730000123"),
    ("H873123456789", "upn", "H873123456789"),
    ("born 07/11/2010", "date of birth", "2010-11-07"),
    ("born 7/11/2010", "date of birth", "2010-11-07"),
    ("born 2010-11-07T00:00:00", "date of birth", "2010-11-07"),
    ("born 7 November 2010", "date of birth", "2010-11-07"),
    ("born 7th Nov 2010", "date of birth", "2010-11-07"),
    ("born 7&nbsp;November 2010", "date of birth", "2010-11-07"),
    ("born November 7, 2010", "date of birth", "2010-11-07"),
    ("born 29/02/2008", "date of birth", "2008-02-29"),
    ("lives at PE1 6AB", "postcode", "PE16AB"),
    ("lives at pe16ab", "postcode", "PE16AB"),
    ("placed at CB4  1XY", "postcode", "CB41XY"),
])
def test_a_planted_identifier_is_caught(tmp_path, identifiers, planted, kind, value):
    site = _clean_site(tmp_path)
    page = site / "E10000003" / "2025" / "children_in_care.html"
    page.write_text(page.read_text().replace("</body>", f"<p>{planted}</p></body>"))
    assert find_leaks(site, identifiers) == [Leak("E10000003/2025/children_in_care.html", kind, value)]


def test_leaks_in_csv_json_notebook_zip_data_uri_and_file_names_are_caught(tmp_path, identifiers):
    site = _clean_site(tmp_path)
    folder = site / "E10000003" / "2025"
    (folder / "tables" / "episodes.csv").write_text("CHILD,DOB\n8730000999,29/02/2008\n")
    epoch_ms = (date(2015, 6, 23) - date(1970, 1, 1)).days * 86_400_000   # as pandas' to_json wrote dates
    (folder / "tables" / "dobs.json").write_text(json.dumps({"DOB": {"0": epoch_ms}}))
    notebook = json.loads((folder / "_executed" / "children_in_care.ipynb").read_text())
    notebook["cells"][0]["outputs"][0]["data"]["text/plain"] = ["   CHILD\n0  AB12345"]
    (folder / "_executed" / "children_in_care.ipynb").write_text(json.dumps(notebook))
    with zipfile.ZipFile(folder / "tables" / "book.xlsx", "w") as book:
        book.writestr("xl/sharedStrings.xml", "<sst><si><t>H873123456789</t></si></sst>")
    csv = base64.b64encode(b"postcode\nCB4 1XY\n").decode()
    (folder / "download.html").write_text(f'<a href="data:text/csv;base64,{csv}">download</a>')
    (folder / "child_8730000123.txt").write_text("nothing inside")
    leaks = set(find_leaks(site, identifiers))
    assert leaks == {
        Leak("E10000003/2025/tables/episodes.csv", "child id", "8730000999"),
        Leak("E10000003/2025/tables/episodes.csv", "date of birth", "2008-02-29"),
        Leak("E10000003/2025/tables/dobs.json", "date of birth", "2015-06-23"),
        Leak("E10000003/2025/_executed/children_in_care.ipynb", "child id", "AB12345"),
        Leak("E10000003/2025/tables/book.xlsx", "upn", "H873123456789"),
        Leak("E10000003/2025/download.html", "postcode", "CB41XY"),
        Leak("E10000003/2025/child_8730000123.txt", "child id", "8730000123"),
    }


@pytest.mark.parametrize("text", [
    "12 children; 2012 to 2025; 12%",            # a short id is never searched
    "87300001234 and X8730000123 and 8730000123X",  # ids only as whole tokens
    "in 2010, in November 2010, 11/2010",        # dates of birth only as full dates
    "at 31 March 2012 (31/03/2012)",             # a reference date, though someone's birthday
    "07/11/20101 and 107/11/2010",               # digits run on: not that date
    "postcode area PE1; sector PE1 6",           # parts of postcodes are not searched
    "APE1 6ABC",                                  # nor postcodes inside longer tokens
])
def test_near_misses_are_not_hits(tmp_path, identifiers, text):
    site = _clean_site(tmp_path)
    (site / "page.html").write_text(f"<p>{text}</p>")
    assert find_leaks(site, identifiers) == []


def test_ignored_dates_and_minimum_length_are_parameters(tmp_path, identifiers):
    site = _clean_site(tmp_path)
    (site / "page.html").write_text("<p>7 November 2010; child AB12345</p>")
    assert {leak.kind for leak in find_leaks(site, identifiers)} == {"child id", "date of birth"}
    assert find_leaks(site, identifiers, ignore_dates=[date(2010, 11, 7)],
                      min_id_length=len("AB12345") + 1) == []
    assert MIN_ID_LENGTH == 6


def test_leading_zeros_are_also_searched_without_them(tmp_path):
    found = Identifiers(child_ids=frozenset({"000123456"}))
    site = tmp_path / "site"
    site.mkdir()
    (site / "t.csv").write_text("n\n123456\n")
    assert find_leaks(site, found) == [Leak("t.csv", "child id", "000123456")]


def test_tables_may_be_passed_instead_of_identifiers(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "t.csv").write_text("8730000123\n")
    assert find_leaks(site, _return()) == [Leak("t.csv", "child id", "8730000123")]


def test_a_missing_folder_is_an_error(tmp_path, identifiers):
    with pytest.raises(FileNotFoundError):
        find_leaks(tmp_path / "nowhere", identifiers)


def _tidy(folder, name, rows, meta=(("number", "Indicator"), ("placement", "Filter"), ("mean", "Indicator"))):
    folder.mkdir(parents=True, exist_ok=True)
    header = "time_period,placement,number,mean\n"
    (folder / f"{name}.csv").write_text(header + "".join(",".join(map(str, r)) + "\n" for r in rows))
    (folder / f"{name}.meta.csv").write_text("col_name,col_type\n" + "".join(f"{n},{k}\n" for n, k in meta))


def test_a_group_table_giving_back_a_members_hidden_count_is_named(tmp_path):
    from sufficiency_lib.site import group_check
    # number adds up (the group's is the members' sum where all are shown); mean is a model's, and does not
    _tidy(tmp_path / "group", "mix", [(2025, "Homes", 9, 20), (2025, "Foster", 50, 61), (2024, "Homes", 7, 9)])
    _tidy(tmp_path / "one", "mix", [(2025, "Homes", "c", "c"), (2025, "Foster", 20, 30), (2024, "Homes", "c", 4)])
    _tidy(tmp_path / "two", "mix", [(2025, "Homes", 6, 6), (2025, "Foster", 30, 30), (2024, "Homes", "c", 4)])
    found = group_check.recovered(tmp_path / "group", [tmp_path / "one", tmp_path / "two"])
    assert [(f.table, f.row, f.column, f.value) for f in found] == [("mix.csv", ("2025", "Homes"), "number", 3.0)]
    assert "hidden for a member but is 3" in str(found[0])
    # both members hiding it: nothing can be worked out from the group alone
    _tidy(tmp_path / "two", "mix", [(2025, "Homes", "c", 6), (2025, "Foster", 30, 30), (2024, "Homes", "c", 4)])
    assert group_check.recovered(tmp_path / "group", [tmp_path / "one", tmp_path / "two"]) == []


def test_a_row_is_matched_on_its_year_and_label_when_a_second_filter_differs(tmp_path):
    from sufficiency_lib.site import group_check
    meta = (("placement", "Filter"), ("source", "Filter"), ("number", "Indicator"), ("mean", "Indicator"))

    def table(folder, rows):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cost.csv").write_text("time_period,placement,source,number,mean\n"
                                         + "".join(",".join(map(str, r)) + "\n" for r in rows))
        (folder / "cost.meta.csv").write_text("col_name,col_type\n" + "".join(f"{n},{k}\n" for n, k in meta))
    table(tmp_path / "group", [(2025, "Homes", "local", 9, 1)])                 # one row: no sum to check
    table(tmp_path / "one", [(2025, "Homes", "S251", "c", 1)])
    table(tmp_path / "two", [(2025, "Homes", "local", 6, 1)])
    found = group_check.recovered(tmp_path / "group", [tmp_path / "one", tmp_path / "two"])
    assert [(f.row, f.column, f.value) for f in found] == [(("2025", "Homes", "local"), "number", 3.0)]
