"""Where a written document may get whitespace: element-only content is indented, mixed content never.

Whitespace added inside mixed content would become part of the text, so the elements that can
hold text are listed here and left alone. The builders lay out what they know holds only elements
as they build it (body.py, header.py; the header's skeleton once, when made); build.py and
cmif.py indent what is left at the end, skipping what already has its layout, so that
serializing never changes a tree.
"""
from __future__ import annotations

from lxml import etree

from .vocab import TEI_NS

INDENT = "  "
"""One level of indentation."""
NEWLINE_INDENTS = tuple("\n" + INDENT * level for level in range(64))
"""Line break and indentation per nesting level (TEI documents nest far less deep)."""

_MIXED = frozenset({
    "p", "head", "quote", "ab", "salute", "signed", "dateline", "date", "byline", "choice", "sic",
    "corr", "title", "resp", "name", "persName", "orgName", "term", "note", "language", "label",
    "idno", "distributor", "author", "editor", "bibl", "lb", "application", "creation",
})
_MIXED_TAGS = frozenset(f"{{{TEI_NS}}}{name}" for name in _MIXED)


def indent(element: etree._Element, level: int) -> None:
    """Indent the element-only content under `element`, which sits at nesting `level`.

    An element that already has text or tails (mixed content, or indented before) is left as it is.
    """
    if element.text:
        return  # mixed content, or indented before
    children = list(element)
    if not children:
        return
    for child in children:
        if child.tail:
            return  # mixed content
    inner = NEWLINE_INDENTS[level + 1]
    element.text = inner
    for child in children:
        child.tail = inner
        if len(child) and child.tag not in _MIXED_TAGS:
            indent(child, level + 1)
    children[-1].tail = NEWLINE_INDENTS[level]


def lay_out(element: etree._Element, level: int) -> etree._Element:
    """Indent the children of `element` at nesting `level`, for builders that know it holds only
    elements (indent() would find that out, at a cost); returns `element`."""
    inner = NEWLINE_INDENTS[level + 1]
    last = None
    for last in element:
        last.tail = inner
    if last is not None:
        element.text = inner
        last.tail = NEWLINE_INDENTS[level]
    return element
