"""The actions an authority records against each area of its statement, year by year: who
owns each, when it is due, which figure should move and how, and how far it has got.

These are decisions, not figures: an analyst keeps them in a YAML file per authority and
statement year in the authority's local data folder, ``actions_<year>.yaml``::

    authority: E10000003
    year: 2021
    until: 2024                 # optional: the last year the plan covers (default: until replaced)
    illustrative: true          # optional: the whole file is an example, not the council's decision
    areas:
      - area: Fostering
        actions:
          - Recruit carers for older children.          # a plain action (the older format)
          - action: Grow the in-house fostering service.
            owner: Head of fostering
            due: 2024-03-31                             # a date, year-month-day
            measure: in_house_share                     # one key of MEASURES, or a list of them
            wanted: up                                  # optional: up or down (default: the measure's)
            status: on track                            # one of STATUSES
            illustrative: true                          # optional: owner, due, measure and status of
                                                        # this action are examples, not the council's
        impact: More local family placements.

Every key but ``areas``, ``area`` and the action's words is optional. A measure names a
figure the statement computes (:data:`MEASURES`), so progress against it is measured, never
typed in. A statement for a year without its own file uses the newest earlier file while its
plan lasts (``until``) and says so; the newest earlier file is also the previous statement's
plan, whose progress the statement reports.

Nothing here stops a run: :func:`load` returns what it could read and lists each problem
(:attr:`Actions.problems`: file, area and action number, key, value and the fix; and
:attr:`Actions.plain_problems`, the same in words a page may print). :func:`read` is the
strict reader: it raises :class:`ActionsError` listing every problem.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import yaml

from sufficiency_lib.local.values import as_date, did_you_mean
from sufficiency_lib.vocabulary import (
    TOTAL,
    CareLeavers,
    Distance,
    Group,
    Indicator,
    Locality,
    PlacementGroup,
    Stability,
    Unit,
)

COLUMNS = ["area", "actions", "impact"]
FILE_KEYS = ("authority", "year", "until", "illustrative", "areas")
AREA_KEYS = ("area", "actions", "impact")
ACTION_KEYS = ("action", "owner", "due", "measure", "wanted", "status", "illustrative")
STATUSES = ("not started", "on track", "delayed", "done", "dropped")
UP, DOWN = "up", "down"
ILLUSTRATIVE = "illustrative, not the council's decision"
DIRECTIONS = (UP, DOWN)


class ActionsError(ValueError):
    """An actions file that cannot be read as the format above."""


@dataclass(frozen=True)
class Measure:
    """A figure the statement computes, as ``facts.shown(indicator, group, breakdown, year,
    unit)`` returns it, and the way a plan usually wants it to move."""

    label: str           # as a table heads it and a sentence says it (lower case)
    indicator: str
    group: str
    breakdown: str
    unit: str
    wanted: str


_CLA = Indicator.CLA
#: The figures an action may name as its measure: a small closed list, so every measure is
#: one the statement computes the same way each year.
MEASURES = {
    "children_in_care": Measure("number of children looked after", _CLA, TOTAL, TOTAL, Unit.NUMBER, DOWN),
    "cla_rate": Measure("children looked after per 10,000 children", _CLA, TOTAL, TOTAL, Unit.RATE, DOWN),
    "in_house_share": Measure("share of children looked after in in-house foster care", _CLA,
                              Group.PLACEMENT_GROUP, PlacementGroup.IN_HOUSE, Unit.PERCENT, UP),
    "ifa_share": Measure("share of children looked after in IFA foster care", _CLA, Group.PLACEMENT_GROUP,
                         PlacementGroup.IFA, Unit.PERCENT, DOWN),
    "connected_share": Measure("share of children looked after in connected persons foster care", _CLA,
                               Group.PLACEMENT_GROUP, PlacementGroup.CONNECTED, Unit.PERCENT, UP),
    "residential_share": Measure("share of children looked after in residential children's homes", _CLA,
                                 Group.PLACEMENT_GROUP, PlacementGroup.CHILDRENS_HOMES, Unit.PERCENT, DOWN),
    "three_plus_placements": Measure("share of children looked after with 3 or more placements in the year",
                                     _CLA, Group.STABILITY, Stability.THREE_OR_MORE, Unit.PERCENT, DOWN),
    "long_term_stability": Measure("share of children in care long term living with the same carer for 2 years",
                                   Indicator.LONG_TERM_UNDER_16, Group.STABILITY, Stability.SAME_CARER,
                                   Unit.PERCENT, UP),
    "far_placements": Measure("share of children looked after placed more than 20 miles from home", _CLA,
                              Group.DISTANCE, Distance.FAR, Unit.PERCENT, DOWN),
    "out_of_area": Measure("share of children looked after placed outside the authority's area", _CLA,
                           Group.LOCALITY, Locality.OUTSIDE, Unit.PERCENT, DOWN),
    "new_placements_in_area": Measure("share of new placements made inside the authority's area",
                                      Indicator.NEW_PLACEMENTS, Group.LOCALITY, Locality.INSIDE, Unit.PERCENT, UP),
    "care_leavers_in_touch": Measure("share of care leavers aged 19 to 21 in touch with the authority",
                                     Indicator.CARE_LEAVERS_19_21, Group.IN_TOUCH, CareLeavers.IN_TOUCH,
                                     Unit.PERCENT, UP),
    "care_leavers_suitable": Measure("share of care leavers aged 19 to 21 in suitable accommodation",
                                     Indicator.CARE_LEAVERS_19_21, Group.ACCOMMODATION, CareLeavers.SUITABLE,
                                     Unit.PERCENT, UP),
    "care_leavers_eet": Measure("share of care leavers aged 19 to 21 in education, employment or training",
                                Indicator.CARE_LEAVERS_19_21, Group.ACTIVITY, CareLeavers.EET, Unit.PERCENT, UP),
}


@dataclass(frozen=True)
class Action:
    """One recorded action; empty fields were not recorded."""

    area: str
    number: int                                   # its place in the area's list, from 1
    text: str
    impact: str = ""                              # the area's intended impact
    owner: str = ""
    due: dt.date | None = None
    measures: tuple[tuple[str, str], ...] = ()    # (key of MEASURES, direction wanted)
    status: str = ""                              # one of STATUSES
    illustrative: bool = False                    # owner, due, measure and status are examples


@dataclass
class Actions:
    """The actions a statement shows, and the previous statement's (for its progress)."""

    table: pd.DataFrame          # area, actions (one string, "; "-joined), impact
    year: int | None             # the year of the file used (None: none found)
    path: Path | None
    entries: tuple[Action, ...] = ()
    until: int | None = None     # the last year the plan covers (None: until replaced)
    illustrative: bool = False   # the whole file is an example
    problems: tuple[str, ...] = ()          # file, place, key, value and fix
    plain_problems: tuple[str, ...] = ()    # the same, as a page may print them
    previous: Actions | None = field(default=None, repr=False)   # the newest file of an earlier year

    def is_for(self, year: int) -> bool:
        """Whether these are actions recorded for ``year`` itself."""
        return self.path is not None and self.year == int(year)

    def note(self, year: int) -> str:
        """Which year's recorded actions a statement for ``year`` shows, in plain words."""
        if self.path is None:
            before = self.previous
            if before is not None and before.until is not None:
                return (f"No actions have been recorded for {year}: the last plan, recorded for {before.year}, "
                        f"ran to {before.until}, and how its actions went is set out in the chapter "
                        "'Our plan and progress'.")
            return f"No actions have been recorded for {year} or any year before it."
        if self.year != year:
            return (f"No actions have been recorded for {year} yet: the actions and intended impact shown are "
                    f"those recorded for {self.year}.")
        return f"The actions and intended impact are those the authority recorded for {year}."


# --- checking one file ----------------------------------------------------------------------

class _Report:
    """Problems found in one file, each in two forms: for the analyst, and for the page."""

    def __init__(self, path: Path, year: int | None):
        self.path, self.year = Path(path), year
        self.problems: list[str] = []
        self.plain: list[str] = []

    def add(self, place: str, message: str, fix: str = "") -> None:
        where = f"{self.path}: {place}" if place else str(self.path)
        self.problems.append(f"{where}: {message}" + (f"; {fix}" if fix else "."))
        words = message.replace("_", " ")
        recorded = f"the actions recorded for {self.year}" if self.year else "an actions file"
        self.plain.append(f"In {recorded}{', ' + place if place else ''}: {words}.")


def _unknown_key(report: _Report, place: str, key, allowed: tuple[str, ...]) -> None:
    report.add(place, f"unknown key '{key}', left out",
               f"{did_you_mean(key, allowed)}the keys here are {', '.join(allowed)}.")


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _due(report: _Report, place: str, value) -> dt.date | None:
    found = as_date(value)
    if found is None:
        report.add(place, f"key 'due': {value!r} is not a date, so no due date is shown",
                   "write it as year-month-day, e.g. due: 2026-03-31.")
    return found


def _measures(report: _Report, place: str, value, wanted) -> tuple[tuple[str, str], ...]:
    keys = value if isinstance(value, list) else [value]
    direction = None
    if wanted is not None:
        direction = str(wanted).strip().lower()
        if direction not in DIRECTIONS:
            report.add(place, f"key 'wanted': {wanted!r} is neither up nor down, so the measure's usual "
                              "direction is used", "write wanted: up or wanted: down.")
            direction = None
    found = []
    for key in keys:
        name = str(key).strip()
        if name in MEASURES:
            found.append((name, direction or MEASURES[name].wanted))
            continue
        report.add(place, f"key 'measure': {name!r} is not a figure the statement computes, so it is left out",
                   f"{did_you_mean(name, MEASURES)}the measures are {', '.join(MEASURES)}.")
    return tuple(found)


def _status(report: _Report, place: str, value) -> str:
    status = " ".join(str(value).replace("_", " ").split()).lower()
    if status in STATUSES:
        return status
    report.add(place, f"key 'status': {value!r} is not a status, so no status is shown",
               f"{did_you_mean(status, STATUSES)}use one of {', '.join(STATUSES)}.")
    return ""


def _action(report: _Report, place: str, area: str, number: int, impact: str, item) -> Action | None:
    if isinstance(item, (str, int, float)) and not isinstance(item, bool) and _text(item):
        return Action(area, number, _text(item), impact)
    if not isinstance(item, dict) or not _text(item.get("action")):
        report.add(place, "has no words, so it is left out",
                   "write the action as text, or as 'action:' with its words and the optional keys "
                   f"{', '.join(ACTION_KEYS[1:])}.")
        return None
    for key in item:
        if key not in ACTION_KEYS:
            _unknown_key(report, place, key, ACTION_KEYS)
    illustrative = item.get("illustrative", False)
    if not isinstance(illustrative, bool):
        report.add(place, "key 'illustrative' must be true or false, so it is taken as true",
                   "write illustrative: true or remove the key.")
        illustrative = True
    return Action(area, number, _text(item["action"]), impact, owner=_text(item.get("owner")),
                  due=_due(report, place, item["due"]) if item.get("due") is not None else None,
                  measures=(_measures(report, place, item["measure"], item.get("wanted"))
                            if item.get("measure") is not None else ()),
                  status=_status(report, place, item["status"]) if item.get("status") is not None else "",
                  illustrative=illustrative)


def _area(report: _Report, number: int, item) -> list[Action] | None:
    if not isinstance(item, dict) or not _text(item.get("area")):
        report.add("", f"area number {number} has no 'area:' name, so it is left out", "add one.")
        return None
    name = _text(item["area"])
    place = f"area {number} ({name})"
    for key in item:
        if key not in AREA_KEYS:
            _unknown_key(report, place, key, AREA_KEYS)
    listed = item.get("actions") or []
    listed = listed if isinstance(listed, list) else [listed]
    impact = _text(item.get("impact"))
    actions = [_action(report, f"{place}, action {n}", name, n, impact, a) for n, a in enumerate(listed, start=1)]
    return [a for a in actions if a is not None] or [Action(name, 0, "", impact)]


def _table(entries: list[Action]) -> pd.DataFrame:
    rows: dict[str, dict] = {}
    for action in entries:
        row = rows.setdefault(action.area, {"area": action.area, "actions": [], "impact": action.impact})
        row["actions"] += [action.text] if action.text else []
    return pd.DataFrame([{**r, "actions": "; ".join(r["actions"])} for r in rows.values()], columns=COLUMNS)


def _header(report: _Report, raw: dict, authority: str | None, year: int | None) -> tuple[int | None, bool]:
    """Check the file's own keys; returns its ``until`` and ``illustrative``."""
    for key in raw:
        if key not in FILE_KEYS:
            _unknown_key(report, "", key, FILE_KEYS)
    if year is not None and raw.get("year") is not None and str(raw["year"]).strip() != str(year):
        report.add("", f"key 'year': the file is named for {year} but says {raw['year']}; it is used for {year}",
                   "rename the file or correct 'year:'.")
    until = raw.get("until")
    if until is not None and (not isinstance(until, int) or isinstance(until, bool) or (year and until < year)):
        report.add("", f"key 'until': {until!r} is not a year from {year or 'the file year'} on, so the plan "
                       "is taken to last until a newer one replaces it", "write e.g. until: 2024, or remove it.")
        until = None
    illustrative = raw.get("illustrative", False)
    if not isinstance(illustrative, bool):
        report.add("", "key 'illustrative' must be true or false, so it is taken as true",
                   "write illustrative: true or remove the key.")
        illustrative = True
    return until, illustrative


def _check(path: Path, authority: str | None, year: int | None) -> tuple[_Report, dict]:
    """Read and check one file: the report, and the values read (empty if unusable)."""
    report = _Report(path, year)
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        report.add("", f"not valid YAML ({' '.join(str(err).split())}), so none of it is used",
                   "check the indentation and put text with a colon in quotes.")
        return report, {}
    except UnicodeDecodeError:
        report.add("", "not UTF-8 text, so none of it is used", "save it as UTF-8.")
        return report, {}
    raw = raw or {}
    if not isinstance(raw, dict):
        report.add("", "expected keys (authority, year, areas), so none of it is used", "see the format above.")
        return report, {}
    if authority and raw.get("authority") is not None and str(raw["authority"]) != authority:
        report.add("", f"the file is for authority {raw['authority']}, not {authority}, so none of it is used",
                   "move it to that authority's folder, or correct 'authority:'.")
        return report, {}
    areas = raw.get("areas")
    if not isinstance(areas, list):
        report.add("", "expected a list under 'areas:' (each with area, actions, impact), so none of it is used",
                   "write areas: followed by a list of '- area: ...' items.")
        return report, {}
    until, illustrative = _header(report, raw, authority, year)
    entries = [a for number, item in enumerate(areas, start=1) for a in (_area(report, number, item) or [])]
    return report, {"entries": entries, "until": until, "illustrative": illustrative}


def _file_year(path: Path) -> int | None:
    match = re.fullmatch(r"actions_(\d{4})\.ya?ml", Path(path).name)
    return int(match.group(1)) if match else None


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=COLUMNS)


def read_actions(path: str | Path, authority: str | None = None) -> Actions:
    """One actions file, read as far as it can be: never raises; problems are listed."""
    path = Path(path)
    year = _file_year(path)
    report, values = _check(path, authority, year)
    entries = values.get("entries", [])
    table = _table(entries) if entries else _empty()
    if values.get("illustrative"):      # every page that shows these actions says they are examples
        table["actions"] = [f"{text} ({ILLUSTRATIVE})" if text else text for text in table["actions"]]
    return Actions(table, year, path, tuple(a for a in entries if a.text), values.get("until"),
                   values.get("illustrative", False), tuple(report.problems), tuple(report.plain))


def read(path: str | Path, authority: str | None = None) -> pd.DataFrame:
    """One actions file as a table (area, actions, impact), checked strictly: raises
    :class:`ActionsError` listing every problem."""
    got = read_actions(path, authority)
    if got.problems:
        raise ActionsError(" ".join(got.problems))
    return got.table


def _files(folder: Path) -> dict[int, Path]:
    found = {}
    for path in Path(folder).glob("actions_*.y*ml"):
        year = _file_year(path)
        if year is not None:
            found[year] = path
    return found


def load(folder: str | Path | None, year: int, authority: str | None = None) -> Actions:
    """The actions for ``year``: its own file, else the newest earlier one while its plan
    lasts, else none; with the newest earlier file as :attr:`Actions.previous`. Never raises."""
    files = _files(Path(folder)) if folder and Path(folder).is_dir() else {}
    earlier = [y for y in files if y < int(year)]
    previous = read_actions(files[max(earlier)], authority) if earlier else None
    if int(year) in files:
        return replace(read_actions(files[int(year)], authority), previous=previous)
    if previous is not None and (previous.until is None or previous.until >= int(year)):
        return replace(previous, previous=previous)
    return Actions(_empty(), None, None, previous=previous)
