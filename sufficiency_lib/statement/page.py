"""What a chapter notebook reads: one chapter of an authority-year's artifact.

A page only displays what the artifact (:mod:`sufficiency_lib.statement.artifact`) holds,
so a notebook costs little more than an empty one: this module imports nothing heavy.
Given ``artifact_dir`` (the batch always gives it) the page opens that artifact; without
it (an analyst running a notebook in JupyterLab) the inputs are resolved and the artifact
is built first if it is not already in the cache.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path


class Html:
    """A piece of a page, shown as HTML by Jupyter and nbconvert."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class Page:
    """One chapter of an artifact: its opening line, blocks, summary of findings and tables."""

    def __init__(self, artifact: str | Path, chapter: str):
        self.artifact = Path(artifact)
        path = self.artifact / "pages" / f"{chapter}.json"
        if not path.is_file():
            raise FileNotFoundError(f"{self.artifact}: no chapter {chapter!r} in this artifact; build it again.")
        self.record = json.loads(path.read_text(encoding="utf-8"))
        self.chapter = chapter

    @property
    def title(self) -> str:
        return self.record["title"]

    def intro(self) -> Html:
        return Html(self.record["intro"])

    def __getitem__(self, key: str) -> Html:
        """A part of the chapter; a part this statement does not have shows nothing."""
        return Html(self.record["blocks"].get(key) or "")

    def summary(self) -> Html:
        """The chapter's summary of findings."""
        return self["summary"]

    @property
    def tables(self) -> list[Path]:
        return [self.artifact / "tables" / self.chapter / name for name in self.record["tables"]]

    def save_tables(self, tables_dir: str | Path) -> list[Path]:
        """Copy the chapter's EES tables (with ``.meta.csv``) into ``tables_dir``; an empty
        ``tables_dir`` (interactive use) copies none."""
        if not str(tables_dir):
            return []
        out = Path(tables_dir)
        out.mkdir(parents=True, exist_ok=True)
        copied = []
        for table in self.tables:
            for path in (table, table.with_suffix(".meta.csv")):
                shutil.copyfile(path, out / path.name)
            copied.append(out / table.name)
        return copied


def open_page(chapter: str, authority: str, year: int, return_dir: str = "", published_dir: str = "",
              local_dir: str = "", params_dir: str = "", year_label: str = "", artifact_dir: str = "") -> Page:
    """The page of ``chapter`` for ``authority`` and ``year``: from ``artifact_dir`` when
    given, else from the cached artifact of the resolved inputs (built when missing)."""
    if not artifact_dir:
        from sufficiency_lib import inputs
        from sufficiency_lib.statement import artifact
        resolved = inputs.resolve(authority, return_dir, published_dir, local_dir, params_dir, year_label)
        artifact_dir = str(artifact.ensure(resolved, int(year)))
    return Page(artifact_dir, chapter)
