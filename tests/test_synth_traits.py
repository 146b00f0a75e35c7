"""Fitting who is in each placement grouping (boys, UASC) and the allocation under it, on
small hand-made cases and random ones whose answer is known to exist."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sufficiency_lib.demo.synth_allocate import allocate
from sufficiency_lib.demo.synth_traits import Wanted, allocate_with_traits, combo_counts, split_counts, trait_wants


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 80), st.integers(2, 12), st.floats(0.03, 0.3))
def test_allocate_meets_counts_whenever_an_allocation_exists(seed, n, k, density):
    """Counts taken from a hidden allocation that the allowed cells contain, so an exact
    answer exists; the allocation must find one, each item in an allowed category (sparse
    allowed cells need chains of moves: one item out, another in, ...)."""
    rng = np.random.default_rng(seed)
    hidden = rng.integers(0, k, n)
    allowed = rng.random((n, k)) < density
    allowed[np.arange(n), hidden] = True
    weights = np.where(allowed, rng.random((n, k)) + 0.01, 0.0)
    counts = np.bincount(hidden, minlength=k)
    out = allocate(weights, counts, rng)
    assert np.array_equal(np.bincount(out, minlength=k), counts)
    assert allowed[np.arange(n), out].all()


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=5), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_split_counts_add_up_both_ways(cells, parts, seed):
    total = sum(cells)
    rng = np.random.default_rng(seed)
    combos = np.bincount(rng.integers(0, parts, total), minlength=parts)
    out = split_counts(np.array(cells), combos)
    assert (out >= 0).all()
    assert out.sum(axis=1).tolist() == cells
    assert out.sum(axis=0).tolist() == combos.tolist()


def test_combo_counts_meet_a_wanted_number_and_stay_within_what_is_available():
    # combinations: 0 girl, 1 boy; 10 places, 7 boys wanted, 6 girls and 9 boys available
    assert combo_counts(np.array([6, 9]), 10, Wanted({"male": 7})).tolist() == [3, 7]
    # only 2 girls available: at least 8 boys, however few are wanted
    assert combo_counts(np.array([2, 9]), 10, Wanted({"male": 5})).tolist() == [2, 8]
    assert combo_counts(np.array([2, 3]), 10, Wanted({"male": 5})) is None


def test_combo_counts_with_boys_and_uasc():
    """Bits: 1 boy, 2 UASC. 20 places, 17 boys and 12 UASC wanted; the UASC available are
    all boys but one, so the UASC wanted are boys and 5 more boys are not UASC."""
    available = np.array([6, 9, 1, 14])        # girl, boy, UASC girl, UASC boy
    out = combo_counts(available, 20, Wanted({"male": 17, "uasc": 12}))
    assert out.sum() == 20 and (out <= available).all()
    assert out[1] + out[3] == 17 and out[2] + out[3] == 12


def test_boys_still_there_next_year_lean_to_next_years_share():
    """Bits: 1 boy, 2 still there next 31 March. 10 places, 5 boys; 4 placed before this
    year stay, all boys; next year's share 0.5 over (4 + those of the 10 who stay) asks
    for the stayers among the 10 to be girls rather than boys."""
    available = np.array([5, 5, 5, 5])          # girl leaving, boy leaving, girl staying, boy staying
    leaning = combo_counts(available, 10, Wanted({"male": 5}, stay_share=0.5, stay_pinned=(4, 4)))
    plain = combo_counts(available, 10, Wanted({"male": 5}))
    assert leaning[0] + leaning[2] == 5 and leaning[1] + leaning[3] == 5
    assert leaning[2] > plain[2] and leaning[3] < plain[3]


def test_trait_wants_count_the_placements_already_there_and_share_out_the_uasc():
    figures = {"home": {"male": 0.75}, "supported": {"male": 0.5, "uasc": 0.8}, "ifa": {"uasc": 0.4}}
    pinned = {"home": {"male": 2}, "supported": {"male": 1, "uasc": 1}, "ifa": {"uasc": 0}}
    wants = trait_wants(figures, pinned, totals={"home": 8, "supported": 10, "ifa": 20},
                        free_in={"home": 5, "supported": 8, "ifa": 0}, uasc_total=10, free_uasc=6)
    assert wants["home"].counts == {"male": 4}             # 6 of 8 boys, 2 there already
    # 8 of 10 UASC in supported accommodation, 1 there: 7 wanted, only 6 to place
    assert wants["supported"].counts == {"male": 4, "uasc": 6}
    assert "ifa" not in wants                                # nothing free to place there


def test_allocate_with_traits_puts_the_boys_wanted_in_the_grouping():
    """Six placements, two cells: a grouping (cell 0) taking 3, another cell taking 3; all
    can go anywhere; 3 of the 6 are boys and the grouping wants 1 boy."""
    rng = np.random.default_rng(1)
    male = np.array([True, True, True, False, False, False])
    weights = np.where(male[:, None], [[1.0, 0.2]], [[0.2, 1.0]])   # boys lean to the grouping
    cells = {"home": np.array([True, False])}
    out = allocate_with_traits(rng, weights, np.array([3, 3]), cells, {"home": Wanted({"male": 1})},
                               {"male": male})
    assert np.bincount(out, minlength=2).tolist() == [3, 3]
    assert male[out == 0].sum() == 1


def test_allocate_with_traits_keeps_the_cell_counts_when_the_traits_cannot_be_met():
    """The grouping wants 3 girls but only boys can go there: the cells are still met."""
    rng = np.random.default_rng(2)
    male = np.array([True, True, True, False, False, False])
    weights = np.where(male[:, None], [[1.0, 1.0]], [[0.0, 1.0]])
    out = allocate_with_traits(rng, weights, np.array([3, 3]), {"home": np.array([True, False])},
                               {"home": Wanted({"male": 0})}, {"male": male})
    assert np.bincount(out, minlength=2).tolist() == [3, 3]
    assert male[out == 0].all()
