"""Every authority's published series side by side, for models pooled across authorities.

A :class:`Panel` holds one kind of series for every authority (rows: ``new_la_code``;
columns: consecutive years at 31 March), with the context a pooled model may use, on the
same grid: the number in care, children starting and ceasing during the year, DfE's
population aged 0 to 17 under the rate, the number aged 16 and over and the number of
unaccompanied asylum-seeking children (UASC) at 31 March. Each authority's region and
DfE statistical neighbours come with it, so a model can compare an authority with
comparable ones.

Kinds (:data:`KINDS`): the number in care (``number``), the rate per 10,000 children
(``rate``) and each placement type at 31 March (``placement``: DfE's ``Placement``
breakdown, 2020 onward in the published files; ``Placement group`` too when the figures
carry it, as the demo's do, except the types ``Placement`` already names). A value DfE
did not publish (suppressed, not available) is missing, never zero.

:meth:`Panel.upto` cuts every frame at an origin, so a model fitted on it cannot see a
later year of any authority (the no-look-ahead rule of the backtest).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

NUMBER, RATE, PLACEMENT = "number", "rate", "placement"
KINDS = (NUMBER, RATE, PLACEMENT)
KIND_LABELS = {NUMBER: "number in care", RATE: "rate per 10,000 children", PLACEMENT: "placement type"}
CLA_SERIES = "Children looked after at 31 March"
RATE_SERIES = "Children looked after per 10,000 children"
PLACEMENT_GROUPS = ("Placement", "Placement group")     # DfE's breakdown; the demo's 903 groups
LOCAL = "Local authority"


@dataclass(frozen=True)
class Panel:
    """One kind of series for every authority, with context on the same grid.

    ``values`` and each frame of ``context`` have rows ``new_la_code`` and columns the
    consecutive years; ``region`` maps codes to region codes; ``neighbours`` lists each
    code's statistical neighbours (columns code, neighbour, model)."""

    kind: str
    name: str
    values: pd.DataFrame
    context: dict[str, pd.DataFrame] = field(default_factory=dict)
    region: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    neighbours: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["code", "neighbour", "model"]))

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.values.columns]

    @property
    def codes(self) -> list[str]:
        return list(self.values.index)

    def upto(self, origin: int) -> "Panel":
        """The panel as it stood at ``origin``: every year after it dropped, everywhere."""
        keep = [y for y in self.values.columns if int(y) <= origin]
        return replace(self, values=self.values[keep],
                       context={k: v[[y for y in v.columns if int(y) <= origin]] for k, v in self.context.items()})

    def series(self, code: str) -> pd.Series:
        """One authority's series, published years only."""
        return self.values.loc[code].dropna() if code in self.values.index else pd.Series(dtype=float)

    def neighbours_of(self, model: int) -> dict[str, list[str]]:
        """Code -> its neighbours' codes in the statistical neighbour ``model``."""
        rows = self.neighbours.loc[self.neighbours["model"].eq(model)]
        return rows.groupby("code")["neighbour"].agg(list).to_dict()


def grid(rows: pd.DataFrame, codes: pd.Index, years: list[int]) -> pd.DataFrame:
    """Figures rows (new_la_code, time_period, value) as a codes x years frame of floats."""
    if rows.empty:
        return pd.DataFrame(np.nan, index=codes, columns=years)
    wide = rows.pivot_table(index="new_la_code", columns="time_period", values="value", aggfunc="first")
    return wide.astype(float).reindex(index=codes, columns=years)


def _local(figures: pd.DataFrame, indicator: str, unit: str, group: str = "Total", breakdown: str = "Total"):
    mask = (figures["geographic_level"].eq(LOCAL) & figures["indicator"].eq(indicator) & figures["unit"].eq(unit)
            & figures["breakdown_group"].eq(group) & figures["breakdown"].eq(breakdown))
    return figures.loc[mask, ["new_la_code", "time_period", "value"]]


@lru_cache(maxsize=4)
def _reference_neighbours(codes: tuple[str, ...]) -> pd.DataFrame:
    """(code, neighbour, model) of DfE's statistical neighbour models, among ``codes`` only
    (an authority missing from a model has no rows in it)."""
    from sufficiency_lib.published import reference
    wanted = set(codes)
    rows = []
    for model in reference.NEIGHBOUR_MODELS:
        for code in codes:
            try:
                found = reference.neighbour_codes(code, model)
            except (ValueError, KeyError, OSError):      # not in that model (or no reference lists)
                continue
            rows += [(code, n, model) for n in found if n in wanted]
    return pd.DataFrame(rows, columns=["code", "neighbour", "model"])


def neighbour_model(origin: int, neighbours: pd.DataFrame) -> int | None:
    """The newest neighbour model published by ``origin`` (the oldest held before it),
    among those in ``neighbours``; None when there are none."""
    models = sorted(set(neighbours["model"].astype(int)))
    if not models:
        return None
    usable = [m for m in models if m <= origin]
    return max(usable) if usable else min(models)


def build(figures: pd.DataFrame, neighbours: pd.DataFrame | None = None) -> list[Panel]:
    """Every panel the figures hold: the number in care, the rate, and each placement type.

    ``neighbours`` (code, neighbour, model) defaults to DfE's statistical neighbour models
    in the project's reference lists, restricted to the authorities present."""
    local = figures.loc[figures["geographic_level"].eq(LOCAL)]
    counts = _local(local, "cla_31_march", "number")
    if counts.empty:
        return []
    years = list(range(int(counts["time_period"].min()), int(counts["time_period"].max()) + 1))
    codes = pd.Index(sorted(counts["new_la_code"].unique()), name="new_la_code")
    if neighbours is None:
        neighbours = _reference_neighbours(tuple(codes))
    region = local.drop_duplicates("new_la_code").set_index("new_la_code")["region_code"].reindex(codes).fillna("")
    number = grid(counts, codes, years)
    context = {"total": number,
               "rate": grid(_local(local, "cla_31_march", "rate_per_10000"), codes, years),
               "population": grid(_local(local, "cla_31_march", "population"), codes, years),
               "start": grid(_local(local, "cla_started", "number"), codes, years),
               "cease": grid(_local(local, "cla_ceased", "number"), codes, years),
               "aged_16_plus": grid(_local(local, "cla_31_march", "number", "Age group", "16 years and over"),
                                    codes, years),
               "age_total": grid(_local(local, "cla_31_march", "number", "Age group"), codes, years),
               "uasc": grid(_local(local, "cla_31_march", "number", "Unaccompanied asylum-seeking children", "UASC"),
                            codes, years),
               "uasc_total": grid(_local(local, "cla_31_march", "number", "Unaccompanied asylum-seeking children"),
                                  codes, years)}
    common = {"context": context, "region": region, "neighbours": neighbours}
    panels = [Panel(NUMBER, CLA_SERIES, number, **common)]
    if context["rate"].notna().any().any():
        panels.append(Panel(RATE, RATE_SERIES, context["rate"], **common))
    for group in PLACEMENT_GROUPS:
        rows = local.loc[local["indicator"].eq("cla_31_march") & local["unit"].eq("number")
                         & local["breakdown_group"].eq(group) & local["breakdown"].ne("Total")]
        for label, part in rows.groupby("breakdown"):
            values = grid(part[["new_la_code", "time_period", "value"]], codes, years)
            named = {p.name for p in panels}
            if values.notna().any().any() and str(label) not in named:   # a type both breakdowns name: once
                panels.append(Panel(PLACEMENT, str(label), values, **common))
    return panels


def cross_mean(frame: pd.Series, groups: pd.Series) -> pd.Series:
    """Each code's group mean of ``frame`` (codes -> value) by ``groups`` (codes -> group),
    leaving the code itself out when the group has others (a peer mean)."""
    values = frame.dropna()
    key = groups.reindex(values.index)
    total, count = values.groupby(key).transform("sum"), values.groupby(key).transform("count")
    peer = (total - values) / (count - 1)
    out = peer.where(count > 1, values).reindex(frame.index)
    missing = out.isna() & groups.reindex(frame.index).notna()     # a code with no value of its own
    if missing.any():
        means = values.groupby(key).mean()
        out[missing] = groups.reindex(frame.index)[missing].map(means)
    return out


def neighbour_mean(frame: pd.Series, neighbours: dict[str, list[str]]) -> pd.Series:
    """Each code's mean of ``frame`` over its statistical neighbours with a value (NaN when
    it has none known)."""
    position = {code: i for i, code in enumerate(frame.index)}
    rows, cols = [], []
    for code, others in neighbours.items():
        if code in position:
            for other in others:
                if other in position:
                    rows.append(position[code])
                    cols.append(position[other])
    values = frame.to_numpy(dtype=float)
    known = ~np.isnan(values)
    total, count = np.zeros(len(values)), np.zeros(len(values))
    rows, cols = np.asarray(rows, dtype=int), np.asarray(cols, dtype=int)
    np.add.at(total, rows, np.where(known[cols], values[cols], 0.0))
    np.add.at(count, rows, known[cols].astype(float))
    return pd.Series(np.divide(total, count, out=np.full(len(values), np.nan), where=count > 0), index=frame.index)
