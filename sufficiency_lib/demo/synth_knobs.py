"""The dials the calibration turns so the simulation's own tendencies come near its targets.

The targets are met exactly by construction where a figure is a count the generator can
steer (see :mod:`sufficiency_lib.demo.synth_steering` and the fitting modules); the knobs
keep the steering's adjustments small, so the return still reads like the dynamics that
made it: how many short stays, which ages enter, how long placements last.
All 1 means England's defaults.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CALIBRATION_STEP = 0.8      # damping of each knob update (1 = jump to the ratio)


@dataclass
class Knobs:
    """Multipliers the calibration moves; all 1 means national defaults."""

    turnover: float = 1.0          # more short stays and shorter long ones: more starts per child
    long_stay: float = 1.0         # children under 16 on the long-term pathway
    long_anchor: dict = field(default_factory=dict)    # ... by year of entry (log multipliers)
    adoption: float = 1.0          # young children on the adoption pathway
    move_scale: float = 1.0        # time in each placement (fewer placements made when longer)
    settle: float = 1.0            # how much longer a placement lasts once it has lasted a year
    emergency: float = 1.0         # entrants whose first placement is a short emergency one
    boys: dict = field(default_factory=dict)   # placement type -> {year: log odds of a boy (not UASC) there}


def anchored(anchors: dict, years) -> np.ndarray:
    """exp of log values interpolated between anchor years, flat beyond them."""
    if not anchors:
        return np.ones(np.shape(years))
    keys = sorted(anchors)
    return np.exp(np.interp(years, keys, [anchors[k] for k in keys]))


def nudge(value: float, ratio: float, low: float = 0.2, high: float = 5.0, step: float = CALIBRATION_STEP) -> float:
    """A knob moved by ``ratio`` (target over result), damped by ``step`` and kept in [low, high]."""
    if not np.isfinite(ratio) or ratio <= 0:
        return value
    return float(np.clip(value * ratio ** step, low, high))


def nudge_anchor(anchors: dict, year: int, ratio: float) -> None:
    """Move the anchor of a year (a log multiplier) by the damped log of ``ratio``, within +-3."""
    if np.isfinite(ratio) and ratio > 0:
        anchors[year] = float(np.clip(anchors.get(year, 0.0) + CALIBRATION_STEP * np.log(ratio), -3, 3))
