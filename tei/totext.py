"""TEI → plain text: the body back, in the original (sic) or the corrected (corr) reading.

The `original` reading is the text of `<text>` with every `<corr>` set aside, which is what the
no-loss rule compares with the export body: anyone can check a conversion by comparing
`tei totext` output with the body, whitespace and the export's `#`/`> ` markers aside.

Layout: each block (an element directly inside body, div, opener, closer, postscript: head, p,
quote, salute, signed, dateline, …) is one paragraph, paragraphs are separated by a blank line,
and `<lb/>` is a line break. Whitespace inside containers is indentation, not text. A figure's
image is its URL (the export prints it), its description a block.

Footnotes: one printed in the body (`note type="in-text"`, from an export) is body text and stays
where it stands; one kept apart from the body (the archive's JSON gives them apart, each written
at its anchor) is left out of the running text and printed after the body, one block each, as
`[n] text`, in document order.
"""
from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

from lxml import etree

from .errors import NotTeiError
from .vocab import CONTAINERS, NOTE_IN_TEXT, children_and_tails, tei

_CONTAINER_TAGS = frozenset(tei(name) for name in CONTAINERS)
"""Elements whose own text is only indentation; their children are blocks (or more containers)."""
_TEXT, _CHOICE, _SIC, _CORR, _LB = tei("text"), tei("choice"), tei("sic"), tei("corr"), tei("lb")
_NOTE, _GRAPHIC = tei("note"), tei("graphic")


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
    blocks = ["".join(_inline(block, reading)).strip() for block in _blocks(text)]
    blocks += [f"[{note.get('n', '')}] " + "".join(_inline(note, reading, inside_note=True)).strip()
               for note in text.iter(_NOTE) if _is_apart(note)]
    return "\n\n".join(block for block in blocks if block) + "\n"


def _is_apart(element: etree._Element) -> bool:
    """A footnote kept apart from the body (not printed in it)."""
    return element.tag == _NOTE and element.get("type") != NOTE_IN_TEXT


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


def _inline(element: etree._Element, reading: Reading, inside_note: bool = False) -> Iterator[str]:
    """The characters of `element` in `reading`; `lb` is a newline, a graphic its URL, comments and
    PIs are not text; a footnote kept apart from the body is not (unless it is the one being read).
    Iterative, like _blocks: an item to do is a string to give or an element to open."""
    keep = _CORR if reading is Reading.CORRECTED else _SIC
    pending: list[etree._Element | str] = [element]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif _is_apart(item) and not (inside_note and item is element):
            continue
        elif item.tag == _CHOICE and item.find(_CORR) is not None and item.find(_SIC) is not None:
            pending.extend(reversed([child for child in item if child.tag == keep]))
        elif not (item.tag == _CORR and reading is Reading.ORIGINAL):
            yield "\n" if item.tag == _LB else item.get("url", "") if item.tag == _GRAPHIC else item.text or ""
            pending.extend(children_and_tails(item))
