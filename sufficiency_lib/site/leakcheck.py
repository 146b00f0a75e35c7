"""Check that no record-level identifier from the input return reached a rendered file.

:func:`identifiers_from_return` collects what identifies a child in an SSDA903 return:
child ids (``CHILD``), unique pupil numbers (``UPN``), dates of birth (``DOB``, and the
``MC_DOB`` of a mother's child) and postcodes (``HOME_POST``, ``PL_POST``).
:func:`find_leaks` then reads every file below a rendered folder (HTML, CSV, JSON, executed
notebooks, text inside zip files such as ``.xlsx``; text carried in ``data:`` URIs too) and
reports each identifier found, as ``(file, kind, value)``.

The rules, chosen so that the figures and dates a statement prints are not taken for
identifiers:

* **Ids** (child ids and UPNs) are matched whole and case-insensitively: the characters
  before and after must not be letters or digits, so ``8740000001`` is not found inside
  ``87400000012`` or ``SC8740000001``, while ``8740000001.0`` or ``child_8740000001`` are
  found. Only ids of at least :data:`MIN_ID_LENGTH` (6) characters are searched: shorter ones
  (``12``, ``4711``) cannot be told from counts, years, codes and rates. An all-digit id with
  leading zeros is also searched without them, as a number would print it. A 6-digit id
  can still coincide with a figure of the same digits (a population, a cost); a hit names
  the file, so it can be checked.
* **Dates of birth** are matched only as full dates (day, month and year), in the forms a
  page, CSV or JSON might print them: ``01/03/2010`` and ``1/3/2010`` (also with ``-`` or
  ``.``, and month first), ``2010-03-01`` (also ``2010/03/01`` and ISO timestamps),
  ``1 March 2010``, ``1st Mar 2010``, ``March 1, 2010``, and the Unix epoch in seconds or
  milliseconds (pandas' JSON default). Years, months and two-digit years alone are never
  matched. Dates of birth on :data:`REFERENCE_DAYS` (31 March and 1 April, the ends of
  the collection year that every statement prints) are not searched; neither are dates
  passed as ``ignore_dates`` (dates the pages print on purpose).
* **Postcodes** are compared after removing spaces and ignoring case (``pe1 6ab`` =
  ``PE16AB``). Only full postcodes are searched; a part (``PE1``, ``PE1 6``) names an area,
  not a home.
* Images (PNG, JPEG, GIF, WebP, PDF; ``data:image`` URIs; ``image/*`` outputs of a notebook)
  are not read: text drawn into a chart cannot be found this way.
"""
from __future__ import annotations

import base64
import binascii
import html
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

import pandas as pd

MIN_ID_LENGTH = 6
REFERENCE_DAYS = frozenset({(31, 3), (1, 4)})          # (day, month)
ID_COLUMNS = {"CHILD": "child id", "CHILDID": "child id", "UPN": "upn"}
DOB_COLUMNS = ("DOB", "MC_DOB")
POSTCODE_COLUMNS = ("HOME_POST", "PL_POST")
SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp", ".tif", ".tiff", ".pdf",
                    ".woff", ".woff2", ".ttf", ".otf", ".eot"}
BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF")

_TOKEN = re.compile(r"[A-Za-z0-9]+")
#: The words a text is searched in for ids: runs of letters and digits, but not the digits
#: after a decimal point (a timestamp's microseconds, 19.514731, are not a child's id).
_WORD = re.compile(r"(?<![A-Za-z0-9])(?<!\d\.)[A-Za-z0-9]+")
_FULL_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_POSTCODE_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?)[ \t]*([0-9][A-Za-z]{2})"
                               r"(?![A-Za-z0-9])")
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")
_YEAR_FIRST = re.compile(r"(?<!\d)(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?!\d)")
_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])")
_LONG_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(\d{4})(?!\d)", re.IGNORECASE)
_LONG_MONTH_FIRST = re.compile(r"(?<![a-z])" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)",
                               re.IGNORECASE)
_MONTHS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_DATA_URI = re.compile(r"data:([\w.+-]+/[\w.+-]+)((?:;[\w.+-]+=[^;,\"'\s]*)*)(;base64)?,([^\"'\s)<>]*)",
                       re.IGNORECASE)
_EPOCH = date(1970, 1, 1)


class Leak(NamedTuple):
    """An identifier found in a rendered file (``file`` relative to the folder scanned)."""

    file: str
    kind: str
    value: str


@dataclass(frozen=True)
class Identifiers:
    """What identifies a child in a return: ids (upper case), dates, postcodes (no spaces)."""

    child_ids: frozenset[str] = field(default_factory=frozenset)
    upns: frozenset[str] = field(default_factory=frozenset)
    dates_of_birth: frozenset[date] = field(default_factory=frozenset)
    postcodes: frozenset[str] = field(default_factory=frozenset)

    def __or__(self, other: Identifiers) -> Identifiers:
        return Identifiers(self.child_ids | other.child_ids, self.upns | other.upns,
                           self.dates_of_birth | other.dates_of_birth, self.postcodes | other.postcodes)

    def __bool__(self) -> bool:
        return bool(self.child_ids or self.upns or self.dates_of_birth or self.postcodes)

    def too_short(self, min_id_length: int = MIN_ID_LENGTH) -> set[str]:
        """The ids not searched, being too short to tell from other numbers."""
        return {i for i in self.child_ids | self.upns if len(i) < min_id_length}


# ---------------------------------------------------------------------------------------
# Identifiers from a return


def _column(frame: pd.DataFrame, name: str) -> pd.Series | None:
    for column in frame.columns:
        if re.sub(r"[\s_\-]+", "", str(column)).upper() == name.replace("_", ""):
            return frame[column]
    return None


def _id_text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip().upper()
    return text or None


def _as_date(value) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern, size in (("%d/%m/%Y", None), ("%Y-%m-%d", 10), ("%d-%m-%Y", None), ("%d.%m.%Y", None)):
        try:
            return datetime.strptime(text[:size] if size else text, pattern).date()
        except ValueError:
            continue
    return None


def normalise_postcode(value) -> str | None:
    """Upper case without spaces; None unless it is a full postcode."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = re.sub(r"\s+", "", str(value)).upper()
    return text if _FULL_POSTCODE.match(text) else None


def identifiers_from_return(tables: Mapping[str, pd.DataFrame]) -> Identifiers:
    """The child ids, UPNs, dates of birth and full postcodes in any table of a return.

    ``tables`` are the 903 tables as read (text, as :func:`ingest.read_return` gives them,
    which keeps rows that cleaning would quarantine) or cleaned (dates parsed); column
    names are matched without regard to case, spaces or underscores.
    """
    found: dict[str, set] = {"child id": set(), "upn": set(), "dob": set(), "postcode": set()}
    for frame in tables.values():
        for name, kind in ID_COLUMNS.items():
            column = _column(frame, name)
            if column is not None:
                found[kind] |= {t for t in map(_id_text, column.tolist()) if t}
        for name in DOB_COLUMNS:
            column = _column(frame, name)
            if column is not None:
                found["dob"] |= {d for d in map(_as_date, column.tolist()) if d}
        for name in POSTCODE_COLUMNS:
            column = _column(frame, name)
            if column is not None:
                found["postcode"] |= {p for p in map(normalise_postcode, column.tolist()) if p}
    return Identifiers(frozenset(found["child id"]), frozenset(found["upn"]),
                       frozenset(found["dob"]), frozenset(found["postcode"]))


# ---------------------------------------------------------------------------------------
# Reading the rendered files


def files_to_scan(rendered_dir: str | Path) -> list[Path]:
    """Every file below ``rendered_dir`` that is read, in path order (images are not)."""
    root = Path(rendered_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such folder to scan")
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() not in SKIPPED_SUFFIXES)


def _json_text(node, out: list[str], skip: bool = False) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            out.append(str(key))
            is_image = str(key).lower().startswith("image/") and "svg" not in str(key).lower()
            _json_text(value, out, skip or is_image)
    elif isinstance(node, list):
        for item in node:
            _json_text(item, out, skip)
    elif not skip and node is not None:
        out.append(str(node))


def _data_uris(text: str) -> tuple[str, list[str]]:
    """``text`` without its ``data:`` URIs, and the text those of text types carry."""
    carried = []

    def replace(match: re.Match) -> str:
        mime, is_base64, payload = match.group(1).lower(), match.group(3), match.group(4)
        if mime.startswith("text/") or mime in ("application/json", "application/csv", "image/svg+xml"):
            if is_base64:
                try:
                    carried.append(base64.b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8", "replace"))
                except (binascii.Error, ValueError):
                    carried.append(payload)
            else:
                carried.append(unquote(payload))
        return " "

    return _DATA_URI.sub(replace, text), carried


def _texts(path: Path) -> list[str]:
    """The readable text of a file (of each member, for a zip file)."""
    raw = path.read_bytes()
    if raw.startswith(BINARY_SIGNATURES):
        return []
    if zipfile.is_zipfile(path):
        texts = []
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                if not member.is_dir() and Path(member.filename).suffix.lower() not in SKIPPED_SUFFIXES:
                    texts.append(member.filename + "\n" + archive.read(member).decode("utf-8", "replace"))
        return texts
    text = raw.decode("utf-8-sig", "replace")
    if path.suffix.lower() in (".json", ".ipynb", ".geojson"):
        try:
            parts: list[str] = []
            _json_text(json.loads(text), parts)
            text = "\n".join(parts)
        except ValueError:
            pass
    return [text]


def _prepared(text: str) -> str:
    text, carried = _data_uris(text)
    text = "\n".join([text, *carried])
    return html.unescape(text).replace("\xa0", " ").replace("\u202f", " ")


# ---------------------------------------------------------------------------------------
# Scanning


@dataclass
class _Search:
    ids: dict[str, tuple[str, str]]                 # token (upper) -> (kind, id)
    odd_ids: list[tuple[re.Pattern, str, str]]      # ids with other characters
    dates: set[date]
    epochs: dict[int, date]
    postcodes: frozenset[str]

    @classmethod
    def build(cls, identifiers: Identifiers, min_id_length: int, reference_days, ignore_dates) -> _Search:
        ids, odd = {}, []
        for kind, values in (("child id", identifiers.child_ids), ("upn", identifiers.upns)):
            for value in sorted(values):
                forms = {value}
                if value.isdigit() and value.startswith("0"):
                    forms.add(value.lstrip("0"))
                for form in forms:
                    if len(form) < min_id_length:
                        continue
                    if _TOKEN.fullmatch(form):
                        ids[form.upper()] = (kind, value)
                    else:
                        pattern = re.compile(r"(?<![A-Za-z0-9])" + re.escape(form) + r"(?![A-Za-z0-9])", re.IGNORECASE)
                        odd.append((pattern, kind, value))
        ignored = set(ignore_dates)
        dates = {d for d in identifiers.dates_of_birth if (d.day, d.month) not in reference_days and d not in ignored}
        epochs = {}
        for d in dates:
            seconds = (d - _EPOCH).days * 86400
            epochs[seconds] = epochs[seconds * 1000] = d
        return cls(ids, odd, dates, epochs, identifiers.postcodes)

    def _date(self, year: int, month: int, day: int) -> date | None:
        try:
            found = date(year, month, day)
        except ValueError:
            return None
        return found if found in self.dates else None

    def scan(self, text: str) -> set[tuple[str, str]]:
        hits = set()
        for token in _WORD.findall(text):
            key = token.upper()
            if key in self.ids:
                hits.add(self.ids[key])
            if self.epochs and token.isdigit() and 9 <= len(token) <= 13 and int(token) in self.epochs:
                hits.add(("date of birth", self.epochs[int(token)].isoformat()))
        for pattern, kind, value in self.odd_ids:
            if pattern.search(text):
                hits.add((kind, value))
        if self.dates:
            for day, _, month, year in _DAY_FIRST.findall(text):
                for d, m in ((day, month), (month, day)):
                    if (found := self._date(int(year), int(m), int(d))):
                        hits.add(("date of birth", found.isoformat()))
            for year, _, month, day in _YEAR_FIRST.findall(text):
                if (found := self._date(int(year), int(month), int(day))):
                    hits.add(("date of birth", found.isoformat()))
            for day, month, year in _LONG_DAY_FIRST.findall(text):
                if (found := self._date(int(year), _MONTHS[month[:3].lower()], int(day))):
                    hits.add(("date of birth", found.isoformat()))
            for month, day, year in _LONG_MONTH_FIRST.findall(text):
                if (found := self._date(int(year), _MONTHS[month[:3].lower()], int(day))):
                    hits.add(("date of birth", found.isoformat()))
        if self.postcodes:
            for outward, inward in _POSTCODE_IN_TEXT.findall(text):
                code = (outward + inward).upper()
                if code in self.postcodes:
                    hits.add(("postcode", code))
        return hits


def find_leaks(rendered_dir: str | Path, identifiers: Identifiers | Mapping[str, pd.DataFrame], *,
               min_id_length: int = MIN_ID_LENGTH, reference_days=REFERENCE_DAYS,
               ignore_dates: Iterable[date] = ()) -> list[Leak]:
    """Every identifier of ``identifiers`` (or of the return tables given instead) found in
    a file below ``rendered_dir`` or in its path, one :class:`Leak` per file, kind and value,
    in file order. An empty list means nothing was found."""
    if not isinstance(identifiers, Identifiers):
        identifiers = identifiers_from_return(identifiers)
    root = Path(rendered_dir)
    search = _Search.build(identifiers, min_id_length, frozenset(reference_days), ignore_dates)
    leaks = []
    for path in files_to_scan(root):
        relative = path.relative_to(root).as_posix()
        hits = search.scan(relative)
        for text in _texts(path):
            hits |= search.scan(_prepared(text))
        leaks += [Leak(relative, kind, value) for kind, value in sorted(hits)]
    return leaks

