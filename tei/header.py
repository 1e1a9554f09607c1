"""Header fields (and the letters' correspondents) → `<teiHeader>`.

Placements are a contract others query: title and authors in titleStmt, the archive id as
`idno[@type="bha"]`, the printed source in sourceDesc/bibl, the date in profileDesc/creation.
"""
from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from .body import OCR_RESP_ID
from .dates import parse_ymd
from .model import Correspondent, Document, Letter
from .names import correspondent
from .vocab import E, XML_ID

ARCHIVE_NAME = "banned-historical-archives"
_EDITOR_MARKS = ("编", "辑", "整理", "研究室", "编辑部", "出版社")


@dataclass(frozen=True)
class HeaderOptions:
    """What the header says about the conversion itself."""

    version: str
    language: str = "zh-Hans"
    ocr_marked: bool = True
    timestamp: str | None = None
    """ISO date-time of the conversion, only when asked for (keeps output reproducible)."""


def build_header(document: Document, letters: Sequence[Letter], options: HeaderOptions) -> etree._Element:
    """The complete teiHeader for `document`."""
    return E.teiHeader(
        _file_desc(document, options),
        deepcopy(_encoding_desc(options.version, options.ocr_marked)),
        _profile_desc(document, letters, options),
    )


def _file_desc(document: Document, options: HeaderOptions) -> etree._Element:
    header = document.header
    title_stmt = E.titleStmt(E.title(header.title))
    for author in header.authors:
        title_stmt.append(E.author(_name(correspondent(author))))
    title_stmt.append(deepcopy(_resp_stmt(options.version)))
    publication = E.publicationStmt(
        E.distributor(ARCHIVE_NAME),
        E.idno(header.article_id, type="bha"),
    )
    if options.timestamp:
        publication.append(E.date(options.timestamp, when=options.timestamp))
    publication.append(deepcopy(_availability()))
    return E.fileDesc(title_stmt, publication, E.sourceDesc(_source_bibl(document)))


def _source_bibl(document: Document) -> etree._Element:
    """The printed source: book title, its author or editor(s), and the 来源 note."""
    header = document.header
    bibl = E.bibl()
    if header.book:
        bibl.append(E.title(header.book, level="m"))
    if header.book_author:
        names = [name.strip() for name in header.book_author.split(",") if name.strip()]
        for index, name in enumerate(names):
            role = "author" if _is_book_author(name, header.authors) else "editor"
            element = getattr(E, role)(name)
            if index:
                bibl[-1].tail = ","
            bibl.append(element)
    if header.source:
        bibl.append(E.note(header.source, type="source"))
    if not len(bibl):
        bibl.text = f"{ARCHIVE_NAME}, article {header.article_id}"
    return bibl


def _is_book_author(name: str, document_authors: Sequence[str]) -> bool:
    """The book's author wrote the document too; otherwise the book is a compilation and its author an editor."""
    if any(mark in name for mark in _EDITOR_MARKS):
        return False
    return any(author and author in name for author in document_authors)


@lru_cache(maxsize=None)
def _resp_stmt(version: str) -> etree._Element:
    """The tool's respStmt, the target of every corr/@resp (built once, copied into each header)."""
    return E.respStmt(
        E.resp("Marking of suspected OCR errors (choice/sic/corr) and letter structure, automatically"),
        E.name(f"tei {version}"),
        {XML_ID: OCR_RESP_ID},
    )


@lru_cache(maxsize=None)
def _availability() -> etree._Element:
    return E.availability(E.p(f"Historical public document collected by {ARCHIVE_NAME}; no licence stated by the archive."))


@lru_cache(maxsize=None)
def _encoding_desc(version: str, ocr_marked: bool) -> etree._Element:
    correction = (
        "Suspected OCR errors are kept as printed in <sic> and the proposed reading is given in "
        "<corr> inside <choice>, with @cert (high, medium, low) and @resp pointing to the respStmt "
        f"#{OCR_RESP_ID}; a lone <sic> marks a position that is surely wrong without a confident "
        "correction. No other change was made to the text."
        if ocr_marked else
        "Suspected OCR errors were not marked in this file; the text is as in the export."
    )
    return E.encodingDesc(
        E.appInfo(E.application(E.label("tei"), ident="tei", version=version)),
        E.editorialDecl(
            E.correction(E.p(correction)),
            E.normalization(E.p("The text is not normalised: characters, variants and punctuation are as in the export.")),
        ),
    )


def _profile_desc(document: Document, letters: Sequence[Letter], options: HeaderOptions) -> etree._Element:
    header = document.header
    profile = E.profileDesc(E.creation(*_creation_dates(document)))
    language_name = "Chinese (traditional script)" if options.language == "zh-Hant" else "Chinese (simplified script)"
    profile.append(E.langUsage(E.language(language_name, ident=options.language)))
    if header.tags:
        profile.append(E.textClass(E.keywords(*(E.term(tag) for tag in header.tags))))
    if document.description:
        paragraphs = [p.strip() for p in document.description.split("\n\n") if p.strip()]
        profile.append(E.abstract(*(E.p(p) for p in paragraphs)))
    for letter in letters:
        corresp = _corresp_desc(letter)
        if corresp is not None:
            profile.append(corresp)
    return profile


def _creation_dates(document: Document) -> list[etree._Element]:
    """One `date` for a range (`@from`/`@to`) or a single date; one per entry for a list of dates."""
    header = document.header
    if not header.dates:
        return [E.date(header.date_text)] if header.date_text else []
    isos = [parse_ymd(date).iso for date in header.dates]
    if header.is_range and len(isos) >= 2:
        element = E.date(header.date_text)
        if isos[0]:
            element.set("from", isos[0])
        if isos[-1]:
            element.set("to", isos[-1])
        return [element]
    elements = []
    for raw, iso in zip(header.dates, isos):
        element = E.date(raw)
        if iso:
            element.set("when", iso)
        if elements:
            elements[-1].tail = ","
        elements.append(element)
    return elements


def _corresp_desc(letter: Letter) -> etree._Element | None:
    """correspDesc with a sent and a received action; None when nothing is known of either."""
    desc = E.correspDesc()
    sent = E.correspAction(*(_name(c) for c in letter.senders), type="sent")
    if letter.when:
        sent.append(E.date(when=letter.when))
    if len(sent):
        desc.append(sent)
    if letter.addressees:
        desc.append(E.correspAction(*(_name(c) for c in letter.addressees), type="received"))
    return desc if len(desc) else None


def _name(person_or_org: Correspondent) -> etree._Element:
    return (E.orgName if person_or_org.is_org else E.persName)(person_or_org.name)
