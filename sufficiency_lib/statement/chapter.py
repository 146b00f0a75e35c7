"""A chapter: its blocks, the challenges the rules found for it, and its summary of findings."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sufficiency_lib.analysis import findings as findings_mod
from sufficiency_lib.analysis.facts import Facts
from sufficiency_lib.statement import tables as t
from sufficiency_lib.statement.blocks import Block

#: What each chapter's figures are about, in "No challenge was found in ...".
FOUND_IN = {"summary": "any chapter", "plan": "the measures of the plan",
            "children_in_care": "the figures on children in care",
            "placements": "the figures on placement mix and stability",
            "provision": "the figures on provision, the market and costs",
            "population": "the figures on who the children in care are",
            "care_leavers": "the figures on care leavers", "forecast": "the forecast and the sufficiency gap",
            "data_quality": "the checks of the return's quality"}

SUMMARY_COLUMNS = [t.text("area", "Area"), t.text("challenges", "Challenges and gaps found"),
                   t.text("actions", "Actions required"), t.text("impact", "Intended impact")]


@dataclass
class Chapter:
    """What a chapter page shows, block by block, and its summary of findings."""

    facts: Facts
    slug: str
    blocks: dict[str, Block | None]
    found: list = field(default_factory=list)         # findings.Finding of this chapter
    areas: list[str] | None = field(default_factory=list)   # areas whose actions belong here (None: all)

    def __getitem__(self, key: str) -> Block:
        block = self.blocks.get(key)
        return block if block is not None else Block(key, ["No figures are available for this part."])

    def summary_frame(self) -> pd.DataFrame:
        return findings_mod.summary_table(self.found, self.facts.actions.table, self.areas,
                                          internal=self.slug == "data_quality")

    def summary(self) -> Block:
        """The summary of findings: challenges detected from the numbers, and the actions and
        impact the authority recorded for those areas."""
        frame = self.summary_frame()
        key = "summary_of_findings" if self.slug == "summary" else f"summary_of_findings_{self.slug}"
        # which year's actions are shown is said once, in the executive summary: in its opening
        # when the year has no actions of its own (summary.opening), else above this table
        actions, year = self.facts.actions, self.facts.year
        note = actions.note(year) if self.slug == "summary" and actions.is_for(year) else ""
        if frame.empty:
            said = f"No challenge was found in {FOUND_IN.get(self.slug, 'these figures')}, and no actions are recorded."
            if self.slug == "plan" and self.facts.actions.previous is None:   # nothing to assess, not a clean bill
                said = "There is no earlier plan whose measures could be assessed, and no actions are recorded."
            return Block(key, [said, note])
        frame = frame.set_axis(["area", "challenges", "actions", "impact"], axis=1)
        table = t.Table(key, f"Summary of findings, {self.facts.name}, {self.facts.year}",
                        "Challenges: found in the figures above by the rules set out in the methods; actions and "
                        f"impact: {self.facts.whose} own record", SUMMARY_COLUMNS, frame)
        return Block(key, [note], table)

    def all_blocks(self) -> list[Block]:
        """Every block of the page in order, the summary of findings last."""
        return [b for b in self.blocks.values() if b is not None] + [self.summary()]
