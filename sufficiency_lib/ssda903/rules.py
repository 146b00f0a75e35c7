"""The validation rules: id, severity, plain-English title, what is done, what to do.

``blocks`` says when a finding makes the return unusable: ``"always"``, ``"required"``
(only when the file holds, or may hold, a table the return cannot do without: header or
episodes), or ``"never"``. Row-level errors never block by themselves: the rows are set
aside, and the share set aside is judged by :func:`quality_report.assess`.
"""
from __future__ import annotations

from dataclasses import dataclass

OUTCOMES = ("kept", "corrected", "superseded", "quarantined")
FILE_NOT_READ = "file not read"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str      # error | warning | info
    title: str
    outcome: str       # what happens to the rows it catches (file rules: "file not read")
    fix: str
    blocks: str = "never"


RULES = {rule.id: rule for rule in [
    # Whole files
    Rule("F02", "error", "file is empty", FILE_NOT_READ,
         "Export the table again (an empty file has not even the column names), or remove the file.", "required"),
    Rule("F03", "error", "file is binary, not text", FILE_NOT_READ,
         "Save the table as CSV (UTF-8) or Excel, or remove the file from the folder.", "required"),
    Rule("F04", "warning", "file is not UTF-8", "kept", "Save the file as CSV UTF-8 so names and codes read exactly."),
    Rule("F05", "error", "file could not be read", FILE_NOT_READ,
         "Open the file, check it is the table it claims to be, and save it again; remove it if it is not "
         "part of the return.", "required"),
    Rule("F06", "error", "required column missing", FILE_NOT_READ,
         "Add the column with its 903 name (see the DfE SSDA903 guidance) and re-run.", "required"),
    Rule("F07", "info", "not a 903 table", FILE_NOT_READ,
         "Nothing to do, or rename the file or sheet after its table (e.g. episodes_2025.csv)."),
    Rule("F08", "info", "column not used", "kept", "Nothing to do; extra columns are ignored."),
    Rule("F09", "info", "file in another text encoding, read as such", "kept",
         "Nothing to do; saving as CSV UTF-8 is safest."),
    Rule("F10", "info", "lines above the column names skipped", "kept",
         "Nothing to do, or export the table with the column names on the first line."),
    Rule("F11", "info", "columns separated by another character, read as such", "kept",
         "Nothing to do; commas are safest."),
    Rule("F12", "info", "XML elements not in the 903 format ignored", "kept",
         "Nothing to do if they are local additions; otherwise check the export."),
    Rule("F13", "info", "file has column names but no rows", "kept",
         "Nothing to do if the table had nothing to report this year; otherwise export it again."),
    # Collection years
    Rule("Y01", "error", "the year in the file or folder name disagrees with the dates in the files", "kept",
         "Rename the folder or files after the year the collection ends (31 March), or say how they are named "
         "(sufficiency validate --year-label start|end; year_label= in the library).", "always"),
    Rule("Y02", "warning", "the stated year naming disagrees with the dates in the files", "kept",
         "Check the year in the file or folder name and the --year-label given."),
    Rule("Y03", "error", "a collection year has no episodes", "kept",
         "Add that year's episodes file (with its rows), or remove the year's files if the year is not part of "
         "the return.", "always"),
    # Values
    Rule("S01", "error", "essential date missing or unreadable", "quarantined",
         "Write the date as dd/mm/YYYY in the source system and re-export."),
    Rule("S02", "warning", "date unreadable, blanked", "corrected", "Write the date as dd/mm/YYYY."),
    Rule("S03", "info", "date in another format, read unambiguously", "corrected",
         "Export dates as dd/mm/YYYY, as DfE specifies."),
    Rule("S04", "warning", "dates written month first (mm/dd/YYYY), read as such", "corrected",
         "Export dates as dd/mm/YYYY; this file's dates were read month first because some have a month "
         "above 12 in first place and none above 12 in second place."),
    Rule("S05", "warning", "two-digit year, century assumed", "corrected",
         "Export dates with four-digit years (dd/mm/YYYY); check the century shown."),
    Rule("S06", "warning", "file mixes day-first and month-first dates; ambiguous dates read day first", "kept",
         "Export all dates as dd/mm/YYYY; dates with both parts 12 or under cannot be told apart."),
    Rule("S07", "error", "essential date in the future", "quarantined",
         "Correct the date in the source system."),
    Rule("S08", "warning", "date in the future, blanked", "corrected", "Correct the date in the source system."),
    Rule("S09", "warning", "date after the end of its return's collection year", "kept",
         "Check the date, and that the file is in the right year's folder."),
    Rule("C01", "info", "code in lower case or padded, tidied", "corrected", "Nothing to do."),
    Rule("C02", "warning", "code not in the DfE code list", "kept",
         "Correct the code in the source system; it is shown as unknown in tables."),
    Rule("C03", "warning", "unknown placement type", "kept",
         "Correct PLACE in the source system; the placement is counted as 'Unknown'."),
    Rule("C04", "warning", "required code blank", "kept", "Fill the code in the source system."),
    Rule("C05", "info", "child identifier padded with spaces, trimmed", "corrected",
         "Nothing to do; trimming links the child's rows across tables."),
    # Rows
    Rule("R01", "warning", "exact duplicate row", "quarantined", "Remove the repeated row from the export."),
    Rule("R02", "warning", "same key twice in one return, the rows differ; the later row is taken", "quarantined",
         "Keep one row per child (and date) in the export."),
    Rule("R03", "warning", "row repeats the column names", "quarantined",
         "Remove the repeated header line (often from pasting two exports together)."),
    Rule("R04", "warning", "same child twice in one return with different dates of birth; the later row is taken",
         "quarantined", "Correct the child's date of birth in the source system so the rows agree."),
    Rule("R05", "error", "row has more values than the file has columns", "quarantined",
         "Check the row for an unquoted comma (quote values that contain commas) and re-export."),
    Rule("R06", "warning", "row has fewer values than the file has columns; the missing ones read as blank",
         "corrected", "Check the row was not cut short, and re-export."),
    Rule("M01", "info", "older copy of a row restated by a newer return", "superseded", "Nothing to do."),
    Rule("M02", "info", "episode open in an older return, closed by a newer return", "superseded", "Nothing to do."),
    Rule("M03", "warning", "episode in an older return restated differently by a newer return", "superseded",
         "Check the child's episodes in the newer return; the newer return is taken as right."),
    Rule("M04", "warning", "episode open at the end of an older return, child absent from the newer return",
         "kept", "Check whether the child left care; the episode is treated as still open."),
    Rule("M05", "warning", "episode running into a newer return's year that the newer return does not restate",
         "kept", "Check the child's episodes in the newer return; the older return's episode is kept."),
    # Records
    Rule("E01", "error", "episode ends before it starts", "quarantined", "Correct DECOM or DEC in the source system."),
    Rule("E02", "error", "episode starts before the child's birth", "quarantined", "Correct DOB or DECOM."),
    Rule("E03", "error", "child not in the header table", "quarantined",
         "Add the child to the header export (every child in the return needs a header row)."),
    Rule("E04", "warning", "episode overlaps the next one; ended on the day the next starts", "corrected",
         "Correct DEC in the source system so episodes follow on without overlap."),
    Rule("E05", "warning", "period of care continues (REC X1) but the next episode starts later",
         "kept", "Check DEC and the next DECOM; a continuing period should have no gap."),
    Rule("E06", "info", "care under an agreed series of short breaks (LS V3/V4)", "kept",
         "Nothing to do; short-break-only care is excluded from 'looked after at 31 March'."),
    Rule("D01", "error", "deprivation of liberty order ends before it starts", "quarantined",
         "Correct DOLO_START or DOLO_END in the source system."),
]}

RULE_IDS = list(RULES)
