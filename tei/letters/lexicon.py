"""The letters step's word lists (tei/data/letter_words.json) and the patterns several parts share.

Each list is a tuple of words; `alternation` joins a list into a regular-expression alternation in
the file's order (the order matters where a pattern's match, not only whether it matches, is used).
"""
from __future__ import annotations

import json
import re
from importlib import resources

DATA_FILE = "letter_words.json"


def _load() -> dict[str, tuple[str, ...]]:
    raw = json.loads(resources.files("tei.data").joinpath(DATA_FILE).read_text(encoding="utf-8"))
    return {name: tuple(entry["words"].split()) for name, entry in raw["lists"].items()}


WORDS = _load()
"""List name → its words, in the file's order."""


def words(name: str) -> tuple[str, ...]:
    return WORDS[name]


def alternation(name: str) -> str:
    """The words of list `name` as `a|b|c`, escaped, in the file's order."""
    return "|".join(re.escape(word) for word in WORDS[name])


SURNAMES = frozenset(words("surnames")) - frozenset(words("not_surnames"))
GENERIC_ADDRESSEES = frozenset(words("generic_addressees"))
PLACES = words("places")

SPACES = re.compile(r"\s+")
CJK_WORD = re.compile(r"[\u4e00-\u9fff]+")
FOOTNOTE = re.compile(r"^\s*(?:[\[［【〔]\s*\d{1,3}\s*[\]］】〕]|\(\d{1,3}\)|注\d{1,3}[:：])")
"""An editorial footnote's mark at the start of a part: [1], ［1］, (1), 注1："""
SALUTE_START = re.compile(rf"^(?:{alternation('salute_openings')})")
SALUTE_END = re.compile(rf"(?:{alternation('salute_endings')})(?:\[\d+\])?(?:[:：，,]|——)?$")
CLOSING_END = re.compile(rf"(?:{alternation('closing_endings')})[！!。.]*$")
SIGN_MARK = re.compile(
    rf"(?:[（(]\s*签\S?\s*[）)]|[（(]\s*印\s*[）)]|[（(]\s*盖章\s*[）)]|同叩|(?:{alternation('signature_endings')})$)"
)
"""A signature's mark: （签字）, （印）, （盖章）, or a closing verb at its end (敬上, 同叩)."""
TIME_SUFFIX = re.compile(
    rf"^\s*(?:{alternation('times_of_day')})?\s*"
    r"(?:[0-9０-９]{1,2}\s*[时点](?:\s*[0-9０-９]{1,2}\s*分)?|[一二三四五六七八九十廿]{1,3}[时点](?:[一二三四五六七八九十]{1,3}分)?)?"
)
"""A time of day after a date (夜, 凌晨 5时, 十八时)."""
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
SENTENCE_END = re.compile(r"[。！？!?]")
PAREN_DATE = re.compile(r"^[（(]\s*([^（）()]{2,30}?)\s*[）)]")
"""A bracketed date at the start of a part, as under a letter's title: （1941年8月6日）."""
BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def is_surname_name(name: str) -> bool:
    """A 2–4 character CJK word beginning with a common surname (毛泽东, 谢觉哉)."""
    return 2 <= len(name) <= 4 and name[0] in SURNAMES and bool(CJK_WORD.fullmatch(name))
