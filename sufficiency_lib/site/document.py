"""One statement per authority (or group) and year, as a single HTML document and its PDF.

Made from the executed chapter notebooks of the authority-year (each converted by
nbconvert with the body-only template ``templates/sufficiency_body``), stitched by the
Jinja template ``templates/statement.html.j2`` with the front and back matter::

    cover, contents, foreword, voice of children and young people, the sufficiency duty,
    local context (with the council's words on the current context, early help and its
    finances), executive summary (with the summary of findings), our plan and progress
    (the action plan, and the council's words on its stability and reunification
    services), chapters 1 to 6 (the evidence), governance (with the council's words on
    oversight and work with other councils), glossary,
    annex A methods (each chapter's "About these figures"), annex B data quality (the
    data-quality chapter), annex C tables (each table's CSV file)

and written beside the chapter pages as ``statement.html`` and ``statement.pdf`` (A4,
WeasyPrint: page numbers, contents with page numbers, vector charts, table headings
repeated on each page, rows never split). ``statement.record.json`` is written last and
says what the document was made from, so an unchanged document is not made again.
"""
from __future__ import annotations

import html
import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2
import nbformat

from sufficiency_lib import fingerprint
from sufficiency_lib.inputs import Inputs
from sufficiency_lib.local import statement_file
from sufficiency_lib.site import provenance
from sufficiency_lib.site.html import TEMPLATES_DIR, html_exporter
from sufficiency_lib.statement import artifact, frontmatter
from sufficiency_lib.statement.chapters import CHAPTERS

NAME = "statement"
RECORD_SUFFIX = ".record.json"
TEMPLATE = "statement.html.j2"
BODY_TEMPLATE = "sufficiency_body"
ABOUT = "About these figures"
SUMMARY, PLAN, DATA_QUALITY = "summary", "plan", "data_quality"
#: Chapters that open the statement without a number: the executive summary and the plan.
UNNUMBERED = (SUMMARY, PLAN)
#: The numbered chapters of the body (the evidence), in statement order; the data-quality
#: chapter is annex B.
NUMBERED = [c for c in CHAPTERS if c not in (*UNNUMBERED, DATA_QUALITY)]
WIDE_COLUMNS, VERY_WIDE_COLUMNS = 8, 11
PDF_FIX = ("install WeasyPrint's system packages (Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
           "libharfbuzz-subset0 fonts-dejavu-core; or run make setup as root) and render again")

_HEADING = re.compile(r'<h([12])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_ID = re.compile(r'(?<![\w-])id="([^"]+)"')
_HREF = re.compile(r'(?<![\w-])href="#([^"]+)"')
_ANCHOR_LINK = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>', re.S)
_FIRST_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>\s*", re.S)
_H2 = re.compile(r"<h2\b[^>]*>(.*?)</h2>", re.S)
_TABLE_HEAD = re.compile(r'<table class="data-table">(.*?)</thead>', re.S)
_HEADING_CELL = re.compile(r"<th[\s>]")
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)


@dataclass
class Document:
    """The statement of one authority-year and what became of it."""

    code: str
    year: int
    folder: Path
    status: str = "pending"        # ok, unchanged, failed, skipped (its pages are not all ok)
    error: str = ""
    seconds: float = 0.0
    pdf_pages: int = 0
    problems: list[str] = field(default_factory=list)   # local statement file not used, and why
    key: str = ""

    @property
    def html_path(self) -> Path:
        return self.folder / f"{NAME}.html"

    @property
    def pdf_path(self) -> Path:
        return self.folder / f"{NAME}.pdf"

    @property
    def record_path(self) -> Path:
        return self.folder / f"{NAME}{RECORD_SUFFIX}"


# --- a chapter's body -------------------------------------------------------------------------

def body_exporter():
    """nbconvert with the page's settings (no code, prompts or parameters) and the body-only template."""
    from nbconvert import HTMLExporter
    return HTMLExporter(config=html_exporter().config, template_name=BODY_TEMPLATE,
                        extra_template_basedirs=[str(TEMPLATES_DIR)])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", html.unescape(text).lower()).strip("-")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("¶", "").strip()


def _own_ids(body: str, prefix: str) -> str:
    """Prefix every id (and every link to one) so the chapters' headings stay unique."""
    body = _ID.sub(lambda m: f'id="{prefix}-{_slug(m.group(1))}"', body)
    return _HREF.sub(lambda m: f'href="#{prefix}-{_slug(m.group(1))}"', body)


def _mark_wide_tables(body: str) -> str:
    """Give tables with many columns a class, so print sets them smaller to fit A4."""
    def mark(match: re.Match) -> str:
        columns = len(_HEADING_CELL.findall(match.group(1)))
        size = "very-wide" if columns >= VERY_WIDE_COLUMNS else "wide" if columns >= WIDE_COLUMNS else ""
        return match.group(0).replace('class="data-table"', f'class="data-table {size}"', 1) if size else match.group(0)
    return _TABLE_HEAD.sub(mark, body)


def split_about(body: str) -> tuple[str, str]:
    """``body`` without its "About these figures" section, and that section's content
    (from its heading to the next second-level heading or the end; the heading dropped)."""
    headings = list(_H2.finditer(body))
    for number, heading in enumerate(headings):
        if _text(heading.group(1)).lower() == ABOUT.lower():
            end = headings[number + 1].start() if number + 1 < len(headings) else len(body)
            return body[:heading.start()] + body[end:], body[heading.end():end].strip()
    return body, ""


def _without_page_intro(body: str, code: str) -> str:
    """Drop a chapter page's opening line naming the authority, its code, year and source:
    the cover says it once for the whole document."""
    opening = r'^\s*<p(?: class="page-intro")?><strong>[^<]*</strong> \(' + re.escape(code) + r"\), year ending[^<]*</p>\s*"
    return re.sub(opening, "", body, count=1)


def chapter_body(executed: Path, slug: str, code: str = "") -> tuple[str, str]:
    """A chapter's executed notebook as document HTML: (body without its title or page
    intro, its "About these figures" part)."""
    notebook = nbformat.read(executed, as_version=4)
    body, _ = body_exporter().from_notebook_node(notebook)
    body = _FIRST_H1.sub("", _ANCHOR_LINK.sub("", body), count=1)
    body = _without_page_intro(body, code) if code else body
    body = _mark_wide_tables(_own_ids(body, slug))
    return split_about(body)


# --- the tables annex -----------------------------------------------------------------------

def table_list(parts: list[dict], records: dict[str, dict | None]) -> list[dict]:
    """Each chapter's tables: the CSV files its page wrote (from its provenance record) with
    the captions its body shows, in order, matched when the counts agree (else files only)."""
    out = []
    for part in parts:
        files = list((records.get(part["slug"]) or {}).get("tables", []))
        captions = [_text(c) for c in _CAPTION.findall(part["body"] + part["about"])]
        captions = captions if len(captions) == len(files) else [""] * len(files)
        if files:
            out.append({"title": part["title"], "tables": [{"caption": c, "file": Path(f).name, "href": f}
                                                           for c, f in zip(captions, files, strict=True)]})
    return out


# --- the document ---------------------------------------------------------------------------

def long_date(day: date) -> str:
    """A date as a reader writes it: 30 September 2025."""
    return f"{day.day} {day:%B %Y}"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                                     trim_blocks=True, lstrip_blocks=True)
    environment.filters["long_date"] = long_date
    return environment


def contents(document_html: str) -> list[tuple[int, str, str]]:
    """(level, anchor, text) of every h1 and h2 with an id after the contents, in order."""
    after = document_html.split("<!--CONTENTS-->", 1)[-1]
    return [(int(level), anchor, _text(inner)) for level, anchor, inner in _HEADING.findall(after)]


def _contents_html(entries: list[tuple[int, str, str]]) -> str:
    items = "".join(f'<li class="toc-h{level}"><a href="#{html.escape(anchor)}">{html.escape(text)}</a></li>'
                    for level, anchor, text in entries)
    return f"<ul>{items}</ul>"


def _chapters(folder: Path, code: str) -> list[dict]:
    """Every chapter in statement order: slug, title, number (the body's chapters), body and
    its "About these figures" part."""
    parts = []
    for slug, title in CHAPTERS.items():
        body, about = chapter_body(folder / "_executed" / f"{slug}.ipynb", slug, code)
        number = str(NUMBERED.index(slug) + 1) if slug in NUMBERED else ""
        parts.append({"slug": slug, "title": title, "number": number, "body": body, "about": about})
    return parts


def render_html(inputs: Inputs, year: int, folder: Path, artifact_dir: Path, made_on: date | None = None,
                published=None) -> tuple[str, statement_file.StatementFile]:
    """The statement of ``inputs`` for ``year`` as one HTML document, from the executed
    notebooks in ``folder``/_executed and the artifact; returns it and the local statement
    file's values (with any problem found in it)."""
    authority = inputs.authority
    local = statement_file.load(inputs.local_dir, inputs.params_file, authority.new_la_code)
    if published is None:
        from sufficiency_lib.published import store
        published = store.load(list(inputs.published_dirs))
    figures = frontmatter.local_figures(authority, year, artifact_dir, published)
    parts = _chapters(Path(folder), authority.new_la_code)
    used = artifact.used_return(artifact_dir, inputs.has_return)
    text = _environment().get_template(TEMPLATE).render(
        la_name=authority.la_name, code=authority.new_la_code, year=year, synthetic=inputs.synthetic and used,
        has_return=used, return_given=inputs.has_return, made_on=(made_on or date.today()), local=local,
        context=frontmatter.local_context(authority.la_name, authority.region_name, figures,
                                          max(1, len(authority.members))),
        chapters=[p for p in parts if p["slug"] != DATA_QUALITY],
        methods=[p for p in parts if p["about"] and p["slug"] != DATA_QUALITY],
        quality=next(p for p in parts if p["slug"] == DATA_QUALITY), glossary=frontmatter.GLOSSARY,
        tables=table_list(parts, _page_records(Path(folder))),
        chapter_pages=[(title, f"{slug}.html") for slug, title in CHAPTERS.items()])
    return text.replace("<!--CONTENTS-->", _contents_html(contents(text)), 1), local


def write_pdf(document_html: str, base: Path) -> tuple[bytes, int]:
    """The PDF of ``document_html`` (links and images resolved against ``base``) and its page
    count. Tagged (headings, paragraphs, tables, alt text in the structure tree), as public
    bodies' documents must be accessible; tagging costs about a fifth more time."""
    import weasyprint   # needs Pango (system packages); imported here so HTML never depends on it
    rendered = weasyprint.HTML(string=document_html, base_url=str(base)).render(pdf_tags=True)
    return rendered.write_pdf(pdf_tags=True), len(rendered.pages)


def build_document(inputs: Inputs, year: int, folder: str | Path, artifact_dir: str | Path, key: str = "",
                   pdf: bool = True) -> Document:
    """Write ``statement.html`` (and ``statement.pdf``) into ``folder``, the page folder of
    the authority-year, whose executed notebooks it reads; record the outcome last. Never
    raises: a failure is recorded with its reason."""
    started = time.perf_counter()
    folder = Path(folder)
    result = Document(inputs.code, int(year), folder, key=key)
    result.record_path.unlink(missing_ok=True)        # in progress until a new record says ok
    try:
        text, local = render_html(inputs, int(year), folder, Path(artifact_dir))
        result.problems = list(local.problems)
        fingerprint.atomic_write_text(result.html_path, text)
        if pdf:
            try:
                data, result.pdf_pages = write_pdf(text, folder)
            except (ImportError, OSError) as err:
                raise RuntimeError(f"the PDF could not be made ({_reason(err)}); {PDF_FIX}") from err
            fingerprint.atomic_write_bytes(result.pdf_path, data)
        else:
            result.pdf_path.unlink(missing_ok=True)    # never a PDF of an older statement beside it
        result.status = "ok"
    except Exception as err:       # one document must not stop the batch; the reason is recorded
        result.status, result.error = "failed", _reason(err)
    result.seconds = time.perf_counter() - started
    _write_record(result)
    return result


def _reason(err: BaseException) -> str:
    lines = [line for line in f"{type(err).__name__}: {err}".splitlines() if line.strip()]
    return lines[-1] if lines else type(err).__name__


def _write_record(result: Document) -> None:
    record = {"document": f"{result.code}/{result.year}/{NAME}", "status": result.status, "error": result.error,
              "key": result.key if result.status == "ok" else "", "seconds": round(result.seconds, 2),
              "pdf_pages": result.pdf_pages, "problems": result.problems,
              "library_version": fingerprint.library_version()}
    fingerprint.atomic_write_text(result.record_path, json.dumps(record, indent=1) + "\n")


def read_record(path: Path) -> dict | None:
    """A document's record, or None when it is missing or unreadable."""
    try:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def links(folder: Path) -> dict:
    """The statement's HTML and PDF (file names) in a page folder, when its record says ok."""
    record = read_record(Path(folder) / f"{NAME}{RECORD_SUFFIX}")
    if not record or record.get("status") != "ok":
        return {}
    found = {kind: f"{NAME}.{kind}" for kind in ("html", "pdf") if (Path(folder) / f"{NAME}.{kind}").is_file()}
    return found


# --- in the batch ---------------------------------------------------------------------------

def _page_records(folder: Path) -> dict[str, dict | None]:
    return {slug: provenance.read(folder / f"{slug}{provenance.SUFFIX}") for slug in CHAPTERS}


def plan(pages: list, out_dir: Path, force: bool = False, pdf: bool = True) -> list[tuple[Document, Inputs, str]]:
    """For each authority-year of the batch's ``pages``: its document, the inputs and the
    artifact it reads. A document whose chapter pages are not all ok is ``skipped`` (and an
    older one removed); one made from exactly these pages is ``unchanged``."""
    planned, seen = [], set()
    for page in pages:
        if (page.inputs.code, page.year) in seen:
            continue
        seen.add((page.inputs.code, page.year))
        folder = Path(out_dir) / page.inputs.code / str(page.year)
        result = Document(page.inputs.code, page.year, folder)
        records = _page_records(folder)
        bad = [slug for slug, rec in records.items() if not rec or rec.get("status") != "ok"]
        if bad:
            result.status, result.error = "skipped", f"not made: no page rendered ok for {', '.join(bad)}"
            for path in (result.record_path, result.html_path, result.pdf_path):
                path.unlink(missing_ok=True)
        else:
            result.key = fingerprint.digest([records[s]["key"] for s in CHAPTERS], fingerprint.library_version())
            old = read_record(result.record_path)
            if not force and old and old.get("status") == "ok" and old.get("key") == result.key \
                    and result.html_path.is_file() and (result.pdf_path.is_file() or not pdf):
                result.status = "unchanged"
        artifact_dir = str((records.get(SUMMARY) or {}).get("parameters", {}).get("artifact_dir", ""))
        planned.append((result, page.inputs, artifact_dir))
    return planned


def build_all(pages: list, out_dir: Path, jobs: int = 1, executor: str = "local", scheduler: str | None = None,
              force: bool = False, pdf: bool = True) -> list[Document]:
    """Build the document of every authority-year of ``pages`` whose chapter pages are all
    ok and that is not current; several at once in a pool when there are several. Without
    ``pdf``, the HTML only (a national run's PDFs would double its time)."""
    planned = plan(pages, Path(out_dir), force, pdf)
    todo = [(doc, inputs, art) for doc, inputs, art in planned if doc.status == "pending"]
    if len(todo) == 1:
        doc, inputs, art = todo[0]
        todo_results = [build_document(inputs, doc.year, doc.folder, art, doc.key, pdf)]
    elif todo:
        from sufficiency_lib.site import pools
        pool = pools.open_pool(executor, max(1, min(jobs, len(todo))), scheduler)
        try:
            futures = [pool.submit(build_document, inputs, doc.year, doc.folder, art, doc.key, pdf)
                       for doc, inputs, art in todo]
            todo_results = [future.result() for future in futures]
        finally:
            pool.close()
    else:
        todo_results = []
    made = {(d.code, d.year): d for d in todo_results}
    return [made.get((doc.code, doc.year), doc) for doc, _, _ in planned]
