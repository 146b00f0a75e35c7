"""A group's tables hide what its members' own tables hide.

A group's count is the sum of its members' counts. Where a member's page hides a cell (a
small count, or one hidden to protect it) and the group's page showed the same cell, the
group's less the other members' would give it back. So a group's table hides every cell any
member's table of the same shape hides (:func:`disclosure.suppression_mask`'s ``also_hide``),
and its own secondary suppression then protects them. Cells are matched by row label and
column; a row a member lacks is not hidden for it.
"""
from __future__ import annotations

import pandas as pd

from sufficiency_lib.analysis import disclosure


def hidden_by_members(table: pd.DataFrame, members: list[pd.DataFrame], columns: list[str], *,
                      total_row=None, total_column: str | None = None, labels: str | None = None,
                      threshold: int = disclosure.DEFAULT_THRESHOLD,
                      members_also: list[pd.DataFrame | None] | None = None) -> pd.DataFrame:
    """The cells of a group's ``table`` that its members' own tables of the same shape
    (``members``, suppressed as the group's is) hide (True), by row label and column.

    A group's count is the sum of its members' counts: where a member's page hides a cell
    (a small count, or one hidden to protect it) and the group's page showed the same cell,
    the group's less the other members' would give it back. So the group hides every such
    cell too (:func:`disclosure.suppression_mask`'s ``also_hide``), and its own secondary suppression
    protects them. ``members_also``: each member's cells hidden whatever their size, as its page
    hides them."""
    masks = []
    for member, also in zip(members, members_also or [None] * len(members)):
        if member is None or member.empty:
            continue
        present = [c for c in columns if c in member.columns]
        member_keys = pd.Index(member[labels] if labels else member.index)
        has_total = total_row is not None and (member_keys == total_row).sum() == 1
        mask = disclosure.suppression_mask(member, present, labels=labels, threshold=threshold,
                                total_row=total_row if has_total else None,
                                total_column=total_column if total_column in present else None, also_hide=also)
        masks.append(mask.set_axis(member_keys, axis=0))
    return _aligned(table, masks, columns, labels)


def hidden_in(table: pd.DataFrame, shown: list[pd.DataFrame], columns: list[str],
              labels: str | None = None) -> pd.DataFrame:
    """The cells of ``table`` that any of the ``shown`` tables of the same shape (already
    suppressed: a group's members' own, as their pages show them) hides as ``c``."""
    masks = [frame[[c for c in columns if c in frame.columns]].apply(
        lambda column: column.astype("string").str.strip().eq(disclosure.SUPPRESSED).fillna(False)).set_axis(
        pd.Index(frame[labels] if labels else frame.index), axis=0) for frame in shown if frame is not None]
    return _aligned(table, masks, columns, labels)


def _aligned(table: pd.DataFrame, masks: list[pd.DataFrame], columns: list[str], labels: str | None) -> pd.DataFrame:
    """The union of ``masks`` (indexed by row label) on ``table``'s rows and ``columns``; False
    where a mask lacks the row or column."""
    out = pd.DataFrame(False, index=table.index, columns=list(columns))
    keys = pd.Index(table[labels] if labels else table.index)
    for mask in masks:
        by_label = mask.groupby(level=0, sort=False).any()
        aligned = by_label.reindex(index=keys, columns=out.columns, fill_value=False).fillna(False)
        out = out | aligned.set_axis(out.index, axis=0).astype(bool)
    return out
