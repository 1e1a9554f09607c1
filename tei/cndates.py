"""Chinese dates in letter text → ISO partial dates (YYYY, YYYY-MM, YYYY-MM-DD).

Handles Chinese numerals (一九六三年十一月二十九日, 〇/零/○/O for zero, 廿/卅), Arabic digits
(1941年8月6日, 74.1.28), partial dates (1945年8月, 八月六日 with the year taken from the header)
and the telegram day codes (韵目代日: 佳 = the 9th). Where OCR has garbled a numeral, the header
date is used only when every legible numeral agrees with it.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

_DIGIT = {
    "〇": 0, "○": 0, "零": 0, "O": 0, "o": 0, "Ο": 0, "０": 0, "◯": 0, "0": 0,
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "两": 2,
}
for _i, _c in enumerate("0123456789"):
    _DIGIT[_c] = _i
for _i, _c in enumerate("０１２３４５６７８９"):
    _DIGIT[_c] = _i

NUMERAL_CHARS = "〇○零O一二三四五六七八九十廿卅两0123456789０１２３４５６７８９"
_NUM = "[" + NUMERAL_CHARS + "]"

# 韵目代日: the day of month written as one rhyme character in telegrams.
RHYME_DAYS = {
    "东": 1, "冬": 2, "江": 3, "支": 4, "微": 5, "鱼": 6, "虞": 7, "齐": 8, "佳": 9, "灰": 10,
    "真": 11, "文": 12, "元": 13, "寒": 14, "删": 15, "铣": 16, "篠": 17, "巧": 18, "皓": 19,
    "号": 20, "马": 21, "养": 22, "漾": 23, "敬": 24, "有": 25, "宥": 26, "感": 27, "俭": 28,
    "艳": 29, "陷": 30, "世": 31,
}

# A year of 2–4 characters, at least two of them numerals (checked later), so that OCR-garbled
# years (一北大三年) are still recognised as dates; month and day must be legible.
_YEAR = r"(?<![0-9０-９])(?P<y>[0-9０-９]{4}|[0-9０-９]{2}|[^\s0-9０-９，。、：；！？（）()\[\]]{4})年"
_MONTH = r"(?P<m>[0-9０-９]{1,2}|[正元]|[一二三四五六七八九十]{1,3})月(?:份)?"
_DAY = r"(?P<d>[0-9０-９]{1,2}|[一二三四五六七八九十廿卅]{1,4})[日号]"
# after a month, OCR's 目/曰 for 日 is still a day (八月六目)
_DAY_AFTER_MONTH = r"(?P<d>[0-9０-９]{1,2}|[一二三四五六七八九十廿卅]{1,4})[日号目曰]"
_SEASON = r"(?P<s>春|夏|秋|冬|春夏|夏秋|秋冬|冬春|上半年|下半年|初|底|末)?"

YEAR_DATE = re.compile(rf"{_YEAR}\s*(?:{_MONTH}\s*(?:{_DAY_AFTER_MONTH})?|{_SEASON})")
MONTH_DATE = re.compile(rf"{_MONTH}\s*(?:{_DAY_AFTER_MONTH})?")
# 5．1．晨, 5、6夜: month and day in digits, closed by a dot or a time of day (a letter's date line).
MONTH_DAY_DATE = re.compile(
    r"(?<![0-9０-９.．、])(?P<m>1[0-2]|0?[1-9])\s*[.．、·]\s*(?P<d>[12][0-9]|3[01]|0?[1-9])"
    r"(?:\s*[.．](?![0-9])|(?=\s*(?:凌晨|清晨|早晨|早|晨|上午|中午|午|下午|傍晚|晚上|晚|深夜|午夜|夜半|夜)))"
)
# 九年十一月二十六日: a year of the Republic (民国, 1912 = 元年) before a month, read only when the
# header's year agrees or there is none.
REPUBLIC_DATE = re.compile(rf"(?<![{NUMERAL_CHARS}])(?P<r>[一二三四五六七八九十]{{1,3}})年\s*{_MONTH}\s*(?:{_DAY_AFTER_MONTH})?")
REPUBLIC_START = 1911
REPUBLIC_LAST = 38
"""民国三十八年 = 1949."""
DAY_DATE = re.compile(_DAY)
# 一九四九，四，二十九。 (year, month and day in numerals separated by commas or dots)
CN_LIST_DATE = re.compile(
    r"(?P<y>[〇○零O一二三四五六七八九]{4})\s*[，,.．、]\s*(?P<m>[一二三四五六七八九十]{1,3})\s*[，,.．、]\s*"
    r"(?P<d>[一二三四五六七八九十廿卅]{1,3})(?![\u4e00-\u9fff])"
)
DOTTED_DATE = re.compile(
    r"(?<![0-9])(?P<y>[0-9]{4}|[0-9]{2})\s*[.．/\-]\s*(?P<m>[0-9]{1,2})\s*[.．/\-]\s*(?P<d>[0-9]{1,2})(?![0-9])"
)


# Any characters where the numerals should be, for dates OCR has garbled (二月二t一日): accepted
# only when they hold some numerals, and valued only when the legible ones agree with the header.
_ANY = r"[^\s，。、：；！？（）()\[\]年月日]"
LENIENT_DATE = re.compile(
    rf"(?:(?P<y>{_ANY}{{2,4}})[年午])?(?P<m>{_ANY}{{1,2}})[月日](?P<d>{_ANY}{{1,3}})[日号目曰白自口月]"
)
_LENIENT_LONGEST = 4 + 1 + 2 + 1 + 3 + 1
"""Longest lenient date: year, 年, month, 月, day, 日."""
_LENIENT_MARK_AT = 4 + 1 + 2
"""Furthest a lenient date's 月 or 日 (after the month) lies from its start."""
_MONTH_OR_DAY = re.compile("[月日]")

_PATTERNS = (
    (DOTTED_DATE, re.compile("[0-9]")),
    (CN_LIST_DATE, re.compile("[，,.．、]")),
    (YEAR_DATE, re.compile("年")),
    (REPUBLIC_DATE, re.compile("年")),
    (MONTH_DAY_DATE, re.compile("[.．、·]")),
    (MONTH_DATE, re.compile("月")),
    (DAY_DATE, re.compile("[日号]")),
)
"""The strict patterns in order of preference, each with a character class it cannot match without."""
_MAYBE_DATE = re.compile(r"[年月日号0-9]|[〇○零O一二三四五六七八九]{4}\s*[，,.．、]")
"""Text without a match here holds no date for any pattern (a cheap test before them all)."""
_DATE_SEED = re.compile(r"[年月日号0-9]|[〇○零O一二三四五六七八九]{4}")
_SEED_REACH = _LENIENT_MARK_AT
"""Furthest a date's first seed lies from its start: an ASCII digit or four numerals open
DOTTED_DATE and CN_LIST_DATE, 年 comes at most 4 characters in (YEAR_DATE), 月 at most 3
(MONTH_DATE), 日 or 号 at most 4 (DAY_DATE), and a lenient date's 月 or 日 at most 7."""


def may_start_date_by(text: str, limit: int) -> bool:
    """False only when no date in `text` can start at or before offset `limit`: a cheap test for
    callers that want a date near the start, such as a signature's or a dateline's."""
    return _DATE_SEED.search(text, 0, limit + _SEED_REACH + 1) is not None


@dataclass(frozen=True)
class DateMatch:
    """A date found in text: its span and its ISO value (None when unreadable)."""

    start: int
    end: int
    when: str | None
    legible: bool = True
    """Month and day (where written) are readable numerals, whether or not a year is known."""


@lru_cache(maxsize=4096)
def _small_number(text: str) -> int | None:
    """一 … 三十一, 廿七, 卅, 12 → int; None when a character is not a numeral."""
    if not text:
        return None
    if all(c in _DIGIT for c in text) and any(c.isdigit() for c in text):
        return int("".join(str(_DIGIT[c]) for c in text))
    text = text.replace("廿", "二十").replace("卅", "三十")
    if text in ("正", "元"):
        return 1  # 正月, 元月: January
    if "十" in text:
        head, _, tail = text.partition("十")
        if "十" in tail:
            return None
        tens = 1 if head == "" else _DIGIT.get(head) if len(head) == 1 else None
        units = 0 if tail == "" else _DIGIT.get(tail) if len(tail) == 1 else None
        if tens is None or units is None:
            return None
        return tens * 10 + units
    if len(text) == 1 and text in _DIGIT:
        return _DIGIT[text]
    return None


def _year_digits(text: str) -> list[int | None]:
    """Digits of a written year, None for an illegible character."""
    return [_DIGIT.get(c) for c in text]


_Header = tuple[int | None, int | None, int | None]
"""Year, month and day of the document's header date."""


@lru_cache(maxsize=64)
@lru_cache(maxsize=256)
def _header_parts(header: str | None) -> _Header:
    if not header:
        return None, None, None
    bits = [int(b) for b in re.findall(r"\d+", header)[:3]]
    bits += [0] * (3 - len(bits))
    y, m, d = bits
    return (y or None), (m or None), (d or None)


@lru_cache(maxsize=4096)
def _iso(y: int | None, m: int | None = None, d: int | None = None) -> str | None:
    if y is None or not 1 <= y <= 2999:
        return None
    out = "%04d" % y
    if m is None:
        return out
    if not 1 <= m <= 12:
        return out
    out += "-%02d" % m
    if d is None or not 1 <= d <= calendar.monthrange(y, m)[1]:
        return out  # an impossible day (1957-02-29) keeps the month only
    return out + "-%02d" % d


@lru_cache(maxsize=4096)
def _resolve_year(text: str, header_year: int | None) -> tuple[int | None, bool]:
    """(year, ok). ok is False when the year is garbled and the header does not confirm it."""
    digits = _year_digits(text)
    if len(digits) == 2 and all(d is not None for d in digits):
        two = digits[0] * 10 + digits[1]
        if header_year is not None and header_year % 100 == two:
            return header_year, True
        return 1900 + two, True
    if all(d is not None for d in digits):
        return int("".join(map(str, digits))), True
    legible = [(i, d) for i, d in enumerate(digits) if d is not None]
    if len(digits) != 4 or len(legible) < 2 or header_year is None:
        return None, False
    want = "%04d" % header_year
    if all(int(want[i]) == d for i, d in legible):
        return header_year, True
    return None, False


def _from_match(gy: str | None, month: int | None, day: int | None, header: _Header) -> str | None:
    """ISO value of a matched year text and month and day numbers (None: absent or unreadable)."""
    hy, hm, hd = header
    if gy is not None:
        year, ok = _resolve_year(gy, hy)
        if not ok:
            return None
    else:
        year = hy
    if month is None and day is not None:
        # a day alone (廿七日): only with the header's year and month
        if hm is None or hy is None or gy is not None:
            return None
        return _iso(hy, hm, day)
    if year is None:
        return None
    return _iso(year, month, day)


def _republic_year(written: str, header_year: int | None) -> str | None:
    """民国 year `written` (九) as a four-digit year (1920), when the header's year is that one or absent."""
    n = _small_number(written)
    if n is None or not 1 <= n <= REPUBLIC_LAST:
        return None
    year = REPUBLIC_START + n
    return str(year) if header_year is None or header_year == year else None


def find_cn_date(text: str, header: str | None = None) -> DateMatch | None:
    """The first date in `text` (Chinese or Arabic numerals), with its span and ISO value.

    Args:
        text: any text, e.g. a dateline 一九六三年十一月二十九日 or 74.1.28凌晨 5时.
        header: the document's ISO header date; gives the year for 八月六日 and confirms
            garbled numerals.
    """
    if not _MAYBE_DATE.search(text):
        return None
    parts = _header_parts(header)
    best: DateMatch | None = None
    for rx, needs in _PATTERNS:
        if not needs.search(text):
            continue
        for m in rx.finditer(text):
            groups = m.groupdict()
            gy, gm, gd = groups.get("y"), groups.get("m"), groups.get("d")
            if rx is YEAR_DATE and not gy.isdigit() and sum(c in _DIGIT for c in gy) < 2:
                continue
            if rx is REPUBLIC_DATE:
                gy = _republic_year(groups["r"], parts[0])
                if gy is None:
                    continue
            if best is not None and not (m.start() < best.start or (
                    m.start() == best.start and m.end() > best.end)):
                break  # the date found already starts earlier, or as early and is longer
            month = _small_number(gm) if gm else None
            day = _small_number(gd) if gd else None
            legible = (gm is None or month is not None) and (gd is None or day is not None)
            when = _from_match(gy, month, day, parts) if legible else None
            best = DateMatch(m.start(), m.end(), when, legible and (when is not None or gm is not None))
            break
    if best is not None and best.start == 0 and best.end == len(text):
        return best  # the whole text: no garbled reading can start earlier or reach further
    loose = _lenient(text, parts, best)
    if loose is not None and best is None:
        best = loose
    elif loose is not None and (
            (loose.start == best.start and loose.end > best.end)
            or (loose.start < best.start and loose.end >= best.end and loose.when is not None)):
        # reaching left (上二月二十日 for 十二月二十日) only when the header confirms it: 敬上六月二十日 is not
        if best.when is None or loose.when is not None:
            best = loose
        elif best.when.count("-") < 2:
            # 二月三t一日: the whole span is the date; only the legible month is its value
            best = DateMatch(loose.start, loose.end, best.when, best.legible)
    return best


def _cn_small(n: int) -> str:
    """12 → 十二, 21 → 二十一, 30 → 三十 (as dates are printed)."""
    digits = "〇一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


def _agrees(written: str, expected: tuple[str, ...]) -> bool:
    """Every legible numeral of `written` matches one of the `expected` spellings, position by position."""
    for form in expected:
        if len(form) != len(written):
            continue
        if all(_DIGIT.get(w, -1) == _DIGIT.get(e, -2) or w == e or (w not in _DIGIT and w not in "十廿卅")
               for w, e in zip(written, form)):
            return True
    return False


def _lenient_matches(text: str, last_start: int):
    """LENIENT_DATE.finditer(text) as far as matches starting by `last_start`, with the pattern
    tried only just before each 月 and 日 (every match holds one near its start)."""
    pos = 0
    for mark in _MONTH_OR_DAY.finditer(text):
        at = mark.start()
        if at - _LENIENT_MARK_AT > last_start:
            return
        while pos <= at:
            # no match is longer than _LENIENT_LONGEST and the pattern looks neither ahead nor
            # behind, so cutting the text there changes no match starting by `at`
            m = LENIENT_DATE.search(text, max(pos, at - _LENIENT_MARK_AT), at + _LENIENT_LONGEST)
            if m is None or m.start() > at:
                break
            yield m
            pos = m.end()
        pos = max(pos, at + 1)


def _lenient(text: str, header: _Header, strict: DateMatch | None) -> DateMatch | None:
    """The first OCR-garbled date (二月二t一日) when its span could replace the `strict` one (None
    otherwise), valued only when its legible numerals agree with the header."""
    last_start = len(text) if strict is None else strict.start
    for m in _lenient_matches(text, last_start):
        if m.start() > last_start:
            return None
        tokens = [t for t in (m.group("y"), m.group("m"), m.group("d")) if t]
        numerals = sum(c in _DIGIT or c in "十廿卅" for t in tokens for c in t)
        if numerals < 2 or any(not any(c in _DIGIT or c in "十廿卅" for c in t) for t in tokens[-2:]):
            continue
        if strict is not None and (m.end() < strict.end or (m.start(), m.end()) == (strict.start, strict.end)):
            return None  # it could not replace the strict date
        hy, hm, hd = header
        when = None
        if hy and hm and hd:
            ok = _agrees(m.group("m"), (_cn_small(hm), str(hm))) and _agrees(m.group("d"), (_cn_small(hd), str(hd)))
            if m.group("y"):
                ok = ok and _agrees(m.group("y"), ("".join("〇一二三四五六七八九"[int(c)] for c in "%04d" % hy),
                                                   "%04d" % hy, "%02d" % (hy % 100)))
            when = _iso(hy, hm, hd) if ok else None
        return DateMatch(m.start(), m.end(), when, when is not None)
    return None


def parse_cn_date(text: str, header: str | None = None) -> str | None:
    """ISO partial date of the first date written in `text`, or None.

    一九六三年十一月二十九日 → 1963-11-29; 1945年8月 → 1945-08; 八月六日 with header 1941-08-06
    → 1941-08-06; 一北大三年十一月二十九日 with header 1963-11-29 → 1963-11-29 (legible numerals
    agree), without the header → None.
    """
    found = find_cn_date(text, header)
    return found.when if found else None


def rhyme_day(text: str, header: str | None) -> str | None:
    """ISO date for a telegram day code (佳 = 9th) when the header's day agrees."""
    text = text.strip().rstrip("电日")
    if len(text) != 1 or text not in RHYME_DAYS:
        return None
    hy, hm, hd = _header_parts(header)
    if hd is not None and hd == RHYME_DAYS[text]:
        return _iso(hy, hm, hd)
    return None
