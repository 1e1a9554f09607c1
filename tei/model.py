"""Plain data passed between the pipeline steps: read → structure → letters → ocr → build.

No lxml here. Text is never copied into the structure: every node points at a range of the
document body, so the TEI builder can prove it emits each body character exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple


@dataclass(frozen=True)
class Header:
    """The nine header fields of one export, split into values; the dates also read as ISO dates."""

    article_id: str
    title: str
    dates: tuple[str, ...]
    """Raw `y-m-d` strings (0 for an unknown part), in input order; empty when the record has none."""
    iso_dates: tuple[str | None, ...]
    """Each of `dates` as an ISO partial date (YYYY[-MM[-DD]]), None when its year is unknown:
    read once by the reader, used by the header and the letters step."""
    date_text: str
    """The 日期 field exactly as given, kept as the content of the header's date element."""
    is_range: bool
    authors: tuple[str, ...]
    source: str
    tags: tuple[str, ...]
    book: str
    book_author: str
    typed_tags: tuple["Tag", ...] = ()
    """The tags with their types, when the source types them (the archive's JSON); empty for an export."""
    alias: str = ""
    """Another title of the document (the archive's JSON), or ""."""
    pages: tuple[int, int] | None = None
    """First and last page in the printed book, when the source gives them."""
    book_record: "BookRecord | None" = None
    """The book's own record (the archive's `<book>.metadata`), when the source has one."""


@dataclass(frozen=True)
class Tag:
    """A tag of the archive with its type: 人物 (a person), 主题/事件 (a topic), 文稿类型 (the document type)."""

    name: str
    type: str


PERSON_TAG, TOPIC_TAG, DOCUMENT_TYPE_TAG = "人物", "主题/事件", "文稿类型"


@dataclass(frozen=True)
class BookRecord:
    """What the archive records of a book besides its name and author."""

    book_id: str
    official: bool
    """An official publication (as opposed to a compilation by others)."""
    internal: bool
    """Published for internal circulation (内部)."""
    scans: tuple[str, ...]
    """URLs of the book's scans."""


@dataclass(frozen=True)
class Footnote:
    """A footnote of the source kept apart from the body (the archive's `comments`), and its anchor."""

    n: str
    """Its number, as the source counts them."""
    text: str
    offset: int | None
    """Body offset of its anchor (the note stands before body[offset]); None when the source gives
    no usable anchor (the note is then placed at the end of the text)."""


@dataclass(frozen=True)
class Document:
    """One input document as read: header, raw body text and description."""

    path: str
    header: Header
    body: str
    """The 正文 text exactly as in the file (LF line ends), markers included; for the archive's JSON,
    the body the export would print for it."""
    body_line: int
    """1-based line number of the first body line in the file, for messages."""
    description: str
    dropped_chars: int = 0
    """Characters XML 1.0 cannot carry that the reader removed from body and fields."""
    parts: "SplitBody | None" = None
    """The body's parts as the source types them (the archive's JSON); None: found by structure.split_parts."""
    footnotes: tuple[Footnote, ...] = ()
    warnings: tuple[str, ...] = ()
    """What the reader read with a doubt or read past (`path:line: message`: a field name with spaces,
    an impossible date, a broken note anchor), for the user."""


class PartKind(str, Enum):
    HEADING = "heading"
    QUOTE = "quote"
    PARAGRAPH = "paragraph"
    ORNAMENT = "ornament"
    # What only the archive's JSON says a part is (the export prints these as plain lines):
    SALUTE = "salute"
    """An addressee or salutation (`appellation`)."""
    BYLINE = "byline"
    """The author's name under the title (`authors`)."""
    DATELINE = "dateline"
    """A date line under the title (`subdate`)."""
    SIGNED = "signed"
    """A signature (`signature`)."""
    FIGURE = "figure"
    """An image; the part's text is its URL (`image`)."""
    FIGURE_DESC = "figDesc"
    """The description of the image before it (`image_description`)."""


class Part(NamedTuple):
    """One blank-line separated part of the body, its marker (`# `, `> `) excluded from the range.

    A NamedTuple, like Node: documents have thousands of them and tuples are built at C speed.
    """

    kind: PartKind
    start: int
    end: int
    level: int = 0
    """Heading level 1–4 for `#`…`####`; 0 otherwise."""


class SplitBody(NamedTuple):
    """The body cut into parts, and the export's line-start markers found on the way."""

    parts: tuple[Part, ...]
    markers: tuple[tuple[int, int], ...]
    """Every line-start marker (`# `…`#### `, `> `) as a [start, end) range of the body, in order:
    markup of the export, not text, so the TEI builder leaves them out."""


class Node(NamedTuple):
    """A TEI element over the body range [start, end).

    Leaf-like nodes (p, head, salute, …) take all body text in their range that their children do
    not cover; container nodes (div, opener, closer, postscript) take only their children.
    """

    tag: str
    start: int
    end: int
    attrs: tuple[tuple[str, str], ...] = ()
    children: tuple["Node", ...] = ()


@dataclass(frozen=True)
class Correspondent:
    """A sender or addressee of a letter, as a person or an organisation."""

    name: str
    is_org: bool


@dataclass(frozen=True)
class Letter:
    """Correspondence facts of one letter, for profileDesc/correspDesc."""

    senders: tuple[Correspondent, ...]
    addressees: tuple[Correspondent, ...]
    when: str | None = None
    """ISO partial date (YYYY[-MM[-DD]]) of sending, when known."""
    place: str | None = None
    """Where the letter was written (a closing or opening date line's place: 于延安), when known."""


@dataclass(frozen=True)
class Structure:
    """The body as a tree of nodes, plus what was learnt about letters in it."""

    divs: tuple[Node, ...]
    letters: tuple[Letter, ...] = ()


class Cert(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


@dataclass(frozen=True)
class Suspect:
    """A suspected OCR substitution at body[offset:offset+len(sic)]; `corr` is the proposed
    reading, as long as `sic`."""

    offset: int
    sic: str
    corr: str
    cert: Cert
    gain: float = 0.0
    source: str = ""
    """Where the reading came from: confusion (the OCR confusion table), glyph (a look-alike from the
    glyph table), lm (the language model's proposal) or user (a pair of the user's file); a run
    whose readings came from different places says confusion."""
    resp: str = ""
    """xml:id of the respStmt of whoever gave the reading: "" for the tool (tei-ocr), a reviewer's
    for a reading a person decided (tei.decisions)."""


@dataclass(frozen=True)
class Unclear:
    """A region body[offset:offset+length] the OCR step found unreadable (OCR garbage)."""

    offset: int
    length: int
    reason: str


@dataclass(frozen=True)
class Finding:
    """One validation problem in a file: `path:line:column: CODE message [schema]`.

    line and column are 1-based; 0 when unknown (libxml2 gives no column for schema errors).
    """

    path: str
    line: int
    code: str
    message: str
    column: int = 0
    schema: str = ""
    """The schema that found it, as findings name it ("tei_all", a path, an xml-model href); "" for XML errors."""


@dataclass(frozen=True)
class AppliedSchema:
    """A schema a file was checked against, and why that one."""

    name: str
    kind: str
    """"relaxng" or "schematron"."""
    source: str
    """"option" (--schema), "xml-model" (declared by the file) or "default" (tei_all for a file that declares none)."""
    location: str
    """What was read: a bundled schema ("bundled:tei_all.rng"), a file path, or the href that could not be used."""


@dataclass(frozen=True)
class FileResult:
    """What validating one file found; no findings means valid. A skipped file was not validated."""

    path: str
    findings: tuple[Finding, ...] = ()
    schemas: tuple[AppliedSchema, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: str = ""
    """Why the file was not validated (a FIFO, a device); "" when it was."""

    @property
    def valid(self) -> bool:
        return not self.findings and not self.skipped


@dataclass(frozen=True)
class Conversion:
    """Everything the TEI builder needs for one document."""

    document: Document
    structure: Structure
    suspects: tuple[Suspect, ...] = field(default=())
    markers: tuple[tuple[int, int], ...] = field(default=())
    """The body's line-start markers (SplitBody.markers), left out of the text."""
    unclear: tuple[Unclear, ...] = field(default=())
    """OCR garbage regions, encoded as <unclear>."""
    footnotes: tuple["PlacedFootnote", ...] = field(default=())
    """The document's footnotes, each in the text element it is written in."""


@dataclass(frozen=True)
class PlacedFootnote:
    """A footnote as the builder writes it: inside the `leaf`-th text element of the structure (in
    document order, see notes.text_leaves), before body[offset]."""

    footnote: Footnote
    leaf: int
    """-1: the text has no element that can hold a note; written as a part at the end of the last div."""
    offset: int
