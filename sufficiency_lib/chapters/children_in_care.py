"""Chapter 1, children in care: numbers looked after at 31 March over the years."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import charts, disclosure, metrics, narrative, tidy
from ..config import Authority
from ..present import Table

COUNT_LABEL = "Children looked after at 31 March"


@dataclass
class ChildrenInCare:
    """The figures of the chapter for one authority and year, and how to show them."""

    authority: Authority
    year: int
    counts: pd.DataFrame  # EES tidy: geography, time_period, children_count
    source: str

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

    def save_tables(self, tables_dir: str | Path) -> list[Path]:
        """Write the chapter's tables as EES CSVs with ``.meta.csv`` into ``tables_dir``.

        An empty ``tables_dir`` (a notebook opened interactively) writes nothing.
        """
        if not str(tables_dir):
            return []
        shown = disclosure.suppress_small_counts(self.counts, ["children_count"])
        meta = tidy.meta_frame({"children_count": (COUNT_LABEL, "", 0)})
        return [tidy.write_table(shown, meta, Path(tables_dir) / "cla_at_31_march.csv")]


def build(authority: Authority, year: int, episodes: pd.DataFrame, source: str) -> ChildrenInCare:
    """Compute the chapter for ``year`` from merged episodes covering the years before it."""
    first = int(episodes["return_year"].min())
    series = metrics.cla_at_31_march_series(episodes, range(first, int(year) + 1))
    counts = tidy.la_frame(authority, series["time_period"]).assign(
        children_count=series["children_count"].to_numpy())
    return ChildrenInCare(authority=authority, year=int(year), counts=counts, source=source)
