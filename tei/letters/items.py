"""Pre-splitting and items: cut the units where OCR glued two lines together, then group them into
items (letters, glued articles), each beginning at its head.

An item begins at a heading, at the document's title found again further down, at a letter title
line followed by a salute (附：某某的复信 / 某某同志：) or at the title line before an opening date
(给谢觉哉的信 / （1941年8月6日）).
"""
from __future__ import annotations

import re
from dataclasses import replace

from ..model import PartKind
from .lexicon import FOOTNOTE, PAREN_DATE
from .reading import UnitReader
from .titles import fuzzy_prefix, is_letter_title, title_start_in_tail
from .units import Unit, cut

_WIDE_GAP = re.compile(r"[\u3000 \xa0]{3,}")
_OPEN_BRACKET = re.compile(r"[（(]")
_ANNEX_PREFIX = re.compile(r"^附(?:件[一二三四五六七八九十\d]*)?[：:]\s*")
_ANNEX_LINE = re.compile(
    r"(?:附(?:件|录)?[一二三四五六七八九十\d]*(?:[（(][一二三四五六七八九十\d]+[）)])?[：:]?"
    r"|[〔［\[【(（]附件?[一二三四五六七八九十\d]*[〕］\]】)）])")
"""A line announcing an enclosure: 附：, 附件（一）：, 附二：, 〔附件〕."""
_LOOKBACK = 40
"""How far back a closed letter is looked for before a salutation that opens the next one."""
SEVERAL_LETTERS = re.compile(r"(?:[两二三四五六七八九十几数多]+|一组)[封个份则件](?:信|书信|电报|电|复电|函)")
"""A title announcing several letters: 两个电报, 三封信."""
_GLUED_TITLE_BEFORE = re.compile(r"[。！？!?日」”）)\]】]$")
"""What ends the text a title was glued after (…十二月一日给徐特立同志的一封信)."""


# ---------------------------------------------------------------- pre-splitting

def presplit(reader: UnitReader, units: list[Unit]) -> list[Unit]:
    """Cut the units OCR glued: the title and what follows it, a signature after a wide gap, a
    letter title and its opening date, an opening date and the salute."""
    out: list[Unit] = []
    for u in units:
        pending = [u]
        while pending:
            cur = pending.pop(0)
            halves = _split_once(reader, cur)
            if halves is None:
                out.append(cur)
                continue
            first, second = halves
            out.append(first)
            if second is not None:
                pending.insert(0, second)
    return out


def _split_once(reader: UnitReader, cur: Unit) -> tuple[Unit, Unit | None] | None:
    """The first cut of `cur` (the later half is cut again), or None when it stays whole."""
    if cur.kind is PartKind.PARAGRAPH or cur.kind is PartKind.HEADING:
        halves = _split_title(reader, cur)
        if halves is not None:
            return halves
    if cur.kind is PartKind.PARAGRAPH:
        return _split_gap(reader, cur) or _split_title_date(reader, cur) or _split_opening_date(reader, cur)
    return None


def _split_title(reader: UnitReader, cur: Unit) -> tuple[Unit, Unit | None] | None:
    """The document's title glued after what precedes it, or before what follows it (…的信致中国…同志)."""
    body, t = reader.body, reader.text(cur)
    core = re.sub(r"[\s\"“”'！!?？\[\]]+$", "", reader.facts.title)
    at = t.find(core) if len(core) >= 6 else -1
    if at > 0 and _GLUED_TITLE_BEFORE.search(t[:at]) and not cur.split:
        a, b = cut(body, cur, cur.start + at)
        return a, (replace(b, split=False) if b is not None else None)
    n = fuzzy_prefix(t, reader.facts.title)
    if n is not None and n < len(t) and not cur.split and (
            len(t) - n <= 120 or PAREN_DATE.match(t[n:].lstrip())):
        a, b = cut(body, cur, cur.start + n)
        return replace(a, split=True, kind=cur.kind), (replace(b, kind=PartKind.PARAGRAPH) if b is not None else None)
    return None


def _split_gap(reader: UnitReader, cur: Unit) -> tuple[Unit, Unit] | None:
    """A short signature after a wide gap of spaces (健康！　　　　庆明上): right-aligned."""
    t = reader.text(cur)
    gap = list(_WIDE_GAP.finditer(t))
    if gap and 0 < gap[-1].start() and len(t) - gap[-1].end() <= 20 and gap[-1].end() < len(t):
        a, b = cut(reader.body, cur, cur.start + gap[-1].end())
        if a is not None and b is not None:
            return a, replace(b, indented=True)
    return None


def _split_title_date(reader: UnitReader, cur: Unit) -> tuple[Unit, Unit | None] | None:
    """给谢觉哉的信（1941年8月6日）觉哉同志：: the title before an opening date."""
    t = reader.text(cur)
    mid = _OPEN_BRACKET.search(t)
    if mid and 0 < mid.start() <= 60 and not any(c in t[:mid.start()] for c in "。；;？?！!：:，,") \
            and is_letter_title(t[:mid.start()]) \
            and reader.paren_date(replace(cur, start=cur.start + mid.start())):
        return cut(reader.body, cur, cur.start + mid.start())
    return None


def _split_opening_date(reader: UnitReader, cur: Unit) -> tuple[Unit, Unit | None] | None:
    """（1949年2月2日）某某诸先生共鉴：: an opening date glued to what follows it."""
    m = reader.paren_date(cur)
    if m and m.end() < len(reader.text(cur)):
        return cut(reader.body, cur, cur.start + m.end())
    return None


# ---------------------------------------------------------------- items

def group_items(reader: UnitReader, units: list[Unit]) -> list[list[Unit]]:
    """Cut the units into items (letters, glued articles), each beginning with its head."""
    units = list(units)
    starts = [0]
    # whether units[starts[-1]:read_to] holds body text, kept as i moves on: each unit is read once
    # (asked anew at every i of all the units before it, it was quadratic in the parts)
    has_body, read_to = False, 0
    i = 1
    while i < len(units):
        while read_to < i:
            has_body = has_body or bodyish(reader, units[read_to])
            read_to += 1
        count = len(units)
        head_at = _next_item_head(reader, units, i, starts[-1], has_body)
        i += len(units) - count  # the unit before i was cut in two: its later half is the head
        if head_at is not None:
            starts.append(head_at)
            has_body, read_to = False, head_at
        i += 1
    starts.append(len(units))
    return [units[a:b] for a, b in zip(starts, starts[1:]) if a < b]


def _next_item_head(reader: UnitReader, units: list[Unit], i: int, start: int, has_body: bool) -> int | None:
    """Where a new item begins when units[i] shows one (its head: i, or the title line before an
    opening date), else None; `start` is where the current item began, `has_body` whether a unit
    of units[start:i] is body text. May cut units[i - 1] in two."""
    if i > start + 1 and _cut_closing_date(reader, units, i):
        return i + 1  # the date closes the letter before, the title begins the next
    u = units[i]
    if u.split and fuzzy_prefix(reader.text(u), reader.facts.title) is not None and i - 1 >= start + 1:
        return i  # the document's title again
    if u.kind is PartKind.HEADING and units[i - 1].kind is not PartKind.HEADING and i > start + 1 \
            and has_body and (
                not is_section(units[start], u) or opens_letter(reader, units, i)
                or is_letter_title(reader.text(u))):
        return _with_annex_line(reader, units, i, start)
    if letter_title_line(reader, u) and i + 1 < len(units) and (
            reader.salute_like(units[i + 1]) or reader.paren_date(units[i + 1])) \
            and i > start and has_body:
        return _with_annex_line(reader, units, i, start)  # 附：某某的复信 / 某某同志： — a second letter
    if reader.paren_date(u):
        return _head_before_opening_date(reader, units, i, start)
    if i > start + 1 and has_body and _salute_after_closing(reader, units, i, start):
        return i
    if i > start and _titled_letter_line(reader, units, i):
        return i
    return None


def _cut_closing_date(reader: UnitReader, units: list[Unit], i: int) -> int:
    """Cut off the front of units[i] the closing date of the letter signed just before it
    (毛泽东 / 一九六四年三月十八日给高×的信): 1 when cut (the title is then units[i + 1]), else 0."""
    u = units[i]
    dated = reader.date_unit(u)
    if not dated or dated.end >= u.end:
        return 0
    a, b = cut(reader.body, u, dated.end)
    if a is None or b is None or not letter_title_line(reader, b) or not reader.signed_strength(units[i - 1]):
        return 0
    units[i:i + 1] = [a, b]
    return 1


def _with_annex_line(reader: UnitReader, units: list[Unit], i: int, start: int) -> int:
    """i, or i - 1 when the unit before the head announces it as an enclosure (附件（一）：)."""
    return i - 1 if i - 1 > start + 1 and annex_line(reader, units[i - 1]) else i


def _salute_after_closing(reader: UnitReader, units: list[Unit], i: int, start: int) -> bool:
    """A salutation after a letter's close: right after its signature and date, its closing date or
    its closing formula (…中共四川省委一九六一年五月八日 / 各市、地、州委：), or further on, with
    the text that follows it, once the current item has closed or announced an enclosure: the next
    letter, without a title."""
    if i + 1 >= len(units) or not reader.salute_like(units[i]):
        return False
    if _closes(reader, units, i - 1, start):
        return True
    if not bodyish(reader, units[i + 1]):
        return False
    body_from = next((k for k in range(start, i) if bodyish(reader, units[k]) and not reader.salute_like(units[k])), i)
    return any(_closes(reader, units, k, start) or annex_line(reader, units[k])
               for k in range(max(body_from + 1, i - _LOOKBACK), i - 1))


def _closes(reader: UnitReader, units: list[Unit], k: int, start: int) -> bool:
    """units[k] ends a letter: a signature and date, a right-aligned signature, a closing formula,
    or a full date under a signature or a closing formula."""
    u = units[k]
    if reader.signed_split(u) or (u.indented and reader.signed_strength(u)) or reader.ends_signed(u) \
            or reader.closing_like(u):
        return True
    dated = reader.date_unit(u)
    if not dated or dated.date_end - dated.date_start < 4 or k - 1 < start or reader.paren_date(u):
        return False
    return reader.closing_like(units[k - 1]) or reader.signed_strength(units[k - 1]) == 2


def _titled_letter_line(reader: UnitReader, units: list[Unit], i: int) -> bool:
    """A letter's title line before its text: dated (八月十三日的电报), or one of the several letters
    the document's title announces (…给蒋介石的两个电报)."""
    u = units[i]
    if i + 1 >= len(units) or not letter_title_line(reader, u) or not bodyish(reader, units[i + 1]):
        return False
    found = reader.find_date(reader.text(u), reader.facts.header_date)
    return (found is not None and found.start == 0) or bool(SEVERAL_LETTERS.search(reader.facts.title))


def _head_before_opening_date(reader: UnitReader, units: list[Unit], i: int, start: int) -> int | None:
    """The title line of the opening date at units[i]: the unit before it, or the title OCR glued
    to the end of that unit (cut off it here); None when that is the current item's own head."""
    prev = units[i - 1]
    if prev.kind is PartKind.HEADING or (reader.title_like(prev) and not reader.signed_split(prev)
                                         and not reader.date_unit(prev) and (
                                             reader.signed_strength(prev) < 2
                                             or is_letter_title(reader.text(prev)))):
        head_at = i - 1
        if head_at <= start + 1 and all(reader.title_like(v) for v in units[start:head_at + 1]):
            return None  # the leading heads of the current item
        return head_at if head_at > start else None
    split_at = _glued_head_at(reader, prev)
    if split_at is None:
        return None
    a, b = cut(reader.body, prev, split_at)
    if a is None or b is None:
        return None
    units[i - 1:i] = [a, b]
    return i if i > start else None


def _glued_head_at(reader: UnitReader, prev: Unit) -> int | None:
    """Body offset where a title glued to the end of `prev` begins: after a closing date, or the
    title's own start (…的意关于财政预算问题给林伯渠的信)."""
    du = reader.date_unit(prev)
    sd = None if du else reader.signed_split(prev)
    if du or sd:
        if du:
            end = du.end
        else:
            dated = reader.date_unit(replace(prev, start=sd.date_start))
            end = dated.end if dated else sd.date_end
        return end if end < prev.end else None
    k = title_start_in_tail(reader.text(prev))
    return prev.start + k if k is not None else None


def annex_line(reader: UnitReader, u: Unit) -> bool:
    """A line that only announces an enclosure (附件（一）：, 〔附件〕): the head of what follows."""
    return u.kind in (PartKind.PARAGRAPH, PartKind.HEADING) and bool(_ANNEX_LINE.fullmatch(reader.text(u)))


def letter_title_line(reader: UnitReader, u: Unit) -> bool:
    """A paragraph that is the title of a letter (附：某某的复信, 给某某的信)."""
    if u.kind is not PartKind.PARAGRAPH:
        return False
    t = _ANNEX_PREFIX.sub("", reader.text(u))
    return len(t) <= 60 and not any(c in t for c in "。；;？：:") and is_letter_title(t)


def is_section(first: Unit, heading: Unit) -> bool:
    """A heading deeper than the item's own (## under #) opens a section, not a new item."""
    return first.kind is PartKind.HEADING and heading.level > first.level


def opens_letter(reader: UnitReader, units: list[Unit], i: int) -> bool:
    """The heading at i is followed (after a byline or note) by a salute or an opening date."""
    for u in units[i + 1:i + 4]:
        if reader.salute_like(u) or reader.paren_date(u):
            return True
        if u.kind is PartKind.HEADING or not (reader.byline_like(u) or editorial_note(reader, u)):
            return False
    return False


def editorial_note(reader: UnitReader, u: Unit) -> bool:
    """A whole paragraph in brackets under the title: the editors' note on the writer."""
    t = reader.text(u)
    if u.kind is not PartKind.PARAGRAPH or len(t) > 400 or reader.paren_date(u) or FOOTNOTE.match(t):
        return False
    return bool(re.fullmatch(r"[（(\[【〔〖].*[）)\]】〕〗]", t, re.S) or re.match(r"(?:原?编者按|按语|按)[：:]", t))


def bodyish(reader: UnitReader, u: Unit) -> bool:
    """A unit that is neither a title line nor a name under it."""
    return not (u.kind is PartKind.HEADING or reader.title_like(u) or reader.byline_like(u))
