"""A TEI file laid back onto its export body: where each reading (`<choice>`) of `<text>` lies in
the body, as a body offset.

It rests on the no-loss rule: the characters of `<text>` with every `<corr>` set aside are the
body's, in order, whitespace and the export's line-start markers (`# `, `> `) aside. So the n-th
such character of the TEI is the n-th "core" character of the body, whose offset core_offsets
gives. Used to check that a conversion wrote each reviewed reading, to harvest a hand-edited file's
corrections, and by the review page (core_runs) to place what a reviewer selects.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .errors import TeiError
from .structure import marker_spans
from .vocab import NOTE_IN_TEXT, children_and_tails, tei

_TEXT, _CHOICE, _SIC, _CORR, _LB = tei("text"), tei("choice"), tei("sic"), tei("corr"), tei("lb")
_NOTE, _GRAPHIC = tei("note"), tei("graphic")


class TextMismatch(TeiError):
    """The TEI's text (its `<corr>` readings aside) is not the export body's."""


@dataclass(frozen=True)
class Mark:
    """A reading in a TEI file: `<choice><sic/><corr/></choice>` at body[offset:offset + len(sic)]
    (or a lone `<sic>`, corr None)."""

    offset: int
    sic: str
    corr: str | None
    resp: str
    """The xml:id the reading's @resp points to ("" when it has none)."""
    cert: str
    line: int
    """The line of the `<choice>` (or `<sic>`) in the TEI file, for messages."""


def core_offsets(body: str) -> list[int]:
    """The body offset of each character that must survive in the TEI: not whitespace, not part of
    a line-start marker."""
    in_marker = bytearray(len(body))
    for start, end in marker_spans(body):
        in_marker[start:end] = b"\x01" * (end - start)
    return [i for i, char in enumerate(body) if not in_marker[i] and not char.isspace()]


def core_runs(body: str) -> list[tuple[int, int]]:
    """(core index, body offset) where a run of core characters that are neighbours in the body
    starts: the n-th core character is at offset + (n - core index) of the last run starting at or
    before n. Compact (a run per line or part), for the review page's script."""
    runs: list[tuple[int, int]] = []
    previous = -2
    for n, offset in enumerate(core_offsets(body)):
        if offset != previous + 1:
            runs.append((n, offset))
        previous = offset
    return runs


def marks(tree: etree._ElementTree | etree._Element, body: str) -> list[Mark]:
    """The readings of a TEI document's `<text>` with their body offsets, in document order.

    Raises:
        TextMismatch: the TEI's text, `<corr>` readings aside, is not the body's (an edit of the
            text itself, or another export), naming the first place they differ.
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    text = root if root.tag == _TEXT else root.find(_TEXT)
    if text is None:
        raise TextMismatch("no <text> element in the TEI namespace")
    offsets = core_offsets(body)
    walker = _Walker()
    walker.walk(text)
    core = "".join(walker.chars)
    expected = "".join(body[i] for i in offsets)
    if core != expected:
        at = next((i for i, (a, b) in enumerate(zip(core, expected)) if a != b), min(len(core), len(expected)))
        where = offsets[at] if at < len(offsets) else len(body)
        raise TextMismatch(f"the text differs from the export body at body offset {where}: "
                           f"TEI {core[at:at + 12]!r}, body {expected[at:at + 12]!r}")
    found = []
    for start, sic, corr, element in walker.readings:
        lead = len(sic) - len(sic.lstrip())
        if not sic.strip():
            continue
        offset = offsets[start] - lead
        if body[offset : offset + len(sic)] != sic:  # whitespace inside it differs (indentation)
            continue
        target = element.find(_CORR) if element.tag == _CHOICE else element
        found.append(Mark(offset, sic, corr, (target.get("resp") or "").removeprefix("#"),
                          target.get("cert") or "", element.sourceline or 0))
    return found


class _Walker:
    """Collects the core characters of `<text>` (corr set aside) and, for each reading, the core
    index where its sic starts, its sic and corr text and its element."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.readings: list[tuple[int, str, str | None, etree._Element]] = []

    def add(self, text: str | None) -> None:
        if text:
            self.chars.extend(c for c in text if not c.isspace())

    def walk(self, root: etree._Element) -> None:
        """Walk `root` in document order, iteratively (any depth): an item to do is an element to
        open or a tail to add. A footnote kept apart from the body (the archive's) is not body text."""
        pending: list[etree._Element | str] = [root]
        while pending:
            element = pending.pop()
            if isinstance(element, str):
                self.add(element)
                continue
            if element.tag == _CORR or (element.tag == _NOTE and element.get("type") != NOTE_IN_TEXT):
                continue
            if element.tag == _CHOICE and element.find(_SIC) is not None and element.find(_CORR) is not None:
                sic, corr = element.find(_SIC), element.find(_CORR)
                self.readings.append((len(self.chars), _reading(sic), _reading(corr), element))
            elif element.tag == _SIC and (element.getparent() is None or element.getparent().tag != _CHOICE):
                self.readings.append((len(self.chars), _reading(element), None, element))
            self.add(element.get("url") if element.tag == _GRAPHIC else element.text)  # an image part is its URL
            pending.extend(children_and_tails(element))


def _reading(element: etree._Element) -> str:
    """The text of a sic or corr, `<lb/>` as a newline (a comment or processing instruction in it
    is not text)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _LB:
            parts.append("\n")
        elif isinstance(child.tag, str):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts)
