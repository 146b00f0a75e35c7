"""How 903 codes group into the statement's and DfE's categories: placement groups
(in-house, IFA and connected persons foster care split by provider), DfE's placement
types, age bands, legal status groups, providers, reasons for ceasing and care leavers'
activity. The code lists themselves are in :mod:`sufficiency_lib.ssda903.codes`; the labels
are the vocabulary's (:mod:`sufficiency_lib.vocabulary`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sufficiency_lib.ssda903.codes import SHORT_BREAK_LEGAL_STATUSES, as_codes
from sufficiency_lib.vocabulary import AGE_BANDS, DFE_AGE_GROUPS, UNKNOWN, CareLeavers, PlacementGroup

# --- Placement groupings -------------------------------------------------------------------

_TEMPORARY_AND_OTHER = ["T0", "T1", "T2", "T3", "T4", "Z1", "Z11", "Z12", "Z13", "Z14"]
_UNRELATED_FOSTER = ["U4", "U5", "U6"]  # split in-house / IFA by provider

_STATEMENT_GROUP = {
    **dict.fromkeys(["U1", "U2", "U3"], PlacementGroup.CONNECTED),
    **dict.fromkeys(["A3", "A4", "A5", "A6"], PlacementGroup.ADOPTION),
    "P1": PlacementGroup.PARENTS,
    "K2": PlacementGroup.CHILDRENS_HOMES,
    "K1": PlacementGroup.SECURE,
    **dict.fromkeys(["H5", "K3", "P2"], PlacementGroup.SUPPORTED),
    "S1": PlacementGroup.SCHOOLS,
    **dict.fromkeys(["R1", "R2", "R3", "R5"], PlacementGroup.OTHER_RESIDENTIAL),
    **dict.fromkeys(["P3", *_TEMPORARY_AND_OTHER], PlacementGroup.OTHER),
}

_FOSTER_PROVIDER_GROUP = {
    **dict.fromkeys(["PR1", "PR2", "PR3"], PlacementGroup.IN_HOUSE),
    **dict.fromkeys(["PR4", "PR5"], PlacementGroup.IFA),
}


def placement_group(place: pd.Series, provider: pd.Series) -> pd.Series:
    """The sufficiency statement's placement group of each episode (one of ``PlacementGroup.ORDER``).

    ``place`` is the 903 PLACE code and ``provider`` the PLACE_PROVIDER code of the same
    episodes, row for row (blanks allowed). Groups:

    - Connected persons foster care: U1-U3 (foster placement with relative(s) or friend(s)),
      whoever provides it.
    - U4-U6 (other foster carers) by provider. PR1 (own LA), PR2 (another LA) and PR3 (other
      public provision) count as **in-house**: all are public-sector fostering, outside the
      independent market the statement weighs the LA's own capacity against. PR4 (private)
      and PR5 (voluntary/third sector) count as **IFA**, the independent fostering agencies.
      DfE publishes the five providers separately; this split is the statement's own.
      A U4-U6 episode with a blank, PR0 or unknown provider is ``UNKNOWN``, because nothing
      says which side it is on (the 903 requires a provider for foster placements).
    - Secure units: K1. Residential children's homes: K2.
    - Supported accommodation / semi-independent (16+): H5, K3 and P2 (independent living).
    - Other residential settings: R1, R2, R3, R5, as in DfE's group of that name.
    - Other placements: P3 (residential employment), T0-T4 (temporary) and Z1/Z11-Z14.

    A PLACE code not in ``PLACE`` (or blank) is ``UNKNOWN``.
    """
    place = as_codes(place)
    provider = as_codes(provider).to_numpy()
    by_place = place.map(_STATEMENT_GROUP).fillna(UNKNOWN)
    by_provider = pd.Series(provider, index=place.index).map(_FOSTER_PROVIDER_GROUP).fillna(UNKNOWN)
    return by_place.where(~place.isin(_UNRELATED_FOSTER), by_provider).rename("placement_group")


#: DfE's top-level placement types, in the order of the "Children looked after in England
#: including adoptions" characteristics tables (see ``dfe_placement_type``).
DFE_PLACEMENT_TYPES = [
    "Foster placements",
    "Placed for adoption",
    "Placed with parents or other person with parental responsibility",
    "Other placements in the community",
    "Secure homes and children's homes",
    "Independent and semi-independent living arrangements/supported accommodation",
    "Other residential settings",
    "Residential schools",
    "Other placements",
]

_DFE_TYPE = {
    **dict.fromkeys(["U1", "U2", "U3", "U4", "U5", "U6"], DFE_PLACEMENT_TYPES[0]),
    **dict.fromkeys(["A3", "A4", "A5", "A6"], DFE_PLACEMENT_TYPES[1]),
    "P1": DFE_PLACEMENT_TYPES[2],
    "P3": DFE_PLACEMENT_TYPES[3],
    **dict.fromkeys(["K1", "K2"], DFE_PLACEMENT_TYPES[4]),
    **dict.fromkeys(["H5", "K3", "P2"], DFE_PLACEMENT_TYPES[5]),
    **dict.fromkeys(["R1", "R2", "R3", "R5"], DFE_PLACEMENT_TYPES[6]),
    "S1": DFE_PLACEMENT_TYPES[7],
    **dict.fromkeys(_TEMPORARY_AND_OTHER, DFE_PLACEMENT_TYPES[8]),
}


def dfe_placement_type(place: pd.Series) -> pd.Series:
    """DfE's top-level placement type of each 903 PLACE code (one of ``DFE_PLACEMENT_TYPES``).

    Wording follows the current national "Children looked after at 31 March by
    characteristics" data set of DfE's "Children looked after in England including
    adoptions" (explore-education-statistics), as also used by DfE's Children's Social
    Care outcomes and enablers dashboard. Earlier releases (to about 2022) published
    "Secure units, children's homes and semi-independent living accommodation", which
    included H5, and counted P2 (living independently) with P3 (residential employment)
    under "Other placements in the community"; the current releases split independent and
    semi-independent living / supported accommodation (H5, P2, K3) into their own group.
    "Other residential settings" is R1, R2, R3 and R5 (DfE footnote: residential care
    homes, NHS/health establishments, family centres or mother and baby units, young
    offender institutions or prison). Temporary placements (T0-T4) are put in "Other
    placements" with Z1/Z11-Z14: DfE's tables do not show where it counts them.
    Blank or unknown codes are ``UNKNOWN``.
    """
    return as_codes(place).map(_DFE_TYPE).fillna(UNKNOWN).rename("dfe_placement_type")


_AGE_EDGES = [0, 1, 5, 10, 16, np.inf]


def age_band(age_years: pd.Series) -> pd.Series:
    """DfE age band (one of ``AGE_BANDS``) of each age in completed-or-fractional years.

    Each band includes its lower edge: 0.99 is "Under 1", 1.0 is "1 to 4", 15.99 is
    "10 to 15", 16 is "16 and over". Missing or negative ages give a missing band.
    """
    ages = pd.to_numeric(age_years, errors="coerce")
    banded = pd.cut(ages, _AGE_EDGES, right=False, labels=AGE_BANDS)
    return banded.astype("str").rename("age_band")


#: Legal status groups for the statement's tables, in table order.
LEGAL_STATUS_GROUPS = [
    "Interim care order",
    "Full care order",
    "Placement order",
    "Section 20 (voluntary)",
    "Short breaks",
    "Youth justice",
    "Other",
]

#: LS code -> legal status group. Placement order includes the older freeing order (D1),
#: which placement orders replaced for new applications from 30 December 2005 (DfE
#: footnote); V3/V4 (short breaks) are kept apart from
#: V2 because DfE leaves short-break-only children out of its looked-after counts;
#: "Other" is the emergency and police-protection statuses L1-L3.
LEGAL_STATUS_GROUP = {
    "C1": "Interim care order",
    "C2": "Full care order",
    **dict.fromkeys(["E1", "D1"], "Placement order"),
    "V2": "Section 20 (voluntary)",
    **dict.fromkeys(sorted(SHORT_BREAK_LEGAL_STATUSES), "Short breaks"),
    **dict.fromkeys(["J1", "J2", "J3"], "Youth justice"),
    **dict.fromkeys(["L1", "L2", "L3"], "Other"),
}


#: LS code -> DfE's legal status label in the "Children looked after on 31 March by
#: characteristics" files (2025 release wording). V3/V4 have none: short-break-only care is
#: not counted as looked after.
DFE_LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    **dict.fromkeys(["E1", "D1"], "Placement order granted"),
    "V2": "Voluntary agreements under S20 CA 1989",
    **dict.fromkeys(["J1", "J2", "J3"], "Youth justice legal statuses"),
    **dict.fromkeys(["L1", "L2", "L3"], "Detained for child protection"),
}

#: DfE's age-group labels, keyed by ``AGE_BANDS``.
DFE_AGE_GROUP = dict(zip(AGE_BANDS, DFE_AGE_GROUPS))

#: PLACE_PROVIDER -> DfE's "Place providers" label.
DFE_PROVIDER = {
    "PR0": "Parents or other person with parental responsibility",
    "PR1": "Own provision (by the LA)",
    "PR2": "Other LA provision",
    "PR3": "Other public provision (e.g. by a PCT etc)",
    "PR4": "Private provision",
    "PR5": "Voluntary/third sector provision",
}

#: REC -> DfE's "Reason episode ceased" label (children ceasing to be looked after).
DFE_REASON_CEASED = {
    **dict.fromkeys(["E11", "E12"], "Adopted"),
    "E13": "Left care to live with parents, relatives or other person with no parental responsibility",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment determined child aged 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 (or over) and remained with current carers",
    "E2": "Died",
    "E3": "Care taken by another local authority",
    "E41": "Residence order or child arrangement order granted",
    **dict.fromkeys(["E45", "E46", "E47", "E48"], "Special guardianship orders"),
    "E4A": ("Returned home to live with parents or other person with parental responsibility which "
            "was part of the care planning process"),
    "E4B": ("Returned home to live with parents or other person with parental responsibility which "
            "was not part of the care planning process"),
    "E5": "Moved into independent living (with supportive accommodation)",
    "E6": "Moved into independent living (with no formalised support)",
    "E7": "Transferred to residential care funded by adult social services",
    "E8": "Care ceased for any other reason",
    "E9": "Sentenced to custody",
}

#: OC3 ACTIV -> DfE's care leavers' activity total it falls in.
ACTIVITY_GROUP = {
    **dict.fromkeys(["F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5"], CareLeavers.EET),
    **dict.fromkeys(["G4", "G5", "G6"], CareLeavers.NEET),
    "0": CareLeavers.ACTIVITY_NOT_KNOWN,
}

TIME_IN_CARE_MONTHS = [0, 6, 12, 24, 36, 60]
