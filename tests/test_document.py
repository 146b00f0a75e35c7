"""The one-document statement, tried as a new user would: the demo authority rendered, its
PDF and HTML opened, read, measured and photographed.

The PDF must be made here: when WeasyPrint or its system packages are missing these tests
FAIL (``make setup`` and ``.ci/run`` install them), they do not skip.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sufficiency_lib import inputs
from factories import write_statement_file

from sufficiency_lib.local import statement_file
from sufficiency_lib.site import batch as render
from sufficiency_lib.site import document
from sufficiency_lib.statement import frontmatter
from sufficiency_lib.statement.chapters import CHAPTERS

CODE, YEAR, NAME = "E06000031", 2025, "Peterborough"
A4 = (595.28, 841.89)                      # points
MARGIN_X = 15 / 25.4 * 72                  # the left and right page margins, 15 mm
# The evidence chapters are numbered 1 to 6 (as the chapters refer to each other); the
# summary and the plan open the statement unnumbered; data quality is annex B.
OPENING = ("summary", "plan")
EVIDENCE = [slug for slug in CHAPTERS if slug not in (*OPENING, "data_quality")]
BODY_TITLES = ["Foreword", "The voice of children and young people", "The sufficiency duty", "Local context",
               *[CHAPTERS[slug] for slug in OPENING if slug in CHAPTERS],
               *[f"{number}. {CHAPTERS[slug]}" for number, slug in enumerate(EVIDENCE, start=1)],
               "Governance and review", "Glossary", "Annex A: Methods", "Annex B: Data quality", "Annex C: Tables"]


def _words(text: str) -> str:
    return " ".join(text.split())


def _html_text(fragment: str) -> str:
    return _words(html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


# --- one render of the demo for the module --------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("statement")
    batch = render.render([inputs.resolve(CODE)], out, years=[YEAR])
    return out, batch


@pytest.fixture(scope="module")
def made(rendered):
    """The demo's document: it must have been made, PDF included (no skip)."""
    _, batch = rendered
    assert [(p.status, p.error) for p in batch.pages] == [("ok", "")] * len(CHAPTERS)
    docs = batch.documents
    assert [(d.code, d.year, d.status, d.error) for d in docs] == [(CODE, YEAR, "ok", "")], \
        "the statement (HTML and PDF) could not be made; install WeasyPrint's system packages (make setup)"
    return docs[0]


@pytest.fixture(scope="module")
def pdf(made):
    import pypdf
    return pypdf.PdfReader(made.pdf_path)


@pytest.fixture(scope="module")
def pdf_text(made) -> list[str]:
    """Each page's text (pdfium: 30 times faster than pypdf over the whole document)."""
    import pypdfium2 as pdfium
    return [_words(page.get_textpage().get_text_range()) for page in pdfium.PdfDocument(made.pdf_path)]


@pytest.fixture(scope="module")
def sections(made) -> dict[str, str]:
    """The HTML document's sections by the id of their heading."""
    text = made.html_path.read_text(encoding="utf-8")
    return dict(re.findall(r'<section class="part[^"]*">\s*<h1 id="([^"]+)"(.*?)</section>', text, re.S))


def _outline(pdf) -> list[tuple[str, int]]:
    """The PDF's top-level bookmarks: (title, page number from 1)."""
    return [(item.title, pdf.get_destination_page_number(item) + 1) for item in pdf.outline
            if not isinstance(item, list)]


# --- the document as made by the batch -------------------------------------------------------

@pytest.mark.e2e
def test_statement_is_made_beside_the_pages_linked_from_the_index_and_reported(rendered, made, capsys):
    out, batch = rendered
    folder = out / CODE / str(YEAR)
    assert made.html_path == folder / "statement.html" and made.pdf_path == folder / "statement.pdf"
    assert made.pdf_path.read_bytes()[:5] == b"%PDF-" and made.pdf_path.stat().st_size > 100_000
    record = json.loads(made.record_path.read_text())
    assert record["status"] == "ok" and record["key"] == made.key and record["pdf_pages"] == made.pdf_pages
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="{CODE}/{YEAR}/statement.html">HTML</a>' in index
    assert f'href="{CODE}/{YEAR}/statement.pdf">PDF</a>' in index
    assert render.summarise(batch) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "statement.html" in x)
    assert line.startswith("ok ")
    # made from exactly these pages: the next batch leaves it alone
    again = document.plan(batch.pages, out)
    assert [d.status for d, _, _ in again] == ["unchanged"]
    print(f"statement built in {made.seconds:.1f} s, {made.pdf_pages} PDF pages")


@pytest.mark.e2e
def test_pdf_is_a4_with_its_parts_in_order_and_page_numbers(pdf, pdf_text, made):
    pages = len(pdf.pages)
    assert pages == made.pdf_pages and 30 <= pages <= 200
    catalog = pdf.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog, "the PDF is not tagged"
    assert pdf.metadata.title == f"{NAME}: sufficiency statement, {YEAR}" and pdf.metadata.author == NAME
    for page in pdf.pages:
        assert abs(float(page.mediabox.width) - A4[0]) < 1 and abs(float(page.mediabox.height) - A4[1]) < 1
    titles = [title for title, _ in _outline(pdf) if title != "Contents"]
    assert titles == BODY_TITLES
    numbers = [number for _, number in _outline(pdf)]
    assert numbers == sorted(numbers) and numbers[0] == 2           # the contents follow the cover
    assert "Page" not in pdf_text[0]                                  # the cover has no page number
    for number, text in enumerate(pdf_text[1:], start=2):
        assert f"Page {number} of {pages}" in text, f"page {number} has no page number"
        assert f"{NAME} · Sufficiency statement · 31 March {YEAR}" in text


@pytest.mark.e2e
def test_contents_give_the_page_each_part_starts_on(pdf):
    contents = _words(" ".join(pdf.pages[number].extract_text() for number in range(1, 4)))
    for title, page in _outline(pdf):
        if title == "Contents":
            continue
        found = re.search(re.escape(title) + r"\s*\.{3,}\s*(\d+)", contents)
        assert found, f"{title!r} is not in the contents"
        assert int(found.group(1)) == page, f"the contents say {title!r} starts on page {found.group(1)}, not {page}"


@pytest.mark.e2e
def test_cover_and_front_matter_say_what_they_must(pdf_text):
    cover = pdf_text[0]
    for words in (NAME, "Sufficiency statement for children in care", f"Figures at 31 March {YEAR}",
                  "Draft for approval", "Demonstration only"):
        assert words in cover
    assert re.search(r"Made on \d{1,2} [A-Z][a-z]+ 20\d\d", cover)
    text = " ".join(pdf_text)
    # Peterborough's demo has no statement file: the document says so
    assert "No foreword was given for this statement." in text
    assert "No views of children and young people were given for this statement." in text
    assert "Section 22G of the Children Act 1989" in text
    assert "Sufficiency: statutory guidance on securing sufficient accommodation for looked after children" in text
    assert "(Department for Children, Schools and Families, 2010)" in text
    assert "This statement is a draft for approval" in text and f"31 March {YEAR + 1}" in text
    for term, _ in frontmatter.GLOSSARY:
        assert term in text, f"the glossary lacks {term!r}"


@pytest.mark.e2e
def test_local_context_agrees_with_the_published_files_and_the_return(pdf_text, shared_data):
    """The local context's figures against DfE's and ONS's files and the synthetic return,
    each counted here with the csv module."""
    with open(shared_data / "published" / "release_2025" / "cla_number_and_rate_per_10k_children.csv",
              encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["time_period"] == str(YEAR)
                and r["population_type"] == "Children looked after on 31 March each year"]
    mine = next(r for r in rows if r["new_la_code"] == CODE)
    england = next(r for r in rows if r["geographic_level"] == "National")
    with open(shared_data / "reference" / "ons_mid-year_population_estimates_2012_to_2024.csv",
              encoding="utf-8-sig") as handle:
        population = next(int(r["population_estimate"]) for r in csv.DictReader(handle)
                          if r["new_la_code"] == CODE and r["time_period"] == str(YEAR - 1))
    episodes = inputs.DEMO_RETURNS_DIR / CODE / str(YEAR) / "episodes.csv"
    with open(episodes, encoding="utf-8") as handle:
        day = dt.date(YEAR, 3, 31)
        def when(text):
            return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None
        looked_after = {r["CHILD"] for r in csv.DictReader(handle) if when(r["DECOM"]) <= day
                        and (not r["DEC"] or when(r["DEC"]) > day) and r["LS"] not in ("V3", "V4")}
    text = " ".join(pdf_text)
    assert f"In mid-{YEAR - 1}, about {round(population, -2):,} children aged 0 to 17 lived in {NAME}" in text
    assert f"On 31 March {YEAR}, {len(looked_after):,} children were looked after by the council." in text
    assert (f"That is {mine['rate_per_10000']} children in every 10,000 aged 0 to 17; across England it is "
            f"{england['rate_per_10000']} in every 10,000.") in text


@pytest.mark.e2e
def test_about_parts_move_to_the_methods_annex_and_every_table_is_listed(made, sections):
    folder = made.html_path.parent
    for slug in CHAPTERS:
        notebook = json.loads((folder / "_executed" / f"{slug}.ipynb").read_text(encoding="utf-8"))
        about = next((("".join(c["source"])) for c in notebook["cells"] if c["cell_type"] == "markdown"
                      and "".join(c["source"]).startswith("## About these figures")), None)
        if about is None:
            continue
        first_words = " ".join(re.sub(r"[`*_]", "", about.split("\n", 1)[1]).split()[:8])
        annex = _html_text(sections["annex-data-quality" if slug == "data_quality" else "annex-methods"])
        assert first_words in annex, f"{slug}: its 'About these figures' is not in the annex"
        if slug != "data_quality":
            assert first_words not in _html_text(sections[slug]), f"{slug}: 'About these figures' left in the body"
    listed = set(re.findall(r'href="tables/([^"]+\.csv)"', sections["annex-tables"]))
    on_disk = {p.name for p in (folder / "tables").glob("*.csv") if not p.name.endswith(".meta.csv")}
    assert listed == on_disk and len(on_disk) > 20


@pytest.mark.e2e
def test_no_text_runs_off_the_page_and_charts_are_vector(made):
    """Wide tables fit A4: every run of text lies within the page's side margins. Charts stay
    sharp in print: drawn as vector paths, with no bitmap anywhere in the PDF."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw
    pdf = pdfium.PdfDocument(made.pdf_path)
    kinds = Counter(o.type for page in pdf for o in page.get_objects(max_depth=4))
    assert kinds[pdfium_raw.FPDF_PAGEOBJ_IMAGE] == 0 and kinds[pdfium_raw.FPDF_PAGEOBJ_PATH] > 5_000
    for number, page in enumerate(pdf, start=1):
        width = page.get_size()[0]
        textpage = page.get_textpage()
        for k in range(textpage.count_rects()):
            left, _, right, _ = textpage.get_rect(k)
            assert left >= MARGIN_X - 1 and right <= width - MARGIN_X + 1, \
                f"page {number}: text from {left:.0f} to {right:.0f} pt runs past the margins"


def _rows_by_page(rendered) -> tuple[dict, dict]:
    """From a WeasyPrint layout: the pages each table row and each table lie on, and whether
    each page's part of a table starts with its heading row."""
    from weasyprint.formatting_structure import boxes
    rows: dict = {}
    parts: dict = {}
    for number, page in enumerate(rendered.pages, start=1):
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.TableBox) or "data-table" not in (box.element.get("class") or ""):
                continue                         # a figure table (the annex's list of files has no heading row)
            groups = [g for g in box.children if isinstance(g, boxes.TableRowGroupBox)]
            parts.setdefault(id(box.element), []).append((number, bool(groups) and groups[0].is_header))
            for group in groups:
                if not group.is_header:          # a heading row is repeated on purpose
                    for row in group.children:
                        rows.setdefault(id(row.element), set()).add(number)
    return rows, parts


@pytest.mark.e2e
def test_print_rules_repeat_table_headings_and_never_split_a_row(made):
    """A long table under the statement's own print rules: its heading row starts every
    page it runs onto, and no row is cut between two pages."""
    import weasyprint
    style = re.search(r"<style>.*?</style>", made.html_path.read_text(encoding="utf-8"), re.S).group(0)
    body = "".join(f'<tr><td class="text">Row {n}<br>{"second line " * (n % 4)}</td><td class="num">{n}</td></tr>'
                   for n in range(160))
    page = (f"<html><head>{style}</head><body><table class=\"data-table\"><caption>Long</caption><thead><tr>"
            f"<th>Name</th><th>Value</th></tr></thead><tbody>{body}</tbody></table></body></html>")
    rows, parts = _rows_by_page(weasyprint.HTML(string=page).render())
    table_parts = next(iter(parts.values()))
    assert len(table_parts) >= 3, "the test table should run over several pages"
    assert all(header for _, header in table_parts), "the heading row is not repeated on every page"
    assert all(len(pages) == 1 for pages in rows.values())


@pytest.mark.e2e
def test_statement_rows_are_never_split_and_continued_tables_repeat_headings(made):
    import weasyprint
    rows, parts = _rows_by_page(weasyprint.HTML(filename=str(made.html_path)).render())
    assert rows and all(len(pages) == 1 for pages in rows.values()), "a table row is split over two pages"
    continued = [table for table in parts.values() if len(table) > 1]
    assert all(header for table in continued for _, header in table), "a continued table lost its heading row"


@pytest.mark.e2e
def test_screenshots_of_cover_contents_and_a_chart_heavy_page(made, tmp_path_factory):
    """The first pages and the most colourful page (charts) as PNGs, for a person to look at."""
    import pypdfium2 as pdfium
    shots = tmp_path_factory.mktemp("screenshots")
    pdf = pdfium.PdfDocument(made.pdf_path)

    def colours(image) -> int:
        """How much of a page is in colour, each colour counted up to a cap, so a page of
        several many-coloured charts beats one big bar of a single colour."""
        red, green, blue = (band.tobytes() for band in image.convert("RGB").split())
        found = Counter((r // 64, g // 64, b // 64) for r, g, b in zip(red, green, blue, strict=True)
                        if max(r, g, b) - min(r, g, b) > 60)
        return sum(min(count, 400) for count in found.values())

    scores = [colours(page.render(scale=0.25).to_pil()) for page in pdf]
    chart_page = max(range(len(scores)), key=scores.__getitem__)
    assert chart_page > 4 and scores[chart_page] > 1000, "no page shows charts in colour"
    for name, number in (("cover", 0), ("contents", 1), ("foreword", 3), ("charts", chart_page)):
        image = pdf[number].render(scale=1.5).to_pil()
        path = shots / f"{name}_page{number + 1}.png"
        image.save(path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert image.size == (round(A4[0] * 1.5), round(A4[1] * 1.5))
        assert len(set(image.convert("L").resize((60, 85)).tobytes())) > 10, f"{name} page is blank"
    print(f"screenshots in {shots}")


def _artifact_dir(made) -> Path:
    record = json.loads((made.html_path.parent / "summary.provenance.json").read_text())
    return Path(record["parameters"]["artifact_dir"])


# --- the local statement file -----------------------------------------------------------------

def test_a_full_statement_file_is_read(tmp_path):
    write_statement_file(tmp_path, "foreword: |\n  First line\n  same paragraph.\n\n  Second.\nvoice:\n"
                     "  - quote: I like my school.\n    attribution: girl, 12\n  - Just words\n"
                     "approved_by: Children's Committee\napproved_on: 2025-09-30\nreview_date: '2026-09-30'\n"
                     "contact: team@example.org\n")
    found = statement_file.load(tmp_path)
    assert found.foreword == ("First line same paragraph.", "Second.")
    assert found.quotes == (statement_file.Quote("I like my school.", "girl, 12"), statement_file.Quote("Just words"))
    assert found.approved and found.approved_on == dt.date(2025, 9, 30) and found.review_date == dt.date(2026, 9, 30)
    assert found.contact == "team@example.org" and not found.illustrative and found.problems == ()


@pytest.mark.parametrize("text, named", [
    ("forward: Hello\n", ["'forward'", "did you mean 'foreword'"]),
    ("approved_on: 30/09/2025\n", ["'approved_on'", "year-month-day"]),
    ("voice:\n  - attribution: boy\n", ["'voice'", "quote 1", "no 'quote:'"]),
    ("voice: 3\n", ["'voice'", "text or a list"]),
    ("contact: ['a', 'b']\n", ["'contact'", "must be text"]),
    ("approved_on: 2025-09-30\nreview_date: 2025-01-01\n", ["'review_date'", "before 'approved_on'"]),
    ("authority: E10000003\n", ["E10000003", "not E06000031"]),
    ("foreword: [unclosed\n", ["not valid YAML"]),
    ("- a list\n", ["expected keys and values"]),
])
def test_a_statement_file_with_a_problem_is_reported_with_file_key_and_fix_never_raised(tmp_path, text, named):
    path = write_statement_file(tmp_path, text)
    with pytest.raises(statement_file.StatementFileError) as err:
        statement_file.read(path, CODE)
    for words in [str(path), *named]:
        assert words in str(err.value)
    found = statement_file.load(tmp_path, authority=CODE)
    assert found == statement_file.StatementFile(problems=(str(err.value),))


def test_params_give_governance_and_the_local_file_wins_key_by_key(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("new_la_code: E06000031\nstatement:\n  approved_by: Cabinet\n  contact: old@example.org\n")
    write_statement_file(tmp_path / "local", "contact: new@example.org\n")
    found = statement_file.load(tmp_path / "local", params)
    assert (found.approved_by, found.contact, found.approved) == ("Cabinet", "new@example.org", False)
    assert found.sources == (params, tmp_path / "local" / statement_file.FILE_NAME)
    assert statement_file.load(tmp_path / "nowhere") == statement_file.StatementFile()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=60)
                .filter(lambda s: s.strip()), min_size=1, max_size=4))
def test_any_foreword_text_round_trips_as_its_paragraphs(paragraphs):
    raw = yaml.safe_load(yaml.safe_dump({"foreword": "\n\n".join(paragraphs)}))
    values = statement_file.parse(raw, "statement.yaml")
    assert values["foreword"] == tuple(" ".join(p.split()) for p in paragraphs)


def test_demo_statement_file_is_marked_illustrative_and_approves_nothing():
    found = statement_file.load(inputs.DEMO_LOCAL_DIR / "E10000003", authority="E10000003")
    assert found.problems == () and found.illustrative and found.foreword and found.quotes
    assert not found.approved and not found.approved_by


@pytest.mark.e2e
def test_document_shows_a_local_file_illustrative_and_approved(made, tmp_path):
    write_statement_file(tmp_path, "illustrative: true\nforeword: Our words.\nvoice:\n  - quote: Keep me near my friends.\n"
                     "    attribution: young person, 15\napproved_by: Corporate Parenting Board\n"
                     "approved_on: 2025-09-30\nreview_date: 2026-09-01\ncontact: care@example.org\n")
    from dataclasses import replace
    demo = replace(inputs.resolve(CODE), local_dir=tmp_path)
    artifact_dir = _artifact_dir(made)
    text, local = document.render_html(demo, YEAR, made.html_path.parent, artifact_dir,
                                       made_on=dt.date(2025, 10, 1))
    shown = _html_text(text)
    assert "Approved by Corporate Parenting Board on 30 September 2025" in shown
    assert "Draft for approval" not in shown and "draft for approval" not in shown
    assert "Illustrative text for the demonstration: these are not the council's words." in shown
    assert "Illustrative quotes for the demonstration" in shown
    assert "“Keep me near my friends.” young person, 15" in shown
    assert "It will be reviewed by 1 September 2026." in shown and "Contact: care@example.org" in shown
    assert "Made on 1 October 2025" in shown and local.sources == (tmp_path / statement_file.FILE_NAME,)


# --- failures are recorded, never raised ------------------------------------------------------

def test_a_document_that_cannot_be_made_is_recorded_as_failed(tmp_path):
    result = document.build_document(inputs.resolve(CODE), YEAR, tmp_path, tmp_path / "no-artifact", key="k")
    assert result.status == "failed" and "FileNotFoundError" in result.error
    record = json.loads(result.record_path.read_text())
    assert record["status"] == "failed" and record["key"] == ""
    assert document.links(tmp_path) == {}


@pytest.mark.e2e
def test_a_pdf_that_cannot_be_made_fails_with_the_fix_and_keeps_the_html(made, tmp_path, monkeypatch):
    folder = tmp_path / "copy"
    folder.mkdir()
    for part in ("_executed",):
        (folder / part).mkdir()
        for path in (made.html_path.parent / part).iterdir():
            (folder / part / path.name).write_bytes(path.read_bytes())

    def no_pango(*args, **kwargs):
        raise OSError("cannot load library 'libpango-1.0-0'")
    monkeypatch.setattr(document, "write_pdf", no_pango)
    artifact_dir = _artifact_dir(made)
    result = document.build_document(inputs.resolve(CODE), YEAR, folder, artifact_dir, key="k")
    assert result.status == "failed" and "libpango" in result.error and "apt-get install" in result.error
    assert result.html_path.is_file() and not result.pdf_path.is_file()


# --- the local context from hand-made figures -----------------------------------------------

class _Published:
    def __init__(self, figures, population):
        self.figures, self.population = figures, population


def _published(rows, population):
    import pandas as pd
    figures = pd.DataFrame(rows, columns=["time_period", "geographic_level", "new_la_code", "indicator", "breakdown",
                                          "unit", "value"])
    people = pd.DataFrame(population, columns=["time_period", "geographic_level", "new_la_code", "value"])
    return _Published(figures, people)


def test_local_context_from_published_figures_when_the_artifact_has_none(tmp_path, toy_authority):
    published = _published([(2021, "Local authority", "E99999999", "cla_31_march", "Total", "number", 500),
                            (2021, "Local authority", "E99999999", "cla_31_march", "Total", "rate_per_10000", 100),
                            (2021, "National", "", "cla_31_march", "Total", "rate_per_10000", 67)],
                           [(2020, "Local authority", "E99999999", 50_000)])
    figures = frontmatter.local_figures(toy_authority, 2021, tmp_path, published)
    assert (figures.looked_after, figures.population, figures.rate, figures.england_rate) == (500, 50_000, 100, 67)
    said = frontmatter.local_context("Toyshire", "East of England", figures)
    assert said[:4] == ["Toyshire is in the East of England region.",
                        "In mid-2020, about 50,000 children aged 0 to 17 lived in Toyshire (ONS estimate).",
                        "On 31 March 2021, 500 children were looked after by the council.",
                        "That is 100 children in every 10,000 aged 0 to 17; across England it is 67 in every "
                        "10,000."]


def test_local_context_rate_is_the_returns_own_when_its_count_is_not_dfes(tmp_path, toy_authority):
    import pandas as pd
    published = _published([(2021, "Local authority", "E99999999", "cla_31_march", "Total", "number", 500),
                            (2021, "Local authority", "E99999999", "cla_31_march", "Total", "rate_per_10000", 100),
                            (2021, "National", "", "cla_31_march", "Total", "rate_per_10000", 67)],
                           [(2020, "Local authority", "E99999999", 50_000)])
    pd.DataFrame({"time_period": [2021], "indicator": ["cla_31_march"], "breakdown": ["Total"], "unit": ["number"],
                  "value": [600.0]}).to_parquet(tmp_path / "figures.parquet")
    figures = frontmatter.local_figures(toy_authority, 2021, tmp_path, published)
    assert (figures.looked_after, figures.rate) == (600, 120)        # 600 / 50,000 x 10,000, not DfE's 100 for 500


def test_local_context_of_a_group_sums_its_members_and_says_when_nothing_is_known(tmp_path, toy_authority):
    from dataclasses import replace
    group = replace(toy_authority, members=("E1", "E2"))
    published = _published([(2021, "Local authority", "E1", "cla_31_march", "Total", "number", 30),
                            (2021, "Local authority", "E2", "cla_31_march", "Total", "number", 20),
                            (2021, "National", "", "cla_31_march", "Total", "rate_per_10000", 67)],
                           [(2020, "Local authority", "E1", 4_000), (2020, "Local authority", "E2", 6_000)])
    figures = frontmatter.local_figures(group, 2021, tmp_path, published)
    assert (figures.looked_after, figures.population, round(figures.rate)) == (50, 10_000, 50)
    said = frontmatter.local_context("Toys and Games", "East of England", figures, councils=2)
    assert said[:2] == ["Toys and Games are in the East of England region.",
                        "This statement is shared by 2 councils that commission placements together; its figures "
                        "are theirs added together."]
    assert "On 31 March 2021, 50 children were looked after by the councils." in said
    nothing = frontmatter.local_context("Nowhere", "", frontmatter.LocalFigures(2021))
    assert nothing[0] == "No figures for Nowhere at 31 March 2021 were available for this section."


def test_a_statement_not_made_says_why_in_the_batch_report(tmp_path):
    lines = []
    doc = document.Document(CODE, YEAR, tmp_path, status="skipped")
    assert render.summarise(render.Batch(pages=[], documents=[doc]), lines.append) == 0
    assert lines[0].startswith("not made ") and "when every chapter of its year is rendered" in lines[0]
