"""Which table an EES file holds, told by its columns and filter values, never by its name.

DfE renames files between releases (the 2022 release's
``la_cla_at_31_march_placement_stability_indicator.csv`` is the 2023 release's
``la_cla_placement_stability.csv``), renames indicator columns (``number`` /
``children_count``) and filter columns (``population_count`` / ``population_type``,
``age`` / ``care_leaver_age``). So a file is placed by what is in it:

- its *unit* columns (:data:`UNIT_COLUMNS`: every known name of number, percentage, rate
  and population), and
- its *filter* columns (the text columns that are neither geography nor units) and the
  labels in them, matched against markers that only one table carries (e.g. "Age on
  ceasing" only in the table of children who ceased to be looked after).

:func:`classify` returns a :class:`Layout` saying which column gives the indicator, the
breakdown group and the breakdown, or the reason the file cannot be placed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sufficiency_lib.published import labels
from sufficiency_lib.published.figures import GSS_SYMBOLS, TOTAL

GEOGRAPHY = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name",
             "region_code", "region_name", "old_la_code", "la_name", "new_la_code")
#: unit -> every column name DfE has used for it, preferred first.
UNIT_COLUMNS = {
    "number": ("children_count", "care_leaver_count", "number", "children_number", "number_of_children"),
    "percent": ("children_percent", "care_leaver_percent", "percentage", "percent"),
    "rate_per_10000": ("rate_per_10000", "rate_per_10k", "rate_per_10_000"),
    "population": ("population_estimate", "population"),
}
#: The tables this suite reads, with what they hold.
TABLES = {
    "cla_number_and_rate": "Children looked after on 31 March, starting and ceasing: numbers and rates",
    "cla_31_march_characteristics": "Children looked after on 31 March by characteristics",
    "cla_started_characteristics": "Children who started to be looked after, by characteristics",
    "cla_ceased_characteristics": "Children who ceased to be looked after, by characteristics",
    "placement_stability": "Placement stability of children looked after",
    "new_placements": "New placements during the year: location and reasons for change",
    "care_leavers": "Care leavers: activity, accommodation suitability or contact, by age",
    "ons_population": "ONS mid-year population estimates, children aged 0 to 17",
}
# Filter labels only one table carries (matched on labels.label_key, after synonyms).
_MARKERS = {
    "cla_ceased_characteristics": {"Age on ceasing", "Reason episode ceased"},
    "cla_started_characteristics": {"Taken into care", "Age on starting", "Police protection in LA accommodation",
                                    "Emergency protection order", "LA accommodation under PACE 1989"},
    "new_placements": {"Location of new placements during the year",
                       "Reason for placement change during the year"},
    "placement_stability": {"With 3 or more placements during the year",
                            "Living with the same carer for at least 2 years"},
    "cla_31_march_characteristics": {"Placement", "Place providers", "Locality of placement", "LA of placement",
                                     "Distance between home and placement",
                                     "Distance between home and placement and locality of placement"},
}
_FIXED_INDICATOR = {"cla_31_march_characteristics": "cla_31_march", "cla_started_characteristics": "cla_started",
                    "cla_ceased_characteristics": "cla_ceased", "new_placements": "new_placements"}
# Care leavers: the theme of the second filter, by its column name or by its labels.
_THEME_COLUMNS = {"activity": "Activity", "accommodation_suitability": "Accommodation suitability",
                  "in_touch": "In touch", "intouch": "In touch", "contact_with_local_authority": "In touch"}
_THEME_MARKERS = {
    "Activity": {"Total in education, employment or training", "In an apprenticeship",
                 "Education other than higher education"},
    "Accommodation suitability": {"Accommodation considered suitable", "Accommodation considered unsuitable"},
    "In touch": {"Care leaver not in touch", "Young person has requested and received support", "In touch",
                 "Not in touch"},
}


@dataclass(frozen=True)
class Layout:
    """How one EES file maps to figures (column names are the file's, lower case)."""

    table: str
    units: dict = field(default_factory=dict)   # unit -> column
    indicator: str = ""          # a fixed indicator id, or ...
    indicator_column: str = ""   # ... the column whose labels name it
    indicator_rule: str = ""     # "population" (labels.indicator_of) or "care_leaver_age"
    group: str = ""              # a fixed breakdown group, or ...
    group_column: str = ""       # ... the column holding it
    breakdown_column: str = ""   # the column of breakdown labels ("" = Total)
    unread_columns: tuple = ()   # indicator columns this suite does not read


def normalise_columns(columns) -> list[str]:
    """Column names as compared: stripped of a byte-order mark and spaces, lower case."""
    return ["_".join(str(c).replace("\ufeff", "").strip().lower().split()) for c in columns]


def _is_numeric(values) -> bool:
    """Whether every non-empty value is a number or a GSS symbol (an indicator column)."""
    seen = False
    for value in values:
        text = str(value).strip().replace(",", "")
        if not text:
            continue
        seen = True
        if text.lower() in GSS_SYMBOLS:
            continue
        try:
            float(text)
        except ValueError:
            return False
    return seen


def _keys(values) -> set[str]:
    return {labels.label_key(v) for v in values if str(v).strip()}


def _marks(values, markers) -> bool:
    return bool(_keys(values) & {labels.label_key(m) for m in markers})


def _units(columns: list[str], values: dict) -> tuple[dict, list[str], list[str]]:
    """(unit -> column, filter columns, unread indicator columns)."""
    units, unread = {}, []
    named = {name: unit for unit, names in UNIT_COLUMNS.items() for name in names}
    for unit, names in UNIT_COLUMNS.items():
        present = [name for name in names if name in columns]
        if present:
            units[unit] = present[0]
            unread += present[1:]
    filters = []
    for column in columns:
        if column in GEOGRAPHY or column in named:
            continue
        (unread if _is_numeric(values.get(column, ())) else filters).append(column)
    return units, filters, unread


def classify(columns: list[str], values: dict) -> Layout | str:
    """The :class:`Layout` of a file with these (normalised) ``columns``, whose text columns
    hold the distinct ``values`` given ({column: values}); else why it cannot be placed."""
    if "time_period" not in columns or "geographic_level" not in columns:
        if {"la_num", "sn1"} <= set(columns) or {"old_la_code", "sn_1"} <= set(columns):
            return "a DfE statistical neighbour model (read by `sufficiency embed`, not as figures)"
        return "not an EES data file: no time_period and geographic_level columns"
    units, filters, unread = _units(columns, values)
    if not units:
        return "an EES file with no indicator column this suite knows (" + ", ".join(UNIT_COLUMNS) + ")"
    common = {"units": units, "unread_columns": tuple(unread)}
    if set(units) == {"population"}:
        return _population(filters, values, common)
    if len(filters) == 1:
        return _one_filter(filters[0], values, common)
    if len(filters) == 2:
        return _two_filters(filters, values, common)
    return (f"an EES file with {len(filters)} filters ({', '.join(filters) or 'none'}); this suite reads "
            "DfE's LA-level files with one or two filters")


def _population(filters, values, common) -> Layout | str:
    ages = [f for f in filters if any("0 to 17" in k for k in _keys(values.get(f, ())))]
    if len(filters) == len(ages) <= 1:
        return Layout("ons_population", indicator="population_0_17", group=TOTAL, **common)
    return f"a population file whose filters ({', '.join(filters)}) are not children aged 0 to 17"


def _one_filter(column, values, common) -> Layout | str:
    if {labels.indicator_of(v) for v in values.get(column, ()) if str(v).strip()} - {None}:
        return Layout("cla_number_and_rate", indicator_column=column, indicator_rule="population",
                      group=TOTAL, **common)
    return (f"an EES file whose one filter ({column}: {_sample(values.get(column, ()))}) names no population "
            "this suite knows")


def _care_leaver_age_column(filters, values) -> str:
    for column in filters:
        given = [v for v in values.get(column, ()) if str(v).strip() and labels.label_key(v) != "total"]
        if given and all(labels.care_leaver_indicator(v) for v in given):
            return column
    return ""


def _two_filters(filters, values, common) -> Layout | str:
    age = _care_leaver_age_column(filters, values)
    if age:
        other = next(f for f in filters if f != age)
        theme = _THEME_COLUMNS.get(other) or next(
            (name for name, markers in _THEME_MARKERS.items() if _marks(values.get(other, ()), markers)), "")
        if not theme:
            return (f"a care leavers' file whose breakdown ({other}: {_sample(values.get(other, ()))}) is "
                    "neither activity, accommodation suitability nor contact with the authority")
        return Layout("care_leavers", indicator_column=age, indicator_rule="care_leaver_age", group=theme,
                      breakdown_column=other, **common)
    group, breakdown = _group_first(filters, values)
    both = set(values.get(group, ())) | set(values.get(breakdown, ()))
    matched = [table for table, markers in _MARKERS.items() if _marks(both, markers)]
    if len(matched) != 1:
        why = "matches none of the tables" if not matched else f"matches several tables ({', '.join(matched)})"
        return (f"an EES file whose filters ({group}: {_sample(values.get(group, ()))}; {breakdown}: "
                f"{_sample(values.get(breakdown, ()))}) {why} this suite reads (if DfE renamed one of "
                "those tables, add its labels to published.layouts)")
    table = matched[0]
    if table == "placement_stability":
        return Layout(table, indicator_column=group, indicator_rule="population", group="Placement stability",
                      breakdown_column=breakdown, **common)
    return Layout(table, indicator=_FIXED_INDICATOR[table], group_column=group, breakdown_column=breakdown,
                  **common)


def _group_first(filters, values) -> list[str]:
    """(group column, breakdown column): the group's labels are known groups or populations
    ("Age group", "CLA on 31 March"); else it has fewer labels; else it comes first."""
    def rank(column):
        given = [v for v in values.get(column, ()) if labels.label_key(v) not in ("", "total")]
        known = sum(1 for v in given if labels.group_label(v)[1] or labels.indicator_of(v))
        return -known, len(given)
    return sorted(filters, key=rank)


def _sample(values, most: int = 4) -> str:
    shown = sorted(str(v) for v in values if str(v).strip())
    return ", ".join(f"'{v}'" for v in shown[:most]) + (", ..." if len(shown) > most else "")
