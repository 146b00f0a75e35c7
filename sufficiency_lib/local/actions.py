"""The actions and intended impact an authority records against each area of its statement.

These are decisions, not figures: an analyst keeps them in a YAML file per authority and
year in the authority's local data folder, ``actions_<year>.yaml``::

    authority: E10000003
    year: 2021
    areas:
      - area: Fostering
        actions:
          - Grow the in-house fostering service ...
        impact: More local family placements ...

A page for a year without its own file uses the newest earlier one and says so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

COLUMNS = ["area", "actions", "impact"]


class ActionsError(ValueError):
    """An actions file that cannot be read as the format above."""


@dataclass
class Actions:
    table: pd.DataFrame          # area, actions (one string, "; "-joined), impact
    year: int | None             # the year of the file used (None: none found)
    path: Path | None

    def note(self, year: int) -> str:
        """Which year's recorded actions a statement for ``year`` shows, in plain words."""
        if self.path is None:
            return f"No actions have been recorded for {year} or any year before it."
        if self.year != year:
            return (f"No actions have been recorded for {year} yet: the actions and intended impact shown are "
                    f"those recorded for {self.year}.")
        return f"The actions and intended impact are those the authority recorded for {year}."


def _files(folder: Path) -> dict[int, Path]:
    found = {}
    for path in Path(folder).glob("actions_*.y*ml"):
        match = re.fullmatch(r"actions_(\d{4})\.ya?ml", path.name)
        if match:
            found[int(match.group(1))] = path
    return found


def read(path: Path, authority: str | None = None) -> pd.DataFrame:
    """One actions file as a table (area, actions, impact), checked."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ActionsError(f"{path}: not valid YAML ({err}).") from None
    if authority and str(raw.get("authority", authority)) != authority:
        raise ActionsError(f"{path}: the file is for authority {raw.get('authority')}, not {authority}; "
                           "move it to that authority's folder.")
    areas = raw.get("areas")
    if not isinstance(areas, list):
        raise ActionsError(f"{path}: expected a list under 'areas:' (each with area, actions, impact).")
    rows = []
    for number, item in enumerate(areas, start=1):
        if not isinstance(item, dict) or not item.get("area"):
            raise ActionsError(f"{path}: area number {number} has no 'area:' name; add one.")
        actions = item.get("actions") or []
        if isinstance(actions, str):
            actions = [actions]
        rows.append({"area": str(item["area"]).strip(), "actions": "; ".join(str(a).strip() for a in actions),
                     "impact": str(item.get("impact") or "").strip()})
    return pd.DataFrame(rows, columns=COLUMNS)


def load(folder: str | Path | None, year: int, authority: str | None = None) -> Actions:
    """The actions for ``year``: its own file, else the newest earlier one, else none."""
    files = _files(Path(folder)) if folder and Path(folder).is_dir() else {}
    usable = [y for y in files if y <= int(year)]
    if not usable:
        return Actions(pd.DataFrame(columns=COLUMNS), None, None)
    chosen = max(usable)
    return Actions(read(files[chosen], authority), chosen, files[chosen])
