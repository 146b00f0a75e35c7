"""Execute chapter notebooks with papermill and turn them into static HTML pages.

Layout of the output: ``<out>/index.html`` and ``<out>/<new_la_code>/<year>/<chapter>.html``
with the executed notebook beside it in ``_executed/`` and tables in ``tables/``.
Pages are written atomically (temporary file, then rename).
"""
from __future__ import annotations

import html
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill
from jupyter_client.kernelspec import find_kernel_specs
from jupyter_client.manager import KernelManager
from nbconvert import HTMLExporter
from traitlets.config import Config

from . import __version__, synth
from .chapters import CHAPTERS
from .config import DEMO_DATA_DIR, NOTEBOOKS_DIR, PARAMS_DIR, Authority

TEMPLATES_DIR = Path(__file__).parent / "templates"
PROJECT_KERNEL = "sufficiency"
NOTEBOOK_TIMEOUT_SECONDS = 600


@dataclass
class Page:
    """One rendered (or failed) chapter page."""

    authority: Authority
    year: int
    chapter: str
    path: Path
    status: str = "pending"
    error: str = ""
    seconds: float = 0.0


def kernel_name() -> str:
    """The project kernel when installed (``make setup`` does), else the default one."""
    return PROJECT_KERNEL if PROJECT_KERNEL in find_kernel_specs() else "python3"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; pages are for reading
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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


def execute_notebook(chapter: str, parameters: dict, executed_path: Path) -> None:
    """Run ``notebooks/<chapter>.ipynb`` with ``parameters`` into ``executed_path``."""
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / f"{chapter}.ipynb"), str(executed_path), parameters=parameters,
        kernel_name=kernel_name(), cwd=str(NOTEBOOKS_DIR), progress_bar=False,
        execution_timeout=NOTEBOOK_TIMEOUT_SECONDS, log_output=False,
        kernel_manager_class=LocalKernelManager)


def notebook_to_html(executed_path: Path, html_path: Path, page_info: dict) -> None:
    """Convert an executed notebook into a statement page at ``html_path``."""
    notebook = nbformat.read(executed_path, as_version=4)
    body, _ = html_exporter().from_notebook_node(notebook, resources={"page": page_info})
    atomic_write_text(html_path, body)


def render_page(page: Page, out_dir: Path, return_dir: str = "") -> Page:
    """Execute and convert one chapter page; record status rather than raise."""
    started = time.perf_counter()
    page_dir = page.path.parent
    executed = page_dir / "_executed" / f"{page.chapter}.ipynb"
    parameters = {
        "authority": page.authority.new_la_code,
        "year": page.year,
        "return_dir": str(return_dir),
        "params_dir": str(PARAMS_DIR),
        "tables_dir": str(page_dir / "tables"),
    }
    info = {
        "la_name": page.authority.la_name, "new_la_code": page.authority.new_la_code,
        "year": page.year, "chapter_title": CHAPTERS[page.chapter],
        "index_href": os.path.relpath(out_dir / "index.html", page_dir),
        "synthetic": not return_dir, "library_version": __version__,
        "rendered_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "data_source": "synthetic SSDA903 return (demonstration)" if not return_dir
        else "the authority's SSDA903 return",
    }
    try:
        execute_notebook(page.chapter, parameters, executed)
        notebook_to_html(executed, page.path, info)
        page.status = "ok"
    except Exception as err:  # collected and reported; one bad page must not stop the rest
        page.status, page.error = "failed", f"{type(err).__name__}: {err}"
    page.seconds = time.perf_counter() - started
    return page


def plan_pages(authorities: list[Authority], years: list[int] | None, chapters: list[str] | None,
               out_dir: Path) -> list[Page]:
    """Every (authority, year, chapter) page to render; years default to each latest year."""
    unknown = sorted(set(chapters or []) - set(CHAPTERS))
    if unknown:
        raise ValueError(f"unknown chapter(s) {unknown}; choose from {sorted(CHAPTERS)}")
    return [Page(la, year, chapter, Path(out_dir) / la.new_la_code / str(year) / f"{chapter}.html")
            for la in authorities
            for year in (years or [la.latest_year])
            for chapter in (chapters or list(CHAPTERS))]


def write_index(pages: list[Page], out_dir: Path) -> Path:
    """``index.html``: one row per authority and year, a link per chapter with its status."""
    rows = []
    for page in pages:
        href = os.path.relpath(page.path, out_dir)
        link = (f'<a href="{html.escape(href)}">{html.escape(CHAPTERS[page.chapter])}</a>'
                if page.status == "ok" else f"{html.escape(CHAPTERS[page.chapter])} (failed)")
        rows.append(f"<tr><td>{html.escape(page.authority.la_name)}</td>"
                    f"<td>{page.authority.new_la_code}</td><td>{page.year}</td>"
                    f"<td>{link}</td><td>{page.status}</td></tr>")
    text = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Placement sufficiency statements</title>
<style>body{{font-family:Arial,Helvetica,sans-serif;max-width:60rem;margin:0 auto;padding:1rem}}
table{{border-collapse:collapse}}td,th{{padding:.3rem .7rem;border-bottom:1px solid #b1b4b6;text-align:left}}</style>
</head><body>
<h1>Placement sufficiency statements</h1>
<p>Rendered by sufficiency_lib {__version__}.</p>
<table><thead><tr><th>Authority</th><th>Code</th><th>Year</th><th>Chapter</th><th>Status</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
</body></html>
"""
    index = Path(out_dir) / "index.html"
    atomic_write_text(index, text)
    return index


def render(authorities: list[Authority], out_dir: Path, years: list[int] | None = None,
           chapters: list[str] | None = None, return_dir: str = "") -> list[Page]:
    """Render every planned page, then the index. Demo returns are generated first."""
    pages = plan_pages(authorities, years, chapters, out_dir)
    if not return_dir:
        for la in authorities:
            synth.ensure_demo_return(la, DEMO_DATA_DIR / la.new_la_code)
    for page in pages:
        render_page(page, Path(out_dir), return_dir)
    write_index(pages, Path(out_dir))
    return pages
