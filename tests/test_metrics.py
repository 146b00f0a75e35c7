import pandas as pd
import pytest

from sufficiency_lib import metrics
from tests.conftest import episodes


def test_episode_open_across_31_march_is_counted():
    eps = episodes(("1", "01/01/2020", "01/06/2020", "C2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_episode_ending_on_31_march_is_not_open_at_year_end():
    eps = episodes(("1", "01/01/2020", "31/03/2020", "C2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 0


def test_episode_starting_on_31_march_is_counted():
    eps = episodes(("1", "31/03/2020", "", "C1"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_short_break_only_care_is_excluded():
    eps = episodes(("1", "01/01/2020", "", "V3"), ("2", "01/01/2020", "", "V4"), ("3", "01/01/2020", "", "V2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_child_with_two_episodes_counted_once_and_closed_children_not_at_all():
    eps = episodes(("1", "01/01/2019", "01/02/2020", "C1"), ("1", "01/02/2020", "", "C2"),
                   ("2", "01/05/2019", "01/09/2019", "V2"))
    assert metrics.children_looked_after_at_31_march(eps, 2020) == 1


def test_series_over_years():
    eps = episodes(("1", "01/01/2018", "", "C2"), ("2", "01/06/2019", "01/06/2020", "C2"))
    expected = pd.DataFrame({"time_period": [2018, 2019, 2020, 2021], "children_count": [1, 1, 2, 1]})
    pd.testing.assert_frame_equal(metrics.cla_at_31_march_series(eps, range(2018, 2022)), expected)
