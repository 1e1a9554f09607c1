"""The elements the letters step makes from units: date lines, plain parts, sections, notes."""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..cndates import RHYME_DAYS, rhyme_day
from ..model import Node, PartKind
from .reading import UnitReader
from .units import Unit

NOTES_DIV_TYPE = "notes"
"""@type of the division holding footnotes and source lines after a letter."""


def dateline(reader: UnitReader, start: int, end: int, date_start: int, date_end: int,
             when: str | None = None) -> Node:
    """`dateline` over [start, end) with its `date` over [date_start, date_end), @when read from it,
    and a `placeName` for a place written before the date (莫斯科，…) or after it (…于延安)."""
    text = reader.body[date_start:date_end]
    if when is None:
        if text[:1] in RHYME_DAYS and text[1:] in ("", "日"):
            when = rhyme_day(text, reader.facts.header_date)
        else:
            found = reader.find_date(text, reader.facts.header_date)
            when = found.when if found else None
    date = Node("date", date_start, date_end, attrs=(("when", when),) if when else ())
    before = _place_node(_PLACE_BEFORE.fullmatch(reader.body, start, date_start))
    after = _place_node(_PLACE_AFTER.search(reader.body, date_end, end))
    return Node("dateline", start, end, children=tuple(n for n in (before, date, after) if n is not None))


def place_line(start: int, end: int, place_start: int, place_end: int) -> Node:
    """A `dateline` holding only a place (…于建宁 after a signature without a date)."""
    return Node("dateline", start, end, children=(Node("placeName", place_start, place_end),))


_PLACE_BEFORE = re.compile(r"\s*([\u4e00-\u9fff]{2,8})\s*[，,、]?\s*[（(]?\s*")
"""莫斯科，: a place before the date."""
_PLACE_AFTER = re.compile(r"于\s*([\u4e00-\u9fff]{2,12})[！!.。）)]*\s*$")
"""…于峡江县: the place after the date (and its time of day)."""


def _place_node(m: re.Match[str] | None) -> Node | None:
    """`placeName` over a place pattern's first group."""
    return Node("placeName", m.start(1), m.end(1)) if m else None


def paren_dateline(reader: UnitReader, u: Unit) -> tuple[Node, str | None]:
    """The dateline of a bracketed opening date (（1941年8月6日）), and its ISO value."""
    m = reader.paren_date(u)
    inner_start = u.start + m.start(1)
    found = reader.find_date(m.group(1), reader.facts.header_date)
    if found is None:  # garbled: the whole inside is the date, with no @when
        date = Node("date", inner_start, u.start + m.end(1))
        return Node("dateline", u.start, u.start + m.end(), children=(date,)), None
    ds, de = inner_start + found.start, inner_start + found.end
    node = dateline(reader, u.start, u.start + m.end(), ds, de, found.when)
    return node, found.when


def when_of(node: Node) -> str | None:
    """@when of a dateline's date, if it has one."""
    return next((dict(c.attrs).get("when") for c in node.children if c.tag == "date"), None)


def place_of(node: Node, body: str) -> str | None:
    """The place a dateline names, if any."""
    return next((body[c.start:c.end] for c in node.children if c.tag == "placeName"), None)


def plain(u: Unit) -> Node:
    """A part as it is: paragraph, quotation or ornament."""
    if u.kind is PartKind.QUOTE:
        return Node("quote", u.start, u.end)
    if u.kind is PartKind.ORNAMENT:
        return Node("ab", u.start, u.end, attrs=(("type", "ornament"),))
    return Node("p", u.start, u.end)


def with_sections(units: Sequence[Unit]) -> list[Node]:
    """Parts, then a `div type="section"` for each heading with the parts under it."""
    out: list[Node] = []
    section: list[Node] | None = None
    for u in units:
        if u.kind is PartKind.HEADING:
            if section:
                out.append(_section(section))
            section = [Node("head", u.start, u.end)]
        elif section is not None:
            section.append(plain(u))
        else:
            out.append(plain(u))
    if section:
        out.append(_section(section))
    return out


def _section(children: list[Node]) -> Node:
    return Node("div", children[0].start, children[-1].end, attrs=(("type", "section"),), children=tuple(children))


def notes_div(units: Sequence[Unit]) -> Node:
    """A division of footnotes and source lines, one paragraph each."""
    return Node("div", units[0].start, units[-1].end, attrs=(("type", NOTES_DIV_TYPE),),
                children=tuple(Node("p", u.start, u.end) for u in units))
