"""The authority's children aged 0 to 17 by ethnic group: a local table, so that the
ethnicity of children in care can be set beside that of all the area's children.

No published file the project reads has it (ONS publishes it from the Census, e.g. 2021
Census table TS021 by age, for each authority), so an analyst gives it in the authority's
local data folder as ``population_by_ethnicity.csv``::

    year,ethnic_group,children,source
    2021,White,105000,"ONS, Census 2021: ethnic group by age, children aged 0 to 17"
    2021,Mixed or Multiple ethnic groups,6500,...
    2021,Asian or Asian British,8000,...
    2021,"Black, African, Caribbean or Black British",3000,...
    2021,Other ethnic group,2500,...

- ``year``: the year the population is of (the Census year, or a mid-year estimate's);
- ``ethnic_group``: one of DfE's five major groups, as DfE words them (the 903's ethnicity
  codes fall into them; ``Black``, ``Mixed``, ``Asian``, ``White`` and ``Other`` are read as
  the group they start); every group once for each year;
- ``children``: the number of children aged 0 to 17 in the group, a whole number >= 0;
- ``source`` and ``note`` (optional): where the numbers come from, shown as the source.

A file that cannot be used never stops a statement: :func:`load` returns no table and
the problems, each naming the file, row (as a spreadsheet shows it, header = row 1),
column, value and the fix, for the page to say.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sufficiency_lib.local import local_data
from sufficiency_lib.ssda903 import codes

FILE_NAME = "population_by_ethnicity.csv"
GROUPS = tuple(codes.ETHNIC_GROUPS[:5])
#: A short name an analyst may write for a group -> DfE's label.
SHORT_NAMES = {"white": GROUPS[0], "mixed": GROUPS[1], "asian": GROUPS[2], "black": GROUPS[3], "other": GROUPS[4]}
SPEC = local_data.Table("population_by_ethnicity", (
    local_data.Column("year", "int", minimum=1900), local_data.Column("ethnic_group"),
    local_data.Column("children", "int", minimum=0), *local_data.TEXT_EXTRA))


class PopulationFileError(ValueError):
    """A population-by-ethnicity file that cannot be used as it is: the message names the
    file, row, column and value and the fix; ``plain`` says the same in words a page may
    print (no file or column names)."""

    def __init__(self, message: str, plain: str = "its columns or numbers are not as the statement needs them"):
        super().__init__(message)
        self.plain = plain


@dataclass
class PopulationByEthnicity:
    """The table (year, ethnic_group, children; empty when none was usable), the file it
    came from, and why a file was not used."""

    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["year", "ethnic_group", "children"]))
    path: Path | None = None
    problems: list[str] = field(default_factory=list)        # for the analyst: file, row, column, fix
    plain_problems: list[str] = field(default_factory=list)  # the same, as a page may print them

    @property
    def found(self) -> bool:
        return not self.table.empty

    def latest(self, year: int) -> tuple[int | None, pd.Series]:
        """The newest year up to ``year`` (else the oldest after it) and its counts by group."""
        if self.table.empty:
            return None, pd.Series(dtype="float64")
        years = sorted(self.table["year"].astype(int).unique())
        chosen = max([y for y in years if y <= year], default=years[0])
        rows = self.table.loc[self.table["year"].eq(chosen)]
        return chosen, rows.set_index("ethnic_group")["children"].astype("float64")

    def source(self) -> str:
        """The source line: the file's own sources, else a plain description."""
        cited = sorted({s for s in self.table.get("source", pd.Series(dtype=str)) if s})
        return "The authority's local data (children aged 0 to 17 by ethnic group)" + (
            f": {'; '.join(cited)}" if cited else "")


def group_label(text: str) -> str | None:
    """DfE's label of a group as an analyst wrote it (any case; a short name), or None."""
    cleaned = " ".join(str(text).split())
    for label in GROUPS:
        if cleaned.lower() == label.lower():
            return label
    first = cleaned.lower().split(" ")[0].strip(",") if cleaned else ""
    return SHORT_NAMES.get(first)


def check(frame: pd.DataFrame, origin: str) -> pd.DataFrame:
    """The table typed and checked, or the first problem as a :class:`PopulationFileError`."""
    try:
        typed = local_data.check(frame, SPEC, origin)
    except local_data.LocalDataError as error:
        raise PopulationFileError(str(error)) from None
    if typed.empty:
        raise PopulationFileError(f"{origin}: no rows; give the children aged 0 to 17 in each of the five groups "
                                  f"({', '.join(GROUPS)}) for at least one year.", "it has no rows")
    labels = typed["ethnic_group"].map(group_label)
    unknown = labels.isna().to_numpy().nonzero()[0]
    if len(unknown):
        row = int(unknown[0])
        raise PopulationFileError(f"{origin}, row {row + 2}, column ethnic_group: value "
                                  f"{typed['ethnic_group'].iloc[row]!r} is not one of DfE's five major groups; "
                                  f"write one of: {'; '.join(GROUPS)}.",
                                  f"row {row + 2} names a group that is not one of the five major ethnic groups")
    typed = typed.assign(ethnic_group=labels, year=typed["year"].astype(int))
    doubled = typed.duplicated(["year", "ethnic_group"]).to_numpy().nonzero()[0]
    if len(doubled):
        row = int(doubled[0])
        raise PopulationFileError(f"{origin}, row {row + 2}: {typed['ethnic_group'].iloc[row]} is given twice for "
                                  f"{typed['year'].iloc[row]}; keep one row per group and year.",
                                  f"row {row + 2} gives a group a second time for the same year")
    for year, rows in typed.groupby("year"):
        missing = [g for g in GROUPS if g not in set(rows["ethnic_group"])]
        if missing:
            raise PopulationFileError(f"{origin}: {year} has no row for {'; '.join(missing)}; give all five groups "
                                      "for each year (0 where there are none), so that shares add up.",
                                      f"{year} does not give every ethnic group")
        if rows["children"].sum() == 0:
            raise PopulationFileError(f"{origin}: every group is 0 in {year}; give the number of children in each.",
                                      f"every group is 0 in {year}")
    return typed.reset_index(drop=True)


def read(path: Path) -> pd.DataFrame:
    """The file's cells as text (see :func:`local_data.read_text_csv`)."""
    try:
        return local_data.read_text_csv(path)
    except local_data.LocalDataError:
        raise PopulationFileError(f"{path}: the file is empty; delete it or give it a header row "
                                  "(year, ethnic_group, children).", "it is empty") from None


def load(folder: str | Path | None) -> PopulationByEthnicity:
    """The population by ethnicity in ``folder`` (none when the file is not there; the
    problem, never an exception, when it cannot be used)."""
    if not folder:
        return PopulationByEthnicity()
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return PopulationByEthnicity()
    try:
        return PopulationByEthnicity(check(read(path), str(path)), path)
    except PopulationFileError as error:
        return PopulationByEthnicity(path=path, problems=[str(error)], plain_problems=[error.plain])
