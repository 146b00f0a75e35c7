"""Chapter 1, children in care: numbers looked after at 31 March over the years."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import benchmark, charts, disclosure, metrics, narrative, tidy
from ..config import Authority
from ..present import Table
from ..published import Published

COUNT_LABEL = "Children looked after at 31 March"
RATE_LABEL = "Children looked after at 31 March per 10,000 children aged 0 to 17"
BENCHMARK_YEARS = 7


@dataclass
class ChildrenInCare:
    """The figures of the chapter for one authority and year, and how to show them."""

    authority: Authority
    year: int
    counts: pd.DataFrame  # EES tidy: geography, time_period, children_count
    source: str
    rates: pd.DataFrame | None = None   # benchmark.benchmark_table of the rate per 10,000
    rates_source: str = ""

    def sentence(self) -> str:
        series = self.counts.set_index("time_period")["children_count"]
        return narrative.describe_trend(series, "the number of children looked after")

    def table(self, threshold: int = disclosure.DEFAULT_THRESHOLD) -> Table:
        shown = disclosure.suppress_small_counts(
            self.counts[["time_period", "children_count"]], ["children_count"], threshold)
        shown = shown.rename(columns={"time_period": "Year (31 March)", "children_count": COUNT_LABEL})
        return Table(shown, caption=f"{COUNT_LABEL}, {self.authority.la_name}", source=self.source)

    def chart(self) -> charts.Chart:
        first, last = self.counts["time_period"].min(), self.counts["time_period"].max()
        latest = int(self.counts["children_count"].iloc[-1])
        return charts.line_chart(
            self.counts, x="time_period", y="children_count",
            title=f"{COUNT_LABEL}, {self.authority.la_name}, {first} to {last}",
            y_label="Number of children", source=self.source,
            alt=(f"Line chart of the number of children looked after at 31 March in "
                 f"{self.authority.la_name} from {first} to {last}; {latest:,} in {last}."))

    def benchmark_sentence(self) -> str:
        if not self.has_benchmark():
            return (f"The published figures hold no rate for {self.authority.la_name}, so it cannot be "
                    "compared with other authorities here.")
        text = narrative.describe_benchmark(self.rates.iloc[-1], "the rate of children looked after",
                                            " per 10,000")
        if self.rates_source.startswith("Synthetic"):
            text += " These comparisons use synthetic national figures made for the demonstration, not DfE statistics."
        return text

    def has_benchmark(self) -> bool:
        return self.rates is not None and self.rates["value"].notna().any()

    def benchmark_table(self) -> Table | None:
        if not self.has_benchmark():
            return None
        shown = benchmark.display_frame(self.rates, self.authority.la_name)
        return Table(shown, caption=f"{RATE_LABEL}: {self.authority.la_name} compared with its statistical "
                                    f"neighbours, region and England", source=self.rates_source)

    def benchmark_chart(self) -> charts.Chart | None:
        if not self.has_benchmark():
            return None
        long = benchmark.series_for_chart(self.rates, self.authority.la_name, self.authority.region_name)
        first, last = self.rates["time_period"].min(), self.rates["time_period"].max()
        latest = self.rates.iloc[-1]
        return charts.line_chart(
            long, x="time_period", y="value", hue="series",
            title=f"Rate of children looked after per 10,000, {first} to {last}",
            y_label="Rate per 10,000 children aged 0 to 17", source=self.rates_source,
            alt=(f"Line chart of the rate of children looked after per 10,000 children from {first} to "
                 f"{last} for {self.authority.la_name}, the average of its statistical neighbours, its "
                 f"region and England; in {last} {self.authority.la_name} {latest['value']:.0f}, "
                 f"England {latest['england']:.0f}."))

    def save_tables(self, tables_dir: str | Path) -> list[Path]:
        """Write the chapter's tables as EES CSVs with ``.meta.csv`` into ``tables_dir``.

        An empty ``tables_dir`` (a notebook opened interactively) writes nothing.
        """
        if not str(tables_dir):
            return []
        shown = disclosure.suppress_small_counts(self.counts, ["children_count"])
        meta = tidy.meta_frame({"children_count": (COUNT_LABEL, "", 0)})
        paths = [tidy.write_table(shown, meta, Path(tables_dir) / "cla_at_31_march.csv")]
        if self.rates is not None:
            paths.append(benchmark.write_table(self.rates, self.authority, RATE_LABEL,
                                               Path(tables_dir) / "cla_rate_benchmark.csv"))
        return paths


def build(authority: Authority, year: int, episodes: pd.DataFrame, source: str,
          published: Published | None = None) -> ChildrenInCare:
    """Compute the chapter for ``year`` from merged episodes covering the years before it,
    benchmarked against ``published`` figures when given."""
    first = int(episodes["return_year"].min())
    series = metrics.cla_at_31_march_series(episodes, range(first, int(year) + 1))
    counts = tidy.la_frame(authority, series["time_period"]).assign(
        children_count=series["children_count"].to_numpy())
    rates, rates_source = None, ""
    if published is not None:
        rates = benchmark.benchmark_table(published.figures, authority.new_la_code, "cla_31_march",
                                          "rate_per_10000", years=range(int(year) - BENCHMARK_YEARS + 1, int(year) + 1),
                                          neighbour_model=authority.neighbour_model)
        rates_source = benchmark.source_of(published)
    return ChildrenInCare(authority=authority, year=int(year), counts=counts, source=source,
                          rates=rates, rates_source=rates_source)
