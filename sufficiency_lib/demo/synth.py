"""Synthetic SSDA903 returns for the demo: realistic, calibrated to an authority's published figures.

The generator's public entry: callers use the names imported below. A demo authority's
return is fitted, year by year, to every breakdown DfE publishes for it (read from the
embedded published statistics), to its own statement's figures for earlier years, and to
extrapolated figures, labelled as such, for the years neither covers
(:meth:`Targets.table` lists each figure with its source). What is modelled, and where
(every step works on whole arrays of children; the Python loops run over collection years,
calibration passes and placement-move steps):

* :mod:`~sufficiency_lib.demo.synth_basics`: codes, day-number dates and seeded random
  streams shared by the others.
* :mod:`~sufficiency_lib.demo.synth_published`, :mod:`~sufficiency_lib.demo.synth_extrapolate`,
  :mod:`~sufficiency_lib.demo.synth_leaver_targets`, :mod:`~sufficiency_lib.demo.synth_targets`:
  the targets: DfE's figures (suppressed cells filled), the statement's, extrapolated years.
* :mod:`~sufficiency_lib.demo.synth_knobs` and :mod:`~sufficiency_lib.demo.synth_allocate`:
  the dials calibration turns; giving items categories to wanted counts.
* :mod:`~sufficiency_lib.demo.synth_periods` and :mod:`~sufficiency_lib.demo.synth_steering`:
  periods of care (entries by age, pathways and lengths of stay, returns to care, UASC),
  steered each year to the numbers in care, UASC, boys, age bands, starts, ceases, the
  long-term population and adoptions.
* :mod:`~sufficiency_lib.demo.synth_legal` and :mod:`~sufficiency_lib.demo.synth_legal_fit`:
  legal status within each period, fitted at 31 March.
* :mod:`~sufficiency_lib.demo.synth_placements`, :mod:`~sufficiency_lib.demo.synth_schedule`,
  :mod:`~sufficiency_lib.demo.synth_stability`: placements and moves; placed for adoption
  and with parents; stability and placements made.
* :mod:`~sufficiency_lib.demo.synth_traits` and :mod:`~sufficiency_lib.demo.synth_labels`:
  placement type and provider (with the statement's boys and UASC in each placement
  grouping, figures DfE does not publish), location, ethnicity and category of need at 31
  March.
* :mod:`~sufficiency_lib.demo.synth_calibration`: :func:`simulate`, which runs the steps
  above in order, with the knobs' calibration passes.
* :mod:`~sufficiency_lib.demo.synth_reasons` and :mod:`~sufficiency_lib.demo.synth_episodes`:
  reasons for ceasing; the events as 903 episodes with their codes; short-break-only care.
* :mod:`~sufficiency_lib.demo.synth_leavers` and :mod:`~sufficiency_lib.demo.synth_tables`:
  care leavers, and the tables of each collection year.
* :mod:`~sufficiency_lib.demo.synth_writing`: :func:`generate` writes a return as
  ``out_dir/<year>/<table>.csv``; the demo authorities' cached returns.
* :mod:`~sufficiency_lib.demo.synth_national`: national mode, every English authority.

Each module imports only those listed above it (and the library's lower layers), and this
one sits on top of them all.
"""
from __future__ import annotations

from sufficiency_lib.demo.synth_calibration import Simulation, simulate
from sufficiency_lib.demo.synth_national import national_authorities, published_numbers, write_national
from sufficiency_lib.demo.synth_tables import TABLE_COLUMNS
from sufficiency_lib.demo.synth_targets import Targets, calibration_targets, resolve_targets
from sufficiency_lib.demo.synth_writing import (
    DEMO_FIRST_YEAR, DEMO_SEED, GENERATOR_VERSION, ensure_demo_return, generate, write_demo_return,
)

__all__ = [
    "DEMO_FIRST_YEAR", "DEMO_SEED", "GENERATOR_VERSION", "TABLE_COLUMNS", "Simulation", "Targets",
    "calibration_targets", "ensure_demo_return", "generate", "national_authorities", "published_numbers",
    "resolve_targets", "simulate", "write_demo_return", "write_national",
]
