"""Reading values typed by hand in the authority's local files (``statement.yaml``,
``actions_<year>.yaml``): a date however YAML gave it, and the nearest allowed word to
suggest when one is mistyped. Each file's reader says what is wrong in its own words."""
from __future__ import annotations

import datetime as dt
import difflib


def as_date(value) -> dt.date | None:
    """``value`` as a date (YAML gives ``2025-09-30`` as a date, a quoted one as text), or
    None when it is not a year-month-day date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def did_you_mean(value, allowed) -> str:
    """"did you mean 'x'? " for the allowed word nearest a mistyped ``value``; '' for none near."""
    close = difflib.get_close_matches(str(value), list(allowed), n=1)
    return f"did you mean '{close[0]}'? " if close else ""
