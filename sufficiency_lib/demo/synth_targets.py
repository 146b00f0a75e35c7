"""What a synthetic return aims at, year by year, and where each figure comes from.

:func:`resolve_targets` gathers an authority's figures into :class:`Targets`:

* **DfE**: every breakdown DfE publishes for the authority (the embedded published
  statistics, :mod:`sufficiency_lib.demo.synth_published`), in the years it publishes them;
  a demo authority is calibrated to these.
* **statement**: figures from the authority's own sufficiency statement, kept under
  ``calibration:`` in its params file with their sources, for years DfE does not cover
  (or, for groupings DfE does not publish, such as in-house and IFA foster care, any year).
* **extrapolated**: every other year the return holds, carried from the nearest known
  years with year-on-year movement (:mod:`sufficiency_lib.demo.synth_extrapolate`); these
  are labelled as extrapolated in :attr:`Targets.source`, never as recorded.

An authority with only ``cla_at_31_march`` in its params (a toy or national-mode authority)
gets England defaults for the rest. Counts are whole children; the years before the
first written one (the burn-in that lets the stock mature) only have numbers in care.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sufficiency_lib.config import Authority
from sufficiency_lib.demo.synth_basics import code_number
from sufficiency_lib.demo.synth_extrapolate import fill_scalar, fill_shares, whole
from sufficiency_lib.demo.synth_leaver_targets import leaver_targets
from sufficiency_lib.demo.synth_published import (CIN_CODES, DFE_TYPES, ETHNIC_GROUPS, LEGAL_KEYS,
                                                  LOCATIONS, NEW_LOCATIONS, Published, published_targets)

BURN_IN_YEARS = 12          # simulated before the first year written, so the stock is mature
DFE, STATEMENT, EXTRAPOLATED = "DfE", "statement", "extrapolated"

# --- England defaults (DfE "Children looked after in England", 2019-2024) ------------------
DEFAULT_UASC_SHARE = 0.06
ENGLAND_UASC = {2009: 3700, 2010: 3400, 2011: 2700, 2012: 2150, 2013: 2110, 2014: 1950, 2015: 2630,
                2016: 4210, 2017: 4560, 2018: 4480, 2019: 5070, 2020: 5000, 2021: 3950, 2022: 5570,
                2023: 7290}
DEFAULT_UASC_MALE_SHARE = 0.94
DEFAULT = {
    "male": [0.56, 0.44],
    "age": [0.05, 0.13, 0.17, 0.38, 0.27],
    "legal": [0.13, 0.58, 0.07, 0.21, 0.004, 0.002],
    "type": [0.70, 0.03, 0.04, 0.002, 0.12, 0.09, 0.01, 0.002, 0.006],
    "ethnic": [0.73, 0.10, 0.05, 0.07, 0.04, 0.01],
    "cin": [0.65, 0.03, 0.03, 0.08, 0.13, 0.01, 0.002, 0.058],
    "location": [0.36, 0.16, 0.06, 0.27, 0.06, 0.09],
    "new_location": [0.38, 0.07, 0.15, 0.25, 0.15],
}
DEFAULT_RATES = {"starts": 0.38, "three_plus": 0.10, "lt_total": 0.30, "lt_same": 0.70, "new_total": 1.05,
                 "adopted": 0.10}
# Statement groupings of the placement at 31 March: key in params -> the generator's name.
STATEMENT_GROUPS = ("in_house_foster", "connected_foster", "ifa_foster", "childrens_home", "supported_accommodation")
_TYPE_OF_STATEMENT = {"foster": DFE_TYPES[0], "supported_accommodation": DFE_TYPES[5]}
_LEGAL_OF_STATEMENT = {"interim_care_order": ["C1"], "full_care_order": ["C2"], "placement_order": ["E1"],
                       "section_20": ["V2"], "other": ["J", "L"]}
SNAPSHOTS = {"age": 5, "legal": LEGAL_KEYS, "type": DFE_TYPES, "ethnic": ETHNIC_GROUPS, "cin": CIN_CODES,
             "location": LOCATIONS}


@dataclass
class Targets:
    """The figures a synthetic return aims at. Per-year dicts hold whole numbers of
    children for the written years; ``cla``, ``uasc`` and ``male`` cover every simulated
    year (burn-in first)."""

    years: np.ndarray
    written: tuple
    cla: np.ndarray
    uasc: np.ndarray
    male: np.ndarray
    uasc_male: float = DEFAULT_UASC_MALE_SHARE
    snap: dict = field(default_factory=dict)          # name -> {year: counts by category}
    provider: dict = field(default_factory=dict)      # year -> counts by provider (DfE years only)
    groups: dict = field(default_factory=dict)        # year -> {statement grouping: count}
    starts: dict = field(default_factory=dict)
    ceases: dict = field(default_factory=dict)
    three_plus: dict = field(default_factory=dict)
    lt_total: dict = field(default_factory=dict)
    lt_same: dict = field(default_factory=dict)
    adopted: dict = field(default_factory=dict)       # children ceasing on adoption
    reasons: dict = field(default_factory=dict)       # year -> children ceasing by reason (DfE years)
    new_total: dict = field(default_factory=dict)
    new_location: dict = field(default_factory=dict)
    male_within: dict = field(default_factory=dict)      # year -> {statement grouping: share of boys in it}
    uasc_placed: dict = field(default_factory=dict)      # year -> {statement grouping: share of UASC in it}
    leavers: dict = field(default_factory=dict)          # year -> {age group: {column: count}}
    source: dict = field(default_factory=dict)           # figure -> {year: DFE | STATEMENT | EXTRAPOLATED}

    @functools.cached_property
    def ends(self) -> np.ndarray:
        """31 March of each simulated year, as day numbers."""
        return np.array([f"{y}-03-31" for y in self.years], dtype="datetime64[D]").astype(np.int64)

    @functools.cached_property
    def starts_days(self) -> np.ndarray:
        """1 April opening each simulated year, as day numbers."""
        return np.array([f"{y - 1}-04-01" for y in self.years], dtype="datetime64[D]").astype(np.int64)

    def index(self, year: int) -> int:
        return int(year - self.years[0])

    def has(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[-1]

    def at(self, name: str, year: int) -> np.ndarray | None:
        """Counts of snapshot breakdown ``name`` at 31 March ``year`` (None: no target)."""
        return self.snap.get(name, {}).get(int(year))

    def table(self) -> pd.DataFrame:
        """Every target as rows (figure, year, category, value, source): what the demo aims at
        and where each figure comes from."""
        rows = []
        for name, by_year in self.snap.items():
            labels = SNAPSHOTS[name] if not isinstance(SNAPSHOTS[name], int) else range(SNAPSHOTS[name])
            for year, counts in by_year.items():
                rows += [(name, year, str(label), float(v), self.source.get(name, {}).get(year, ""))
                         for label, v in zip(labels, counts)]
        for name in ("starts", "ceases", "three_plus", "lt_total", "lt_same", "adopted", "new_total"):
            rows += [(name, y, "", float(v), self.source.get(name, {}).get(y, "")) for y, v in getattr(self, name).items()]
        for name in ("male_within", "uasc_placed"):
            rows += [(name, y, grouping, float(v), self.source.get(f"{name}:{grouping}", {}).get(y, ""))
                     for y, shares in getattr(self, name).items() for grouping, v in shares.items()]
        first = self.index(self.written[0])
        for name in ("cla", "uasc", "male"):
            values = getattr(self, name)[first:]
            rows += [(name, int(y), "", float(v), self.source.get(name, {}).get(int(y), ""))
                     for y, v in zip(self.years[first:], values)]
        return pd.DataFrame(rows, columns=["figure", "year", "category", "value", "source"])


def _values(mapping) -> dict[int, float]:
    return {int(k): float(v) for k, v in (mapping or {}).items() if v is not None}


def _rng(authority: Authority, stage: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([code_number(authority.new_la_code), 18, stage]))


def _published(authority: Authority) -> Published:
    return published_targets(authority.new_la_code) if authority.demo else Published()


def calibration_targets(authority: Authority, years) -> pd.Series:
    """Numbers in care at 31 March to aim for each year: DfE's where published, the
    statement's (params ``calibration.cla_at_31_march``) for other years, else extrapolated."""
    years = [int(y) for y in years]
    known = _cla_known(authority, _published(authority))
    if not known:
        raise ValueError(f"{authority.new_la_code}: params need calibration.cla_at_31_march "
                         "(the published numbers in care) to generate a demo return.")
    filled = fill_scalar(known, range(min(years + list(known)), max(years) + 1), _rng(authority, 1))
    return pd.Series({y: round(filled[y]) for y in years}, dtype=float)


def _cla_known(authority: Authority, pub: Published) -> dict[int, float]:
    known = _values(authority.calibration.get("cla_at_31_march"))
    known.update(_published_scalar(pub, "cla"))
    return known


def _published_scalar(pub: Published, name: str, column: str = "total") -> dict[int, float]:
    table = pub.tables.get(name)
    if table is None:
        return {}
    return {int(y): float(v) for y, v in table[column].items() if np.isfinite(v)}


def resolve_targets(authority: Authority, years: range) -> Targets:
    """The authority's targets over the simulated span (burn-in years, then ``years``)."""
    pub = _published(authority)
    cal = authority.calibration
    written = range(int(years[0]), int(years[-1]) + 1)
    sim_years = np.arange(written[0] - BURN_IN_YEARS, written[-1] + 1)
    cla_known = _cla_known(authority, pub)
    cla = calibration_targets(authority, sim_years).to_numpy(float)
    t = Targets(years=sim_years, written=(written[0], written[-1]), cla=cla, uasc=cla * 0, male=cla * 0)
    t.source["cla"] = _sources(written, set(_published_scalar(pub, "cla")), set(cla_known))
    _uasc(t, cal, pub)
    _snapshots(t, cal, pub, written, authority)
    _flows(t, cal, pub, written, authority)
    _statement_groups(t, cal, written, _rng(authority, 11))
    _within_groups(t, cal, written, _rng(authority, 10))
    t.leavers, t.source["leavers"] = leaver_targets(t, cal, pub, written, _rng(authority, 9))
    return t


def _sources(years, dfe_years: set, statement_years: set) -> dict[int, str]:
    return {y: DFE if y in dfe_years else STATEMENT if y in statement_years else EXTRAPOLATED for y in years}


def _uasc(t: Targets, cal: dict, pub: Published) -> None:
    """UASC at 31 March: DfE's and the statement's numbers, and between and beyond them the
    authority's ratio to England's UASC numbers carried along England's curve (arrivals rose
    sharply in 2015-2016 and 2022-2023), so the series moves as the national one did."""
    dfe = _published_scalar(pub, "uasc", "uasc")
    known = {y: v for y, v in _values(cal.get("uasc_at_31_march")).items() if y not in dfe}
    for year, pct in _values(cal.get("uasc_percent")).items():
        if year not in known and year not in dfe and t.has(year):
            known[year] = pct / 100 * t.cla[t.index(year)]
    statement_years = set(known)
    known.update(dfe)
    england = np.interp(t.years, sorted(ENGLAND_UASC), [ENGLAND_UASC[k] for k in sorted(ENGLAND_UASC)])
    if known:
        keys = sorted(known)
        ratio = [known[y] / np.interp(y, sorted(ENGLAND_UASC), [ENGLAND_UASC[k] for k in sorted(ENGLAND_UASC)])
                 for y in keys]
        uasc = np.interp(t.years, keys, ratio) * england
    else:
        uasc = t.cla * DEFAULT_UASC_SHARE * england / ENGLAND_UASC[2020]
    for year, value in known.items():
        if t.has(year):
            uasc[t.index(year)] = value
    t.uasc = np.minimum(np.round(uasc), np.round(0.5 * t.cla))
    t.source["uasc"] = _sources(range(t.written[0], t.written[1] + 1), set(dfe), statement_years)
    uasc_male = _values(cal.get("uasc_male"))       # boys among the statement's own UASC count
    own = _values(cal.get("uasc_at_31_march"))
    shares = [v / own.get(y, t.uasc[t.index(y)]) for y, v in uasc_male.items()
              if t.has(y) and own.get(y, t.uasc[t.index(y)]) > 0]
    if shares:
        t.uasc_male = float(np.clip(np.mean(shares), 0.5, 1.0))


def _snapshots(t: Targets, cal: dict, pub: Published, written: range, authority: Authority) -> None:
    """Breakdowns at 31 March, each year: DfE's, the statement's (as constraints on the
    shares), else extrapolated; whole children adding up to the number in care."""
    rng = _rng(authority, 2)
    male = _share_series(pub, "sex", ["male", "female"])
    statement_male = {y: [v / 100, 1 - v / 100] for y, v in _values(cal.get("male_percent")).items() if y not in male}
    shares = fill_shares({**male, **statement_male} or {written[-1]: np.array(DEFAULT["male"])}, written, rng, 0.03)
    for year in written:
        t.male[t.index(year)] = whole(shares[year], t.cla[t.index(year)])[0]
    first = t.index(written[0])    # burn-in years: the first written year's share of boys
    t.male[:first] = np.round(t.cla[:first] * t.male[first] / t.cla[first])
    t.source["male"] = _sources(written, set(male), set(statement_male))
    for name, categories in SNAPSHOTS.items():
        known = _share_series(pub, name, list(range(categories)) if isinstance(categories, int) else list(categories))
        constraints, statement_years = _statement_constraints(cal, name, t, known)
        base = known or {written[-1]: np.array(DEFAULT[name])}
        filled = fill_shares(base, written, rng, constraints=constraints)
        t.snap[name] = {y: whole(s, t.cla[t.index(y)]) for y, s in filled.items()}
        t.source[name] = _sources(written, set(known), statement_years)
    provider = pub.tables.get("provider")
    if provider is not None:
        t.provider = {int(y): whole(row.drop("total").to_numpy(float), t.cla[t.index(int(y))])
                      for y, row in provider.iterrows() if int(y) in written}
    t.source["provider"] = {y: DFE for y in t.provider}


def _share_series(pub: Published, name: str, columns: list) -> dict[int, np.ndarray]:
    table = pub.tables.get(name)
    if table is None:
        return {}
    return {int(y): row[columns].to_numpy(float) for y, row in table.iterrows()
            if np.isfinite(row[columns].to_numpy(float)).all() and row[columns].sum() > 0}


def _statement_constraints(cal: dict, name: str, t: Targets, known: dict) -> tuple[dict, set]:
    """Partial figures of the statement for years DfE does not cover, as share constraints."""
    out: dict[int, list] = {}

    def add(year, cats, share):
        if t.has(year) and year not in known:
            out.setdefault(year, []).append((cats, share))

    if name == "legal":
        order = list(LEGAL_KEYS)
        for key, codes_ in _LEGAL_OF_STATEMENT.items():
            cats = [order.index(c) for c in codes_]
            for year, n in _values((cal.get("legal_status_at_31_march") or {}).get(key)).items():
                add(year, cats, n / t.cla[t.index(year)] if t.has(year) else 0)
            for year, pct in _values((cal.get("legal_status_percent") or {}).get(key)).items():
                add(year, cats, pct / 100)
    elif name == "type":
        order = list(DFE_TYPES)
        for key, label in _TYPE_OF_STATEMENT.items():
            for year, pct in _values((cal.get("placement_percent") or {}).get(key)).items():
                add(year, [order.index(label)], pct / 100)
            for year, n in _values((cal.get("placements_at_31_march") or {}).get(key)).items():
                add(year, [order.index(label)], n / t.cla[t.index(year)] if t.has(year) else 0)
        for year, n in _values((cal.get("placements_at_31_march") or {}).get("childrens_home")).items():
            add(year, [order.index(DFE_TYPES[4])], 1.05 * n / t.cla[t.index(year)] if t.has(year) else 0)
    elif name == "age":
        for b, band in enumerate(("under_1", "1_to_4", "5_to_9", "10_to_15", "16_plus")):
            for year, pct in _values((cal.get("age_percent") or {}).get(band)).items():
                add(year, [b], pct / 100)
    elif name == "ethnic":
        for year, pct in _values(cal.get("white_percent")).items():
            add(year, [0], pct / 100)
        for k, group in enumerate(("white", "mixed", "asian", "black", "other")):
            for year, n in _values((cal.get("ethnicity_at_31_march") or {}).get(group)).items():
                add(year, [k], n / t.cla[t.index(year)] if t.has(year) else 0)
    elif name == "location":
        counts = cal.get("location_at_31_march") or {}
        inside, outside = _values(counts.get("in_area")), _values(counts.get("out_of_area"))
        far, near = _values(counts.get("more_than_20_miles")), _values(counts.get("20_miles_or_less"))
        for year in inside:
            if year in outside:
                add(year, [0, 2, 4], inside[year] / (inside[year] + outside[year]))
        for year in far:       # the statement counts the unknown distances as near
            if year in near:
                add(year, [2, 3], far[year] / (far[year] + near[year]))
    return out, set(out)


def _flows(t: Targets, cal: dict, pub: Published, written: range, authority: Authority) -> None:
    """Starts, ceases, stability and new placements each year."""
    rng = _rng(authority, 3)
    cla = {int(y): t.cla[t.index(int(y))] for y in t.years}
    starts = _published_scalar(pub, "starts")
    statement = {y: v for y, v in _values(cal.get("starts")).items() if y not in starts}
    t.starts = _rate_series({**starts, **statement}, cla, written, rng, DEFAULT_RATES["starts"])
    t.source["starts"] = _sources(written, set(starts), set(statement))
    ceases = _published_scalar(pub, "ceases")
    c_statement = {y: v for y, v in _values(cal.get("ceases")).items() if y not in ceases}
    for year in written:
        if year in ceases or year in c_statement:
            t.ceases[year] = round(ceases.get(year, c_statement.get(year)))
        else:      # what the change in the stock leaves, give or take a child who left twice
            t.ceases[year] = max(round(t.starts[year] - (cla[year] - cla.get(year - 1, cla[year]))
                                       + rng.integers(0, 3)), 0)
    t.source["ceases"] = _sources(written, set(ceases), set(c_statement))
    three = _published_scalar(pub, "three_plus", "count")
    t.three_plus = _rate_series(three, cla, written, rng, DEFAULT_RATES["three_plus"], step=0.05)
    t.source["three_plus"] = _sources(written, set(three), set())
    lt_total = _published_scalar(pub, "long_term")
    t.lt_total = _rate_series(lt_total, cla, written, rng, DEFAULT_RATES["lt_total"], step=0.02)
    lt_same = _published_scalar(pub, "long_term", "count")
    t.lt_same = _rate_series(lt_same, t.lt_total, written, rng, DEFAULT_RATES["lt_same"], step=0.02)
    t.source["lt_total"] = t.source["lt_same"] = _sources(written, set(lt_total), set())
    reasons = pub.tables.get("reasons")
    if reasons is not None:
        t.reasons = {int(y): row.drop("total").to_numpy(float) for y, row in reasons.iterrows()
                     if int(y) in written and np.isfinite(row.to_numpy(float)).all()}
    t.source["reasons"] = {y: DFE for y in t.reasons}
    adopted = _published_scalar(pub, "adopted", "count")
    t.adopted = _rate_series(adopted, t.ceases, written, rng, DEFAULT_RATES["adopted"], step=0.06)
    t.source["adopted"] = _sources(written, set(adopted), set())
    new = _published_scalar(pub, "new_location")
    t.new_total = _rate_series(new, cla, written, rng, DEFAULT_RATES["new_total"], step=0.03)
    t.source["new_total"] = _sources(written, set(new), set())
    known = _share_series(pub, "new_location", list(NEW_LOCATIONS))
    shares = fill_shares(known or {written[-1]: np.array(DEFAULT["new_location"])}, written, rng)
    t.new_location = {y: whole(s, t.new_total[y]) for y, s in shares.items()}
    t.source["new_location"] = _sources(written, set(known), set())


def _rate_series(known: dict, base: dict, years: range, rng, default_rate: float, step: float = 0.06) -> dict:
    """Counts for every year: known ones as given, others as a rate of ``base`` carried from
    the nearest known years (England's rate when none is known)."""
    rates = {y: v / base[y] for y, v in known.items() if base.get(y)}
    filled = fill_scalar(rates or {years[-1]: default_rate}, years, rng, step, trend_years=1)
    return {y: float(round(known[y])) if y in known else float(round(filled[y] * base[y])) for y in years}


def _statement_groups(t: Targets, cal: dict, written: range, rng) -> None:
    """The statement's own placement groupings at 31 March (in-house and IFA foster care,
    children's homes, supported accommodation), as counts, in any year they are given. A
    grouping given as a share of the children (``placement_percent``, connected persons
    foster care for one) is a trait of the authority's care, so it is carried to the other
    written years with a little movement and labelled extrapolated there: left alone, the
    years before would fill the grouping with children still there in the statement's year."""
    counts = cal.get("placements_at_31_march") or {}
    percents = cal.get("placement_percent") or {}
    for name in STATEMENT_GROUPS:
        for year, n in _values(counts.get(name)).items():
            if year in written:
                t.groups.setdefault(year, {})[name] = n
        known = {y: v / 100 for y, v in _values(percents.get(name)).items()}
        if not known:
            continue
        shares = fill_shares({y: np.array([v, 1 - v]) for y, v in known.items()}, written, rng, WITHIN_STEP)
        for year, share in shares.items():
            t.groups.setdefault(year, {}).setdefault(name, round(share[0] * t.cla[t.index(year)]))
        t.source[f"groups:{name}"] = _sources(written, set(), set(known))



WITHIN_STEP = 0.05      # a share within a grouping moves by about 5% (relative) a year where carried


def _within_groups(t: Targets, cal: dict, written: range, rng) -> None:
    """Who is in the statement's groupings at 31 March, figures DfE does not publish for an
    authority: the share of boys in each grouping (``male_percent_by_placement``), and the
    share of the UASC looked after who are in it (``uasc_by_placement_at_31_march``, counts
    out of the statement's own UASC number; ``uasc_supported_accommodation_percent``). The
    years the statement gives are kept; the other written years carry them along with a
    little movement, labelled extrapolated."""
    male = {name: {y: v / 100 for y, v in _values(by_year).items()}
            for name, by_year in (cal.get("male_percent_by_placement") or {}).items()}
    own = _values(cal.get("uasc_at_31_march"))
    uasc: dict[str, dict[int, float]] = {}
    for name, by_year in (cal.get("uasc_by_placement_at_31_march") or {}).items():
        for year, count in _values(by_year).items():
            total = own.get(year, t.uasc[t.index(year)] if t.has(year) else 0)
            if total > 0:
                uasc.setdefault(name, {})[year] = min(count / total, 1.0)
    for year, pct in _values(cal.get("uasc_supported_accommodation_percent")).items():
        uasc.setdefault("supported_accommodation", {})[year] = pct / 100
    for attribute, figures in (("male_within", male), ("uasc_placed", uasc)):
        for name, known in sorted(figures.items()):
            if name not in STATEMENT_GROUPS:
                raise ValueError(f"calibration: {name!r} is not a placement grouping; use one of {STATEMENT_GROUPS}")
            shares = fill_shares({y: np.array([v, 1 - v]) for y, v in known.items()}, written, rng, WITHIN_STEP)
            for year, share in shares.items():
                getattr(t, attribute).setdefault(year, {})[name] = float(share[0])
            t.source[f"{attribute}:{name}"] = _sources(written, set(), set(known))


__all__ = ["Targets", "calibration_targets", "resolve_targets", "DFE", "STATEMENT", "EXTRAPOLATED"]
