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


# --- record level: stock and flow ----------------------------------------------------------

def _states(snapshot: pd.DataFrame, columns) -> pd.Series:
    """Each child's state name, indexed by CHILD."""
    frame = snapshot.set_index("CHILD")[list(columns)].astype(str)
    return frame.apply(lambda row: state(*row), axis=1) if len(frame) else pd.Series(dtype=object)

@dataclass
class StockFlow:
    """A Markov chain on states (age band, placement group), estimated from snapshots."""

    states: list[str]                  # "age band | placement group", see :func:`state`
    transitions: pd.DataFrame          # rows: states; columns: states + EXIT; rows sum to 1
    entrants: pd.Series                # mean entrants a year per state
    stock: pd.Series                   # children per state at the last snapshot
    year: int                          # the year of the last snapshot
    pairs: int = 0                     # year pairs the transitions were estimated from
    notes: list[str] = field(default_factory=list)

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
            new.append(b.loc[~b.index.isin(a.index)].value_counts())
        moved = pd.concat(moves)
        states = sorted(set(moved["from"]) | {s for s in moved["to"] if s != EXIT}
                        | {s for n in new for s in n.index})
        counts = pd.crosstab(moved["from"], moved["to"]).reindex(index=states, columns=[*states, EXIT], fill_value=0)
        totals = counts.sum(axis=1)
        transitions = counts.div(totals.replace(0, np.nan), axis=0)
        transitions.loc[totals.eq(0), EXIT] = 1.0      # a state never seen at the start leaves care
        transitions = transitions.fillna(0.0)
        entrants = pd.concat(new, axis=1).reindex(states).fillna(0).mean(axis=1)
        last = _states(snapshots[years[-1]], state_columns).value_counts().reindex(states, fill_value=0)
        return cls(states, transitions, entrants, last.astype(float), years[-1], len(years) - 1)

    def scenario(self, entry: float = 1.0, stay: float = 1.0, ifa_to_in_house: float = 0.0,
                 ifa: str = "IFA foster care", in_house: str = "In-house foster care") -> "StockFlow":
        """A changed model: entrants x ``entry``; the chance of leaving care each year
        divided by ``stay`` (stays ``stay`` times as long); and ``ifa_to_in_house`` of the
        children who would be in IFA foster care each year in in-house foster care instead."""
        t = self.transitions.copy()
        leave = (t[EXIT] / stay).clip(upper=1.0)
        kept = t.drop(columns=EXIT)
        scale = (1 - leave) / kept.sum(axis=1).replace(0, np.nan)
        t = kept.mul(scale.fillna(0), axis=0).assign(**{EXIT: leave})
        entrants = self.entrants * entry
        if ifa_to_in_house:
            for band in {part(s, 0) for s in self.states}:
                a, b = state(band, ifa), state(band, in_house)
                if a in t.columns:
                    if b not in t.columns:
                        t[b] = 0.0
                    moved = t[a] * ifa_to_in_house
                    t[a], t[b] = t[a] - moved, t[b] + moved
                    if a in entrants.index:
                        shift = entrants[a] * ifa_to_in_house
                        entrants[a] -= shift
                        entrants[b] = entrants.get(b, 0.0) + shift
        states = [s for s in t.columns if s != EXIT]
        t = t.reindex(index=states, fill_value=0.0)
        t.loc[t.sum(axis=1).eq(0), EXIT] = 1.0
        t = t[[*states, EXIT]]
        return StockFlow(states, t, entrants.reindex(states, fill_value=0.0), self.stock.reindex(states, fill_value=0.0),
                         self.year, self.pairs, list(self.notes))

    def simulate(self, years: int = 3, runs: int = SIMULATIONS, seed: int = 0) -> np.ndarray:
        """Simulated children per state: an array (runs, years, states)."""
        rng = np.random.default_rng(seed)
        p = self.transitions[[*self.states, EXIT]].to_numpy()
        lam = self.entrants.reindex(self.states).to_numpy()
        stock = np.tile(self.stock.reindex(self.states).to_numpy().astype(int), (runs, 1))
        out = np.zeros((runs, years, len(self.states)))
        for year in range(years):
            nxt = np.zeros_like(stock)
            for i in range(len(self.states)):
                if stock[:, i].any():
                    nxt += rng.multinomial(stock[:, i], p[i])[:, : len(self.states)]
            stock = nxt + rng.poisson(lam, size=stock.shape)
            out[:, year, :] = stock
        return out

    def project(self, years: int = 3, by: int = 1, runs: int = SIMULATIONS, seed: int = 0) -> pd.DataFrame:
        """Projected children by label ``by`` of the states (1: placement group; 0: age band)
        and in total, per year: mean, 80% and 95% intervals of the simulations."""
        sims = self.simulate(years, runs, seed)
        labels = pd.Index([part(s, by) for s in self.states])
        rows = []
        for group in [*sorted(set(labels)), "Total"]:
            columns = np.ones(len(labels), bool) if group == "Total" else (labels == group)
            totals = sims[:, :, columns].sum(axis=2)
            for year in range(years):
                values = totals[:, year]
                rows.append({"time_period": self.year + year + 1, "group": group, "mean": values.mean(),
                             **{f"lower_{lv}": np.percentile(values, 50 - lv / 2) for lv in LEVELS},
                             **{f"upper_{lv}": np.percentile(values, 50 + lv / 2) for lv in LEVELS}})
        return pd.DataFrame(rows)

    def steady_state(self) -> pd.Series:
        """The long-run expected children per state: entrants (I - P)^-1 (P among states)."""
        p = self.transitions[self.states].to_numpy()
        lam = self.entrants.reindex(self.states).to_numpy()
        return pd.Series(lam @ np.linalg.inv(np.eye(len(self.states)) - p), index=self.states)
