"""End to end: the demo authorities rendered to HTML in a temporary folder."""
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sufficiency_lib import cli, config, inputs
from sufficiency_lib.site import batch as render
from sufficiency_lib.site import plain_english
from sufficiency_lib.statement.chapters import CHAPTERS


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.images, self.links, self.scripts, self.classes = [], [], [], [], []
        self._in_heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.classes += (attrs.get("class") or "").split()
        if tag in ("h1", "h2", "h3"):
            self._in_heading = ""
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag in ("script", "link"):
            self.scripts.append(attrs)

    def handle_data(self, data):
        if self._in_heading is not None:
            self._in_heading += data

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._in_heading is not None:
            self.headings.append(self._in_heading.replace("¶", "").strip())
            self._in_heading = None


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("rendered")
    groups = [inputs.resolve(inputs.group(name, members)) for name, members in config.load_groups().items()]
    batch = render.render([inputs.resolve(la) for la in config.list_authorities()] + groups, out)
    assert batch.leaks == [], "the leak check after the batch found record-level data"
    assert batch.given_back == [], "a group's table gave back a count its member's table hides"
    return out, batch.pages


@pytest.mark.e2e
def test_no_count_a_member_hides_can_be_worked_out_from_its_groups_tables(rendered):
    """Counted here, apart from the batch's own check: every count column of every table the
    group and both members have (columns where the group's shown figures are its members'
    sums), no row where one member shows c, the other a number and the group a number."""
    import pandas as pd
    out, pages = rendered
    group = next(p.inputs for p in pages if p.inputs.members)
    year = str(next(p.year for p in pages if p.inputs.members))
    folders = [out / code / year / "tables" for code in (group.code, *(m.code for m in group.members))]
    compared = 0
    for path in folders[0].rglob("*.csv"):
        if path.name.endswith(".meta.csv") or not all((f / path.relative_to(folders[0])).is_file() for f in folders):
            continue
        meta = pd.read_csv(path.with_name(path.name.replace(".csv", ".meta.csv")), dtype=str)
        keys = ["time_period", *meta.loc[meta["col_type"].eq("Filter"), "col_name"]]
        frames = [pd.read_csv(f / path.relative_to(folders[0]), dtype=str, keep_default_na=False) for f in folders]
        joined = frames[0]
        for number, frame in enumerate(frames[1:], start=1):
            joined = joined.merge(frame, on=keys, how="inner", suffixes=("", f"@{number}"))
        for column in meta.loc[meta["col_type"].eq("Indicator"), "col_name"]:
            cells = [joined[column], joined[f"{column}@1"], joined[f"{column}@2"]]
            numbers = [pd.to_numeric(c, errors="coerce") for c in cells]
            whole = numbers[0].notna() & numbers[1].notna() & numbers[2].notna()
            if not whole.any() or (numbers[0][whole] - numbers[1][whole] - numbers[2][whole]).abs().max() >= 0.5:
                continue                                     # not a count the members add up to
            compared += 1
            for mine, other in ((1, 2), (2, 1)):
                given = numbers[0].notna() & cells[mine].eq("c") & numbers[other].notna()
                assert not given.any(), (path.name, column, joined.loc[given, keys].to_dict("records"))
    assert compared > 40


def _given_back(folder: Path, shared: dict[str, tuple[str, str]]) -> tuple[list, int]:
    """Counted with the csv module from one statement's tables (``shared``: table -> its label
    column and its row counting the same children as the others' rows): the (table, year)
    cells a reader could work out, once the shared count is read wherever one table shows it,
    as a table's Total less the rest; and the years compared."""
    import csv
    tables = {}
    for name, (column, _) in shared.items():
        with open(folder / f"{name}.csv", newline="") as handle:
            for row in csv.DictReader(handle):
                tables.setdefault(name, {}).setdefault(row["time_period"], {})[row[column]] = row["number"]
    found, years = [], tables[next(iter(shared))]
    for year in years:
        known = {tables[n][year].get(shared[n][1]) for n in tables} - {"c", None}
        for name, cells in ((n, tables[n][year]) for n in tables):
            hidden = [label for label, cell in cells.items() if label != "Total" and cell == "c"
                      and not (label == shared[name][1] and known)]
            if len(hidden) == 1 and cells["Total"] != "c":
                found.append((name, year))
    return found, len(years)


@pytest.mark.e2e
def test_no_care_leaver_count_can_be_worked_out_across_the_tables_of_the_same_young_people(rendered):
    """A care leaver not in touch has no accommodation or activity recorded, so where one of the
    three tables shows that count, a table that hides it and just one more count of the year
    would give that count back (its Total less the rest)."""
    out, _ = rendered
    checked = 0
    for folder in sorted(out.glob("*/*/tables")):
        for ages in ("17_18", "19_21"):
            found, years = _given_back(folder, {f"in_touch_{ages}": ("in_touch", "Not in touch"),
                                                f"accommodation_{ages}": ("accommodation_suitability",
                                                                          "No information"),
                                                f"activity_{ages}": ("activity", "Total information not known")})
            assert found == [], (folder.parent.parent.name, found)
            checked += years
    assert checked >= 36                 # 3 statements, 2 age bands, 6 years


@pytest.mark.e2e
def test_no_count_can_be_worked_out_from_the_children_placed_with_parents_in_two_tables(rendered):
    """The placement tables and the providers tables count children placed with parents twice
    (placed with parents; parents as provider), so a table left with one hidden count once the
    other table's count of them is read would give it back."""
    out, _ = rendered
    checked = 0
    for folder in sorted(out.glob("*/*/tables")):
        for mix, providers in (("placement_mix", "placement_providers"),
                               ("new_placements_by_placement", "new_placements_by_provider")):
            found, years = _given_back(folder, {
                mix: ("placement_group", "Placed with parents"),
                providers: ("place_providers", "Parents or other person with parental responsibility")})
            assert found == [], (folder.parent.parent.name, found)
            checked += years
    assert checked >= 36                 # 3 statements, 2 pairs of tables, 6 years


@pytest.mark.e2e
def test_every_demo_page_renders(rendered):
    out, pages = rendered
    assert [(p.status, p.error) for p in pages] == [("ok", "")] * (3 * len(CHAPTERS))
    assert {p.authority.new_la_code for p in pages} == {"E10000003", "E06000031",
                                                       "group-cambridgeshire-and-peterborough"}
    assert {p.chapter for p in pages} == set(CHAPTERS)
    for page in pages:          # the browser tab and screen readers name the chapter, authority and year
        title = re.search(r"<title>(.*?)</title>", page.path.read_text(encoding="utf-8"), re.S).group(1)
        assert html.unescape(title) == f"{CHAPTERS[page.chapter]}: {page.authority.la_name}, {page.year}"


@pytest.mark.e2e
def test_a_groups_pages_set_it_beside_no_neighbours_and_name_its_members(rendered):
    """A group is not in DfE's statistical neighbour model: its tables and sentences set it
    beside its region and England only (a spending sentence read "against for its neighbours
    and £675 for England", tables carried an empty neighbours' row or columns), and its source
    lines name its members, not their codes ("sum of E10000003, E06000031 as published"); the
    local tables that would fill a part are the councils', not "the authority's"."""
    out, pages = rendered
    group = [p for p in pages if p.inputs.members]
    member_codes = {m.code for m in group[0].inputs.members}
    said = {"compared with its statistical neighbours", "Statistical neighbours (mean)",
            "Statistical neighbours (average)", "for its neighbours", "statistical neighbour model",
            "neighbours (mean)", "The authority's table", *member_codes}
    for page in group:
        text = plain_english.visible_text(page.path.read_text(encoding="utf-8"))
        assert [s for s in said if s in text] == [], page.chapter
    provision = next(p for p in group if p.chapter == "provision")
    text = plain_english.visible_text(provision.path.read_text(encoding="utf-8"))
    assert re.search(r"per child aged 0 to 17, against £[\d,]+ for England\.", text)
    assert "sum of the figures published for Cambridgeshire and Peterborough" in text


@pytest.mark.e2e
def test_page_has_headings_chart_table_and_no_code_or_errors(rendered):
    out, pages = rendered
    for page in pages:
        html_text = page.path.read_text(encoding="utf-8")
        parsed = _parse(page.path)
        assert parsed.headings[0] == CHAPTERS[page.chapter]
        assert "Summary of findings" in parsed.headings or page.chapter == "summary"
        assert page.authority.la_name in html_text
        assert "<table" in html_text
        images = [i for i in parsed.images if i.get("src", "").startswith("data:image/svg+xml;base64,")]
        assert all(i.get("alt") for i in images), "charts embedded, with alt text"
        # Peterborough printed no unit costs, so its provision page has tables but no chart
        assert images or page.chapter in ("summary", "plan", "data_quality", "provision")
        assert not parsed.scripts, "no script or stylesheet is fetched: the page reads offline"
        # code would show as an editor or highlighted source; prompts as In [n]/Out [n]
        code_or_prompts = {"jp-InputPrompt", "jp-OutputPrompt", "jp-CodeMirrorEditor", "highlight"}
        assert not code_or_prompts & set(parsed.classes)
        assert not re.search(r"In\s*(&nbsp;)?\[\d*\]", html_text)
        assert "Traceback" not in html_text and 'data-mime-type="application/vnd.jupyter.stderr"' not in html_text
        assert "synthetic" in html_text
        assert "synthetic national figures" not in html_text.lower(), "comparators are DfE's, never made up"


@pytest.mark.e2e
def test_index_links_every_page_and_the_links_resolve(rendered):
    out, pages = rendered
    index = _parse(out / "index.html")
    targets = {(out / href).resolve() for href in index.links}
    statements = {p.resolve() for p in out.glob("*/*/statement.html")}
    assert len(statements) == 3                  # one whole statement per authority (or group) and year
    assert {t for t in targets if t.suffix == ".html"} == ({p.path.resolve() for p in pages} | statements
                                                          | {(out / "overview.html").resolve()})
    assert {t.suffix for t in targets} <= {".html", ".csv", ".pdf"} and all(t.is_file() for t in targets)
    for page in pages:  # and each page links back to the index
        back = [h for h in _parse(page.path).links if h.endswith("index.html")]
        assert back and (page.path.parent / back[0]).resolve() == (out / "index.html").resolve()


@pytest.mark.e2e
def test_tables_written_in_ees_shape(rendered):
    out, pages = rendered
    for page in pages:
        csvs = [p for p in (page.path.parent / "tables").glob("*.csv") if not p.name.endswith(".meta.csv")]
        assert len(csvs) >= 10, "the chapters save every table"
        for csv in csvs:
            assert csv.read_text().startswith("time_period,time_identifier,geographic_level"), csv.name
            assert csv.with_suffix(".meta.csv").is_file(), csv.name
        csv = page.path.parent / "tables" / "cla_at_31_march.csv"
        assert csv.read_text().startswith("time_period,time_identifier,geographic_level")
        assert csv.with_suffix(".meta.csv").is_file()


def test_cli_usage_errors_exit_2(capsys):
    assert cli.main(["render", "--chapter", "no_such_chapter", "--out", "/tmp/unused"]) == 2
    assert "no_such_chapter" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["synth", "--years", "twenty", "--out", "/tmp/unused"])
    assert exit_info.value.code == 2


@pytest.mark.e2e
def test_no_child_level_identifier_reaches_a_rendered_file(rendered):
    from sufficiency_lib.inputs import DEMO_RETURNS_DIR as DEMO_DATA_DIR
    from sufficiency_lib.site import leakcheck
    from sufficiency_lib.ssda903 import ingest

    out, pages = rendered
    identifiers = leakcheck.Identifiers()
    for code in sorted({p.authority.new_la_code for p in pages} & {f.name for f in DEMO_DATA_DIR.iterdir()}):
        identifiers |= leakcheck.identifiers_from_return(ingest.read_return(DEMO_DATA_DIR / code).tables)
    assert identifiers.child_ids and identifiers.dates_of_birth and not identifiers.too_short()
    scanned = {p.suffix for p in leakcheck.files_to_scan(out)}
    assert {".html", ".csv", ".ipynb"} <= scanned
    assert leakcheck.find_leaks(out, identifiers) == []


def _chromium() -> str | None:
    import shutil
    return next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser")) if p), None)


def _browse(chromium: str, url: str, profile: Path, *args: str) -> str:
    """Headless Chromium with networking off: every host name fails to resolve and every
    request goes to a proxy that is not there, so only file:// can load."""
    import subprocess
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--proxy-server=127.0.0.1:9", *args, url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.e2e
def test_site_in_a_headless_browser_offline(rendered, tmp_path):
    """Debian's chromium (installed by .ci/run when it can) opens the index and a chapter
    page from disk, finds headings, tables and images, follows every link, and screenshots."""
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    out, pages = rendered
    profile = tmp_path / "profile"
    index_dom = _browse(chromium, (out / "index.html").as_uri(), profile, "--dump-dom")
    index = _Page()
    index.feed(index_dom)
    assert "Placement sufficiency statements" in index.headings and "<table" in index_dom
    chapter = next(p for p in pages if p.chapter == "placements")
    page = _Page()
    page.feed(_browse(chromium, chapter.path.as_uri(), profile, "--dump-dom"))
    assert "Placement mix and stability" in page.headings and "Summary of findings" in page.headings
    assert len([i for i in page.images if i.get("src", "").startswith("data:image/svg+xml")]) >= 5
    followed = 0
    for source, links in ((out / "index.html", index.links), (chapter.path, page.links)):
        for href in {h.split("#")[0] for h in links if not h.startswith(("#", "http"))}:
            target = (source.parent / href).resolve()
            assert target.is_file(), f"{source.name} links to a missing {href}"
            if target.suffix == ".html":
                assert "<h1" in _browse(chromium, target.as_uri(), profile, "--dump-dom")
            followed += 1
    assert followed >= len(pages)
    for name, source in (("index.png", out / "index.html"), ("chapter.png", chapter.path)):
        shot = tmp_path / name
        _browse(chromium, source.as_uri(), profile, f"--screenshot={shot}", "--window-size=1200,2400",
                "--hide-scrollbars")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


@pytest.mark.e2e
def test_every_page_and_the_pdf_keep_the_plain_english_rules(rendered):
    """No code or file names, decimal counts or money to the pound anywhere; no model jargon
    or internal checks in the body (the annex may name methods); no sentence in two chapters."""
    import pypdf
    out, pages = rendered
    for folder in sorted({p.path.parent for p in pages}):
        assert plain_english.problems(folder) == [], folder
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(folder / "statement.pdf").pages)
        listed = text.find("Annex A")                  # first in the contents, then the annex itself
        annex = text.find("Annex A", listed + 1)
        assert listed >= 0 and annex > listed
        # The PDF's tables cannot be told from its prose: decimal counts are looked for in the
        # statement's HTML (its source, checked above), the other rules in the PDF's own text.
        assert plain_english.text_problems(text[:annex], text[annex:], f"{folder}/statement.pdf",
                                           prose=("", "")) == []
