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

from pathlib import Path

import pandas as pd

from sufficiency_lib.published.dfe import population_for_rates, read_population
from sufficiency_lib.published.figures import FIGURE_COLUMNS, TOTAL, figures_frame
from sufficiency_lib.published import reference
from sufficiency_lib.published.ofsted_files import (ENGLAND, FILES_COLUMNS, GOOD_OR_OUTSTANDING, JUDGEMENT,
                                                    JUDGEMENTS, LONDON, MEASURES, NO_JUDGEMENT, SECTOR, SECTORS,
                                                    SKIPPED_COLUMNS, SOURCE, Table, skip_row,
                                                    provider_rows, read_tables)


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
    share = 100 * good["value"] / judged["value"].where(judged["value"].gt(0))        # rounded when shown
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
    return counts.assign(unit="rate_per_10000", value=counts["value"].astype("Float64") / children * 10000,
                         status=status, source=counts["source"] + f"; ONS mid-{year - 1} population aged 0 to 17")


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
    return figures_frame(frame[FIGURE_COLUMNS])


def _paths(path: Path) -> tuple[list[Path], list[dict]]:
    """Table files under ``path``, the most recently modified first (a newer download wins a year)."""
    if not path.exists():
        return [], [skip_row(path, "no such file or folder: name the folder of Ofsted downloads")]
    items = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    other = [skip_row(p, f"{p.suffix} sheets are not read: save the sheet as CSV (UTF-8) or .xlsx")
             for p in items if p.suffix.lower() in (".ods", ".xls")]
    tables = [p for p in items if p.suffix.lower() in (".csv", ".xlsx", ".xlsm") or p == path]
    return sorted(tables, key=lambda p: (-p.stat().st_mtime, str(p))), other


def _read(path, kinds: tuple[str, ...], population=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    paths, skipped = _paths(Path(path))
    if population is not None and not isinstance(population, pd.DataFrame):
        try:
            population = read_population(Path(population))
        except (ValueError, OSError) as err:
            skipped.append(skip_row(population, f"population not read ({err}): places per 10,000 not computed"))
            population = None
    figures, files, seen = [], [], {}
    for item in paths:
        tables, notes = read_tables(item)
        skipped += notes
        for table in tables:
            kind = table.kind.replace("_", " ")
            if table.kind not in kinds:
                skipped.append(skip_row(table.file, f"a {kind} table: read by ofsted.{table.kind}() or ofsted.read()"))
            elif (table.kind, table.year) in seen:
                skipped.append(skip_row(table.file, f"a second {kind} table for {table.year}: the newer file "
                                                 f"{seen[table.kind, table.year]} was read"))
            else:
                rows, notes = provider_rows(table)
                skipped += notes
                if not rows.empty:
                    seen[table.kind, table.year] = table.file
                    figures.append(table_figures(table, rows, population))
                    files.append([table.file, table.kind, table.year, table.header_row, table.encoding, len(rows)])
    if not figures and not skipped:
        skipped.append(skip_row(path, "no Ofsted provider-level CSV or .xlsx files found here"))
    if "providers" in kinds and population is None and figures:
        skipped.append(skip_row(path, "no population given: places per 10,000 children not computed (pass "
                                   "population=the ONS mid-year estimates CSV)"))
    out = (pd.concat(figures, ignore_index=True) if figures
           else figures_frame(pd.DataFrame(columns=FIGURE_COLUMNS).assign(time_period=pd.Series(dtype="int64"))))
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
