"""TEI → plain text: the body back, in the original (sic) or the corrected (corr) reading.

The `original` reading is the text of `<text>` with every `<corr>` set aside, which is what the
no-loss rule compares with the export body: anyone can check a conversion by comparing
`tei totext` output with the body, whitespace and the export's `#`/`> ` markers aside.

Layout: each block (an element directly inside body, div, opener, closer, postscript: head, p,
quote, salute, signed, dateline, …) is one paragraph, paragraphs are separated by a blank line,
and `<lb/>` is a line break. Whitespace inside containers is indentation, not text.
"""
from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

from lxml import etree

from .errors import NotTeiError
from .vocab import CONTAINERS, tei

_CONTAINER_TAGS = frozenset(tei(name) for name in CONTAINERS)
"""Elements whose own text is only indentation; their children are blocks (or more containers)."""
_TEXT, _CHOICE, _SIC, _CORR, _LB = tei("text"), tei("choice"), tei("sic"), tei("corr"), tei("lb")


class Reading(str, Enum):
    ORIGINAL = "original"
    """As printed (and OCR'd): `<sic>`, never `<corr>`."""
    CORRECTED = "corrected"
    """With the proposed corrections: `<corr>` inside `<choice>` instead of its `<sic>`; a lone `<sic>` stays."""


def to_text(tree: etree._ElementTree | etree._Element, reading: Reading | str = Reading.ORIGINAL) -> str:
    """The body of a TEI document as plain text in `reading`, blocks separated by a blank line.

    Args:
        tree: a parsed TEI document (or its root element).
        reading: `original` (sic) or `corrected` (corr).

    Raises:
        NotTeiError: when there is no `text` element in the TEI namespace.
    """
    reading = Reading(reading)
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    text = root if root.tag == _TEXT else root.find(_TEXT)
    if text is None:
        raise NotTeiError("no <text> element in the TEI namespace (http://www.tei-c.org/ns/1.0)")
    blocks = ("".join(_inline(block, reading)).strip() for block in _blocks(text))
    return "\n\n".join(block for block in blocks if block) + "\n"


def _blocks(container: etree._Element) -> Iterator[etree._Element]:
    """The blocks inside `container`, in document order, however deep containers nest (no recursion:
    a document may nest deeper than Python's recursion limit)."""
    pending = [iter(container)]
    while pending:
        child = next(pending[-1], None)
        if child is None:
            pending.pop()
        elif child.tag in _CONTAINER_TAGS:
            pending.append(iter(child))
        elif isinstance(child.tag, str):
            yield child


def _inline(element: etree._Element, reading: Reading) -> Iterator[str]:
    """The characters of `element` in `reading`; `lb` is a newline, comments and PIs are not text.
    Iterative, like _blocks: an item to do is a string to give or an element to open."""
    keep = _CORR if reading is Reading.CORRECTED else _SIC
    pending: list[etree._Element | str] = [element]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif item.tag == _CHOICE and item.find(_CORR) is not None and item.find(_SIC) is not None:
            pending.extend(reversed([child for child in item if child.tag == keep]))
        elif not (item.tag == _CORR and reading is Reading.ORIGINAL):
            yield "\n" if item.tag == _LB else item.text or ""
            after: list[etree._Element | str] = []
            for child in item:
                if isinstance(child.tag, str):
                    after.append(child)
                after.append(child.tail or "")
            pending.extend(reversed(after))
