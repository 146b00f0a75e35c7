"""How numbers and labels are written in public text, the same in every layer: money rounded
as a councillor reads it, counts as whole numbers, and labels set inside a sentence without
breaking an acronym ("IFA foster care", never "iFA foster care")."""
from __future__ import annotations

import math


def money_text(value: float, decimals: int = 0) -> str:
    """Money as a councillor reads it: £850, £12,400, £1.3m, £25.0m; pence only when
    ``decimals`` asks for them (a framework price of £768.03); empty when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    sign = "-" if value < 0 else ""
    value = abs(float(value))
    if value >= 1_000_000 and decimals == 0:
        return f"{sign}£{value / 1_000_000:,.1f}m"
    return f"{sign}£{value:,.{decimals}f}"


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: the first letter lower-cased, unless the first
    word is an acronym or a name (its second letter is upper-case too, or a digit follows)."""
    if len(label) < 2 or not label[0].isupper() or label[1].isupper() or label[1].isdigit():
        return label
    return label[0].lower() + label[1:]
