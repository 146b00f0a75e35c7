"""Groups of authorities (a regional care cooperative, a region's authorities, a pair that
commissions together): their figures made from their members'.

Published figures (:func:`group_figures`): counts are summed over the members; a rate is
recomputed from the summed counts and the summed populations, and a percentage from the
summed counts of the group's own total (never an average of the members' percentages).
Where any member's count is suppressed (``c``) the group's is suppressed too, so nothing a
member's suppression hides can be worked out from the group; a group figure is therefore
never a partial sum. Money per child (weekly unit costs) has no group figure: summing it
would mean nothing, and DfE publishes no weights to average it by.

Returns (:func:`combine_returns`): the members' cleaned tables put together, each child's
id prefixed by its authority's code so no two children collide, and the members' ledgers
read as one; every figure computed from the combined return is then the group's.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.config import Authority
from sufficiency_lib.published.figures import compact, figures_frame
from sufficiency_lib.vocabulary import TOTAL, Unit
from sufficiency_lib.wording import listed

ADDITIVE = (Unit.NUMBER, Unit.POPULATION, "places", "homes", "agencies", "gbp")
KEY = ["time_period", "indicator", "breakdown_group", "breakdown"]


def _place(authority: Authority) -> dict:
    return {"geographic_level": "Local authority", "country_code": "E92000001", "region_code": authority.region_code,
            "region_name": authority.region_name, "old_la_code": "", "new_la_code": authority.new_la_code,
            "la_name": authority.la_name}


def _summed(rows: pd.DataFrame, members: tuple[str, ...]) -> pd.DataFrame:
    """Sum each figure over the members: suppressed (``c``) where any member is, missing
    (``x``) where any member has no figure."""
    rows = rows.assign(value=rows["value"].astype("float64"), status=rows["status"].astype(str))
    grouped = rows.groupby([*KEY, "unit"], observed=True, sort=False)
    table = grouped.agg(value=("value", "sum"), members=("new_la_code", "nunique"),
                        suppressed=("status", lambda s: bool(s.eq("c").any())),
                        missing=("value", lambda v: bool(v.isna().any()))).reset_index()
    short = table["members"].lt(len(members)) | table["missing"]
    table["status"] = np.where(table["suppressed"], "c", np.where(short, "x", ""))
    table["value"] = table["value"].where(table["status"].eq(""))
    return table[[*KEY, "unit", "value", "status"]]


def _derived(sums: pd.DataFrame) -> pd.DataFrame:
    """Percentages of each group's total and rates per 10,000 from the summed counts."""
    numbers = sums.loc[sums["unit"].eq(Unit.NUMBER)]
    totals = numbers.loc[numbers["breakdown"].eq(TOTAL)].set_index(["time_period", "indicator", "breakdown_group"])
    keyed = numbers.set_index(["time_period", "indicator", "breakdown_group"])
    total = totals["value"].reindex(keyed.index).to_numpy(dtype=float)
    total_status = totals["status"].reindex(keyed.index).fillna("x").to_numpy()
    percent = numbers.assign(unit=Unit.PERCENT, value=numbers["value"].to_numpy(dtype=float) / total * 100,
                             status=np.where(numbers["status"].ne(""), numbers["status"],
                                             np.where(total_status != "", total_status, "")))
    population = sums.loc[sums["unit"].eq(Unit.POPULATION)].set_index(KEY)["value"]
    counted = numbers.loc[numbers.set_index(KEY).index.isin(population.index)]
    size = population.reindex(counted.set_index(KEY).index).to_numpy(dtype=float)
    rate = counted.assign(unit=Unit.RATE, value=counted["value"].to_numpy(dtype=float) / size * 10_000)
    out = pd.concat([percent, rate], ignore_index=True)
    out["value"] = out["value"].where(out["status"].eq(""))
    return out


def group_figures(figures: pd.DataFrame, authority: Authority) -> pd.DataFrame:
    """The group's published figures, in the figures shape, from its members' rows."""
    members = authority.members
    rows = figures.loc[figures["geographic_level"].eq("Local authority") & figures["new_la_code"].isin(members)
                       & figures["unit"].isin(ADDITIVE)]
    sums = _summed(rows, members)
    out = pd.concat([sums, _derived(sums)], ignore_index=True)
    named = rows.drop_duplicates("new_la_code").set_index("new_la_code")["la_name"]
    source = f"sum of the figures published for {listed(named.get(code, code) for code in members)}"
    return figures_frame(out.assign(**_place(authority), source=source))


def with_group(published, authority: Authority):
    """``published`` with the group's own rows added (figures and population), so every
    comparison of the group reads them as it would an authority's (a group is never ranked
    among authorities, and has no statistical neighbours)."""
    if not authority.is_group:
        return published
    from dataclasses import replace

    def joined(frame: pd.DataFrame) -> pd.DataFrame:
        rows = group_figures(frame, authority).assign(release=int(frame["release"].max()), source_file="",
                                                      origin="sum of the members' figures")
        return compact(pd.concat([frame, rows[frame.columns.intersection(rows.columns)]], ignore_index=True))

    return replace(published, figures=joined(published.figures), population=joined(published.population))


# --- returns -------------------------------------------------------------------------------

@dataclass
class CombinedLedger:
    """The members' ledgers read as one (rows in, kept, set aside: summed by table)."""

    ledgers: dict

    def reconciliation(self) -> pd.DataFrame:
        frames = [ledger.reconciliation() for ledger in self.ledgers.values()]
        table = pd.concat(frames, ignore_index=True)
        numeric = [c for c in table.columns if c not in ("table", "balanced")]
        summed = table.groupby("table", sort=False)[numeric].sum().reset_index()
        return summed.assign(balanced=table.groupby("table", sort=False)["balanced"].all().to_numpy())

    def rule_summary(self) -> pd.DataFrame:
        frames = [ledger.rule_summary().assign(authority=code) for code, ledger in self.ledgers.items()]
        return pd.concat(frames, ignore_index=True)


@dataclass
class CombinedReturn:
    """A group's return: the members' clean tables with children's ids made unique."""

    tables: dict
    ledger: CombinedLedger


def combine_returns(results: dict) -> CombinedReturn:
    """Put the members' clean returns (code -> CleanReturn) together."""
    tables: dict[str, list] = {}
    for code, result in results.items():
        for name, frame in result.tables.items():
            if "CHILD" in frame.columns:
                frame = frame.assign(CHILD=code + ":" + frame["CHILD"].astype(str))
            tables.setdefault(name, []).append(frame)
    combined = {name: pd.concat(frames, ignore_index=True) for name, frames in tables.items()}
    return CombinedReturn(combined, CombinedLedger({code: r.ledger for code, r in results.items()}))
