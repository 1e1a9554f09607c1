"""Titles: is a document a letter, does a line name a letter (给…的信, 致…电), where does a title
glued to other text begin."""
from __future__ import annotations

import re

from ..model import Document
from .lexicon import alternation, words

LETTER_TAGS = ("书信",)
_LETTER_KEYS = rf"{alternation('letter_words')}|(?<![{''.join(w[0] for w in words('not_letter_xin'))}])信"
_LETTER_TITLE = re.compile(
    rf"(?:(?:{_LETTER_KEYS})(?:[（(][^）)]*[）)])?(?:$|[和及与暨、])|[复覆致给][^，。；]{{1,40}}电$)"
)
_NOT_LETTER_TITLE = re.compile(rf"({alternation('not_telegram_words')})")
_SURE_LETTER_TITLE = re.compile(rf"({alternation('sure_letter_words')})")
_DIRECTIVE_TITLE = re.compile(rf"({alternation('directive_title_endings')})[”\"]?$")
_OTHER_TITLE = re.compile(rf"({alternation('other_title_endings')})[！!\"”]*$")
_TITLE_TAIL = re.compile(r"[\s\"“”'！!?？\[\]\d]+$")
"""Quotes, marks and note numbers OCR left after a title."""
_TITLE_NOISE = re.compile(r"[\s\"“”'！!?？\[\]]+")


def is_letter_document(document: Document) -> bool:
    """True when the tags or the title say the document is a letter or a telegram."""
    header = document.header
    if any(tag in LETTER_TAGS for tag in header.tags):
        return True
    return is_letter_title(header.title)


def is_letter_title(title: str) -> bool:
    """给…的信, 致…电, 复信, 贺电…: a title naming a letter or a telegram."""
    title = strip_title_tail(title.strip())
    title = title.rstrip("\"“”")
    if not title or _NOT_LETTER_TITLE.search(title) and not _SURE_LETTER_TITLE.search(title):
        return False
    if _DIRECTIVE_TITLE.search(title):
        return False  # 关于处理人民来信…的指示: a directive about letters
    return bool(_LETTER_TITLE.search(title))


def is_document_title(text: str) -> bool:
    """A letter's title or another text's (…的谈话, …的指示): what may follow a date when OCR glued
    the next document on."""
    return is_letter_title(text) or bool(_OTHER_TITLE.search(text))


def strip_title_tail(title: str) -> str:
    """The title without the quotes, marks and note numbers OCR left at its end."""
    return _TITLE_TAIL.sub("", title)


def fuzzy_prefix(text: str, title: str) -> int | None:
    """Length of the prefix of `text` that is `title` up to OCR noise, or None."""
    core = _TITLE_NOISE.sub("", title)
    if len(core) < 4:
        return None
    pos = 0
    missed = 0
    for ch in core:
        while pos < len(text) and text[pos] in "\"“”'！!?？[]" and ch not in "\"“”'":
            pos += 1
        if pos >= len(text):
            return None
        if text[pos] != ch:
            missed += 1
            if len(core) - missed < 0.8 * len(core):
                return None  # too many misses already: not the title
        pos += 1
    while pos < len(text) and text[pos] in "\"“”'！!?？":
        pos += 1
    return pos


def title_start_in_tail(t: str) -> int | None:
    """Where a glued title begins at the end of `t` (…的意关于财政预算问题给林伯渠的信)."""
    cut = max(t.rfind(c) for c in "。；！？]】")
    tail_start = cut + 1
    tail = t[tail_start:]
    if not tail or len(tail) > 60:
        m = re.search(r"(?:关于|给|致|复)[^。；！？]{1,45}$", t)
        if not m:
            return None
        tail_start, tail = m.start(), m.group(0)
    if not is_letter_title(tail) and not _OTHER_TITLE.search(tail):
        return tail_start if len(tail) <= 30 and tail_start > 0 else None
    k = tail.rfind("给")
    k = max(k, tail.rfind("致"))
    if k > 0:
        about = tail.rfind("关于", 0, k)
        return tail_start + (about if about >= 0 else k)
    for word in ("关于", "复", "和", "与"):
        about = tail.rfind(word)
        if about >= 0:
            return tail_start + about
    return tail_start
