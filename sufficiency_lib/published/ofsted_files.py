"""Ofsted's "Children's social care data in England" files read as tables: the header row
found by its columns (title lines differ from year to year), every column mapped to one
vocabulary (:data:`COLUMNS`), values normalised (provider kinds, sectors, judgements) and
each provider placed in its local authority. :mod:`sufficiency_lib.published.ofsted` turns
the tables into figures; the definitions are stated there.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sufficiency_lib.published import reference

#: Units these figures need beyond figures.UNITS (to be added there by its owner).
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


def skip_row(file, reason, row="", column="", value="") -> dict:
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
        return [], [skip_row(path, str(err))]
    tables, skipped = [], []
    for label, rows, encoding in grids:
        index = _header_row(rows)
        if index is None:
            skipped.append(skip_row(label, f"no Ofsted header (URN, Provision type, Local authority) in the first "
                                        f"{HEADER_SCAN_ROWS} rows: not a provider-level table"))
            continue
        header = [str(cell) for cell in rows[index]]
        year = _year(label, rows[:index], header)
        if year is None:
            skipped.append(skip_row(label, "no year in the file name, title lines or header: name the file "
                                        "..._31_march_YYYY.csv"))
            continue
        frame, notes = _canonical_frame(rows[index + 1:], header, index + 2)
        skipped += [skip_row(label, **note) for note in notes]
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
        return pd.DataFrame(), [skip_row(table.file, f"no {', '.join(missing)} column: table not read; check it is "
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
        more.append(skip_row(table.file, "provision types not measured here: " + "; ".join(
            f"{name} ({count})" for name, count in other.items()), column="Provision type"))
    return out, notes + more


def _places(table: Table, frame: pd.DataFrame, kind: pd.Series) -> tuple[pd.Series, list[dict]]:
    if "places" not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="Float64"), []
    values = pd.to_numeric(frame["places"].str.replace(",", "", regex=False), errors="coerce").astype("Float64")
    bad = ~kind.isin(["fostering_agency", "other"]) & values.isna()
    return values, [skip_row(table.file, "places not a number: the home is counted, its places are not (the places "
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
    return found, [skip_row(table.file, "not an English local authority the reference list knows: its providers count "
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


