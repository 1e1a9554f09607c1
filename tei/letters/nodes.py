"""The elements the letters step makes from units: date lines, plain parts, sections, notes."""
from __future__ import annotations

from collections.abc import Sequence

from ..cndates import RHYME_DAYS, rhyme_day
from ..model import Node, PartKind
from .reading import UnitReader
from .units import Unit

NOTES_DIV_TYPE = "notes"
"""@type of the division holding footnotes and source lines after a letter."""


def dateline(reader: UnitReader, start: int, end: int, date_start: int, date_end: int,
             when: str | None = None) -> Node:
    """`dateline` over [start, end) with its `date` over [date_start, date_end), @when read from it."""
    text = reader.body[date_start:date_end]
    if when is None:
        if len(text) == 1 and text in RHYME_DAYS:
            when = rhyme_day(text, reader.facts.header_date)
        else:
            found = reader.find_date(text, reader.facts.header_date)
            when = found.when if found else None
    date = Node("date", date_start, date_end, attrs=(("when", when),) if when else ())
    return Node("dateline", start, end, children=(date,))


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
    return dict(node.children[0].attrs).get("when") if node.children else None


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
