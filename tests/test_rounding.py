"""Every figure is rounded one way, halves away from zero as DfE rounds, whether a table, its
CSV or a sentence states it: 7 children of 56 are 13% everywhere, never 12% in a sentence
beside 13% in its table (Python's own format rounds a half to even)."""
import math
import re
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sufficiency_lib
from sufficiency_lib.analysis import disclosure
from sufficiency_lib.statement import narrative
from sufficiency_lib.statement import tables as t
from sufficiency_lib.wording import decimal_text, half_up, money_text


def _by_hand(value: float, decimals: int) -> float:
    """The decimal that ``value`` reads as, rounded halves away from zero, in exact fractions."""
    exact = abs(Fraction(repr(value))) * 10 ** decimals
    return math.copysign(math.floor(exact + Fraction(1, 2)) / 10 ** decimals, value)


@given(st.floats(-1e7, 1e7, allow_nan=False), st.integers(0, 2))
def test_half_up_rounds_as_exact_fractions_do(value, decimals):
    assert half_up(value, decimals) == _by_hand(value, decimals)


@pytest.mark.parametrize("value, decimals, rounded", [
    (12.5, 0, 13), (0.5, 0, 1), (2.5, 0, 3), (-2.5, 0, -3), (12.4999, 0, 12), (2.675, 2, 2.68), (0.125, 2, 0.13)])
def test_halves_go_away_from_zero(value, decimals, rounded):
    assert half_up(value, decimals) == rounded


def test_what_is_not_a_number_comes_back_as_it_is():
    assert math.isnan(half_up(float("nan")))
    assert half_up(None) is None and half_up("c") == "c" and half_up(math.inf) == math.inf


def test_seven_of_56_is_13_percent_in_the_table_its_csv_and_the_sentence():
    share = 7 / 56 * 100                                   # 12.5 exactly
    column = t.percent("percent", "Percent")
    assert t.display_value(share, column) == "13"
    assert t.ees_value(share, column) == "13"
    counts = pd.DataFrame({"group": ["IFA", "Other", "Total"], "n": [7, 49, 56],
                           "percent": [share, 87.5, 100.0]})
    shown = disclosure.suppress_table(counts, ["n"], labels="group", total_row="Total",
                                      percent_columns={"percent": "n"})
    assert shown["percent"].tolist() == ["13", "88", "100"]
    sentence = narrative.describe_share(pd.Series({2025: share}), "IFA foster care", "children looked after")
    assert "13% of children looked after" in sentence


def test_a_change_in_points_is_the_difference_of_the_shares_stated():
    sentence = narrative.describe_share(pd.Series({2020: 18.5, 2025: 20.5}), "IFA foster care",
                                        "children looked after")
    now, points, before = (int(re.search(pattern, sentence).group(1))
                            for pattern in (r"(\d+)% of", r"up (\d+) percentage", r"from (\d+)%"))
    assert (now, before) == (21, 19) and points == now - before


def test_a_whole_number_is_trimmed_as_it_reads_after_rounding():
    column = t.number("rate", "Rate", 1, trim=True)
    assert [t.display_value(v, column) for v in (83.0, 82.99999999, 70.96, 52.04, 52.05)] == [
        "83", "83", "71", "52", "52.1"]


def test_money_and_rates_in_sentences_round_halves_up():
    assert money_text(556.125, 2) == "£556.13"
    assert money_text(1_250_000) == "£1.3m"
    assert decimal_text(0.125, 2) == "0.13"


_LIBRARY = Path(sufficiency_lib.__file__).parent
#: Formatted without rounding first, on purpose: drawing coordinates, a log line, and the
#: rounding itself.
_EXEMPT = {"statement/svg.py", "site/batch.py", "wording.py"}
_FIXED_FIELD = re.compile(r"\{((?:[^{}]|\{[^{}]*\})+?):[,+]*\.\d+[f%]\}")    # one level of nested braces
_BARE_ROUND = re.compile(r"(?<![\w])(?:np\.)?round\(|\.round\(")


def _library_lines():
    for path in sorted(_LIBRARY.rglob("*.py")):
        name = path.relative_to(_LIBRARY).as_posix()
        if not name.startswith("demo/") and name not in _EXEMPT:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                yield name, number, line


def test_every_figure_a_page_formats_is_rounded_half_up_first():
    unrounded = [f"{name}:{number}: {field.group(0)}" for name, number, line in _library_lines()
                 for field in _FIXED_FIELD.finditer(line) if not field.group(1).startswith("half_up(")]
    assert unrounded == []


def test_no_figure_in_public_text_is_rounded_to_even():
    """Python's ``round`` rounds a half to even; the statement's text and tables never use it
    (charts place their ticks with it, which no reader reads as a figure)."""
    text_modules = ("statement/", "analysis/findings.py", "analysis/progress.py", "analysis/nts.py")
    to_even = [f"{name}:{number}" for name, number, line in _library_lines()
               if name.startswith(text_modules) and name != "statement/charts.py" and _BARE_ROUND.search(line)
               and "seconds" not in line]
    assert to_even == []
