"""What the analysis of one authority and year reads, loaded once: :class:`Facts`.

The facts hold the cleaned return (when there is one) and every figure computed from it
for the statement's years, the published statistics to compare with, the local tables and
actions, and the disclosure threshold. Everything after them (benchmarks, forecasts,
findings, the chapters) reads them and loads nothing again.

Figures "as shown" (:meth:`Facts.shown`, :meth:`Facts.share_series`) are the computed
figures as a page may state them: a count its breakdown's table hides (1 to 5, or hidden so
that one cannot be worked out; for a group, also what a member's table hides), and any
percentage of it, is missing (see :mod:`sufficiency_lib.analysis.disclosure`), so that rules
and sentences never state what a table hides.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import benchmark, disclosure, groups, metrics
from sufficiency_lib.config import Authority
from sufficiency_lib.inputs import Inputs
from sufficiency_lib.local import actions as actions_mod
from sufficiency_lib.local import local_data
from sufficiency_lib.published.figures import select, side_by_side
from sufficiency_lib.ssda903 import clean, groupings, quality_report
from sufficiency_lib.vocabulary import (CARE_LEAVER_INDICATORS, TOTAL, CareLeavers, Group, Indicator, PlacementGroup,
                                        Unit)
from sufficiency_lib.wording import half_up

HISTORY_YEARS = 6          # the statement's tables look back six years
MIXED_TOLERANCE = 0.02     # a return's count and DfE's within 2% (or 2 children) are the same figure


@dataclass
class ReturnData:
    """A cleaned, year-merged return, its data-quality ledger, and where it came from."""

    result: clean.CleanReturn
    source: str
    synthetic: bool

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.result.tables

    @property
    def episodes(self) -> pd.DataFrame:
        return self.result.tables["episodes"]


class ReturnNotUsable(ValueError):
    """A return the statement cannot be made from: the reasons, each with its fix."""

    def __init__(self, folder, reasons: list[str]):
        self.reasons = reasons
        super().__init__(f"the return in {folder} cannot be used: " + " ".join(reasons))


def _usable(inputs: Inputs) -> clean.CleanReturn:
    result = clean.load_clean_return(inputs.return_dir, year_label=inputs.year_label)
    assessment = quality_report.assess(result)
    if not assessment.usable:
        raise ReturnNotUsable(inputs.return_dir, assessment.reasons)
    return result


def load_return(inputs: Inputs) -> ReturnData | None:
    """The cleaned return named by ``inputs`` (None when there is none; a group's, its
    members' put together); a return that is not usable (no header or episodes, or a
    blocking finding) raises :class:`ReturnNotUsable`."""
    return _load_returns(inputs)[0]


def _own_return(inputs: Inputs) -> ReturnData:
    source = ("the council's children looked after return (SSDA903), synthetic, made for demonstration"
              if inputs.synthetic else "the council's children looked after return (SSDA903)")
    return ReturnData(_usable(inputs), source, inputs.synthetic)


def _load_returns(inputs: Inputs) -> tuple[ReturnData | None, dict[str, ReturnData]]:
    """:func:`load_return`, and a group's members' own returns by code (each read once)."""
    if not inputs.has_return:
        return None, {}
    if not inputs.members:
        return _own_return(inputs), {}
    members = {m.code: _own_return(m) for m in inputs.members}
    result = groups.combine_returns({code: data.result for code, data in members.items()})
    source = ("its members' children looked after returns (SSDA903), synthetic, made for demonstration"
              if inputs.synthetic else "its members' children looked after returns (SSDA903)")
    return ReturnData(result, source, inputs.synthetic), members


#: Breakdowns of one indicator, each in a table of its own, that count the same children: a
#: care leaver not in touch has neither accommodation nor activity recorded; a child placed
#: with parents has them as provider. Where their counts agree, the pages hide all of them or
#: none, or one table would give back what another hides to protect a small count
#: (Cambridgeshire's 12 not in touch in 2021 gave back its 4 in unsuitable accommodation: 135
#: less 119 suitable less 12; Peterborough's 9 with parents as provider in 2023 gave back 2 in
#: secure units, hidden with placed with parents).
LINKED = (
    (tuple(CARE_LEAVER_INDICATORS.values()),
     {Group.IN_TOUCH: CareLeavers.NOT_IN_TOUCH, Group.ACCOMMODATION: CareLeavers.NO_INFORMATION,
      Group.ACTIVITY: CareLeavers.ACTIVITY_NOT_KNOWN}),
    ((Indicator.CLA, Indicator.NEW_PLACEMENTS),
     {Group.PLACEMENT_GROUP: PlacementGroup.PARENTS, Group.PROVIDERS: groupings.DFE_PROVIDER["PR0"]}),
)


def _links(indicator: str, group: str) -> dict[str, str]:
    """The breakdowns linked with ``group``'s for ``indicator`` (:data:`LINKED`), or none."""
    return next((links for indicators, links in LINKED if indicator in indicators and group in links), {})


@dataclass
class Facts:
    """Everything the analysis of one authority and year reads."""

    inputs: Inputs
    year: int
    data: ReturnData | None
    figures: pd.DataFrame             # computed from the return, one row per figure
    years: list[int]
    published: object                 # published statistics (the figures of every place)
    local: local_data.LocalData
    actions: actions_mod.Actions
    threshold: int = disclosure.DEFAULT_THRESHOLD
    notes: list[str] = field(default_factory=list)
    members: list[Facts] = field(default_factory=list)   # a group's members, each as its own statement reads it
    _hidden_cells: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def authority(self) -> Authority:
        return self.inputs.authority

    @property
    def name(self) -> str:
        return self.authority.la_name

    @property
    def code(self) -> str:
        return self.authority.new_la_code

    @property
    def is_group(self) -> bool:
        return bool(self.inputs.members)

    @property
    def own_boundary(self) -> str:
        """The boundary a child placed "out of area" is outside of, in words: a group's children
        are counted outside their own council's boundary, not the group's."""
        return "their own council's boundary" if self.is_group else "the authority's boundary"

    @property
    def whose(self) -> str:
        """Whose children, carers or records a sentence speaks of: "the authority's", or for a
        group "the councils'" (each council's own, together)."""
        return "the councils'" if self.is_group else "the authority's"

    def comparators(self, average: bool = False) -> str:
        """The areas its published figures are set beside, in words: "its statistical neighbours,
        region and England" ("its statistical neighbours' average, its region and England" with
        ``average``); a group, not in DfE's neighbour model, has none: "its region and England"."""
        if self.is_group:
            return "its region and England"
        return ("its statistical neighbours' average, its region and England" if average
                else "its statistical neighbours, region and England")

    @property
    def local_dir(self) -> Path | None:
        return self.inputs.local_dir

    @property
    def source(self) -> str:
        """Where the return's figures come from, as a source line says it."""
        if self.data is None and self.published is not None:    # the figures are DfE's published ones
            return self.published.source_line()
        text = self.data.source if self.data is not None else "no children looked after return"
        return text[0].upper() + text[1:]

    def population_0_17(self, mid_year: int) -> float:
        """The authority's ONS mid-year estimate of children aged 0 to 17 (missing when the
        published statistics hold none for that year)."""
        population = getattr(self.published, "population", None)
        if population is None or population.empty:
            return np.nan
        rows = population.loc[population["new_la_code"].eq(self.code) & population["time_period"].eq(int(mid_year))
                              & population["geographic_level"].eq("Local authority"), "value"]
        return float(rows.iloc[0]) if len(rows) and not pd.isna(rows.iloc[0]) else np.nan

    @functools.cached_property
    def benchmark_source(self) -> str:
        """The source line of the published statistics compared with."""
        if self.published is None:
            return ""
        return self.published.source_line(self.authority.neighbour_model)

    def latest_published(self, indicator: str, unit: str, group: str = TOTAL, breakdown: str = TOTAL,
                         back: int = 2):
        """The latest row of the benchmark of a published figure (value, england, sn_mean,
        region, rank, ...) within ``back`` years before the statement's year, or None."""
        if self.published is None or self.published.figures.empty:
            return None
        table = benchmark.benchmark_table(self.published.figures, self.code, indicator, unit, group, breakdown,
                                          years=range(self.year - back, self.year + 1),
                                          neighbour_model=self.authority.neighbour_model)
        table = table.dropna(subset=["value"])
        return None if table.empty else table.iloc[-1]

    def published_value(self, indicator: str, group: str = TOTAL, breakdown: str = TOTAL, year: int | None = None,
                        unit: str = Unit.NUMBER) -> float:
        """DfE's published figure for the authority (missing when not published or suppressed)."""
        if self.published is None:
            return np.nan
        rows = select(self.published.figures, indicator, unit, group, breakdown)
        rows = rows.loc[rows["new_la_code"].eq(self.code) & rows["time_period"].eq(year or self.year), "value"]
        return float(rows.iloc[0]) if len(rows) and not pd.isna(rows.iloc[0]) else np.nan

    def sources_differ(self, indicator: str, group: str = TOTAL, breakdown: str = TOTAL,
                       year: int | None = None, unit: str = Unit.NUMBER) -> str:
        """A sentence when the return and DfE's published figures disagree on the same figure,
        so a page that sets one beside the other says so where it does; else ''. Counts
        differ when by more than :data:`MIXED_TOLERANCE` (2%, at least 2 children); a share
        (``unit`` percent) also when the two, as whole percentages (as pages state them),
        differ: a page that says 88% from the return and 87% as published says which is which."""
        year = year or self.year
        mine, theirs = self.shown(indicator, group, breakdown, year), self.published_value(indicator, group,
                                                                                            breakdown, year)
        if not (pd.isna(mine) or pd.isna(theirs) or abs(mine - theirs) <= max(MIXED_TOLERANCE * theirs, 2)):
            return (f"The return counts {half_up(mine):,.0f} here for {year} where DfE published "
                    f"{half_up(theirs):,.0f}: figures from the return and DfE's comparisons are not on the same count, "
                    "so read the comparison with care.")
        if unit != Unit.PERCENT:
            return ""
        mine = self.shown(indicator, group, breakdown, year, unit=Unit.PERCENT)
        theirs = self.published_value(indicator, group, breakdown, year, unit=Unit.PERCENT)
        if pd.isna(mine) or pd.isna(theirs) or f"{half_up(mine):.0f}" == f"{half_up(theirs):.0f}":
            return ""
        return (f"The council's return gives {half_up(mine):.0f}% for {year} where DfE published "
                f"{half_up(theirs):.0f}%: the comparison uses DfE's published figures, so that every authority is "
                "measured the same way.")

    # --- figures as a page may state them -------------------------------------------

    def shown(self, indicator: str, group: str = TOTAL, breakdown: str = TOTAL, year: int | None = None,
              unit: str = Unit.NUMBER) -> float:
        """One computed figure as a page may state it: missing where its count is hidden (1 to 5,
        or, from a return, a count its breakdown's table hides so that a small one cannot be
        worked out, or, for a group, one a member's table hides)."""
        year = int(year or self.year)
        rows = select(self.figures, indicator, unit, group, breakdown)
        rows = rows.loc[rows["time_period"].eq(year), "value"]
        if rows.empty or self._hidden(indicator, group, breakdown, year):
            return np.nan
        return np.nan if pd.isna(rows.iloc[0]) else float(rows.iloc[0])

    def _hidden(self, indicator: str, group: str, breakdown: str, year: int) -> bool:
        """Whether the pages hide the count of the figure. A count DfE suppressed is not known to
        be small, so its published share stands; DfE's published counts are public already."""
        return breakdown in self.hidden_set(indicator, group, year)

    def hidden_set(self, indicator: str, group: str, year: int) -> set:
        """The breakdowns of the year's counts of ``group`` that the pages hide (see :meth:`shown`)."""
        key = (indicator, group, int(year))
        if key not in self._hidden_cells:
            self._hidden_cells[key] = self._hidden_in_line(indicator, group, key[2],
                                                           self.linked(indicator, group, key[2]))
        return self._hidden_cells[key]

    def linked(self, indicator: str, group: str, year: int) -> set:
        """The breakdowns of ``group`` hidden, whatever their size, because another table counts
        the same children (:data:`LINKED`) and hides its count of them."""
        links = _links(indicator, group)
        if not links or self.data is None:
            return set()
        key = ("linked", indicator, tuple(links), int(year))
        if key not in self._hidden_cells:
            self._hidden_cells[key] = self._linked_cells(indicator, int(year), links)
        return self._hidden_cells[key].get(group, set())

    def _linked_cells(self, indicator: str, year: int, links: dict[str, str]) -> dict[str, set]:
        """Each linked group's cells to hide: where one table hides its count of the children and
        another states the same count, the other hides it too (and protects it in turn), until
        none is left to give it back."""
        counts = {}
        for group, breakdown in links.items():
            line = self._line(indicator, group, year)
            count = line.loc[line["breakdown"].eq(breakdown), "n"]
            if len(count):
                counts[group] = float(count.iloc[0])
        forced = {group: set() for group in counts}
        while True:
            hidden = {g for g in counts if links[g] in self._hidden_in_line(indicator, g, year, forced[g])}
            more = [g for g in counts if g not in hidden and any(counts[g] == counts[h] for h in hidden)]
            if not more:
                return forced
            for group in more:
                forced[group].add(links[group])

    def _line(self, indicator: str, group: str, year: int) -> pd.DataFrame:
        """The year's counts of the breakdown group (``breakdown``, ``n``; with its Total)."""
        f = self.figures
        rows = f.loc[f["indicator"].eq(indicator) & f["breakdown_group"].eq(group) & f["unit"].eq(Unit.NUMBER)
                     & f["time_period"].eq(year) & f["value"].notna()]
        return pd.DataFrame({"breakdown": rows["breakdown"].to_numpy(), "n": rows["value"].astype(float).to_numpy()})

    def _hidden_in_line(self, indicator: str, group: str, year: int, forced: set = frozenset()) -> set:
        """The breakdowns the year's table of ``group`` hides: small counts and what protects them,
        the ``forced`` ones, and for a group what its members' pages hide."""
        line = self._line(indicator, group, year)
        if line.empty:
            return set()
        small = disclosure.small_mask(line["n"], self.threshold).to_numpy()
        if self.data is None:                   # published figures: only what is small
            return set(line.loc[small, "breakdown"])
        total = TOTAL if (line["breakdown"] == TOTAL).sum() == 1 and len(line) > 1 else None
        forced = set(forced).union(*(member.hidden_set(indicator, group, year) for member in self.members))
        also = pd.DataFrame({"n": line["breakdown"].isin(forced).to_numpy()}, index=line.index) if forced else None
        mask = disclosure.suppression_mask(line, ["n"], total_row=total, labels="breakdown", threshold=self.threshold,
                                           also_hide=also)
        return set(line.loc[mask["n"].to_numpy() | small, "breakdown"])

    def share_series(self, indicator: str, group: str, breakdown: str) -> pd.Series:
        """The percentage of one breakdown over the years, missing where suppressed."""
        return pd.Series({year: self.shown(indicator, group, breakdown, year, Unit.PERCENT)
                          for year in self.years}, dtype=float)

    def count_series(self, indicator: str, group: str = TOTAL, breakdown: str = TOTAL) -> pd.Series:
        """A count over the years as a page shows it: 1 to 5 missing."""
        return pd.Series({year: self.shown(indicator, group, breakdown, year) for year in self.years}, dtype=float)


def published_comparison(facts: Facts) -> pd.DataFrame:
    """Each count computed from the return beside DfE's published one, for the authority and
    the years of the statement, where both exist (or DfE suppressed its own)."""
    if facts.published is None or facts.data is None:
        return pd.DataFrame()
    mine = facts.figures.loc[facts.figures["unit"].eq(Unit.NUMBER)]
    theirs = facts.published.figures
    theirs = theirs.loc[theirs["new_la_code"].eq(facts.code) & theirs["unit"].eq(Unit.NUMBER)
                        & theirs["time_period"].isin(facts.years)]
    both = side_by_side(mine, theirs)
    return both.dropna(subset=["value_computed"]).loc[both["value_published"].notna()
                                                      | both["status_published"].eq(disclosure.SUPPRESSED)]


def published_figures(published, code: str, years: list[int]) -> pd.DataFrame:
    """The authority's own published figures for ``years``, in the shape of figures computed
    from a return (a statement without a return is made from them; DfE's suppressed cells
    stay suppressed)."""
    if published is None:
        return metrics.empty_figures()
    rows = published.figures.loc[published.figures["new_la_code"].eq(code)
                                 & published.figures["time_period"].isin(list(years))]
    return rows.reset_index(drop=True)


def history_years(data: ReturnData | None, year: int, history: int = HISTORY_YEARS) -> list[int]:
    """The statement's years to ``year``: ``history`` years, or fewer when the return starts later."""
    first = int(year) - history + 1
    if data is not None:
        first = max(first, int(data.episodes["return_year"].min()))
    return list(range(first, int(year) + 1))


def load(inputs: Inputs, year: int, published, history: int = HISTORY_YEARS) -> Facts:
    """Load the facts of ``inputs``' authority for ``year``: the return and its figures for
    the statement's years, with the ``published`` statistics given."""
    data, members = _load_returns(inputs)
    notes = []
    if data is not None and not covers(data, year):
        notes.append(not_covered(data, year))
        data = None           # a return's children are never carried into years it does not cover
    years = history_years(data, year, history)
    figures = (metrics.return_figures(data.tables, inputs.authority, years, source=data.source)
               if data is not None else published_figures(published, inputs.code, years))
    local = local_data.load(inputs.local_dir)
    actions = actions_mod.load(inputs.local_dir, int(year), inputs.code)
    # A group's members as their own statements read them (the same years), so that the
    # group's pages hide whatever a member's pages hide (group_disclosure).
    own = [_member(member, members.get(member.code), int(year), years, published, local, actions)
           for member in inputs.members]
    return Facts(inputs, int(year), data, figures, years, published, local, actions, notes=notes, members=own)


def _member(inputs: Inputs, data: ReturnData | None, year: int, years: list[int], published, local,
            actions) -> Facts:
    """A group's member as its own statement reads it, for the group's years: from its return
    where that holds the year, else from the published figures, as its own statement would."""
    if data is not None and not covers(data, year):
        data = None
    figures = (metrics.return_figures(data.tables, inputs.authority, years, source=data.source)
               if data is not None else published_figures(published, inputs.code, years))
    return Facts(inputs, year, data, figures, years, published, local, actions)


def return_years(data: ReturnData) -> tuple[int, int]:
    """The first and last collection years (ending 31 March) the return holds."""
    years = data.episodes["return_year"].dropna().astype(int)
    return int(years.min()), int(years.max())


def covers(data: ReturnData, year: int) -> bool:
    """Whether the return holds the collection year ending 31 March ``year``: a statement's
    figures come from it only then (its children still open at its end are not known to be
    in care later, nor is anyone who came into care after it)."""
    first, last = return_years(data)
    return first <= int(year) <= last


def not_covered(data: ReturnData, year: int) -> str:
    """What a statement for a year the return does not hold says of it."""
    first, last = return_years(data)
    held = f"the year to 31 March {last}" if first == last else f"the years to 31 March {first} to {last}"
    return (f"The council's return given holds {held}, not {year}, so this statement for {year} is made from the "
            f"published statistics only; give the return for {year} to use the council's own figures.")
