"""Where the project's own folders are, and the per-authority parameters in ``params/``.

One YAML file per authority (``params/<new_la_code>.yaml``) holds its codes, names and
region, where its data are, its forecast scenarios and, for the demo authorities, the
figures that calibrate their synthetic return. Paths written in a params file are kept as
written here; :mod:`sufficiency_lib.inputs` resolves them against the file's own folder.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PARAMS_DIR = PROJECT_ROOT / "params"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
RENDERED_DIR = PROJECT_ROOT / "rendered"
DEMO_DATA_DIR = PROJECT_ROOT / "data" / "demo" / "generated"
#: The demo authorities' local data (actions, costs, capacity): transcribed from their own
#: published statements, so it is kept in git, unlike the generated demo data.
DEMO_LOCAL_DIR = PROJECT_ROOT / "data" / "demo" / "local"
#: Results worth keeping between runs (the national forecast backtest); not in git.
CACHE_DIR = PROJECT_ROOT / "data" / "cache"


#: What a forecast scenario may change (see forecast.StockFlow.scenario), and the scenarios
#: a page runs when its params name none.
SCENARIO_KEYS = ("entry", "stay", "ifa_to_in_house", "in_house_places_per_year")
DEFAULT_SCENARIOS = {
    "10% fewer children entering care": {"entry": 0.9},
    "Stays in care 10% shorter": {"stay": 0.9},
    "Each year, a fifth of IFA placements made in-house instead": {"ifa_to_in_house": 0.2},
    "10 more in-house foster places a year": {"in_house_places_per_year": 10},
}


class ParamsError(ValueError):
    """A params file is missing, unreadable or lacks a required key."""


@dataclass(frozen=True)
class Authority:
    """One local authority as described by its params file."""

    new_la_code: str
    old_la_code: str
    la_name: str
    region_code: str
    region_name: str
    latest_year: int
    calibration: dict = field(default_factory=dict)
    population_0_17: dict = field(default_factory=dict)   # mid-year -> ONS estimate, for demo rates
    published_dir: str = ""          # the user's DfE downloads, added to the embedded figures
    neighbour_model: int | None = None   # DfE statistical neighbour model (None: the newest)
    local_dir: str = ""              # the authority's local data ("" = none, or the demo's)
    scenarios: dict = field(default_factory=lambda: dict(DEFAULT_SCENARIOS))  # name -> changes
    return_dir: str = ""             # the authority's 903 files ("" = none given)
    demo: bool = False               # a demo authority: without a return, use its synthetic one
    params_file: Path | None = None  # where these parameters were read from
    members: tuple[str, ...] = ()    # a group of authorities: its members' new LA codes
    bordering: tuple[str, ...] = ()  # the authorities sharing a boundary with it (new LA codes)

    @property
    def is_group(self) -> bool:
        return bool(self.members)

    @property
    def slug(self) -> str:
        return self.new_la_code


REQUIRED_KEYS = ("new_la_code", "old_la_code", "la_name", "region_code", "region_name", "latest_year")


def load_authority(code_or_path: str | Path, params_dir: Path = PARAMS_DIR) -> Authority:
    """Read ``params/<code>.yaml`` (or a path to such a file) into an :class:`Authority`."""
    path = Path(code_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = Path(params_dir) / f"{code_or_path}.yaml"
    if not path.is_file():
        raise ParamsError(f"{path}: no params file for authority {code_or_path!r}; "
                          f"create it from one in {params_dir} (see README, 'Your own data').")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ParamsError(f"{path}: not valid YAML ({err}).") from None
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise ParamsError(f"{path}: missing key(s) {', '.join(missing)}; add them to the file.")
    named = path.stem
    if named.startswith("E") and named != str(raw["new_la_code"]):
        raise ParamsError(f"{path}: the file is named for {named} but is the params of {raw['la_name']} "
                          f"({raw['new_la_code']}), perhaps copied from it; start from params/template.yaml.example "
                          f"and set the codes, name and region of {named}.")
    return Authority(
        new_la_code=str(raw["new_la_code"]),
        old_la_code=str(raw["old_la_code"]),
        la_name=str(raw["la_name"]),
        region_code=str(raw["region_code"]),
        region_name=str(raw["region_name"]),
        latest_year=int(raw["latest_year"]),
        calibration=raw.get("calibration") or {},
        population_0_17={int(k): int(v) for k, v in (raw.get("population_0_17") or {}).items()},
        published_dir=str(raw.get("published_dir") or ""),
        neighbour_model=int(raw["neighbour_model"]) if raw.get("neighbour_model") else None,
        local_dir=str(raw.get("local_dir") or ""),
        scenarios=_scenarios(raw.get("scenarios"), path),
        return_dir=str(raw.get("return_dir") or ""),
        demo=bool(raw.get("demo", False)),
        params_file=path.resolve(),
        bordering=_bordering(raw.get("bordering"), path),
    )


def _bordering(raw, path: Path) -> tuple[str, ...]:
    """The params' bordering authorities: a list of LA codes (new, E10000003, or old, 873)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(c, (str, int)) and str(c).strip() for c in raw):
        raise ParamsError(f"{path}: 'bordering' should be a list of the codes of the authorities that share a "
                          f"boundary with this one, e.g. [E06000031, E10000019].")
    return tuple(str(c).strip() for c in raw)


def _scenarios(raw, path: Path) -> dict:
    """The params' forecast scenarios, checked: each a name and numbers for SCENARIO_KEYS."""
    if raw is None:
        return dict(DEFAULT_SCENARIOS)
    if not isinstance(raw, dict):
        raise ParamsError(f"{path}: 'scenarios' should map each scenario's name to its changes, "
                          f"e.g. {{'10% fewer entering care': {{entry: 0.9}}}}.")
    checked = {}
    for name, changes in raw.items():
        if not isinstance(changes, dict) or not changes:
            raise ParamsError(f"{path}: scenario {name!r} should set one or more of {', '.join(SCENARIO_KEYS)}.")
        for key, value in changes.items():
            if key not in SCENARIO_KEYS:
                raise ParamsError(f"{path}: scenario {name!r} sets unknown {key!r}; use {', '.join(SCENARIO_KEYS)}.")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ParamsError(f"{path}: scenario {name!r} sets {key} to {value!r}; give a number of 0 or more.")
        if changes.get("stay", 1) == 0:
            raise ParamsError(f"{path}: scenario {name!r} sets stay to 0; stays must be a positive multiple.")
        checked[str(name)] = {k: float(v) for k, v in changes.items()}
    return checked


GROUPS_FILE = "groups.yaml"


def list_authorities(params_dir: Path = PARAMS_DIR) -> list[Authority]:
    """Every authority with a params file, in code order (``groups.yaml`` names groups)."""
    return [load_authority(path) for path in sorted(Path(params_dir).glob("*.yaml")) if path.name != GROUPS_FILE]


def load_groups(params_dir: Path = PARAMS_DIR) -> dict[str, list[str]]:
    """The groups of authorities named in ``params/groups.yaml``: name -> member codes."""
    path = Path(params_dir) / GROUPS_FILE
    if not path.is_file():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        raise ParamsError(f"{path}: not valid YAML ({err}).") from None
    if not isinstance(raw, dict) or not all(isinstance(v, list) and len(v) >= 2 for v in raw.values()):
        raise ParamsError(f"{path}: give each group's name and a list of two or more LA codes, e.g. "
                          "'Cambridgeshire and Peterborough: [E10000003, E06000031]'.")
    return {str(name): [str(code) for code in codes] for name, codes in raw.items()}
