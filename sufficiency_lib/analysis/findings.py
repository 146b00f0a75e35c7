"""Challenges detected from the numbers by explicit rules, for each chapter's summary of
findings and the executive summary.

Each rule reads figures the page shows (computed from the return, suppressed as shown, or
DfE's published figures) and returns a :class:`Finding` or nothing. The tests are simple
comparisons whose thresholds are named here, so a reviewer can see why a challenge was
raised:

- a share *falling* or *rising*: the latest year against the first year shown, by at
  least :data:`MIN_POINTS` percentage points (whole percentages, as published);
- *above/below England or neighbours*: the authority's latest published figure against
  England's and the neighbours' mean, beyond :data:`MIN_GAP_POINTS` points;
- the UASC count against :data:`NTS_WARNING` of the National Transfer Scheme ceiling;
- from the local tables: an IFA weekly cost up :data:`REAL_RISE` % or more in real terms
  (only with a deflator: a rise in cash says nothing of a rise beyond prices), a fostering
  net gain below its target, external placements costing :data:`BUDGET_GAP` more than a
  budget of no more than :data:`STALE_YEARS` years before (an older one is not like for like),
  printed framework averages that disagree.

Areas are the statement's; the actions an authority records (:mod:`actions`) join on
them. A finding is a *challenge* (a gap in sufficiency the statement must answer) or an
internal *check* (a problem with the data the analyst must fix before publishing): checks
belong to the data-quality annex, never to the summary of findings.

Rules read :class:`~sufficiency_lib.analysis.facts.Facts` (and, for the forecast chapter,
the :class:`~sufficiency_lib.analysis.demand.Outlook`); :func:`detect_all` runs every
chapter's rules once for an authority and year.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import budgets as budgets_mod
from sufficiency_lib.analysis import costs, market, nts
from sufficiency_lib.analysis import demand as outlook_mod
from sufficiency_lib.analysis.facts import Facts, published_comparison
from sufficiency_lib.analysis.demand import Outlook
from sufficiency_lib.published.figures import INDICATORS
from sufficiency_lib.wording import half_up, in_sentence, money_text
from sufficiency_lib.vocabulary import (SIXTEEN_PLUS, TOTAL, Area, CareLeavers, Distance, Group, Indicator, Locality,
                                        PlacementGroup, Stability, Uasc, Unit)

MIN_POINTS = 2          # percentage points of change that count as a trend
MIN_GAP_POINTS = 2      # percentage points above/below a comparator that count as a gap
RATE_GAP = 0.10         # a rate 10% above its neighbours' mean
NTS_WARNING = 0.9       # UASC at 90% of the ceiling or more
MIN_YEARS = 3           # a trend needs at least three years of figures
FORECAST_RISE = 5.0     # percent more children projected by the end of the statement's years
FORECAST_MIN_BASE = 20   # a placement type this small rises or falls by chance: no finding on it
REAL_RISE = 5.0         # percent rise in a weekly cost over the years recorded
BUDGET_GAP = 0.10       # external placements costing 10% more than their budget


@dataclass(frozen=True)
class Finding:
    """One thing a rule found: a challenge for the statement, or an internal check."""

    area: str
    challenge: str
    internal: bool = False      # a check on the data for the analyst, not a challenge


# --- the tests, on plain numbers ---------------------------------------------------------

def share_change(series: pd.Series) -> tuple[int, int, int] | None:
    """(first year, last year, change in whole points) of a share series, or None when
    fewer than :data:`MIN_YEARS` years are known."""
    known = series.dropna()
    if len(known) < MIN_YEARS:
        return None
    return int(known.index[0]), int(known.index[-1]), int(half_up(known.iloc[-1]) - half_up(known.iloc[0]))


def trend(series: pd.Series, rising: bool, min_points: int = MIN_POINTS) -> tuple[int, int, int] | None:
    """The change when the share rose (``rising``) or fell by at least ``min_points``."""
    change = share_change(series)
    if change is None:
        return None
    points = change[2]
    return change if (points >= min_points if rising else points <= -min_points) else None


def gap(value: float, reference: float, above: bool, min_gap: float = MIN_GAP_POINTS) -> bool:
    """Whether ``value`` is above (``above``) or below ``reference`` by more than ``min_gap``."""
    if pd.isna(value) or pd.isna(reference):
        return False
    return value - reference > min_gap if above else reference - value > min_gap


def _points(n: int) -> str:
    return f"{abs(n)} percentage point{'s' if abs(n) != 1 else ''}"


def _trend_text(what: str, change: tuple[int, int, int], series: pd.Series) -> str:
    first, last, points = change
    return (f"The share of {what} {'rose' if points > 0 else 'fell'} {_points(points)}, from "
            f"{half_up(series[first]):.0f}% in {first} to {half_up(series[last]):.0f}% in {last}.")


# --- rules on the facts -------------------------------------------------------------------

def _versus(facts: Facts, what: str, area: str, indicator: str, group: str, breakdown: str,
            high_is_bad: bool) -> list[Finding]:
    """A published percentage worse than England's or the neighbours' mean, by the gap rule
    and beyond what chance gives (a difference inside the 95% interval, which the chapter
    calls similar, is not raised)."""
    row = facts.latest_published(indicator, Unit.PERCENT, group, breakdown)
    if row is None:
        return []
    for name, column, verdict in (("England", "england", "vs_england"),
                                  ("its statistical neighbours' average", "sn_mean", "vs_neighbours")):
        if row.get(verdict, "") == "similar":
            continue
        if gap(float(row["value"]), float(row[column]) if not pd.isna(row[column]) else np.nan, high_is_bad):
            return [Finding(area, f"{what[0].upper() + what[1:]} was {half_up(row['value']):.0f}% in "
                                  f"{row['time_period']}, {'above' if high_is_bad else 'below'} {name} "
                                  f"({half_up(row[column]):.0f}%).")]      # one comparison is enough to raise it
    return []


def _trend_rule(facts: Facts, area: str, what: str, indicator: str, group: str, breakdown: str,
                rising: bool) -> list[Finding]:
    series = facts.share_series(indicator, group, breakdown)
    change = trend(series, rising)
    return [Finding(area, _trend_text(what, change, series))] if change else []


def children_in_care(facts: Facts) -> list[Finding]:
    row = facts.latest_published(Indicator.CLA, Unit.RATE)
    if row is None or pd.isna(row["sn_mean"]) or row["value"] <= row["sn_mean"] * (1 + RATE_GAP):
        return []
    return [Finding(Area.CHILDREN_IN_CARE, f"The rate of children looked after ({half_up(row['value']):.0f} per 10,000 "
                                           f"in {row['time_period']}) was more than {half_up(RATE_GAP * 100):.0f}% "
                                           "above the statistical neighbours' average "
                                           f"({half_up(row['sn_mean']):.0f}).")]


def placements(facts: Facts) -> list[Finding]:
    group, cla = Group.PLACEMENT_GROUP, Indicator.CLA
    out = _trend_rule(facts, Area.FOSTERING, "children in in-house foster care", cla, group,
                      PlacementGroup.IN_HOUSE, rising=False)
    out += _trend_rule(facts, Area.FOSTERING, "children in IFA foster care", cla, group, PlacementGroup.IFA,
                       rising=True)
    out += _trend_rule(facts, Area.RESIDENTIAL, "children in residential children's homes", cla, group,
                       PlacementGroup.CHILDRENS_HOMES, rising=True)
    out += _trend_rule(facts, Area.SUPPORTED, "children in supported accommodation (16+)", cla, group,
                       PlacementGroup.SUPPORTED, rising=True)
    out += _versus(facts, "the share of children with 3 or more placements in the year", Area.STABILITY,
                   cla, Group.STABILITY, Stability.THREE_OR_MORE, high_is_bad=True)
    out += _versus(facts, "the share of long-term looked after children under 16 living with the same carer "
                          "for 2 years", Area.STABILITY, Indicator.LONG_TERM_UNDER_16, Group.STABILITY,
                   Stability.SAME_CARER, high_is_bad=False)
    return out


def population(facts: Facts) -> list[Finding]:
    cla = Indicator.CLA
    out = _trend_rule(facts, Area.OUT_OF_AREA, "children placed more than 20 miles from home", cla,
                      Group.DISTANCE, Distance.FAR, rising=True)
    out += _versus(facts, f"the share of children placed outside {facts.own_boundary}", Area.OUT_OF_AREA,
                   cla, Group.LOCALITY, Locality.OUTSIDE, high_is_bad=True)
    published_16 = _versus(facts, "the share of children looked after aged 16 and over", Area.COMPOSITION,
                           cla, Group.AGE, SIXTEEN_PLUS, high_is_bad=True)
    out += published_16 or _trend_rule(facts, Area.COMPOSITION, "children looked after aged 16 and over",
                                       cla, Group.AGE, SIXTEEN_PLUS, rising=True)
    return out + uasc(facts)


def nts_ceiling(facts: Facts, year: int) -> float:
    """The National Transfer Scheme ceiling at 31 March ``year`` for the authority, on its
    ONS population aged 0 to 17 of the mid-year before (missing when not known); for a group,
    its members' ceilings added up, each council's being its own."""
    if facts.members:
        return sum(nts_ceiling(member, year) for member in facts.members)
    return nts.nts_ceiling(facts.population_0_17(year - 1), pd.Timestamp(year, 3, 31))


def uasc(facts: Facts) -> list[Finding]:
    count = facts.shown(Indicator.CLA, Group.UASC, Uasc.YES)
    ceiling = nts_ceiling(facts, facts.year)
    if pd.isna(count) or pd.isna(ceiling) or count < NTS_WARNING * ceiling:
        return []
    word = "above" if count > ceiling else "at or near"
    return [Finding(Area.UASC, f"{half_up(count):.0f} unaccompanied asylum-seeking children were looked after at 31 "
                               f"March {facts.year}, {word} the National Transfer Scheme ceiling of "
                               f"{half_up(ceiling):.0f}.")]


def care_leavers(facts: Facts) -> list[Finding]:
    out = []
    for indicator, ages in ((Indicator.CARE_LEAVERS_17_18, "17 to 18"), (Indicator.CARE_LEAVERS_19_21, "19 to 21")):
        out += _versus(facts, f"the share of care leavers aged {ages} in education, employment or training",
                       Area.CARE_LEAVERS, indicator, Group.ACTIVITY, CareLeavers.EET, high_is_bad=False)
        out += _versus(facts, f"the share of care leavers aged {ages} in suitable accommodation",
                       Area.CARE_LEAVERS, indicator, Group.ACCOMMODATION, CareLeavers.SUITABLE,
                       high_is_bad=False)
    return out


def data_quality(facts: Facts) -> list[Finding]:
    if facts.data is None:
        return []
    held = int(facts.data.result.ledger.reconciliation()["quarantined"].sum())
    if not held:
        return []
    said = ("1 row of the return was set aside and is not in any figure; it is" if held == 1 else
            f"{held:,} rows of the return were set aside and are not in any figure; they are")
    return [Finding(Area.DATA_QUALITY, f"{said} listed in the validation report.", internal=True)]


def reconciliation(facts: Facts) -> list[Finding]:
    """A check: counts computed from the return that differ from DfE's published ones for the
    same years, and where most do (no difference is stated: it could give a hidden count back)."""
    both = published_comparison(facts)
    known = both.dropna(subset=["value_published"]) if len(both) else both
    differ = known.loc[known["difference"].abs() >= 0.5] if len(known) else known
    if not len(differ):
        return []
    most = differ["indicator"].value_counts().index[0]
    return [Finding(Area.DATA_QUALITY, f"{len(differ):,} of the {len(known):,} counts computed from the return "
                                       "differ from DfE's published figures for the same years, most of them in "
                                       f"{in_sentence(INDICATORS.get(most, most))}: the comparison below says "
                                       "where.", internal=True)]


# --- provision and costs (local data) -------------------------------------------------------

def _cost_rise(facts: Facts) -> list[Finding]:
    weekly, deflator = facts.local.get("weekly_costs"), facts.local.get("deflator")
    if weekly is None or weekly.empty or deflator is None:
        return []
    out = []
    for row in costs.cost_changes(costs.unit_costs(weekly, deflator)).itertuples():
        change = row.real_change_percent
        if costs.placement_group_of(row.placement_type, row.provider) == PlacementGroup.IFA and change >= REAL_RISE:
            ending = int(str(row.last_year)[:4]) + (1 if "/" in str(row.last_year) else 0)   # 2020/21 -> 2021
            out.append(Finding(Area.FOSTERING, f"The weekly cost of IFA foster care rose {half_up(change):.0f}% "
                                               f"in real terms from {row.first_year} to {row.last_year}."
                                               + dated(facts.year, ending)))
    return out


def _net_gain(facts: Facts) -> list[Finding]:
    recruitment = facts.local.get("fostering_recruitment")
    if recruitment is None or recruitment.empty:
        return []
    summary, target = costs.fostering_summary(recruitment), costs.target_net_gain(recruitment)
    if "net_gain_households" not in summary or pd.isna(target):
        return []
    known = summary.dropna(subset=["net_gain_households"])
    if not len(known) or known.iloc[-1]["net_gain_households"] >= target:
        return []
    row = known.iloc[-1]
    return [Finding(Area.FOSTERING, "The net gain of in-house fostering households was "
                                    f"{half_up(row['net_gain_households']):.0f} in {row['period']}, below the target "
                                    f"of {half_up(target):.0f} a year.")]


def printed_averages(facts: Facts) -> list[Finding]:
    """A check: printed framework averages that disagree with the prices they average."""
    prices = facts.local.get("supported_accommodation_prices")
    if prices is None or prices.empty:
        return []
    _, checks = costs.price_matrix(prices)
    wrong = checks.loc[~checks["agrees"]] if len(checks) else checks
    if not len(wrong):
        return []
    return [Finding(Area.DATA_QUALITY, f"{len(wrong)} of the framework's printed average prices do not agree "
                                       "with the prices they average.", internal=True)]


def _budget(facts: Facts) -> list[Finding]:
    weekly, budgets = facts.local.get("weekly_costs"), facts.local.get("placement_budget")
    if weekly is None or weekly.empty or budgets is None:
        return []
    budget = costs.budget_for(budgets, facts.year)
    if budget is not None and (budgets_mod.years_before(budget["financial_year"], facts.year) or 0) > STALE_YEARS:
        return []                           # budgets and costs have both moved since: not like for like
    counts = facts.figures.loc[facts.figures["indicator"].eq(Indicator.CLA) & facts.figures["unit"].eq(Unit.NUMBER)
                               & facts.figures["breakdown_group"].eq(Group.PLACEMENT_GROUP)
                               & facts.figures["time_period"].eq(facts.year) & facts.figures["breakdown"].ne(TOTAL)]
    mix = costs.mix_cost(counts.set_index("breakdown")["value"].astype(float), costs.unit_costs(weekly), facts.year)
    external = mix.loc[mix["placement_group"].isin(costs.EXTERNAL_GROUPS), "annual_cost"].sum()
    if budget is None or external <= budget["amount_gbp"] * (1 + BUDGET_GAP):
        return []
    return [Finding(Area.COSTS, f"At the recorded weekly costs, external placements at 31 March {facts.year} cost "
                                f"about {money_text(external)} a year, "
                                f"{half_up((external / budget['amount_gbp'] - 1) * 100):.0f}% above the "
                                f"{budget['financial_year']} budget of {money_text(budget['amount_gbp'])}.")]


def provision(facts: Facts) -> list[Finding]:
    return _cost_rise(facts) + _net_gain(facts) + _budget(facts)


# --- provision from public data (Ofsted, LAIT) ------------------------------------------------

STALE_YEARS = 2          # a figure more than this many years older than the statement says its age
FOSTER_FALL = 5.0        # percent fewer in-house foster places approved than in the first year known
COST_RISE_OVER_ENGLAND = 10.0   # points by which a unit cost's rise must exceed England's
PLACES_PRESSURE = 0.9    # own children in children's homes at 90% or more of the places in the area


def dated(year: int, figure_year: int) -> str:
    """A sentence on a figure's age when it is more than :data:`STALE_YEARS` older than the
    statement's ``year`` (empty otherwise)."""
    years = int(year) - int(figure_year)
    return (f" This rests on the figure for {figure_year}, {years} years before {year}: newer figures may differ."
            if years > STALE_YEARS else "")


def _public(facts: Facts):
    return None if facts.published is None else facts.published.figures


def few_home_places(facts: Facts) -> list[Finding]:
    """Children's home places per 10,000 children in the area more than :data:`RATE_GAP` below
    the statistical neighbours' mean, at the latest 31 March Ofsted's register is read."""
    figures = _public(facts)
    if figures is None:
        return []
    table = market.comparison(figures, facts.code, Indicator.CHILDRENS_HOME_PLACES, Unit.RATE, facts.year,
                              facts.authority.neighbour_model).dropna(subset=["value"])
    if table.empty:
        return []
    row = table.iloc[-1]
    if pd.isna(row["sn_mean"]) or not row["value"] < row["sn_mean"] * (1 - RATE_GAP):
        return []
    year = int(row["time_period"])
    return [Finding(Area.RESIDENTIAL, f"There were {half_up(row['value'], 1):.1f} children's home places per 10,000 "
                                      f"children in the area at 31 March {year}, more than "
                                      f"{half_up(RATE_GAP * 100):.0f}% below the statistical neighbours' average "
                                      f"({half_up(row['sn_mean'], 1):.1f}; England {half_up(row['england'], 1):.1f})."
                    + dated(facts.year, year))]


def falling_foster_places(facts: Facts) -> list[Finding]:
    """In-house foster places approved falling by :data:`FOSTER_FALL` % or more over the years known."""
    figures = _public(facts)
    if figures is None:
        return []
    places = market.foster_capacity(figures, facts.code, facts.year, facts.local.get("capacity"))
    moved = market.change(places.set_index("time_period")["approved"])
    if moved is None or moved[2] > -FOSTER_FALL:
        return []
    first, last, percent = moved
    approved = places.set_index("time_period")["approved"]
    return [Finding(Area.FOSTERING, f"Places approved with {facts.whose} own foster carers fell "
                                    f"{half_up(-percent):.0f}%, from {half_up(approved[first]):,.0f} at 31 March "
                                    f"{first} to {half_up(approved[last]):,.0f} at 31 March "
                                    f"{last}." + dated(facts.year, last))]


def foster_occupancy(facts: Facts) -> list[Finding]:
    """In-house foster occupancy (places filled of places approved) below England's by more
    than :data:`MIN_GAP_POINTS` points: approved places the service does not use."""
    figures = _public(facts)
    if figures is None:
        return []
    table = market.comparison(figures, facts.code, Indicator.INHOUSE_FOSTER_PLACES_FILLED, Unit.PERCENT, facts.year,
                              facts.authority.neighbour_model).dropna(subset=["value"])
    if table.empty or not gap(float(table.iloc[-1]["value"]), float(table.iloc[-1]["england"]), above=False):
        return []
    row = table.iloc[-1]
    year = int(row["time_period"])
    return [Finding(Area.FOSTERING, f"{half_up(row['value']):.0f}% of the places approved with {facts.whose} own "
                                    f"foster carers were filled at 31 March {year}, below England "
                                    f"({half_up(row['england']):.0f}%): approved places that are not used are capacity "
                                    "the authority cannot count on."
                    + dated(facts.year, year))]


def public_cost_rise(facts: Facts) -> list[Finding]:
    """An S251 weekly unit cost (fostering, residential care) that rose :data:`REAL_RISE` % or
    more over the last five years published and more than England's by
    :data:`COST_RISE_OVER_ENGLAND` points; in real terms when a deflator is given."""
    figures = _public(facts)
    if figures is None:
        return []
    deflator = facts.local.get("deflator")
    table = market.unit_costs(figures, facts.code, facts.year, facts.authority.neighbour_model, deflator)
    out = []
    for indicator in (Indicator.UNIT_COST_FOSTERING, Indicator.UNIT_COST_RESIDENTIAL):
        rows = table.loc[table["indicator"].eq(indicator)].set_index("time_period").sort_index().tail(6)
        real = deflator is not None and rows["real_value"].notna().any()
        mine = rows["real_value"] if real else rows["value"]
        england = costs.real_terms(rows["financial_year"], rows["england"], deflator)[0] if real else rows["england"]
        moved, theirs = market.change(mine), market.change(england)
        if moved is None or theirs is None or moved[2] < REAL_RISE or moved[2] - theirs[2] < COST_RISE_OVER_ENGLAND:
            continue
        first, last, percent = moved
        terms = "in real terms" if real else "in cash terms"
        out.append(Finding(Area.COSTS, f"The S251 weekly unit cost of {market.UNIT_COSTS[indicator].lower()} rose "
                                       f"{half_up(percent):.0f}% {terms} from {costs.financial_year(first)} to "
                                       f"{costs.financial_year(last)} (£{half_up(mine[first]):,.0f} to "
                                       f"£{half_up(mine[last]):,.0f} a week), against {half_up(theirs[2]):.0f}% for "
                                       "England." + dated(facts.year, last)))
    return out


def home_places_pressure(facts: Facts) -> list[Finding]:
    """The authority's own children in residential children's homes at 31 March of the page's
    year (as the page shows them) at :data:`PLACES_PRESSURE` or more of the places in
    children's homes in its area: places that every authority's children compete for."""
    figures = _public(facts)
    children = facts.shown(Indicator.CLA, Group.PLACEMENT_GROUP, PlacementGroup.CHILDRENS_HOMES)
    if figures is None or pd.isna(children):
        return []
    found = market.public_capacity(figures, facts.code, facts.year)
    found = found.loc[found["placement_group"].eq(PlacementGroup.CHILDRENS_HOMES)]
    if found.empty or not children >= PLACES_PRESSURE * float(found["places"].iloc[0]):
        return []
    places, year = float(found["places"].iloc[0]), int(found["year"].iloc[0])
    return [Finding(Area.GAP, f"{half_up(children):,.0f} of {facts.whose} children were in residential children's "
                              f"homes at 31 March {facts.year}, against {half_up(places):,.0f} places in children's "
                              f"homes in its area at 31 March {year} (short-break-only homes left out): placed all in "
                              f"the area, they alone would fill {half_up(children / places * 100):.0f}% of the places, "
                              "which every authority's children use."
                    + dated(facts.year, year))]


def market_rules(facts: Facts) -> list[Finding]:
    """The provision chapter's rules on public figures of the market, capacity and money."""
    return (few_home_places(facts) + falling_foster_places(facts) + foster_occupancy(facts) + public_cost_rise(facts)
            + home_places_pressure(facts))


# --- forecast -------------------------------------------------------------------------------

def forecast_rules(facts: Facts, outlook: Outlook) -> list[Finding]:
    """A projected rise in the number in care, or in a placement type, of FORECAST_RISE% or
    more by the end of the statement's years, with the 80% interval above today's figure for
    a placement type (a rise the forecast is fairly sure of); and projected demand above
    capacity."""
    out = []
    final = outlook.forecasts.loc[outlook.forecasts["time_period"].eq(outlook.end)]
    for row in final.itertuples(index=False):
        history = outlook.history.get(row.series)
        if row.series == outlook_mod.RATE or history is None or history.empty:
            continue
        last = float(history.iloc[-1])
        rise = (row.mean / last - 1) * 100 if last else np.nan
        if not rise >= FORECAST_RISE or (row.series != outlook_mod.CLA and not (row.lower_80 > last
                                                                               and last >= FORECAST_MIN_BASE)):
            continue
        subject = ("children looked after" if row.series == outlook_mod.CLA
                   else f"children in {in_sentence(row.series)}")
        out.append(Finding(Area.FORECAST, f"The number of {subject} is projected to rise {half_up(rise):.0f}% from "
                                          f"{half_up(last):,.0f} to {half_up(row.mean):,.0f} by 31 March {outlook.end} "
                                          f"(80% interval {half_up(row.lower_80):,.0f} to "
                                          f"{half_up(row.upper_80):,.0f})."))
    for row in outlook.gap.loc[outlook.gap["gap"] < -0.5].itertuples():
        short = int(half_up(-row.gap))
        out.append(Finding(Area.GAP, f"Projected demand for {in_sentence(row.placement_group)} exceeds the "
                                     f"{half_up(row.capacity):,.0f} {row.places_named} at 31 March "
                                     f"{int(row.capacity_year)} by {short:,} {'child' if short == 1 else 'children'} "
                                     f"in {row.time_period}."))
    return out


#: Chapter -> its rules, in the order the summary lists them.
RULES = {
    "children_in_care": [children_in_care],
    "placements": [placements],
    "provision": [provision, market_rules],
    "population": [population],
    "care_leavers": [care_leavers],
    "forecast": [forecast_rules],
    "data_quality": [data_quality, reconciliation, printed_averages],
}


def detect(facts: Facts, chapter: str, outlook: Outlook | None = None) -> list[Finding]:
    """Every finding of the rules of ``chapter`` (the forecast's need ``outlook``)."""
    found = []
    for rule in RULES.get(chapter, []):
        found += rule(facts, outlook) if rule is forecast_rules else rule(facts)
    return found


def detect_all(facts: Facts, outlook: Outlook | None) -> dict[str, list[Finding]]:
    """Every chapter's findings, computed once for an authority and year."""
    return {chapter: detect(facts, chapter, outlook) for chapter in RULES
            if chapter != "forecast" or outlook is not None}


def on_page(found: dict[str, list[Finding]], chapter: str) -> list[Finding]:
    """A chapter page's findings: its own rules', and on the forecast page the sufficiency gap
    the provision chapter finds in the places now, so that the page of the gap never says no
    challenge was found in it while the executive summary lists one."""
    own = list(found.get(chapter, []))
    if chapter == "forecast":
        own += [f for f in found.get("provision", []) if f.area == Area.GAP and f not in own]
    return own


def summary_table(found: list[Finding], actions: pd.DataFrame, areas: list[str] | None = None,
                  internal: bool = False) -> pd.DataFrame:
    """Challenges joined with the recorded actions and impact by area. Areas with actions
    but no detected challenge are listed too (when in ``areas``, or all when None).
    Internal checks are left out (``internal``: kept, on the data-quality annex they belong to)."""
    rows = [f.__dict__ for f in found if internal or not f.internal]
    challenges = pd.DataFrame(rows, columns=["area", "challenge", "internal"], dtype=object)
    challenges = challenges.groupby("area", sort=False)["challenge"].agg(" ".join).reset_index()
    recorded = actions if areas is None else actions.loc[actions["area"].isin(areas)]
    order = list(dict.fromkeys([*challenges["area"], *recorded["area"]]))   # found first, then recorded
    table = (pd.DataFrame({"area": pd.Series(order, dtype=object)})
             .merge(challenges, on="area", how="left").merge(recorded.astype(object), on="area", how="left"))
    table["challenge"] = table["challenge"].fillna("No challenge detected from the figures.")
    table["actions"] = table["actions"].fillna("None recorded.")
    table["impact"] = table["impact"].fillna("")
    return table.rename(columns={"area": "Area", "challenge": "Challenges and gaps found",
                                 "actions": "Actions required", "impact": "Intended impact"})
