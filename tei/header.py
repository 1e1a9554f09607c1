"""Header fields (and the letters' correspondents) → `<teiHeader>`.

Placements are a contract others query: title and authors in titleStmt, the archive id as
`idno[@type="bha"]`, the printed source in sourceDesc/bibl, the date in profileDesc/creation.
The elements every header has come from a skeleton, laid out once and copied per document; what
a document adds is laid out (layout.lay_out) at its nesting level once it is complete. A test
checks every level against the written document.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from lxml import etree

from .model import DOCUMENT_TYPE_TAG, PERSON_TAG, TOPIC_TAG, Correspondent, Document, Letter, Tag
from .names import correspondent
from .layout import indent, lay_out
from .vocab import CLARK, OCR_RESP_ID, E, XML_ID, sub

ARCHIVE_NAME = "banned-historical-archives"
TAXONOMIES = {
    TOPIC_TAG: ("bha-topics", f"Topics and events (主题/事件): tags {ARCHIVE_NAME} gives its articles"),
    DOCUMENT_TYPE_TAG: ("bha-doctypes", f"Document types (文稿类型) {ARCHIVE_NAME} gives its articles"),
}
"""The archive's tag types written as a vocabulary: the taxonomy's xml:id (the @scheme of its
keywords or classCodes) and its description."""
_EDITOR_MARKS = ("编", "辑", "整理", "研究室", "编辑部", "出版社")
REVIEW_RESP = "Review of suspected OCR errors: readings accepted, rejected, edited and added"
REVIEW_CHANGE = ("Review of suspected OCR errors applied: ", ".")
"""A reviewer's revisionDesc change: these around what they decided."""


@dataclass(frozen=True)
class Reviewer:
    """A person whose review decisions the text carries: a respStmt their readings point to, and
    a change in revisionDesc saying what they decided."""

    xml_id: str
    name: str
    decided: str
    """What the applied decisions did, e.g. `2 accepted, 1 rejected`."""


@dataclass(frozen=True)
class HeaderOptions:
    """What the header says about the conversion itself."""

    version: str
    language: str = "zh-Hans"
    ocr_marked: bool = True
    timestamp: str | None = None
    """ISO date-time of the conversion, only when asked for (keeps output reproducible)."""
    reviewers: tuple[Reviewer, ...] = ()


def build_header(document: Document, letters: Sequence[Letter], options: HeaderOptions) -> etree._Element:
    """The complete teiHeader for `document`."""
    header = deepcopy(_skeleton(options.version, options.ocr_marked))
    file_desc, encoding, profile = header
    _file_desc(file_desc, document, options)
    _class_decl(encoding, document.header.typed_tags)
    _profile_desc(profile, document, letters, options)
    if options.reviewers:
        _reviewed(header, options.reviewers, options.ocr_marked)
    return header


def _reviewed(header: etree._Element, reviewers: Sequence[Reviewer], ocr_marked: bool) -> None:
    """Credit the reviewers: a respStmt each (after the tool's), a sentence in editorialDecl, and
    a revisionDesc change each saying what they decided."""
    title_stmt = header[0][0]
    for reviewer in reviewers:
        title_stmt.append(lay_out(E.respStmt(E.resp(REVIEW_RESP), E.name(reviewer.name), {XML_ID: reviewer.xml_id}), 4))
    lay_out(title_stmt, 3)
    correction = header[1].find(f"{CLARK['editorialDecl']}/{CLARK['correction']}/{CLARK['p']}")
    if ocr_marked:
        correction.text += (" A reading a person decided points to that person's respStmt instead and has "
                            "@cert high; a proposal a person rejected is not marked.")
    else:
        correction.text = ("Suspected OCR errors were not marked by the tool in this file. Readings people "
                           "decided are given in <corr> inside <choice>, the text as printed in <sic>, with "
                           "@resp pointing to that person's respStmt and @cert high. No other change was made "
                           "to the text.")
    revisions = sub(header, "revisionDesc")
    for reviewer in reviewers:
        sub(revisions, "change", reviewer.decided.join(REVIEW_CHANGE), who=f"#{reviewer.xml_id}")
    lay_out(revisions, 2)
    lay_out(header, 1)


def review_credits(header: etree._Element) -> tuple[Reviewer, ...]:
    """The reviewers a teiHeader credits as _reviewed writes them (a respStmt of REVIEW_RESP and a
    change naming it), in order; a respStmt without its change is not one."""
    said = {change.get("who", "")[1:]: change.text or "" for change in header.iter(CLARK["change"])}
    opening, closing = REVIEW_CHANGE
    found = []
    for stmt in header.iter(CLARK["respStmt"]):
        resp, name, xml_id = stmt.findtext(CLARK["resp"]), stmt.findtext(CLARK["name"]), stmt.get(XML_ID)
        text = said.get(xml_id or "", "")
        if resp == REVIEW_RESP and name is not None and text.startswith(opening) and text.endswith(closing):
            found.append(Reviewer(xml_id, name, text[len(opening) : -len(closing)]))
    return tuple(found)


@lru_cache(maxsize=None)
def _skeleton(version: str, ocr_marked: bool) -> etree._Element:
    """The elements every header has, laid out, with empty places for the document's values.

    Copied for each document: one copy of the fixed half of the header costs less than building
    its elements one by one. _file_desc and _profile_desc find the places by position.
    """
    skeleton = E.teiHeader(
        E.fileDesc(
            E.titleStmt(E.title(), _resp_stmt(version)),
            E.publicationStmt(E.distributor(ARCHIVE_NAME), E.idno(type="bha"), _availability()),
            E.sourceDesc(E.bibl()),
        ),
        _encoding_desc(version, ocr_marked),
        E.profileDesc(E.creation(), E.langUsage(E.language())),
    )
    indent(skeleton, 1)
    return skeleton


def _file_desc(file_desc: etree._Element, document: Document, options: HeaderOptions) -> None:
    """Fill the skeleton's fileDesc: title, authors, archive id, printed source."""
    header = document.header
    title_stmt, publication, source = file_desc
    title_stmt[0].text = header.title
    titles = 1
    if header.alias:
        title_stmt.insert(1, sub(title_stmt, "title", header.alias, type="alt"))
        titles = 2
    for index, author in enumerate(header.authors, start=titles):
        author_element = sub(title_stmt, "author")
        _name(author_element, correspondent(author))
        title_stmt.insert(index, author_element)  # before the respStmt
    if header.authors or header.alias:
        lay_out(title_stmt, 3)
    publication[1].text = header.article_id
    if options.timestamp:
        publication.insert(2, sub(publication, "date", options.timestamp, when=options.timestamp))
        lay_out(publication, 3)
    _source_bibl(source[0], document)


def _source_bibl(bibl: etree._Element, document: Document) -> None:
    """The printed source: book title, its author or editor(s), and the 来源 note."""
    header = document.header
    if header.book:
        sub(bibl, "title", header.book, level="m")
    if header.book_author:
        names = [name.strip() for name in header.book_author.split(",") if name.strip()]
        for index, name in enumerate(names):
            if index:
                bibl[-1].tail = ","
            sub(bibl, "author" if _is_book_author(name, header.authors) else "editor", name)
    if header.pages:
        first, last = header.pages
        sub(bibl, "biblScope", str(first) if first == last else f"{first}-{last}", unit="page",
            **{"from": str(first), "to": str(last)})
    if header.source:
        sub(bibl, "note", header.source, type="source")
    record = header.book_record
    if record is not None:
        circulation = "internal circulation (内部)" if record.internal else "not internal"
        sub(bibl, "note", f"{'official' if record.official else 'unofficial'} publication; {circulation}",
            type="publication")
        for url in record.scans:
            sub(bibl, "ptr", type="scan", target=_uri(url))
    if not len(bibl):
        bibl.text = f"{ARCHIVE_NAME}, article {header.article_id}"


def _uri(url: str) -> str:
    """A URL as one URI: its spaces (which would make it a list of URIs) percent-encoded."""
    return re.sub(r"\s", lambda space: quote(space.group()), url)


def _is_book_author(name: str, document_authors: Sequence[str]) -> bool:
    """The book's author wrote the document too; otherwise the book is a compilation and its author an editor."""
    if any(mark in name for mark in _EDITOR_MARKS):
        return False
    return any(author and author in name for author in document_authors)


def _resp_stmt(version: str) -> etree._Element:
    """The tool's respStmt, the target of every corr/@resp."""
    return E.respStmt(
        E.resp("Marking of suspected OCR errors (choice/sic/corr) and letter structure, automatically"),
        E.name(f"tei {version}"),
        {XML_ID: OCR_RESP_ID},
    )


def _availability() -> etree._Element:
    return E.availability(
        E.p(f"Historical public document collected by {ARCHIVE_NAME}; no licence stated by the archive."))


def _encoding_desc(version: str, ocr_marked: bool) -> etree._Element:
    correction = (
        "Suspected OCR errors are kept as printed in <sic> and the proposed reading is given in "
        "<corr> inside <choice>, with @cert (high, medium, low) and @resp pointing to the respStmt "
        f"#{OCR_RESP_ID}; a run the OCR garbled beyond correction is kept as printed in <unclear>. "
        "No other change was made to the text."
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


def _profile_desc(profile: etree._Element, document: Document, letters: Sequence[Letter], options: HeaderOptions) -> None:
    """Fill the skeleton's profileDesc (creation, language) and add what the document has."""
    header = document.header
    creation, language_usage = profile
    _creation_dates(creation, document)
    language = language_usage[0]
    language.text = "Chinese (traditional script)" if options.language == "zh-Hant" else "Chinese (simplified script)"
    language.set("ident", options.language)
    if header.typed_tags:
        _typed_tags(profile, header.typed_tags)
    elif header.tags:
        _keywords(sub(profile, "textClass"), header.tags)
    paragraphs = [paragraph.strip() for paragraph in document.description.split("\n\n") if paragraph.strip()]
    if paragraphs:  # never an empty abstract: a description of blanks is none
        abstract = sub(profile, "abstract")
        for paragraph in paragraphs:
            sub(abstract, "p", paragraph)
        lay_out(abstract, 3)
    persons = [tag.name for tag in header.typed_tags if tag.type == PERSON_TAG]
    if persons:
        people = sub(sub(profile, "particDesc"), "listPerson")
        for name in dict.fromkeys(persons):
            lay_out(sub(sub(people, "person"), "persName", name).getparent(), 5)
        lay_out(people, 4)
        lay_out(people.getparent(), 3)
    for letter in letters:
        _corresp_desc(profile, letter)
    lay_out(profile, 2)


def _keywords(text_class: etree._Element, terms: Sequence[str], scheme: str | None = None) -> None:
    keywords = sub(text_class, "keywords", scheme=scheme) if scheme else sub(text_class, "keywords")
    for term in terms:
        sub(keywords, "term", term)
    lay_out(keywords, 4)
    lay_out(text_class, 3)


def _typed_tags(profile: etree._Element, tags: Sequence[Tag]) -> None:
    """The archive's typed tags in textClass: topics as keywords, the document types as
    classCodes, each in the scheme its taxonomy in encodingDesc/classDecl names; tags of another
    type as plain keywords. Persons go to particDesc (see _profile_desc)."""
    topics = [tag.name for tag in tags if tag.type == TOPIC_TAG]
    classes = [tag.name for tag in tags if tag.type == DOCUMENT_TYPE_TAG]
    others = [tag.name for tag in tags if tag.type not in (TOPIC_TAG, DOCUMENT_TYPE_TAG, PERSON_TAG)]
    if not (topics or classes or others):
        return
    text_class = sub(profile, "textClass")
    if topics:
        _keywords(text_class, topics, f"#{TAXONOMIES[TOPIC_TAG][0]}")
    if others:
        _keywords(text_class, others)
    for name in classes:
        sub(text_class, "classCode", name, scheme=f"#{TAXONOMIES[DOCUMENT_TYPE_TAG][0]}")
    lay_out(text_class, 3)


def _class_decl(encoding: etree._Element, tags: Sequence[Tag]) -> None:
    """The taxonomies the document's keywords and classCodes name in @scheme."""
    used = [tag_type for tag_type in TAXONOMIES if any(tag.type == tag_type for tag in tags)]
    if not used:
        return
    class_decl = sub(encoding, "classDecl")
    for tag_type in used:
        identifier, description = TAXONOMIES[tag_type]
        taxonomy = sub(class_decl, "taxonomy", **{XML_ID: identifier})
        sub(taxonomy, "desc", description)
        lay_out(taxonomy, 4)
    lay_out(class_decl, 3)
    lay_out(encoding, 2)


def _creation_dates(creation: etree._Element, document: Document) -> None:
    """One `date` for a range (`@from`/`@to`) or a single date; one per entry for a list of dates."""
    header = document.header
    if not header.dates:
        if header.date_text:
            sub(creation, "date", header.date_text)
        return
    isos = header.iso_dates
    if header.is_range and len(isos) >= 2:
        element = sub(creation, "date", header.date_text)
        if isos[0]:
            element.set("from", isos[0])
        if isos[-1]:
            element.set("to", isos[-1])
        return
    for index, (raw, iso) in enumerate(zip(header.dates, isos)):
        if index:
            creation[-1].tail = ","
        element = sub(creation, "date", raw)
        if iso:
            element.set("when", iso)


def _corresp_desc(profile: etree._Element, letter: Letter) -> None:
    """correspDesc with a sent action (senders, place, date) and a received one; nothing when nothing
    is known of either."""
    if not (letter.senders or letter.when or letter.addressees or letter.place):
        return
    desc = sub(profile, "correspDesc")
    if letter.senders or letter.when or letter.place:
        sent = sub(desc, "correspAction", type="sent")
        for sender in letter.senders:
            _name(sent, sender)
        if letter.place:
            sub(sent, "placeName", letter.place)
        if letter.when:
            sub(sent, "date", when=letter.when)
        lay_out(sent, 4)
    if letter.addressees:
        received = sub(desc, "correspAction", type="received")
        for addressee in letter.addressees:
            _name(received, addressee)
        lay_out(received, 4)
    lay_out(desc, 3)


def _name(parent: etree._Element, person_or_org: Correspondent) -> etree._Element:
    return sub(parent, "orgName" if person_or_org.is_org else "persName", person_or_org.name)
