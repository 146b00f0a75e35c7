"""A chapter page: its blocks, the challenges its rules found, and its summary of findings."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sufficiency_lib.local import actions as actions_mod
from sufficiency_lib.analysis import findings as findings_mod
from sufficiency_lib.statement import tidy
from sufficiency_lib.statement.tables import Table
from sufficiency_lib.statement.chapters.common import Block, Context, save_all


@dataclass
class Chapter:
    """What a chapter notebook shows, block by block, and its summary of findings."""

    ctx: Context
    slug: str
    blocks: dict[str, Block | None]
    areas: list[str] | None = field(default_factory=list)  # areas whose actions belong here (None: all)
    found: list | None = None      # challenges; None: found by the chapter's rules in findings.RULES

    def __post_init__(self):
        if self.found is None:
            self.found = findings_mod.detect(self.ctx, self.slug)
        self.actions = actions_mod.load(self.ctx.local_dir, self.ctx.year, self.ctx.authority.new_la_code)

    def __getitem__(self, key: str) -> Block:
        block = self.blocks.get(key)
        return block if block is not None else Block(key, ["No figures are available for this part."])

    def summary_frame(self) -> pd.DataFrame:
        return findings_mod.summary_table(self.found, self.actions.table, self.areas)

    def summary(self) -> Block:
        """The summary of findings: challenges detected from the numbers, and the actions and
        impact the authority recorded for those areas."""
        frame = self.summary_frame()
        if frame.empty:
            return Block("summary_of_findings", ["The rules of this chapter found no challenge in the figures, "
                                                 "and no actions are recorded for its areas.",
                                                 self.actions.note(self.ctx.year)])
        table = Table(frame, caption=f"Summary of findings, {self.ctx.name}, {self.ctx.year}",
                      source="Challenges: rules in sufficiency_lib.findings applied to the figures above; "
                             "actions and impact: the authority's actions file")
        data = tidy.la_frame(self.ctx.authority, [self.ctx.year]).merge(
            frame.assign(time_period=self.ctx.year).rename(columns=lambda c: c.lower().replace(" ", "_")),
            on="time_period")
        meta = tidy.meta_frame({}, {c: c.replace("_", " ").capitalize() for c in data.columns
                                    if c not in tidy.GEOGRAPHY_COLUMNS})
        return Block("summary_of_findings", [self.actions.note(self.ctx.year)], table, data=data, meta=meta)

    def save_tables(self, tables_dir: str | Path) -> list[Path]:
        """Write every table of the page as an EES CSV with ``.meta.csv`` into ``tables_dir``."""
        return save_all([*self.blocks.values(), self.summary()], tables_dir)
