"""TEI letters → CMIF, correspSearch's Correspondence Metadata Interchange Format (TEI subset).

One `correspDesc` per `teiHeader/profileDesc/correspDesc` of the inputs, pointing with `@source`
to one `sourceDesc/bibl` per input document. What CMIF asks for and we cannot know is left out
rather than invented:

- `persName/@ref`, `orgName/@ref` (authority URIs: GND, VIAF, Wikidata, …) are optional in
  cmif.rng; the converter has no authority data, so they are only set from a mapping the user
  gives (`authorities`: name → URI), never guessed.
- `correspDesc/@ref` (the letter's URL in the edition) is optional and omitted: the archive's URL
  scheme is not part of the export.
- `publicationStmt/idno[@type="url"]` is required: the URL the CMIF file will be published at.
  Without one we write the output's own file name, a relative URI reference, and the CLI warns.
- Dates: only `@when`/`@from`/`@to`/`@notBefore`/`@notAfter` values of the form YYYY[-MM[-DD]]
  are copied; a letter whose sent action has no date gets the document's creation date only when
  the document holds a single letter (then the two are the same event).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from .dates import is_iso_partial
from .layout import indent
from .vocab import NS, XML_ID, E, tei

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
"""correspSearch harvests CMIF files under CC-BY 4.0 only."""
DEFAULT_TITLE = "Letters in banned-historical-archives (TEI conversion)"
_DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")
_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class CmifOptions:
    """What the CMIF file says about itself.

    Attributes:
        url: where the CMIF file is (or will be) published: `publicationStmt/idno[@type="url"]`.
        date: publication date, YYYY-MM-DD.
        editor: the person or body responsible for the CMIF file.
        title: the file's title.
        authorities: correspondent name → authority URI (GND, VIAF, Wikidata …) for `@ref`.
    """

    url: str
    date: str
    editor: str
    title: str = DEFAULT_TITLE
    authorities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One TEI input: its name (for messages) and its parsed tree."""

    name: str
    tree: etree._ElementTree


def count_letters(tree: etree._ElementTree) -> int:
    """The number of correspDesc elements (letters) in a TEI document's header."""
    return len(tree.xpath("/t:TEI/t:teiHeader/t:profileDesc/t:correspDesc", namespaces=NS))


def build_cmif(sources: Sequence[Source], options: CmifOptions) -> etree._ElementTree:
    """The CMIF document for every letter of `sources`, in input order."""
    bibls = []
    letters = []
    used_ids: set[str] = set()
    for source in sources:
        descs = source.tree.xpath("/t:TEI/t:teiHeader/t:profileDesc/t:correspDesc", namespaces=NS)
        if not descs:
            continue
        bibl_id = _unique_id(_document_id(source), used_ids)
        bibls.append(_bibl(source.tree, bibl_id))
        fallback = _creation_date(source.tree) if len(descs) == 1 else None
        for desc in descs:
            letter = _corresp_desc(desc, f"#{bibl_id}", fallback, options.authorities)
            if letter is not None:
                letters.append(letter)
    if not bibls:
        bibls.append(E.bibl("No letters were found in the inputs.", type="online", **{XML_ID: "none"}))
    header = E.teiHeader(
        E.fileDesc(
            E.titleStmt(E.title(options.title), E.editor(options.editor)),
            E.publicationStmt(
                E.publisher(options.editor),
                E.idno(options.url, type="url"),
                E.date(when=options.date),
                E.availability(E.licence("This file is licensed under the terms of the Creative-Commons-License "
                                         "CC-BY 4.0", target=CC_BY_4)),
            ),
            E.sourceDesc(*bibls),
        ),
        E.profileDesc(*letters),
    )
    cmif = E.TEI(header, E.text(E.body(E.p())))
    indent(cmif, 0)
    return etree.ElementTree(cmif)


def _document_id(source: Source) -> str:
    root = source.tree.getroot()
    candidate = root.get(XML_ID) or source.tree.xpath("string(//t:publicationStmt/t:idno[@type='bha'])", namespaces=NS)
    candidate = _NCNAME_BAD.sub("_", candidate or "")
    if not candidate or not (candidate[0].isalpha() or candidate[0] == "_"):
        candidate = f"src-{candidate}" if candidate else "src"
    return candidate


def _unique_id(candidate: str, used: set[str]) -> str:
    result, n = candidate, 1
    while result in used:
        n += 1
        result = f"{candidate}-{n}"
    used.add(result)
    return result


def _bibl(tree: etree._ElementTree, bibl_id: str) -> etree._Element:
    """A one-line citation: title, printed source, archive and article id."""
    text = lambda path: " ".join(tree.xpath(f"string({path})", namespaces=NS).split())  # noqa: E731
    title = text("/t:TEI/t:teiHeader/t:fileDesc/t:titleStmt/t:title")
    book = text("/t:TEI/t:teiHeader/t:fileDesc/t:sourceDesc/t:bibl/t:title")
    article = text("/t:TEI/t:teiHeader/t:fileDesc/t:publicationStmt/t:idno[@type='bha']")
    distributor = text("/t:TEI/t:teiHeader/t:fileDesc/t:publicationStmt/t:distributor")
    parts = [title or "(untitled)"]
    if book:
        parts.append(f"printed in {book}")
    if distributor or article:
        parts.append(" ".join(p for p in (distributor, f"article {article}" if article else "") if p))
    return E.bibl(". ".join(parts), type="online", **{XML_ID: bibl_id})


def _creation_date(tree: etree._ElementTree) -> etree._Element | None:
    dates = tree.xpath("/t:TEI/t:teiHeader/t:profileDesc/t:creation/t:date", namespaces=NS)
    return dates[0] if len(dates) == 1 else None


def _corresp_desc(desc: etree._Element, source: str, fallback: etree._Element | None,
                  authorities: Mapping[str, str]) -> etree._Element | None:
    out = E.correspDesc(source=source)
    for kind in ("sent", "received"):
        for action in desc.iterfind(tei("correspAction")):
            if action.get("type") != kind:
                continue
            names = [_name(name, authorities) for name in action
                     if name.tag in (tei("persName"), tei("orgName"), tei("placeName")) and _text(name)]
            dates = [d for d in (_date(date) for date in action.iterfind(tei("date"))) if d is not None]
            if kind == "sent" and not dates and fallback is not None and (date := _date(fallback)) is not None:
                dates.append(date)
            if names or dates:
                out.append(E.correspAction(*names, *dates[:1], type=kind))
    return out if len(out) else None


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _name(name: etree._Element, authorities: Mapping[str, str]) -> etree._Element:
    value = _text(name)
    element = etree.Element(name.tag)
    element.text = value
    if value in authorities:
        element.set("ref", authorities[value])
    return element


def _date(date: etree._Element) -> etree._Element | None:
    """A CMIF date with the ISO partial-date attributes of `date`; None when it has none usable."""
    attributes = {name: date.get(name) for name in _DATE_ATTRIBUTES if is_iso_partial(date.get(name) or "")}
    if "when" in attributes:
        attributes = {"when": attributes["when"]}
    if not attributes:
        return None
    return E.date(**attributes)


def read_authorities(text: str) -> dict[str, str]:
    """Parse `name<TAB>URI` lines (`#` comments and blank lines ignored) into a mapping.

    Raises:
        ValueError: naming the first line that is not `name<TAB>URI`.
    """
    mapping = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name, tab, uri = line.partition("\t")
        if not tab or not name.strip() or not re.match(r"^https?://\S+$", uri.strip()):
            raise ValueError(f"line {number}: expected name<TAB>http(s) URI, found {line[:60]!r}")
        mapping[name.strip()] = uri.strip()
    return mapping


__all__ = ["CC_BY_4", "CmifOptions", "Source", "build_cmif", "count_letters", "read_authorities"]
