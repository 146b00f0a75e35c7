"""Every input of a statement, resolved once to absolute paths; demo or real decided here.

A statement for an authority and year reads four things: the authority's parameters, its
SSDA903 return, published statistics and its local tables. Each path can be given in one of
three places, and each is resolved against its own base, here and nowhere else:

- on the command line (``--return-dir``, ``--published``): against the shell's working
  directory, when the command is parsed (:func:`from_command_line`);
- in a params file (``return_dir``, ``published_dir``, ``local_dir``): against the folder
  of that params file;
- as a notebook parameter: against the kernel's working directory (the batch always
  passes absolute paths, so this matters only to an analyst typing one in JupyterLab).

What is used:

- **Return**: the folder given (command line first, then params). Without one, a demo
  authority (``demo: true`` in its params) uses its synthetic return, generated on first
  use under ``data/demo/generated/<code>``; any other authority has none.
- **Published statistics**: the figures embedded in the project (DfE, ONS, Ofsted and
  finance, see ``data/embedded/``), plus any folders of the user's own downloads
  (command line, else params), newest release winning.
- **Local tables**: the params' ``local_dir``; for a demo authority without one, the
  demo's transcribed tables in ``data/demo/local/<code>``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sufficiency_lib.config import (CACHE_DIR, DEMO_DATA_DIR, DEMO_LOCAL_DIR, PARAMS_DIR, PROJECT_ROOT, Authority,
                                    ParamsError, load_authority)
from sufficiency_lib.published import reference

DEMO_RETURNS_DIR = DEMO_DATA_DIR
EMBEDDED_DIR = PROJECT_ROOT / "data" / "embedded"
YEAR_LABELS = ("end", "start")
__all__ = ["CACHE_DIR", "DEMO_LOCAL_DIR", "DEMO_RETURNS_DIR", "EMBEDDED_DIR", "Inputs", "InputsError", "absolute",
           "find_authority", "from_command_line", "group", "resolve"]


class InputsError(ValueError):
    """An input that is named but cannot be used (a folder that does not exist)."""


def absolute(path: str | os.PathLike, base: str | os.PathLike | None = None) -> Path:
    """``path`` made absolute against ``base`` (default: the working directory), with ``~``
    expanded and ``..`` worked out."""
    path = Path(path).expanduser()
    return (path if path.is_absolute() else (Path(base) if base else Path.cwd()) / path).resolve()


@dataclass(frozen=True)
class Inputs:
    """The resolved inputs of one authority's statements (any year)."""

    authority: Authority
    return_dir: Path | None = None          # the 903 files; None: no return
    synthetic: bool = False                 # the return is the demo's synthetic one
    published_dirs: tuple[Path, ...] = ()   # the user's downloads, beside the embedded figures
    local_dir: Path | None = None
    year_label: str | None = None           # how the return's year folders are named, if said
    params_file: Path | None = field(default=None)
    members: tuple[Inputs, ...] = ()        # a group's members, each with its own inputs

    @property
    def code(self) -> str:
        return self.authority.new_la_code

    @property
    def has_return(self) -> bool:
        """Whether there is a child-level return (a group's: every member has one)."""
        if self.members:
            return all(m.has_return for m in self.members)
        return self.return_dir is not None

    def sources(self) -> list[Path]:
        """Every file or folder whose contents shape the statement (for checksums)."""
        found = [self.params_file] if self.params_file else []
        found += [p for p in (self.return_dir, self.local_dir, *self.published_dirs) if p is not None]
        found += [p for member in self.members for p in member.sources()]
        found.append(EMBEDDED_DIR)
        return sorted({p for p in found if p.exists()})

    def as_parameters(self) -> dict[str, str]:
        """The notebook parameters that name these inputs (absolute paths, '' for none)."""
        return {
            "authority": self.code,
            "return_dir": str(self.return_dir) if self.return_dir and not self.synthetic else "",
            "published_dir": os.pathsep.join(str(p) for p in self.published_dirs),
            "local_dir": str(self.local_dir) if self.local_dir else "",
            "params_dir": str(self.params_file.parent) if self.params_file else "",
            "year_label": self.year_label or "",
        }


def find_authority(text: str | Authority, params_dir: str | os.PathLike | None = None) -> Authority:
    """The authority named by ``text``: its params file when there is one, else the
    reference lists (a new or old LA code, or the authority's name), so any English
    authority works with no set-up. A group is an :class:`Authority` already."""
    if isinstance(text, Authority):
        return text
    folder = Path(params_dir) if params_dir else PARAMS_DIR
    try:
        return load_authority(text, folder)
    except ParamsError:
        if Path(str(text)).suffix in (".yaml", ".yml"):
            raise
    try:
        row = reference.find(str(text))
    except reference.ReferenceError as err:
        raise InputsError(str(err)) from None
    if (folder / f"{row.new_la_code}.yaml").is_file():       # named by its old code or its name
        return load_authority(row.new_la_code, folder)
    return Authority(str(row.new_la_code), str(row.old_la_code), str(row.la_name), str(row.region_code),
                     str(row.region_name), reference.latest_year(row.new_la_code))


def every_authority(year: int | None = None) -> list[Authority]:
    """Every English authority reporting in ``year`` (default: the newest year of the embedded
    figures), each as :func:`find_authority` gives it."""
    from sufficiency_lib.published import shipped
    codes = reference.reporting_in(year or shipped.newest_year())["new_la_code"].tolist()
    return [find_authority(code) for code in codes]


def group(name: str, members: list[str] | tuple[str, ...], params_dir: str | os.PathLike | None = None) -> Authority:
    """A group of authorities (a regional care cooperative, say) as one :class:`Authority`:
    its code is made from its name, its members are their new LA codes, and its region is
    theirs when they share one."""
    found = [find_authority(m, params_dir) for m in members]
    if len(found) < 2:
        raise InputsError(f"group {name!r} needs two or more authorities; give them as NAME=CODE,CODE.")
    regions = {(a.region_code, a.region_name) for a in found}
    region_code, region_name = regions.pop() if len(regions) == 1 else ("", "")
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())
    return Authority(f"group-{slug}", "", name, region_code, region_name, min(a.latest_year for a in found),
                     members=tuple(a.new_la_code for a in found))


def _from_params(authority: Authority, value: str) -> Path | None:
    if not value:
        return None
    base = authority.params_file.parent if authority.params_file else PROJECT_ROOT
    return absolute(value, base)


def _split(published: str | os.PathLike | list | tuple | None) -> list[str]:
    """Folders given as a list, or as one string joined by the path separator."""
    if not published:
        return []
    if isinstance(published, (list, tuple)):
        return [str(p) for p in published if str(p)]
    return [p for p in str(published).split(os.pathsep) if p]


def resolve(authority: str | Authority, return_dir: str | os.PathLike = "",
            published: str | os.PathLike | list | tuple | None = None, local_dir: str | os.PathLike = "",
            params_dir: str | os.PathLike = "", year_label: str = "",
            base: str | os.PathLike | None = None) -> Inputs:
    """Resolve the inputs of ``authority`` (a code, or its :class:`Authority`).

    ``return_dir``, ``published`` and ``local_dir`` are as given by the caller and are
    resolved against ``base`` (default: the working directory); when empty, the params
    file's own ``return_dir``, ``published_dir`` and ``local_dir`` are used, resolved
    against the params file's folder.
    """
    if not isinstance(authority, Authority):
        authority = find_authority(authority, absolute(params_dir, base) if str(params_dir) else None)
    if authority.is_group:
        members = tuple(resolve(code, "", published, "", params_dir, year_label, base) for code in authority.members)
        return Inputs(authority, None, all(m.synthetic for m in members), members[0].published_dirs, None,
                      year_label or None, None, members)
    if year_label and year_label not in YEAR_LABELS:
        raise InputsError(f"year label {year_label!r} is unknown; use 'end' (a folder 2025 holds the year to "
                          "31 March 2025) or 'start' (it holds the year from 1 April 2025).")
    given = absolute(return_dir, base) if str(return_dir) else _from_params(authority, authority.return_dir)
    synthetic = given is None and authority.demo
    if synthetic:
        given = DEMO_RETURNS_DIR / authority.new_la_code
    elif given is not None and not given.is_dir():
        raise InputsError(f"{given}: no such folder; give the folder that holds the authority's 903 files "
                          "(one sub-folder or file per collection year).")
    folders = [absolute(p, base) for p in _split(published)] or \
        [p for p in (_from_params(authority, authority.published_dir),) if p is not None]
    for folder in folders:
        if not folder.is_dir():
            raise InputsError(f"{folder}: no such folder; give the folder of your DfE downloads (EES CSVs).")
    local = absolute(local_dir, base) if str(local_dir) else _from_params(authority, authority.local_dir)
    if local is None and authority.demo and (DEMO_LOCAL_DIR / authority.new_la_code).is_dir():
        local = DEMO_LOCAL_DIR / authority.new_la_code
    return Inputs(authority, given, synthetic, tuple(folders), local, year_label or None, authority.params_file)


def from_command_line(authority: str | Authority, return_dir: str | None = None, published: list | None = None,
                      local_dir: str | None = None, year_label: str | None = None) -> Inputs:
    """:func:`resolve` for paths typed on the command line: relative to the shell's folder."""
    return resolve(authority, return_dir or "", published or [], local_dir or "", year_label=year_label or "",
                   base=Path.cwd())
