"""Ofsted provider-level and joiners-and-leavers files: tiny hand-made files for each format
variant, and the real files, checked against counts made here with the csv module."""
from __future__ import annotations

import csv
import io
import os

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHARED_DATA
from sufficiency_lib.published import ofsted, ofsted_files

CAMBS, PBORO = "E10000003", "E06000031"
HEADER_2023 = ("Web link,URN,Provision type,Registration status,Local authority,Sector,Places,"
               "Short-break-only children's home,Latest full inspection event type,"
               "Overall experiences and progress of children and young people")


def write(path, lines, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def figure(figures, place, indicator, unit, year, group="Total", breakdown="Total"):
    """The one value of a series at a place (a new LA code, a region code or 'England')."""
    if place == "England":
        where = figures["geographic_level"].eq("National")
    elif place.startswith(("E12", "E13")):
        where = figures["geographic_level"].eq("Regional") & figures["region_code"].eq(place)
    else:
        where = figures["new_la_code"].eq(place)
    row = figures.loc[where & figures["indicator"].eq(indicator) & figures["unit"].eq(unit)
                      & figures["time_period"].eq(year) & figures["breakdown_group"].eq(group)
                      & figures["breakdown"].eq(breakdown)]
    assert len(row) == 1, (place, indicator, unit, year, group, breakdown, len(row))
    return row.iloc[0]


def value(*args, **kwargs):
    v = figure(*args, **kwargs)["value"]
    return None if pd.isna(v) else float(v)


# ---- tiny hand-made files: one per format variant ---------------------------------------
@pytest.fixture
def title_lines(tmp_path):
    """2023 layout: three title lines, then the header; spellings vary; one unknown column."""
    return write(tmp_path / "download.csv", [
        "Children's social care data in England 2023 - Provider level as at 31 March 2023,,,,,,,,,,",
        "This worksheet contains one table,,,,,,,,,,",
        "Some cells in this table are empty.,,,,,,,,,,",
        HEADER_2023 + ",Favourite colour",
        "link,1,Children's home,Active,Peterborough,Private,4,,Full inspection,Good,red",
        "link,2,Children's Home,Active,Peterborough,Local Authority,8,Short-break-only children's home,"
        "Full inspection,Outstanding,blue",
        "link,3,Children\u2019s home,Suspended,Cambridgeshire,Voluntary,6,,Full inspection,Inadequate,",
        "link,4,Secure children's home,Active,Peterborough,Local Authority,4,,Full inspection,Good,",
        "link,5,Residential special school (registered as a children's home),Active,Cambridgeshire,Private,29,,"
        "Full inspection,Good,",
        "link,6,Independent Fostering Agency,Active,Peterborough,Private,,,Full inspection,Good,",
        "link,7,Boarding School,Active,Peterborough,Private,40,,Full inspection,Good,",
        ",,,,,,,,,,",
    ])


def test_title_lines_spellings_and_kinds(title_lines):
    figures, files, skipped = ofsted.providers(title_lines)
    assert files[["year", "header_row", "rows"]].values.tolist() == [[2023, 4, 7]]
    assert value(figures, PBORO, "childrens_homes", "homes", 2023) == 2          # "Children's Home" counts
    assert value(figures, PBORO, "childrens_home_places", "places", 2023) == 12
    assert value(figures, CAMBS, "childrens_homes", "homes", 2023) == 1          # curly apostrophe, suspended
    assert value(figures, PBORO, "secure_childrens_homes", "homes", 2023) == 1
    assert value(figures, CAMBS, "rss_childrens_home_places", "places", 2023) == 29
    assert value(figures, PBORO, "short_break_homes", "homes", 2023) == 1
    assert value(figures, PBORO, "fostering_agencies", "agencies", 2023) == 1
    assert value(figures, PBORO, "childrens_homes", "homes", 2023, "Sector", "Local authority") == 1
    assert value(figures, "England", "childrens_homes", "homes", 2023) == 3
    assert value(figures, "E12000006", "childrens_home_places", "places", 2023) == 18   # East of England
    good_share = value(figures, "England", "childrens_homes_good_or_outstanding", "percent", 2023)
    assert good_share == pytest.approx(100 * 2 / 3)                                    # 2 of 3 judged
    assert value(figures, CAMBS, "childrens_homes_good_or_outstanding", "percent", 2023) == 0
    # an authority with no providers has zero homes, and no share (status z), not 0%
    assert value(figures, "E06000001", "childrens_homes", "homes", 2023) == 0
    share = figure(figures, "E06000001", "childrens_homes_good_or_outstanding", "percent", 2023)
    assert pd.isna(share["value"]) and share["status"] == "z"
    unknown = skipped.loc[skipped["column"].eq("Favourite colour")]
    assert len(unknown) == 1 and "not recognised" in unknown["reason"].iloc[0]
    assert skipped["reason"].str.contains("Boarding School").any()


def test_group_title_line_and_older_columns(tmp_path):
    """2016 layout: a group-title line; 'Short breaks only' = Yes; 'Overall effectiveness'."""
    path = write(tmp_path / "providers_at_31_march_2016.csv", [
        "Provider information,,,,,,Latest Full Inspection information,",
        "Web link,URN,Provision type,Local authority,Sector,Places,Short breaks only children's home,"
        "Overall effectiveness",
        "link,SC1,Children's home,Peterborough,Private,4,,Requires Improvement",
        "link,SC2,Children's home,Peterborough,Local Authority,6,Yes,Adequate",
        "link,SC3,Children's home,Peterborough,Private,3,,Good",
    ])
    figures, files, skipped = ofsted.providers(path)
    assert files[["year", "header_row"]].values.tolist() == [[2016, 2]]
    assert value(figures, PBORO, "short_break_home_places", "places", 2016) == 6
    judged = {b: value(figures, PBORO, "childrens_homes", "homes", 2016, ofsted.JUDGEMENT, b)
              for b in ("Good", "Requires improvement to be good", "Adequate")}
    assert judged == {"Good": 1, "Requires improvement to be good": 1, "Adequate": 1}
    good_share = value(figures, PBORO, "childrens_homes_good_or_outstanding", "percent", 2016)
    assert good_share == pytest.approx(100 / 3)                                        # 1 of 3 judged
    assert skipped.empty or not skipped["reason"].str.contains("not recognised").any()


def test_renamed_columns_missing_short_break_and_judgement(tmp_path):
    """Other names for the same columns; without a short-break or judgement column the
    figures are missing (x), never zero."""
    path = write(tmp_path / "ofsted_2015.csv", [
        "URN,Type of provision,Local authority name,Ownership sector,Number of places",
        "SC1,Children's home,Peterborough,Private,\"1,004\"",
    ])
    figures, files, skipped = ofsted.providers(path)
    assert files["year"].tolist() == [2015]
    assert value(figures, PBORO, "childrens_home_places", "places", 2015) == 1004
    for indicator, unit in (("short_break_homes", "homes"), (ofsted.GOOD_OR_OUTSTANDING, "percent")):
        row = figure(figures, PBORO, indicator, unit, 2015)
        assert pd.isna(row["value"]) and row["status"] == "x"


def test_unplaceable_authority_and_places_are_reported_not_dropped(tmp_path):
    path = write(tmp_path / "providers_at_31_march_2023.csv", [
        "URN,Provision type,Local authority,Sector,Places",
        "1,Children's home,Atlantis,Private,4",
        "2,Children's home,Peterborough,Private,four",
        "3,Children's home,Peterborough,Private,3",
    ])
    figures, _, skipped = ofsted.providers(path)
    assert value(figures, "England", "childrens_homes", "homes", 2023) == 3      # Atlantis counts in England
    assert value(figures, "England", "childrens_home_places", "places", 2023) == 7
    places = figure(figures, PBORO, "childrens_home_places", "places", 2023)
    assert places["value"] == 3 and places["status"] == "u"                       # partly unknown, said so
    bad = skipped.loc[skipped["value"].eq("four")].iloc[0]
    assert bad["row"] == 3 and bad["column"] == "Places"
    assert skipped["value"].eq("Atlantis").any()


def test_unreadable_files_never_stop_the_run(tmp_path, title_lines):
    write(tmp_path / "garbage.csv", ["\x00\x01\x02"])
    (tmp_path / "binary.csv").write_bytes(b"PK\x03\x04\x00\x00junk")
    write(tmp_path / "notes.csv", ["a,b", "1,2"])
    write(tmp_path / "no_year.csv", ["URN,Provision type,Local authority,Sector,Places",
                                     "1,Children's home,Peterborough,Private,4"])
    (tmp_path / "old.ods").write_bytes(b"zip")
    write(tmp_path / "empty_2023.csv", ["URN,Provision type,Local authority,Sector,Places"])
    write(tmp_path / "no_sector_2023.csv", ["URN,Provision type,Local authority,Places",
                                            "1,Children's home,Peterborough,4"])
    figures, files, skipped = ofsted.providers(tmp_path)
    assert files["file"].tolist() == [str(title_lines)]
    reasons = dict(zip(skipped["file"].map(lambda f: os.path.basename(f)), skipped["reason"]))
    assert "not a CSV" in reasons["binary.csv"] and "not a CSV" in reasons["garbage.csv"]
    assert "no Ofsted header" in reasons["notes.csv"]
    assert "no year" in reasons["no_year.csv"]
    assert "not read" in reasons["old.ods"]
    assert "no provider rows" in reasons["empty_2023.csv"]
    assert "no sector column" in reasons["no_sector_2023.csv"]
    assert value(figures, PBORO, "childrens_homes", "homes", 2023) == 2


def test_a_newer_download_of_the_same_year_wins(tmp_path):
    old = write(tmp_path / "a" / "providers_at_31_march_2023.csv", [
        "URN,Provision type,Local authority,Sector,Places", "1,Children's home,Peterborough,Private,4"])
    new = write(tmp_path / "b" / "providers_at_31_march_2023.csv", [
        "URN,Provision type,Local authority,Sector,Places", "1,Children's home,Peterborough,Private,5"])
    os.utime(old, (1_600_000_000, 1_600_000_000))
    os.utime(new, (1_700_000_000, 1_700_000_000))
    figures, files, skipped = ofsted.providers(tmp_path)
    assert files["file"].tolist() == [str(new)]
    assert value(figures, PBORO, "childrens_home_places", "places", 2023) == 5
    assert skipped["reason"].str.contains("a second providers table for 2023").any()


def test_joiners_title_lines_windows_encoding_and_flags(tmp_path):
    path = write(tmp_path / "joiners_and_leavers_year_to_31_march_2023.csv", [
        "Children's social care data in England 2023 - Leavers and Joiners at 31 March 2023,,,,,,,",
        "This worksheet contains one table which begins in cell A4.,,,,,,,",
        "Some cells in this table are empty.,,,,,,,",
        "URN,Provision type,Local authority,Sector,Places,Joiner status,Leaver status,Name",
        "1,Children's home,Peterborough,Private,4,Joiner,,Home \u2013 one",
        "2,Children's Home,Peterborough,Private,3,,Leaver,REDACTED",
        "3,Children's home,Peterborough,Private,2,Joiner,Leaver,REDACTED",
        "4,Independent Fostering Agency,Peterborough,Private,,Joiner,,Agency",
    ], encoding="cp1252")
    figures, files, skipped = ofsted.joiners_and_leavers(path)
    assert files[["kind", "year", "encoding", "header_row"]].values.tolist() == [
        ["joiners_and_leavers", 2023, "cp1252", 4]]
    assert value(figures, PBORO, "childrens_homes_opened", "homes", 2023) == 2
    assert value(figures, PBORO, "childrens_home_places_opened", "places", 2023) == 6
    assert value(figures, PBORO, "childrens_homes_closed", "homes", 2023) == 2
    assert value(figures, PBORO, "fostering_agencies_opened", "agencies", 2023) == 1
    assert figure(figures, PBORO, "short_break_homes_opened", "homes", 2023)["status"] == "x"


def test_joiners_without_flags_use_the_dates_in_the_year(tmp_path):
    path = write(tmp_path / "joiners_and_leavers_year_to_31_march_2019.csv", [
        "URN,Provision type,Local authority,Sector,Places,Registration date,Date closed",
        "1,Children's home,Peterborough,Private,4,01/04/2018,",        # first day of the year
        "2,Children's home,Peterborough,Private,3,31/03/2018,",        # the year before
        "3,Children's home,Peterborough,Private,2,01/01/2010,31/03/2019",
    ])
    figures, files, _ = ofsted.read(path)
    assert files["kind"].tolist() == ["joiners_and_leavers"]
    assert value(figures, PBORO, "childrens_homes_opened", "homes", 2019) == 1
    assert value(figures, PBORO, "childrens_home_places_closed", "places", 2019) == 2


def test_a_workbook_sheet_is_read_like_a_csv(tmp_path):
    path = tmp_path / "providers_at_31_march_2024.xlsx"
    rows = [["Children's social care data in England 2024", "", "", "", ""],
            ["URN", "Provision type", "Local authority", "Sector", "Places"],
            ["1", "Children's home", "Peterborough", "Private", "4"]]
    pd.DataFrame(rows).to_excel(path, header=False, index=False, sheet_name="Providers")
    figures, files, _ = ofsted.providers(tmp_path)
    assert files["year"].tolist() == [2024]
    assert value(figures, PBORO, "childrens_homes", "homes", 2024) == 1


def test_places_per_10000_use_the_mid_year_before(tmp_path, title_lines):
    population = pd.DataFrame({
        "time_period": [2022, 2023], "geographic_level": "Local authority", "new_la_code": PBORO,
        "region_code": "E12000006", "value": [60000, 1], "status": "", "indicator": "population_0_17"})
    figures, _, skipped = ofsted.providers(title_lines, population=population)
    assert value(figures, PBORO, "childrens_home_places", "rate_per_10000", 2023) == pytest.approx(2.0)  # 12/60000
    no_population = figure(figures, CAMBS, "childrens_home_places", "rate_per_10000", 2023)
    assert pd.isna(no_population["value"]) and no_population["status"] == "x"
    assert "population" not in " ".join(skipped["reason"])


@pytest.mark.parametrize("name, canonical", [
    ("Short-break-only children's home", "short_break"), ("Short breaks only children's home", "short_break"),
    ("Registration status (as at 1 April 2022)", "start_status"), ("Registration status at 31 March 2019", "status"),
    ("Cancelled or resigned date", "closed"), ("First effective date (that the provider closed)", "closed"),
    ("  PLACES ", "places"), ("Overall effectiveness", "judgement"), ("Postcode", ""), ("Shoe size", None)])
def test_column_vocabulary(name, canonical):
    assert ofsted_files.column_of(name) == canonical


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(homes=st.lists(st.tuples(st.sampled_from(["Peterborough", "Cambridgeshire", "Luton"]),
                                st.sampled_from(["Children's home", "Children's Home", "CHILDREN'S HOME",
                                                 "Secure children's home", "Boarding School"]),
                                st.integers(0, 30)), min_size=1, max_size=12),
       titles=st.integers(0, 5))
def test_counts_match_a_direct_count_whatever_the_title_lines(tmp_path_factory, homes, titles):
    folder = tmp_path_factory.mktemp("prop")
    lines = [f"Title line {i},,,," for i in range(titles)] + ["URN,Provision type,Local authority,Sector,Places"]
    lines += [f"{i},{kind},{la},Private,{places}" for i, (la, kind, places) in enumerate(homes)]
    figures, _, _ = ofsted.providers(write(folder / "providers_at_31_march_2022.csv", lines))
    for la, code in (("Peterborough", PBORO), ("Cambridgeshire", CAMBS), ("Luton", "E06000032")):
        mine = [places for name, kind, places in homes if name == la and kind.lower() == "children's home"]
        assert value(figures, code, "childrens_homes", "homes", 2022) == len(mine)
        assert value(figures, code, "childrens_home_places", "places", 2022) == sum(mine)


# ---- the real files, against counts made here --------------------------------------------
OFSTED = SHARED_DATA / "ofsted"
POPULATION = SHARED_DATA / "reference" / "ons_mid-year_population_estimates_2012_to_2024.csv"


def raw_rows(path):
    """A real file's rows as dicts, by hand: header = the row naming URN and Provision type."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    rows = list(csv.reader(io.StringIO(text)))
    start = next(i for i, row in enumerate(rows) if "URN" in row and "Provision type" in row)
    return [dict(zip(rows[start], row)) for row in rows[start + 1:] if any(cell.strip() for cell in row)]


def hand_count(rows, la, provision_type):
    mine = [r for r in rows if r["Local authority"] == la and r["Provision type"].lower() == provision_type]
    return len(mine), sum(int(r["Places"]) for r in mine)


@pytest.fixture(scope="module")
def real():
    if not OFSTED.is_dir():
        pytest.skip(f"shared data not found at {OFSTED}")
    return ofsted.read(OFSTED, population=POPULATION)


def test_issue_19_acceptance_counts_from_the_2023_file(real):
    rows = raw_rows(OFSTED / "providers_at_31_march_2023.csv")
    counted = {la: {kind: hand_count(rows, la, kind) for kind in (
        "children's home", "secure children's home", "residential special school (registered as a children's home)")}
        for la in ("Cambridgeshire", "Peterborough")}
    # the issue's numbers, counted here from the raw file ...
    assert counted["Cambridgeshire"]["children's home"] == (27, 144)
    assert counted["Cambridgeshire"]["residential special school (registered as a children's home)"][0] == 1
    assert counted["Peterborough"]["children's home"] == (12, 57)
    assert counted["Peterborough"]["secure children's home"][0] == 1
    # ... and the reader's figures agree with the count
    figures = real[0]
    for la, code in (("Cambridgeshire", CAMBS), ("Peterborough", PBORO)):
        for kind, (homes, places) in (("childrens_home", counted[la]["children's home"]),
                                      ("secure_childrens_home", counted[la]["secure children's home"]),
                                      ("rss_childrens_home", counted[la][
                                          "residential special school (registered as a children's home)"])):
            measure = next(m for m in ofsted.MEASURES if m.kind == kind and not m.short_break)
            assert value(figures, code, measure.count, "homes", 2023) == homes
            assert value(figures, code, measure.places, "places", 2023) == places


@pytest.mark.parametrize("year", [2016, 2023])
def test_england_sector_and_short_break_totals_match_the_raw_file(real, year):
    rows = raw_rows(OFSTED / f"providers_at_31_march_{year}.csv")
    homes = [r for r in rows if r["Provision type"].lower() == "children's home"]
    flag = next(c for c in rows[0] if c.lower().startswith("short"))
    figures = real[0]
    assert value(figures, "England", "childrens_homes", "homes", year) == len(homes)
    assert value(figures, "England", "childrens_home_places", "places", year) == sum(int(r["Places"]) for r in homes)
    private = [r for r in homes if r["Sector"] == "Private"]
    assert value(figures, "England", "childrens_homes", "homes", year, "Sector", "Private") == len(private)
    short = [r for r in homes if r[flag].strip()]
    assert value(figures, "England", "short_break_homes", "homes", year) == len(short)
    agencies = [r for r in rows if r["Provision type"] == "Independent Fostering Agency"]
    assert value(figures, "England", "fostering_agencies", "agencies", year) == len(agencies)
    judgement = "Overall effectiveness" if year == 2016 else \
        "Overall experiences and progress of children and young people"
    good = sum(r[judgement] in ("Good", "Outstanding") for r in homes)
    judged = sum(bool(r[judgement].strip()) for r in homes)
    assert value(figures, "England", ofsted.GOOD_OR_OUTSTANDING, "percent", year) == pytest.approx(
        100 * good / judged, rel=1e-12)                                                # rounded when shown
    # every provider is placed in an authority: the authorities add up to England
    las = figures.loc[figures["geographic_level"].eq("Local authority") & figures["indicator"].eq("childrens_homes")
                      & figures["unit"].eq("homes") & figures["breakdown_group"].eq("Total")
                      & figures["time_period"].eq(year)]
    assert las["value"].sum() == len(homes)
    assert not real[2]["reason"].str.contains("not an English local authority").any()


def test_peterborough_short_break_and_rate_from_the_raw_files(real):
    rows = raw_rows(OFSTED / "providers_at_31_march_2023.csv")
    short = [r for r in rows if r["Local authority"] == "Peterborough" and r["Provision type"] == "Children's home"
             and r["Short-break-only children's home"]]
    figures = real[0]
    assert value(figures, PBORO, "short_break_homes", "homes", 2023) == len(short)
    assert value(figures, PBORO, "short_break_home_places", "places", 2023) == sum(int(r["Places"]) for r in short)
    with open(POPULATION, encoding="utf-8-sig") as handle:
        children = next(int(r["population_estimate"]) for r in csv.DictReader(handle)
                        if r["time_period"] == "2022" and r["new_la_code"] == PBORO)
    _, places = hand_count(rows, "Peterborough", "children's home")
    assert value(figures, PBORO, "childrens_home_places", "rate_per_10000", 2023) == pytest.approx(
        places / children * 1e4, rel=1e-12)


@pytest.mark.parametrize("year", [2017, 2019, 2020, 2021, 2022, 2023])
def test_homes_opened_and_closed_match_the_raw_joiners_files(real, year):
    rows = raw_rows(OFSTED / f"joiners_and_leavers_year_to_31_march_{year}.csv")
    homes = [r for r in rows if r["Provision type"].lower() == "children's home"]
    figures = real[0]
    for indicator, column, flag in (("childrens_homes_opened", "Joiner status", "Joiner"),
                                    ("childrens_homes_closed", "Leaver status", "Leaver")):
        assert value(figures, "England", indicator, "homes", year) == sum(r[column] == flag for r in homes)
        for la, code in (("Cambridgeshire", CAMBS), ("Peterborough", PBORO)):
            mine = sum(r[column] == flag and r["Local authority"] == la for r in homes)
            assert value(figures, code, indicator, "homes", year) == mine


def test_every_real_file_is_read_with_the_right_kind_and_year(real):
    _, files, skipped = real
    names = {os.path.basename(f): (k, y) for f, k, y in files[["file", "kind", "year"]].values}
    assert len(names) == len(list(OFSTED.glob("*.csv")))
    for name, (kind, year) in names.items():
        assert name.startswith("providers" if kind == "providers" else "joiners")
        assert name.endswith(f"{year}.csv")
    assert not skipped["reason"].str.contains("not recognised").any(), skipped
