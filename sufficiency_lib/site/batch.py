"""The batch: every page of the statements asked for, each authority-year computed once,
pages rendered in parallel, the index written and the site checked for leaks.

Layout of the output::

    <out>/index.html
    <out>/<new_la_code>/<year>/<chapter>.html              the page
    <out>/<new_la_code>/<year>/<chapter>.provenance.json   what it was made from (written last)
    <out>/<new_la_code>/<year>/_executed/<chapter>.ipynb   the executed notebook
    <out>/<new_la_code>/<year>/tables/*.csv                its tables, EES shape, with .meta.csv

:func:`render` plans every page and works out each authority-year's artifact key (see
:mod:`sufficiency_lib.statement.artifact`). Pages whose provenance key (notebook,
parameters, artifact key, library version) is unchanged are skipped. For the rest, each
missing artifact is built once, in the pool, and its pages are submitted as soon as it is
ready. A page is built in a staging folder and moved into place file by file with
``os.replace``; its provenance is removed first and written last, so a page counts as done
only when its provenance says ``ok`` with the current key. At the end the index is
written and every file of the site is scanned for record-level data.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sufficiency_lib import fingerprint, parallel
from sufficiency_lib.config import NOTEBOOKS_DIR
from sufficiency_lib.inputs import Inputs
from sufficiency_lib.site import document, execute, group_check, leakcheck, plain_english, pools, provenance
from sufficiency_lib.site.html import failure_html, notebook_to_html
from sufficiency_lib.site.index import write_index
from sufficiency_lib.site.overview import write_overview
from sufficiency_lib.statement import artifact
from sufficiency_lib.statement.chapters import CHAPTERS

NOTEBOOK_TIMEOUT_SECONDS = execute.NOTEBOOK_TIMEOUT_SECONDS


@dataclass(frozen=True)
class Settings:
    """What every page of a batch shares."""

    out_dir: Path
    timeout: int = NOTEBOOK_TIMEOUT_SECONDS
    force: bool = False


@dataclass
class Page:
    """One chapter page of one authority and year, and what became of it."""

    inputs: Inputs
    year: int
    chapter: str
    path: Path
    status: str = "pending"          # ok, unchanged, failed, skipped (not run after a failure)
    error: str = ""
    seconds: float = 0.0
    attempts: int = 0
    key: str = ""
    artifact_key: str = ""
    links: dict = field(default_factory=dict)   # navigation: chapters and years beside this page
    stages: dict = field(default_factory=dict)  # seconds spent executing and converting it

    @property
    def authority(self):
        return self.inputs.authority

    @property
    def title(self) -> str:
        return CHAPTERS[self.chapter]

    @property
    def record_path(self) -> Path:
        return provenance.path_for(self.path)

    @property
    def artifact_dir(self) -> Path:
        return artifact.folder(self.inputs, self.year, self.artifact_key)


# --- one page -----------------------------------------------------------------------------

def parameters_for(page: Page) -> dict:
    """The notebook parameters of ``page``: its inputs, year and artifact (absolute paths)."""
    return {**page.inputs.as_parameters(), "year": page.year, "tables_dir": "tables",
            "artifact_dir": str(page.artifact_dir)}


def page_key(page: Page) -> str:
    notebook = fingerprint.checksum(NOTEBOOKS_DIR / f"{page.chapter}.ipynb")
    return provenance.page_key(notebook, parameters_for(page), {"artifact": page.artifact_key},
                               fingerprint.library_version())


def is_current(page: Page) -> bool:
    """Whether the page on disk was made, successfully, from exactly these inputs."""
    record = provenance.read(page.record_path)
    return bool(record and record.get("status") == "ok" and record.get("key") == page.key and page.path.is_file())


def _data_source(page: Page, used: bool) -> str:
    if page.inputs.synthetic and used:
        return "a synthetic return of children's records, made for demonstration"
    if used:
        return "the council's return of children looked after to the Department for Education"
    return ("published statistics only (the return given does not hold this year)" if page.inputs.has_return
            else "published statistics only (no return was given)")


def page_info(page: Page, settings: Settings) -> dict:
    """What the page template shows around the notebook's output."""
    used = artifact.used_return(page.artifact_dir, page.inputs.has_return)
    return {
        "la_name": page.authority.la_name, "new_la_code": page.authority.new_la_code,
        "year": page.year, "chapter_title": page.title, "synthetic": page.inputs.synthetic and used,
        "index_href": os.path.relpath(Path(settings.out_dir) / "index.html", page.path.parent),
        "chapters": page.links.get("chapters", []), "years": page.links.get("years", []),
        "statement_href": page.links.get("statement", ""),
        "library_version": fingerprint.library_version(),
        "git_revision": provenance.git_revision() or "unknown",
        "rendered_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "data_source": _data_source(page, used),
        "published_source": "DfE, ONS, Ofsted and DfE finance statistics as published",
        "provenance_href": page.record_path.name,
    }


def _move_into_place(staging: Path, page: Page) -> list[str]:
    """Move the staged notebook, tables and page into the page folder; return the tables."""
    page_dir = page.path.parent
    (page_dir / "_executed").mkdir(parents=True, exist_ok=True)
    (page_dir / "tables").mkdir(parents=True, exist_ok=True)
    tables = []
    for table in sorted((staging / "tables").glob("*.csv")) if (staging / "tables").is_dir() else []:
        os.replace(table, page_dir / "tables" / table.name)
        if not table.name.endswith(".meta.csv"):
            tables.append(f"tables/{table.name}")
    os.replace(staging / "executed.ipynb", page_dir / "_executed" / f"{page.chapter}.ipynb")
    os.replace(staging / "page.html", page.path)
    return tables


def render_page(page: Page, settings: Settings) -> Page:
    """Execute and convert one page atomically, retrying once when its kernel fails to
    start; record status and provenance rather than raise."""
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    page_dir = page.path.parent
    page_dir.mkdir(parents=True, exist_ok=True)
    fingerprint.remove_leftovers(page_dir)
    page.record_path.unlink(missing_ok=True)     # the page is in progress until a new record says ok
    staging = Path(tempfile.mkdtemp(prefix=fingerprint.temp_prefix(page.path), dir=page_dir))
    tables: list[str] = []
    try:
        parameters = {**parameters_for(page), "tables_dir": str(staging / "tables")}
        page.attempts = execute.run_with_retry(page.chapter, parameters, staging / "executed.ipynb", settings.timeout)
        executed = time.perf_counter()
        notebook_to_html(staging / "executed.ipynb", staging / "page.html", page_info(page, settings))
        page.stages = {"execute": executed - started, "convert": time.perf_counter() - executed}
        tables = _move_into_place(staging, page)
        page.status, page.error = "ok", ""
    except (Exception, execute.PageTimeout) as err:  # collected and reported; one bad page must not stop the rest
        page.status, page.error = "failed", _last_line(err)
        page.attempts = getattr(err, "attempts", page.attempts)
        info = page_info(page, settings)
        fingerprint.atomic_write_text(page.path, failure_html(page.title, page.authority.la_name, page.year,
                                                              info["index_href"], page.error))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    page.seconds = time.perf_counter() - started
    _record(page, started_at, tables)
    return page


def _record(page: Page, started_at: datetime, tables: list[str]) -> None:
    provenance.write(page.record_path, {
        "page": f"{page.authority.new_la_code}/{page.year}/{page.chapter}", "status": page.status,
        "error": page.error, "key": page.key if page.status == "ok" else "",
        "la_name": page.authority.la_name, "region_name": page.authority.region_name,
        "parameters": parameters_for(page), "notebook": f"notebooks/{page.chapter}.ipynb",
        "notebook_sha256": fingerprint.checksum(NOTEBOOKS_DIR / f"{page.chapter}.ipynb"),
        "artifact": page.artifact_key, "inputs": _inputs_of(page),
        "library_version": fingerprint.library_version(), "git_revision": provenance.git_revision() or "unknown",
        "started": started_at.isoformat(timespec="seconds"), "seconds": round(page.seconds, 2),
        "attempts": page.attempts, "tables": tables})


def _inputs_of(page: Page) -> dict:
    """The input files (and checksums) the page's artifact was made from."""
    return artifact.manifest(page.artifact_dir).get("inputs", {})


def _last_line(err: BaseException) -> str:
    text = f"{type(err).__name__}: {err}".strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else type(err).__name__


# --- the batch ----------------------------------------------------------------------------

def plan_pages(authorities: list[Inputs], years: list[int] | None, chapters: list[str] | None,
               out_dir: Path) -> list[Page]:
    """Every (authority, year, chapter) page to render; years default to each latest year."""
    unknown = sorted(set(chapters or []) - set(CHAPTERS))
    if unknown:
        raise ValueError(f"unknown chapter(s) {unknown}; choose from {sorted(CHAPTERS)}")
    chosen = [c for c in CHAPTERS if c in (chapters or CHAPTERS)]
    pages = [Page(la, int(year), chapter, Path(out_dir) / la.code / str(year) / f"{chapter}.html")
             for la in authorities for year in (years or [la.authority.latest_year]) for chapter in chosen]
    for page in pages:
        page.links = _links(page, pages, Path(out_dir))
    return pages


def _links(page: Page, pages: list[Page], out_dir: Path) -> dict:
    """Navigation of a page: the chapters of its authority and year, and its chapter in
    other years, wherever a page is planned or already on disk."""
    planned = {(p.inputs.code, p.year, p.chapter) for p in pages}

    def exists(code: str, year: int, chapter: str) -> bool:
        return (code, year, chapter) in planned or (out_dir / code / str(year) / f"{chapter}.html").is_file()

    code = page.inputs.code
    here = page.path.parent
    chapters = [(CHAPTERS[c], os.path.relpath(here / f"{c}.html", here), c == page.chapter)
                for c in CHAPTERS if exists(code, page.year, c)]
    on_disk = {int(p.name) for p in (out_dir / code).glob("[0-9][0-9][0-9][0-9]") if p.is_dir()}
    years_planned = {p.year for p in pages if p.inputs.code == code}
    years = [(str(y), os.path.relpath(out_dir / code / str(y) / f"{page.chapter}.html", here), y == page.year)
             for y in sorted(on_disk | years_planned) if exists(code, y, page.chapter)]
    # The whole statement is made when every chapter of the authority-year renders.
    whole = all(exists(code, page.year, c) for c in CHAPTERS)
    return {"chapters": chapters, "years": years, "statement": f"{document.NAME}.html" if whole else ""}


def build_artifact(inputs: Inputs, year: int, checksums: dict) -> tuple[str, int, str, float]:
    """Pool task: the artifact of an authority-year; returns (code, year, error or '', seconds)."""
    started = time.perf_counter()
    try:
        artifact.ensure(inputs, year, checksums)
        return inputs.code, year, "", time.perf_counter() - started
    except Exception as err:   # reported on every page of the authority-year, never raised
        return inputs.code, year, _last_line(err), time.perf_counter() - started
    finally:
        parallel.give_back_memory()


def _keyed(pages: list[Page], force: bool) -> dict[str, dict]:
    """Give every page its artifact key and page key, and mark the current ones unchanged."""
    sums = {}
    for page in pages:
        if page.inputs.code not in sums:
            sums[page.inputs.code] = artifact.input_checksums(page.inputs)
        page.artifact_key = artifact.key(page.inputs, page.year, sums[page.inputs.code])
        page.key = page_key(page)
        if not force and is_current(page):
            page.status = "unchanged"
    return sums


@dataclass
class Batch:
    """What a batch did: every planned page with its status, and any leak the final check found."""

    pages: list[Page]
    leaks: list = field(default_factory=list)
    seconds: float = 0.0
    documents: list = field(default_factory=list)   # one statement (HTML and PDF) per authority-year
    artifact_seconds: dict = field(default_factory=dict)   # (code, year) -> seconds to compute it
    wording: list = field(default_factory=list)   # breaches of the plain-English rules, (where, rule, text)
    given_back: list = field(default_factory=list)   # (group, year, cell) a member hides that a group's table gives


def render(authorities: list[Inputs], out_dir: Path, years: list[int] | None = None,
           chapters: list[str] | None = None, jobs: int | None = None, continue_on_error: bool = True,
           force: bool = False, timeout: int = NOTEBOOK_TIMEOUT_SECONDS, executor: str = "local",
           scheduler: str | None = None, progress: bool = False, pdf: bool = True) -> Batch:
    """Render every planned page that is not current, then the index, then check the site
    for record-level data.

    Work runs in ``jobs`` processes (or on Dask): each missing artifact once, then its
    pages. With ``continue_on_error`` False the first failure stops scheduling and the
    pages not run are ``skipped``.
    """
    started = time.perf_counter()
    from tqdm import tqdm

    settings = Settings(Path(out_dir), int(timeout), force)
    pages = plan_pages(authorities, years, chapters, Path(out_dir))
    sums = _keyed(pages, force)
    todo = [p for p in pages if p.status == "pending"]
    wanted = jobs or os.cpu_count() or 1
    jobs = max(1, min(wanted, len(todo) or 1))
    bar = tqdm(total=len(todo), desc="pages", unit="page", file=sys.stderr, disable=not progress)
    built: dict = {}
    if todo:
        pool = pools.open_pool(executor, jobs, scheduler)
        try:
            _run(pool, todo, sums, settings, continue_on_error, bar, built)
        finally:
            pool.close()
    bar.close()
    for page in pages:
        if page.status == "pending":
            page.status = "skipped"
    documents = document.build_all(pages, Path(out_dir), wanted, executor, scheduler, force, pdf)
    write_overview(Path(out_dir))
    write_index(Path(out_dir))
    leaks = check_site(Path(out_dir), authorities)
    wording = [(f"{code}/{year}/{where}", rule, text) for code, year in sorted({(p.inputs.code, p.year) for p in pages})
               for where, rule, text in plain_english.problems(Path(out_dir) / code / str(year))]
    return Batch(pages, leaks, time.perf_counter() - started, documents, built, wording,
                 check_groups(Path(out_dir), authorities))


def _run(pool: pools.Pool, todo: list[Page], sums: dict, settings: Settings, continue_on_error: bool, bar,
         built: dict) -> None:
    """Artifacts first (each once), each authority-year's pages as soon as its artifact is
    ready; an authority-year whose figures cannot be computed fails all its pages with the
    reason, without running them. ``built`` gets each artifact's seconds."""
    waiting: dict[tuple, list[Page]] = {}
    for page in todo:
        waiting.setdefault((page.inputs.code, page.year), []).append(page)
    pending = {}
    for (code, year), group in waiting.items():
        if artifact.is_complete(group[0].artifact_dir):
            pending.update({pool.submit(render_page, p, settings): p for p in group})
        else:
            pending[pool.submit(build_artifact, group[0].inputs, year, sums[code])] = (code, year)
    stop = False
    while pending and not stop:
        for future in pool.wait_first(pending):
            what = pending.pop(future)
            result = future.result()
            if isinstance(what, tuple):          # an artifact
                error, built[what] = result[2], result[3]
                for page in waiting[what]:
                    if error:
                        _fail(page, f"the figures could not be computed: {error}", settings)
                        bar.update(1)
                    else:
                        pending[pool.submit(render_page, page, settings)] = page
                stop = bool(error) and not continue_on_error
                continue
            _copy_result(what, result)
            bar.update(1)
            stop = stop or (result.status == "failed" and not continue_on_error)


def _fail(page: Page, reason: str, settings: Settings) -> None:
    """Record ``page`` as failed for ``reason`` (a page saying so, and its provenance)."""
    started = datetime.now(timezone.utc)
    page.status, page.error = "failed", reason
    page.path.parent.mkdir(parents=True, exist_ok=True)
    fingerprint.atomic_write_text(page.path, failure_html(page.title, page.authority.la_name, page.year,
                                                          page_info(page, settings)["index_href"], reason))
    _record(page, started, [])


def _copy_result(page: Page, result: Page) -> None:
    for name in ("status", "error", "seconds", "attempts", "stages"):
        setattr(page, name, getattr(result, name))


def check_site(out_dir: Path, authorities: list[Inputs]) -> list:
    """Scan every rendered file of each authority (or group) for record-level data (child
    ids, dates of birth, postcodes) of the returns it was made from; returns the leaks found."""
    from sufficiency_lib.ssda903 import ingest
    leaks = []
    for found in authorities:
        folder = Path(out_dir) / found.code
        returns = [m.return_dir for m in (found.members or (found,)) if m.return_dir is not None]
        if not folder.is_dir() or not returns or not all(r.is_dir() for r in returns):
            continue
        identifiers = leakcheck.Identifiers()
        for folder_of_return in returns:
            identifiers |= leakcheck.identifiers_from_return(ingest.read_return(folder_of_return).tables)
        leaks += leakcheck.find_leaks(folder, identifiers)
    return leaks


def check_groups(out_dir: Path, authorities: list[Inputs]) -> list:
    """For each group whose members' statements of the same year are in ``out_dir`` too, the
    cells a member's table hides that the group's gives back (:mod:`group_check`)."""
    found = []
    for group in (a for a in authorities if a.members):
        for year_folder in sorted(p for p in (Path(out_dir) / group.code).glob("*") if (p / "tables").is_dir()):
            members = [Path(out_dir) / m.code / year_folder.name / "tables" for m in group.members]
            if all(folder.is_dir() for folder in members):
                found += [(group.code, year_folder.name, cell)
                          for cell in group_check.recovered(year_folder / "tables", members)]
    return found


def summarise(batch: Batch, write: Callable[[str], None] = print) -> int:
    """Print one line per page, the failures and any leak; return how many pages failed or
    were skipped, plus the leaks."""
    pages = batch.pages
    for page in pages:
        write(f"{page.status:9} {page.seconds:6.1f}s  {page.path}")
    failed = [p for p in pages if p.status == "failed"]
    skipped = [p for p in pages if p.status == "skipped"]
    for page in failed:
        write(f"FAILED {page.inputs.code} {page.year} {page.chapter}: {page.error}")
    for doc in batch.documents:
        if doc.status == "skipped":
            write(f"{'not made':9} {doc.seconds:6.1f}s  {doc.html_path}: the whole statement is made when every "
                  "chapter of its year is rendered")
            continue
        with_pdf = " (and PDF)" if doc.pdf_path.is_file() else " (HTML only)"
        write(f"{doc.status:9} {doc.seconds:6.1f}s  {doc.html_path}{with_pdf}" + (f": {doc.error}" if doc.error else ""))
        for problem in doc.problems:
            write(f"NOT USED {problem}")
    noted = {(p.inputs.code, p.year): p.artifact_dir for p in pages if p.artifact_key}
    for (code, year), folder in noted.items():        # e.g. a return that does not hold the year
        for note in artifact.manifest(folder).get("notes", []):
            write(f"NOTE {code} {year}: {note}")
    for leak in batch.leaks:
        write(f"LEAK {leak}")
    for where, rule, text in batch.wording:
        write(f"WORDING {where}: {rule}: {text}")
    for group, year, cell in batch.given_back:
        write(f"GIVEN BACK {group} {year}: {cell}")
    counts = {s: sum(p.status == s for p in pages) for s in ("ok", "unchanged", "failed", "skipped")}
    made = {s: sum(d.status == s for d in batch.documents) for s in ("ok", "unchanged", "failed", "skipped")}
    write("pages: " + ", ".join(f"{n} {s}" for s, n in counts.items())
          + "; whole statements: " + ", ".join(f"{n} {s}" for s, n in made.items())
          + f"; record-level data found: {len(batch.leaks)}; hidden cells a group gives back: {len(batch.given_back)}"
          + f"; plain-English breaches: {len(batch.wording)}; {batch.seconds:.1f} s")
    return (len(failed) + len(skipped) + len(batch.leaks) + len(batch.given_back)
            + sum(d.status == "failed" for d in batch.documents))
