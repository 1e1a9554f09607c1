"""Footnotes: where each one is written (mark step, after the structure is known).

Two kinds, told apart in the TEI by `@type`:

- the archive's footnotes (Document.footnotes, from its JSON), kept apart from the body: each is
  written as `<note place="foot" n="…">` inside the text element where its anchor falls (a
  paragraph, a heading, a salute, …), or, without a usable anchor, at the end of the last one;
- footnotes printed in the body of an export (`[1]…`, `①…`, `〔1〕…`, `注1：…` paragraphs, and note
  runs the OCR merged into the end of a paragraph at a page break): the body text itself, so they
  stay where they were printed as `<note place="foot" n="…" type="in-text">`, and the mark in the
  text that calls one becomes `<ref target="#note-k">` around the mark, the note getting
  `xml:id="note-k"`. No character is added, lost or moved.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .model import Footnote, Node, PlacedFootnote, Structure
from .vocab import CONTAINERS, DIV_BODY, DIV_BOTTOM, NOTE_IN_TEXT, XML_ID

NOTE_HOLDERS = frozenset({"p", "head", "quote", "ab", "salute", "signed", "byline", "dateline", "docDate", "date"})
"""Elements a footnote may be written in (the project schema's and tei_all's content models)."""
REF_HOLDERS = frozenset({"p", "head", "quote", "ab", "salute", "signed", "byline"})
"""Text elements a `<ref>` around a note mark may be written in."""
NOTE_ID_PREFIX = "note-"


def text_leaves(structure: Structure) -> Iterator[Node]:
    """The text elements of the structure (the children of containers that are not containers),
    in document order: the order in which the builder writes them."""
    stack = [iter(structure.divs)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
        elif node.tag in CONTAINERS:
            stack.append(iter(node.children))
        else:
            yield node


# ------------------------------------------------------------------ the archive's footnotes


def place_footnotes(body: str, structure: Structure, footnotes: Sequence[Footnote],
                    name: str = "") -> tuple[tuple[PlacedFootnote, ...], tuple[str, ...]]:
    """Each footnote in the text element where its anchor falls, at its anchor; an anchor outside
    every element that can hold a note (between parts, in a figure) moves to the end of the nearest
    one before it (a warning says so when text lies between); a note without an anchor goes to the
    end of the last one. With no such element at all, a note is a part of the last div (leaf -1).
    `name` names the document in warnings."""
    if not footnotes:
        return (), ()
    holders = [(index, leaf) for index, leaf in enumerate(text_leaves(structure)) if leaf.tag in NOTE_HOLDERS]
    starts = [leaf.start for _index, leaf in holders]
    placed, warnings = [], []
    for note in footnotes:
        if not holders:
            placed.append(PlacedFootnote(note, -1, len(body)))
            continue
        if note.offset is None:
            index, leaf = holders[-1]
            placed.append(PlacedFootnote(note, index, leaf.end))
            continue
        at = bisect.bisect_right(starts, note.offset) - 1  # the last holder starting at or before the anchor
        if at >= 0 and holders[at][1].end >= note.offset:
            first = at  # the first holder that contains it: an earlier one may end right there
            while first > 0 and holders[first - 1][1].end >= note.offset:
                first -= 1
            placed.append(PlacedFootnote(note, holders[first][0], note.offset))
        elif at >= 0:
            index, leaf = holders[at]
            if body[leaf.end:note.offset].strip():
                warnings.append(f"{name}: note {note.n} is anchored where no note can be written "
                                f"(in a figure): placed at the end of the <{leaf.tag}> before it")
            placed.append(PlacedFootnote(note, index, leaf.end))
        else:
            index, leaf = holders[0]
            placed.append(PlacedFootnote(note, index, leaf.start))
    return tuple(placed), tuple(warnings)


# ------------------------------------------------------------------ footnotes printed in the body

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_MARK = re.compile(rf"[\[［]\s*(\d{{1,3}})\s*[\]］]|〔\s*(\d{{1,3}})\s*〕|([{_CIRCLED}])")
"""A note mark: [1], ［1］, 〔1〕 or ①."""
_MARK_START = re.compile(rf"[\[［〔{_CIRCLED}]")
"""The first character of a mark: searched for first, as re scans for one character class several
times faster than for _MARK's alternatives."""
_NOTE_START = re.compile(rf"\s*(?:注\s*(?:(\d{{1,3}})\s*[：:]|(?=[\[［〔{_CIRCLED}])))?")
"""What may come before the mark that starts a note paragraph (注1：, 注 before a mark)."""
_NUMBERED_NOTE = re.compile(r"\s*注\s*\d")
"""A note paragraph numbered without a mark (注1：…)."""
_SENTENCE_END = "。！？!?；;”」』）)"
_PUNCTUATION = "。，、；：？！,.;:?!”’」』）)》〉】]"
"""A mark followed by one of these calls a note (…决裂”②。), it does not begin one."""
_RUN_MAX = 400
"""Longest note run taken at the end of a paragraph (a longer tail is more likely the text going on)."""


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    number: int
    circled: bool


def _mark_matches(text: str) -> Iterator[re.Match[str]]:
    """What `_MARK.finditer(text)` finds, several times faster on long paragraphs: re tries each of
    _MARK's alternatives at every character, so only the places where a mark can begin
    (_MARK_START, a one-class scan) are tried."""
    position = 0
    while candidate := _MARK_START.search(text, position):
        match = _MARK.match(text, candidate.start())
        if match:
            yield match
            position = match.end()
        else:
            position = candidate.start() + 1


def _marks(text: str, offset: int) -> list[_Mark]:
    marks = []
    for match in _mark_matches(text):
        digits = match.group(1) or match.group(2)
        number = int(digits) if digits else _CIRCLED.index(match.group(3)) + 1
        marks.append(_Mark(offset + match.start(), offset + match.end(), number, digits is None))
    return marks


@dataclass(frozen=True)
class PrintedNotes:
    """The structure with the body's printed footnotes marked, and how many were found and linked."""

    structure: Structure
    notes: int
    linked: int
    """Notes linked to a mark in the text that calls them."""
    marks: int
    """Note marks in the text ([1], ①, … outside the notes), linked or not."""


def mark_printed_notes(body: str, structure: Structure,
                       top_lines: frozenset[tuple[int, int]]) -> PrintedNotes:
    """The structure with the footnotes printed in the body as in-text notes and the marks that
    call them as refs (see the module's docstring). top_lines: the spans of paragraphs that will
    leave the body for the top of their div (structure.typed_lines), which do not count as its body."""
    finder = _PrintedNotes(body, top_lines)
    if not finder.mark_starts and not _NUMBERED_NOTE.search(body):
        return PrintedNotes(structure, 0, 0, 0)  # no mark and no 注1 anywhere: two thirds of the dev corpus
    divs = tuple(finder.rewrite(div) for div in structure.divs)
    if not finder.notes:
        return PrintedNotes(structure, 0, 0, finder.marks)
    divs = tuple(finder.link(div) for div in divs)
    return PrintedNotes(Structure(divs=divs, letters=structure.letters), len(finder.notes), len(finder.targets),
                        finder.marks)


class _PrintedNotes:
    """One pass finds the notes (and remembers every mark before them); a second adds the refs."""

    def __init__(self, body: str, top_lines: frozenset[tuple[int, int]]):
        self.body = body
        self.top_lines = top_lines
        self.mark_starts = [found.start() for found in _MARK_START.finditer(body)]
        """Where a mark may begin: one scan of the body, so that a paragraph without one (most) is
        neither sliced nor scanned again by each pass."""
        self.notes: list[tuple[int, int, int]] = []
        """(start, end, number) of each note found, in document order."""
        self.open_marks: dict[int, list[_Mark]] = {}
        """Marks seen and not yet paired, by number."""
        self.targets: dict[tuple[int, int], str] = {}
        """Mark (start, end) → the xml:id of its note."""
        self.marks = 0
        """Marks seen outside the notes."""

    # -- first pass: notes
    def rewrite(self, node: Node) -> Node:
        if node.tag in CONTAINERS:
            # lines before a div's head are its leading salute, byline or dateline, never a note paragraph
            heads = [index for index, child in enumerate(node.children) if child.tag == "head"]
            leading = heads[-1] if heads and node.tag == "div" else 0
            needed = self._needed_body(node) if node.tag == "div" else -1
            children = []
            for index, child in enumerate(node.children):
                children.extend(self._rewrite_child(child, node.tag == "div" and leading <= index != needed))
            return node._replace(children=tuple(children))
        return node

    def _needed_body(self, div: Node) -> int:
        """Index of the paragraph of div kept a paragraph, not made a note, or -1. TEI wants a body
        part (vocab.DIV_BODY) or a division before a closing part: when every part before the div's
        first closing part is a paragraph that could become a note, a note, a figure or a line of
        top_lines (which leaves the body), as in a letter whose one paragraph before its closer is a
        footnote, the last paragraph that could become a note stays."""
        bottom = next((index for index, child in enumerate(div.children) if child.tag in DIV_BOTTOM), -1)
        candidate = -1
        for index, child in enumerate(div.children[:bottom] if bottom >= 0 else ()):
            if child.tag == "p" and (child.start, child.end) in self.top_lines and not self._may_be_note(child):
                continue
            if child.tag == "div" or child.tag in DIV_BODY and not self._may_be_note(child):
                return -1
            if child.tag == "p":
                candidate = index
        return candidate

    def _may_be_note(self, node: Node) -> bool:
        """Whether the paragraph node could become one or more notes (the cheap test of _rewrite_child)."""
        return node.tag == "p" and not node.children and (
            self._may_hold_mark(node.start, node.end) or bool(_NUMBERED_NOTE.match(self.body, node.start, node.end)))

    def _rewrite_child(self, node: Node, in_div: bool) -> list[Node]:
        if node.tag in CONTAINERS:
            return [self.rewrite(node)]
        if node.tag != "p" or node.children:
            if node.tag in REF_HOLDERS and not node.children:
                self._remember(node)
            return [node]
        if not self._may_hold_mark(node.start, node.end) and not (
                in_div and _NUMBERED_NOTE.match(self.body, node.start, node.end)):
            return [node]  # no mark in it, and no 注1：: most paragraphs
        text = self.body[node.start:node.end]
        if in_div:
            notes = self._note_paragraph(node, text)
            if notes:
                return notes
        run = self._note_run(node, text)
        if run:
            return [node._replace(children=run)]
        self._remember(node)
        return [node]

    def _may_hold_mark(self, start: int, end: int) -> bool:
        """Whether a mark may begin in body[start:end]."""
        at = bisect.bisect_left(self.mark_starts, start)
        return at < len(self.mark_starts) and self.mark_starts[at] < end

    def _marks_in(self, start: int, end: int) -> list[_Mark]:
        """The marks in body[start:end], as _marks finds them there."""
        return _marks(self.body[start:end], start) if self._may_hold_mark(start, end) else []

    def _remember(self, node: Node) -> None:
        for mark in self._marks_in(node.start, node.end):
            self.open_marks.setdefault(mark.number, []).append(mark)
            self.marks += 1

    def _note_paragraph(self, node: Node, text: str) -> list[Node] | None:
        """A paragraph that is one note or several (`[1]…。[2]…`), as note parts."""
        lead = _NOTE_START.match(text)
        first = _MARK.match(text, lead.end())
        numbered = lead.group(1)
        if numbered and not first:
            number, body_start = int(numbered), lead.end()
        elif first:
            mark = _marks(first.group(0), 0)[0]
            if mark.circled and not self.open_marks.get(mark.number):
                return None  # ① at the start of a paragraph without a ① before it: a list item
            number, body_start = mark.number, first.end()
        else:
            return None
        rest = text[body_start:].lstrip()
        if not rest or rest[0] in _PUNCTUATION:
            return None
        return self._split_notes(node.start, node.end, number, body_start)

    def _note_run(self, node: Node, text: str) -> tuple[Node, ...] | None:
        """Notes the OCR glued to the end of a paragraph (…的。①指…): a mark after a sentence end,
        numbered as an earlier mark still waiting for its note, with text (not punctuation) after
        it, and at most _RUN_MAX characters from it to the paragraph's end."""
        marks = self._marks_in(node.start, node.end)
        for index, mark in enumerate(marks):
            before = self.body[node.start:mark.start].rstrip()
            waiting = self.open_marks.get(mark.number) or any(m.number == mark.number for m in marks[:index])
            after = self.body[mark.end:node.end].lstrip()
            if (before and before[-1] in _SENTENCE_END and waiting and node.end - mark.start <= _RUN_MAX
                    and after and after[0] not in _PUNCTUATION):
                self._remember(Node("p", node.start, mark.start))
                return tuple(self._split_notes(mark.start, node.end, mark.number, mark.end - mark.start))
        return None

    def _split_notes(self, start: int, end: int, number: int, body_start: int) -> list[Node]:
        """Notes over body[start:end], the first numbered `number`, cut where the next number's
        mark begins; `body_start` is where the first note's own text begins (after its mark)."""
        cuts = [(start, number)]
        expected = number + 1
        for mark in self._marks_in(start + body_start, end):
            if mark.number == expected and self.body[cuts[-1][0]:mark.start].strip():
                cuts.append((mark.start, mark.number))
                expected += 1
        nodes = []
        for (note_start, note_number), (next_start, _) in zip(cuts, cuts[1:] + [(end, 0)]):
            text = self.body[note_start:next_start]
            note_end = next_start - (len(text) - len(text.rstrip()))
            attrs: tuple[tuple[str, str], ...] = (("place", "foot"), ("n", str(note_number)), ("type", NOTE_IN_TEXT))
            waiting = self.open_marks.get(note_number)
            if waiting:
                mark = waiting.pop()
                note_id = f"{NOTE_ID_PREFIX}{len(self.targets) + 1}"
                self.targets[(mark.start, mark.end)] = note_id
                attrs += ((XML_ID, note_id),)
            nodes.append(Node("note", note_start, note_end, attrs))
            self.notes.append((note_start, note_end, note_number))
        return nodes

    # -- second pass: refs
    def link(self, node: Node) -> Node:
        if node.tag in CONTAINERS:
            return node._replace(children=tuple(self.link(child) for child in node.children))
        if node.tag not in REF_HOLDERS:
            return node
        refs = [Node("ref", mark.start, mark.end, (("target", "#" + self.targets[(mark.start, mark.end)]),))
                for mark in self._marks_in(node.start, node.end)
                if (mark.start, mark.end) in self.targets]
        if not refs:
            return node
        children = sorted((*node.children, *(ref for ref in refs if not _overlaps(ref, node.children))),
                          key=lambda child: child.start)
        return node._replace(children=tuple(children))


def _overlaps(node: Node, others: Sequence[Node]) -> bool:
    return any(other.start < node.end and node.start < other.end for other in others)
