import pandas as pd
import pytest

from sufficiency_lib import narrative


def test_percent_change_and_zero_base():
    assert narrative.percent_change(200, 150) == pytest.approx(-25)
    assert narrative.percent_change(0, 10) is None


@pytest.mark.parametrize("change, word", [(3.0, "rose"), (-3.0, "fell"), (0.2, "was unchanged")])
def test_direction(change, word):
    assert narrative.direction(change) == word


def test_describe_trend_reads_latest_last_year_and_whole_period():
    series = pd.Series([500, 600, 660], index=[2019, 2020, 2021])
    text = narrative.describe_trend(series, "the number of children looked after")
    assert text == ("At 31 March 2021, the number of children looked after was 660; "
                    "it rose 10% on 2020 and rose 32% since 2019 (500).")


def test_describe_trend_single_and_empty():
    assert narrative.describe_trend(pd.Series([42], index=[2020]), "x") == "At 31 March 2020, x was 42."
    assert narrative.describe_trend(pd.Series([], dtype=float), "x") == "No figures are available for x."
