"""SSDA903 code lists and DfE groupings. Expected answers are worked out by hand from the
DfE definitions (placement types, provider codes, age bands), not from the module."""
import numpy as np
import pandas as pd
import pytest

from sufficiency_lib.ssda903 import codes, groupings
from sufficiency_lib.vocabulary import PlacementGroup


def group(place, provider):
    return groupings.placement_group(pd.Series(place), pd.Series(provider)).tolist()


def test_unrelated_foster_care_is_split_by_provider():
    assert group(["U4", "U6", "U5", "U5", "U4"], ["PR1", "PR2", "PR3", "PR4", "PR5"]) == [
        "In-house foster care", "In-house foster care", "In-house foster care",
        "IFA foster care", "IFA foster care"]


def test_foster_care_with_relative_or_friend_is_connected_whoever_provides_it():
    assert group(["U1", "U2", "U3"], ["PR4", "PR1", ""]) == ["Connected persons foster care"] * 3


def test_unrelated_foster_care_without_a_usable_provider_is_unknown():
    assert group(["U4", "U5", "U6"], ["", "PR0", "PR9"]) == ["Unknown"] * 3


def test_non_foster_placements_ignore_provider():
    assert group(["R1", "K2", "K1", "K3", "H5", "P2", "S1", "P1", "A5", "R5", "T1", "Z1"],
                 ["PR4"] * 12) == [
        "Other residential settings", "Residential children's homes", "Secure units",
        "Supported accommodation / semi-independent (16+)",
        "Supported accommodation / semi-independent (16+)",
        "Supported accommodation / semi-independent (16+)",
        "Residential schools", "Placed with parents", "Placed for adoption",
        "Other residential settings", "Other placements", "Other placements"]


def test_blank_missing_and_unknown_placements_are_unknown():
    assert group(["", None, "Q9", "u4"], ["PR1", "PR1", "PR1", "PR1"]) == ["Unknown"] * 4


def test_placement_group_keeps_the_index():
    place = pd.Series(["U4", "R1"], index=[10, 20])
    result = groupings.placement_group(place, pd.Series(["PR4", ""], index=[10, 20]))
    assert list(result.index) == [10, 20]


@pytest.mark.parametrize("provider", ["PR1", "PR4"])
def test_every_place_code_has_a_statement_group(provider):
    place = pd.Series(sorted(codes.PLACE))
    groups = groupings.placement_group(place, pd.Series([provider] * len(place)))
    assert set(groups) <= set(PlacementGroup.ORDER)


def test_every_place_code_has_a_dfe_type():
    types = groupings.dfe_placement_type(pd.Series(sorted(codes.PLACE)))
    assert set(types) <= set(groupings.DFE_PLACEMENT_TYPES)


def test_dfe_placement_types():
    result = groupings.dfe_placement_type(pd.Series(["U1", "U6", "A3", "P1", "P3", "K1", "K2", "K3",
                                                 "R2", "S1", "Z1", ""])).tolist()
    assert result == [
        "Foster placements", "Foster placements", "Placed for adoption",
        "Placed with parents or other person with parental responsibility",
        "Other placements in the community",
        "Secure homes and children's homes", "Secure homes and children's homes",
        "Independent and semi-independent living arrangements/supported accommodation",
        "Other residential settings", "Residential schools", "Other placements", "Unknown"]


def test_age_band_edges():
    ages = pd.Series([0.0, 0.99, 1.0, 4.99, 5.0, 9.99, 10.0, 15.99, 16.0, 17.5])
    assert groupings.age_band(ages).tolist() == [
        "Under 1", "Under 1", "1 to 4", "1 to 4", "5 to 9", "5 to 9",
        "10 to 15", "10 to 15", "16 and over", "16 and over"]


def test_age_band_of_missing_or_negative_age_is_missing():
    assert groupings.age_band(pd.Series([np.nan, -0.5])).isna().all()


def test_accommodation_suitability_reads_the_second_character():
    assert codes.accommodation_suitable("B1") is True
    assert codes.accommodation_suitable("B2") is False
    assert codes.accommodation_suitable("Z1") is True


@pytest.mark.parametrize("code", ["", None, np.nan, "0", 0, "B", "B0", "B3", "Q1", "B12"])
def test_accommodation_suitability_not_known(code):
    assert codes.accommodation_suitable(code) is None


def test_label_finds_codes_in_the_right_list():
    assert codes.label("LS", "C2") == "Full care order"
    assert codes.label("CIN", "N1") == "Abuse or neglect"
    assert codes.label("SEX", 1) == "Male"
    assert codes.label("SEX", 2.0) == "Female"
    assert codes.label("ACCOM", " B1 ").startswith("With parent(s) or relative(s)")


def test_label_of_unknown_or_blank_code_does_not_raise():
    assert codes.label("PLACE", "Q9") == "Q9 (unknown code)"
    assert codes.label("REC", None) == "(blank)"
    assert codes.label("ETHNIC", np.nan) == "(blank)"


def test_label_of_unknown_field_raises():
    with pytest.raises(KeyError):
        codes.label("NOT_A_903_COLUMN", "X")


def test_known_codes_cover_the_twelve_fields():
    assert set(codes.KNOWN_CODES) == {
        "PLACE", "PLACE_PROVIDER", "LS", "RNE", "REC", "CIN", "ETHNIC", "SEX",
        "REASON_PLACE_CHANGE", "IN_TOUCH", "ACTIV", "ACCOM"}


def test_known_code_lists_have_the_dfe_sizes():
    sizes = {field: len(known) for field, known in codes.KNOWN_CODES.items()}
    assert sizes["LS"] == 13
    assert sizes["PLACE_PROVIDER"] == 6
    assert sizes["RNE"] == 6
    assert sizes["CIN"] == 8
    assert sizes["ETHNIC"] == 20
    assert sizes["IN_TOUCH"] == 6
    assert sizes["REASON_PLACE_CHANGE"] == 12


def test_accom_codes_are_type_letter_and_suitability_digit():
    accom = codes.KNOWN_CODES["ACCOM"]
    assert {"B1", "B2", "Z1", "Z2", "S2", "X2", "0"} <= accom
    # Homelessness and custody are never suitable (DfE validation rule 133).
    assert not {"S1", "X1", "B0", "B3", "A1"} & accom
    # 16 type letters x 2 digits, less S1 and X1, plus "0".
    assert len(accom) == 16 * 2 - 2 + 1


def test_every_ethnic_code_has_a_major_group():
    assert set(codes.ETHNIC_GROUP) == set(codes.ETHNIC)
    assert set(codes.ETHNIC_GROUP.values()) == set(codes.ETHNIC_GROUPS)
    assert codes.ETHNIC_GROUP["WIRT"] == "White"
    assert codes.ETHNIC_GROUP["MWBA"] == "Mixed or Multiple ethnic groups"
    assert codes.ETHNIC_GROUP["NOBT"] == "Refused or information not yet available"


def test_every_legal_status_has_a_group():
    assert set(groupings.LEGAL_STATUS_GROUP) == set(codes.LEGAL_STATUS)
    assert set(groupings.LEGAL_STATUS_GROUP.values()) == set(groupings.LEGAL_STATUS_GROUPS)
    assert groupings.LEGAL_STATUS_GROUP["D1"] == "Placement order"
    assert groupings.LEGAL_STATUS_GROUP["V4"] == "Short breaks"
    assert groupings.LEGAL_STATUS_GROUP["L2"] == "Other"


def test_every_known_code_has_a_label():
    for field, known in codes.KNOWN_CODES.items():
        for code in known:
            text = codes.label(field, code)
            assert text.strip() and not text.endswith("(unknown code)"), (field, code)
