"""Executed notebook to statement page: nbconvert with the site's template, code and prompts
hidden by cell tags, and a table of contents made from the page's headings."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from traitlets.config import Config

from sufficiency_lib.fingerprint import atomic_write_text

TEMPLATES_DIR = Path(__file__).parent / "templates"
_HEADING = re.compile(r'<h([23])[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)


@lru_cache(maxsize=1)
def html_exporter() -> HTMLExporter:
    """nbconvert set up for statement pages: no code, no prompts, tag-driven removal. One per
    process: its templates are compiled once, not for every page."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    # papermill tags the cell it injects; the reader has no use for it
    config.TagRemovePreprocessor.remove_cell_tags = ("remove-cell", "parameters", "injected-parameters")
    config.TagRemovePreprocessor.remove_input_tags = ("remove-input",)
    config.TagRemovePreprocessor.remove_all_outputs_tags = ("remove-output",)
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=config, template_name="sufficiency", extra_template_basedirs=[str(TEMPLATES_DIR)])


def table_of_contents(body: str) -> list[tuple[int, str, str]]:
    """(level, anchor, text) of every h2/h3 with an id in ``body``, in page order."""
    found = []
    for level, anchor, inner in _HEADING.findall(body):
        text = re.sub(r"<[^>]+>", "", inner).replace("¶", "").strip()
        found.append((int(level), anchor, html.unescape(text)))
    return found


def toc_html(entries: list[tuple[int, str, str]]) -> str:
    if not entries:
        return ""
    items = "".join(f'<li class="toc-h{level}"><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
                    for level, anchor, text in entries)
    return f'<nav class="toc" aria-label="Contents"><p class="toc-title">Contents</p><ul>{items}</ul></nav>'


def notebook_to_html(executed_path: Path, html_path: Path, page_info: dict) -> None:
    """Convert an executed notebook into a statement page at ``html_path``, titled (in the
    browser's tab and for screen readers) with its chapter, authority and year."""
    notebook = nbformat.read(executed_path, as_version=4)
    title = f"{page_info.get('chapter_title', '')}: {page_info.get('la_name', '')}, {page_info.get('year', '')}"
    body, _ = html_exporter().from_notebook_node(notebook, resources={"page": page_info, "metadata": {"name": title}})
    body = body.replace("<!--TOC-->", toc_html(table_of_contents(body)), 1)
    atomic_write_text(html_path, body)


def failure_html(title: str, la_name: str, year: int, index_href: str, reason: str = "") -> str:
    """The page left where a page failed: says so, and where the reason is recorded (the
    page's record beside it, named as the page; no file name on a page a councillor reads)."""
    why = f" {html.escape(reason)}" if reason else ""
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)} "
            f"(failed)</title></head><body><p><a href=\"{html.escape(index_href)}\">All statements</a></p>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(la_name)}, {year}: this page could not be made and has "
            f"no figures.{why} The batch summary and the page's record, saved beside it, say more.</p></body></html>\n")
