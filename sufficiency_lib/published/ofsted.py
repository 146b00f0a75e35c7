"""Ofsted's "Children's social care data in England", provider level, read into figures.

Two publications, any year: ``providers_at_31_march_YYYY`` (every registered provider at 31
March: local authority, sector, places, latest full inspection) and
``joiners_and_leavers_year_to_31_march_YYYY`` (providers registered or closed in the year).
Years differ in title lines (none, a group-title line, three lines), column names ("Short
breaks only children's home" / "Short-break-only children's home", "Overall effectiveness" /
"Overall experiences and progress of children and young people", four names for the
closing date), spellings ("Children's home" / "Children's Home") and encoding (2023's
joiners file is Windows-1252). So the header row is found by its columns, every column is
mapped to one vocabulary (:data:`COLUMNS`), and what cannot be placed (a file, column,
authority or value) is listed in ``skipped`` with the reason and the fix; it never stops a run.

Definitions (evidence in the report on issue 19):
- *children's homes*: provision type "Children's home" in any spelling, short-break-only
  homes and suspended homes included; secure children's homes and residential special
  schools registered as children's homes are counted apart. From the 2023 file:
  Cambridgeshire 27 homes, 144 places; Peterborough 12 and 57, as issue 19 states.
- *short-break-only*: the short-break column is filled ("Yes" in 2016, "Short-break-only
  children's home" from 2021); a file without the column gives ``x``, never zero.
- *good or outstanding*: the overall judgement of the latest full inspection; the share
  is of homes with a judgement. *Opened/closed*: Ofsted's "Joiner"/"Leaver" flags (else
  the registration/closing date falling in the year to 31 March).
- *places per 10,000 children*: ONS mid-year estimate of the year before (mid-2022 for 31
  March 2023), as DfE's rates. The authority is where the provider is, not who places there.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sufficiency_lib.published import reference
from sufficiency_lib.published.dfe import population_for_rates, read_population
from sufficiency_lib.published.figures import FIGURE_COLUMNS, TOTAL, figures_frame

#: Units these figures need beyond figures.UNITS (to be added there by its owner).
UNITS_NEEDED = {"homes": "Number of homes registered with Ofsted", "places": "Number of registered places",
                "agencies": "Number of agencies registered with Ofsted"}
SOURCE = "Ofsted, Children's social care data in England"
SECTOR, JUDGEMENT = "Sector", "Latest full inspection judgement"
SECTORS = ("Local authority", "Private", "Voluntary", "Health authority")
JUDGEMENTS = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
NO_JUDGEMENT = "No full inspection judgement"
GOOD_OR_OUTSTANDING = "childrens_homes_good_or_outstanding"
HEADER_SCAN_ROWS = 40
SKIPPED_COLUMNS = ["file", "row", "column", "value", "reason"]
FILES_COLUMNS = ["file", "kind", "year", "header_row", "encoding", "rows"]
ENGLAND, LONDON = "E92000001", ("E12000007", "London")


@dataclass(frozen=True)
class Measure:
    """One kind of provider counted: homes (or agencies) and their places."""

    kind: str
    count: str
    places: str | None
    unit: str = "homes"
    short_break: bool = False


MEASURES = (
    Measure("childrens_home", "childrens_homes", "childrens_home_places"),
    Measure("secure_childrens_home", "secure_childrens_homes", "secure_childrens_home_places"),
    Measure("rss_childrens_home", "rss_childrens_homes", "rss_childrens_home_places"),
    Measure("childrens_home", "short_break_homes", "short_break_home_places", short_break=True),
    Measure("fostering_agency", "fostering_agencies", None, unit="agencies"),
)

# Canonical column -> pattern of the normalised header names it takes, in every year seen.
COLUMNS = (
    ("urn", r"urn"),
    ("provision_type", r"provision type|provider type|type of provision"),
    ("la_code", r"(local authority|la) (code|number)|new la code|old la code"),
    ("la_name", r"local authority( name)?|la( name)?"),
    ("region", r"government office region|region|gor"),
    ("sector", r"sector|ownership sector"),
    ("places", r"(number of |registered |maximum |max )?places( registered)?"),
    ("short_break", r"short.?breaks?.?only.*"),
    ("start_status", r"registration status.*(1 april|@startdate).*"),
    ("status", r"registration status.*"),
    ("registered", r"registration date|date registered|first effective date \(that the provider became active\)"),
    ("closed", r"date closed|closed date|cancell?ed or resigned date|resigned/closed date|"
               r"first effective date \(that the provider (became resigned|closed|became cancell?ed)\)"),
    ("joiner", r"joiner( status)?"),
    ("leaver", r"leaver( status)?"),
    ("event_type", r"(latest full inspection )?event type|inspection type"),
    ("judgement", r"overall effectiveness.*|overall experiences and progress of children and young people.*|"
                  r"overall (judgement|rating).*"),
)
# Columns known and not needed (addresses are redacted; sub-judgements are not used).
KNOWN_UNUSED = re.compile(
    r"web link|name|provider name|address.*|town|county|postcode|ofsted region|parliamentary constituency|"
    r"linked education urn|multi-building.*|organisation which owns.*|.*publication date|.*event number|"
    r".*inspection date|outcomes.*|quality of care|safeguarding.*|leadership and management|health services|"
    r"how well children.*|the effectiveness of leaders.*|flag for appealed|inspectorate.*|reason|notes")
MULTIPLE = {"closed"}        # several closing-date columns: the first filled one per row wins
YEAR_PATTERN = re.compile(r"31[\s_-]*mar(?:ch)?[\s_-]*(\d{4})", re.IGNORECASE)


class OfstedFileError(ValueError):
    """A file that cannot be read as an Ofsted provider-level table (reported, never raised out)."""


@dataclass
class Table:
    """One provider-level table found in a file: canonical text columns, ``row`` = file line."""

    file: str
    kind: str                 # "providers" or "joiners_and_leavers"
    year: int                 # the 31 March it is at (providers) or ends (joiners)
    header_row: int           # 1-based line of the header
    encoding: str
    frame: pd.DataFrame


def _norm(text) -> str:
    text = re.sub(r"[\u2018\u2019\u0060\u00b4]", "'", str(text or ""))
    return re.sub(r"\s+", " ", text).strip().lower()


def _skip(file, reason, row="", column="", value="") -> dict:
    return {"file": str(file), "row": row, "column": column, "value": value, "reason": reason}


def column_of(name: str) -> str | None:
    """The canonical column a header name maps to, ``""`` for a known unused one, else None."""
    text = _norm(name)
    for canonical, pattern in COLUMNS:
        if re.fullmatch(pattern, text):
            return canonical
    return "" if KNOWN_UNUSED.fullmatch(text) else None


def _grids(path: Path) -> list[tuple[str, list[list[str]], str]]:
    """(label, rows of cells, encoding) for a CSV, or for each sheet of a workbook."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str)
        except Exception as err:  # a corrupt workbook must not stop the run
            raise OfstedFileError(f"unreadable workbook ({err}): download it again") from None
        return [(f"{path}[{name}]", sheet.fillna("").to_numpy().tolist(), "xlsx") for name, sheet in sheets.items()]
    data = path.read_bytes()
    if path.suffix.lower() != ".csv" or b"\x00" in data[:4096]:
        raise OfstedFileError("not a CSV text file: save the sheet as CSV (UTF-8) or .xlsx")
    for encoding in ("utf-8-sig", "cp1252"):     # 2023's joiners and leavers file is Windows-1252
        try:
            return [(str(path), list(csv.reader(data.decode(encoding).splitlines())), encoding)]
        except UnicodeDecodeError:
            continue
    raise OfstedFileError("neither UTF-8 nor Windows-1252 text: save the sheet as CSV (UTF-8)")


def _header_row(rows: list[list[str]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = {column_of(cell) for cell in row}
        if {"urn", "provision_type"} <= found and found & {"la_name", "la_code"}:
            return index
    return None


def _year(label: str, above: list[list[str]], header: list[str]) -> int | None:
    """The 31 March of a table: from its file name, title lines or header, else any year in the name."""
    name = Path(label.split("[")[0]).name
    for text in (name, " ".join(" ".join(map(str, row)) for row in above), " ".join(header)):
        if match := YEAR_PATTERN.search(text):
            return int(match.group(1))
    years = re.findall(r"(?<!\d)(20\d{2})(?!\d)", name)
    return int(years[-1]) if years else None


def read_tables(path) -> tuple[list[Table], list[dict]]:
    """Every Ofsted provider-level table in a file, and what was skipped (never raises)."""
    try:
        grids = _grids(Path(path))
    except (OfstedFileError, OSError) as err:
        return [], [_skip(path, str(err))]
    tables, skipped = [], []
    for label, rows, encoding in grids:
        index = _header_row(rows)
        if index is None:
            skipped.append(_skip(label, f"no Ofsted header (URN, Provision type, Local authority) in the first "
                                        f"{HEADER_SCAN_ROWS} rows: not a provider-level table"))
            continue
        header = [str(cell) for cell in rows[index]]
        year = _year(label, rows[:index], header)
        if year is None:
            skipped.append(_skip(label, "no year in the file name, title lines or header: name the file "
                                        "..._31_march_YYYY.csv"))
            continue
        frame, notes = _canonical_frame(rows[index + 1:], header, index + 2)
        skipped += [_skip(label, **note) for note in notes]
        joiners = {"joiner", "leaver"} & set(frame.columns) or (
            "joiner" in label.lower() and {"registered", "closed"} <= set(frame.columns))
        tables.append(Table(label, "joiners_and_leavers" if joiners else "providers", year, index + 1, encoding, frame))
    return tables, skipped


def _canonical_frame(body: list[list[str]], header: list[str], first_line: int) -> tuple[pd.DataFrame, list]:
    width = len(header)
    rows = [(first_line + i, ([str(c) for c in row] + [""] * width)[:width]) for i, row in enumerate(body)
            if any(str(cell).strip() for cell in row)]
    raw = pd.DataFrame([cells for _, cells in rows], columns=range(width), dtype=object).fillna("")
    raw = raw.apply(lambda column: column.astype(str).str.strip())
    out, notes = pd.DataFrame({"row": [line for line, _ in rows]}), []
    for position, name in enumerate(header):
        canonical = column_of(name)
        if canonical and canonical in out.columns and canonical in MULTIPLE:
            out[canonical] = out[canonical].where(out[canonical].ne(""), raw[position])
        elif canonical and canonical in out.columns:
            notes.append({"column": name, "reason": f"a second '{canonical}' column: the first one is used"})
        elif canonical:
            out[canonical] = raw[position]
        elif canonical is None and (name.strip() or raw[position].ne("").any()):
            notes.append({"column": name or f"(unnamed column {position + 1})",
                          "reason": "column not recognised: ignored (add its name to ofsted.COLUMNS if needed)"})
    return out, notes


# ---- normalising the values -------------------------------------------------------------
def provider_kind(provision_type: str) -> str:
    """The measured kind of an Ofsted provision type, whatever its spelling; else ``other``."""
    text = re.sub(r"\s+", " ", re.sub(r"[^a-z ]+", " ", _norm(provision_type).replace("'", ""))).strip()
    if "secure childrens home" in text:
        return "secure_childrens_home"
    if "residential special school" in text and "childrens home" in text:
        return "rss_childrens_home"
    if text.startswith("childrens home"):
        return "childrens_home"
    return "fostering_agency" if text == "independent fostering agency" else "other"


def sector_label(text: str) -> str:
    """Ofsted's sector in the figures' wording ("Local Authority" -> "Local authority")."""
    value = _norm(text)
    return value[:1].upper() + value[1:] if value else "Not recorded"


def judgement_label(text: str) -> str:
    """An overall judgement in the 2023 wording; older grades ("Adequate") kept by name."""
    value = _norm(text)
    if not value:
        return NO_JUDGEMENT
    return "Requires improvement to be good" if value.startswith("requires improvement") else value.capitalize()


def name_key(name: str) -> str:
    """An authority name reduced so Ofsted's, DfE's and LAIT's spellings meet."""
    text = _norm(name).replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", re.sub(r"\(pre lg\)|,\s*(city|county) of$", "", text)).strip()
    return {"county durham": "durham", "bedford borough": "bedford"}.get(text, text)


LA_COLUMNS = ["old_la_code", "new_la_code", "la_name", "region_code", "region_name"]


def _authorities(year: int) -> dict[str, tuple]:
    """Name key and codes -> the authority's :data:`LA_COLUMNS`, preferring those that reported in ``year``."""
    las = reference.local_authorities()
    current = las["first_year"].le(year) & las["last_year"].ge(year)
    lookup: dict[str, tuple] = {}
    for row in pd.concat([las.loc[~current], las.loc[current]]).itertuples(index=False):   # current ones win
        lookup.update(dict.fromkeys((name_key(row.la_name), row.new_la_code, row.old_la_code),
                                    tuple(getattr(row, c) for c in LA_COLUMNS)))
    return lookup


def provider_rows(table: Table) -> tuple[pd.DataFrame, list[dict]]:
    """A table's providers with kind, sector, places, judgement, short-break flag and authority."""
    frame = table.frame
    missing = sorted({"provision_type", "sector", *(["places"] if table.kind == "providers" else [])} - set(frame))
    if missing or frame.empty:
        return pd.DataFrame(), [_skip(table.file, f"no {', '.join(missing)} column: table not read; check it is "
                                                  "Ofsted's provider-level data" if missing else
                                      "no provider rows under the header: nothing read")]
    out = pd.DataFrame({"row": frame["row"], "provision_type": frame["provision_type"],
                        "kind": frame["provision_type"].map(provider_kind), "sector": frame["sector"].map(sector_label)})
    out["places"], notes = _places(table, frame, out["kind"])
    out["short_break"] = (frame["short_break"].map(lambda v: _norm(v) not in ("", "no", "n", "false", "0"))
                          if "short_break" in frame else pd.NA)
    out["judgement"] = pd.NA
    if "judgement" in frame:      # an interim inspection grades change ("Sustained effectiveness"), not the home
        interim = frame.get("event_type", pd.Series("", index=frame.index)).map(_norm).str.contains("interim")
        out["judgement"] = frame["judgement"].where(~interim, "").map(judgement_label)
    located, more = _locate(table, frame)
    out = pd.concat([out, located], axis=1)
    if table.kind == "joiners_and_leavers":
        out["opened"], out["closed"] = _events(table, frame)
    other = out.loc[out["kind"].eq("other"), "provision_type"].value_counts()
    if len(other):
        more.append(_skip(table.file, "provision types not measured here: " + "; ".join(
            f"{name} ({count})" for name, count in other.items()), column="Provision type"))
    return out, notes + more


def _places(table: Table, frame: pd.DataFrame, kind: pd.Series) -> tuple[pd.Series, list[dict]]:
    if "places" not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="Float64"), []
    values = pd.to_numeric(frame["places"].str.replace(",", "", regex=False), errors="coerce").astype("Float64")
    bad = ~kind.isin(["fostering_agency", "other"]) & values.isna()
    return values, [_skip(table.file, "places not a number: the home is counted, its places are not (the places "
                                      "figure is marked 'u')", row=int(frame.at[i, "row"]), column="Places",
                          value=frame.at[i, "places"]) for i in frame.index[bad]]


def _locate(table: Table, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """The authority of each provider: by code if the file has one, else by name."""
    lookup = _authorities(table.year)
    names = frame.get("la_name", pd.Series("", index=frame.index))
    keys = names.map(name_key)
    if "la_code" in frame:
        codes = frame["la_code"].str.replace(r"\.0$", "", regex=True)
        keys = codes.where(codes.isin(list(lookup)), keys)
    found = pd.DataFrame([lookup.get(k, ("",) * 5) for k in keys], columns=LA_COLUMNS, index=frame.index)
    return found, [_skip(table.file, "not an English local authority the reference list knows: its providers count "
                                     "in England only (add the spelling to ofsted.name_key)", column="Local authority",
                         value=name) for name in sorted(set(names[found["new_la_code"].eq("")]))]


def _events(table: Table, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Joined / left in the year: Ofsted's flags, else the dates falling in the year to 31 March."""
    flags = []
    for flag, date in (("joiner", "registered"), ("leaver", "closed")):
        if flag in frame:
            flags.append(frame[flag].map(_norm).isin([flag, "yes", "y"]))
            continue
        text = frame.get(date, pd.Series("", index=frame.index))
        when = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce").fillna(
            pd.to_datetime(text, format="ISO8601", errors="coerce"))     # workbook cells come as ISO dates
        flags.append(when.between(pd.Timestamp(table.year - 1, 4, 1), pd.Timestamp(table.year, 3, 31)))
    return flags[0], flags[1]


# ---- figures ----------------------------------------------------------------------------
def _geography(year: int, rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Places (authorities of the year or holding providers, regions, London, England) and
    which authority counts in which place (``""``: a provider whose authority is unknown)."""
    las = reference.local_authorities()
    keep = (las["first_year"].le(year) & las["last_year"].ge(year)) | las["new_la_code"].isin(rows["new_la_code"])
    las = las.loc[keep].drop_duplicates("new_la_code")
    london = las.loc[las["region_code"].str.startswith("E13"), "new_la_code"]   # Inner and Outer London
    regions = las[["region_code", "region_name"]].drop_duplicates()
    if len(london):
        regions = pd.concat([regions, pd.DataFrame([dict(zip(["region_code", "region_name"], LONDON))])])
    places = pd.concat([
        las[["old_la_code", "new_la_code", "la_name", "region_code", "region_name"]].assign(
            geographic_level="Local authority", place=las["new_la_code"]),
        regions.assign(geographic_level="Regional", place=regions["region_code"]),
        pd.DataFrame([{"geographic_level": "National", "place": ENGLAND}])], ignore_index=True).fillna("")
    member = pd.concat([pd.DataFrame({"new_la_code": las["new_la_code"], "place": las["new_la_code"]}),
                        pd.DataFrame({"new_la_code": las["new_la_code"], "place": las["region_code"]}),
                        pd.DataFrame({"new_la_code": london, "place": LONDON[0]}),
                        pd.DataFrame({"new_la_code": [*las["new_la_code"], ""], "place": ENGLAND})])
    return places.assign(country_code=ENGLAND), member


def _columns(long: pd.DataFrame, suffix: str = "") -> tuple[pd.DataFrame, pd.DataFrame, set[str]]:
    """Per provider and place, a column to sum for each series ("indicator|unit"), the count of
    unreadable places, and the indicators the file cannot give (it has no short-break column)."""
    values, unknown, missing = {}, {}, set()
    short_break = long["short_break"].map(lambda flag: flag is True)
    for m in MEASURES:
        mask = long["kind"].eq(m.kind) & (short_break if m.short_break else True)
        if m.short_break and long["short_break"].isna().all():
            missing |= {m.count + suffix, m.places + suffix}
        values[f"{m.count}{suffix}|{m.unit}"] = mask.astype("int64")
        if m.places:
            values[f"{m.places}{suffix}|places"] = long["places"].where(mask, 0).fillna(0)
            unknown[f"{m.places}{suffix}|places"] = (mask & long["places"].isna()).astype("int64")
    return pd.DataFrame(values, index=long.index), pd.DataFrame(unknown, index=long.index), missing


def _series(long, places, values, unknown, missing, breakdowns) -> pd.DataFrame:
    """``values`` summed in every place and label of each breakdown, a row per place, label and
    series; status ``u`` where places were unreadable, ``x`` where the file cannot tell.
    ``long`` has a row per provider and place it counts in (see :func:`_geography`)."""
    columns = pd.concat([values, unknown.add_suffix("|unknown")], axis=1)
    out = []
    for group, by, labels in breakdowns:
        key = (long[by] if by else pd.Series(TOTAL, index=long.index, dtype=object)).rename("breakdown")
        index = pd.MultiIndex.from_product([places["place"], list(labels)], names=["place", "breakdown"])
        sums = columns.groupby([long["place"], key]).sum().reindex(index, fill_value=0).reset_index()
        out.append(sums.melt(["place", "breakdown"], var_name="series").assign(breakdown_group=group if by else TOTAL))
    frame = pd.concat(out, ignore_index=True)
    gap = frame["series"].str.endswith("|unknown")
    gaps = frame.loc[gap].assign(series=frame.loc[gap, "series"].str.removesuffix("|unknown"))
    frame = frame.loc[~gap].merge(gaps.rename(columns={"value": "unknown"}), how="left",
                                  on=["place", "breakdown", "series", "breakdown_group"]).fillna({"unknown": 0})
    frame[["indicator", "unit"]] = frame["series"].str.split("|", expand=True)
    status = frame["unknown"].gt(0).map({True: "u", False: ""})
    gone = frame["indicator"].isin(missing)
    return frame.assign(value=frame["value"].astype("Float64").mask(gone), status=status.mask(gone, "x"))


def _breakdowns(long: pd.DataFrame) -> list[tuple[str, str | None, list[str]]]:
    seen = long.loc[long["kind"].ne("other"), "sector"]
    return [(TOTAL, None, [TOTAL]), (SECTOR, "sector", [*SECTORS, *sorted(set(seen) - set(SECTORS))])]


def _judgements(long: pd.DataFrame, places: pd.DataFrame) -> list[pd.DataFrame]:
    """Children's homes by latest full inspection judgement, and the share good or outstanding."""
    homes = long["kind"].eq("childrens_home")
    missing = {GOOD_OR_OUTSTANDING} if long["judgement"].isna().all() else set()   # no judgement column
    judgement = long["judgement"].where(homes, "")
    labels = [*JUDGEMENTS, *sorted(set(judgement.dropna()) - {*JUDGEMENTS, NO_JUDGEMENT, ""}), NO_JUDGEMENT]
    out = [] if missing else [_series(long, places, pd.DataFrame({"childrens_homes|homes": homes.astype("int64")}),
                                      pd.DataFrame(), set(), [(JUDGEMENT, "judgement", labels)])]
    counts = pd.DataFrame({f"{GOOD_OR_OUTSTANDING}|homes": judgement.isin(["Outstanding", "Good"]).astype("int64"),
                           "judged|homes": (homes & judgement.ne(NO_JUDGEMENT)).astype("int64")})
    frame = _series(long, places, counts, pd.DataFrame(), missing, _breakdowns(long))
    good, judged = (frame.loc[frame["indicator"].eq(name)].reset_index(drop=True)
                    for name in (GOOD_OR_OUTSTANDING, "judged"))
    share = (100 * good["value"] / judged["value"].where(judged["value"].gt(0))).round(1)
    status = good["status"].where(good["status"].ne("") | share.notna(), "z")       # no home judged: z
    return out + [good, good.assign(unit="percent", value=share, status=status)]


def _rates(frame: pd.DataFrame, population: pd.DataFrame | None, year: int) -> pd.DataFrame:
    """Places per 10,000 children aged 0-17 (mid-year estimate of ``year - 1``)."""
    counts = frame.loc[frame["unit"].eq("places")]
    if population is None or counts.empty:
        return counts.iloc[0:0]
    pop = population_for_rates(population, year)
    text = {c: pop[c].astype("string").fillna("").astype(str)       # dfe may hand categoricals
            for c in ("geographic_level", "new_la_code", "region_code", "status")}
    place = text["new_la_code"].mask(text["geographic_level"].eq("Regional"), text["region_code"]).mask(
        text["geographic_level"].eq("National"), ENGLAND)
    pop = pd.DataFrame({"value": pop["value"].astype("Float64").to_numpy(), "status": text["status"].to_numpy()},
                       index=place.to_numpy()).groupby(level=0).first()
    children = counts["place"].map(pop["value"]).astype("Float64")
    status = counts["status"].where(children.notna(), counts["place"].map(pop["status"]).fillna("x").replace("", "x"))
    return counts.assign(unit="rate_per_10000", value=(counts["value"].astype("Float64") / children * 10000).round(1),
                         status=status, source=counts["source"] + f"; ONS mid-{year - 1} population aged 0 to 17")


def as_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` typed as figures, allowing the units of :data:`UNITS_NEEDED` until figures.UNITS has them."""
    frame = frame.reset_index(drop=True)
    out = figures_frame(frame.assign(unit="number"))
    out["unit"] = frame["unit"].astype(str).to_numpy()
    return out


def table_figures(table: Table, rows: pd.DataFrame, population: pd.DataFrame | None = None) -> pd.DataFrame:
    """Figures of one table (as :func:`read_tables` finds it and :func:`provider_rows` normalises it)."""
    places, member = _geography(table.year, rows)
    long = rows.merge(member, on="new_la_code")      # each provider once in each place it counts in
    if table.kind == "providers":
        parts = [_series(long, places, *_columns(long), _breakdowns(long)), *_judgements(long, places)]
    else:
        parts = [_series(opened, places, *_columns(opened, f"_{event}"), _breakdowns(long))
                 for event in ("opened", "closed") for opened in [long.loc[long[event]]]]
    frame = pd.concat(parts, ignore_index=True).merge(places, on="place", how="left").assign(
        time_period=table.year, source=f"{SOURCE}, {Path(table.file.split('[')[0]).name}")
    if table.kind == "providers":
        frame = pd.concat([frame, _rates(frame, population, table.year)], ignore_index=True)
    return as_figures(frame[FIGURE_COLUMNS])


def _paths(path: Path) -> tuple[list[Path], list[dict]]:
    """Table files under ``path``, the most recently modified first (a newer download wins a year)."""
    if not path.exists():
        return [], [_skip(path, "no such file or folder: name the folder of Ofsted downloads")]
    items = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    other = [_skip(p, f"{p.suffix} sheets are not read: save the sheet as CSV (UTF-8) or .xlsx")
             for p in items if p.suffix.lower() in (".ods", ".xls")]
    tables = [p for p in items if p.suffix.lower() in (".csv", ".xlsx", ".xlsm") or p == path]
    return sorted(tables, key=lambda p: (-p.stat().st_mtime, str(p))), other


def _read(path, kinds: tuple[str, ...], population=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    paths, skipped = _paths(Path(path))
    if population is not None and not isinstance(population, pd.DataFrame):
        try:
            population = read_population(Path(population))
        except (ValueError, OSError) as err:
            skipped.append(_skip(population, f"population not read ({err}): places per 10,000 not computed"))
            population = None
    figures, files, seen = [], [], {}
    for item in paths:
        tables, notes = read_tables(item)
        skipped += notes
        for table in tables:
            kind = table.kind.replace("_", " ")
            if table.kind not in kinds:
                skipped.append(_skip(table.file, f"a {kind} table: read by ofsted.{table.kind}() or ofsted.read()"))
            elif (table.kind, table.year) in seen:
                skipped.append(_skip(table.file, f"a second {kind} table for {table.year}: the newer file "
                                                 f"{seen[table.kind, table.year]} was read"))
            else:
                rows, notes = provider_rows(table)
                skipped += notes
                if not rows.empty:
                    seen[table.kind, table.year] = table.file
                    figures.append(table_figures(table, rows, population))
                    files.append([table.file, table.kind, table.year, table.header_row, table.encoding, len(rows)])
    if not figures and not skipped:
        skipped.append(_skip(path, "no Ofsted provider-level CSV or .xlsx files found here"))
    if "providers" in kinds and population is None and figures:
        skipped.append(_skip(path, "no population given: places per 10,000 children not computed (pass "
                                   "population=the ONS mid-year estimates CSV)"))
    out = (pd.concat(figures, ignore_index=True) if figures
           else as_figures(pd.DataFrame(columns=FIGURE_COLUMNS).assign(time_period=pd.Series(dtype="int64"))))
    files = pd.DataFrame(files, columns=FILES_COLUMNS).sort_values(["kind", "year"]).reset_index(drop=True)
    return out, files, pd.DataFrame(skipped, columns=SKIPPED_COLUMNS)


def providers(path, population=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Figures of Ofsted's provider-level files (a file or a folder): (figures, files_read, skipped).

    For every authority (where the provider stands), region, London and England at each 31
    March: homes and places by sector for children's homes, secure children's homes,
    residential special schools registered as children's homes and short-break-only homes;
    independent fostering agencies; children's homes by latest full inspection judgement and
    the share good or outstanding; with ``population`` (a figures frame of ONS estimates or
    the path of the ONS CSV), places per 10,000 children aged 0 to 17.
    """
    return _read(path, ("providers",), population)


def joiners_and_leavers(path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Figures of Ofsted's joiners-and-leavers files: (figures, files_read, skipped).

    Homes (agencies) and places opened and closed in each year to 31 March, by sector, as
    ``<measure>_opened`` and ``<measure>_closed`` (``childrens_homes_opened``, ...).
    """
    return _read(path, ("joiners_and_leavers",))


def read(path, population=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Both publications under ``path`` at once: (figures, files_read, skipped)."""
    return _read(path, ("providers", "joiners_and_leavers"), population)
