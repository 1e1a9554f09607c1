"""Structure + suspects → `<text>`: the sole maker of body elements, of `<choice>` and `<unclear>`.

Every body character is emitted once, in order: container elements take only their children,
all others take the body text of their range (the export's line-start markers excepted), with
suspected OCR errors as choice/sic/corr, unreadable OCR regions as `<unclear>` and line breaks inside a part as `<lb/>`
(an image's description, where TEI allows text and `<choice>` only, keeps them as text). This is the
no-loss guarantee by construction, for a structure that covers the body: check_coverage says
whether one does (the letters step's may not; structure.build_structure's always does), and a
suspect is only marked where its `sic` is exactly the body's text.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence

from lxml import etree

from .errors import UncoveredText
from .model import Footnote, Node, PlacedFootnote, Structure, Suspect, Unclear
from .layout import NEWLINE_INDENTS, lay_out
from .notes import NOTE_HOLDERS
from .vocab import CLARK, CONTAINERS, OCR_RESP_ID, root, sub, tei

LIMITED = frozenset({"figDesc"})
"""Leaves whose content TEI limits to text and phrase-level editorial elements (macro.limitedContent):
suspects are marked as `<choice>` there, but line breaks and unclear regions stay text."""
TEXT_BODY_DEPTH = 2
"""Nesting level of `<body>` in the document (TEI > text > body), for indentation."""
_MARKER_MAX = 5
"""Longest line-start marker (`#### `)."""


def check_coverage(body: str, structure: Structure, markers: Sequence[tuple[int, int]] = ()) -> None:
    """Raise UncoveredText unless `structure` covers `body` as build_text needs: every node inside
    its parent and after its elder sibling, and nothing but whitespace and `markers` in a
    container outside its children. Checked before building, so a document is built once."""
    _check_node(body, Node("body", 0, len(body), children=structure.divs), _Markers(body, markers))


def _check_node(body: str, node: Node, markers: "_Markers") -> None:
    container = node.tag in CONTAINERS
    cursor = node.start
    for child in node.children:
        if child.start < cursor or child.end > node.end:
            raise UncoveredText(f"<{child.tag}> at {child.start}–{child.end} overlaps or leaves <{node.tag}>")
        if container:
            _check_gap(body, node, cursor, child.start, markers)
        _check_node(body, child, markers)
        cursor = child.end
    if container:
        _check_gap(body, node, cursor, node.end, markers)


def _check_gap(body: str, node: Node, start: int, end: int, markers: "_Markers") -> None:
    """Between a container's children only whitespace and the export's markers may lie."""
    if start < end and not body[start:end].isspace():
        stray = markers.strip(start, end).strip()
        if stray:
            raise UncoveredText(f"text {stray[:20]!r} at {start} lies in <{node.tag}> outside any child")


def build_text(body: str, structure: Structure, suspects: Sequence[Suspect] = (),
               markers: Sequence[tuple[int, int]] = (), unclear: Sequence[Unclear] = (),
               footnotes: Sequence[PlacedFootnote] = ()) -> etree._Element:
    """The `<text>` element for `body` laid out by `structure` (which covers it: see
    check_coverage), with `suspects` and `unclear` regions marked (a region is cut where an
    element ends; a suspect inside one is marked in it), the export's `markers` left out and the
    `footnotes` written where notes.place_footnotes put them."""
    renderer = _Renderer(body, suspects, _Markers(body, markers), unclear, footnotes)
    text = root("text")
    body_element = sub(text, "body")
    renderer.fill(body_element, Node("body", 0, len(body), children=structure.divs), TEXT_BODY_DEPTH)
    unplaced = [placed.footnote for placed in footnotes if placed.leaf < 0]
    if unplaced:  # no element can hold them: parts at the end of the last div
        div = body_element[-1]
        for footnote in unplaced:
            renderer.note(div, footnote)
        lay_out(div, TEXT_BODY_DEPTH + 1)
    return text


class _Markers:
    """The export's line-start markers of one body, sorted, for range queries."""

    def __init__(self, body: str, spans: Sequence[tuple[int, int]]):
        self.body = body
        self.spans = spans
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]  # sorted too: markers do not overlap

    def any_in(self, start: int, end: int) -> bool:
        """Whether a marker overlaps [start, end)."""
        first = bisect.bisect_right(self.ends, start)  # the first one ending after start
        return first < len(self.spans) and self.starts[first] < end

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The markers overlapping [start, end)."""
        i = bisect.bisect_left(self.starts, start - _MARKER_MAX)
        j = bisect.bisect_left(self.starts, end, lo=i)
        return [marker for marker in self.spans[i:j] if marker[1] > start]

    def strip(self, start: int, end: int) -> str:
        """body[start:end] without the markers."""
        if not self.spans:
            return self.body[start:end]
        pieces = []
        position = start
        for marker_start, marker_end in self.overlapping(start, end):
            pieces.append(self.body[position:max(position, marker_start)])
            position = max(position, marker_end)
        pieces.append(self.body[position:end])
        return "".join(pieces)


class _Renderer:
    def __init__(self, body: str, suspects: Sequence[Suspect], markers: _Markers, unclear: Sequence[Unclear] = (),
                 footnotes: Sequence[PlacedFootnote] = ()):
        self.body = body
        self.markers = markers
        self.suspects = sorted(suspects, key=lambda s: s.offset)
        self.suspect_offsets = [s.offset for s in self.suspects]
        self.unclear = sorted(unclear, key=lambda u: u.offset)
        self.footnotes: dict[int, list[PlacedFootnote]] = {}
        """By text element (its index in document order, notes.text_leaves), in order of offset."""
        for placed in sorted(footnotes, key=lambda placed: placed.offset):
            self.footnotes.setdefault(placed.leaf, []).append(placed)
        self.leaf = 0
        """The index of the next text element to be written."""

    def fill(self, element: etree._Element, node: Node, depth: int) -> None:
        """Put the content of `node` into `element` (already created with its attributes).

        A container's children are indented for `depth` here, as layout.indent would: the
        renderer knows which elements hold only elements, so the serializer need not look.
        """
        if node.tag not in CONTAINERS:
            self._fill_mixed(element, node)
            return
        body = self.body
        inner = NEWLINE_INDENTS[depth + 1]
        child_element = None
        marked = self.markers.spans or self.suspects or self.unclear  # else every leaf is its body slice as it stands
        for child in node.children:
            tag, start, end, attrs, children = child
            child_element = etree.SubElement(element, CLARK[tag], dict(attrs) if attrs else None)
            child_element.tail = inner
            if tag in CONTAINERS:
                self.fill(child_element, child, depth + 1)
                continue
            notes = self.footnotes.get(self.leaf) if self.footnotes else None
            self.leaf += 1
            if tag == "graphic":
                child_element.set("url", self.markers.strip(start, end))
            elif tag in LIMITED:
                self._marked_text(child_element, start, end, _add_string)
            elif notes:
                self._fill_mixed(child_element, child, notes)
            elif children or marked and not self._plain(start, end):
                self.fill(child_element, child, depth + 1)
            else:
                text = body[start:end]
                if "\n" in text:
                    self._append_text(child_element, text)
                else:
                    child_element.text = text
        if child_element is not None:
            element.text = inner
            child_element.tail = NEWLINE_INDENTS[depth]

    def _fill_mixed(self, element: etree._Element, node: Node, notes: Sequence[PlacedFootnote] = ()) -> None:
        """Text, suspects, child elements and footnotes of a leaf-like node, in body order (a
        footnote anchored inside a child element that cannot hold one is written after it)."""
        cursor = node.start
        pending = list(notes)
        for child in node.children:
            while pending and pending[0].offset <= child.start:
                cursor = self._text_and_note(element, cursor, pending.pop(0))
            self._text(element, cursor, child.start)
            inside = []
            while pending and pending[0].offset < child.end:
                inside.append(pending.pop(0))
            child_element = etree.SubElement(element, tei(child.tag), dict(child.attrs) if child.attrs else None)
            self._fill_mixed(child_element, child, inside if child.tag in NOTE_HOLDERS else ())
            cursor = child.end
            if child.tag not in NOTE_HOLDERS:
                for placed in inside:
                    self.note(element, placed.footnote)
        for placed in pending:
            cursor = self._text_and_note(element, cursor, placed)
        self._text(element, cursor, node.end)

    def _text_and_note(self, element: etree._Element, cursor: int, placed: PlacedFootnote) -> int:
        """The text up to a footnote's anchor, then the footnote; returns where the text goes on."""
        at = max(cursor, placed.offset)
        self._text(element, cursor, at)
        self.note(element, placed.footnote)
        return at

    def note(self, parent: etree._Element, footnote: Footnote) -> None:
        """Append a footnote of the source as `<note place="foot" n="…">`; its line breaks as `<lb/>`."""
        self._append_text(sub(parent, "note", place="foot", n=footnote.n), footnote.text)

    def _text(self, element: etree._Element, start: int, end: int) -> None:
        """Append body[start:end] to a leaf-like element, markers left out, unclear regions and
        suspects marked."""
        if start >= end:
            return
        position = start
        for region in self._unclear_in(start, end):
            region_start, region_end = max(region.offset, start), min(region.offset + region.length, end)
            self._marked_text(element, position, region_start)
            self._marked_text(sub(element, "unclear", reason=region.reason), region_start, region_end)
            position = region_end
        self._marked_text(element, position, end)

    def _marked_text(self, element: etree._Element, start: int, end: int,
                     append: Callable[[etree._Element, str], None] | None = None) -> None:
        """Append body[start:end] to a leaf-like element, markers left out and suspects marked; the
        text between them with `append` (default: line breaks as `<lb/>`)."""
        append = append or self._append_text
        position = start
        for suspect in self._suspects_in(start, end):
            suspect_end = suspect.offset + len(suspect.sic)
            if (suspect_end > end or suspect.offset < position or self.markers.any_in(suspect.offset, suspect_end)
                    or self.body[suspect.offset:suspect_end] != suspect.sic):
                continue
            append(element, self.markers.strip(position, suspect.offset))
            _mark(element, suspect)
            position = suspect_end
        append(element, self.markers.strip(position, end))

    def _plain(self, start: int, end: int) -> bool:
        """No marker, suspect or unclear region in [start, end): the text there is the body slice as it stands."""
        if self.markers.any_in(start, end):
            return False
        first_suspect = bisect.bisect_left(self.suspect_offsets, start)
        return ((first_suspect == len(self.suspects) or self.suspect_offsets[first_suspect] >= end)
                and not self._unclear_in(start, end))

    def _unclear_in(self, start: int, end: int) -> list[Unclear]:
        """The unclear regions overlapping [start, end) with text there, by offset (they are few)."""
        return [u for u in self.unclear if u.offset < end and u.offset + u.length > start
                and self.body[max(u.offset, start) : min(u.offset + u.length, end)].strip()]

    def _suspects_in(self, start: int, end: int) -> list[Suspect]:
        """The suspects starting in [start, end), by offset."""
        i = bisect.bisect_left(self.suspect_offsets, start)
        j = bisect.bisect_left(self.suspect_offsets, end, lo=i)
        return self.suspects[i:j]

    @staticmethod
    def _append_text(element: etree._Element, text: str) -> None:
        """Append `text` to element's content; newlines become `<lb/>` (the line break is kept)."""
        if "\n" not in text:
            _add_string(element, text)
            return
        lines = text.split("\n")
        _add_string(element, lines[0])
        for line in lines[1:]:
            sub(element, "lb").tail = line or None


def _add_string(element: etree._Element, text: str) -> None:
    """Append `text` after the element's last child, or to its text: in constant time (len() of an
    lxml element counts its children, which made a part of many lines quadratic)."""
    if not text:
        return
    last = next(element.iterchildren(reversed=True), None)
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _mark(parent: etree._Element, suspect: Suspect) -> None:
    """Append the suspect as choice(sic, corr)."""
    choice = sub(parent, "choice")
    sub(choice, "sic", suspect.sic)
    sub(choice, "corr", suspect.corr, resp=f"#{suspect.resp or OCR_RESP_ID}", cert=suspect.cert.value)
