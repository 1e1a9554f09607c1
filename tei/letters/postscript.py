"""The postscript: paragraphs after the closer (又陈者：…), closed by their own signature and date
when the writer signed again."""
from __future__ import annotations

from dataclasses import replace

from ..model import Node
from .nodes import dateline
from .reading import UnitReader
from .units import Unit


def build_postscript(reader: UnitReader, units: list[Unit]) -> Node:
    """A postscript of paragraphs, closed by its own signature and date when it is signed again."""
    inner: list[Node] = []
    last = units[-1]
    glued = reader.signed_split(last) if len(units) > 1 and not reader.is_note(last) else None
    if glued:
        du = reader.date_unit(replace(last, start=glued.date_start))
        end = du.end if du else glued.date_end
        if end == last.end:
            inner = [Node("signed", last.start, glued.signature_end),
                     dateline(reader, glued.date_start, end, glued.date_start, glued.date_end)]
            units = units[:-1]
    children = [Node("p", u.start, u.end) for u in units]
    if inner:
        children.append(Node("closer", inner[0].start, inner[-1].end, children=tuple(inner)))
    return Node("postscript", children[0].start, children[-1].end, children=tuple(children))
