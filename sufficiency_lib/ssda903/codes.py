"""SSDA903 code lists and DfE groupings: the one place where codes get their labels.

Labels follow the DfE "Children looked after return" guidance (SSDA903), shortened to plain
English. Notebooks and tables never retype a label; they look it up here.

The code lists were checked against (see the report of the change for links):

- the open-source DfE-rule validator ``data-to-insight/csc-validator-be-903``
  (``lac_validator/rules/lac2022_23`` to ``lac2025_26``: rules 101, 103, 131, 132, 133, 146),
- Social Finance's ``liia-tools`` 903 schemas (``SSDA903_schema_2017.yml``, ``_2024.yml``),
- the DfE-wording code enums in ``data-to-insight/patch`` (``apps/016_903_drilldown``).

Codes are matched exactly after trimming spaces, as the DfE validator does; upper-casing
is the cleaning step's job (``clean.tidy_codes``), so a lower-case code here is unknown.
``KNOWN_CODES`` is the union over the specifications this module covers, so a code retired
in one year (H5) and one introduced later (K3) are both known: it does not check that a
code was valid in the year it was reported.
"""
from __future__ import annotations

import pandas as pd


DATE_FORMAT = "%d/%m/%Y"  # how the 903 writes every date

#: Legal statuses for an agreed series of short-term placements (short breaks).
#: DfE excludes children whose only care is such a series from "looked after at 31 March".
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})


# LS: legal status. The same 13 codes in every source checked (liia-tools 2017 and 2024 schemas).
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
    "V2": "Single period of accommodation under section 20 (Children Act 1989)",
    "V3": "Accommodated under an agreed series of short-term breaks, when individual episodes of care are recorded",
    "V4": "Accommodated under an agreed series of short-term breaks, when agreements are recorded",
}

# PLACE: placement type. Year notes use the collection year (2024/25 = year to 31 March 2025)
# and come from the validator's per-year PLACE lists (rule 146).
PLACE = {
    "A3": "Placed for adoption with parental/guardian consent, with current foster carer(s)",
    "A4": "Placed for adoption with parental/guardian consent, not with current foster carer(s)",
    "A5": "Placed for adoption with placement order, with current foster carer(s)",
    "A6": "Placed for adoption with placement order, not with current foster carer(s)",
    # H5 and P2 are not in the 2025/26 list: K3 replaces them for 16/17-year-olds.
    "H5": "Semi-independent living accommodation not subject to children's homes regulations",
    "K1": "Secure children's home",
    "K2": "Children's home subject to Children's Homes Regulations",
    # K3 from 2024/25 (the validator's 2024/25 list spells it "k3"; its 2025/26 list "K3").
    "K3": "Registered supported accommodation",
    "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
    "P2": "Independent living (e.g. flat, lodgings, bedsit, B&B or with friends), with or without formal support",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS/health trust or other establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution (YOI) or prison",
    "S1": "Residential school, except where dual-registered as a school and children's home",
    "T0": "Temporary move of any type",
    "T1": "Temporary period in hospital",
    "T2": "Temporary absence of the child on holiday",
    "T3": "Temporary accommodation while the usual foster carer(s) are on holiday",
    "T4": "Temporary accommodation of seven days or less, for any reason not covered by T1 to T3",
    "U1": "Foster placement with relative(s) or friend(s): long-term fostering",
    "U2": "Foster placement with relative(s) or friend(s) who are also approved adopters: "
          "fostering for adoption or concurrent planning",
    "U3": "Foster placement with relative(s) or friend(s): not long-term, fostering for adoption "
          "or concurrent planning",
    "U4": "Foster placement with other foster carer(s): long-term fostering",
    "U5": "Foster placement with other foster carer(s) who are also approved adopters: "
          "fostering for adoption or concurrent planning",
    "U6": "Foster placement with other foster carer(s): not long-term, fostering for adoption "
          "or concurrent planning",
    # Z1 until 2024/25; the validator's 2025/26 lists replace it with Z11-Z14 and treat them
    # exactly as Z1 (no provider, no URN). No source found gives DfE's labels for Z11-Z14,
    # so their labels say only what is known.
    "Z1": "Other placement (listed on a schedule sent to DfE)",
    "Z11": "Other placement, type Z11 (from 2025/26; DfE wording not verified)",
    "Z12": "Other placement, type Z12 (from 2025/26; DfE wording not verified)",
    "Z13": "Other placement, type Z13 (from 2025/26; DfE wording not verified)",
    "Z14": "Other placement, type Z14 (from 2025/26; DfE wording not verified)",
}

# PLACE_PROVIDER: placement provider (blank for T0-T4 and Z1x placements).
PLACE_PROVIDER = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the local authority)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (for example, a primary care trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
}

# RNE: reason for new episode.
RNE = {
    "S": "Started to be looked after",
    "L": "Change of legal status only",
    "P": "Change of placement and carer(s) only",
    "T": "Change of placement (but same carer(s)) only",
    "B": "Change of legal status and placement and carer(s) at the same time",
    "U": "Change of legal status and change of placement (but same carer(s)) at the same time",
}

# REC: reason episode ceased. E43/E44 (special guardianship to former foster carers / to
# other carers) are in liia-tools' 2017 schema but were split into E45-E48 and are no longer
# valid, so they are left out.
REC = {
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E13": "Left care to live with parent(s), relative(s) or other person(s) with no parental responsibility",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child is aged 18 or over (and E5, E6 and E7 do not apply)",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers (including staying put)",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E41": "Residence order or child arrangements order granted",
    "E45": "Special guardianship order made to former foster carer(s) who are relatives or friends",
    "E46": "Special guardianship order made to former foster carer(s) other than relatives or friends",
    "E47": "Special guardianship order made to carer(s), not former foster carers, who are relatives or friends",
    "E48": "Special guardianship order made to carer(s), not former foster carers, other than relatives or friends",
    "E4A": "Returned home to parent(s), relative(s) or others with parental responsibility as part of the care plan",
    "E4B": "Returned home to parent(s), relative(s) or others with parental responsibility not as part of the care plan",
    "E5": "Moved into independent living with formalised advice or support (e.g. hostel, foyer, staying close)",
    "E6": "Moved into independent living with no formalised advice or support (e.g. bedsit, own flat)",
    "E7": "Transferred to residential care funded by adult social care services",
    "E8": "Period of being looked after ceased for any other reason",
    "E9": "Sentenced to custody",
    "X1": "Episode ceases and a new episode begins on the same day, for any reason",
}

# CIN: category of need (the main need when the child started to be looked after).
CIN = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental illness or disability",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
}

# ETHNIC: ethnic origin (the DfE/GIAS short code set).
ETHNIC = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "WOTH": "Any other White background",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other Mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "CHNE": "Chinese",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

#: DfE's major ethnic groups, in the order and wording of current "Children looked after in
#: England" data sets (``ethnicity_major``). Older releases said "Mixed" and "Black or Black
#: British" and put Chinese under "Other ethnic groups"; current DfE/GSS groups put Chinese
#: under Asian, which is followed here.
ETHNIC_GROUPS = [
    "White",
    "Mixed or Multiple ethnic groups",
    "Asian or Asian British",
    "Black, African, Caribbean or Black British",
    "Other ethnic group",
    "Refused or information not yet available",
]

#: ETHNIC code -> DfE major ethnic group (one of ``ETHNIC_GROUPS``).
ETHNIC_GROUP = {
    **dict.fromkeys(["WBRI", "WIRI", "WIRT", "WROM", "WOTH"], ETHNIC_GROUPS[0]),
    **dict.fromkeys(["MWBC", "MWBA", "MWAS", "MOTH"], ETHNIC_GROUPS[1]),
    **dict.fromkeys(["AIND", "APKN", "ABAN", "CHNE", "AOTH"], ETHNIC_GROUPS[2]),
    **dict.fromkeys(["BCRB", "BAFR", "BOTH"], ETHNIC_GROUPS[3]),
    "OOTH": ETHNIC_GROUPS[4],
    **dict.fromkeys(["REFU", "NOBT"], ETHNIC_GROUPS[5]),
}

# SEX: 1/2 to 2023/24; the validator's 2024/25 rules (101, 232, 393) use M/F/U instead.
SEX = {
    "1": "Male",
    "2": "Female",
    "M": "Male",
    "F": "Female",
    "U": "Unknown",
}

# REASON_PLACE_CHANGE: reason for a placement change (only when the carer changes).
REASON_PLACE_CHANGE = {
    "CARPL": "Change to/implementation of care plan",
    "CLOSE": "Resignation/closure of provision",
    "ALLEG": "Allegation (s47)",
    "STAND": "Standards of care concern",
    "APPRR": "Approval removed",
    "CREQB": "Carer(s) requests placement end due to child's behaviour",
    "CREQO": "Carer(s) requests placement end other than due to child's behaviour",
    "CHILD": "Child requests placement end",
    "LAREQ": "Responsible/area authority requests placement end",
    "PLACE": "Change in the status of placement only",
    # CUSTOD is in liia-tools' 2024 schema, not its 2017 one. The patch enum calls it
    # "Custody arrangement"; validator rule 234 describes it as being admitted to custody.
    "CUSTOD": "Child admitted to custody",
    "OTHER": "Other",
}

# IN_TOUCH (OC3): whether the authority is in touch with the care leaver.
IN_TOUCH = {
    "YES": "Yes, in touch",
    "NO": "No, not in touch",
    "DIED": "Died since leaving care",
    "REFU": "Young person refuses contact",
    "NREQ": "Young person no longer requires services",
    "RHOM": "Returned to live with parents or someone with parental responsibility for 6 months or more",
}

# ACTIV (OC3): care leaver's main activity. F4/P4 (apprenticeship) and F5/P5 (other training
# or employment) replaced F3/P3 (training or employment): liia-tools makes the switch in its
# 2022 schema; the year DfE made it was not verified.
ACTIV = {
    "F1": "Full time in higher education",
    "P1": "Part time in higher education",
    "F2": "Full time in education other than higher education",
    "P2": "Part time in education other than higher education",
    "F4": "Full time in an apprenticeship",
    "P4": "Part time in an apprenticeship",
    "F5": "Full time in training or employment (not apprenticeship)",
    "P5": "Part time in training or employment (not apprenticeship)",
    "G4": "Not in education, employment or training: illness or disability",
    "G5": "Not in education, employment or training: other circumstances",
    "G6": "Not in education, employment or training: pregnancy or parenting",
    "0": "Not known: not in touch, died, or returned home for 6 months or more",
}

#: ACCOM (OC3) first character: type of accommodation.
ACCOM_TYPE = {
    "B": "With parent(s) or relative(s)",
    "C": "Community home or other residential care (e.g. an NHS establishment)",
    # A newer validator message (rule 347) calls D "registered supported accommodation";
    # the year of that relabelling was not verified.
    "D": "Semi-independent, transitional accommodation or self-contained accommodation with support",
    "E": "Supported lodgings (in a host family who give formal advice and support)",
    "G": "Gone abroad",
    "H": "Deported",
    "K": "Ordinary lodgings, without formal support",
    "R": "Residence not known",
    "S": "No fixed abode/homeless",
    "T": "Foyer or similar supported accommodation with education, training or employment",
    "U": "Independent living (e.g. own tenancy, college or university accommodation)",
    "V": "Emergency accommodation (e.g. night shelter, direct access or emergency hostel)",
    "W": "Bed and breakfast",
    "X": "In custody",
    "Y": "Other accommodation",
    "Z": "With former foster carer(s) (staying put)",
}

#: ACCOM (OC3) second character: whether the accommodation is suitable.
ACCOM_SUITABILITY = {"1": "suitable", "2": "not suitable"}

# Sources disagree on S1 and X1: liia-tools and the patch enum list them, but the DfE
# validation rule 133 (as the validator implements it) accepts only S2 and X2, because
# homelessness and custody are never suitable. The DfE rule is followed.
_NEVER_SUITABLE = frozenset({"S1", "X1"})

# ACCOM (OC3): accommodation type and suitability together, e.g. "B1"; "0" = not known.
ACCOM = {
    "0": "Not known: not in touch, died, or returned home for 6 months or more",
    **{kind + digit: f"{where} ({fit})"
       for kind, where in ACCOM_TYPE.items()
       for digit, fit in ACCOM_SUITABILITY.items()
       if kind + digit not in _NEVER_SUITABLE},
}

_LABELS = {
    "PLACE": PLACE,
    "PLACE_PROVIDER": PLACE_PROVIDER,
    "LS": LEGAL_STATUS,
    "RNE": RNE,
    "REC": REC,
    "CIN": CIN,
    "ETHNIC": ETHNIC,
    "SEX": SEX,
    "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE,
    "IN_TOUCH": IN_TOUCH,
    "ACTIV": ACTIV,
    "ACCOM": ACCOM,
}

#: 903 column name -> every code valid for it in at least one specification covered here.
KNOWN_CODES: dict[str, frozenset[str]] = {field: frozenset(codes) for field, codes in _LABELS.items()}


def _scalar_code(code) -> str:
    """A single code as trimmed text; missing values become "" and 1.0 becomes "1"."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return ""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    return str(code).strip()


def as_codes(codes: pd.Series) -> pd.Series:
    """Codes as trimmed text, missing values as ""."""
    return codes.astype("str").fillna("").str.strip()


def label(field: str, code) -> str:
    """Plain-English label of ``code`` in 903 column ``field`` (e.g. ``label("PLACE", "U4")``).

    Labels are the DfE SSDA903 guide's descriptions, shortened. An unknown code comes back
    as itself with "(unknown code)" and a blank one as "(blank)", so tables never break on
    bad data; an unknown ``field`` is a programming error and raises ``KeyError``.
    """
    if field not in _LABELS:
        raise KeyError(f"no 903 code list for column {field!r}; known: {sorted(_LABELS)}")
    text = _scalar_code(code)
    if not text:
        return "(blank)"
    return _LABELS[field].get(text, f"{text} (unknown code)")


def accommodation_suitable(code) -> bool | None:
    """Whether an OC3 ``ACCOM`` code says the care leaver's accommodation is suitable.

    The 903 ACCOM code is a type letter (``ACCOM_TYPE``) then a suitability digit:
    1 = suitable (True), 2 = not suitable (False). "0", a blank, an unknown letter or any
    other digit means suitability is not known (None).
    """
    text = _scalar_code(code)
    if len(text) != 2 or text[0] not in ACCOM_TYPE:
        return None
    return {"1": True, "2": False}.get(text[1])
