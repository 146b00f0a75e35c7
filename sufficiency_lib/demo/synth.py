"""Synthetic SSDA903 returns for the demo: realistic, calibrated to an authority's published figures.

The generator's public entry: callers use the names imported below. What is modelled, for
one authority, and where (every step works on whole arrays of children; the only Python
loops run over collection years, calibration passes and placement-move steps):

* :mod:`~sufficiency_lib.demo.synth_basics`: codes, day-number dates and seeded random
  streams shared by the others.
* :mod:`~sufficiency_lib.demo.synth_targets`: the targets read from the params file's
  ``calibration:`` block, England defaults for the rest, and the knobs calibration turns.
* :mod:`~sufficiency_lib.demo.synth_periods`: periods of care year by year (entries by age,
  pathways and lengths of stay, returns to care, UASC), steered to the numbers in care.
* :mod:`~sufficiency_lib.demo.synth_legal`: legal status within each period (emergency
  orders, proceedings, care and placement orders, section 20).
* :mod:`~sufficiency_lib.demo.synth_placements`: placements and the moves between them.
* :mod:`~sufficiency_lib.demo.synth_calibration`: :func:`simulate`, which runs the three
  above and re-runs them while the knobs move towards the targets.
* :mod:`~sufficiency_lib.demo.synth_episodes`: the events as 903 episodes with placement
  codes, distance and location; short-break-only care.
* :mod:`~sufficiency_lib.demo.synth_tables`: the tables of each collection year (header,
  episodes, UASC, care leavers, reviews, missing).
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
