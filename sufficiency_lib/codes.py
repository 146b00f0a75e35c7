"""SSDA903 code lists and DfE groupings: the one place where codes get their labels.

Labels follow the DfE "Children looked after return" guidance (SSDA903). Notebooks and
tables never retype a label; they look it up here.
"""
from __future__ import annotations

DATE_FORMAT = "%d/%m/%Y"  # how the 903 writes every date

#: Legal statuses for an agreed series of short-term placements (short breaks).
#: DfE excludes children whose only care is such a series from "looked after at 31 March".
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})

LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or to youth detention accommodation",
    "J2": "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984",
    "J3": "Sentenced to a youth rehabilitation order with residence or intensive fostering requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks, when individual episodes of care are recorded",
    "V4": "Accommodated under an agreed series of short-term breaks, when agreements are recorded",
}
