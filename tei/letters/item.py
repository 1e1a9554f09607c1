"""One item: a letter (head, opener, body, closer, postscript, then its notes) or, when it reads
as none, a glued article or a division of notes."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Correspondent, Node
from ..structure import document_type
from .closer import read_closing
from .correspondents import addressees
from .nodes import notes_div, with_sections
from .opener import Opening, read_opening
from .people import People
from .reading import UnitReader
from .titles import fuzzy_prefix, is_letter_title
from .units import Unit


_ADDRESSED = re.compile(r"[给致复]|的(?:信|电)")


@dataclass
class Item:
    """The divisions one item makes, and what the correspondence description needs of it."""

    nodes: list[Node]
    is_letter: bool = False
    has_head: bool = False
    addressees: tuple[Correspondent, ...] = ()
    when: str | None = None
    signed_texts: tuple[str, ...] = ()
    head_text: str = ""
    place: str | None = None
    """Where the letter was written, as its date lines say."""
    empty: bool = False
    """Heads and an opener only: the title over the letters that follow (…的两个电报)."""


def build_item(reader: UnitReader, units: list[Unit], first: bool, people: People) -> Item:
    """The divisions of one item; `first` for the document's first item; `people` resolves the
    correspondents' short forms."""
    opening = read_opening(reader, units, first)
    head_text = opening.head_text(reader.body)
    if not _is_letter(reader, opening, head_text, first):
        return _article(opening)
    return _letter(reader, opening, head_text, first, people)


def _is_letter(reader: UnitReader, opening: Opening, head_text: str, first: bool) -> bool:
    """An item is a letter when it opens with a salute or its title names a letter; the document's
    first item also when it has no title or the document's own (a letter document's)."""
    if opening.salutes or is_letter_title(head_text):
        return True
    if not first:
        return False
    return not opening.titles or fuzzy_prefix(head_text, reader.facts.title) is not None


def _letter(reader: UnitReader, opening: Opening, head_text: str, first: bool, people: People) -> Item:
    units, rest = opening.units, opening.units[opening.next:]
    if opening.when and not reader.facts.header_date:
        # the opening date gives the year to a closing 一月三十一日 when the header has none
        reader = reader.with_header_date(opening.when)
    closing = read_closing(reader, rest)
    body_units, closer, post, notes = closing.body, closing.closer, closing.postscript, closing.notes
    if not body_units and (closer or post):
        # tei_bha wants a part before closer and postscript: keep such a stub as paragraphs
        body_units, closer, post, notes = rest, None, None, []
    nodes: list[Node] = list(opening.heads)
    if opening.opener:
        nodes.append(_opener(opening.opener))
    nodes.extend(with_sections(body_units))
    nodes.extend(node for node in (closer, post) if node is not None)
    if not nodes:
        return Item([notes_div(units)])
    letter_div = Node("div", nodes[0].start, nodes[-1].end, attrs=(("type", letter_type(reader, head_text, first)),),
                      children=tuple(nodes))
    out = [letter_div] + ([notes_div(notes)] if notes else [])
    return Item(out, True, bool(opening.titles), addressees(reader, opening.salutes, head_text, people),
                opening.when or closing.when or _title_date(reader, head_text), tuple(closing.signed_texts),
                head_text, place=closing.place or opening.place, empty=not rest)


def _title_date(reader: UnitReader, head_text: str) -> str | None:
    """The date a title gives the letter: at its start (八月十三日的电报) or before 给/致
    (苏共中央一九六三年十一月二十九日给中共中央的信)."""
    found = reader.find_date(head_text, reader.facts.header_date)
    if found is None or not (found.start == 0 or _ADDRESSED.match(head_text, found.end)):
        return None
    return found.when



def _article(opening: Opening) -> Item:
    """A non-letter item (a glued speech or article): head, dateline, paragraphs."""
    nodes: list[Node] = list(opening.heads)
    if opening.opener:
        nodes.append(_opener(opening.opener))
    nodes.extend(with_sections(opening.units[opening.next:]))
    if not nodes:
        return Item([])
    div = Node("div", nodes[0].start, nodes[-1].end, attrs=(("type", "article"),), children=tuple(nodes))
    return Item([div], has_head=bool(opening.titles))


def _opener(children: list[Node]) -> Node:
    return Node("opener", children[0].start, children[-1].end, children=tuple(children))


def letter_type(reader: UnitReader, head_text: str, first: bool) -> str:
    """"telegram" or "letter", as structure.document_type reads the title (the item's head)."""
    for title, tags in ((head_text, ()), (reader.facts.title if first else "", reader.facts.tags)):
        if title or tags:
            kind = document_type(title, tags)
            if kind in ("letter", "telegram"):
                return kind
    return "letter"
