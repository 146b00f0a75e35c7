"""The demo returns against the composition figures the demo authorities' statements printed."""
import pandas as pd
import pytest

from sufficiency_lib import config
from sufficiency_lib.analysis import resemblance
from sufficiency_lib.config import PROJECT_ROOT

COMPOSITION = PROJECT_ROOT.parent / "shared" / "spec" / "local_demo" / "published_composition.csv"


def test_collection_year():
    assert resemblance.collection_year("2020") == 2020
    assert resemblance.collection_year("2019/20") == 2020
    assert resemblance.collection_year("2020-12") is None


def test_compare_on_hand_made_figures():
    figures = pd.DataFrame({"time_period": 2020, "unit": "number", "indicator": "cla_31_march",
                            "breakdown_group": ["Total", "Sex", "Sex", "Sex"],
                            "breakdown": ["Total", "Male", "Female", "Total"], "value": [10, 6, 4, 10]})
    printed = pd.DataFrame({"new_la_code": "E1", "period": ["2020", "2020", "2020-12", "2020"],
                            "measure": ["cla_at_31_march", "male_percent", "cla_at_31_march", "uasc_home_country"],
                            "category": ["Total", "Male", "Total", "Syria"], "value": [12, 55, 9, 3],
                            "unit": ["count", "percent", "count", "count"]})
    got = resemblance.compare(figures, printed)
    assert got["computed"].tolist()[:2] == [10, 60]
    assert got["difference"].tolist()[:2] == [-2, 5]
    assert got["note"].tolist()[2:] == ["not a 31 March or April-March figure", "not in the 903 return"]


@pytest.mark.integration
def test_demo_2020_resembles_the_printed_composition():
    """Stated tolerances: the 31 March totals match (the generator is steered to them);
    at least 80% of the printed 2020 percentages are within 5 points."""
    if not COMPOSITION.is_file():
        pytest.skip(f"{COMPOSITION} not found")
    composition = pd.read_csv(COMPOSITION, dtype={"period": str})
    composition = composition.loc[composition["period"].eq("2020")]
    for la in config.list_authorities():
        compared = resemblance.compare_authority(la, composition)
        total = compared.loc[compared["measure"].eq("cla_at_31_march"), "difference"]
        assert (total == 0).all(), la.la_name
        percent = resemblance.summary(compared).set_index("unit").loc["percent"]
        assert percent["close_share"] >= 0.8, (la.la_name, percent.to_dict())
