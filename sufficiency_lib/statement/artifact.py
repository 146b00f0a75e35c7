"""Each authority-year computed once: every chapter's blocks, tables and findings, written
to a cached artifact that every page of that authority and year reads.

The artifact is a folder ``data/cache/artifacts/<code>/<year>/<key>/`` where ``key`` is a
hash of everything the statement is made from: the checksums of every input file (params,
return, published statistics, local tables), the year and the library's version. So a
changed input or changed code makes a new artifact, and an unchanged one is reused by
every page, by later runs and by the explorer. It holds:

- ``manifest.json``: the key, the inputs and their checksums, what was built and how long
  it took;
- ``pages/<chapter>.json``: each chapter's title, opening line, blocks (as the HTML the
  page shows) and the file names of its tables;
- ``tables/<chapter>/<table>.csv`` with ``.meta.csv``: the EES tables of each chapter;
- ``figures.parquet``, ``reconciliation.parquet``, ``weekly_costs.parquet`` and
  ``stockflow.pickle``: aggregate figures and the fitted model the explorer reads.

Nothing in it is record level: figures are counts and the model holds counts of moves
between states. It is built in a staging folder and renamed into place, under a lock, so
pages started at once build it once and never read half of it.
"""
from __future__ import annotations

import html
import json
import os
import pickle
import shutil
import tempfile
import time
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sufficiency_lib import fingerprint, parallel
from sufficiency_lib.analysis import facts as facts_mod
from sufficiency_lib.analysis import demand, findings, groups
from sufficiency_lib.inputs import CACHE_DIR, Inputs
from sufficiency_lib.published import store
from sufficiency_lib.statement.chapters import (CHAPTERS, care_leavers, children_in_care, data_quality, forecast,
                                                placements, plan, population, provision, summary)

ARTIFACTS_DIR = CACHE_DIR / "artifacts"
SCHEMA = 1
KEEP = 2              # artifacts kept per authority and year (the newest)
#: The chapters built from the facts; the executive summary is built last, from their findings.
MODULES = {"children_in_care": children_in_care, "placements": placements, "provision": provision,
           "population": population, "care_leavers": care_leavers, "forecast": forecast,
           "data_quality": data_quality}


def input_checksums(inputs: Inputs) -> dict[str, str]:
    """``{path: sha256}`` of every file the statement of ``inputs`` is made from (a demo's
    synthetic return made first, so the key names the files the artifact is built from)."""
    _prepare(inputs)
    sums: dict[str, str] = {}
    for source in inputs.sources():
        sums.update(fingerprint.folder_checksums(source))
    return sums


def key(inputs: Inputs, year: int, checksums: dict[str, str] | None = None) -> str:
    """The artifact's key: inputs' checksums, the year, the inputs' settings and the library."""
    sums = checksums if checksums is not None else input_checksums(inputs)
    settings = {"year": int(year), "synthetic": inputs.synthetic, "year_label": inputs.year_label,
                "return_dir": str(inputs.return_dir), "published": [str(p) for p in inputs.published_dirs],
                "local_dir": str(inputs.local_dir)}
    return fingerprint.digest(SCHEMA, settings, sums, fingerprint.library_version())[:20]


def folder(inputs: Inputs, year: int, artifact_key: str) -> Path:
    return ARTIFACTS_DIR / inputs.code / str(int(year)) / artifact_key


def is_complete(path: Path) -> bool:
    return (Path(path) / "manifest.json").is_file()


def manifest(path: Path) -> dict:
    """The manifest of the artifact at ``path`` ({} when it is not there)."""
    file = Path(path) / "manifest.json"
    return json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}


def used_return(path: Path, given: bool) -> bool:
    """Whether the artifact at ``path`` was made from the return (``given``: whether one was
    given, the answer while there is no artifact): a return that does not hold the year is not."""
    return bool(manifest(path).get("has_return", given))


def _published(inputs: Inputs):
    """The published statistics a statement compares with: the embedded figures, and the
    user's own downloads where given (the newest release wins); a group's own figures added."""
    return groups.with_group(_loaded(tuple(inputs.published_dirs)), inputs.authority)


@lru_cache(maxsize=2)
def _loaded(folders: tuple):
    # One object per process for the same folders: a worker computing many authorities reads
    # them once, and the national forecasting models fitted on them are kept for the next
    # authority (analysis.chosen keeps them while the figures are this very frame). Read-only.
    return store.load(list(folders))


def _prepare(inputs: Inputs) -> None:
    """Make the demo's synthetic returns that are used (demo code, out of the main path)."""
    for one in inputs.members or (inputs,):
        if one.synthetic:
            from sufficiency_lib.demo import synth
            synth.ensure_demo_return(one.authority, one.return_dir)


def compute(inputs: Inputs, year: int):
    """Facts, outlook, findings and every chapter of an authority and year, in memory."""
    _prepare(inputs)
    facts = facts_mod.load(inputs, year, _published(inputs))
    outlook = demand.build(facts) if facts.published is not None else None
    found = findings.detect_all(facts, outlook)
    chapters = {slug: module.build(facts, findings.on_page(found, slug), outlook) for slug, module in MODULES.items()}
    chapters["summary"] = summary.build(facts, found)
    chapters["plan"] = plan.build(facts, found)
    return facts, outlook, found, {slug: chapters[slug] for slug in CHAPTERS}


def _intro(facts) -> str:
    notes = "".join(f" {html.escape(note)}" for note in facts.notes)
    return (f'<p class="page-intro"><strong>{facts.name}</strong> ({facts.code}), year ending 31 March {facts.year}. '
            f"Figures from {facts.data.source if facts.data is not None else 'published statistics only'}.{notes}</p>")


def _write_chapter(staging: Path, facts, chapter) -> dict:
    """A chapter's page JSON and its tables; returns the page record."""
    tables_dir = staging / "tables" / chapter.slug
    named = {**{name: block for name, block in chapter.blocks.items() if block is not None},
             "summary": chapter.summary()}
    tables = []
    for block in named.values():
        for table in block.tables():
            tables.append(table.save(tables_dir, facts.authority, facts.year).name)
    page = {"slug": chapter.slug, "title": CHAPTERS[chapter.slug], "intro": _intro(facts),
            "blocks": {name: block.to_html() for name, block in named.items()}, "tables": tables,
            "findings": [f.__dict__ for f in chapter.found]}
    (staging / "pages").mkdir(parents=True, exist_ok=True)
    (staging / "pages" / f"{chapter.slug}.json").write_text(json.dumps(page, indent=1), encoding="utf-8")
    return page


def _write_for_explorer(staging: Path, facts, outlook) -> None:
    facts.figures.to_parquet(staging / "figures.parquet", index=False)
    if facts.data is not None:
        facts.data.result.ledger.reconciliation().to_parquet(staging / "reconciliation.parquet", index=False)
    if outlook is not None and outlook.chain is not None:
        with open(staging / "stockflow.pickle", "wb") as handle:
            pickle.dump(outlook.chain, handle)
        weekly = demand.weekly_costs(facts)
        pd.DataFrame({"placement_group": weekly.index, "weekly_cost": weekly.to_numpy()}).to_parquet(
            staging / "weekly_costs.parquet", index=False)
    places = demand.in_house_places(facts)
    (staging / "explorer.json").write_text(json.dumps({"in_house_places": places}), encoding="utf-8")


def build(inputs: Inputs, year: int, target: Path, checksums: dict[str, str]) -> Path:
    """Compute the artifact of ``inputs`` for ``year`` into ``target`` (staged, then renamed)."""
    started = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=fingerprint.temp_prefix(target), dir=target.parent))
    try:
        facts, outlook, found, chapters = compute(inputs, year)
        pages = {slug: _write_chapter(staging, facts, chapter) for slug, chapter in chapters.items()}
        _write_for_explorer(staging, facts, outlook)
        manifest = {"schema": SCHEMA, "key": target.name, "authority": inputs.code, "year": int(year),
                    "la_name": inputs.authority.la_name, "synthetic": inputs.synthetic,
                    "has_return": facts.data is not None, "notes": facts.notes, "inputs": checksums,
                    "library_version": fingerprint.library_version(),
                    "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "seconds": round(time.perf_counter() - started, 2),
                    "chapters": {slug: page["tables"] for slug, page in pages.items()}}
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        os.chmod(staging, 0o755)          # mkdtemp makes it private; the explorer and pages read it
        if target.exists():               # another process finished first: its copy is as good
            shutil.rmtree(staging)
        else:
            os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(target)
    return target


def _prune(kept: Path) -> None:
    """Remove older artifacts of the same authority and year, keeping the newest :data:`KEEP`."""
    others = sorted((p for p in kept.parent.iterdir() if p.is_dir() and p != kept and is_complete(p)),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in others[KEEP - 1:]:
        shutil.rmtree(stale, ignore_errors=True)
    fingerprint.remove_leftovers(kept.parent)


def ensure(inputs: Inputs, year: int, checksums: dict[str, str] | None = None) -> Path:
    """The artifact of ``inputs`` for ``year``, built first when missing (once, however many
    processes ask at the same time)."""
    sums = checksums if checksums is not None else input_checksums(inputs)
    target = folder(inputs, year, key(inputs, year, sums))
    if is_complete(target):
        return target
    with parallel.exclusive(target.parent.parent / f".{year}.lock"):
        if not is_complete(target):
            build(inputs, year, target, sums)
    return target
