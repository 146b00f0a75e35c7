"""The national overview: every rendered authority's (and group's) headline figures in one
sortable table, with the same table as a CSV beside it.

Read from the executive summary's headline table that each statement already saved
(``<code>/<year>/tables/headline_figures.csv``), so the overview computes nothing and says
exactly what the statements say (suppressed figures stay ``c``).
"""
from __future__ import annotations

from pathlib import Path

import jinja2
import pandas as pd

from sufficiency_lib.fingerprint import atomic_write_text
from sufficiency_lib.safe_csv import write_csv
from sufficiency_lib.site.html import TEMPLATES_DIR
from sufficiency_lib.site.index import index_rows

HEADLINES = "headline_figures.csv"


def overview_frame(out_dir: Path) -> pd.DataFrame:
    """One row per authority and year: its name, code, region and the headline figures of
    its year (as its statement shows them)."""
    rows = []
    for row in index_rows(Path(out_dir)):
        path = Path(out_dir) / row["code"] / str(row["year"]) / "tables" / HEADLINES
        if not path.is_file():
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        latest = table.loc[table["time_period"].eq(str(row["year"]))]
        rows.append({"Authority": row["name"], "Code": row["code"], "Region": row["region"], "Year": row["year"],
                     **dict(zip(latest["figure"], latest["value"]))})
    return pd.DataFrame(rows)


def write_overview(out_dir: Path) -> Path | None:
    """``overview.html`` and ``overview.csv`` in ``out_dir``; None when no statement has its
    headline table yet."""
    out_dir = Path(out_dir)
    frame = overview_frame(out_dir)
    if frame.empty:
        return None
    write_csv(frame, out_dir / "overview.csv")
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)
    figures = [c for c in frame.columns if c not in ("Authority", "Code", "Region", "Year")]
    text = environment.get_template("overview.html.j2").render(
        columns=list(frame.columns), numeric=set(figures), rows=frame.fillna("").to_dict("records"),
        regions=sorted({r for r in frame["Region"] if r}))
    path = out_dir / "overview.html"
    atomic_write_text(path, text)
    return path
