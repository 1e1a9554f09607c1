"""One item: a letter (head, opener, body, closer, postscript, then its notes) or, when it reads
as none, a glued article or a division of notes."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Correspondent, Node
from ..structure import document_type
from .closer import read_closing
from .correspondents import addressees
from .nodes import notes_div, with_sections
from .opener import Opening, read_opening
from .reading import UnitReader
from .titles import is_letter_title
from .units import Unit


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


def build_item(reader: UnitReader, units: list[Unit], first: bool) -> Item:
    """The divisions of one item; `first` for the document's first item."""
    opening = read_opening(reader, units, first)
    head_text = opening.head_text(reader.body)
    is_letter = bool(opening.salutes) or is_letter_title(head_text) or (first and not opening.heads)
    if not opening.heads and not opening.salutes and not first:
        is_letter = False
    if not is_letter:
        return _article(opening)
    return _letter(reader, opening, head_text, first)


def _letter(reader: UnitReader, opening: Opening, head_text: str, first: bool) -> Item:
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
    return Item(out, True, bool(opening.heads), addressees(reader, opening.salutes, head_text),
                opening.when or closing.when, tuple(closing.signed_texts), head_text)


def _article(opening: Opening) -> Item:
    """A non-letter item (a glued speech or article): head, dateline, paragraphs."""
    nodes: list[Node] = list(opening.heads)
    if opening.opener:
        nodes.append(_opener(opening.opener))
    nodes.extend(with_sections(opening.units[opening.next:]))
    if not nodes:
        return Item([])
    div = Node("div", nodes[0].start, nodes[-1].end, attrs=(("type", "article"),), children=tuple(nodes))
    return Item([div], has_head=bool(opening.heads))


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
