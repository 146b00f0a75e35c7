"""Reference facts: local authorities, their reorganisations, and statistical neighbours.

The lists live in ``data/reference/`` as CSV, written from public sources:
- ``local_authorities.csv``: the 153 English children's services authorities reporting in
  2024-25, with old (3-digit) and new (9-character GSS) codes and DfE region.
- ``la_reorganisations.csv``: authorities replaced by new ones, with the first collection
  year (31 March) in which the successor reported: Bournemouth, Poole and Dorset became
  Bournemouth, Christchurch and Poole and a new Dorset (April 2019, first reported 2020);
  Northamptonshire split into North and West Northamptonshire (April 2021, 2022); Cumbria
  into Cumberland and Westmorland and Furness (April 2023, 2024).

DfE's children's services statistical neighbour models of April 2021 and May 2025 (ten
neighbours each by old LA code, with closeness) are read from the embedded published
statistics (``data/embedded/published.parquet``), rebuilt from DfE's own files by
``sufficiency embed`` (:mod:`embedded`). By default every year is benchmarked on the
newest model, as DfE's own tools now do; ``neighbour_model`` in params chooses another.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.wording import listed

REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
NEIGHBOUR_MODELS = (2021, 2025)


class ReferenceError(ValueError):
    """An authority or model the reference lists do not know."""


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def local_authorities() -> pd.DataFrame:
    """Current authorities and their predecessors: codes, name, region, years reported.

    ``first_year``/``last_year`` bound the collection years an authority reported in
    (empty when open-ended), so that a predecessor is not ranked in a year it did not exist.
    """
    current = _read("local_authorities.csv")
    changes = reorganisations()
    first = changes.groupby("successor_new_la_code")["first_year"].min()
    current["first_year"] = current["new_la_code"].map(first).fillna(0).astype(int)
    current["last_year"] = 9999
    gone = (changes.groupby(["predecessor_new_la_code", "predecessor_old_la_code", "predecessor_name"])
            ["first_year"].min().reset_index())
    region = current.drop_duplicates("new_la_code").set_index("new_la_code")[["region_code", "region_name"]]
    successor = changes.drop_duplicates("predecessor_new_la_code").set_index(
        "predecessor_new_la_code")["successor_new_la_code"]
    old = pd.DataFrame({
        "new_la_code": gone["predecessor_new_la_code"],
        "old_la_code": gone["predecessor_old_la_code"],
        "la_name": gone["predecessor_name"],
        "first_year": 0,
        "last_year": gone["first_year"] - 1,
    })
    successor_of = successor.reindex(old["new_la_code"]).to_numpy()
    old["region_code"] = pd.Series(successor_of).map(region["region_code"]).to_numpy()
    old["region_name"] = pd.Series(successor_of).map(region["region_name"]).to_numpy()
    return pd.concat([current, old], ignore_index=True)[
        ["new_la_code", "old_la_code", "la_name", "region_code", "region_name", "first_year", "last_year"]]


@lru_cache(maxsize=None)
def reorganisations() -> pd.DataFrame:
    """Predecessor -> successor pairs with the successor's first collection year."""
    changes = _read("la_reorganisations.csv")
    changes["first_year"] = changes["first_year"].astype(int)
    return changes


def reporting_in(year: int) -> pd.DataFrame:
    """The authorities that reported in collection year ``year`` (31 March)."""
    las = local_authorities()
    return las.loc[(las["first_year"] <= year) & (las["last_year"] >= year)]


def authority(code: str) -> pd.Series:
    """One authority's row, by new (E...) or old (3-digit) code."""
    las = local_authorities()
    hit = las.loc[las["new_la_code"].eq(code) | las["old_la_code"].eq(code)]
    if hit.empty:
        raise ReferenceError(f"authority {code!r} is not in {REFERENCE_DIR / 'local_authorities.csv'}; "
                             "use a new (E06..., E08..., E09..., E10...) or old (3-digit) LA code.")
    return hit.iloc[0]


def _name_key(text: str) -> str:
    words = str(text).lower().replace("&", " and ").replace(",", " ").replace("-", " ").split()
    return " ".join(w for w in words if w not in ("city", "of", "council", "county", "borough", "the"))


def find(text: str) -> pd.Series:
    """One authority's row, by new code, old code or name ("Isle of Wight", "county durham",
    "Kingston upon Hull"); a name matching several raises with the candidates."""
    text = str(text).strip()
    las = local_authorities()
    hit = las.loc[las["new_la_code"].str.upper().eq(text.upper()) | las["old_la_code"].eq(text)]
    if hit.empty:
        key = _name_key(text)
        hit = las.loc[las["la_name"].map(_name_key).eq(key)]
        if hit.empty:
            hit = las.loc[las["la_name"].map(_name_key).str.contains(key, regex=False)] if key else hit
    if hit.empty:
        raise ReferenceError(f"no English authority is called or coded {text!r}; give a new (E06..., E08..., "
                             "E09..., E10...) or old (3-digit) LA code, or its name.")
    if hit["new_la_code"].nunique() > 1:
        names = ", ".join(f"{r.la_name} ({r.new_la_code})" for r in hit.drop_duplicates("new_la_code").itertuples())
        raise ReferenceError(f"{text!r} could be any of {names}; give its code.")
    return hit.iloc[0]


def latest_year(code: str) -> int:
    """The newest collection year an authority reported in: the newest in the embedded
    published statistics, or the last before it was replaced (Cumbria: 2023)."""
    from sufficiency_lib.published import shipped
    newest = shipped.newest_year()
    row = authority(code)
    return min(newest, int(row["last_year"]))


def formed_in(code: str) -> int | None:
    """The year an authority was formed (in April) by a reorganisation; None for one that was not."""
    formed = reorganisations().loc[lambda c: c["successor_new_la_code"].eq(code), "first_year"]
    return int(formed.min()) - 1 if len(formed) else None


def boundary_note(code: str) -> str:
    """A sentence saying where an authority's boundary changed (it replaced others, or was
    replaced), so its series are read right; '' for an authority that did neither."""
    changes = reorganisations()
    gone = changes.loc[changes["predecessor_new_la_code"].eq(code)]
    if len(gone):
        first = int(gone["first_year"].min())
        successors = listed(sorted(set(gone["successor_name"])))
        return (f"{gone['predecessor_name'].iloc[0]} was replaced in April {first - 1} by {successors}: its last "
                f"figures are for 31 March {first - 1}, and the figures from {first} are its successors'.")
    year = formed_in(code)
    if year is not None:
        formed = changes.loc[changes["successor_new_la_code"].eq(code)]
        names = listed(sorted(set(formed["predecessor_name"])))
        return (f"{formed['successor_name'].iloc[0]} was formed in April {year} from {names}: "
                f"its figures start at 31 March {year + 1}; earlier years belong to the authorities it replaced, on "
                "other boundaries, and are not set beside its own.")
    return ""


def neighbour_model_for(year: int, model: int | None = None) -> int:
    """The statistical neighbour model to use for collection year ``year``.

    ``model`` forces one (``neighbour_model`` in params, e.g. 2021); otherwise the newest
    model DfE has published (May 2025) for every year, as DfE's own tools (LAIT, the
    children's social care dashboard) now do. ``year`` is kept so a caller need not know.
    """
    if model is not None:
        if int(model) not in NEIGHBOUR_MODELS:
            raise ReferenceError(f"statistical neighbour model {model} is unknown; use one of {NEIGHBOUR_MODELS}.")
        return int(model)
    return max(NEIGHBOUR_MODELS)


@lru_cache(maxsize=None)
def _neighbours() -> pd.DataFrame:
    from sufficiency_lib.published import shipped   # here: shipped reads figures that import this module

    return shipped.load().neighbours


def statistical_neighbours(code: str, model: int) -> pd.DataFrame:
    """The ten neighbours of ``code`` in ``model``: rank, old and new codes, name, closeness."""
    return _statistical_neighbours(code, int(model)).copy()


def neighbour_codes(code: str, model: int) -> tuple[str, ...]:
    """The new codes of ``code``'s ten neighbours in ``model`` (those DfE still codes), in
    rank order: what benchmarks and the forecasting panel ask for hundreds of times."""
    found = _neighbour_code_lists().get((int(model), _old_codes().get(code, code)))
    if found is None:
        _statistical_neighbours(code, int(model))      # says why
    return found


@lru_cache(maxsize=None)
def _neighbour_code_lists() -> dict[tuple[int, str], tuple[str, ...]]:
    """(model, old code) -> its neighbours' new codes, in the lists' order (by rank)."""
    las = local_authorities().drop_duplicates("old_la_code").set_index("old_la_code")
    frame = _neighbours()
    new = frame["neighbour_old_la_code"].map(las["new_la_code"])
    rows = pd.DataFrame({"model": frame["model"].astype(int).to_numpy(),
                         "of": frame["old_la_code"].astype(str).to_numpy(), "new": new.to_numpy()})
    lists = rows.groupby(["model", "of"], sort=False)["new"].agg(lambda codes: tuple(str(c) for c in codes.dropna()))
    return {(int(model), str(of)): codes for (model, of), codes in lists.items()}


@lru_cache(maxsize=None)
def _statistical_neighbours(code: str, model: int) -> pd.DataFrame:
    """``code``'s neighbours in ``model`` (rank, old and new codes, name, closeness), in the
    lists' order; made once per authority and model."""
    frame, old_code = _neighbours(), _old_codes().get(code, code)
    rows = frame.loc[frame["model"].astype(int).eq(model) & frame["old_la_code"].astype(str).eq(old_code)]
    if rows.empty:
        authority(code)                  # an unknown code says so
        raise ReferenceError(f"authority {code!r} has no neighbours in DfE's {model} model; "
                             f"choose the other model ({', '.join(map(str, NEIGHBOUR_MODELS))}).")
    las = local_authorities().drop_duplicates("old_la_code").set_index("old_la_code")
    out = rows[["neighbour_rank", "neighbour_old_la_code", "closeness"]].rename(
        columns={"neighbour_old_la_code": "old_la_code"})
    out = out.assign(new_la_code=out["old_la_code"].map(las["new_la_code"]),
                     la_name=out["old_la_code"].map(las["la_name"]))
    return out[["neighbour_rank", "old_la_code", "closeness", "new_la_code", "la_name"]].reset_index(drop=True)


@lru_cache(maxsize=None)
def _old_codes() -> dict[str, str]:
    las = local_authorities()
    return dict(zip(las["new_la_code"].astype(str), las["old_la_code"].astype(str)))
