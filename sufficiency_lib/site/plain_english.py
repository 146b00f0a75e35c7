"""Plain English for councillors: the rules every rendered page and the statement's PDF keep.

A page has a *body* (what a councillor reads) and an *annex* (from its "About these
figures" or "Annex" heading on: methods, sources, data quality). The rules:

- nowhere: code, file or function names (``sufficiency_lib``, ``metrics.py``,
  ``actions_2021.yaml``, ``snake_case`` names), counts written with a decimal point
  (``705.0``) and money to the pound in millions (``£25,026,954``);
- in the body: the names of forecasting models and their jargon (naive, drift, ETS, ARIMA,
  MAPE, rolling origin, backtest, coverage), and internal checks ("DISAGREES", "correct
  them before ... published"), which belong in the annex.

:func:`problems` returns each breach as ``(where, rule, text found)``; the batch reports
them after every run and the tests require none.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

ANNEX_HEADINGS = re.compile(r"<h[1-3][^>]*>\s*(About these figures|Annex|Methods)", re.I)
CODE_NAMES = re.compile(r"\bsufficiency_lib\b|\b[\w-]+\.(?:py|ya?ml|ipynb|parquet|json|xlsx)\b"
                        r"|\b[a-z]+(?:_[a-z0-9]+)+\b")
DECIMAL_COUNT = re.compile(r"(?<![\w.,£])\d{1,3}(?:,\d{3})*\.0\b(?!\s*%)")
POUNDS_TO_THE_POUND = re.compile(r"£\d{1,3}(?:,\d{3}){2,}\b")
JARGON = re.compile(r"\b(naive|drift|ETS|ARIMA|MAPE|rolling[- ]origin|backtest(?:ed|s)?|coverage)\b", re.I)
INTERNAL = re.compile(r"DISAGREES|correct them before")
MISSING_NUMBER = re.compile(r"\bnan\b|\bNaN\b|<NA>")     # a missing figure printed as text
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def visible_text(page_html: str) -> str:
    """The words a reader sees: tags, scripts, styles and embedded images removed."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page_html, flags=re.S | re.I)
    text = re.sub(r'\ssrc="data:[^"]*"', " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def split(page_html: str) -> tuple[str, str]:
    """(body, annex) of a page's HTML, as visible text."""
    found = ANNEX_HEADINGS.search(page_html)
    cut = found.start() if found else len(page_html)
    return visible_text(page_html[:cut]), visible_text(page_html[cut:])


def _hits(pattern: re.Pattern, text: str) -> list[str]:
    return sorted({m.group(0) for m in pattern.finditer(text)})


def text_problems(body: str, annex: str, where: str, prose: tuple[str, str] | None = None
                  ) -> list[tuple[str, str, str]]:
    """Each breach of the rules in a page's (or a document's) body and annex text.

    A count with a decimal point is looked for in ``prose`` (body and annex without their
    tables) when given: a table's column of rates keeps one decimal on every row (31.0 beside
    42.5), and a column of counts is whole by its declaration."""
    found = []
    prose = prose or (body, annex)
    for part, text, words in (("body", body, prose[0]), ("annex", annex, prose[1])):
        found += [(where, f"code or file name in the {part}", hit) for hit in _hits(CODE_NAMES, text)]
        found += [(where, f"a count with a decimal point in the {part}", hit) for hit in _hits(DECIMAL_COUNT, words)]
        found += [(where, f"money to the pound in the {part}", hit) for hit in _hits(POUNDS_TO_THE_POUND, text)]
        found += [(where, f"a missing figure printed in the {part}", hit) for hit in _hits(MISSING_NUMBER, words)]
    found += [(where, "model jargon in the body", hit) for hit in _hits(JARGON, body)]
    found += [(where, "an internal check in the body", hit) for hit in _hits(INTERNAL, body)]
    return found


def sentences(text: str) -> list[str]:
    """The sentences of a text long enough to be worth comparing (not headings or numbers)."""
    return [s.strip() for s in SENTENCE.split(text) if len(s.split()) >= 8]


def repeated_sentences(bodies: dict[str, str]) -> list[tuple[str, str, str]]:
    """Sentences that appear twice in one chapter's body, or in the bodies of two chapters of
    one statement."""
    seen: dict[str, str] = {}
    found = []
    for chapter, body in bodies.items():
        own = sentences(body)
        found += [(chapter, "sentence twice on the page", s) for s in sorted({s for s in own if own.count(s) > 1})]
        for sentence in dict.fromkeys(own):
            if sentence in seen and seen[sentence] != chapter:
                found.append((chapter, f"sentence also in {seen[sentence]}", sentence))
            seen.setdefault(sentence, chapter)
    return found


def page_body(page_html: str) -> str:
    """A chapter page's own words: the site's header, navigation, banner, opening line
    (authority, year, source), footer, tables, chart captions and notes left out (they
    repeat by design)."""
    text = re.sub(r"<(header|footer|nav|table|figure)\b.*?</\1>", " ", page_html, flags=re.S | re.I)
    text = re.sub(r'<p class="(?:note|source|synthetic-banner|page-intro)">.*?</p>', " ", text, flags=re.S)
    return split(text)[0]


WHOLE_STATEMENT = "statement"     # the one document: every chapter again, so not compared for repeats


def problems(folder: Path) -> list[tuple[str, str, str]]:
    """Every breach in the pages of a statement's folder (``<code>/<year>``): the chapter
    pages and the whole statement, and sentences repeated between chapters."""
    folder = Path(folder)
    found, bodies = [], {}
    for page in sorted(folder.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        without_tables = re.sub(r"<table\b.*?</table>", " ", text, flags=re.S | re.I)
        found += text_problems(*split(text), where=page.name, prose=split(without_tables))
        if page.stem != WHOLE_STATEMENT:
            bodies[page.stem] = page_body(text)
    return found + repeated_sentences(bodies)
