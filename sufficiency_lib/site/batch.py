"""Execute chapter notebooks with papermill and turn them into the reviewers' static site.

Layout of the output::

    <out>/index.html
    <out>/<new_la_code>/<year>/<chapter>.html              the page
    <out>/<new_la_code>/<year>/<chapter>.provenance.json   what it was made from (written last)
    <out>/<new_la_code>/<year>/_executed/<chapter>.ipynb   the executed notebook
    <out>/<new_la_code>/<year>/tables/*.csv                its tables, EES shape, with .meta.csv

A batch (:func:`render`) plans every page, skips those whose provenance key (notebook,
parameters, input files, library version) is unchanged, and runs the rest in parallel
processes, or on a Dask cluster. A page is built in a staging folder and moved into place
file by file with ``os.replace``; its provenance is removed first and written last, so a
page counts as done only when its provenance says ``ok`` with the current key. An
interrupted run leaves staging folders named after its process, which the next run
removes before it repairs the page.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill
from jupyter_client.kernelspec import find_kernel_specs
from jupyter_client.manager import KernelManager
from nbconvert import HTMLExporter
from traitlets.config import Config

from sufficiency_lib.site import provenance
from sufficiency_lib.demo import synth
from sufficiency_lib.statement.chapters import CHAPTERS
from sufficiency_lib.config import DEMO_DATA_DIR, NOTEBOOKS_DIR, PARAMS_DIR, Authority, local_dir_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
PROJECT_KERNEL = "sufficiency"
NOTEBOOK_TIMEOUT_SECONDS = 600
KERNEL_START_RETRIES = 1
#: Messages of jupyter_client/papermill when a kernel never came up (retried once); an error
#: raised by a cell of the notebook is never retried.
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond",
                         "kernel_info", "Kernel not responding", "Kernel failed to start")
atomic_write_text = provenance.atomic_write_text


class PageTimeout(Exception):
    """A notebook ran longer than the batch's timeout."""


@dataclass(frozen=True)
class Settings:
    """What every page of a batch shares."""

    out_dir: Path
    return_dir: str = ""
    published_dir: str = ""
    timeout: int = NOTEBOOK_TIMEOUT_SECONDS
    force: bool = False


@dataclass
class Page:
    """One chapter page of one authority and year, and what became of it."""

    authority: Authority
    year: int
    chapter: str
    path: Path
    status: str = "pending"          # ok, unchanged, failed, skipped (not run after a failure)
    error: str = ""
    seconds: float = 0.0
    attempts: int = 0
    key: str = ""
    inputs: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)   # navigation: chapters and years beside this page

    @property
    def title(self) -> str:
        return CHAPTERS[self.chapter]

    @property
    def record_path(self) -> Path:
        return provenance.path_for(self.path)


def kernel_name() -> str:
    """The project kernel when installed (``make setup`` does), else the default one."""
    return PROJECT_KERNEL if PROJECT_KERNEL in find_kernel_specs() else "python3"


class LocalKernelManager(KernelManager):
    """Kernels that talk over private IPC sockets in a temporary folder, not TCP ports.

    Batch renders run on one machine: IPC keeps kernel traffic off the network (and
    silences the kernel's warning about unencrypted TCP on every page).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.transport = "ipc"
        self._socket_dir = Path(tempfile.mkdtemp(prefix="sufficiency-kernel-"))
        self.ip = str(self._socket_dir / "kernel")

    def cleanup_resources(self, restart: bool = False) -> None:
        super().cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


# --- notebook to page ---------------------------------------------------------------------

def html_exporter() -> HTMLExporter:
    """nbconvert set up for statement pages: no code, no prompts, tag-driven removal."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    # papermill tags the cell it injects; the reader has no use for it
    config.TagRemovePreprocessor.remove_cell_tags = ("remove-cell", "parameters", "injected-parameters")
    config.TagRemovePreprocessor.remove_input_tags = ("remove-input",)
    config.TagRemovePreprocessor.remove_all_outputs_tags = ("remove-output",)
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=config, template_name="sufficiency",
                        extra_template_basedirs=[str(TEMPLATES_DIR)])


def execute_notebook(chapter: str, parameters: dict, executed_path: Path,
                     timeout: int = NOTEBOOK_TIMEOUT_SECONDS) -> None:
    """Run ``notebooks/<chapter>.ipynb`` with ``parameters`` into ``executed_path``."""
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / f"{chapter}.ipynb"), str(executed_path), parameters=parameters,
        kernel_name=kernel_name(), cwd=str(NOTEBOOKS_DIR), progress_bar=False,
        execution_timeout=timeout, log_output=False, kernel_manager_class=LocalKernelManager)


_HEADING = re.compile(r'<h([23])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


def table_of_contents(body: str) -> list[tuple[int, str, str]]:
    """(level, anchor, text) of every h2/h3 with an id in ``body``, in page order."""
    found = []
    for level, anchor, inner in _HEADING.findall(body):
        text = re.sub(r"<[^>]+>", "", inner).replace("¶", "").strip()
        found.append((int(level), anchor, html.unescape(text)))
    return found


def _toc_html(entries: list[tuple[int, str, str]]) -> str:
    if not entries:
        return ""
    items = "".join(f'<li class="toc-h{level}"><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
                    for level, anchor, text in entries)
    return f'<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p><ul>{items}</ul></nav>'


def notebook_to_html(executed_path: Path, html_path: Path, page_info: dict) -> None:
    """Convert an executed notebook into a statement page at ``html_path``."""
    notebook = nbformat.read(executed_path, as_version=4)
    body, _ = html_exporter().from_notebook_node(notebook, resources={"page": page_info})
    body = body.replace("<!--TOC-->", _toc_html(table_of_contents(body)), 1)
    atomic_write_text(html_path, body)


# --- one page -----------------------------------------------------------------------------

def parameters_for(page: Page, settings: Settings) -> dict:
    """The notebook parameters of ``page`` (the same for every run with the same settings)."""
    return {
        "authority": page.authority.new_la_code,
        "year": page.year,
        "return_dir": str(settings.return_dir),
        "published_dir": str(settings.published_dir),
        "params_dir": str(PARAMS_DIR),
        "tables_dir": "tables",      # relative to the staging folder the notebook runs for
    }


def inputs_for(authority: Authority, settings: Settings) -> dict[str, str]:
    """Checksums of every file a page of ``authority`` reads: its params, its return (or the
    demo's), the published statistics (or the demo's) and its local data."""
    from sufficiency_lib.demo.national import DEMO_PUBLISHED_DIR

    folders = [PARAMS_DIR / f"{authority.new_la_code}.yaml",
               Path(settings.return_dir) if settings.return_dir else DEMO_DATA_DIR / authority.new_la_code,
               local_dir_for(authority)]
    published = settings.published_dir or authority.published_dir
    folders.append(Path(published) if published else DEMO_PUBLISHED_DIR)
    sums = {}
    for folder in folders:
        if folder.exists():
            sums.update(provenance.folder_checksums(folder))
    return sums


def page_key(page: Page, settings: Settings) -> str:
    notebook = provenance.checksum(NOTEBOOKS_DIR / f"{page.chapter}.ipynb")
    return provenance.page_key(notebook, parameters_for(page, settings), page.inputs, provenance.library_version())


def is_current(page: Page) -> bool:
    """Whether the page on disk was made, successfully, from exactly these inputs."""
    record = provenance.read(page.record_path)
    return bool(record and record.get("status") == "ok" and record.get("key") == page.key and page.path.is_file())


def is_kernel_start_failure(err: BaseException) -> bool:
    if type(err).__name__ == "PapermillExecutionError":
        return False
    return isinstance(err, (RuntimeError, TimeoutError)) and any(m in str(err) for m in KERNEL_START_FAILURES)


def _page_info(page: Page, settings: Settings) -> dict:
    synthetic = not settings.return_dir
    return {
        "la_name": page.authority.la_name, "new_la_code": page.authority.new_la_code,
        "year": page.year, "chapter_title": page.title, "synthetic": synthetic,
        "index_href": os.path.relpath(Path(settings.out_dir) / "index.html", page.path.parent),
        "chapters": page.links.get("chapters", []), "years": page.links.get("years", []),
        "library_version": provenance.library_version(),
        "git_revision": provenance.git_revision() or "unknown",
        "rendered_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "data_source": "a synthetic SSDA903 return (demonstration)" if synthetic else "the authority's SSDA903 return",
        "published_source": (settings.published_dir or page.authority.published_dir
                             or "synthetic national figures (demonstration)"),
        "provenance_href": page.record_path.name,
    }


class _Deadline:
    """Raise :class:`PageTimeout` in this (main) thread after ``seconds``; a no-op elsewhere
    (Dask runs pages in worker threads, where papermill's per-cell timeout still applies)."""

    def __init__(self, seconds: int):
        self.seconds = int(seconds)
        self.armed = False

    def _fire(self, *_):
        raise PageTimeout(f"the notebook ran longer than {self.seconds} s (--timeout)")

    def __enter__(self):
        import threading
        if self.seconds > 0 and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.alarm(self.seconds)
            self.armed = True
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


def _move_into_place(staging: Path, page: Page) -> list[str]:
    """Move the staged notebook, tables and page into the page folder; return the tables."""
    page_dir = page.path.parent
    (page_dir / "_executed").mkdir(parents=True, exist_ok=True)
    (page_dir / "tables").mkdir(parents=True, exist_ok=True)
    tables = []
    for table in sorted((staging / "tables").glob("*.csv")) if (staging / "tables").is_dir() else []:
        os.replace(table, page_dir / "tables" / table.name)
        tables.append(f"tables/{table.name}")
    os.replace(staging / "executed.ipynb", page_dir / "_executed" / f"{page.chapter}.ipynb")
    os.replace(staging / "page.html", page.path)
    return tables


def _failure_html(page: Page, settings: Settings) -> str:
    info = _page_info(page, settings)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(page.title)} "
            f"(failed)</title></head><body><p><a href=\"{html.escape(info['index_href'])}\">All statements</a></p>"
            f"<h1>{html.escape(page.title)}</h1><p>{html.escape(page.authority.la_name)}, {page.year}: this page "
            f"failed to render and has no figures. The batch summary and {html.escape(page.record_path.name)} say "
            f"why.</p></body></html>\n")


def render_page(page: Page, settings: Settings) -> Page:
    """Execute and convert one page atomically, retrying once when its kernel fails to
    start; record status and provenance rather than raise."""
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    page_dir = page.path.parent
    page_dir.mkdir(parents=True, exist_ok=True)
    provenance.remove_leftovers(page_dir)
    page.record_path.unlink(missing_ok=True)     # the page is in progress until a new record says ok
    staging = Path(tempfile.mkdtemp(prefix=provenance.temp_prefix(page.path), dir=page_dir))
    tables: list[str] = []
    try:
        parameters = {**parameters_for(page, settings), "tables_dir": str(staging / "tables")}
        while True:
            page.attempts += 1
            try:
                with _Deadline(settings.timeout):
                    execute_notebook(page.chapter, parameters, staging / "executed.ipynb", settings.timeout)
                break
            except Exception as err:
                if page.attempts > KERNEL_START_RETRIES or not is_kernel_start_failure(err):
                    raise
        notebook_to_html(staging / "executed.ipynb", staging / "page.html", _page_info(page, settings))
        tables = _move_into_place(staging, page)
        page.status, page.error = "ok", ""
    except (Exception, PageTimeout) as err:  # collected and reported; one bad page must not stop the rest
        page.status, page.error = "failed", _last_line(err)
        if not page.path.is_file():
            atomic_write_text(page.path, _failure_html(page, settings))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    page.seconds = time.perf_counter() - started
    provenance.write(page.record_path, {
        "page": f"{page.authority.new_la_code}/{page.year}/{page.chapter}", "status": page.status,
        "error": page.error, "key": page.key if page.status == "ok" else "",
        "parameters": parameters_for(page, settings), "notebook": f"notebooks/{page.chapter}.ipynb",
        "notebook_sha256": provenance.checksum(NOTEBOOKS_DIR / f"{page.chapter}.ipynb"),
        "inputs": page.inputs, "library_version": provenance.library_version(),
        "git_revision": provenance.git_revision() or "unknown",
        "started": started_at.isoformat(timespec="seconds"), "seconds": round(page.seconds, 2),
        "attempts": page.attempts, "tables": tables})
    return page


def _last_line(err: BaseException) -> str:
    text = f"{type(err).__name__}: {err}".strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else type(err).__name__


# --- the batch ----------------------------------------------------------------------------

def plan_pages(authorities: list[Authority], years: list[int] | None, chapters: list[str] | None,
               out_dir: Path) -> list[Page]:
    """Every (authority, year, chapter) page to render; years default to each latest year."""
    unknown = sorted(set(chapters or []) - set(CHAPTERS))
    if unknown:
        raise ValueError(f"unknown chapter(s) {unknown}; choose from {sorted(CHAPTERS)}")
    chosen = [c for c in CHAPTERS if c in (chapters or CHAPTERS)]
    pages = [Page(la, int(year), chapter, Path(out_dir) / la.new_la_code / str(year) / f"{chapter}.html")
             for la in authorities for year in (years or [la.latest_year]) for chapter in chosen]
    for page in pages:
        page.links = _links(page, pages, Path(out_dir))
    return pages


def _links(page: Page, pages: list[Page], out_dir: Path) -> dict:
    """Navigation of a page: the chapters of its authority and year, and its chapter in
    other years, wherever a page is planned or already on disk."""
    def exists(code: str, year: int, chapter: str) -> bool:
        return any(p.authority.new_la_code == code and p.year == year and p.chapter == chapter for p in pages) or (
            out_dir / code / str(year) / f"{chapter}.html").is_file()

    code = page.authority.new_la_code
    here = page.path.parent
    chapters = [(CHAPTERS[c], os.path.relpath(here / f"{c}.html", here), c == page.chapter)
                for c in CHAPTERS if exists(code, page.year, c)]
    on_disk = {int(p.name) for p in (out_dir / code).glob("[0-9][0-9][0-9][0-9]") if p.is_dir()}
    planned = {p.year for p in pages if p.authority.new_la_code == code}
    years = [(str(y), os.path.relpath(out_dir / code / str(y) / f"{page.chapter}.html", here), y == page.year)
             for y in sorted(on_disk | planned) if exists(code, y, page.chapter)]
    return {"chapters": chapters, "years": years}


def prepare(authorities: list[Authority], settings: Settings) -> None:
    """Make the demo data the pages read once, before pages run in parallel."""
    if not settings.return_dir:
        for la in authorities:
            synth.ensure_demo_return(la, DEMO_DATA_DIR / la.new_la_code)
    if not settings.published_dir and not all(la.published_dir for la in authorities):
        from sufficiency_lib.demo.national import ensure_demo_published
        ensure_demo_published()


def _local_pool(jobs: int):
    from concurrent.futures import as_completed

    from sufficiency_lib.parallel import process_pool
    pool = process_pool(jobs)          # kernels inherit one thread each: jobs share the cores
    return pool, pool.submit, as_completed, lambda: pool.shutdown(wait=True, cancel_futures=True)


def _dask_pool(jobs: int, scheduler: str | None):
    from dask.distributed import Client, LocalCluster, as_completed
    cluster = None if scheduler else LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    client = Client(scheduler or cluster)

    def submit(fn, *args):
        return client.submit(fn, *args, pure=False)

    def close():
        client.close()
        if cluster is not None:
            cluster.close()
    return client, submit, as_completed, close


def render(authorities: list[Authority], out_dir: Path, years: list[int] | None = None,
           chapters: list[str] | None = None, return_dir: str = "", published_dir: str = "",
           jobs: int | None = None, continue_on_error: bool = True, force: bool = False,
           timeout: int = NOTEBOOK_TIMEOUT_SECONDS, executor: str = "local", scheduler: str | None = None,
           progress: bool = False) -> list[Page]:
    """Render every planned page that is not current, then the index.

    Pages run in ``jobs`` processes (or on Dask); with ``continue_on_error`` False the
    first failure stops scheduling and the pages not run are ``skipped``.
    """
    from tqdm import tqdm

    settings = Settings(Path(out_dir), str(return_dir or ""), str(published_dir or ""), int(timeout), force)
    pages = plan_pages(authorities, years, chapters, Path(out_dir))
    prepare(authorities, settings)
    inputs = {la.new_la_code: inputs_for(la, settings) for la in authorities}
    for page in pages:
        page.inputs = inputs[page.authority.new_la_code]
        page.key = page_key(page, settings)
        if not force and is_current(page):
            page.status = "unchanged"
    todo = [p for p in pages if p.status == "pending"]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = tqdm(total=len(todo), desc="pages", unit="page", file=sys.stderr, disable=not progress)
    done: dict[tuple, Page] = {}
    if todo:
        pool, submit, as_completed, close = (_dask_pool(jobs, scheduler) if executor == "dask"
                                             else _local_pool(jobs))
        try:
            futures = {submit(render_page, page, settings): page for page in todo}
            for future in as_completed(list(futures)):
                result = future.result()
                done[(result.authority.new_la_code, result.year, result.chapter)] = result
                bar.update(1)
                if result.status == "failed" and not continue_on_error:
                    break
        finally:
            close()
    bar.close()
    for index, page in enumerate(pages):
        key = (page.authority.new_la_code, page.year, page.chapter)
        if key in done:
            pages[index] = replace(page, **{f: getattr(done[key], f) for f in ("status", "error", "seconds",
                                                                                 "attempts")})
        elif page.status == "pending":
            page.status = "skipped"
    write_index(Path(out_dir))
    return pages


# --- the index ----------------------------------------------------------------------------

def site_pages(out_dir: Path) -> list[dict]:
    """Every page of the site, from the provenance records beside them."""
    records = []
    for path in sorted(Path(out_dir).glob(f"*/*/*{provenance.SUFFIX}")):
        record = provenance.read(path)
        if record:
            chapter = path.name[: -len(provenance.SUFFIX)]
            records.append({**record, "chapter": chapter, "html": path.with_name(f"{chapter}.html"),
                            "code": path.parent.parent.name, "year": path.parent.name})
    return records


def _la_names() -> dict[str, str]:
    from sufficiency_lib.config import list_authorities
    try:
        return {la.new_la_code: la.la_name for la in list_authorities()}
    except Exception:
        return {}


def write_index(out_dir: Path) -> Path:
    """``index.html``: authorities x years x chapters with links, status and each page's
    tables (CSV), from the provenance of every page on disk."""
    out_dir = Path(out_dir)
    names = _la_names()
    order = {c: i for i, c in enumerate(CHAPTERS)}
    rows = []
    for rec in sorted(site_pages(out_dir), key=lambda r: (r["code"], r["year"], order.get(r["chapter"], 99))):
        href = os.path.relpath(rec["html"], out_dir)
        title = CHAPTERS.get(rec["chapter"], rec["chapter"])
        link = f'<a href="{html.escape(href)}">{html.escape(title)}</a>'
        tables = ", ".join(
            f'<a href="{html.escape(os.path.relpath(rec["html"].parent / t, out_dir))}">'
            f'{html.escape(Path(t).stem)}</a>' for t in rec.get("tables", []))
        status = rec.get("status", "")
        rows.append(f'<tr><td>{html.escape(names.get(rec["code"], rec["code"]))}</td><td>{rec["code"]}</td>'
                    f'<td>{rec["year"]}</td><td>{link}</td><td class="status-{status}">{status}</td>'
                    f'<td class="tables">{tables}</td></tr>')
    text = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Placement sufficiency statements</title>
<style>body{{font-family:Arial,Helvetica,sans-serif;max-width:72rem;margin:0 auto;padding:1rem}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .7rem;border-bottom:1px solid #b1b4b6;text-align:left;vertical-align:top}}
td.tables{{font-size:.8rem}}.status-failed{{color:#d4351c;font-weight:bold}}
@media print{{td.tables{{display:none}}}}</style>
</head><body>
<h1>Placement sufficiency statements</h1>
<p>Rendered by sufficiency_lib {html.escape(provenance.library_version())}. Each page links its tables (CSV in the
DfE EES shape, with a .meta.csv) and has its provenance beside it.</p>
<table><thead><tr><th>Authority</th><th>Code</th><th>Year</th><th>Chapter</th><th>Status</th><th>Tables (CSV)</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""
    index = out_dir / "index.html"
    atomic_write_text(index, text)
    return index


def summarise(pages: Iterable[Page], write: Callable[[str], None] = print) -> int:
    """Print one line per page and the failures; return how many failed or were skipped."""
    pages = list(pages)
    for page in pages:
        write(f"{page.status:9} {page.seconds:6.1f}s  {page.path}")
    failed = [p for p in pages if p.status == "failed"]
    skipped = [p for p in pages if p.status == "skipped"]
    for page in failed:
        write(f"FAILED {page.authority.new_la_code} {page.year} {page.chapter}: {page.error}")
    counts = {s: sum(p.status == s for p in pages) for s in ("ok", "unchanged", "failed", "skipped")}
    write(", ".join(f"{n} {s}" for s, n in counts.items()))
    return len(failed) + len(skipped)
