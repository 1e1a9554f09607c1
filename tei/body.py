"""Structure + suspects → `<text>`: the sole maker of body elements, of `<choice>` and `<unclear>`.

Every body character is emitted once, in order: container elements take only their children,
all others take the body text of their range (line-start markers of the export excepted), with
suspected OCR errors as choice/sic/corr, unreadable OCR regions as `<unclear>` and line breaks
inside a part as `<lb/>`. This is the
no-loss guarantee by construction: a structure that would leave text uncovered or overlap raises
UncoveredText, and a suspect is only marked where its `sic` is exactly the body's text.
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence

from lxml import etree

from .errors import TeiError
from .model import Node, Structure, Suspect, Unclear
from .structure import marker_spans
from .layout import NEWLINE_INDENTS
from .vocab import CLARK, root, sub, tei

CONTAINERS = frozenset({"body", "div", "opener", "closer", "postscript"})
TEXT_BODY_DEPTH = 2
"""Nesting level of `<body>` in the document (TEI > text > body), for indentation."""
OCR_RESP_ID = "tei-ocr"
"""xml:id of the header's respStmt that every corr/@resp and sic/@resp points to."""


class UncoveredText(TeiError):
    """A structure that leaves text of a container outside every child, or overlaps: a bug upstream."""


def build_text(body: str, structure: Structure, suspects: Sequence[Suspect] = (),
               unclear: Sequence[Unclear] = ()) -> etree._Element:
    """The `<text>` element for `body` laid out by `structure`, with `suspects` and `unclear` regions
    marked (a region is cut where an element ends; suspects inside one are not marked)."""
    renderer = _Renderer(body, suspects, unclear)
    text = root("text")
    renderer.fill(sub(text, "body"), Node("body", 0, len(body), children=structure.divs), TEXT_BODY_DEPTH)
    return text


class _Renderer:
    def __init__(self, body: str, suspects: Sequence[Suspect], unclear: Sequence[Unclear] = ()):
        self.body = body
        self.markers = marker_spans(body)
        self.marker_starts = [start for start, _ in self.markers]
        self.marker_ends = [end for _, end in self.markers]  # sorted too: markers do not overlap
        self.suspects = sorted(suspects, key=lambda s: s.offset)
        self.suspect_offsets = [s.offset for s in self.suspects]
        self.unclear = sorted(unclear, key=lambda u: u.offset)

    def fill(self, element: etree._Element, node: Node, depth: int) -> None:
        """Put the content of `node` into `element` (already created with its attributes).

        A container's children are indented for `depth` here, as layout.indent would: the
        renderer knows which elements hold only elements, so the serializer need not look.
        """
        if node.tag not in CONTAINERS:
            self._fill_mixed(element, node)
            return
        body = self.body
        cursor = node.start
        inner = NEWLINE_INDENTS[depth + 1]
        child_element = None
        marked = self.markers or self.suspects or self.unclear  # else every leaf is its body slice as it stands
        for child in node.children:
            tag, start, end, attrs, children = child
            if start < cursor or end > node.end:
                raise UncoveredText(f"<{tag}> at {start}–{end} overlaps or leaves <{node.tag}>")
            if start > cursor and not body[cursor:start].isspace():
                self._check_container_gap(element, cursor, start)
            child_element = etree.SubElement(element, CLARK[tag], dict(attrs) if attrs else None)
            child_element.tail = inner
            if children or tag in CONTAINERS or marked and not self._plain(start, end):
                self.fill(child_element, child, depth + 1)
            else:
                text = body[start:end]
                if "\n" in text:
                    self._append_text(child_element, text)
                else:
                    child_element.text = text
            cursor = end
        if node.end > cursor and not body[cursor:node.end].isspace():
            self._check_container_gap(element, cursor, node.end)
        if child_element is not None:
            element.text = inner
            child_element.tail = NEWLINE_INDENTS[depth]

    def _fill_mixed(self, element: etree._Element, node: Node) -> None:
        """Text, suspects and child elements of a leaf-like node, in body order."""
        cursor = node.start
        for child in node.children:
            if child.start < cursor or child.end > node.end:
                raise UncoveredText(f"<{child.tag}> at {child.start}–{child.end} overlaps or leaves <{node.tag}>")
            self._text(element, cursor, child.start)
            self._fill_mixed(etree.SubElement(element, tei(child.tag), dict(child.attrs) if child.attrs else None), child)
            cursor = child.end
        self._text(element, cursor, node.end)

    def _check_container_gap(self, element: etree._Element, start: int, end: int) -> None:
        """Between a container's children only whitespace and the export's markers may lie."""
        stray = self._strip_markers(start, end)
        if stray.strip():
            raise UncoveredText(f"text {stray.strip()[:20]!r} at {start} lies in <{etree.QName(element).localname}> outside any child")

    def _text(self, element: etree._Element, start: int, end: int) -> None:
        """Append body[start:end] to a leaf-like element, markers left out, unclear regions and
        suspects marked."""
        if start >= end:
            return
        position = start
        for region in self._unclear_in(start, end):
            region_start, region_end = max(region.offset, start), min(region.offset + region.length, end)
            self._marked_text(element, position, region_start)
            self._append_text(sub(element, "unclear", reason=region.reason), self._strip_markers(region_start, region_end))
            position = region_end
        self._marked_text(element, position, end)

    def _marked_text(self, element: etree._Element, start: int, end: int) -> None:
        """Append body[start:end] to a leaf-like element, markers left out and suspects marked."""
        position = start
        for suspect in self._suspects_in(start, end):
            suspect_end = suspect.offset + len(suspect.sic)
            if (suspect_end > end or suspect.offset < position or self._markers_in(suspect.offset, suspect_end)
                    or self.body[suspect.offset:suspect_end] != suspect.sic):
                continue
            self._append_text(element, self._strip_markers(position, suspect.offset))
            _mark(element, suspect)
            position = suspect_end
        self._append_text(element, self._strip_markers(position, end))

    def _plain(self, start: int, end: int) -> bool:
        """No marker, suspect or unclear region in [start, end): the text there is the body slice as it stands."""
        first_marker = bisect.bisect_right(self.marker_ends, start)  # the first one ending after start
        if first_marker < len(self.markers) and self.marker_starts[first_marker] < end:
            return False
        first_suspect = bisect.bisect_left(self.suspect_offsets, start)
        return ((first_suspect == len(self.suspects) or self.suspect_offsets[first_suspect] >= end)
                and not self._unclear_in(start, end))

    def _markers_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The export's line-start markers overlapping [start, end) (a marker is at most 5 long)."""
        i = bisect.bisect_left(self.marker_starts, start - 5)
        j = bisect.bisect_left(self.marker_starts, end, lo=i)
        return [marker for marker in self.markers[i:j] if marker[1] > start]

    def _unclear_in(self, start: int, end: int) -> list[Unclear]:
        """The unclear regions overlapping [start, end) with text there, by offset (they are few)."""
        return [u for u in self.unclear if u.offset < end and u.offset + u.length > start
                and self.body[max(u.offset, start) : min(u.offset + u.length, end)].strip()]

    def _suspects_in(self, start: int, end: int) -> list[Suspect]:
        """The suspects starting in [start, end), by offset."""
        i = bisect.bisect_left(self.suspect_offsets, start)
        j = bisect.bisect_left(self.suspect_offsets, end, lo=i)
        return self.suspects[i:j]

    def _strip_markers(self, start: int, end: int) -> str:
        """body[start:end] without the export's line-start markers."""
        if not self.markers:
            return self.body[start:end]
        pieces = []
        position = start
        for marker_start, marker_end in self._markers_in(start, end):
            pieces.append(self.body[position:max(position, marker_start)])
            position = max(position, marker_end)
        pieces.append(self.body[position:end])
        return "".join(pieces)

    @staticmethod
    def _append_text(element: etree._Element, text: str) -> None:
        """Append `text` to element's content; newlines become `<lb/>` (the line break is kept)."""
        if "\n" not in text:
            _add_string(element, text)
            return
        lines = text.split("\n")
        _add_string(element, lines[0])
        for line in lines[1:]:
            sub(element, "lb")
            _add_string(element, line)


def _add_string(element: etree._Element, text: str) -> None:
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _mark(parent: etree._Element, suspect: Suspect) -> None:
    """Append the suspect as choice(sic, corr), or as a lone sic when no correction is confident."""
    if suspect.corr is None:
        sub(parent, "sic", suspect.sic, resp=f"#{OCR_RESP_ID}", cert=suspect.cert.value)
        return
    choice = sub(parent, "choice")
    sub(choice, "sic", suspect.sic)
    sub(choice, "corr", suspect.corr, resp=f"#{OCR_RESP_ID}", cert=suspect.cert.value)
