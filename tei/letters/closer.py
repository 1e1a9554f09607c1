"""The end of a letter: the closer (closing salutes, signatures, the closing date line), the
postscript after it and the editors' notes after that.

The closer is anchored at the signature (`find_signature`) and grows backwards over closing
salutes (此致 / 敬礼！) and forwards over more signatures and the date. Without a signature, closing
salutes and a date at the end of the letter make the closer. Closing formulas at the end of the
last body paragraph (…。特电布复，敬表欢迎。) are cut off it into the closer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..model import Node, PartKind
from .lexicon import SENTENCE_END
from .nodes import dateline, place_line, place_of, when_of
from .postscript import build_postscript
from .reading import UnitReader
from .units import Unit, cut, trim

_FORMULA_HEAD = re.compile(r"^.{0,30}?(?:敬[礼札]|[大日近时刻春勋钧撰台]安|健康|万岁)[！!。]*")
"""A closing formula at the start of a paragraph OCR glued a signature to (此致同志的敬礼毛泽东)."""
_BARE_SALUTE = re.compile(r"(?:[\u4e00-\u9fff]{0,8}的)?敬礼[！!。.]*")
"""敬礼！, 革命的敬礼: a salute that may take a lead-in line before it (为了祖国的富强 / 敬礼！)."""
_SIGNED_PLACE = re.compile(r"于([\u4e00-\u9fff]{2,8})$")
"""…于建宁: the place at the end of a signature without a date."""
_SHORT_SIGNATURE = 8
_MOST_SIGNATORY_LINES = 8
_SHORT_LAST_LINE = 15
"""Longest short name-like line that anchors the closer when a date follows it."""


@dataclass
class Closing:
    """How the units after the opener divide: body, closer, postscript and trailing notes."""

    body: list[Unit]
    closer: Node | None = None
    postscript: Node | None = None
    notes: list[Unit] = field(default_factory=list)
    signed_texts: list[str] = field(default_factory=list)
    """The text of each signature, for the senders."""
    when: str | None = None
    """@when of the closing date line."""
    place: str | None = None
    """The place a closing date line (or the signature) names: where the letter was written."""


def read_closing(reader: UnitReader, rest: list[Unit]) -> Closing:
    """Split the units after the opener into body, closer, postscript and trailing notes."""
    rest = split_signature_glue(reader, rest)
    anchor = find_signature(reader, rest)
    if anchor is None:
        return _unsigned_closing(reader, rest)
    return _signed_closing(reader, rest, anchor)


def split_trailing_notes(reader: UnitReader, units: list[Unit]) -> tuple[list[Unit], list[Unit]]:
    """(units, notes): the footnotes and source lines at the end split off."""
    last = len(units)
    while last > 0 and reader.is_note(units[last - 1]):
        last -= 1
    return units[:last], units[last:]


# ---------------------------------------------------------------- the signature

def find_signature(reader: UnitReader, rest: list[Unit]) -> int | None:
    """Index of the first signature in `rest` (never the first unit), or None."""
    n = len(rest)
    notes_only_from = [True] * (n + 1)  # notes_only_from[k]: rest[k:] holds nothing but notes
    for k in range(n - 1, -1, -1):
        notes_only_from[k] = notes_only_from[k + 1] and reader.is_note(rest[k])
    for k in range(1, n) if n > 1 else ():
        if not reader.is_note(rest[k]) and _is_signature(reader, rest, k, notes_only_from[k + 1]):
            return k
    last = next((k for k in range(n - 1, 0, -1) if not reader.is_note(rest[k])), None)
    if last is not None and len(reader.text(rest[last])) <= _SHORT_LAST_LINE and reader.closes_before(rest, last) \
            and not reader.closing_like(rest[last]) and rest[last].kind is PartKind.PARAGRAPH:
        return last  # 祝 / 好！ / 6·6放。: the short line after the closing formula signs the letter
    return None


def _is_signature(reader: UnitReader, rest: list[Unit], k: int, last_content: bool) -> bool:
    """rest[k] signs the letter: a signature and its date, a signer's name with a date or a
    closing formula beside it, or a name-like line where the letter ends."""
    u = rest[k]
    prev_closing = reader.closes_before(rest, k)
    glued = reader.signed_split(u)
    if glued and (u.indented or prev_closing or reader.known_name_in(reader.text(u)[:glued.signature_end - u.start])
                  or len(re.sub(r"\s", "", reader.body[u.start:glued.signature_end])) <= 12):
        return True
    strength = reader.signed_strength(u)
    if not strength:
        return False
    if _signatories_then_date(reader, rest, k):
        return True
    nxt = rest[k + 1] if k + 1 < len(rest) else None
    next_date = nxt is not None and reader.date_unit(nxt) is not None
    if strength == 2:
        return next_date or prev_closing or u.indented or last_content or (
            nxt is not None and reader.signed_strength(nxt) == 2)
    return next_date or (u.indented and (prev_closing or last_content)) or (
        (prev_closing or reader.plain_date(rest[k - 1])) and last_content)


def _signatories_then_date(reader: UnitReader, rest: list[Unit], k: int) -> bool:
    """rest[k] begins a run of signature lines, one signer each, that a date line closes
    (中国共产党中央委员会主席 毛泽东 / …副主席 林 彪 / …总理 周恩来 / 一九六九年…于北京)."""
    for m in range(k + 1, min(k + _MOST_SIGNATORY_LINES, len(rest))):
        if reader.date_unit(rest[m]) or reader.signed_split(rest[m]):
            return m > k + 1 or bool(reader.signed_split(rest[m]))
        if not reader.signed_strength(rest[m]):
            return False
    return False


def split_signature_glue(reader: UnitReader, rest: list[Unit]) -> list[Unit]:
    """Cut a signature (and its date) off the paragraph OCR glued it to (…敬礼！毛泽东八月六日)."""
    out: list[Unit] = []
    for k, u in enumerate(rest):
        nxt = rest[k + 1] if k + 1 < len(rest) else None
        out.extend(_signature_cut(reader, u, nxt) or (u,))
    return out


def _signature_cut(reader: UnitReader, u: Unit, nxt: Unit | None) -> tuple[Unit, ...] | None:
    """`u` as a paragraph and the signature glued to its end, or None when it holds none."""
    if u.kind is not PartKind.PARAGRAPH:
        return None
    t = reader.text(u)
    ends = [m.end() for m in SENTENCE_END.finditer(t)]
    formula = _FORMULA_HEAD.match(t)
    if formula and formula.end() < len(t) and not any(e > formula.end() for e in ends):
        ends = [formula.end()]  # 此致同志的敬礼毛泽东: a formula, then the signature
    if not ends:
        return None
    cut_at, dated = _signature_start(reader, u, ends)
    tail = trim(reader.body, u.start + cut_at, u.end)
    if tail[0] >= tail[1] or (tail[1] - tail[0] > 45 and not dated):
        return None
    candidate = replace(u, start=tail[0], end=tail[1], indented="\xa0" in reader.body[u.start + cut_at:tail[0]])
    strength = reader.signed_strength(candidate)
    if reader.is_note(u) and not (strength == 2 and nxt is not None and reader.date_unit(nxt)):
        return None  # a footnote, unless a known signer and then a date follow (…欢迎。毛泽东朱德 / 二月二日)
    if not (dated or reader.signed_split(candidate) or strength == 2 or (
            strength == 1 and tail[1] - tail[0] <= _SHORT_SIGNATURE and nxt is not None and reader.date_unit(nxt))):
        return None
    a, b = cut(reader.body, u, u.start + cut_at)
    if b is not None:
        b = replace(b, indented=candidate.indented)
    return tuple(x for x in (a, b) if x is not None)


def _signature_start(reader: UnitReader, u: Unit, ends: list[int]) -> tuple[int, bool]:
    """Where in `u` a glued signature would start (after the last sentence, or after a sentence
    followed by a signature and its date), and whether a date came with it."""
    for e in reversed(ends[-6:]):
        # a signature and date followed by more (…敬颂大安！毛泽东四月二十九日[1]李鼎铭…)
        inner = trim(reader.body, u.start + e, u.end)
        if inner[0] < inner[1] and reader.signed_split(u.span(inner[0], inner[1])):
            return e, True
    return ends[-1], False


# ---------------------------------------------------------------- the closer

def _unsigned_closing(reader: UnitReader, rest: list[Unit]) -> Closing:
    """No signature: closing salutes (and a date) at the end of the letter make the closer."""
    content, notes = split_trailing_notes(reader, rest)
    j = len(content)
    date_node = None
    if j > 1:
        du = reader.date_unit(content[j - 1])
        if du and du.end == content[j - 1].end:
            date_node = dateline(reader, content[j - 1].start, du.end, du.date_start, du.date_end)
            j -= 1
    c = j
    while c > 1 and reader.closing_like(content[c - 1]):
        c -= 1
    if c == j and date_node is None:
        body_units, closer = split_tail(reader, content)  # …如妥，请批发。 with no signature
        return Closing(body=body_units, closer=_closer(closer) if closer else None, notes=notes)
    body_units, closer = split_tail(reader, content[:c])
    closer += [Node("salute", u.start, u.end) for u in content[c:j]]
    if date_node is not None:
        closer.append(date_node)
    return Closing(body=body_units, closer=_closer(closer), notes=notes,
                   when=when_of(date_node) if date_node is not None else None,
                   place=place_of(date_node, reader.body) if date_node is not None else None)


def _signed_closing(reader: UnitReader, rest: list[Unit], anchor: int) -> Closing:
    """The closer around the signature at `anchor`, the postscript and notes after it."""
    c = _closer_start(reader, rest, anchor)
    body_units, closer = split_tail(reader, rest[:c])
    for u in rest[c:anchor]:
        if reader.plain_date(u):  # the date above the signature
            du = reader.date_unit(u)
            closer.append(dateline(reader, u.start, u.end, du.date_start, du.date_end))
        else:
            closer.append(Node("salute", u.start, u.end))
    signed_texts: list[str] = []
    k, trailing = _read_signatures(reader, rest, anchor, closer, signed_texts)
    when = next((value for node in closer if node.tag == "dateline" and (value := when_of(node))), None)
    place = next((value for node in closer if node.tag == "dateline" and (value := place_of(node, reader.body))), None)
    trailing.extend(rest[k:])
    ps_units, notes = split_trailing_notes(reader, trailing)
    return Closing(body=body_units, closer=_closer(closer),
                   postscript=build_postscript(reader, ps_units) if ps_units else None,
                   notes=notes, signed_texts=signed_texts, when=when, place=place)


def _closer_start(reader: UnitReader, rest: list[Unit], anchor: int) -> int:
    """Where the closer begins: back from the signature over closing salutes, a short line
    between them (此致 / 同志 / 敬礼) and a date right above the signature."""
    c = anchor
    while c > 1:
        u = rest[c - 1]
        if c > 2 and reader.closes_before(rest, c) and not reader.closing_like(u):
            c -= 2  # 祝 / 好！
            continue
        if not (reader.closing_like(u) or (
                len(reader.text(u)) <= 10 and reader.signed_strength(u) == 1 and c - 2 >= 0
                and (reader.closing_like(rest[c - 2]) or reader.tail_formula_start(rest[c - 2]) is not None)) or (
                reader.plain_date(u) and c == anchor)):
            break
        c -= 1
    if c > 1 and c < anchor and _BARE_SALUTE.fullmatch(reader.text(rest[c])) and _lead_in(reader, rest[c - 1]):
        c -= 1  # 为了祖国的富强 / 敬礼！
    return c


def _lead_in(reader: UnitReader, u: Unit) -> bool:
    """A short phrase without a sentence's punctuation, leading into a bare 敬礼 on the next line."""
    t = reader.text(u)
    return u.kind is PartKind.PARAGRAPH and len(t) <= 15 and not any(c in t for c in "。！？!?；;：:")


def _read_signatures(reader: UnitReader, rest: list[Unit], anchor: int, closer: list[Node],
                     signed_texts: list[str]) -> tuple[int, list[Unit]]:
    """Signatures and the date from the anchor on, appended to `closer`; returns the index after
    them and what is left of a unit the date ended inside (the start of a postscript)."""
    body = reader.body
    trailing: list[Unit] = []
    k = anchor
    while k < len(rest):
        u = rest[k]
        glued = reader.signed_split(u)
        if glued:
            closer.append(Node("signed", u.start, glued.signature_end))
            signed_texts.append(body[u.start:glued.signature_end])
            line_start = trim(body, glued.signature_end, glued.date_start)[0]  # from a bracket before the date, if any
            du = reader.date_unit(replace(u, start=line_start))
            end = du.end if du else glued.date_end
            closer.append(dateline(reader, line_start, end, glued.date_start, glued.date_end))
            trailing.extend(_after(body, u, end))
            return k + 1, trailing
        du = reader.date_unit(u)
        if du and k > anchor:
            closer.append(dateline(reader, u.start, du.end, du.date_start, du.date_end))
            trailing.extend(_after(body, u, du.end))
            return k + 1, trailing
        if k == anchor or (reader.signed_strength(u) and not reader.closing_like(u)):
            signed = _signed_at_place(reader, u)
            closer.extend(signed)
            signed_texts.append(body[signed[0].start:signed[0].end])
            k += 1
            continue
        break
    return k, trailing


def _signed_at_place(reader: UnitReader, u: Unit) -> list[Node]:
    """The signature, and the place it was written at when it ends with one (总前委毛泽东于建宁)."""
    m = _SIGNED_PLACE.search(reader.text(u))
    if m is None or m.start() == 0:
        return [Node("signed", u.start, u.end)]
    at = u.start + m.start()
    return [Node("signed", u.start, at), place_line(at, u.end, u.start + m.start(1), u.start + m.end(1))]


def _after(body: str, u: Unit, end: int) -> list[Unit]:
    """What is left of `u` after body offset `end`, as a unit (none when nothing is)."""
    if end >= u.end:
        return []
    _, rest = cut(body, u, end)
    return [rest] if rest is not None else []


def split_tail(reader: UnitReader, body_units: list[Unit]) -> tuple[list[Unit], list[Node]]:
    """Cut closing formulas off the end of the last body paragraph: (body units, salute nodes)."""
    body_units = list(body_units)
    if not body_units or body_units[-1].kind is not PartKind.PARAGRAPH:
        return body_units, []
    last = body_units[-1]
    at = reader.tail_formula_start(last)
    if at is None:
        return body_units, []
    a, b = cut(reader.body, last, at)
    if a is None or b is None:
        return body_units, []
    return body_units[:-1] + [a], [Node("salute", b.start, b.end)]


def _closer(children: list[Node]) -> Node:
    return Node("closer", children[0].start, children[-1].end, children=tuple(children))
