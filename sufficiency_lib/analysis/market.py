"""The market, capacity and money of an authority from public data, for an authority and year.

Pure functions on a figures frame (the published figures: :mod:`published.ofsted` and
:mod:`published.lait` rows among DfE's) and plain tables; the provision chapter shows them
and the sufficiency gap (:mod:`demand`) reads the capacity.

- *Children's homes in the area*: Ofsted's register at 31 March, where the home is (not
  who places there), by sector; secure children's homes, residential special schools
  registered as children's homes and short-break-only homes (a part of the children's
  homes) apart; the share judged good or outstanding; homes opened and closed each year;
  independent fostering agencies registered in the area.
- *The authority's own foster carers*: places approved (family and friends excluded) and
  places filled, from Ofsted via LAIT, and the occupancy they imply.
- *Money*: S251 outturn weekly unit costs and gross spending (LAIT), financial years
  stored as the year they end (2023-24 is 2024).

Each figure is taken from the latest year published at or before the statement's year, and
says that year; :func:`age` is how many years older than the statement it is.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import benchmark
from sufficiency_lib.analysis import costs as money
from sufficiency_lib.published import ofsted
from sufficiency_lib.published.figures import compact, concat, select
from sufficiency_lib.vocabulary import TOTAL, Indicator, PlacementGroup, Unit
from sufficiency_lib.wording import half_up, plain_source

I = Indicator
SECTOR = ofsted.SECTOR
MAIN_SECTORS = ofsted.SECTORS[:3]            # local authority, private, voluntary
#: (label, count indicator, places indicator, unit of the count), in table order.
PROVISION = (
    ("Children's homes", I.CHILDRENS_HOMES, I.CHILDRENS_HOME_PLACES, Unit.HOMES),
    ("of which short-break-only homes", I.SHORT_BREAK_HOMES, I.SHORT_BREAK_HOME_PLACES, Unit.HOMES),
    ("Secure children's homes", I.SECURE_HOMES, I.SECURE_HOME_PLACES, Unit.HOMES),
    ("Residential special schools registered as children's homes", I.RSS_HOMES, I.RSS_HOME_PLACES, Unit.HOMES),
    ("Independent fostering agencies", I.FOSTERING_AGENCIES, None, Unit.AGENCIES),
)
UNIT_COSTS = {I.UNIT_COST_FOSTERING: "Fostering", I.UNIT_COST_RESIDENTIAL: "Residential care",
              I.UNIT_COST_CLA: "All children looked after"}
SPENDING = {I.SPEND_CLA: "Children looked after (gross)", I.SPEND_LEAVING_CARE: "Leaving care support (gross)"}
#: The S251 unit cost that prices each placement group where no local cost is given. S251's
#: residential care line covers registered and voluntary children's homes, homes with
#: education and the social care share of residential schools; its fostering line in-house
#: and purchased foster care. No S251 line prices supported accommodation, placements with
#: parents, for adoption or other placements: the all-children average is not their cost.
S251_FOR_GROUP = {PlacementGroup.IN_HOUSE: I.UNIT_COST_FOSTERING, PlacementGroup.IFA: I.UNIT_COST_FOSTERING,
                  PlacementGroup.CONNECTED: I.UNIT_COST_FOSTERING,
                  PlacementGroup.CHILDRENS_HOMES: I.UNIT_COST_RESIDENTIAL,
                  PlacementGroup.SECURE: I.UNIT_COST_RESIDENTIAL, PlacementGroup.SCHOOLS: I.UNIT_COST_RESIDENTIAL}
NO_PUBLIC_CAPACITY = "no public capacity figure"
LOCAL_CAPACITY = "The authority's local data (capacity)"
FOSTER_PUBLIC = "Ofsted fostering data (via LAIT)"


def age(figure_year: int | None, year: int) -> int | None:
    """How many years before the statement's ``year`` a figure is (None when there is none)."""
    return None if figure_year is None else int(year) - int(figure_year)


# --- reading series ------------------------------------------------------------------------

def _where(figures: pd.DataFrame, code: str) -> pd.Series:
    return figures["geographic_level"].eq("Local authority") & figures["new_la_code"].eq(code)


def series(figures: pd.DataFrame, code: str, indicator: str, unit: str, group: str = TOTAL,
           breakdown: str = TOTAL) -> pd.Series:
    """One series of the authority, by year (float; missing where not published)."""
    rows = select(figures, indicator, unit, group, breakdown)
    rows = rows.loc[_where(rows, code)]
    return pd.to_numeric(rows.set_index("time_period")["value"]).astype(float).sort_index()


def years_of(figures: pd.DataFrame, indicator: str, unit: str, upto: int) -> list[int]:
    """The years ``indicator`` is published for any place, up to ``upto``."""
    rows = select(figures, indicator, unit)
    return sorted(int(y) for y in rows["time_period"].unique() if int(y) <= upto)


def latest_year(figures: pd.DataFrame, indicator: str, unit: str, upto: int) -> int | None:
    """The newest year ``indicator`` is published at or before ``upto`` (None when never)."""
    years = years_of(figures, indicator, unit, upto)
    return years[-1] if years else None


def source_of(figures: pd.DataFrame, indicator: str, unit: str, years) -> str:
    """The sources of a series in ``years`` (publication and file), as a source line says them."""
    rows = select(figures, indicator, unit)
    rows = rows.loc[rows["time_period"].isin([int(y) for y in years])]
    return "; ".join(sorted({plain_source(s) for s in rows["source"].unique() if str(s)}))


def comparison(figures: pd.DataFrame, code: str, indicator: str, unit: str, upto: int,
               model: int | None = None, first: int | None = None) -> pd.DataFrame:
    """The authority beside its statistical neighbours, region and England
    (:func:`benchmark.benchmark_table`) in every year the series is published, from
    ``first`` to ``upto``; empty when it is never published."""
    years = [y for y in years_of(figures, indicator, unit, upto) if first is None or y >= first]
    if not years:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return benchmark.benchmark_table(figures, code, indicator, unit, years=years, neighbour_model=model)


COMPARISON_COLUMNS = ["time_period", "value", "status", "sn_mean", "sn_median", "sn_count", "region", "england",
                      "rank", "ranked_of", "quartile_band", "neighbour_model", "change_1y", "change_5y", "ci_low",
                      "ci_high", "vs_england", "vs_neighbours"]


# --- children's homes in the area ------------------------------------------------------------

def homes_in_area(figures: pd.DataFrame, code: str, year: int) -> pd.DataFrame:
    """Homes (agencies) and places registered in the area at 31 March ``year``, a row per kind of
    provision: ``homes``, ``places`` and each sector's ``<sector>|homes`` and ``<sector>|places``."""
    here = figures.loc[_where(figures, code) & figures["time_period"].eq(year)]
    rows = []
    for label, count, places, unit in PROVISION:
        row = {"provision": label}
        for what, indicator, what_unit in (("homes", count, unit), ("places", places, Unit.PLACES)):
            if indicator is None:
                continue
            found = here.loc[here["indicator"].eq(indicator) & here["unit"].eq(what_unit)]
            by = found.set_index(["breakdown_group", "breakdown"])["value"]
            row[what] = float(by.get((TOTAL, TOTAL), np.nan))
            for sector in ofsted.SECTORS:
                row[f"{sector}|{what}"] = float(by.get((SECTOR, sector), np.nan))
        rows.append(row)
    return pd.DataFrame(rows)


def sectors_shown(table: pd.DataFrame) -> list[str]:
    """Local authority, private and voluntary always; any other sector with a home."""
    extra = [s for s in ofsted.SECTORS[3:] if f"{s}|homes" in table and table[f"{s}|homes"].fillna(0).gt(0).any()]
    return [*MAIN_SECTORS, *extra]


def homes_over_time(figures: pd.DataFrame, code: str, upto: int) -> pd.DataFrame:
    """Children's home places in the area by sector at each 31 March Ofsted's register is read,
    up to ``upto`` (time_period, sector, places)."""
    rows = figures.loc[figures["indicator"].eq(I.CHILDRENS_HOME_PLACES) & figures["unit"].eq(Unit.PLACES)
                       & figures["breakdown_group"].eq(SECTOR)]
    rows = rows.loc[_where(rows, code) & rows["time_period"].le(upto)]
    out = pd.DataFrame({"time_period": rows["time_period"].astype(int), "sector": rows["breakdown"].astype(str),
                        "places": pd.to_numeric(rows["value"]).astype(float)})
    return out.sort_values(["time_period", "sector"]).reset_index(drop=True)


def judgements(figures: pd.DataFrame, code: str, year: int) -> pd.Series:
    """Children's homes in the area by their latest full inspection judgement at 31 March ``year``."""
    rows = figures.loc[figures["indicator"].eq(I.CHILDRENS_HOMES) & figures["unit"].eq(Unit.HOMES)
                       & figures["breakdown_group"].eq(ofsted.JUDGEMENT) & figures["time_period"].eq(year)]
    rows = rows.loc[_where(rows, code)]
    counts = pd.to_numeric(rows.set_index(rows["breakdown"].astype(str))["value"]).astype(float)
    order = [j for j in (*ofsted.JUDGEMENTS, ofsted.NO_JUDGEMENT) if j in counts.index]
    return counts.reindex(order + [j for j in counts.index if j not in order])


def openings(figures: pd.DataFrame, code: str, upto: int) -> pd.DataFrame:
    """Children's homes (and places) opened and closed in the area in each year to 31 March
    that Ofsted's joiners and leavers give, up to ``upto``, with the net change."""
    parts = {"homes_opened": (I.CHILDRENS_HOMES_OPENED, Unit.HOMES),
             "homes_closed": (I.CHILDRENS_HOMES_CLOSED, Unit.HOMES),
             "places_opened": (I.CHILDRENS_HOME_PLACES_OPENED, Unit.PLACES),
             "places_closed": (I.CHILDRENS_HOME_PLACES_CLOSED, Unit.PLACES)}
    frame = pd.DataFrame({name: series(figures, code, *spec) for name, spec in parts.items()})
    frame = frame.loc[frame.index <= upto].dropna(how="all")
    frame["net_homes"] = frame["homes_opened"] - frame["homes_closed"]
    frame["net_places"] = frame["places_opened"] - frame["places_closed"]
    return frame.rename_axis("time_period").reset_index()


# --- rates per child -------------------------------------------------------------------------

def _place_key(frame: pd.DataFrame) -> pd.Series:
    level = frame["geographic_level"].astype(str)
    key = frame["new_la_code"].astype(str).where(level.eq("Local authority"), frame["region_code"].astype(str))
    return level + ":" + key.where(~level.eq("National"), "England")


def per_child(figures: pd.DataFrame, population: pd.DataFrame, indicator: str, unit: str, out_unit: str,
              per: float) -> pd.DataFrame:
    """``indicator`` divided by the ONS population aged 0 to 17 of mid-year ``t - 1`` (as DfE's
    rates for the year to 31 March ``t``), times ``per``, for every place: figures rows in
    ``out_unit`` (e.g. places per 10,000 children, or pounds per child)."""
    rows = select(figures, indicator, unit)
    if rows.empty or population is None or population.empty:
        return rows.iloc[0:0]
    children = pd.Series(pd.to_numeric(population["value"]).astype(float).to_numpy(),
                         index=_place_key(population) + "|" + (population["time_period"].astype(int) + 1).astype(str))
    children = children.groupby(level=0).first()
    key = _place_key(rows) + "|" + rows["time_period"].astype(int).astype(str)
    base = key.map(children).astype(float)
    value = pd.to_numeric(rows["value"]).astype(float) / base * per
    out = rows.astype({c: object for c in ("unit", "status", "source") if c in rows})
    out = out.assign(unit=out_unit, value=value.astype("Float64"),
                     status=out["status"].astype(str).where(base.notna(), "x"),
                     source=out["source"].astype(str) + "; ONS mid-year population aged 0 to 17 (year before)")
    return out


#: The indicators the market, capacity and money read (Ofsted's and LAIT's).
INDICATORS = (*[i for _, count, places, _ in PROVISION for i in (count, places) if i], I.HOMES_GOOD_OR_OUTSTANDING,
              I.CHILDRENS_HOMES_OPENED, I.CHILDRENS_HOMES_CLOSED, I.CHILDRENS_HOME_PLACES_OPENED,
              I.CHILDRENS_HOME_PLACES_CLOSED, *UNIT_COSTS, *SPENDING, I.INHOUSE_FOSTER_PLACES,
              I.INHOUSE_FOSTER_PLACES_FILLED)


def with_rates(figures: pd.DataFrame, population: pd.DataFrame | None) -> pd.DataFrame:
    """The market's figures (:data:`INDICATORS`, a small part of every published figure, so
    that reading them is quick) with the derived rates the chapter compares: in-house foster
    places per 10,000 children, and gross spending per child aged 0 to 17."""
    mine = figures.loc[figures["indicator"].isin(INDICATORS)]
    derived = [per_child(mine, population, I.INHOUSE_FOSTER_PLACES, Unit.PLACES, Unit.RATE, 10_000),
               *[per_child(mine, population, indicator, Unit.GBP, Unit.GBP_PER_CHILD, 1) for indicator in SPENDING]]
    parts = [mine.reset_index(drop=True), *[compact(d[mine.columns].reset_index(drop=True)) for d in derived if len(d)]]
    return concat(parts) if len(parts) > 1 else parts[0]


# --- the authority's own foster carers -------------------------------------------------------

def foster_capacity(figures: pd.DataFrame, code: str, upto: int, local: pd.DataFrame | None = None) -> pd.DataFrame:
    """In-house foster places each year to ``upto``: approved, filled, occupancy (percent) and
    vacant, and where each comes from. A local capacity table's in-house places win for
    its years (places filled are then not known)."""
    frame = pd.DataFrame({"approved": series(figures, code, I.INHOUSE_FOSTER_PLACES, Unit.PLACES),
                          "filled": series(figures, code, I.INHOUSE_FOSTER_PLACES_FILLED, Unit.PLACES),
                          "occupancy": series(figures, code, I.INHOUSE_FOSTER_PLACES_FILLED, Unit.PERCENT)})
    frame = frame.loc[frame.index <= upto].dropna(how="all").assign(source=FOSTER_PUBLIC)
    if local is not None and not local.empty:
        mine = local.loc[local["placement_group"].eq(PlacementGroup.IN_HOUSE) & local["year"].le(upto)]
        mine = mine.groupby(mine["year"].astype(int))["places"].sum()
        for year, places in mine.items():
            frame.loc[year, ["approved", "filled", "occupancy", "source"]] = [float(places), np.nan, np.nan,
                                                                             LOCAL_CAPACITY]
    frame = frame.sort_index()
    frame["vacant"] = frame["approved"] - frame["filled"]
    return frame.rename_axis("time_period").reset_index()[
        ["time_period", "approved", "filled", "vacant", "occupancy", "source"]]


def foster_comparison(figures: pd.DataFrame, code: str, upto: int, model: int | None = None,
                      local: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`foster_capacity` with the occupancy of the statistical neighbours (mean) and
    England, and places approved per 10,000 children aged 0 to 17 of the authority, its
    neighbours and England (``figures`` with :func:`with_rates`' rows). A year whose places
    are the local table's has no public rate of its own."""
    frame = foster_capacity(figures, code, upto, local)
    for prefix, indicator, unit in (("occupancy", I.INHOUSE_FOSTER_PLACES_FILLED, Unit.PERCENT),
                                    ("per_10000", I.INHOUSE_FOSTER_PLACES, Unit.RATE)):
        table = comparison(figures, code, indicator, unit, upto, model)
        table = table.set_index("time_period") if len(table) else pd.DataFrame(
            columns=["value", "sn_mean", "england"], dtype=float)
        for column, name in (("value", prefix), ("sn_mean", f"sn_{prefix}"), ("england", f"england_{prefix}")):
            if name != "occupancy":          # the authority's occupancy is in the frame (a local year has none)
                frame[name] = frame["time_period"].map(table[column]).astype(float)
    frame.loc[frame["source"].ne(FOSTER_PUBLIC), "per_10000"] = np.nan
    return frame


# --- money ---------------------------------------------------------------------------------

def _deflated(frame: pd.DataFrame, deflator: pd.DataFrame | None, column: str = "value") -> pd.DataFrame:
    years = frame["time_period"].map(money.financial_year)
    real, base = money.real_terms(years, frame[column], deflator)
    return frame.assign(financial_year=years, real_value=real, price_base=base)


def unit_costs(figures: pd.DataFrame, code: str, upto: int, model: int | None = None,
               deflator: pd.DataFrame | None = None, first: int | None = None) -> pd.DataFrame:
    """S251 weekly unit costs of fostering, residential care and all looked-after children
    each year to ``upto``: the authority's, its neighbours' mean, region and England, and the
    authority's in real terms where a deflator is given."""
    parts = []
    for indicator, label in UNIT_COSTS.items():
        table = comparison(figures, code, indicator, Unit.GBP_PER_WEEK, upto, model, first)
        if table["value"].notna().any():
            parts.append(table[["time_period", "value", "sn_mean", "region", "england", "rank", "ranked_of"]]
                         .assign(measure=label, indicator=indicator))
    if not parts:
        return pd.DataFrame(columns=["time_period", "financial_year", "measure", "indicator", "value", "sn_mean",
                                     "region", "england", "rank", "ranked_of", "real_value", "price_base"])
    frame = pd.concat(parts, ignore_index=True)
    for column in ("value", "sn_mean", "region", "england"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return _deflated(frame, deflator)


def spending(figures: pd.DataFrame, code: str, upto: int, model: int | None = None,
             deflator: pd.DataFrame | None = None, first: int | None = None) -> pd.DataFrame:
    """Gross spending on children looked after and on leaving care each year to ``upto``: the
    authority's pounds (and in real terms), and per child aged 0 to 17 beside its neighbours'
    mean, region and England. ``figures`` must hold the per-child rows (:func:`with_rates`)."""
    parts = []
    for indicator, label in SPENDING.items():
        total = series(figures, code, indicator, Unit.GBP)
        table = comparison(figures, code, indicator, Unit.GBP_PER_CHILD, upto, model, first)
        if not table["value"].notna().any():
            continue
        table = table[["time_period", "value", "sn_mean", "region", "england"]].rename(
            columns={"value": "per_child", "sn_mean": "sn_mean_per_child", "region": "region_per_child",
                     "england": "england_per_child"})
        parts.append(table.assign(measure=label, indicator=indicator, value=table["time_period"].map(total)))
    if not parts:
        return pd.DataFrame(columns=["time_period", "financial_year", "measure", "indicator", "value", "per_child",
                                     "sn_mean_per_child", "region_per_child", "england_per_child", "real_value",
                                     "price_base"])
    frame = pd.concat(parts, ignore_index=True)
    for column in ("value", "per_child", "sn_mean_per_child", "region_per_child", "england_per_child"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    return _deflated(frame, deflator)


def change(values: pd.Series) -> tuple[int, int, float] | None:
    """(first year, last year, percent change) of a series with two or more known values."""
    known = values.dropna()
    if len(known) < 2 or not known.iloc[0]:
        return None
    return int(known.index[0]), int(known.index[-1]), float((known.iloc[-1] / known.iloc[0] - 1) * 100)


def public_unit_costs(figures: pd.DataFrame, code: str, year: int) -> pd.DataFrame:
    """The newest S251 weekly unit cost at or before ``year`` for each placement group it fits
    (:data:`S251_FOR_GROUP`): placement_group, financial_year, weekly_cost, cost_source."""
    rows = []
    for group, indicator in S251_FOR_GROUP.items():
        known = series(figures, code, indicator, Unit.GBP_PER_WEEK).dropna()
        known = known.loc[known.index <= year]
        if len(known):
            rows.append({"placement_group": group, "financial_year": money.financial_year(int(known.index[-1])),
                         "weekly_cost": float(known.iloc[-1]),
                         "cost_source": f"S251 outturn, {UNIT_COSTS[indicator].lower()} unit cost"})
    return pd.DataFrame(rows, columns=["placement_group", "financial_year", "weekly_cost", "cost_source"])


# --- capacity in the area ----------------------------------------------------------------------

#: ``places_named`` says in a few words what the places count ("places approved", "places in
#: the area"), for a sentence; ``basis`` says it in full, for a note. ``places_filled`` (in-house
#: foster care only) is the lower bound of the places a child could use: see :func:`public_capacity`.
CAPACITY_COLUMNS = ["placement_group", "year", "places", *[f"{s}|places" for s in ofsted.SECTORS], "places_filled",
                    "places_named", "basis", "source"]
IN_THE_AREA = "places in the area"


def _by_sector(here: pd.DataFrame, indicator: str) -> pd.Series:
    rows = here.loc[here["indicator"].eq(indicator) & here["unit"].eq(Unit.PLACES)]
    by = rows.set_index(["breakdown_group", "breakdown"])["value"]
    return pd.Series({s: float(by.get((SECTOR, s), np.nan)) for s in ofsted.SECTORS}
                     | {TOTAL: float(by.get((TOTAL, TOTAL), np.nan))})


def _places_text(places: pd.Series) -> str:
    sectors = ", ".join(f"{s.lower()} {half_up(places[s]):,.0f}" for s in ofsted.SECTORS
                        if s in MAIN_SECTORS or places.get(s, 0) > 0)
    return f"{half_up(places[TOTAL]):,.0f} ({sectors})"


def public_capacity(figures: pd.DataFrame, code: str, upto: int) -> pd.DataFrame:
    """Places in the area, from public figures, for the placement groups they fit, at the
    latest year published at or before ``upto``:

    - in-house foster care: the places approved with the authority's own foster carers (Ofsted
      via LAIT: "whether occupied or not; it relates to the capacity of foster care"), and the
      places filled beside them. Ofsted counts each approved place as filled, vacant or not
      available (a carer taking a break, for example) but does not publish the split by
      authority, so the places a child could use lie between the places filled (a lower bound:
      the children its carers looked after) and the places approved (an upper bound);
    - residential children's homes: children's home places in the area less those of
      short-break-only homes (short breaks are not placements of looked-after children),
      plus residential special schools registered as children's homes (a child there is
      placed in a children's home), by sector;
    - secure units: secure children's home places in the area, by sector.
    """
    rows = []
    in_house = _in_house_capacity(figures, code, upto)
    if in_house is not None:
        rows.append(in_house)
    # the authority's own latest year: one formed after Ofsted's count (Cumberland, April 2023) has none
    counted = series(figures, code, I.CHILDRENS_HOME_PLACES, Unit.PLACES).dropna()
    counted = counted.loc[counted.index <= upto]
    if len(counted):
        year = int(counted.index[-1])
        here = figures.loc[_where(figures, code) & figures["time_period"].eq(year)]
        homes, short, rss = (_by_sector(here, i) for i in (I.CHILDRENS_HOME_PLACES, I.SHORT_BREAK_HOME_PLACES,
                                                             I.RSS_HOME_PLACES))
        usable = homes - short.fillna(0) + rss.fillna(0)
        source = source_of(figures, I.CHILDRENS_HOME_PLACES, Unit.PLACES, [year])
        rows.append({"placement_group": PlacementGroup.CHILDRENS_HOMES, "year": year, "places": usable[TOTAL],
                     **{f"{s}|places": usable[s] for s in ofsted.SECTORS}, "places_named": IN_THE_AREA,
                     "basis": (f"children's home places in the area at 31 March {year}: {_places_text(homes)}, less "
                               f"{half_up(short[TOTAL]):,.0f} in short-break-only homes, plus "
                               f"{half_up(rss[TOTAL]):,.0f} in residential special schools registered as children's "
                               "homes"), "source": source})
        secure = _by_sector(here, I.SECURE_HOME_PLACES)
        rows.append({"placement_group": PlacementGroup.SECURE, "year": year, "places": secure[TOTAL],
                     **{f"{s}|places": secure[s] for s in ofsted.SECTORS}, "places_named": IN_THE_AREA,
                     "basis": f"secure children's home places in the area at 31 March {year}: {_places_text(secure)}; "
                              "secure homes take children from across England, placed through a national unit",
                     "source": source})
    return pd.DataFrame(rows, columns=CAPACITY_COLUMNS)


def _in_house_capacity(figures: pd.DataFrame, code: str, upto: int) -> dict | None:
    """The in-house foster care row of :func:`public_capacity`: the places approved at the
    latest year published, and the places filled of the same year (missing if not published)."""
    approved = series(figures, code, I.INHOUSE_FOSTER_PLACES, Unit.PLACES).dropna()
    approved = approved.loc[approved.index <= upto]
    if approved.empty:
        return None
    year, places = int(approved.index[-1]), float(approved.iloc[-1])
    filled = series(figures, code, I.INHOUSE_FOSTER_PLACES_FILLED, Unit.PLACES).dropna().get(year, np.nan)
    indicators = [I.INHOUSE_FOSTER_PLACES] + ([I.INHOUSE_FOSTER_PLACES_FILLED] if not np.isnan(filled) else [])
    source = "; ".join(dict.fromkeys(source_of(figures, i, Unit.PLACES, [year]) for i in indicators))
    between = ("Ofsted does not publish the places filled for that year" if np.isnan(filled) else
               f"{half_up(filled):,.0f} filled. Ofsted counts an approved place as filled, vacant or not available "
               "(for example, the carer is taking a break) but does not publish the split by authority, so the places "
               f"a child could use lie between the {half_up(filled):,.0f} filled (a lower bound) and the "
               f"{half_up(places):,.0f} approved (an upper bound)")
    return {"placement_group": PlacementGroup.IN_HOUSE, "year": year, "places": places, "places_filled": filled,
            "places_named": "places approved", "source": source,
            "basis": f"in-house foster places approved at 31 March {year}, family and friends carers excluded and "
                     f"Ofsted's figures rounded to 5: {half_up(places):,.0f} approved, {between}"}


def local_capacity(table: pd.DataFrame | None) -> pd.DataFrame:
    """A local capacity table (year, placement_group, places) in the capacity shape, every
    year it records (planned places of later years included: the gap reads each year's)."""
    if table is None or table.empty:
        return pd.DataFrame(columns=CAPACITY_COLUMNS)
    rows = table.groupby(["placement_group", table["year"].astype(int)], sort=False)["places"].sum().reset_index()
    return pd.DataFrame({"placement_group": rows["placement_group"], "year": rows["year"],
                         "places": rows["places"].astype(float),
                         "places_named": "places in the local capacity table",
                         "basis": "places recorded in the authority's local capacity table",
                         "source": LOCAL_CAPACITY}).reindex(columns=CAPACITY_COLUMNS)


def capacity(figures: pd.DataFrame | None, code: str, upto: int, local: pd.DataFrame | None = None) -> pd.DataFrame:
    """Public capacity (:func:`public_capacity`) and the local capacity table's rows, each with
    ``local`` saying which; the gap (:func:`demand.demand_against_capacity`) lets a local row
    win over a public one of the same placement group."""
    frames = [local_capacity(local).assign(local=True)]
    if figures is not None:
        frames.insert(0, public_capacity(figures, code, upto).assign(local=False))
    frames = [f for f in frames if len(f)]
    return (pd.concat(frames, ignore_index=True) if frames
            else pd.DataFrame(columns=[*CAPACITY_COLUMNS, "local"]))
