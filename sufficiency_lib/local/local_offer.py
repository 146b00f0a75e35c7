"""The authority's local offer for care leavers: what support it gives, area by area (the
Children and Social Work Act 2017 s2 duty to publish one). It is the authority's decision,
not a figure, so an analyst gives it in the authority's local data folder as
``care_leavers_local_offer.csv``::

    area,offer
    Housing,"A range of supported lodgings and staying-put arrangements to 21"
    Education and training,"A bursary for further and higher education"

- ``area``: the part of the offer (housing, money, education, employment, health, ...);
- ``offer``: what the authority offers, in a sentence or two;
- ``source`` (optional): where it is published (e.g. the council's local offer page).

A file that cannot be used never stops a statement: :func:`load` returns no table and the
problem (file, row, column and fix) with a plain version a page may print.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sufficiency_lib.local import local_data

FILE_NAME = "care_leavers_local_offer.csv"
SPEC = local_data.Table("care_leavers_local_offer", (local_data.Column("area"), local_data.Column("offer"),
                                                     *local_data.TEXT_EXTRA))


@dataclass
class LocalOffer:
    """The offer (area, offer, source; empty when none was usable), its file and problems."""

    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["area", "offer"]))
    path: Path | None = None
    problems: list[str] = field(default_factory=list)
    plain_problems: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return not self.table.empty

    def source(self) -> str:
        cited = sorted({s for s in self.table.get("source", pd.Series(dtype=str)) if s})
        return "The authority's local offer for care leavers" + (f": {'; '.join(cited)}" if cited else "")


def load(folder: str | Path | None) -> LocalOffer:
    """The local offer in ``folder`` (none when the file is not there)."""
    path = Path(folder) / FILE_NAME if folder else None
    if path is None or not path.is_file():
        return LocalOffer()
    try:
        frame = local_data.read_text_csv(path)
    except (local_data.LocalDataError, pd.errors.ParserError) as error:
        return LocalOffer(path=path, problems=[f"{path}: cannot be read as a CSV file ({error}); save it as CSV "
                                                "(UTF-8) with the columns area and offer."],
                          plain_problems=["it is not a table the statement can read"])
    try:
        table = local_data.check(frame, SPEC, str(path))
    except local_data.LocalDataError as error:
        return LocalOffer(path=path, problems=[str(error)],
                          plain_problems=["a column is missing or a cell is empty"])
    if table.empty:
        return LocalOffer(path=path, problems=[f"{path}: no rows; give one row per area of the offer."],
                          plain_problems=["it has no rows"])
    return LocalOffer(table, path)
