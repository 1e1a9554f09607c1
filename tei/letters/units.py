"""Units: the body's parts as the letters step reads them, trimmed, some cut in two later.

A unit is a range of the body with the kind of its part (paragraph, heading, quotation, ornament).
OCR often glued two lines into one part (the title and the addressee, a signature and its date):
the later steps cut such units with `cut`, which keeps both halves trimmed.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Part, PartKind


@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    kind: PartKind = PartKind.PARAGRAPH
    level: int = 0
    """Heading level (1 for `#`) of a heading unit."""
    indented: bool = False
    """The part began with a no-break space: right-aligned in the source (signatures, dates)."""
    split: bool = False
    """Cut from a longer part (its other half glued to it by OCR)."""
    typed: PartKind | None = None
    """What the source says the part is, when it says (the archive's JSON types salutes, bylines
    and signatures): the predicates take it instead of guessing. None for a unit cut from one."""

    def span(self, start: int, end: int, indented: bool | None = None, split: bool | None = None) -> Unit:
        """This unit over another span (dataclasses.replace, but cheaper in the hot loops)."""
        return Unit(start, end, self.kind, self.level, self.indented if indented is None else indented,
                    self.split if split is None else split)


def trim(body: str, start: int, end: int) -> tuple[int, int]:
    """The range [start, end) without the white space at either end."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def cut(body: str, unit: Unit, at: int) -> tuple[Unit | None, Unit | None]:
    """Split a unit at body offset `at`, trimming both halves; empty halves are None."""
    a = trim(body, unit.start, at)
    b = trim(body, at, unit.end)
    first = unit.span(a[0], a[1], split=True) if a[0] < a[1] else None
    second = unit.span(b[0], b[1], indented=False, split=True) if b[0] < b[1] else None
    return first, second


TYPED_KINDS = frozenset((PartKind.SALUTE, PartKind.BYLINE, PartKind.DATELINE, PartKind.SIGNED))
"""Part kinds only a typed source gives (the archive's JSON: appellation, authors, subdate,
signature), read as paragraphs whose type overrides the guesses; none for the txt export."""


def units_of(body: str, parts: Sequence[Part]) -> list[Unit]:
    """One unit per part that holds more than white space."""
    units = []
    for part in parts:
        s, e = trim(body, part.start, part.end)
        if s < e:
            indented = body[part.start:s].find("\xa0") >= 0 or body[part.start:part.start + 1] == "\u3000"
            typed = part.kind if part.kind in TYPED_KINDS else None
            units.append(Unit(s, e, PartKind.PARAGRAPH if typed else part.kind, level=part.level,
                              indented=indented, typed=typed))
    return units
