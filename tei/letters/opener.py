"""The opening of an item: its heads (title lines), then the opener: a byline, an opening date
line (（1941年8月6日）, or a plain date under the title) and one or two salutes (某某同志：, 亲爱的同志们，).
A salutation OCR glued to the first paragraph (××：来信收到矣！) is cut off it first."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from ..model import Node, PartKind
from .items import annex_line, editorial_note, letter_title_line
from .lexicon import SALUTE_END, SALUTE_START, SURNAMES, CJK_WORD, alternation
from .nodes import dateline, paren_dateline, place_of, when_of
from .reading import UnitReader
from .titles import fuzzy_prefix, is_letter_title
from .units import Unit, cut

_NOT_VOCATIVE = re.compile(
    rf"(?:{alternation('not_vocative_endings')}|第[一二三四五六七八九十]+|[一二三四五六七八九十]+)$")
_GLUED_VOCATIVE = re.compile(r"^([^。；;！!？?：:“”\"（）()—]{1,600}?)(?:[：:]|——)")
"""A salutation and the colon (or dash: 德庆同志——收到了你的来信) OCR glued the first paragraph to."""
_FORWARD = re.compile(r"(?:并转|转|并|并报|并告)$")
"""The end of a first salute line that goes on in the next (克勤院长并转 / 格平院长：)."""
_MAX_HEADS = 4
_LONGEST_BYLINE = 15
_BRACKETED_LINE = re.compile(r"[（(\[【〔〖].*[）)\]】〕〗]", re.S)


@dataclass
class Opening:
    """What an item begins with: heads, the opener's elements and the units after them."""

    units: list[Unit]
    """The item's units, with a salutation glued to the first paragraph cut off it."""
    heads: list[Node] = field(default_factory=list)
    """The elements before the opener: the title's head lines, editors' notes under it (heads too)
    and the writer's name between them (a byline)."""
    titles: list[Unit] = field(default_factory=list)
    """The heads that are the title (not editors' notes)."""
    opener: list[Node] = field(default_factory=list)
    """byline, dateline and salute elements, in order."""
    salutes: list[Unit] = field(default_factory=list)
    when: str | None = None
    """@when of the opening date line."""
    place: str | None = None
    """The place the opening date line names."""
    next: int = 0
    """Index in `units` of the first unit after the opener."""

    def head_text(self, body: str) -> str:
        """The title, its lines joined."""
        return "".join(body[u.start:u.end] for u in self.titles)


def read_opening(reader: UnitReader, units: list[Unit], first: bool) -> Opening:
    """Heads, byline, opening date line and salutes at the start of an item; `first` for the
    document's first item (which may be a letter without a head)."""
    opening = Opening(units=list(units))
    _read_heads(reader, opening, first)
    _read_byline(reader, opening)
    _read_opening_date(reader, opening)
    if _may_hold_vocative(reader, opening, first):
        _cut_glued_vocative(reader, opening)
    _read_salutes(reader, opening)
    return opening


def _read_heads(reader: UnitReader, opening: Opening, first: bool) -> None:
    """The leading units that are heads: headings, the title, short title lines before the opener,
    editors' notes under the title, and the writer's name between the title and such a note."""
    units = opening.units
    i = 0
    while i < len(units) and i < _MAX_HEADS:
        kind = _head_kind(reader, units, i, first)
        if kind is None:
            break
        u = units[i]
        opening.heads.append(Node("byline" if kind is _HeadKind.BYLINE else "head", u.start, u.end))
        if kind is _HeadKind.TITLE:
            opening.titles.append(u)
        i += 1
    opening.next = i


class _HeadKind(Enum):
    TITLE = "title"
    NOTE = "note"
    """An editors' note under the title: （全文）, [某某：某校学生], ## (本信署名…)."""
    BYLINE = "byline"


def _head_kind(reader: UnitReader, units: list[Unit], i: int, first: bool) -> _HeadKind | None:
    """What units[i] is when it is one more head (units[:i] being heads), or None."""
    u = units[i]
    nxt = units[i + 1] if i + 1 < len(units) else None
    heads = i > 0
    if i == 0 and annex_line(reader, u):
        return _HeadKind.NOTE  # 附件（一）：, 〔附件〕 over the letter that follows
    if u.kind is PartKind.HEADING:
        if heads and reader.paren_date(u) and reader.paren_date(u).end() == len(reader.text(u)):
            return None  # ## （一九五二年六月十七日）: the opening date line
        return _HeadKind.NOTE if heads and _BRACKETED_LINE.fullmatch(reader.text(u)) else _HeadKind.TITLE
    if heads and editorial_note(reader, u):
        return _HeadKind.NOTE
    if heads and nxt is not None and (nxt.kind is PartKind.HEADING or editorial_note(reader, nxt)) and (
            reader.byline_like(u) or reader.signed_strength(u)):
        return _HeadKind.BYLINE  # the author between the title and a heading or an editors' note
    return _HeadKind.TITLE if _is_title_line(reader, units, i, first) else None


def _is_title_line(reader: UnitReader, units: list[Unit], i: int, first: bool) -> bool:
    """units[i], a paragraph, is a line of the title (given that units[:i] are heads)."""
    u = units[i]
    nxt = units[i + 1] if i + 1 < len(units) else None
    heads = i > 0
    titled = reader.title_like(u) or letter_title_line(reader, u)
    if heads and not titled:
        return False
    if heads and units[0].kind is PartKind.HEADING and not letter_title_line(reader, u) and not (
            u.split and fuzzy_prefix(reader.text(u), reader.facts.title) is not None):
        return False  # under a `#` title, a plain line is its writer (不敢具名), not more title
    if reader.paren_date(u) or reader.salute_like(u) or (heads and reader.byline_like(u)) or (
            heads and reader.plain_date(u)):
        return False
    if u.split and fuzzy_prefix(reader.text(u), reader.facts.title) is not None:
        return True
    if not heads and not first and letter_title_line(reader, u):
        return True  # the title a later item begins with (八月十三日的电报)
    if titled and nxt is not None and (
            reader.paren_date(nxt) or (reader.salute_like(nxt) and (
                reader.signed_strength(u) < 2 or is_letter_title(reader.text(u)))) or (
            reader.title_like(nxt) and i + 2 < len(units) and reader.paren_date(units[i + 2]))):
        return True
    return titled and not first and not heads and nxt is not None and bool(reader.paren_date(nxt))


def _read_byline(reader: UnitReader, opening: Opening) -> None:
    """The author's name between the head and the salute (or the opening date)."""
    units, i = opening.units, opening.next
    if not (i + 1 < len(units) and opening.heads):
        return
    u, nxt = units[i], units[i + 1]
    if (reader.byline_like(u) or reader.signed_strength(u)) and not reader.salute_like(u) \
            and not reader.paren_date(u) and not reader.date_unit(u) and (
                reader.known_name_in(reader.text(u)) or reader.salute_like(nxt) or reader.paren_date(nxt)
                or _under_heading_title(reader, opening, u)):
        opening.opener.append(Node("byline", u.start, u.end))
        opening.next += 1


def _under_heading_title(reader: UnitReader, opening: Opening, u: Unit) -> bool:
    """A person's name right under a `#` title: the export's byline (林彪, 章士钊), whatever follows."""
    first = opening.heads[0]
    return opening.units[0].kind is PartKind.HEADING and first.tag == "head" and len(opening.heads) == 1 \
        and reader.byline_like(u) and len(reader.text(u)) <= _LONGEST_BYLINE


def _read_opening_date(reader: UnitReader, opening: Opening) -> None:
    """（1941年8月6日） under the title, or a plain date line before the salute."""
    units, i = opening.units, opening.next
    if i >= len(units):
        return
    u = units[i]
    if reader.paren_date(u):
        node, opening.when = paren_dateline(reader, u)
    elif opening.heads and reader.plain_date(u) and i + 1 < len(units) and reader.salute_like(units[i + 1]):
        du = reader.date_unit(u)
        node = dateline(reader, u.start, u.end, du.date_start, du.date_end)
        opening.when = when_of(node)
    else:
        return
    opening.place = place_of(node, reader.body)
    opening.opener.append(node)
    opening.next += 1


def _may_hold_vocative(reader: UnitReader, opening: Opening, first: bool) -> bool:
    """The unit after the opening date may begin with a glued salutation: a letter's, not a salute already."""
    i = opening.next
    return i < len(opening.units) and bool(opening.heads or first) and not reader.salute_like(opening.units[i]) and (
        is_letter_title(opening.head_text(reader.body)) or is_letter_title(reader.facts.title))


def _cut_glued_vocative(reader: UnitReader, opening: Opening) -> None:
    i = opening.next
    vocative = glued_vocative(reader, opening.units[i])
    if vocative is None:
        return
    a, b = cut(reader.body, opening.units[i], vocative)
    if a is not None and b is not None:
        opening.units[i:i + 1] = [a, b]


def glued_vocative(reader: UnitReader, u: Unit) -> int | None:
    """Offset just after a salutation glued to the first paragraph (××：来信收到矣！…)."""
    if u.kind is not PartKind.PARAGRAPH:
        return None
    t = reader.text(u)
    m = _GLUED_VOCATIVE.match(t)
    if m and len(m.group(1)) > 40 and not (SALUTE_END.search(m.group(1)) and m.group(1).count("、") >= 3):
        return None  # a long addressee list (李济深、沈钧儒、…诸先生共鉴：) only
    if not m or m.end() >= len(t):
        return None
    x = m.group(1).strip()
    if _NOT_VOCATIVE.search(x):
        return None
    if (len(x) > 15 or "，" in x or "," in x) and not (SALUTE_END.search(x) and re.search("[、，,]", x)):
        return None
    if re.fullmatch(r"[×XＸ＊*○□]{1,6}", x) or SALUTE_END.search(x) or x in reader.facts.names or (
            2 <= len(x) <= 3 and x[0] in SURNAMES and CJK_WORD.fullmatch(x)):
        return u.start + m.end()
    return None


def _read_salutes(reader: UnitReader, opening: Opening) -> None:
    """One or two salute lines (克勤院长并转 / 格平院长：; 致…同志 / 亲爱的同志们，)."""
    units = opening.units
    while opening.next < len(units) and len(opening.salutes) < 2 and _is_salute(reader, opening):
        u = units[opening.next]
        opening.salutes.append(u)
        opening.opener.append(Node("salute", u.start, u.end))
        opening.next += 1


def _is_salute(reader: UnitReader, opening: Opening) -> bool:
    units, i, salutes = opening.units, opening.next, opening.salutes
    u, t = units[i], reader.text(units[i])
    shaped = reader.salute_like(u, lenient=u.split and not salutes and bool(opening.heads)) or (
        not salutes and i + 1 < len(units) and len(t) <= 30 and u.kind is PartKind.PARAGRAPH
        and _FORWARD.search(t) and reader.salute_like(units[i + 1]))
    if not shaped:
        return False
    # a second line continues the address (格平院长：, 亲爱的同志们，), it is no sentence ending in a colon
    return not salutes or bool(SALUTE_START.match(t)) or (len(t) <= 20 and bool(SALUTE_END.search(t)))
