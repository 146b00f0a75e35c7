"""The domain's words, typed once: indicators, units, breakdown groups and their labels,
placement groups, age bands and the statement's areas.

Every module that names one of these imports it from here, so a label is spelt in one
place. Labels are DfE's own wording (2025 release of "Children looked after in England
including adoptions") wherever DfE publishes the figure, so a figure computed from a
return sits beside the published one; the statement's own groupings (placement groups,
the split of foster care into in-house, IFA and connected persons) are worded as the demo
authorities' statements word them. The 903 codes behind each label are mapped in
:mod:`sufficiency_lib.ssda903.codes`.

The names are grouped in plain classes used as namespaces (``PlacementGroup.IFA``); the
values are plain strings, so they compare, sort and store like any label.
"""
from __future__ import annotations

TOTAL = "Total"
NOT_KNOWN = "Not known"
UNKNOWN = "Unknown"          # the group of a code the code lists do not know


class Indicator:
    """Indicator ids of the figures shape (see :mod:`sufficiency_lib.published.figures`)."""

    CLA = "cla_31_march"                         # looked after on 31 March
    STARTED = "cla_started"                      # started to be looked after in the year
    CEASED = "cla_ceased"                        # ceased to be looked after in the year
    DURING_YEAR = "cla_during_year"              # looked after at any time in the year
    TWO_YEARS = "cla_2_years"                    # looked after for at least 2 years on 31 March
    LONG_TERM_UNDER_16 = "cla_long_term_under_16"
    NEW_PLACEMENTS = "new_placements"
    CARE_LEAVERS_17_18 = "care_leavers_17_18"
    CARE_LEAVERS_19_21 = "care_leavers_19_21"
    POPULATION = "population_0_17"               # ONS mid-year estimate, children aged 0 to 17
    # Ofsted, providers registered in the authority's area at 31 March (published.ofsted)
    CHILDRENS_HOMES = "childrens_homes"                         # short-break-only homes included
    CHILDRENS_HOME_PLACES = "childrens_home_places"
    SECURE_HOMES = "secure_childrens_homes"
    SECURE_HOME_PLACES = "secure_childrens_home_places"
    RSS_HOMES = "rss_childrens_homes"                           # residential special schools registered
    RSS_HOME_PLACES = "rss_childrens_home_places"               # as children's homes
    SHORT_BREAK_HOMES = "short_break_homes"
    SHORT_BREAK_HOME_PLACES = "short_break_home_places"
    FOSTERING_AGENCIES = "fostering_agencies"                   # independent fostering agencies
    HOMES_GOOD_OR_OUTSTANDING = "childrens_homes_good_or_outstanding"
    CHILDRENS_HOMES_OPENED = "childrens_homes_opened"           # joiners in the year to 31 March
    CHILDRENS_HOMES_CLOSED = "childrens_homes_closed"           # leavers in the year to 31 March
    CHILDRENS_HOME_PLACES_OPENED = "childrens_home_places_opened"
    CHILDRENS_HOME_PLACES_CLOSED = "childrens_home_places_closed"
    # DfE's LAIT: S251 outturn (financial year ending 31 March) and Ofsted's fostering data
    UNIT_COST_FOSTERING = "unit_cost_fostering"
    UNIT_COST_RESIDENTIAL = "unit_cost_residential"
    UNIT_COST_CLA = "unit_cost_cla"                             # all looked-after children
    SPEND_CLA = "spend_cla"                                     # gross, children looked after
    SPEND_LEAVING_CARE = "spend_leaving_care"                   # gross, leaving care support
    INHOUSE_FOSTER_PLACES = "inhouse_foster_places"             # approved, own carers, excl. family
    INHOUSE_FOSTER_PLACES_FILLED = "inhouse_foster_places_filled"   # percent: occupancy


#: How a reader names each indicator (the explorer's list, for one); DfE's own wording of the
#: populations its tables count where it has one.
INDICATOR_NAMES = {
    Indicator.CLA: "Children looked after on 31 March",
    Indicator.STARTED: "Children starting to be looked after during the year",
    Indicator.CEASED: "Children ceasing to be looked after during the year",
    Indicator.DURING_YEAR: "Children looked after during the year",
    Indicator.TWO_YEARS: "Children looked after for at least 2 years on 31 March",
    Indicator.LONG_TERM_UNDER_16: ("Children looked after continuously for at least 2.5 years on 31 March aged "
                                   "under 16 years"),
    Indicator.NEW_PLACEMENTS: "New placements during the year",
    Indicator.CARE_LEAVERS_17_18: "Care leavers aged 17 to 18",
    Indicator.CARE_LEAVERS_19_21: "Care leavers aged 19 to 21",
    Indicator.POPULATION: "Children aged 0 to 17 (ONS estimate)",
    Indicator.CHILDRENS_HOMES: "Children's homes",
    Indicator.CHILDRENS_HOME_PLACES: "Children's home places",
    Indicator.SECURE_HOMES: "Secure children's homes",
    Indicator.SECURE_HOME_PLACES: "Secure children's home places",
    Indicator.RSS_HOMES: "Residential special schools registered as children's homes",
    Indicator.RSS_HOME_PLACES: "Places in residential special schools registered as children's homes",
    Indicator.SHORT_BREAK_HOMES: "Short-break homes",
    Indicator.SHORT_BREAK_HOME_PLACES: "Short-break home places",
    Indicator.FOSTERING_AGENCIES: "Independent fostering agencies",
    Indicator.HOMES_GOOD_OR_OUTSTANDING: "Children's homes judged good or outstanding",
    Indicator.UNIT_COST_FOSTERING: "Weekly unit cost of fostering (S251)",
    Indicator.UNIT_COST_RESIDENTIAL: "Weekly unit cost of residential care (S251)",
    Indicator.UNIT_COST_CLA: "Weekly unit cost of all children looked after (S251)",
    Indicator.SPEND_CLA: "Gross spending on children looked after",
    Indicator.SPEND_LEAVING_CARE: "Gross spending on leaving care support",
    Indicator.INHOUSE_FOSTER_PLACES: "In-house foster places approved",
    Indicator.INHOUSE_FOSTER_PLACES_FILLED: "In-house foster places filled",
}


def indicator_name(indicator: str) -> str:
    """A reader's name for ``indicator``: 'Children's home places', and for Ofsted's joiners
    and leavers 'Children's home places: opened in the year'."""
    for ending, words in (("_opened", "opened in the year"), ("_closed", "closed in the year")):
        if indicator.endswith(ending) and indicator.removesuffix(ending) in INDICATOR_NAMES:
            return f"{INDICATOR_NAMES[indicator.removesuffix(ending)]}: {words}"
    return INDICATOR_NAMES.get(indicator, indicator.replace("_", " ").capitalize())


class Unit:
    """Units of the figures shape."""

    NUMBER = "number"
    PERCENT = "percent"
    RATE = "rate_per_10000"
    POPULATION = "population"
    HOMES = "homes"                              # homes registered with Ofsted
    PLACES = "places"                            # registered or approved places
    AGENCIES = "agencies"                        # agencies registered with Ofsted
    GBP_PER_WEEK = "gbp_per_week"                # pounds a week, cash prices
    GBP = "gbp"                                  # pounds, cash prices
    GBP_PER_CHILD = "gbp_per_child"              # pounds per child aged 0 to 17 (derived, not published)


#: How a chart's axis or a table's unit column names a share or a rate.
UNIT_AXIS_LABELS = {Unit.PERCENT: "Percentage", Unit.RATE: "Rate per 10,000 children aged 0 to 17"}


def unit_axis_label(unit: str, otherwise: str = "Number") -> str:
    """The axis label of figures in ``unit``: a share or a rate by :data:`UNIT_AXIS_LABELS`,
    anything else ``otherwise`` (what the figures count)."""
    return UNIT_AXIS_LABELS.get(unit, otherwise)


class Group:
    """Breakdown groups: DfE's names where DfE publishes the breakdown, else the statement's."""

    TOTAL = TOTAL
    PLACEMENT = "Placement"                      # DfE's top-level placement types
    PLACEMENT_GROUP = "Placement group"          # the statement's placement groups
    PROVIDERS = "Place providers"
    AGE = "Age group"
    SEX = "Sex"
    ETHNICITY = "Ethnicity"
    LEGAL_STATUS = "Legal status"
    NEED = "Category of need"
    TIME_IN_CARE = "Time in care"
    LOCALITY = "Locality of placement"
    DISTANCE = "Distance between home and placement"
    UASC = "Unaccompanied asylum-seeking children"
    STABILITY = "Placement stability"
    REASON_CEASED = "Reason episode ceased"
    NEW_PLACEMENT_LOCATION = "Location of new placements during the year"
    PLACEMENT_LENGTH = "Placement length"
    ENDED_WITHIN_7_DAYS_BY_GROUP = "Ended within 7 days by placement group"
    IN_TOUCH = "In touch"
    ACCOMMODATION = "Accommodation suitability"
    ACTIVITY = "Activity"
    # cross-tabulations of the children on 31 March (the statement's own)
    PLACEMENT_BY_AGE = "Placement group by age group"
    PLACEMENT_BY_SEX = "Placement group by sex"
    UASC_BY_PLACEMENT = "Placement group of UASC"
    UASC_BY_SEX = "Sex of UASC"
    UASC_BY_AGE = "Age group of UASC"


#: Joins the two labels of a cross-tabulation's breakdown ("Male; IFA foster care").
CROSS = "; "


class PlacementGroup:
    """The sufficiency statement's placement groups; :data:`ORDER` is their table order."""

    IN_HOUSE = "In-house foster care"
    IFA = "IFA foster care"
    CONNECTED = "Connected persons foster care"
    ADOPTION = "Placed for adoption"
    PARENTS = "Placed with parents"
    CHILDRENS_HOMES = "Residential children's homes"
    SECURE = "Secure units"
    SUPPORTED = "Supported accommodation / semi-independent (16+)"
    SCHOOLS = "Residential schools"
    OTHER_RESIDENTIAL = "Other residential settings"
    OTHER = "Other placements"
    ORDER = (IN_HOUSE, IFA, CONNECTED, ADOPTION, PARENTS, CHILDRENS_HOMES, SECURE, SUPPORTED, SCHOOLS,
             OTHER_RESIDENTIAL, OTHER)
    FOSTER = (IN_HOUSE, IFA, CONNECTED)


class Uasc:
    """Unaccompanied asylum-seeking status."""

    YES = "UASC"
    NO = "Non-UASC"


class Locality:
    INSIDE = "Placed inside the local authority boundary"
    OUTSIDE = "Placed outside the local authority boundary"
    NOT_RECORDED = "Locality not recorded"


class Distance:
    NEAR = "Placed 20 miles or less from home"
    FAR = "Placed more than 20 miles from home"
    UNKNOWN = "Distance not known or not recorded"


#: Breakdowns that say the return did not record the child's: when every child of a
#: breakdown group is in one, the group's other shares are not known (not 0%).
UNRECORDED = frozenset({NOT_KNOWN, Locality.NOT_RECORDED, Distance.UNKNOWN})


class Stability:
    THREE_OR_MORE = "With 3 or more placements during the year"
    FEWER = "Fewer than 3 placements"
    SAME_CARER = "Living with the same carer for at least 2 years"
    NOT_SAME_CARER = "Not with the same carer for 2 years"


class PlacementLength:
    ENDED_WITHIN_7_DAYS = "Ended within 7 days"
    LONGER = "Lasted more than 7 days or still open"


class Sex:
    MALE = "Male"
    FEMALE = "Female"
    ORDER = (MALE, FEMALE)


#: Age bands of the statement's tables, and DfE's wording of the same bands.
AGE_BANDS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")
DFE_AGE_GROUPS = ("Under 1 year", "1 to 4 years", "5 to 9 years", "10 to 15 years", "16 years and over")
SIXTEEN_PLUS = DFE_AGE_GROUPS[-1]

#: Time in care bands at 31 March (time since the current period of care began).
TIME_IN_CARE_BANDS = ("Under 6 months", "6 months to under 1 year", "1 to under 2 years",
                      "2 to under 3 years", "3 to under 5 years", "5 years and over")


class LegalStatus:
    """DfE's legal status labels in the characteristics at 31 March (2025 wording)."""

    INTERIM = "Interim care order"
    FULL = "Full care order"
    PLACEMENT_ORDER = "Placement order granted"
    SECTION_20 = "Voluntary agreements under S20 CA 1989"
    YOUTH_JUSTICE = "Youth justice legal statuses"
    PROTECTION = "Detained for child protection"
    ORDER = (INTERIM, FULL, PLACEMENT_ORDER, SECTION_20, YOUTH_JUSTICE, PROTECTION)


class CareLeavers:
    """Care leavers' age groups (DfE's wording) and what is known of them."""

    AGED_17_18 = "17 to 18 years"
    AGED_19_21 = "19 to 21 years"
    OTHER_AGES = "Other ages"
    IN_TOUCH = "In touch"
    NOT_IN_TOUCH = "Not in touch"
    SUITABLE = "Accommodation considered suitable"
    UNSUITABLE = "Accommodation considered unsuitable"
    NO_INFORMATION = "No information"
    EET = "Total in education, employment or training"
    NEET = "Total not in education, employment or training"
    ACTIVITY_NOT_KNOWN = "Total information not known"


#: Indicator of each care leavers' age group.
CARE_LEAVER_INDICATORS = {CareLeavers.AGED_17_18: Indicator.CARE_LEAVERS_17_18,
                          CareLeavers.AGED_19_21: Indicator.CARE_LEAVERS_19_21}


class Area:
    """The statement's areas: challenges found and actions recorded join on them."""

    CHILDREN_IN_CARE = "Children in care"
    FOSTERING = "Fostering"
    RESIDENTIAL = "Residential children's homes"
    SUPPORTED = "Supported accommodation"
    STABILITY = "Placement stability"
    OUT_OF_AREA = "Out-of-area placements"
    COMPOSITION = "Population composition"
    UASC = "Unaccompanied asylum-seeking children"
    CARE_LEAVERS = "Care leavers"
    COSTS = "Costs and budget"
    MARKET = "Commissioned market"
    FORECAST = "Forecast demand"
    GAP = "Sufficiency gap"
    DATA_QUALITY = "Data quality"
    TIER_4 = "Transition from Tier 4 mental health provision"     # a specialist cohort's actions
