"""What a rendered page was made from, recorded in a JSON file beside the page.

The record holds the notebook and its checksum, the parameters, every input file the page
reads with its sha256, the library version (the package version plus a hash of the
library's sources, so an edit to any module counts), the git revision, when the page was
rendered, how long it took and whether it worked. Its ``key`` (a hash of notebook,
parameters, inputs and library version) decides whether a page must be rendered again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import subprocess
from pathlib import Path

from sufficiency_lib.config import PROJECT_ROOT
from sufficiency_lib.fingerprint import atomic_write_text

SUFFIX = ".provenance.json"
SCHEMA = 1


@functools.lru_cache(maxsize=1)
def git_revision() -> str | None:
    """The checked-out commit (with ``-dirty`` when tracked files differ from it), or None
    outside a git checkout or without git."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=20, check=True).stdout.strip()
    try:
        revision = git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return None
    try:
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        dirty = False
    return revision + ("-dirty" if dirty else "")


def page_key(notebook_sha256: str, parameters: dict, inputs: dict[str, str], version: str) -> str:
    """The hash that says whether a page is up to date: notebook, parameters, inputs, library."""
    text = json.dumps({"notebook": notebook_sha256, "parameters": parameters,
                       "inputs": dict(sorted(inputs.items())), "library_version": version},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def path_for(html_path: str | Path) -> Path:
    """``<chapter>.provenance.json`` beside ``<chapter>.html``."""
    html_path = Path(html_path)
    return html_path.with_name(html_path.stem + SUFFIX)


def read(path: str | Path) -> dict | None:
    """A provenance record, or None when it is missing or unreadable."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("schema") == SCHEMA else None


def write(path: str | Path, record: dict) -> None:
    atomic_write_text(Path(path), json.dumps({"schema": SCHEMA, **record}, indent=2, default=str) + "\n")
