"""The lines that end a division of a document not laid out as letters: a date alone, and the
signature just before it, in a closer (the letters step places a letter's own)."""
from __future__ import annotations

import re

from .letters.lexicon import CJK_WORD, CLOSING_END, SALUTE_START, alternation
from .model import Document, Node, Structure
from .structure import dateline_node, find_date
from .vocab import DIV_BODY

_DATE_WRAPPING = frozenset("（）()〔〕[]【】")
"""What may stand around a date that is a line of its own: （一九五二年十月五日）."""
_SIGNATURE_MAX = 30
"""Longest signature line before a closing date, spaces not counted (毛泽东　陈绍禹　秦邦宪林祖涵…)."""
_FORMULA_START = re.compile(rf"(?:{alternation('closing_openings')}|{alternation('request_openings')})")
"""A closing or request formula (特此通知, 此布, 当否): no signature."""
_NOT_IN_SIGNATURE = re.compile(r"[。！？!?；;：:，,“”\"《》0-9０-９]")
"""A line with one of these is a sentence, a field (填写机关：…) or a number, not a signature."""


def close_with_datelines(document: Document, structure: Structure) -> Structure:
    """The structure with the last paragraph of a division made its closer's dateline where it is a
    date alone after the division's body (八月四日 at the end of a report, （一九五一年十二月八日）
    at the end of each telegram of a collection), and a signature line just before it (毛泽东,
    中共中央军事委员会) the closer's `signed`: TEI puts what ends a division in a closer. For
    documents not laid out as letters (the letters step places a letter's own)."""
    return Structure(divs=tuple(_close_with_dateline(document, div) for div in structure.divs),
                     letters=structure.letters)


def _close_with_dateline(document: Document, div: Node) -> Node:
    children = [_close_with_dateline(document, child) if child.tag == "div" else child for child in div.children]
    dateline = _closing_dateline(document, children)
    if dateline is not None:
        closer = [dateline]
        if _closing_signature(document, children[:-1]):
            signed = children.pop(-2)
            closer.insert(0, Node("signed", signed.start, signed.end))
        children[-1] = Node("closer", closer[0].start, dateline.end, children=tuple(closer))
    return div._replace(children=tuple(children))


def _closing_dateline(document: Document, children: list[Node]) -> Node | None:
    """The dateline the last of children makes: a plain paragraph that is a date alone, after a body."""
    if not _ends_with_plain_paragraph_after_body(children):
        return None
    last = children[-1]
    found = find_date(document, last.start, last.end)
    text = document.body[last.start:last.end]
    if found is None or not all(c.isspace() or c in _DATE_WRAPPING for c in text[:found.start] + text[found.end:]):
        return None
    return dateline_node(last.start, last.end, found)


def _closing_signature(document: Document, children: list[Node]) -> bool:
    """Whether the last of children, before a closing date, is a signature line: short, a name or a
    body's name, no sentence, salutation or closing formula (致…, 此致敬礼, 特此通知), after a body
    still. Not the letters' signed_strength: it refuses a 、 (洛、毛: two signers) and takes a
    bracketed line (（完）), where a date already says that the line before it ends the division."""
    if not _ends_with_plain_paragraph_after_body(children):
        return False
    last = children[-1]
    line = "".join(document.body[last.start:last.end].split())
    return (len(line) <= _SIGNATURE_MAX and CJK_WORD.search(line) is not None
            and _NOT_IN_SIGNATURE.search(line) is None and line[0] not in _DATE_WRAPPING
            and not line.endswith("完") and SALUTE_START.search(line) is None and _FORMULA_START.match(line) is None
            and CLOSING_END.search(line) is None)


def _ends_with_plain_paragraph_after_body(children: list[Node]) -> bool:
    """A paragraph with nothing marked in it ends children, and a body part or division comes before it
    (TEI wants one before a closer)."""
    return (bool(children) and children[-1].tag == "p" and not children[-1].children
            and any(child.tag in DIV_BODY or child.tag == "div" for child in children[:-1]))
