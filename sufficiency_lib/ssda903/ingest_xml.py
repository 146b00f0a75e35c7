"""The SSDA903 return as one XML submission: read it into the CSV tables, and write it back.

An authority sends DfE its 903 return either as one CSV per table or as a single XML file
``<EXPSSDA903>`` holding one ``<CHILD>`` per child::

    <CHILD>
      <HEADER>
        CHILDID UPN SEX DOB ETHNIC UASC DUC          header fields; UASC is a flag ("1"),
                                                     DUC the uasc table's one field
        <AMISSING> MISSING MIS_START MIS_END         missing (repeated)
        IN_TOUCH ACTIV ACCOM                         oc3 fields, straight in HEADER
        DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR
          SEX_ADOPTR LS_ADOPTR                       ad1 fields, straight in HEADER
        <AREVIEW> REVIEW REVIEW_CODE                 reviews (repeated)
        MOTHER MC_DOB                                header fields
        <PERMANENCE> PREV_PERM LA_PERM DATE_PERM     previous_permanence
        <OC2> SDQ_SCORE ... INTERVENTION_OFFERED     oc2
        <AD_PLACED> DATE_PLACED DATE_PLACED_CEASED
          REASON_PLACED_CEASED                       placed_for_adoption (repeated)
      </HEADER>
      <EPISODE> DECOM RNE LS CIN PL PL_POST HOME_POST URN PLACE_PROVIDER DEC REC
        REASON_PLACE_CHANGE                          episodes (repeated)
    </CHILD>

Columns follow the CSV tables exactly (``CHILDID`` is ``CHILD``, ``PL`` is ``PLACE``);
CHILD, SEX and DOB are copied from the child's HEADER into the other tables that carry
them, as the CSVs do. The UASC flag has no CSV column: a child is in the uasc table when
it has a DUC element or a UASC flag other than "" or "0".

Each frame :func:`read_xml` returns ends with ``source_line``, the XML line where the row's
element starts, so validation messages can point into the file. The file is streamed
(expat, a megabyte at a time) and only the current child is held, so memory grows with
the tables, not the file's markup.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import escape

import pandas as pd

ROOT_TAG = "EXPSSDA903"
UASC_FLAG = "UASC"
CHUNK_BYTES = 1 << 20  # read the file a megabyte at a time: memory stays flat

#: Column order of each table, as in the CSV files.
COLUMNS = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "episodes": ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"],
    "uasc": ["CHILD", "SEX", "DOB", "DUC"],
    "oc2": ["CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
            "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
            "INTERVENTION_OFFERED"],
    "oc3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "ad1": ["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR"],
    "placed_for_adoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                            "REASON_PLACED_CEASED"],
    "previous_permanence": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
}
HEADER_COLUMNS = frozenset(COLUMNS["header"])

#: Where the XML spells a column differently from the CSV.
XML_NAME = {"CHILD": "CHILDID", "PLACE": "PL"}
COLUMN_NAME = {xml: column for column, xml in XML_NAME.items()}

#: Each table's own fields (those not copied from HEADER) in the order the XML writes them.
OWN_FIELDS = {table: [c for c in columns if c not in HEADER_COLUMNS]
              for table, columns in COLUMNS.items() if table != "header"}
OWN_FIELDS["episodes"] = ["DECOM", "RNE", "LS", "CIN", "PLACE", "PL_POST", "HOME_POST", "URN",
                          "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE"]

#: Tables whose rows are repeated elements, by where the element sits.
CHILD_BLOCKS = {"EPISODE": "episodes"}
HEADER_BLOCKS = {"AREVIEW": "reviews", "AMISSING": "missing", "OC2": "oc2",
                 "PERMANENCE": "previous_permanence", "AD_PLACED": "placed_for_adoption"}
BLOCK_TAG = {table: tag for tag, table in {**CHILD_BLOCKS, **HEADER_BLOCKS}.items()}
#: Tables of at most one row per child whose fields sit directly in HEADER.
FLAT_TABLES = ("uasc", "oc3", "ad1")

#: HEADER's content in document order: header columns, the UASC flag and tables.
HEADER_LAYOUT = ["CHILD", "UPN", "SEX", "DOB", "ETHNIC", UASC_FLAG, "uasc", "missing", "oc3", "ad1",
                 "reviews", "MOTHER", "MC_DOB", "previous_permanence", "oc2", "placed_for_adoption"]

HEADER_FIELDS = {XML_NAME.get(c, c): c for c in [*COLUMNS["header"], UASC_FLAG,
                                                  *(f for t in FLAT_TABLES for f in OWN_FIELDS[t])]}
BLOCK_FIELDS = {table: {XML_NAME.get(c, c): c for c in OWN_FIELDS[table]} for table in BLOCK_TAG}

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class XmlFormatError(ValueError):
    """The file is not a readable SSDA903 XML return.

    The message names the file, the line when known, what is wrong and what to do;
    ``path`` and ``line`` are kept as attributes for callers that report them.
    """

    def __init__(self, path, line: int | None, problem: str, fix: str):
        self.path, self.line = Path(path), line
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {problem}. {fix}")


@dataclass
class _Child:
    """What one <CHILD> holds, kept until </CHILD> so HEADER can fill the other tables."""

    line: int
    header_line: int | None = None
    fields: dict = field(default_factory=dict)  # HEADER's leaf values by column name
    field_lines: dict = field(default_factory=dict)
    blocks: list = field(default_factory=list)  # (table, values, line)


class _Reader:
    """Expat callbacks turning the XML stream into rows, one child at a time.

    Expat rather than ElementTree because it gives the line of every start tag and needs
    no tree at all: only the current child is held in memory.
    """

    def __init__(self, path: Path):
        self.path = path
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.rows = {table: [] for table in COLUMNS}
        self.stack: list[tuple[str, str, object]] = []  # (tag, kind, target)
        self.text: list[str] = []
        self.child: _Child | None = None
        self.unknown: dict[str, int] = {}  # element path -> first line, for one warning

    def start(self, tag, _attributes):
        # Element names may carry a namespace prefix (<ns0:EPISODE>); the 903 names are the local part.
        tag = tag.rpartition(":")[2]
        line = self.parser.CurrentLineNumber
        kind, target = self.classify(tag, line)
        self.stack.append((tag, kind, target))
        if kind == "field":
            # Collect text only inside fields: whitespace between elements never reaches Python.
            self.text = []
            self.parser.CharacterDataHandler = self.text.append

    def classify(self, tag: str, line: int) -> tuple[str, object]:
        """What a new element is, given where it sits: (kind, where its values go)."""
        parent_kind, parent_target = (self.stack[-1][1:]) if self.stack else (None, None)
        # Most elements are fields of a block, so that case is tested first.
        if parent_kind == "block" and tag in BLOCK_FIELDS[parent_target[0]]:
            return "field", (parent_target[1], BLOCK_FIELDS[parent_target[0]][tag])
        if parent_kind == "header" and tag in HEADER_FIELDS:
            self.child.field_lines.setdefault(HEADER_FIELDS[tag], line)
            return "field", (self.child.fields, HEADER_FIELDS[tag])
        if parent_kind == "header" and tag in HEADER_BLOCKS:
            return self.open_block(HEADER_BLOCKS[tag], line)
        if parent_kind == "child" and tag in CHILD_BLOCKS:
            return self.open_block(CHILD_BLOCKS[tag], line)
        if parent_kind == "child" and tag == "HEADER":
            return self.open_header(line)
        if parent_kind == "root" and tag == "CHILD":
            self.child = _Child(line)
            return "child", None
        if parent_kind is None:
            if tag != ROOT_TAG:
                raise XmlFormatError(self.path, line, f"the root element is <{tag}>, not <{ROOT_TAG}>",
                                     "This is not an SSDA903 XML return; check the right file was given.")
            return "root", None
        if parent_kind != "skip":
            self.unknown.setdefault("/".join([*(t for t, _, _ in self.stack[1:]), tag]), line)
        return "skip", None

    def open_header(self, line: int) -> tuple[str, object]:
        if self.child.header_line is not None:
            raise XmlFormatError(self.path, line, "a <CHILD> has a second <HEADER>",
                                 "Each child needs exactly one HEADER; merge them and re-export.")
        self.child.header_line = line
        return "header", None

    def open_block(self, table: str, line: int) -> tuple[str, object]:
        values: dict[str, str] = {}
        self.child.blocks.append((table, values, line))
        return "block", (table, values)

    def end(self, _tag):
        _, kind, target = self.stack.pop()
        if kind == "field":
            self.parser.CharacterDataHandler = None
            values, column = target
            values[column] = "".join(self.text)
        elif kind == "child":
            self.emit(self.child)
            self.child = None

    def emit(self, child: _Child):
        """Append the rows of one finished child to every table it appears in."""
        fields = child.fields
        if child.header_line is None:
            raise XmlFormatError(self.path, child.line, "a <CHILD> has no <HEADER>",
                                 "Every CHILD needs a HEADER with its CHILDID; fix the export.")
        if not fields.get("CHILD"):
            raise XmlFormatError(self.path, child.header_line, "a <HEADER> has no CHILDID (or it is empty)",
                                 "Every child needs its CHILDID to link its tables; fix the export.")
        self.rows["header"].append([fields.get(c, "") for c in COLUMNS["header"]] + [child.header_line])
        for table in FLAT_TABLES:
            lines = [child.field_lines[c] for c in OWN_FIELDS[table] if c in child.field_lines]
            if table == "uasc" and fields.get(UASC_FLAG, "") not in ("", "0"):
                lines.append(child.field_lines[UASC_FLAG])
            if lines:
                self.rows[table].append([fields.get(c, "") for c in COLUMNS[table]] + [min(lines)])
        for table, values, line in child.blocks:
            self.rows[table].append([fields.get(c, "") if c in HEADER_COLUMNS else values.get(c, "")
                                     for c in COLUMNS[table]] + [line])

    def frames(self) -> dict[str, pd.DataFrame]:
        return {table: _frame(rows, COLUMNS[table]) for table, rows in self.rows.items()}


def _frame(rows: list[list], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*columns, "source_line"])
    return frame.astype({**{c: "str" for c in columns}, "source_line": "int64"})


def _first_chunk(path: Path, stream) -> bytes:
    """The file's first chunk, once it is known to be non-empty text."""
    chunk = stream.read(CHUNK_BYTES)
    if not chunk.strip():
        raise XmlFormatError(path, None, "the file is empty",
                             "Export the 903 return again; the upload or copy may have failed.")
    # NUL bytes never occur in ASCII/UTF-8 XML; UTF-16 files announce themselves with a BOM.
    if b"\x00" in chunk and not chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise XmlFormatError(path, None, "the file is binary, not XML text (a spreadsheet or archive?)",
                             "Give the 903 return exported as XML, or use the CSV reader for CSV tables.")
    return chunk


def read_xml(path, ignored: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """Every SSDA903 table held in an XML return at ``path``, as string frames.

    Keys are always all of ``COLUMNS`` (header, episodes, uasc, oc2, oc3, reviews, missing,
    ad1, placed_for_adoption, previous_permanence); a table the file does not hold has zero
    rows. Columns are the CSV's, in the CSV's order, then ``source_line``: the line of the
    element the row came from (HEADER for header, EPISODE, AREVIEW, ...; for uasc, oc3 and
    ad1 the first of their fields), so messages can point into the file. Every value is a
    string exactly as written; a missing or empty element is "". Element names may carry
    a namespace prefix (``<ns0:EPISODE>``), which is ignored. Elements outside the format
    are ignored with one warning naming them, or, when ``ignored`` is a list, one line
    appended to it instead. Raises :class:`XmlFormatError` for a file that is empty,
    binary, not well-formed or not a 903 return.
    """
    path = Path(path)
    reader = _Reader(path)
    with path.open("rb") as stream:
        chunk = _first_chunk(path, stream)
        try:
            while chunk:
                reader.parser.Parse(chunk, False)
                chunk = stream.read(CHUNK_BYTES)
            reader.parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise XmlFormatError(path, error.lineno,
                                 f"not well-formed XML at column {error.offset + 1}: "
                                 f"{expat.ErrorString(error.code)}",
                                 "The file may be truncated, damaged, edited by hand or saved in an "
                                 "encoding it does not declare; re-export it, or repair it in an "
                                 "XML editor.") from None
    if reader.unknown:
        listed = ", ".join(f"{name} (line {line})" for name, line in list(reader.unknown.items())[:20])
        more = f" and {len(reader.unknown) - 20} more" if len(reader.unknown) > 20 else ""
        if ignored is None:
            warnings.warn(f"{path}: elements not in the SSDA903 format were ignored: {listed}{more}", stacklevel=2)
        else:
            ignored.append(f"elements not in the SSDA903 format were ignored: {listed}{more}")
    return reader.frames()


def _prepared(tables: dict[str, pd.DataFrame], table: str) -> pd.DataFrame:
    """``table``'s CSV columns as strings ("" for missing values); an absent table is empty."""
    columns = COLUMNS[table]
    frame = tables.get(table)
    if frame is None:
        return pd.DataFrame(columns=columns, dtype="str")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{table}: columns {missing} are missing; it needs {columns}.")
    frame = frame[columns].astype("str").fillna("")
    for column in columns:
        bad = frame[column].str.contains(_NOT_XML)
        if bad.any():
            raise ValueError(f"{table}.{column} of CHILD {frame['CHILD'][bad].iloc[0]} holds a control "
                             "character that XML cannot carry; clean the value first.")
    return frame


def _check_writable(frames: dict[str, pd.DataFrame]):
    """Refuse tables the XML cannot hold without losing or inventing data."""
    header = frames["header"]
    if (header["CHILD"] == "").any() or header["CHILD"].duplicated().any():
        raise ValueError("header: CHILD must be non-empty and unique; the XML holds one HEADER per child.")
    for table, frame in frames.items():
        if table == "header" or frame.empty:
            continue
        if table in FLAT_TABLES and frame["CHILD"].duplicated().any():
            raise ValueError(f"{table}: CHILD {frame['CHILD'][frame['CHILD'].duplicated()].iloc[0]} has "
                             "more than one row; the XML holds one per child.")
        shared = [c for c in COLUMNS[table] if c in HEADER_COLUMNS]
        merged = frame[shared].merge(header[shared], on="CHILD", how="left", suffixes=("", "_header"),
                                     indicator=True)
        orphans = merged["CHILD"][merged["_merge"] == "left_only"]
        if not orphans.empty:
            raise ValueError(f"{table}: CHILD {orphans.iloc[0]} is not in header; add its header row.")
        for column in shared[1:]:
            differs = merged[column] != merged[f"{column}_header"]
            if differs.any():
                raise ValueError(f"{table}: {column} of CHILD {merged['CHILD'][differs].iloc[0]} differs from "
                                 "header; the XML stores it once per child.")


def _by_child(frame: pd.DataFrame) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in frame.to_dict("records"):
        groups.setdefault(row["CHILD"], []).append(row)
    return groups


def _leaf(column: str, value: str, depth: int) -> str:
    tag = XML_NAME.get(column, column)
    indent = "  " * depth
    if value == "":
        return f"{indent}<{tag} />"
    # A raw carriage return would come back as a newline: XML normalises line ends.
    return f"{indent}<{tag}>{escape(value, {chr(13): '&#13;'})}</{tag}>"


def _block(table: str, row: dict, depth: int) -> list[str]:
    tag, indent = BLOCK_TAG[table], "  " * depth
    return [f"{indent}<{tag}>", *(_leaf(c, row[c], depth + 1) for c in OWN_FIELDS[table]), f"{indent}</{tag}>"]


def _child_xml(header: dict, groups: dict[str, dict[str, list[dict]]]) -> str:
    """One <CHILD> element, HEADER content in the order the format lays it out."""
    child = header["CHILD"]
    lines = ["  <CHILD>", "    <HEADER>"]
    for item in HEADER_LAYOUT:
        rows = groups.get(item, {}).get(child, [])
        if item == UASC_FLAG:
            lines.append(_leaf(UASC_FLAG, "1" if groups["uasc"].get(child) else "", 3))
        elif item in FLAT_TABLES:
            lines.extend(_leaf(c, row[c], 3) for row in rows for c in OWN_FIELDS[item])
        elif item in BLOCK_TAG:
            lines.extend(line for row in rows for line in _block(item, row, 3))
        else:
            lines.append(_leaf(item, header[item], 3))
    lines.append("    </HEADER>")
    lines.extend(line for row in groups["episodes"].get(child, []) for line in _block("episodes", row, 2))
    lines.append("  </CHILD>\n")
    return "\n".join(lines)


def write_xml(tables: dict[str, pd.DataFrame], path) -> Path:
    """Write the 903 ``tables`` (CSV columns, as from :func:`read_xml` or the CSVs) as one XML return.

    Children come in header order, each child's rows in table order, element names as the
    XML format spells them (CHILD as CHILDID, PLACE as PL); empty values become empty
    elements. Absent tables count as empty and extra columns (e.g. ``source_line``) are
    ignored, so :func:`read_xml` gives the tables back. Raises ``ValueError`` for tables the
    XML cannot hold: a missing column, a CHILD not in header or repeated where the XML
    allows one, SEX/DOB disagreeing with header, or characters XML cannot carry.
    """
    frames = {table: _prepared(tables, table) for table in COLUMNS}
    _check_writable(frames)
    groups = {table: _by_child(frame) for table, frame in frames.items() if table != "header"}
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(f'<?xml version="1.0" encoding="utf-8"?>\n<{ROOT_TAG}>\n')
        for header in frames["header"].to_dict("records"):
            out.write(_child_xml(header, groups))
        out.write(f"</{ROOT_TAG}>\n")
    return path
