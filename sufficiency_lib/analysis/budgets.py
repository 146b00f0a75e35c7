"""Money over time: the authority's placement budgets (its local table) and what drove the
change in its spending on children looked after (DfE's S251 outturn against DfE's count of
children looked after at 31 March).

- **Budget lines** are as the authority records them (``financial_year``, ``budget``,
  ``amount_gbp``, what it covers in ``note``). A line whose name says "placements", and not
  saving, target or investment, is a placement budget (external, internal); other lines
  (savings targets, demography investment) are shown for their years as recorded.
- **Change in a budget line**: from one financial year to the next recorded for the same line.
- **What drove a change in spending** (the statements' "driven by numbers / unit costs"):
  spending S = N x s, with N the children looked after at 31 March of the year the financial
  year ends in (DfE) and s = S / N, the spending per child looked after. The change from one
  year to another splits exactly into (N1 - N0) x s0, more or fewer children at the old
  spending per child, and N1 x (s1 - s0), the change in spending per child.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

PLACEMENTS_WORD = "placements"
NOT_A_BUDGET = ("saving", "target", "investment")     # lines about a budget, not one
EXTERNAL, INTERNAL = "external placements", "internal placements"
_FY = re.compile(r"(\d{4})/(\d{2})\s*$")
_YEAR = re.compile(r"(\d{4})")


def period_end_year(period: str) -> int | None:
    """The calendar year a recorded period ends in: '2020/21' -> 2021, '2018-09 to 2018-12' ->
    2018, '2019-2022' -> 2022, '2018/19 to 2020/21' -> 2021; None when it names no year."""
    text = str(period).strip()
    fy = _FY.search(text)
    if fy:
        return int(fy.group(1)) + 1
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


def years_before(period: str, statement_year: int) -> int | None:
    """How many years the end of ``period`` is before 31 March of ``statement_year`` (whole
    years, 0 for the statement's own financial year); None when the period names no year."""
    end = period_end_year(period)
    return None if end is None else max(int(statement_year) - end, 0)


def budget_lines(budget: pd.DataFrame) -> pd.DataFrame:
    """The budget table in year order, each line marked as a placement budget or not, with its
    change on the same line's previous recorded year (pounds and percent; missing for the first)."""
    out = budget.copy()
    for column in ("note", "source"):
        if column not in out:
            out[column] = ""
    out = out.sort_values(["budget", "financial_year"], kind="stable")
    name = out["budget"].str.lower()
    out["placement_budget"] = name.str.contains(PLACEMENTS_WORD) & ~name.str.contains("|".join(NOT_A_BUDGET))
    previous = out.groupby("budget", sort=False)["amount_gbp"].shift()
    out["change_gbp"] = out["amount_gbp"] - previous
    out["change_percent"] = np.where(previous.abs() > 0, out["change_gbp"] / previous.abs() * 100, np.nan)
    out["previous_year"] = out.groupby("budget", sort=False)["financial_year"].shift().fillna("")
    return out.sort_values(["financial_year", "budget"], kind="stable").reset_index(drop=True)


def placement_budgets(budget: pd.DataFrame, year_text: str | None = None) -> dict | None:
    """The newest financial year (up to ``year_text``, e.g. '2024/25') with a placement budget:
    its year, the external and internal budgets (missing when not recorded), their total and
    the external share (percent, when both are known)."""
    lines = budget_lines(budget)
    lines = lines.loc[lines["placement_budget"]]
    if year_text is not None:
        lines = lines.loc[lines["financial_year"] <= year_text]
    if lines.empty:
        return None
    year = lines["financial_year"].max()
    rows = lines.loc[lines["financial_year"].eq(year)].set_index(lines.loc[lines["financial_year"].eq(year),
                                                                           "budget"].str.lower())
    external = float(rows.loc[EXTERNAL, "amount_gbp"]) if EXTERNAL in rows.index else np.nan
    internal = float(rows.loc[INTERNAL, "amount_gbp"]) if INTERNAL in rows.index else np.nan
    total = float(rows["amount_gbp"].sum())
    both = not (np.isnan(external) or np.isnan(internal))
    return {"financial_year": year, "external": external, "internal": internal, "total": total,
            "external_share": external / (external + internal) * 100 if both and external + internal else np.nan,
            "covers": {str(b): str(n) for b, n in zip(rows["budget"], rows["note"]) if str(n).strip()}}


def other_lines(budget: pd.DataFrame) -> pd.DataFrame:
    """Budget lines that are not placement budgets (savings targets, investment), each with its
    first and last year and the sum over the years recorded."""
    lines = budget_lines(budget)
    lines = lines.loc[~lines["placement_budget"]]
    grouped = lines.groupby("budget", sort=False)
    return pd.DataFrame({"first_year": grouped["financial_year"].min(), "last_year": grouped["financial_year"].max(),
                         "years": grouped.size(), "total_gbp": grouped["amount_gbp"].sum()}).reset_index()


def spend_drivers(spend: pd.Series, children: pd.Series, first: int | None = None,
                  last: int | None = None) -> dict | None:
    """What drove the change in spending from year ``first`` to ``last`` (default: the last
    two years with both figures): spending and children at both ends, the change, and its split
    into more or fewer children (at the old spending per child) and the change in spending
    per child. ``spend`` and ``children`` are indexed by the year ending 31 March."""
    both = pd.concat({"spend": spend, "children": children}, axis=1).dropna()
    both = both.loc[both["children"] > 0]
    if len(both) < 2:
        return None
    last = last if last is not None and last in both.index else int(both.index.max())
    earlier = both.loc[both.index < last]
    if earlier.empty:
        return None
    first = first if first is not None and first in earlier.index else int(earlier.index.max())
    s0, s1 = both.loc[first, "spend"], both.loc[last, "spend"]
    n0, n1 = both.loc[first, "children"], both.loc[last, "children"]
    per0, per1 = s0 / n0, s1 / n1
    return {"first": int(first), "last": int(last), "spend_first": float(s0), "spend_last": float(s1),
            "children_first": float(n0), "children_last": float(n1), "change": float(s1 - s0),
            "per_child_first": float(per0), "per_child_last": float(per1),
            "from_numbers": float((n1 - n0) * per0), "from_cost_per_child": float(n1 * (per1 - per0))}
