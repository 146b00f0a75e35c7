"""DfE's published labels across releases, brought to one vocabulary (the 2025 wording).

DfE rewords filter labels between releases of "Children looked after in England including
adoptions": "at 31 March" became "on 31 March", apostrophes come and go ("childs" /
"child's", straight or curly), UASC is spelt three ways, ages are "Aged 17 to 18" or
"17 to 18 years", and a group may be renamed ("Gender" -> "Sex"). Each label is matched
on :func:`label_key` (case, quotes, hyphens and spacing ignored) against the known
vocabulary and its synonyms; a label the vocabulary does not know is kept as published
(quotes straightened) and reported, never dropped.

Indicator ids (what population is counted) come from the population, stability group or
care-leaver age labels: see :func:`indicator_of` and :func:`care_leaver_indicator`.
"""
from __future__ import annotations

import re

import pandas as pd

from sufficiency_lib.vocabulary import TOTAL

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"', "\u00a0": " ", "\u2013": "-", "\u2014": "-"})
_AT_31_MARCH = re.compile(r"\bat 31(?:st)? march\b", re.IGNORECASE)
# Possessives DfE has published without their apostrophe.
_POSSESSIVES = {r"\bchilds\b": "child's", r"\bChilds\b": "Child's", r"\bchildrens\b": "children's",
                r"\bChildrens\b": "Children's"}


def clean(text) -> str:
    """A label as published, tidied: straight quotes, single spaces, "on 31 March",
    "child's" for "childs"."""
    text = " ".join(str(text).translate(_QUOTES).split())
    text = _AT_31_MARCH.sub("on 31 March", text)
    for pattern, replacement in _POSSESSIVES.items():
        text = re.sub(pattern, replacement, text)
    return text


def label_key(text) -> str:
    """What two spellings of one label share: lower case, no quotes, hyphens as spaces."""
    text = clean(text).lower().replace("'", "").replace('"', "")
    text = re.sub(r"[-/]", " ", text)
    return " ".join(text.split()).rstrip(".")


# --- indicators: which population a figure counts ----------------------------------------

INDICATOR_LABELS = {
    "Children looked after on 31 March each year": "cla_31_march",
    "Children starting to be looked after each year": "cla_started",
    "Children ceasing to be looked after each year": "cla_ceased",
    # placement stability files name the population in their group column
    "CLA on 31 March": "cla_31_march",
    "Children looked after on 31 March": "cla_31_march",
    "CLA 2 years on 31 March": "cla_2_years",
    "Children looked after for at least 2 years on 31 March": "cla_2_years",
    "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years":
        "cla_long_term_under_16",
}
#: Indicator id -> the 2025 wording of its population (for writing DfE-shaped files).
INDICATOR_WORDING = {"cla_31_march": "Children looked after on 31 March each year",
                     "cla_started": "Children starting to be looked after each year",
                     "cla_ceased": "Children ceasing to be looked after each year",
                     "cla_2_years": "CLA 2 years on 31 March",
                     "cla_long_term_under_16": ("Children looked after continuously for at least 2.5 years "
                                                "on 31 March aged under 16 years")}
_INDICATOR_KEYS = {label_key(label): ind for label, ind in INDICATOR_LABELS.items()}

_CARE_LEAVER_AGE = re.compile(r"^(?:aged |age )?(\d{2})(?: years?)?(?: (?:to|and) (\d{2})(?: years?)?)?"
                              r"(?: years? old)?$")


def indicator_of(label) -> str | None:
    """The indicator id a population label names, or None when unknown."""
    return _INDICATOR_KEYS.get(label_key(label))


def care_leaver_indicator(label) -> str | None:
    """``care_leavers_17_18`` for "Aged 17 to 18" or "17 to 18 years", ``care_leavers_22``
    for "Aged 22" or "22 years": care leavers are aged 17 to 25; other text gives None."""
    match = _CARE_LEAVER_AGE.match(re.sub(r"(\d) (\d)", r"\1 to \2", label_key(label)))
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 17 <= first <= last <= 25:
        return None
    return f"care_leavers_{first}" if first == last else f"care_leavers_{first}_{last}"


def care_leaver_age_label(indicator: str) -> str:
    """The 2025 wording of a care-leaver age indicator: ``care_leavers_22`` -> "22 years"."""
    ages = indicator.removeprefix("care_leavers_").split("_")
    return f"{ages[0]} years" if len(ages) == 1 else f"{ages[0]} to {ages[1]} years"


# --- breakdown groups ---------------------------------------------------------------------

GROUPS = (
    TOTAL, "Placement", "Place providers", "Legal status", "Age group", "Sex", "Ethnicity",
    "Unaccompanied asylum-seeking children", "Category of need", "Distance between home and placement",
    "Distance between home and placement and locality of placement", "Locality of placement",
    "LA of placement", "Placement stability", "Location of new placements during the year",
    "Reason for placement change during the year", "Age on ceasing", "Reason episode ceased",
    "Age on starting", "Taken into care", "Activity", "Accommodation suitability", "In touch",
)
GROUP_SYNONYMS = {
    "Gender": "Sex",
    "Unaccompanied asylum seeking children": "Unaccompanied asylum-seeking children",
    "UASC": "Unaccompanied asylum-seeking children",
    "Unaccompanied asylum seeking child": "Unaccompanied asylum-seeking children",
    "Age": "Age group",
    "Age at 31 March": "Age group",
    "Age on 31 March": "Age group",
    "Contact with local authority": "In touch",
}


# --- breakdown labels (the 2025 wording), with older wordings -------------------------------

BREAKDOWNS = (
    TOTAL,
    # age groups
    "Under 1 year", "1 to 4 years", "5 to 9 years", "10 to 15 years", "16 years and over", "16 years",
    "17 years", "18 years and over",
    # sex, ethnicity, UASC
    "Female", "Male", "Asian or Asian British", "Black, African, Caribbean or Black British",
    "Mixed or Multiple ethnic groups", "Other ethnic group", "Refused or information not yet available",
    "White", "UASC", "Non-UASC",
    # category of need
    "N1. Abuse or neglect", "N2. Child's disability", "N3. Parental illness or disability",
    "N4. Family in acute stress", "N5. Family dysfunction", "N6. Socially unacceptable behaviour",
    "N7. Low income", "N8. Absent parenting",
    # placement, providers, legal status at 31 March
    "Foster placements", "Independent and semi-independent living arrangements/supported accommodation",
    "Other placements", "Other residential settings", "Placed for adoption",
    "Placed with parents or other person with parental responsibility", "Residential schools",
    "Secure homes and children's homes", "Other LA provision", "Other public provision (e.g. by a PCT etc)",
    "Own provision (by the LA)", "Parents or other person with parental responsibility",
    "Placement provider not reported", "Private provision", "Voluntary/third sector provision",
    "Detained for child protection", "Full care order", "Interim care order", "Placement order granted",
    "Voluntary agreements under S20 CA 1989", "Youth justice legal statuses",
    # distance and locality at 31 March
    "Distance not known or not recorded", "Placed 20 miles or less from home",
    "Placed more than 20 miles from home", "Placed inside the local authority boundary",
    "Placed outside the local authority boundary",
    "1. Placed inside the LA boundary, 20 miles or less from home",
    "2. Placed outside the LA boundary, 20 miles or less from home",
    "3. Placed inside the LA boundary, more than 20 miles from home",
    "4. Placed outside the LA boundary, more than 20 miles from home",
    "5. Placed inside the LA boundary, distance not known or not recorded",
    "6. Placed outside the LA boundary, distance not known or not recorded",
    "1. Own LA children placed internally within the local authority boundary",
    "2. Other LA children externally placed within the local authority boundary",
    # placement stability
    "With 3 or more placements during the year", "With 3 or more placements during the previous 2 years",
    "Living with the same carer for at least 2 years",
    # new placements and reasons for change
    "Placed inside LA boundary less than 20 miles from home", "Placed inside LA boundary more than 20 miles from home",
    "Placed outside LA boundary less than 20 miles from home",
    "Placed outside LA boundary more than 20 miles from home", "Allegation (s47)", "Approval removed",
    "Carer requests placement end other than due to child's behaviour",
    "Carer requests placement ends due to child's behaviour", "Change in the status of a placement only",
    "Change to/implementation of care plan", "Child requests placement to end", "Custody arrangement", "Other",
    "Resignation or closure of provision", "Responsible/area authority requests placement ends",
    "Standards of care concern",
    # children who ceased to be looked after
    "Accommodation on remand ended", "Adopted", "Age assessment determined child aged 18 or over",
    "Aged 18 (or over) and remained with current carers", "Care ceased for any other reason",
    "Care taken by another local authority", "Child moved abroad", "Died",
    "Left care to live with parents, relatives or other person with no parental responsibility",
    "Moved into independent living (with no formalised support)",
    "Moved into independent living (with supportive accommodation)",
    "Residence order or child arrangement order granted",
    ("Returned home to live with parents or other person with parental responsibility which was not part of "
     "the care planning process"),
    ("Returned home to live with parents or other person with parental responsibility which was part of the "
     "care planning process"),
    "Sentenced to custody", "Special guardianship orders",
    "Transferred to residential care funded by adult social services",
    # children who started to be looked after (legal status on starting, taken into care)
    "Child assessment order and in LA accommodation", "Emergency protection order",
    "LA accommodation under PACE 1989", "Police protection in LA accommodation", "Remand",
    "Sentenced to youth rehabilitation order", "Voluntary agreement under S20", "All children taken into care",
    "Not taken into care",
    # care leavers
    "Education other than higher education", "Higher education i.e. studies beyond A level",
    "In an apprenticeship", "In training or employment", "In training or employment (excl. apprenticeship)",
    "Not in education, training or employment, owing to illness or disability",
    "Not in education, training or employment, owing to other reasons",
    "Not in education, training or employment, owing to pregnancy or parenting",
    "Total in education, employment or training", "Total information not known",
    "Total not in education, employment or training", "Accommodation considered suitable",
    "Accommodation considered unsuitable", "No information", "Care leaver not in touch",
    "Young person has requested and received support", "In touch", "Not in touch",
)
BREAKDOWN_SYNONYMS = {
    ("Living with the same carer for at least 2 years, or are placed for adoption and their adoptive "
     "placement together with their previous placement, last for at least 2 years"):
        "Living with the same carer for at least 2 years",
    # the 2022 release's wording of the same measure
    ("Living in the same placement for at least 2 years, or are placed for adoption and their adoption and "
     "their adoptive placement together with their previous placement, last for at least 2 years"):
        "Living with the same carer for at least 2 years",
    "Accommodation considered not suitable": "Accommodation considered unsuitable",
    "N4. Family acute stress": "N4. Family in acute stress",
    "Unaccompanied asylum-seeking children": "UASC",
    "Unaccompanied asylum-seeking child": "UASC",
    "Non-unaccompanied asylum-seeking children": "Non-UASC",
    "Not unaccompanied asylum-seeking children": "Non-UASC",
    "Not UASC": "Non-UASC",
    # each file's own name for its total row
    "Total children": TOTAL,
    "Suitability total": TOTAL,
    "Total new placements": TOTAL,
    "Total placements changing": TOTAL,
    "All children": TOTAL,
}


def _lookup(known, synonyms) -> dict[str, str]:
    table = {label_key(label): label for label in known}
    table.update({label_key(variant): label for variant, label in synonyms.items()})
    return table


_GROUP_KEYS = _lookup(GROUPS, GROUP_SYNONYMS)
_BREAKDOWN_KEYS = _lookup(BREAKDOWNS, BREAKDOWN_SYNONYMS)

_AGE_RANGE = re.compile(r"^(?:aged )?(\d+)(?: years?)? (?:to|-) (\d+)(?: years?)?$")
_AGE_OVER = re.compile(r"^(?:aged )?(\d+)(?: years?)? ?(?:and over|and older|or over|or older|\+)$")
_AGE_ONE = re.compile(r"^(?:aged )?(\d+)(?: years?)?$")
_UNDER = re.compile(r"^(?:aged )?(?:under|less than) 1(?: years?)?$")


def age_label(text) -> str | None:
    """DfE's spelling of an age group ("1 to 4 years", "16 years and over", "Under 1 year",
    "17 years") from any of "Aged 1 to 4", "1-4", "16+", "16 and over", "Under 1"; None
    when the text is not an age."""
    key = label_key(text)
    key = re.sub(r"(\d) (\d)", r"\1 - \2", key)      # "1-4" became "1 4" in the key
    key = key.replace(" - ", " to ")
    if _UNDER.match(key):
        return "Under 1 year"
    if match := _AGE_RANGE.match(key):
        return f"{int(match.group(1))} to {int(match.group(2))} years"
    if match := _AGE_OVER.match(key):
        return f"{int(match.group(1))} years and over"
    if match := _AGE_ONE.match(key):
        age = int(match.group(1))
        return f"{age} year" if age == 1 else f"{age} years"
    return None


def group_label(text) -> tuple[str, bool]:
    """(the vocabulary's group label, whether it is known) for a published group label."""
    known = _GROUP_KEYS.get(label_key(text))
    return (known, True) if known else (clean(text), False)


def breakdown_label(text, group: str = "") -> tuple[str, bool]:
    """(the vocabulary's breakdown label, whether it is known); ages are respelt in age groups."""
    known = _BREAKDOWN_KEYS.get(label_key(text))
    if known:
        return known, True
    if group.lower().startswith("age") and (age := age_label(text)):
        return age, True
    return clean(text), False


def harmonise(labels: pd.Series, group: pd.Series | str | None = None, kind: str = "breakdown"
              ) -> tuple[pd.Series, list[str]]:
    """Labels brought to the vocabulary (categorical), and the published labels not known.

    Works on the distinct (group, label) pairs, so a file of 100,000 rows costs a few
    hundred look-ups.
    """
    groups = group if isinstance(group, pd.Series) else pd.Series(group or "", index=labels.index)
    pairs = pd.DataFrame({"g": groups.astype("string").fillna("").to_numpy(),
                          "l": labels.astype("string").fillna("").str.strip().to_numpy()})
    distinct = pairs.drop_duplicates().reset_index(drop=True)
    looked_up = [group_label(label) if kind == "group" else breakdown_label(label, g)
                 for g, label in zip(distinct["g"], distinct["l"])]
    distinct["new"] = [new for new, _ in looked_up]
    unknown = sorted({label for label, (_, known) in zip(distinct["l"], looked_up) if label and not known})
    out = pairs.merge(distinct, on=["g", "l"], how="left")["new"]
    return pd.Series(out.to_numpy(), index=labels.index).astype("category"), unknown


def unify_variants(labels: pd.Series, prefer: pd.Series | None = None) -> pd.Series:
    """One spelling per :func:`label_key` among ``labels`` (categorical): the spelling with an
    apostrophe, then the one of the highest ``prefer`` (e.g. release), then the last.

    Known labels are already in the vocabulary's spelling; this settles unknown labels
    published in two spellings, so they do not become two figures.
    """
    labels = labels.astype("category")
    categories = pd.Series(labels.cat.categories.astype(object))
    keys = categories.map(label_key)
    if not keys.duplicated().any():
        return labels
    codes = labels.cat.codes.to_numpy()
    weight = (pd.Series(0, index=range(len(labels))) if prefer is None
              else pd.Series(pd.to_numeric(prefer).to_numpy())).groupby(codes).max()
    table = pd.DataFrame({"label": categories, "key": keys, "apostrophe": categories.str.contains("'"),
                          "prefer": weight.reindex(range(len(categories)), fill_value=0).to_numpy()})
    best = table.sort_values(["apostrophe", "prefer", "label"]).groupby("key")["label"].last()
    return labels.map(dict(zip(categories, keys.map(best)))).astype("category")
