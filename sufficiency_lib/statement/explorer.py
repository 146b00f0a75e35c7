"""The analysts' explorer: ipywidgets over the same figures as the rendered chapters.

:func:`build` returns an :class:`Explorer` whose ``widget`` is shown in JupyterLab
(``notebooks/explore.ipynb``, opened by ``make lab``). All logic is here so that tests set
the controls and read :attr:`Explorer.view` (the figures behind the chart and table)
without a browser:

- **Trends**: an authority (any in the published figures), an indicator, a breakdown and
  unit, comparators (statistical neighbours' mean, region, England, and hand-picked
  authorities) and a year range; the chart and table redraw when any control changes.
  Values DfE suppressed stay missing (shown as ``c``), never zero.
- **Drill-down** (the authority whose 903 return is loaded): the cross-tabulations of the
  chapters (placement group x age, x sex; UASC), providers and locality, suppressed as on
  the pages, and the data-quality reconciliation.
- **Scenarios**: entry rate, length of stay, share of IFA placements moved in-house and
  in-house places added a year, applied to the stock-and-flow model: projected children,
  cost (with weekly costs from the local data) and the in-house foster gap.
- **Export**: the current table to CSV and chart to SVG (as drawn on the page).
"""
from __future__ import annotations

import json
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sufficiency_lib.analysis import benchmark, disclosure
from sufficiency_lib.statement import charts
from sufficiency_lib.published.figures import TOTAL
from sufficiency_lib.safe_csv import write_csv
from sufficiency_lib.vocabulary import indicator_name
from sufficiency_lib.wording import decimal_text, half_up

COMPARATORS = {"sn_mean": "Statistical neighbours (mean)", "region": "Region", "england": "England"}
DRILLS = {"Placement group by age group": "Placement group by age group",
          "Placement group by sex": "Placement group by sex", "UASC by placement": "Placement group of UASC",
          "Place providers": "Place providers", "Locality of placement": "Locality of placement"}


@dataclass
class ReturnView:
    """What the explorer knows of the loaded 903 return: its authority, figures, model."""

    code: str
    figures: pd.DataFrame
    reconciliation: pd.DataFrame
    model: object | None = None          # forecast.StockFlow
    weekly_costs: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    in_house_places: float = np.nan


def _widgets():
    import ipywidgets
    return ipywidgets


class Explorer:
    """The explorer's controls, outputs and the frames behind them."""

    def __init__(self, figures: pd.DataFrame, names: dict[str, str], source: str = "",
                 loaded: ReturnView | None = None, authority: str | None = None):
        w = _widgets()
        self.figures, self.names, self.source, self.loaded = figures, names, source, loaded
        las = figures.loc[figures["geographic_level"].eq("Local authority"), "new_la_code"].unique()
        options = sorted(((names.get(c, c), c) for c in las), key=lambda o: o[0])
        start = authority if authority in las else (loaded.code if loaded and loaded.code in las else options[0][1])
        self.authority = w.Dropdown(options=options, value=start, description="Authority")
        self.indicator = w.Dropdown(description="Indicator")
        self.breakdown = w.Dropdown(description="Breakdown")
        self.unit = w.Dropdown(description="Unit")
        self.comparators = w.SelectMultiple(options=[(v, k) for k, v in COMPARATORS.items()],
                                            value=tuple(COMPARATORS), description="Compare with")
        self.others = w.SelectMultiple(options=options, value=(), description="Also show")
        years = sorted(figures["time_period"].unique())
        self.years = w.IntRangeSlider(min=int(years[0]), max=int(years[-1]), value=(int(years[0]), int(years[-1])),
                                      description="Years")
        self.chart, self.table, self.message = w.HTML(), w.HTML(), w.HTML()
        self.view = pd.DataFrame()
        self._cache: dict[tuple, pd.DataFrame] = {}
        self.last_redraw_seconds = 0.0
        self._busy = False
        self._set_indicator_options()
        for control in (self.authority, self.comparators, self.others, self.years, self.unit):
            control.observe(lambda change: self.redraw(), names="value")
        self.breakdown.observe(lambda change: self._breakdown_changed(), names="value")
        self.indicator.observe(lambda change: self._indicator_changed(), names="value")
        self.drill, self.drill_table = w.Dropdown(options=list(DRILLS), description="Drill into"), w.HTML()
        self.drill_year = w.Dropdown(options=drill_years(loaded), description="Year")
        for control in (self.drill, self.drill_year):
            control.observe(lambda change: self.redraw_drill(), names="value")
        if loaded is not None and len(self.drill_year.options):
            self.drill_year.value = self.drill_year.options[-1]
        self.entry = w.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.05, description="Entry rate x")
        self.stay = w.FloatSlider(value=1.0, min=0.5, max=1.5, step=0.05, description="Length of stay x")
        self.shift = w.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="IFA to in-house")
        self.recruits = w.IntSlider(value=0, min=0, max=60, description="In-house places a year")
        self.scenario_table = w.HTML()
        self.scenario_view = pd.DataFrame()
        for control in (self.entry, self.stay, self.shift, self.recruits):
            control.observe(lambda change: self.redraw_scenario(), names="value")
        self.export_dir = w.Text(value="exports", description="Export to")
        self.export_button = w.Button(description="Export table (CSV) and chart (SVG)")
        self.export_button.on_click(lambda button: self.export(Path(self.export_dir.value)))
        self._chart_svg = b""
        self.redraw()
        self.redraw_drill()
        self.redraw_scenario()

    # --- trends ---------------------------------------------------------------------------------
    def _set_indicator_options(self) -> None:
        indicators = sorted(self.figures["indicator"].unique(), key=indicator_name)
        self._busy = True
        self.indicator.options = [(indicator_name(i), i) for i in indicators]
        self.indicator.value = "cla_31_march" if "cla_31_march" in indicators else indicators[0]
        self._busy = False
        self._set_breakdown_options()

    def _set_breakdown_options(self) -> None:
        rows = self.figures.loc[self.figures["indicator"].eq(self.indicator.value)]
        pairs = rows[["breakdown_group", "breakdown"]].drop_duplicates()
        options = [(f"{g}: {b}" if g != TOTAL else "All children", (g, b)) for g, b in pairs.itertuples(index=False)]
        options.sort(key=lambda o: (o[1][0] != TOTAL, o[0]))
        self._busy = True
        self.breakdown.options = options
        self.breakdown.value = options[0][1]
        self._busy = False
        self._set_unit_options()

    def _set_unit_options(self) -> None:
        """The units published for the chosen breakdown; a rate, else a percentage, first."""
        f = self.figures
        group, breakdown = self.breakdown.value
        units = sorted(f.loc[f["indicator"].eq(self.indicator.value) & f["breakdown_group"].eq(group)
                             & f["breakdown"].eq(breakdown), "unit"].unique())
        self._busy = True
        self.unit.options = units
        self.unit.value = "rate_per_10000" if "rate_per_10000" in units else ("percent" if "percent" in units
                                                                              else units[0])
        self._busy = False

    def _breakdown_changed(self) -> None:
        if self._busy:
            return
        self._set_unit_options()
        self.redraw()

    def _indicator_changed(self) -> None:
        if self._busy:
            return
        self._set_breakdown_options()
        self.redraw()

    def _series(self, indicator: str, unit: str, group: str, breakdown: str) -> pd.DataFrame:
        """The figures of one series for every place and year, kept once selected: a
        change of authority, comparator or years then reads a few thousand rows, not all."""
        key = (indicator, unit, group, breakdown)
        if key not in self._cache:
            f = self.figures
            self._cache[key] = f.loc[f["indicator"].eq(indicator) & f["unit"].eq(unit)
                                     & f["breakdown_group"].eq(group) & f["breakdown"].eq(breakdown)]
        return self._cache[key]

    def trend_frame(self) -> pd.DataFrame:
        """The current view: time_period, series, value (missing where suppressed), status."""
        group, breakdown = self.breakdown.value
        first, last = self.years.value
        series = self._series(self.indicator.value, self.unit.value, group, breakdown)
        table = benchmark.benchmark_table(series, self.authority.value, self.indicator.value, self.unit.value,
                                          group, breakdown, years=range(first, last + 1))
        name = self.names.get(self.authority.value, self.authority.value)
        parts = [pd.DataFrame({"time_period": table["time_period"], "series": name, "value": table["value"],
                               "status": table["status"]})]
        for column in self.comparators.value:
            label = COMPARATORS[column]
            parts.append(pd.DataFrame({"time_period": table["time_period"], "series": label,
                                       "value": table[column], "status": ""}))
        rows = series.loc[series["time_period"].between(first, last) & series["new_la_code"].isin(self.others.value)
                          & series["geographic_level"].eq("Local authority")]
        if len(rows):
            parts.append(pd.DataFrame({"time_period": rows["time_period"],
                                       "series": rows["new_la_code"].map(lambda c: self.names.get(c, c)),
                                       "value": rows["value"], "status": rows["status"]}))
        view = pd.concat(parts, ignore_index=True)
        view["value"] = pd.to_numeric(view["value"], errors="coerce").astype(float)
        # a missing value keeps DfE's symbol (c: suppressed); one nobody published is x
        status = view["status"].astype(str).replace({"nan": "", "<NA>": ""})
        view["status"] = status.where(view["value"].isna(), "").where(~(view["value"].isna() & status.eq("")), "x")
        view = view.loc[view.groupby("series")["status"].transform(lambda s: not s.eq("x").all())]
        return view.sort_values(["series", "time_period"], kind="stable").reset_index(drop=True)

    def redraw(self) -> None:
        """Recompute the view and redraw the chart and table (timed)."""
        if self._busy:
            return
        started = time.perf_counter()
        self.view = self.trend_frame()
        cells = self.view.assign(cell=[status if pd.isna(v) else decimal_text(v)
                                       for v, status in zip(self.view["value"], self.view["status"])])
        shown = cells.pivot_table(index="time_period", columns="series", values="cell", aggfunc="first").fillna("x")
        self.table.value = shown.reset_index().to_html(index=False, border=0, classes="data-table")
        plotted = self.view.dropna(subset=["value"])
        if len(plotted):
            chart = charts.line_chart(plotted, x="time_period", y="value", hue="series",
                                      title=f"{self.indicator.label}: {self.breakdown.label}",
                                      y_label=self.unit.value.replace("_", " "), source=self.source,
                                      alt=f"Line chart of {self.indicator.label} ({self.breakdown.label}) by year")
            self._chart_svg = chart.svg
            self.chart.value = chart.to_html()
            self.message.value = ""
        else:
            self._chart_svg = b""
            self.chart.value = ""
            self.message.value = "<p>No published figure for this choice (or every value is suppressed).</p>"
        self.last_redraw_seconds = time.perf_counter() - started

    # --- drill-down ------------------------------------------------------------------------------
    def drill_frame(self) -> pd.DataFrame:
        """The chosen breakdown of the loaded return for the chosen year, suppressed."""
        if self.loaded is None:
            return pd.DataFrame()
        rows = self.loaded.figures.loc[self.loaded.figures["breakdown_group"].eq(DRILLS[self.drill.value])
                                       & self.loaded.figures["unit"].eq("number")
                                       & self.loaded.figures["time_period"].eq(self.drill_year.value)]
        frame = rows[["breakdown", "value"]].rename(columns={"value": "children"}).reset_index(drop=True)
        if frame.empty:
            return frame
        has_total = frame["breakdown"].eq(TOTAL).any()
        if not has_total:
            frame = pd.concat([frame, pd.DataFrame({"breakdown": [TOTAL], "children": [frame["children"].sum()]})],
                              ignore_index=True)
        return disclosure.suppress_table(frame, ["children"], total_row=TOTAL, labels="breakdown")

    def redraw_drill(self) -> None:
        if self.loaded is None:
            self.drill_table.value = ("<p>No 903 return is loaded for this authority: the drill-down needs the "
                                      "authority's return (return_dir), or the demo's.</p>")
            return
        frame = self.drill_frame()
        shown = (frame.to_html(index=False, border=0, classes="data-table") if len(frame) else
                 f"<p>The return holds no figures of {self.drill.value.lower()} for {self.drill_year.value}.</p>")
        reconciliation = self.loaded.reconciliation.to_html(index=False, border=0, classes="data-table")
        self.drill_table.value = shown + "<h4>Data quality: rows in, kept, corrected, set aside</h4>" + reconciliation

    # --- scenarios -------------------------------------------------------------------------------
    def scenario_frame(self, years: int = 3, runs: int = 200) -> pd.DataFrame:
        """Projected children by placement group under the scenario set by the sliders,
        beside the baseline; with cost (where priced) and the in-house foster gap."""
        model = self.loaded.model if self.loaded is not None else None
        if model is None:
            return pd.DataFrame()
        base = model.project(years, by=1, runs=runs)
        changed = model.scenario(entry=self.entry.value, stay=self.stay.value, ifa_to_in_house=self.shift.value,
                                 in_house_places_per_year=self.recruits.value).project(years, by=1, runs=runs)
        out = base[["time_period", "group", "mean"]].rename(columns={"mean": "baseline"}).merge(
            changed[["time_period", "group", "mean"]].rename(columns={"mean": "scenario"}), on=["time_period", "group"])
        weekly = out["group"].map(self.loaded.weekly_costs)
        out["scenario_cost"] = out["scenario"] * weekly * 365 / 7
        in_house = out["group"].eq("In-house foster care")
        places = self.loaded.in_house_places + self.recruits.value * (out["time_period"] - model.year)
        out["in_house_gap"] = np.where(in_house, out["scenario"] - places, np.nan)
        return out

    def redraw_scenario(self) -> None:
        if self.loaded is None or self.loaded.model is None:
            self.scenario_table.value = "<p>Scenarios need a loaded 903 return.</p>"
            self.scenario_view = pd.DataFrame()
            return
        self.scenario_view = self.scenario_frame()
        shown = self.scenario_view.map(half_up)
        small = (self.scenario_view["scenario"] > 0) & (self.scenario_view["scenario"] < disclosure.DEFAULT_THRESHOLD)
        for column in ("baseline", "scenario"):
            shown[column] = shown[column].astype(object).where(~small, disclosure.SUPPRESSED)
        self.scenario_table.value = shown.to_html(index=False, border=0, classes="data-table", na_rep="")

    # --- export and layout -----------------------------------------------------------------------
    def export(self, folder: Path) -> list[Path]:
        """Write the current table (CSV) and chart (SVG) into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{self.authority.value}_{self.indicator.value}_{self.unit.value}"
        table = folder / f"{stem}.csv"
        values = pd.to_numeric(self.view["value"], errors="coerce")
        text = values.map(lambda v: "" if pd.isna(v) else f"{half_up(v, 1):.1f}".removesuffix(".0"))
        write_csv(self.view.assign(value=text), table)
        written = [table]
        if self._chart_svg:
            chart = folder / f"{stem}.svg"
            chart.write_bytes(self._chart_svg)
            written.append(chart)
        return written

    @property
    def widget(self):
        w = _widgets()
        trends = w.VBox([w.HBox([self.authority, self.indicator]), w.HBox([self.breakdown, self.unit]),
                         w.HBox([self.comparators, self.others]), self.years, self.message, self.chart, self.table,
                         w.HBox([self.export_dir, self.export_button])])
        drill = w.VBox([w.HBox([self.drill, self.drill_year]), self.drill_table])
        scenarios = w.VBox([self.entry, self.stay, self.shift, self.recruits, self.scenario_table])
        tabs = w.Tab(children=[trends, drill, scenarios])
        for i, title in enumerate(["Trends", "Drill-down (903 return)", "Scenarios"]):
            tabs.set_title(i, title)
        return tabs


def load_return_view(artifact_dir: str | Path, code: str) -> ReturnView:
    """The loaded return's figures, reconciliation and stock-and-flow model, as the
    authority-year's artifact holds them (see :mod:`sufficiency_lib.statement.artifact`)."""
    folder = Path(artifact_dir)
    figures = pd.read_parquet(folder / "figures.parquet")
    reconciliation = (pd.read_parquet(folder / "reconciliation.parquet") if (folder / "reconciliation.parquet").is_file()
                      else pd.DataFrame())
    model = None
    if (folder / "stockflow.pickle").is_file():
        with open(folder / "stockflow.pickle", "rb") as handle:
            model = pickle.load(handle)
    weekly = pd.Series(dtype=float)
    if (folder / "weekly_costs.parquet").is_file():
        costs = pd.read_parquet(folder / "weekly_costs.parquet")
        weekly = costs.set_index("placement_group")["weekly_cost"].astype(float)
    extra = json.loads((folder / "explorer.json").read_text()) if (folder / "explorer.json").is_file() else {}
    places = extra.get("in_house_places")
    return ReturnView(code, figures, reconciliation, model, weekly, np.nan if places is None else float(places))


def drill_years(loaded: ReturnView | None) -> list[int]:
    """The years the loaded return holds a drill-down breakdown for (none without a return)."""
    if loaded is None:
        return []
    figures = loaded.figures
    return sorted(int(y) for y in figures.loc[figures["breakdown_group"].isin(list(DRILLS.values())),
                                              "time_period"].unique())


def build(authority: str = "", published_dir: str = "", return_dir: str = "", load_return: bool = True,
          year: int | None = None) -> Explorer:
    """The explorer over the published statistics (the embedded figures and any folders of
    your own), with the authority's return (or a demo authority's) loaded for drill-down and
    scenarios from its cached artifact."""
    from sufficiency_lib import config, inputs
    from sufficiency_lib.analysis import groups
    from sufficiency_lib.published import reference, store
    from sufficiency_lib.statement import artifact

    standing = [inputs.group(name, members) for name, members in config.load_groups().items()]
    by_name = {g.la_name: g for g in standing}
    la = by_name.get(authority) or (inputs.find_authority(authority) if authority else config.list_authorities()[0])
    resolved = inputs.resolve(la, return_dir, published_dir)
    published = store.load(list(resolved.published_dirs))
    names = {row.new_la_code: row.la_name for row in reference.local_authorities().itertuples()}
    # Groups are offered beside every authority: their figures summed from their members'.
    for group in [*standing, *([la] if la.is_group and la.la_name not in by_name else [])]:
        published = groups.with_group(published, group)
        names[group.new_la_code] = group.la_name
    loaded = None
    if load_return and resolved.has_return:
        loaded = load_return_view(artifact.ensure(resolved, year or la.latest_year), la.new_la_code)
    return Explorer(published.figures, names, published.source_line(la.neighbour_model), loaded, la.new_la_code)
