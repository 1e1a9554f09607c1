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
from .vocab import CONTAINERS, NOTE_IN_TEXT, tei

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
    for child in container:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _CONTAINER_TAGS:
            yield from _blocks(child)
        else:
            yield child


def _inline(element: etree._Element, reading: Reading, inside_note: bool = False) -> Iterator[str]:
    """The characters of `element` in `reading`; `lb` is a newline, comments and PIs are not text;
    a footnote kept apart from the body is not (unless it is the one being read)."""
    if element.tag == _LB:
        yield "\n"
    elif _is_apart(element) and not inside_note:
        return
    elif element.tag == _GRAPHIC:
        yield element.get("url", "")
    elif element.tag == _CHOICE and element.find(_CORR) is not None and element.find(_SIC) is not None:
        keep = _CORR if reading is Reading.CORRECTED else _SIC
        for child in element:
            if child.tag == keep:
                yield from _inline(child, reading)
        return
    elif element.tag == _CORR and reading is Reading.ORIGINAL:
        return
    else:
        yield element.text or ""
    for child in element:
        if isinstance(child.tag, str):
            yield from _inline(child, reading)
        yield child.tail or ""
