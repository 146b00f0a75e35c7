"""The site's index page, from the provenance records of every page on disk and a Jinja
template (``templates/site_index.html.j2``)."""
from __future__ import annotations

import os
from pathlib import Path

import jinja2

from sufficiency_lib.fingerprint import atomic_write_text, library_version
from sufficiency_lib.site import document, provenance
from sufficiency_lib.site.html import TEMPLATES_DIR
from sufficiency_lib.statement.chapters import CHAPTERS


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


def index_rows(out_dir: Path) -> list[dict]:
    """One row per authority and year: its chapters (in statement order) and tables."""
    order = {c: i for i, c in enumerate(CHAPTERS)}
    grouped: dict[tuple, dict] = {}
    for rec in sorted(site_pages(out_dir), key=lambda r: (r["code"], r["year"], order.get(r["chapter"], 99))):
        row = grouped.setdefault((rec["code"], rec["year"]), {
            "code": rec["code"], "year": rec["year"], "name": rec.get("la_name") or rec["code"],
            "region": rec.get("region_name", ""), "pages": [], "tables": []})
        row["pages"].append({"title": CHAPTERS.get(rec["chapter"], rec["chapter"]), "status": rec.get("status", ""),
                             "href": os.path.relpath(rec["html"], out_dir)})
        row["tables"] += [{"name": Path(t).stem, "href": os.path.relpath(rec["html"].parent / t, out_dir)}
                          for t in rec.get("tables", [])]
    rows = list(grouped.values())
    for row in rows:      # the one-document statement (HTML and PDF), when it was made
        row["statement"] = {kind: f"{row['code']}/{row['year']}/{name}"
                            for kind, name in document.links(Path(out_dir) / row["code"] / row["year"]).items()}
    return sorted(rows, key=lambda r: (r["name"], r["year"]))


def write_index(out_dir: Path) -> Path:
    """``index.html``: every authority and year with links, status and tables, filterable
    by region and searchable by name."""
    out_dir = Path(out_dir)
    rows = index_rows(out_dir)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True)
    overview = out_dir / "overview.html"
    text = environment.get_template("site_index.html.j2").render(
        rows=rows, regions=sorted({r["region"] for r in rows if r["region"]}),
        overview_href="overview.html" if overview.is_file() else "",
        intro="Each statement is made of chapter pages; each page links its tables (CSV in the DfE Explore "
              "Education Statistics shape, with a .meta.csv) and has its provenance beside it.",
        footer=f"Made with version {library_version()} of the sufficiency statement tool.")
    index = out_dir / "index.html"
    atomic_write_text(index, text)
    return index
