"""Tables for the rendered pages: suppressed, labelled, and plain HTML that reads offline."""
from __future__ import annotations

import html

import pandas as pd


class Table:
    """A table ready for a page: a caption, the shown frame and its source line."""

    def __init__(self, frame: pd.DataFrame, caption: str, source: str):
        self.frame, self.caption, self.source = frame, caption, source

    def to_html(self) -> str:
        body = self.frame.to_html(index=False, border=0, classes="data-table", na_rep="")
        caption = f"<caption>{html.escape(self.caption)}</caption>"
        body = body.replace(">", ">" + caption, 1) if "<table" in body else body
        return f'<div class="table-block">{body}<p class="source">Source: {html.escape(self.source)}</p></div>'

    def _repr_html_(self) -> str:
        return self.to_html()
