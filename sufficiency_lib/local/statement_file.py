"""What a statement says that no figure can: the foreword, the voice of children and young
people, the council's account of its context (current events, early help and support on the
edge of care, its finances and corporate priorities), the services that keep children in
stable homes and help them return home, and its governance (who approved it, when, when it is
reviewed, whom to contact, and who oversees it with which other councils).

These are the authority's words and decisions, kept in ``statement.yaml`` in its local
data folder (``local_dir`` in its params file; the demo's is ``data/demo/local/<code>/``)::

    foreword: |
      A few paragraphs from the lead member or director (blank lines between paragraphs).
    voice:                      # text, or a list of quotes (text, or quote and attribution)
      - quote: Having the same social worker made me feel safe.
        attribution: young person, 15, Children in Care Council
    context: |                  # what is happening now (e.g. Covid-19, new national policy)
      A paragraph or more.
    early_help: |               # early help and support on the edge of care
      Family Safeguarding, family group conferences, ...
    financial_context: |        # the council's finances and corporate priorities
      The savings the council must make, its priorities, ...
    services: |                 # services that keep placements stable and reunify families
      What they did this year: referrals, children helped, outcomes.
    governance: |               # who oversees the plan, how it is published, work with other councils
      The Joint Commissioning Board reviews progress every six months, ...
    approved_by: Children and Young People Committee
    approved_on: 2025-09-30     # a date, written year-month-day
    review_date: 2026-09-30
    contact: sufficiency@example.gov.uk
    illustrative: true          # optional: the words are examples, not the council's own

The same keys may sit under ``statement:`` in the params file; the local file wins key by
key. Every key is optional: the document says what was not given. A file that cannot be
used is never fatal: :func:`load` returns nothing from it and lists each problem, naming
the file, the key and the fix, for the document to report.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sufficiency_lib.local.values import as_date, did_you_mean

FILE_NAME = "statement.yaml"
PARAMS_KEY = "statement"
#: Keys whose text is kept as paragraphs (separated by blank lines).
PARAGRAPH_KEYS = ("foreword", "context", "early_help", "financial_context", "services", "governance")
TEXT_KEYS = (*PARAGRAPH_KEYS, "approved_by", "contact")
DATE_KEYS = ("approved_on", "review_date")
KEYS = ("foreword", "voice", "context", "early_help", "financial_context", "services", "governance",
        "approved_by", "approved_on", "review_date", "contact", "illustrative", "authority")
QUOTE_KEYS = ("quote", "attribution")


class StatementFileError(ValueError):
    """A statement file (or the params' ``statement:`` part) that cannot be used as it is."""


@dataclass(frozen=True)
class Quote:
    """One thing a child or young person said, and who said it (may be blank)."""

    text: str
    attribution: str = ""


@dataclass(frozen=True)
class StatementFile:
    """The local words and governance of a statement; empty fields were not given."""

    foreword: tuple[str, ...] = ()          # paragraphs
    voice: tuple[str, ...] = ()             # paragraphs of text about the voice of children
    quotes: tuple[Quote, ...] = ()
    context: tuple[str, ...] = ()           # paragraphs: the current context (e.g. Covid-19)
    early_help: tuple[str, ...] = ()        # paragraphs: early help and support on the edge of care
    financial_context: tuple[str, ...] = ()  # paragraphs: the council's finances and priorities
    services: tuple[str, ...] = ()          # paragraphs: stability and reunification services
    governance: tuple[str, ...] = ()        # paragraphs: oversight, publication, work with other councils
    approved_by: str = ""
    approved_on: dt.date | None = None
    review_date: dt.date | None = None
    contact: str = ""
    illustrative: bool = False
    sources: tuple[Path, ...] = ()          # the files the values came from
    problems: tuple[str, ...] = field(default=())   # why a file was not used

    @property
    def approved(self) -> bool:
        """Whether the statement records its approval (by whom and when)."""
        return bool(self.approved_by and self.approved_on)

    @property
    def has_voice(self) -> bool:
        return bool(self.voice or self.quotes)


def _paragraphs(text: str) -> tuple[str, ...]:
    blocks = [" ".join(block.split()) for block in re.split(r"\n\s*\n", str(text))]
    return tuple(b for b in blocks if b)


def _unknown_key(where: str, key, allowed: tuple[str, ...]) -> str:
    return f"{where}: unknown key '{key}'; {did_you_mean(key, allowed)}the keys are {', '.join(allowed)}."


def _date(where: str, key: str, value) -> tuple[dt.date | None, str]:
    found = as_date(value)
    if found is None:
        return None, (f"{where}: key '{key}': {value!r} is not a date; write it as year-month-day, "
                      f"e.g. {key}: 2025-09-30.")
    return found, ""


def _quotes(where: str, value) -> tuple[tuple[Quote, ...], list[str]]:
    quotes, problems = [], []
    for number, item in enumerate(value, start=1):
        if isinstance(item, str) and item.strip():
            quotes.append(Quote(" ".join(item.split())))
        elif isinstance(item, dict):
            extra = [k for k in item if k not in QUOTE_KEYS]
            problems += [_unknown_key(f"{where}: key 'voice', quote {number}", k, QUOTE_KEYS) for k in extra]
            text = item.get("quote")
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{where}: key 'voice', quote {number} has no 'quote:' text; add the words "
                                "said, or remove the item.")
                continue
            attribution = item.get("attribution") or ""
            if not isinstance(attribution, str):
                problems.append(f"{where}: key 'voice', quote {number}: 'attribution' must be text, "
                                "e.g. attribution: young person, 15.")
                continue
            quotes.append(Quote(" ".join(text.split()), " ".join(attribution.split())))
        else:
            problems.append(f"{where}: key 'voice', item {number} is neither text nor a quote; write it as "
                            "'- quote: ...' with an optional 'attribution: ...'.")
    return tuple(quotes), problems


def parse(raw, where: str, authority: str | None = None) -> dict:
    """The values of one statement mapping (from a file or the params), checked; raises
    :class:`StatementFileError` listing every problem, each naming ``where``, the key and the fix."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise StatementFileError(f"{where}: expected keys and values (foreword: ..., approved_by: ...), "
                                 f"found {type(raw).__name__}; see the keys in the project's documentation.")
    problems = [_unknown_key(where, key, KEYS) for key in raw if key not in KEYS]
    values: dict = {}
    for key in TEXT_KEYS:
        if key in raw and raw[key] is not None:
            if not isinstance(raw[key], str) or not raw[key].strip():
                how = (f"write it as '{key}: |' with its paragraphs indented on the lines below (a blank line "
                       "between paragraphs)") if key in PARAGRAPH_KEYS else f"write it as {key}: followed by the words"
                problems.append(f"{where}: key '{key}' must be text; {how}, or remove the key.")
            else:
                values[key] = _paragraphs(raw[key]) if key in PARAGRAPH_KEYS else " ".join(raw[key].split())
    for key in DATE_KEYS:
        if raw.get(key) is not None:
            value, problem = _date(where, key, raw[key])
            problems += [problem] if problem else []
            if value:
                values[key] = value
    voice = raw.get("voice")
    if isinstance(voice, str) and voice.strip():
        values["voice"] = _paragraphs(voice)
    elif isinstance(voice, list):
        values["quotes"], found = _quotes(where, voice)
        problems += found
    elif voice is not None:
        problems.append(f"{where}: key 'voice' must be text or a list of quotes ('- quote: ...' with an "
                        "optional 'attribution: ...').")
    if "illustrative" in raw and not isinstance(raw["illustrative"], bool):
        problems.append(f"{where}: key 'illustrative' must be true or false.")
    elif raw.get("illustrative"):
        values["illustrative"] = True
    if authority and raw.get("authority") is not None and str(raw["authority"]) != authority:
        problems.append(f"{where}: the file is for authority {raw['authority']}, not {authority}; move it to "
                        "that authority's local folder, or correct 'authority:'.")
    if values.get("approved_on") and values.get("review_date") and values["review_date"] < values["approved_on"]:
        problems.append(f"{where}: key 'review_date' ({values['review_date']}) is before 'approved_on' "
                        f"({values['approved_on']}); give the date the statement will next be reviewed.")
    if problems:
        raise StatementFileError(" ".join(problems))
    return values


def read(path: str | Path, authority: str | None = None) -> dict:
    """The checked values of one ``statement.yaml``; raises :class:`StatementFileError`."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise StatementFileError(f"{path}: not valid YAML ({' '.join(str(err).split())}); check the "
                                 "indentation and put text with a colon in quotes.") from None
    except UnicodeDecodeError:
        raise StatementFileError(f"{path}: not UTF-8 text; save it as UTF-8.") from None
    return parse(raw, str(path), authority)


def _from_params(params_file: Path | None, authority: str | None) -> dict:
    if params_file is None or not Path(params_file).is_file():
        return {}
    try:
        raw = yaml.safe_load(Path(params_file).read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return {}      # the params reader reports a broken params file; nothing to add here
    if not isinstance(raw, dict):
        return {}
    return parse(raw.get(PARAMS_KEY), f"{params_file} ('{PARAMS_KEY}:')", authority)


def load(local_dir: str | Path | None, params_file: str | Path | None = None,
         authority: str | None = None) -> StatementFile:
    """The statement's local words and governance: the params' ``statement:`` part, then the
    local folder's ``statement.yaml`` on top. A part with a problem is left out and its
    problems are listed in :attr:`StatementFile.problems`; nothing here raises."""
    values: dict = {}
    sources: list[Path] = []
    problems: list[str] = []
    candidates = [("params", Path(params_file) if params_file else None),
                  ("file", Path(local_dir) / FILE_NAME if local_dir else None)]
    for kind, path in candidates:
        if path is None or not path.is_file():
            continue
        try:
            found = _from_params(path, authority) if kind == "params" else read(path, authority)
        except StatementFileError as err:
            problems.append(str(err))
            continue
        if found:
            values.update(found)
            sources.append(path)
    return StatementFile(**values, sources=tuple(sources), problems=tuple(problems))
