"""The SSDA903 tables: their columns, dates and keys, as DfE's return specifies them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableSpec:
    """One 903 table.

    ``required`` columns must be present to use the table; ``dates`` are parsed as
    dd/mm/YYYY; ``essential_dates`` cannot be blank or unreadable without the row being
    quarantined; ``key`` identifies a row across years (the newest return wins).
    ``event_dates`` are dates of things that happen within the collection year (an
    episode starting, a review), which tell the year a file covers; ``later_dates`` may
    lie after the year or in the future by design (UASC status ends at 18, an order's
    planned end).
    """

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    essential_dates: tuple[str, ...] = ()
    key: tuple[str, ...] = ("CHILD",)
    required_table: bool = False
    event_dates: tuple[str, ...] = ()
    later_dates: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


TABLES = {spec.name: spec for spec in [
    TableSpec("header", ("CHILD", "SEX", "DOB", "ETHNIC"), ("UPN", "MOTHER", "MC_DOB"),
              dates=("DOB", "MC_DOB"), essential_dates=("DOB",), required_table=True),
    TableSpec("episodes", ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"),
              ("REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN", "PL_DISTANCE", "PL_LA", "PL_LOCATION"),
              dates=("DECOM", "DEC"), essential_dates=("DECOM",), key=("CHILD", "DECOM"), required_table=True,
              event_dates=("DECOM",)),
    TableSpec("uasc", ("CHILD", "DUC"), ("SEX", "DOB"), dates=("DOB", "DUC"), later_dates=("DUC",)),
    TableSpec("oc3", ("CHILD", "IN_TOUCH", "ACTIV", "ACCOM"), ("DOB",), dates=("DOB",),
              key=("CHILD", "return_year")),
    TableSpec("oc2", ("CHILD",), ("DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
                                  "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                                  "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
              dates=("DOB",), key=("CHILD", "return_year")),
    TableSpec("reviews", ("CHILD", "REVIEW"), ("DOB", "REVIEW_CODE"), dates=("DOB", "REVIEW"),
              essential_dates=("REVIEW",), key=("CHILD", "REVIEW"), event_dates=("REVIEW",)),
    TableSpec("missing", ("CHILD", "MISSING", "MIS_START"), ("DOB", "MIS_END"),
              dates=("DOB", "MIS_START", "MIS_END"), essential_dates=("MIS_START",), key=("CHILD", "MIS_START"),
              event_dates=("MIS_START",)),
    TableSpec("ad1", ("CHILD",), ("DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                                  "LS_ADOPTR"), dates=("DOB", "DATE_INT", "DATE_MATCH")),
    TableSpec("placed_for_adoption", ("CHILD", "DATE_PLACED"), ("DOB", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
              dates=("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"), key=("CHILD", "DATE_PLACED")),
    # DATE_PERM may hold unknown parts ("zz/zz/2010"), so it stays text.
    TableSpec("previous_permanence", ("CHILD",), ("DOB", "PREV_PERM", "LA_PERM", "DATE_PERM")),
    # Deprivation of liberty orders, from the 2026-27 return; older returns have no such table.
    TableSpec("dolo", ("CHILD", "DOLO_START"), ("DOB", "DOLO_END"), dates=("DOB", "DOLO_START", "DOLO_END"),
              essential_dates=("DOLO_START",), key=("CHILD", "DOLO_START"), later_dates=("DOLO_END",)),
]}

#: Each table as a page names it (DfE's guidance calls them by these names).
TABLE_LABELS = {"header": "Children (header)", "episodes": "Episodes of care", "uasc": "Unaccompanied asylum-seeking "
                "children", "oc3": "Care leavers (OC3)", "oc2": "Outcomes (OC2)", "reviews": "Reviews",
                "missing": "Missing or away from placement", "ad1": "Adoption (AD1)",
                "placed_for_adoption": "Placed for adoption", "previous_permanence": "Previous permanence",
                "dolo": "Deprivation of liberty orders"}

#: Tables a return cannot be used without.
REQUIRED_TABLES = tuple(name for name, spec in TABLES.items() if spec.required_table)

#: Other names the same column goes by (the XML format, older files).
COLUMN_ALIASES = {"PL": "PLACE", "CHILDID": "CHILD"}

#: File-name words that identify a table, most specific first.
TABLE_FILE_WORDS = [
    ("placed_for_adoption", "placed_for_adoption"), ("placedforadoption", "placed_for_adoption"),
    ("previous_permanence", "previous_permanence"), ("prev_perm", "previous_permanence"),
    ("episodes", "episodes"), ("episode", "episodes"), ("header", "header"), ("uasc", "uasc"),
    ("oc3", "oc3"), ("care_leavers", "oc3"), ("oc2", "oc2"), ("reviews", "reviews"), ("review", "reviews"),
    ("missing", "missing"), ("ad1", "ad1"),
    ("deprivation_of_liberty", "dolo"), ("dolo", "dolo"),
]

#: Columns the pipeline adds to every row so each can be traced to its file and line.
PROVENANCE = ("row_id", "source_file", "source_row", "return_year")
