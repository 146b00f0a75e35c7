"""The parts a page is made of: a :class:`Block` is a few sentences, an optional chart, an
optional declared table (saved as an EES CSV with its ``.meta.csv``) and notes."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from sufficiency_lib.statement.charts import Chart
from sufficiency_lib.statement.tables import Table


@dataclass
class Block:
    """One part of a page, in reading order: sentences, chart, table, notes."""

    key: str
    sentences: list[str]
    table: Table | None = None
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)
    extra_tables: list[Table] = field(default_factory=list)   # saved beside the page, not shown

    def to_html(self) -> str:
        parts = [f"<p>{html.escape(text)}</p>" for text in self.sentences if text]
        if self.chart is not None:
            parts.append(self.chart.to_html())
        if self.table is not None:
            parts.append(self.table.to_html())
        parts += [f'<p class="note">{html.escape(text)}</p>' for text in self.notes if text]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def tables(self) -> list[Table]:
        """The tables saved for this block: those with a key (a table shown on the page whose
        CSV is another, tidier table of the block has none)."""
        return [t for t in (self.table, *self.extra_tables) if t is not None and t.key]


def message(key: str, text: str) -> Block:
    """A block that only says something (a part without figures)."""
    return Block(key, [text])
