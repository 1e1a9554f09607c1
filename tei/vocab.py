"""Namespaces, the names the modules share, and the one ElementMaker every element is built with."""
from __future__ import annotations

from lxml import etree
from lxml.builder import ElementMaker

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
RELAXNG_NS = "http://relaxng.org/ns/structure/1.0"
SCHEMATRON_NS = "http://purl.oclc.org/dsdl/schematron"
NS = {"t": TEI_NS}
"""Prefix map for XPath over TEI documents."""

E = ElementMaker(namespace=TEI_NS, nsmap={None: TEI_NS})
"""Builds TEI elements: `E.p("text", E.choice(...))`."""

XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

OCR_RESP_ID = "tei-ocr"
"""xml:id of the header's respStmt that every corr/@resp and sic/@resp points to."""
NOTE_IN_TEXT = "in-text"
"""@type of a footnote whose text is the body's, where the input printed it (tei/notes.py); a note
without it is kept apart from the body (the archive's footnotes, written at their anchors)."""
CONTAINERS = frozenset({"text", "front", "body", "back", "div", "opener", "closer", "postscript", "lg", "list", "figure"})
"""TEI elements (local names) that hold only elements: their own text and tails are indentation.
The body builder, totext and preview read a document's blocks through them."""

DIV_BODY = frozenset({"p", "quote", "ab"})
"""The parts TEI counts as a div's body (model.common): a closing part needs one of them or a nested
div before it in its div; notes and figures (model.global) are not enough."""
DIV_BOTTOM = frozenset({"closer", "signed", "postscript"})
"""The closing parts of a div (model.divBottom as the converter makes them)."""


class _ClarkNames(dict):
    """TEI local name -> Clark name (`p` -> `{http://www.tei-c.org/ns/1.0}p`), made on first use."""

    def __missing__(self, local_name: str) -> str:
        clark = self[local_name] = f"{{{TEI_NS}}}{local_name}"
        return clark


CLARK = _ClarkNames()
"""Subscript it in loops that make many elements: a dict lookup costs less than a call."""


def tei(local_name: str) -> str:
    """Clark name of a TEI element, for tag comparisons and SubElement."""
    return CLARK[local_name]


def sub(parent: etree._Element, local_name: str, text: str | None = None, **attributes: str) -> etree._Element:
    """Append a TEI element to `parent`, with optional text and attributes.

    For the many small elements of each document: several times cheaper than building detached
    elements with E and appending them.
    """
    element = etree.SubElement(parent, CLARK[local_name], attributes or None)
    if text is not None:
        element.text = text
    return element


def root(local_name: str) -> etree._Element:
    """A detached TEI element that declares the TEI namespace as default."""
    return etree.Element(tei(local_name), nsmap={None: TEI_NS})


def children_and_tails(element: etree._Element) -> list[etree._Element | str]:
    """The element children of `element` in order, each followed by its tail ("" when none),
    reversed: pushed onto a stack, they come off in document order (an iterative walk goes to
    any depth, where recursion would stop at Python's limit)."""
    items: list[etree._Element | str] = []
    for child in element:
        if isinstance(child.tag, str):
            items.append(child)
        items.append(child.tail or "")
    items.reverse()
    return items
