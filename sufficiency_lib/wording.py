"""How numbers and labels are written in public text, the same in every layer: money rounded
as a councillor reads it, counts as whole numbers, and labels set inside a sentence without
breaking an acronym ("IFA foster care", never "iFA foster care")."""
from __future__ import annotations

import math
import numbers
import re
from decimal import ROUND_HALF_UP, Context, Decimal

#: Enough digits for any float's whole part and two decimals (the largest float has 309).
_EXACT = Context(prec=400, rounding=ROUND_HALF_UP)


def half_up(value, decimals: int = 0):
    """``value`` rounded to ``decimals`` places with halves away from zero (12.5 is 13, 2.675 is
    2.68), as DfE rounds and as every table and sentence states a figure; Python's own format
    rounds a half to even (12.5 would read 12 in a sentence beside 13 in its table). Put it
    round a value before it is formatted: ``f"{half_up(share):.0f}%"``. The half is judged on
    the shortest decimal that reads as the float (2.675 is stored a hair under it). Anything
    that is not a finite number (missing, infinite, a symbol such as "c") comes back as it is."""
    if not isinstance(value, numbers.Real) or not math.isfinite(value):
        return value
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), context=_EXACT))


def money_text(value: float, decimals: int = 0) -> str:
    """Money as a councillor reads it: £850, £12,400, £1.3m, £25.0m; pence only when
    ``decimals`` asks for them (a framework price of £768.03); empty when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "-" if value < 0 else ""
    value = abs(float(value))
    if value >= 1_000_000 and decimals == 0:
        return f"{sign}£{half_up(value / 1_000_000, 1):,.1f}m"
    return f"{sign}£{half_up(value, decimals):,.{decimals}f}"


def decimal_text(value: float, decimals: int = 1) -> str:
    """A rate or mean in a sentence: ``decimals`` places, thousands commas, and whole when it
    is whole at that precision (31, not 31.0; 42.5 stays), so no count reads as 31.0; never
    "-0"; "not available" when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    value = half_up(value, decimals)
    text = f"{value:,.{decimals}f}".removesuffix("." + "0" * decimals) if decimals else f"{value:,.0f}"
    return text.removeprefix("-") if text.strip("-0.,") == "" else text


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: the first letter lower-cased, unless the first
    word is an acronym or a name (its second letter is upper-case too, or a digit follows)."""
    if len(label) < 2 or not label[0].isupper() or label[1].isupper() or label[1].isdigit():
        return label
    return label[0].lower() + label[1:]


_SOURCE_FILE = re.compile(r",\s*([\w.-]+)\.csv\b")
_OFSTED_FILES = (("providers_at_", "providers at"), ("joiners_and_leavers_year_to_", "joiners and leavers, year to"))


def plain_source(text: str) -> str:
    """A source line without file names: Ofsted's files say their date in words
    ("..., providers_at_31_march_2023.csv" -> "..., providers at 31 March 2023"); DfE's and
    LAIT's are named by their publication and release alone (the tables' metadata keeps the
    files)."""
    def words(match: re.Match) -> str:
        stem = match.group(1)
        dated = re.search(r"(\d{1,2})_march_(\d{4})$", stem)
        for prefix, said in _OFSTED_FILES:
            if stem.startswith(prefix) and dated:
                return f", {said} {dated.group(1)} March {dated.group(2)}"
        return ""
    return _SOURCE_FILE.sub(words, str(text))


def listed(names) -> str:
    """'Cambridgeshire and Peterborough'; 'A, B and C'; one name as itself."""
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def year_span(first, last) -> str:
    """'2016 to 2018'; one year as itself ('2018'), never '2018 to 2018'."""
    return str(first) if str(first) == str(last) else f"{first} to {last}"
