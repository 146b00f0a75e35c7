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
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sufficiency_lib import __version__
from sufficiency_lib.config import PROJECT_ROOT

LIBRARY_DIR = Path(__file__).resolve().parent.parent
SUFFIX = ".provenance.json"
SCHEMA = 1
_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=4096)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def checksum(path: str | Path) -> str:
    """sha256 of a file, remembered for as long as its size and modification time hold."""
    stat = os.stat(path)
    return _sha256_cached(str(path), stat.st_size, stat.st_mtime_ns)


def _visible_files(folder: Path) -> list[Path]:
    """Regular files below ``folder``, hidden files and folders (``.name``) left out."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found += [Path(root) / name for name in sorted(files) if not name.startswith(".")]
    return found


def folder_checksums(folder: str | Path) -> dict[str, str]:
    """``{path: sha256}`` of every (visible) file below ``folder``, or of ``folder`` itself
    when it is a file. Paths are absolute, in sorted order."""
    folder = Path(folder).resolve()
    files = [folder] if folder.is_file() else _visible_files(folder)
    return {str(path): checksum(path) for path in files}


@functools.lru_cache(maxsize=1)
def library_version() -> str:
    """``<package version>+<12 hex digits>``: the hash covers every module and template of
    sufficiency_lib, so a page rendered by changed code is rendered again."""
    digest = hashlib.sha256()
    for path in _visible_files(LIBRARY_DIR):
        if path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(str(path.relative_to(LIBRARY_DIR)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"


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


# ---------------------------------------------------------------- atomic files

def temp_prefix(path: Path) -> str:
    """Temporary files are named ``.<name>.<pid>-...`` so a later run can tell which ones an
    interrupted process left behind (see :func:`remove_leftovers`)."""
    return f".{path.name}.{os.getpid()}-"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=temp_prefix(path), dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; pages are for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (dead, not yet reaped) is gone for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


_LEFTOVER = re.compile(r"^\.(?P<stem>.+)\.(?P<pid>\d+)-[A-Za-z0-9_]+$")


def remove_leftovers(folder: Path) -> int:
    """Remove the temporary files and staging folders (``.<name>.<pid>-xxxx``) in ``folder``
    whose process is gone: what an interrupted run left. Those of live processes stay.
    Returns how many were removed."""
    removed = 0
    if not Path(folder).is_dir():
        return 0
    for entry in Path(folder).iterdir():
        match = _LEFTOVER.match(entry.name)
        if not match or int(match["pid"]) == os.getpid() or _pid_alive(int(match["pid"])):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    return removed
