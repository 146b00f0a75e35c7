"""Forecasts of children in care: aggregate series models with prediction intervals, chosen
by rolling-origin backtests, and a record-level stock-and-flow (Markov) projection.

Aggregate models (:data:`METHODS`), each giving a point forecast and 80% and 95% intervals:

- ``naive``: the last value; intervals from the one-step changes, widening with the square
  root of the horizon (random walk).
- ``drift``: the last value plus the mean yearly change; the random walk with drift's
  intervals (variance h s^2 (1 + h / (n - 1))).
- ``ets``: statsmodels ``ETSModel``, additive errors and a damped additive trend; intervals
  from the model's prediction (``get_prediction().summary_frame``).
- ``arima``: statsmodels ``ARIMA(0, 1, 1)`` with a drift term; intervals from
  ``get_forecast().conf_int``.

:func:`backtest` refits each method on every prefix of a series (rolling origin) and scores
its forecasts one and two years ahead: absolute percentage error and whether the actual
fell inside the 80% interval. :func:`choose` picks the method with the lowest one-year
MAPE, with naive as the fallback a method must beat.

The record-level model (:class:`StockFlow`) is a Markov chain on (age band, placement
group) estimated from consecutive 31 March snapshots of the clean 903 episodes: the share
of the children in each state one year who are in each state (or no longer looked after)
the next, and the number of children entering each state who were not looked after the
year before (Poisson, mean of the years seen). Projections are simulated
(:data:`SIMULATIONS` runs: multinomial moves, Poisson entrants), so intervals are the
simulated quantiles. Scenarios scale entry, scale the chance of leaving care (shorter or
longer stays), and move a share of IFA placements to in-house foster care each year.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

METHODS = ("naive", "drift", "ets", "arima")
METHOD_NAMES = {"naive": "naive", "drift": "drift", "ets": "ETS", "arima": "ARIMA"}
METHOD_LABELS = {"naive": "naive (no change)", "drift": "drift (the average yearly change continued)",
                 "ets": "damped-trend exponential smoothing (ETS)", "arima": "ARIMA(0,1,1) with drift"}
LEVELS = (80, 95)
MIN_TRAIN = 4            # fewest years a model is fitted on in a backtest
SIMULATIONS = 1000
EXIT = "Ceased to be looked after"
SEP = " | "              # joins a state's labels: "10 to 15 years | IFA foster care"


def state(*labels: str) -> str:
    """A state's name from its labels (age band, placement group)."""
    return SEP.join(labels)


def part(name: str, index: int) -> str:
    """One label of a state's name."""
    return name.split(SEP)[index]


# --- aggregate series --------------------------------------------------------------------

def _random_walk(values: np.ndarray, horizon: int, drift: bool) -> pd.DataFrame:
    steps = np.diff(values)
    n = len(values)
    slope = steps.mean() if drift and len(steps) else 0.0
    resid = steps - slope
    sigma = np.sqrt((resid ** 2).sum() / max(len(resid) - (1 if drift else 0), 1)) if len(resid) else 0.0
    h = np.arange(1, horizon + 1)
    mean = values[-1] + slope * h
    scale = sigma * np.sqrt(h * (1 + h / max(n - 1, 1))) if drift else sigma * np.sqrt(h)
    out = {"mean": mean}
    for level in LEVELS:
        z = stats.norm.ppf(0.5 + level / 200)
        out[f"lower_{level}"], out[f"upper_{level}"] = mean - z * scale, mean + z * scale
    return pd.DataFrame(out, index=h)


def _ets(values: np.ndarray, horizon: int) -> pd.DataFrame:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    fit = ETSModel(pd.Series(values, dtype=float), error="add", trend="add", damped_trend=True).fit(disp=False)
    out = {}
    for level in LEVELS:
        frame = fit.get_prediction(start=len(values), end=len(values) + horizon - 1).summary_frame(
            alpha=1 - level / 100)
        out["mean"] = frame["mean"].to_numpy()
        out[f"lower_{level}"], out[f"upper_{level}"] = frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy()
    return pd.DataFrame(out, index=np.arange(1, horizon + 1))


def _arima(values: np.ndarray, horizon: int) -> pd.DataFrame:
    from statsmodels.tsa.arima.model import ARIMA
    fit = ARIMA(values.astype(float), order=(0, 1, 1), trend="t").fit()
    forecast = fit.get_forecast(horizon)
    out = {"mean": np.asarray(forecast.predicted_mean)}
    for level in LEVELS:
        bounds = np.asarray(forecast.conf_int(alpha=1 - level / 100))
        out[f"lower_{level}"], out[f"upper_{level}"] = bounds[:, 0], bounds[:, 1]
    return pd.DataFrame(out, index=np.arange(1, horizon + 1))


def forecast(series: pd.Series, method: str, horizon: int = 3) -> pd.DataFrame:
    """Forecast ``series`` (indexed by consecutive years) ``horizon`` years ahead: a row a
    year with mean, lower_80, upper_80, lower_95, upper_95 (never below zero)."""
    values = pd.Series(series).dropna().astype(float)
    if len(values) < 2:
        raise ValueError(f"a forecast needs at least two years of figures, got {len(values)}")
    array = values.to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # statsmodels warns freely on short annual series
        if method == "naive":
            out = _random_walk(array, horizon, drift=False)
        elif method == "drift":
            out = _random_walk(array, horizon, drift=True)
        elif method == "ets":
            out = _ets(array, horizon)
        elif method == "arima":
            out = _arima(array, horizon)
        else:
            raise ValueError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    out.index = [int(values.index[-1]) + h for h in out.index]
    return out.clip(lower=0).rename_axis("time_period")


def backtest(series: pd.Series, methods=METHODS, horizons=(1, 2), min_train: int = MIN_TRAIN) -> pd.DataFrame:
    """Rolling-origin backtest: for each origin (the last year a fit sees) and method, the
    forecast of each horizon against the actual. Columns: origin, method, horizon, actual,
    forecast, ape (absolute percentage error), covered_80, covered_95."""
    values = pd.Series(series).dropna().astype(float)
    rows = []
    for end in range(min_train, len(values)):
        train = values.iloc[:end]
        for method in methods:
            try:
                predicted = forecast(train, method, max(horizons))
            except Exception:           # a model that cannot be fitted on this prefix scores nothing
                continue
            for h in horizons:
                if end + h - 1 >= len(values):
                    continue
                actual = values.iloc[end + h - 1]
                row = predicted.iloc[h - 1]
                rows.append({"origin": int(train.index[-1]), "method": method, "horizon": h, "actual": actual,
                             "forecast": row["mean"],
                             "ape": abs(row["mean"] - actual) / actual * 100 if actual else np.nan,
                             "covered_80": row["lower_80"] <= actual <= row["upper_80"],
                             "covered_95": row["lower_95"] <= actual <= row["upper_95"]})
    return pd.DataFrame(rows, columns=["origin", "method", "horizon", "actual", "forecast", "ape", "covered_80",
                                       "covered_95"])


def accuracy(results: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon: forecasts scored, MAPE, and 80% and 95% interval coverage."""
    return results.groupby(["method", "horizon"]).agg(
        forecasts=("ape", "size"), mape=("ape", "mean"), coverage_80=("covered_80", "mean"),
        coverage_95=("covered_95", "mean")).reset_index()


def choose(results: pd.DataFrame, fallback: str = "naive") -> str:
    """The method with the lowest one-year-ahead MAPE in a backtest (``fallback`` when
    nothing was scored; ties go to the simpler method, in the order of METHODS)."""
    one = results.loc[results["horizon"].eq(1)]
    if one.empty:
        return fallback
    mape = one.groupby("method")["ape"].mean()
    order = [m for m in METHODS if m in mape.index]
    return min(order, key=lambda m: (round(mape[m], 9), order.index(m)))


def forecast_many(series: dict[str, pd.Series], horizon: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each named series backtested, its method chosen (:func:`choose`) and forecast
    ``horizon`` years ahead. Returns the forecasts (series, method, time_period, mean and
    intervals) and the backtest scores (series, method, horizon, forecasts, mape, coverage)."""
    forecasts, scores = [], []
    for name, values in series.items():
        results = backtest(values)
        method = choose(results)
        forecasts.append(forecast(values, method, horizon).reset_index().assign(series=name, method=method))
        scores.append(accuracy(results).assign(series=name))
    columns = ["series", "method", "time_period", "mean", *(f"{b}_{lv}" for lv in LEVELS for b in ("lower", "upper"))]
    return (pd.concat(forecasts, ignore_index=True)[columns] if forecasts else pd.DataFrame(columns=columns),
            pd.concat(scores, ignore_index=True) if scores else pd.DataFrame())


# --- every authority's published series ----------------------------------------------------

def authority_series(figures: pd.DataFrame, indicator: str = "cla_31_march", unit: str = "number",
                     min_years: int = MIN_TRAIN + 1) -> dict[str, pd.Series]:
    """Each authority's published series of ``indicator`` (``unit``), by new_la_code, for
    those with at least ``min_years`` figures (enough to score one rolling-origin forecast)."""
    from sufficiency_lib.published.figures import select
    rows = select(figures, indicator, unit).loc[lambda f: f["geographic_level"].eq("Local authority")]
    series = {code: group.set_index("time_period")["value"].astype(float).sort_index()
              for code, group in rows.groupby("new_la_code")}
    return {code: s for code, s in series.items() if s.notna().sum() >= min_years}


def _backtest_one(item) -> pd.DataFrame:
    code, series = item
    return backtest(series).assign(new_la_code=code)


def national_backtest(series: dict[str, pd.Series], workers: int = 1) -> pd.DataFrame:
    """:func:`backtest` of every method on every authority's series, with new_la_code."""
    items = sorted(series.items())
    if workers > 1:
        from sufficiency_lib.parallel import process_pool
        with process_pool(workers) as pool:
            parts = list(pool.map(_backtest_one, items, chunksize=4))
    else:
        parts = [_backtest_one(item) for item in items]
    return pd.concat(parts, ignore_index=True) if parts else backtest(pd.Series(dtype=float)).assign(new_la_code="")


def national_summary(results: pd.DataFrame) -> pd.DataFrame:
    """Per method and horizon: authorities, forecasts, the median across authorities of
    each authority's MAPE, that median against naive's (``vs_naive``), and 80% and 95%
    interval coverage pooled over every forecast."""
    per_la = results.groupby(["new_la_code", "method", "horizon"])["ape"].mean().reset_index()
    table = per_la.groupby(["method", "horizon"]).agg(authorities=("new_la_code", "nunique"),
                                                      median_mape=("ape", "median"))
    pooled = results.groupby(["method", "horizon"]).agg(forecasts=("ape", "size"), coverage_80=("covered_80", "mean"),
                                                        coverage_95=("covered_95", "mean"))
    table = table.join(pooled).reset_index()
    naive = table.loc[table["method"].eq("naive")].set_index("horizon")["median_mape"]
    table["vs_naive"] = table["median_mape"] / table["horizon"].map(naive)
    order = {m: i for i, m in enumerate(METHODS)}
    return table.sort_values(["horizon", "method"], key=lambda c: c.map(order) if c.name == "method" else c,
                             ignore_index=True)


def national_accuracy(figures: pd.DataFrame, cache_dir, workers: int | None = None) -> pd.DataFrame:
    """:func:`national_summary` of the backtest on every authority's published numbers in
    care, kept in ``cache_dir`` under a hash of the series and of this module, so the
    pages of one batch (which may ask at once: one computes, the others wait) and later
    runs reuse it."""
    import hashlib
    from pathlib import Path

    from sufficiency_lib import parallel

    series = authority_series(figures)
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for code, values in sorted(series.items()):
        digest.update(f"{code}:{values.to_dict()}".encode())
    folder = Path(cache_dir)
    path = folder / f"national_backtest_{digest.hexdigest()[:16]}.csv"
    with parallel.exclusive(folder / ".national_backtest.lock"):
        if not path.is_file():
            summary = national_summary(national_backtest(series, parallel.workers(workers)))
            staging = path.with_suffix(".tmp")
            summary.to_csv(staging, index=False)
            staging.replace(path)
    return pd.read_csv(path)


# --- record level: stock and flow ----------------------------------------------------------

IFA, IN_HOUSE = "IFA foster care", "In-house foster care"


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


def change(p: np.ndarray, lam: np.ndarray, pairs: list[tuple[int, int]], entry: float = 1.0,
           stay: float = 1.0, ifa_to_in_house: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A scenario's transitions and entrants from the baseline's, on arrays whose last two
    axes are (state, state + exit) and (state): entrants x ``entry``; the chance of leaving
    divided by ``stay`` with the other moves rescaled; and ``ifa_to_in_house`` of moves into
    (and entrants to) each IFA state, by ``pairs`` of (IFA, in-house) indices, in-house."""
    p, lam = p.copy(), lam * entry
    leave = np.minimum(p[..., -1] / stay, 1.0)
    kept = p[..., :-1]
    total = kept.sum(axis=-1)
    scale = np.divide(1 - leave, total, out=np.zeros_like(total), where=total > 0)
    p = np.concatenate([kept * scale[..., None], leave[..., None]], axis=-1)
    p[..., -1] = np.where(total > 0, leave, 1.0)        # a state nobody stays in: everyone leaves
    for a, b in pairs:
        moved = p[..., a] * ifa_to_in_house
        p[..., a] -= moved
        p[..., b] += moved
        shift = lam[..., a] * ifa_to_in_house
        lam[..., a] -= shift
        lam[..., b] += shift
    return p, lam


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
            raise ValueError("the stock-and-flow model needs at least two years of snapshots")
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
        """A changed model (see :func:`change`): entrants x ``entry``; stays ``stay`` times
        as long; ``ifa_to_in_house`` of the children who would move into (or enter) IFA
        foster care each year in in-house foster care instead; and
        ``in_house_places_per_year`` more in-house places each year (recruited carers), each
        taking a child who would otherwise be in IFA foster care (:meth:`project`)."""
        states = list(self.states)
        if ifa_to_in_house:
            for band in sorted({part(s, 0) for s in self.states if part(s, 1) == IFA}):
                if state(band, IN_HOUSE) not in states:
                    states.append(state(band, IN_HOUSE))
        columns = [*states, EXIT]
        t = self.transitions.reindex(index=states, columns=columns, fill_value=0.0)
        t.loc[~t.index.isin(self.states), EXIT] = 1.0
        p, lam = change(t.to_numpy(), self.entrants.reindex(states, fill_value=0.0).to_numpy(), self._pairs(states),
                        entry, stay, ifa_to_in_house)
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
        mean = seen.sum() / pairs
        means = rng.gamma(seen.sum(), 1 / pairs, size=runs) if seen.sum() else np.zeros(runs)
        extra = max(float(yearly.sum().var(ddof=1)) - mean, 0.0) if pairs > 1 else 0.0
        effect = (rng.gamma(mean ** 2 / extra, extra / mean ** 2, size=(runs, years)) if extra > 0 and mean > 0
                  else np.ones((runs, years)))
        shares = _dirichlet(rng, seen, runs)
        base = shares * means[:, None]
        drawn, base = change(drawn, base, self._pairs(self.states), **self._flow_changes())
        return drawn, base[:, None, :] * effect[:, :, None]

    def _flow_changes(self) -> dict:
        keys = ("entry", "stay", "ifa_to_in_house")
        return {k: v for k, v in self.changes.items() if k in keys}

    def simulate(self, years: int = 3, runs: int = SIMULATIONS, seed: int = 0) -> np.ndarray:
        """Simulated children per state: an array (runs, years, states)."""
        rng = np.random.default_rng(seed)
        p, lam = self._draw(rng, runs, years)
        n = len(self.states)
        stock = np.tile(self.stock.reindex(self.states).to_numpy().astype(int), (runs, 1))
        out = np.zeros((runs, years, n))
        for year in range(years):
            nxt = np.zeros_like(stock)
            for i in range(n):
                if stock[:, i].any():
                    nxt += rng.multinomial(stock[:, i], p[:, i, :])[:, :n]
            stock = nxt + rng.poisson(lam[:, year, :])
            out[:, year, :] = stock
        return out

    def project(self, years: int = 3, by: int = 1, runs: int = SIMULATIONS, seed: int = 0) -> pd.DataFrame:
        """Projected children by label ``by`` of the states (1: placement group; 0: age band)
        and in total, per year: mean, 80% and 95% intervals of the simulations.

        With ``in_house_places_per_year`` set (:meth:`scenario`), k years on there are k
        times that many more in-house places, each filled by a child the model puts in IFA
        foster care (while there are any): a change of carer, not of how long children stay,
        so totals and age bands are as the model's."""
        sims = self.simulate(years, runs, seed)
        labels = pd.Index([part(s, by) for s in self.states])
        totals = {group: sims[:, :, np.asarray(labels == group)].sum(axis=2) for group in sorted(set(labels))}
        totals["Total"] = sims.sum(axis=2)
        places = self.changes.get("in_house_places_per_year", 0.0)
        if places and by == 1 and IFA in totals:
            moved = np.minimum(totals[IFA], places * np.arange(1, years + 1)[None, :])
            totals[IFA] = totals[IFA] - moved
            totals[IN_HOUSE] = totals.get(IN_HOUSE, np.zeros_like(moved)) + moved
        rows = []
        for group, values in sorted(totals.items(), key=lambda item: (item[0] == "Total", item[0])):
            for year in range(years):
                rows.append({"time_period": self.year + year + 1, "group": group, "mean": values[:, year].mean(),
                             **{f"{side}_{lv}": np.percentile(values[:, year], 50 + sign * lv / 2)
                                for lv in LEVELS for side, sign in (("lower", -1), ("upper", 1))}})
        return pd.DataFrame(rows)

    def steady_state(self) -> pd.Series:
        """The long-run expected children per state: entrants (I - P)^-1 (P among states)."""
        p = self.transitions[self.states].to_numpy()
        lam = self.entrants.reindex(self.states).to_numpy()
        return pd.Series(lam @ np.linalg.inv(np.eye(len(self.states)) - p), index=self.states)
