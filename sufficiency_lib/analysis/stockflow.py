"""The record-level stock-and-flow (Markov) model of children in care, its scenarios, and
its reconciliation with the aggregate forecast of the number in care.

The model (:class:`StockFlow`) is a Markov chain on (age band, placement group) estimated
from consecutive 31 March snapshots of the clean 903 episodes: the share of the children in
each state one year who are in each state (or no longer looked after) the next, and the
number of children entering each state who were not looked after the year before
(Poisson, mean of the years seen). Projections are simulated (:data:`SIMULATIONS` runs:
multinomial moves, Poisson entrants), so intervals are the simulated quantiles.

Scenarios scale entry, scale the chance of leaving care (shorter or longer stays), and
place a share of the children who would be placed with IFA carers each year with in-house
carers instead. That last one is a change of carer, not of how long children stay: it
relabels children of the baseline's own simulated futures (:meth:`StockFlow.simulate`), so
the number in care and every age band are exactly the baseline's in every year and run.
(Done instead by moving probability from IFA to in-house states, as before, it changed
the total by a child or three: the children moved then left care at in-house foster
care's rate rather than IFA's, and every draw after the first differed, because the
multinomial draws consumed the random numbers differently.)

:meth:`StockFlow.reconciled` gives the page one answer per series: the placement mix of
each simulated future, scaled so that the totals follow the aggregate forecast of the
number in care (the tested one, :mod:`chosen`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sufficiency_lib.analysis.pooled import OFFSET

LEVELS = (80, 95)
SIMULATIONS = 1000
EXIT = "Ceased to be looked after"
SEP = " | "              # joins a state's labels: "10 to 15 years | IFA foster care"
IFA, IN_HOUSE = "IFA foster care", "In-house foster care"


def state(*labels: str) -> str:
    """A state's name from its labels (age band, placement group)."""
    return SEP.join(labels)


def part(name: str, index: int) -> str:
    """One label of a state's name."""
    return name.split(SEP)[index]


def _states(snapshot: pd.DataFrame, columns) -> pd.Series:
    """Each child's state name, indexed by CHILD."""
    frame = snapshot.set_index("CHILD")[list(columns)].astype(str)
    return frame.apply(lambda row: state(*row), axis=1) if len(frame) else pd.Series(dtype=object)


def _dirichlet(rng: np.random.Generator, counts: np.ndarray, runs: int) -> np.ndarray:
    """``runs`` draws of each row's shares from Dirichlet(counts) along the last axis; cells
    never seen stay impossible and a row never seen keeps no mass (shape runs x counts)."""
    draws = rng.gamma(np.where(counts > 0, counts, 1.0), size=(runs, *counts.shape)) * (counts > 0)
    totals = draws.sum(axis=-1, keepdims=True)
    return np.divide(draws, totals, out=np.zeros_like(draws), where=totals > 0)


def year_effects(rng: np.random.Generator, totals: np.ndarray, runs: int, years: int) -> np.ndarray:
    """Multipliers of each simulated year's entrants (runs x years): a Gamma year effect of
    mean 1 whose variance is what the yearly ``totals`` vary by beyond Poisson chance. That
    variance is itself drawn for each run, from the scaled inverse chi-square posterior of
    the totals' variance (a handful of years pins it down poorly), so the intervals carry
    that uncertainty too; all ones when the totals vary no more than chance would."""
    pairs, mean = len(totals), float(np.mean(totals)) if len(totals) else 0.0
    if pairs < 2 or mean <= 0 or np.var(totals, ddof=1) <= 0:
        return np.ones((runs, years))
    variance = (pairs - 1) * np.var(totals, ddof=1) / rng.chisquare(pairs - 1, size=runs)
    spread = np.maximum(variance - mean, 0.0) / mean ** 2            # the year effect's variance
    shape = np.divide(1.0, spread, out=np.full(runs, np.inf), where=spread > 0)
    drawn = rng.gamma(np.where(spread > 0, shape, 1.0)[:, None], np.where(spread > 0, spread, 1.0)[:, None],
                      size=(runs, years))
    return np.where(spread[:, None] > 0, drawn, 1.0)


def change(p: np.ndarray, lam: np.ndarray, entry: float = 1.0, stay: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A scenario's transitions and entrants from the baseline's, on arrays whose last two
    axes are (state, state + exit) and (state): entrants x ``entry``; the chance of leaving
    divided by ``stay`` with the other moves rescaled."""
    p, lam = p.copy(), lam * entry
    leave = np.minimum(p[..., -1] / stay, 1.0)
    kept = p[..., :-1]
    total = kept.sum(axis=-1)
    scale = np.divide(1 - leave, total, out=np.zeros_like(total), where=total > 0)
    p = np.concatenate([kept * scale[..., None], leave[..., None]], axis=-1)
    p[..., -1] = np.where(total > 0, leave, 1.0)        # a state nobody stays in: everyone leaves
    return p, lam


def split(rng: np.random.Generator, draws: np.ndarray, taken: np.ndarray) -> np.ndarray:
    """Where ``taken`` of the children behind each run's ``draws`` (runs x destinations:
    where all of them went) went, drawn without replacement (multivariate hypergeometric,
    one destination at a time, every run at once)."""
    left = draws.sum(axis=1)
    want = taken.astype(np.int64).copy()
    out = np.zeros_like(draws)
    for k in range(draws.shape[1]):
        good = draws[:, k]
        bad = left - good
        active = want > 0
        if active.any():
            out[active, k] = rng.hypergeometric(good[active], bad[active], want[active])
        want -= out[:, k]
        left = bad
    return out


def relabel(rng: np.random.Generator, draws: dict[int, np.ndarray], arrivals: np.ndarray, moved: np.ndarray,
            pairs: list[tuple[int, int]], share: float) -> np.ndarray:
    """The children in each IFA state who are with in-house carers after one simulated
    year, from the year's moves out of each IFA state (``draws``: state -> runs x
    (states + exit)), every state's ``arrivals`` (runs x states, entrants included) and
    those ``moved`` at the start (runs x states, non-zero in IFA states only).

    A moved child keeps IFA's chances of moving and leaving; if it stays in an IFA state
    it stays with in-house carers; every other child arriving in an IFA state is placed
    in-house with probability ``share``."""
    ifa = [a for a, _ in pairs]
    after = np.zeros_like(moved)
    for a in ifa:
        if moved[:, a].any() and a in draws:
            where = split(rng, draws[a], moved[:, a])
            after[:, ifa] += where[:, ifa]
    for a in ifa:
        eligible = np.maximum(arrivals[:, a] - after[:, a], 0)
        after[:, a] += rng.binomial(eligible, share)
    return after


class TooFewYears(ValueError):
    """The return covers fewer than the two years the stock-and-flow model is fitted on."""


@dataclass
class StockFlow:
    """A Markov chain on states (age band, placement group), estimated from snapshots.

    Projections are simulated. With the counts the shares came from (``counts``,
    ``entrant_counts``) each simulated future first draws its own parameters, so intervals
    carry the uncertainty of the estimates as well as chance: transition shares from a
    Dirichlet on the moves counted (Bayesian bootstrap: only moves seen can happen), the
    yearly number of entrants from a Gamma posterior on their mean (Poisson counts over the
    year pairs), spread by a Gamma year effect when the yearly totals vary more than Poisson
    chance allows, and split between states by a Dirichlet on where entrants were seen.
    Without counts (a chain built by hand) the shares and means are taken as known.
    """

    states: list[str]                  # "age band | placement group", see :func:`state`
    transitions: pd.DataFrame          # rows: states; columns: states + EXIT; rows sum to 1
    entrants: pd.Series                # mean entrants a year per state
    stock: pd.Series                   # children per state at the last snapshot
    year: int                          # the year of the last snapshot
    pairs: int = 0                     # year pairs the transitions were estimated from
    notes: list[str] = field(default_factory=list)
    counts: pd.DataFrame | None = None          # moves counted, like ``transitions``
    entrant_counts: pd.DataFrame | None = None  # entrants per state (rows) and year pair
    changes: dict = field(default_factory=dict)  # the scenario's settings, see :meth:`scenario`

    @classmethod
    def estimate(cls, snapshots: dict[int, pd.DataFrame], state_columns=("age_group", "placement_group")) -> "StockFlow":
        """From ``snapshots`` (year -> one row per child at 31 March with CHILD and the
        ``state_columns``): transition shares over each pair of consecutive years, pooled,
        and entrants per state averaged over the pairs."""
        years = sorted(snapshots)
        if len(years) < 2:
            raise TooFewYears("the stock-and-flow model needs at least two years of snapshots")
        moves, new = [], []
        for before, after in zip(years, years[1:]):
            a = _states(snapshots[before], state_columns)
            b = _states(snapshots[after], state_columns)
            moves.append(pd.DataFrame({"from": a, "to": b.reindex(a.index).fillna(EXIT)}))
            new.append(b.loc[~b.index.isin(a.index)].value_counts().rename(after))
        moved = pd.concat(moves)
        states = sorted(set(moved["from"]) | {s for s in moved["to"] if s != EXIT}
                        | {s for n in new for s in n.index})
        counts = pd.crosstab(moved["from"], moved["to"]).reindex(index=states, columns=[*states, EXIT], fill_value=0)
        totals = counts.sum(axis=1)
        transitions = counts.div(totals.replace(0, np.nan), axis=0)
        transitions.loc[totals.eq(0), EXIT] = 1.0      # a state never seen at the start leaves care
        transitions = transitions.fillna(0.0)
        entrant_counts = pd.concat(new, axis=1).reindex(states).fillna(0)
        last = _states(snapshots[years[-1]], state_columns).value_counts().reindex(states, fill_value=0)
        return cls(states, transitions, entrant_counts.mean(axis=1), last.astype(float), years[-1], len(years) - 1,
                   counts=counts.astype(float), entrant_counts=entrant_counts)

    def _pairs(self, states: list[str]) -> list[tuple[int, int]]:
        """(IFA, in-house) state indices per age band, in ``states``."""
        index = {s: i for i, s in enumerate(states)}
        bands = sorted({part(s, 0) for s in states})
        return [(index[state(b, IFA)], index[state(b, IN_HOUSE)]) for b in bands
                if state(b, IFA) in index and state(b, IN_HOUSE) in index]

    def scenario(self, entry: float = 1.0, stay: float = 1.0, ifa_to_in_house: float = 0.0,
                 in_house_places_per_year: float = 0.0) -> "StockFlow":
        """A changed model: entrants x ``entry``; stays ``stay`` times as long (the chance of
        leaving divided by it, :func:`change`); ``ifa_to_in_house`` of the children who would
        move into (or enter, or stay in) IFA foster care each year placed with in-house
        carers instead, keeping IFA children's chances of moving and leaving (a change of
        carer, so the totals are the baseline's, run by run; :meth:`simulate`); and
        ``in_house_places_per_year`` more in-house places each year (recruited carers),
        each taking a child who would otherwise be in IFA foster care (:meth:`project`)."""
        states = list(self.states)
        if ifa_to_in_house:
            for band in sorted({part(s, 0) for s in self.states if part(s, 1) == IFA}):
                if state(band, IN_HOUSE) not in states:
                    states.append(state(band, IN_HOUSE))
        columns = [*states, EXIT]
        t = self.transitions.reindex(index=states, columns=columns, fill_value=0.0)
        t.loc[~t.index.isin(self.states), EXIT] = 1.0
        p, lam = change(t.to_numpy(), self.entrants.reindex(states, fill_value=0.0).to_numpy(), entry, stay)
        settings = {"entry": entry, "stay": stay, "ifa_to_in_house": ifa_to_in_house,
                    "in_house_places_per_year": in_house_places_per_year}
        return StockFlow(states, pd.DataFrame(p, index=states, columns=columns), pd.Series(lam, index=states),
                         self.stock.reindex(states, fill_value=0.0), self.year, self.pairs, list(self.notes),
                         None if self.counts is None else self.counts.reindex(index=states, columns=columns,
                                                                              fill_value=0.0),
                         None if self.entrant_counts is None else self.entrant_counts.reindex(states, fill_value=0.0),
                         {**self.changes, **settings})

    def _draw(self, rng: np.random.Generator, runs: int, years: int) -> tuple[np.ndarray, np.ndarray]:
        """Per simulated future: transitions (runs, S, S+1) and entrants' means (runs, years, S)."""
        p = self.transitions[[*self.states, EXIT]].to_numpy()
        lam = self.entrants.reindex(self.states).to_numpy()
        if self.counts is None or self.entrant_counts is None:
            return np.broadcast_to(p, (runs, *p.shape)), np.broadcast_to(lam, (runs, years, len(lam)))
        counts = self.counts.reindex(index=self.states, columns=[*self.states, EXIT], fill_value=0.0).to_numpy()
        drawn = _dirichlet(rng, counts, runs)
        unseen = counts.sum(axis=1) == 0
        drawn[:, unseen, :] = p[unseen]                      # rows never observed keep their set shares
        yearly = self.entrant_counts.reindex(self.states, fill_value=0.0)
        seen, pairs = yearly.sum(axis=1).to_numpy(), yearly.shape[1]
        means = rng.gamma(seen.sum(), 1 / pairs, size=runs) if seen.sum() else np.zeros(runs)
        effect = year_effects(rng, yearly.sum().to_numpy(dtype=float), runs, years)
        shares = _dirichlet(rng, seen, runs)
        base = shares * means[:, None]
        drawn, base = change(drawn, base, **self._flow_changes())
        return drawn, base[:, None, :] * effect[:, :, None]

    def _flow_changes(self) -> dict:
        return {k: v for k, v in self.changes.items() if k in ("entry", "stay")}

    def simulate(self, years: int = 3, runs: int = SIMULATIONS, seed: int = 0) -> np.ndarray:
        """Simulated children per state: an array (runs, years, states).

        The IFA-to-in-house share of a scenario draws from a random stream of its own, after
        the baseline's moves: it decides only who of the children the baseline puts in IFA
        states is with in-house carers, so every total and age band is the baseline's, run
        by run, for the same ``seed``."""
        rng = np.random.default_rng(seed)
        share = float(self.changes.get("ifa_to_in_house", 0.0))
        pairs = self._pairs(self.states) if share else []
        relabeller = np.random.default_rng([seed, 1]) if pairs else None
        p, lam = self._draw(rng, runs, years)
        n = len(self.states)
        stock = np.tile(self.stock.reindex(self.states).to_numpy().astype(np.int64), (runs, 1))
        moved = np.zeros_like(stock)
        out = np.zeros((runs, years, n))
        ifa = {a for a, _ in pairs}
        for year in range(years):
            nxt = np.zeros_like(stock)
            draws = {}
            for i in range(n):
                if stock[:, i].any():
                    drawn = rng.multinomial(stock[:, i], p[:, i, :])
                    nxt += drawn[:, :n]
                    if i in ifa:
                        draws[i] = drawn
            stock = nxt + rng.poisson(lam[:, year, :])
            if pairs:
                moved = relabel(relabeller, draws, stock, moved, pairs, share)
            shown = stock.astype(float)
            for a, b in pairs:
                shown[:, a] -= moved[:, a]
                shown[:, b] += moved[:, a]
            out[:, year, :] = shown
        return out

    def _groups(self, sims: np.ndarray, years: int, by: int) -> dict[str, np.ndarray]:
        """Simulated children per label ``by`` and in total (runs x years), with recruited
        in-house places (:meth:`scenario`) taking children from IFA foster care."""
        labels = pd.Index([part(s, by) for s in self.states])
        totals = {group: sims[:, :, np.asarray(labels == group)].sum(axis=2) for group in sorted(set(labels))}
        totals["Total"] = sims.sum(axis=2)
        places = self.changes.get("in_house_places_per_year", 0.0)
        if places and by == 1 and IFA in totals:
            moved = np.minimum(totals[IFA], places * np.arange(1, years + 1)[None, :])
            totals[IFA] = totals[IFA] - moved
            totals[IN_HOUSE] = totals.get(IN_HOUSE, np.zeros_like(moved)) + moved
        return totals

    def _summarise(self, totals: dict[str, np.ndarray], years: int) -> pd.DataFrame:
        rows = []
        for group, values in sorted(totals.items(), key=lambda item: (item[0] == "Total", item[0])):
            for year in range(years):
                rows.append({"time_period": self.year + year + 1, "group": group, "mean": values[:, year].mean(),
                             **{f"{side}_{lv}": np.percentile(values[:, year], 50 + sign * lv / 2)
                                for lv in LEVELS for side, sign in (("lower", -1), ("upper", 1))}})
        return pd.DataFrame(rows)

    def project(self, years: int = 3, by: int = 1, runs: int = SIMULATIONS, seed: int = 0) -> pd.DataFrame:
        """Projected children by label ``by`` of the states (1: placement group; 0: age band)
        and in total, per year: mean, 80% and 95% intervals of the simulations.

        With ``in_house_places_per_year`` set (:meth:`scenario`), k years on there are k
        times that many more in-house places, each filled by a child the model puts in IFA
        foster care (while there are any): a change of carer, not of how long children stay,
        so totals and age bands are as the model's."""
        return self._summarise(self._groups(self.simulate(years, runs, seed), years, by), years)

    def reconciled(self, total: pd.DataFrame, years: int = 3, by: int = 1, runs: int = SIMULATIONS,
                   seed: int = 0) -> pd.DataFrame:
        """:meth:`project`, with each simulated future's children scaled so that the totals
        follow ``total``, the aggregate forecast of the number in care (rows by time_period
        with mean, lower_80, upper_80, lower_95, upper_95): the run with the k-th smallest
        total is given the aggregate's quantile k / (runs + 1) (:func:`quantile_path`), and
        every group of that run is scaled by the same factor (and every run by one more, so
        that the runs' mean total is the aggregate's mean). The page then shows one total
        (the aggregate's, with its tested intervals) and groups that add up to it in every
        run, in the mix the stock-and-flow model projects."""
        totals = self._groups(self.simulate(years, runs, seed), years, by)
        target = np.zeros((runs, years))
        indexed = total.set_index("time_period")
        for k in range(years):
            year = self.year + k + 1
            if year not in indexed.index:
                raise ValueError(f"the aggregate forecast has no row for {year}; forecast {years} years ahead")
            ranks = totals["Total"][:, k].argsort(kind="stable").argsort(kind="stable")
            target[:, k] = quantile_path(indexed.loc[year], (ranks + 1) / (runs + 1))
            # The path takes the forecast as its median; scaled so that its mean is the
            # forecast's too, the groups add up to the very total the page states.
            if target[:, k].mean() > 0:
                target[:, k] *= float(indexed.loc[year, "mean"]) / target[:, k].mean()
        scale = np.divide(target, totals["Total"], out=np.zeros_like(target), where=totals["Total"] > 0)
        scaled = {group: values * scale for group, values in totals.items()}
        out = self._summarise(scaled, years)
        # The total's row is the aggregate forecast as stated (its mean scaling moves the
        # simulated quantiles a little): one total, with one range, wherever it is shown.
        is_total = out["group"].eq("Total").to_numpy()
        for column in ("mean", "lower_80", "upper_80", "lower_95", "upper_95"):
            out.loc[is_total, column] = out.loc[is_total, "time_period"].map(indexed[column]).to_numpy(float)
        return out

    def steady_state(self) -> pd.Series:
        """The long-run expected children per state: entrants (I - P)^-1 (P among states)."""
        p = self.transitions[self.states].to_numpy()
        lam = self.entrants.reindex(self.states).to_numpy()
        return pd.Series(lam @ np.linalg.inv(np.eye(len(self.states)) - p), index=self.states)


def quantile_path(row: pd.Series, q: np.ndarray) -> np.ndarray:
    """Quantiles ``q`` of a forecast given by its mean (taken as the median) and its 80% and
    95% bounds: interpolated on the log scale between the 2.5th, 10th, 50th, 90th and
    97.5th percentiles, and continued past them along the outer segments (the log of the
    count plus the forecasts' OFFSET, so a zero has a log)."""
    points = np.array([0.025, 0.10, 0.50, 0.90, 0.975])
    values = np.log(np.maximum(np.array([row["lower_95"], row["lower_80"], row["mean"], row["upper_80"],
                                         row["upper_95"]], dtype=float), 0.0) + OFFSET)
    values = np.maximum.accumulate(values)
    inside = np.interp(q, points, values)
    low_slope = (values[1] - values[0]) / (points[1] - points[0])
    high_slope = (values[-1] - values[-2]) / (points[-1] - points[-2])
    out = np.where(q < points[0], values[0] - (points[0] - q) * low_slope,
                   np.where(q > points[-1], values[-1] + (q - points[-1]) * high_slope, inside))
    return np.maximum(np.exp(out) - OFFSET, 0.0)


# --- a known process, to check the model's intervals ---------------------------------------

#: A small known chain for :func:`known_snapshots`: two age bands, three placement groups.
KNOWN_STATES = [state(b, g) for b in ("under 10", "10 and over") for g in (IFA, IN_HOUSE, "Residential")]
KNOWN_MOVES = np.array([
    # to: young IFA, young in-house, young res, old IFA, old in-house, old res, exit
    [0.62, 0.05, 0.01, 0.10, 0.01, 0.01, 0.20],
    [0.04, 0.64, 0.01, 0.01, 0.10, 0.00, 0.20],
    [0.02, 0.02, 0.55, 0.00, 0.00, 0.11, 0.30],
    [0.00, 0.00, 0.00, 0.63, 0.04, 0.05, 0.28],
    [0.00, 0.00, 0.00, 0.04, 0.66, 0.03, 0.27],
    [0.00, 0.00, 0.00, 0.02, 0.01, 0.62, 0.35],
])
KNOWN_ENTRANTS = np.array([30.0, 20.0, 3.0, 15.0, 8.0, 6.0])


def known_snapshots(rng: np.random.Generator, years: int, moves: np.ndarray = KNOWN_MOVES,
                    entrants: np.ndarray = KNOWN_ENTRANTS, states=KNOWN_STATES, year_spread: float = 0.0,
                    burn_in: int = 15, first_year: int = 2015) -> dict[int, pd.DataFrame]:
    """Snapshots at 31 March of children moving by a known chain: each year every child
    moves by its state's row of ``moves`` (the last column: leaves care) and Poisson
    ``entrants`` arrive, their means multiplied by a Gamma year effect of standard
    deviation ``year_spread`` (0: none). After ``burn_in`` years, ``years`` snapshots
    (CHILD, age_group, placement_group), the first for ``first_year``."""
    where = np.zeros(0, dtype=int)
    ids = np.zeros(0, dtype=np.int64)
    next_id, out = 0, {}
    for k in range(burn_in + years):
        cumulative = moves[where].cumsum(axis=1)
        to = (rng.random(len(where))[:, None] > cumulative).sum(axis=1)
        stay = to < len(states)
        effect = rng.gamma(1 / year_spread ** 2, year_spread ** 2) if year_spread > 0 else 1.0
        arrivals = rng.poisson(entrants * effect)
        new = np.repeat(np.arange(len(states)), arrivals)
        where = np.concatenate([to[stay], new])
        ids = np.concatenate([ids[stay], np.arange(next_id, next_id + len(new))])
        next_id += len(new)
        if k >= burn_in:
            labels = np.asarray(states, dtype=object)[where]
            out[first_year + k - burn_in] = pd.DataFrame({"CHILD": [f"c{i}" for i in ids],
                                                          "age_group": [part(s, 0) for s in labels],
                                                          "placement_group": [part(s, 1) for s in labels]})
    return out


def coverage_check(replicates: int = 100, fitted_years: int = 5, horizons=(1, 2, 3), runs: int = 300,
                   year_spread: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """How often the model's 80% and 95% intervals, fitted on ``fitted_years`` snapshots of
    the known process (:func:`known_snapshots`), held the following years' children, in
    total and by placement group: columns horizon, group, coverage_80, coverage_95,
    replicates."""
    rng = np.random.default_rng(seed)
    hits = []
    for replicate in range(replicates):
        snaps = known_snapshots(rng, fitted_years + max(horizons), year_spread=year_spread)
        years = sorted(snaps)
        model = StockFlow.estimate({y: snaps[y] for y in years[:fitted_years]})
        projected = model.project(max(horizons), by=1, runs=runs, seed=replicate).set_index(["group", "time_period"])
        for h in horizons:
            year = years[fitted_years - 1] + h
            actual = snaps[year]["placement_group"].value_counts()
            actual["Total"] = len(snaps[year])
            for group in actual.index:
                if (group, year) in projected.index:
                    row = projected.loc[(group, year)]
                    hits.append({"horizon": h, "group": group,
                                 "coverage_80": row["lower_80"] <= actual[group] <= row["upper_80"],
                                 "coverage_95": row["lower_95"] <= actual[group] <= row["upper_95"]})
    frame = pd.DataFrame(hits)
    return frame.groupby(["horizon", "group"]).agg(coverage_80=("coverage_80", "mean"),
                                                   coverage_95=("coverage_95", "mean"),
                                                   replicates=("coverage_80", "size")).reset_index()
