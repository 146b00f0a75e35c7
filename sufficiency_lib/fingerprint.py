"""Fingerprints that say whether something must be made again: file checksums, folder
checksums, and the library's own version (the package version plus a hash of its sources,
so an edit to any module counts), and files written whole or not at all.

Used by the cached authority-year artifacts and by the pages' provenance records.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from sufficiency_lib import __version__

LIBRARY_DIR = Path(__file__).resolve().parent
_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@functools.lru_cache(maxsize=8192)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def checksum(path: str | Path) -> str:
    """sha256 of a file, remembered for as long as its size and modification time hold."""
    stat = os.stat(path)
    return _sha256_cached(str(path), stat.st_size, stat.st_mtime_ns)


def visible_files(folder: Path) -> list[Path]:
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
    files = [folder] if folder.is_file() else visible_files(folder)
    return {str(path): checksum(path) for path in files}


@functools.lru_cache(maxsize=1)
def library_version() -> str:
    """``<package version>+<12 hex digits>``: the hash covers every module and template of
    sufficiency_lib, so what changed code made is made again."""
    digest = hashlib.sha256()
    for path in visible_files(LIBRARY_DIR):
        if path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(str(path.relative_to(LIBRARY_DIR)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return f"{__version__}+{digest.hexdigest()[:12]}"


def digest(*parts) -> str:
    """A sha256 of ``parts`` written as sorted JSON (dicts in any order give one digest)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------- atomic files

def temp_prefix(path: Path) -> str:
    """Temporary files are named ``.<name>.<pid>-...`` so a later run can tell which ones an
    interrupted process left behind (see :func:`remove_leftovers`)."""
    return f".{Path(path).name}.{os.getpid()}-"


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
