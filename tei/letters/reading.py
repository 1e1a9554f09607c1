"""Predicates over the units of one document: is this unit a salutation, a closing formula, a
signature, a date line, a footnote …

`UnitReader` holds the body, the document's facts and a cache of the dates found: the same texts
are tested again and again while the parts of a letter are looked for.
"""
from __future__ import annotations

import operator
import re
from dataclasses import replace
from collections.abc import Sequence
from typing import NamedTuple

from ..cndates import RHYME_DAYS, DateMatch, find_cn_date, may_start_date_by
from ..model import Document, PartKind
from .facts import Facts
from .lexicon import (
    BRACKETED, CLOSING_END, FOOTNOTE, PAREN_DATE, PLACES, SALUTE_END, SALUTE_START, SENTENCE, SENTENCE_END, SIGN_MARK, SPACES,
    TIME_SUFFIX, alternation, is_surname_name,
)
from .titles import is_document_title, is_letter_title
from .units import Unit

SIGNATURE_DATE_AT = 45
"""Furthest a signature's date starts in its line (苏共中央委员会 … 一九六三年十一月二十九日)."""
DATELINE_DATE_AT = 12
"""Furthest a dateline's date starts, after a place (莫斯科，一九六三年…)."""
_MOST_ADDRESSEES = 20
_LONGEST_SIGNATURE = 45
_LONGEST_SIGNATURES = 200
"""Longest line of signatories, when a mark closes it (…等同叩, …同上)."""
NOT_DATE_FOLLOW = "的之电以前后起至到，、是在"
"""A date followed by one of these is part of a sentence (八月六日的电报), not a date line."""

_SOURCE_LINE = re.compile(
    r"^(?:注\s*释|注\s*解|附\s*注|根据.{0,30}(?:刊印|排印|印出|整理)|据.{0,20}(?:刊印|排印|印出)|"
    r"（?原载.{0,60}|（?选自.{0,60}|（?摘自.{0,60}|（?转引自.{0,60}|（?见.{0,40}|(?:来源|出处|资料来源)[：:].*|"
    r"【[^】]{1,20}】|[～~—─\-＝=＊*·•]{3,}.*|根据.{0,40}出版的?|《[^》]{1,40}》(?:刊印|排印|印出)。?)$"
)
"""An editors' source line or rule after a letter (根据手稿刊印, 原载…, ——)."""
_CLOSING_START = re.compile(rf"^(?:我们?|并)?(?:{alternation('closing_openings')}|致$)")
"""A closing formula's start, after an optional subject (我预祝你们…, 并祝…)."""
_TAIL_FORMULA = re.compile(rf"^(?:{alternation('tail_formulas')}|致$)")
_TAIL_END = re.compile(rf"(?:{alternation('tail_endings')})[！!。]*$")
_REQUEST_CLAUSE = re.compile(
    rf"(?:^|[，,。！？!?]\s*)((?:{alternation('request_openings')})[，,]?\s*请[^，。！？]{{0,6}}?(?:{alternation('request_endings')})"
    r"(?:[，,][^，。！？]{0,12})?[。！!]*)\s*$")
"""A request for a reply or instructions that closes the body (…，妥否，请批示。 / 如妥，请批发。)."""
_BARE_OPENING = re.compile(
    r"(?:[^。！？!?]{0,8}[，,]\s*)?(?:此致|敬祝|祝(?:你们?|您)?|顺祝|即祝|顺颂|即颂|敬颂|即问|顺问|此问|致以)[，,：:]?")
"""A closing formula's first word alone on its line, its wish on the next (祝 / 好！)."""
_CLOSING_CLAUSE = re.compile(r"[，,]\s*((?:即|顺|并|此|敬)(?:问|颂|致|请|祝|候)[：:]?)\s*$")
_CLAUSE = re.compile(r"([^，,]+)[，,]?")
_AWAIT_CLAUSE = re.compile(r"[\u4e00-\u9fff]候(?:明教|佳音|回音|赐复|示复|复音|教益)[。！!]*$")
"""伫候明教, 静候佳音: awaiting the answer, the last clause of the last sentence."""
_NOT_SALUTE = re.compile(rf"(?:{alternation('not_salute_endings')})[：:]$")
_PLACE_TO_END = re.compile(r"\s*(于[\u4e00-\u9fff]{2,12})[。.]?$")
_PLACE_AFTER_DATE = re.compile(
    r"\s*于(?:%s|[\u4e00-\u9fff]{2})" % "|".join(place for place in PLACES if len(place) >= 3))
_GARBLED_DATE_REST = re.compile(r"[\s、，,至到—\-－~～0-9０-９一二三四五六七八九十廿卅〇○零年月日号春夏秋冬初底末上中下旬半]")
_TIME_WORD_BEFORE = re.compile(r"(?:[年月日]|今|去|明|前|本|同|当|是|每|上|下)[年月]?$")


class DateSpan(NamedTuple):
    """A closing date at the start of a unit: the date, and where its line ends (after a time, a place)."""

    date_start: int
    date_end: int
    end: int


class SignedSplit(NamedTuple):
    """A signature followed by its date in one unit: where the signature ends and the date is."""

    signature_end: int
    date_start: int
    date_end: int


def salute_shape(t: str, lenient: bool) -> bool:
    """A line shaped like a salutation (…同志：, 亲爱的…, …你好！)."""
    if len(t) <= 20 and re.search(r"[你您]好[！!？?，,。]?$", t):
        return True
    if _NOT_SALUTE.search(t):
        return False
    if _exclaimed_salute(t):
        return True
    inner = t.rstrip("：:，,—")
    if any(c in inner for c in "。！？!?"):
        return False
    ends_colon = t.endswith(("：", ":", "——"))
    if any(c in inner for c in "；;"):
        return ends_colon and _address_list(inner)
    if SALUTE_START.match(t) and len(t) <= 80:
        return True
    if ends_colon and ("，" in inner or "," in inner):
        pieces = re.split(r"[，,]", inner)
        listed = len(pieces) <= 12 and all(0 < len(p) <= 16 for p in pieces)  # 各中央局，大军区，…：
        return (bool(SALUTE_END.search(t)) or listed
                or any(re.match(r"(?:并|即|请|再)?(?:转|告|抄|报|送)", p) for p in pieces[1:])) and len(t) <= 600
    if ends_colon and (len(t) <= 40 or SALUTE_END.search(t)):
        return len(t) <= 600
    if t.endswith(("，", ",")) and len(t) <= 20 and SALUTE_END.search(t):
        return True
    if lenient and len(t) <= 40 and SALUTE_END.search(t):
        return True
    return False


def _exclaimed_salute(t: str) -> bool:
    """An address closed by an exclamation mark (亲爱的全体老师们、同学们、工人同志们！)."""
    core = t.rstrip("！!")
    if core == t or len(t) > 40 or any(c in core for c in "。！？!?；;：:"):
        return False
    if _CLOSING_START.match(core) or CLOSING_END.search(core):
        return False  # 致以同志的敬礼！
    return bool(SALUTE_START.match(core) or SALUTE_END.search(core))


def _address_list(inner: str) -> bool:
    """Addressees listed in groups split by semicolons (各中央局…；各军区党委…)."""
    pieces = re.split(r"[，,；;]", inner)
    return len(pieces) <= _MOST_ADDRESSEES and all(0 < len(p.strip()) <= 24 for p in pieces) \
        and any(SALUTE_END.search(p.strip()) for p in pieces)


class UnitReader:
    """Predicates over units of one document."""

    def __init__(self, document: Document, facts: Facts):
        self.document = document
        self.body = document.body
        self.facts = facts
        self._dates: dict[tuple[str, str | None], DateMatch | None] = {}

    def with_header_date(self, when: str) -> UnitReader:
        """A reader that takes `when` for the header's date (an opening date gives a closing 一月三十一日 its year)."""
        return UnitReader(self.document, replace(self.facts, header_date=when))

    def text(self, u: Unit) -> str:
        return self.body[u.start:u.end]

    def find_date(self, text: str, header: str | None) -> DateMatch | None:
        """`find_cn_date`, remembered for the document: the same texts are tested again and again."""
        key = (text, header)
        if key not in self._dates:
            self._dates[key] = find_cn_date(text, header)
        return self._dates[key]

    # -- kinds of units
    def is_note(self, u: Unit) -> bool:
        """An editorial footnote ([1]…) or a source line (根据手稿刊印)."""
        t = self.text(u)
        return bool(FOOTNOTE.match(t) or _SOURCE_LINE.match(t))

    def title_like(self, u: Unit) -> bool:
        """A heading, or a short paragraph without the punctuation of a sentence."""
        t = self.text(u)
        if u.kind is PartKind.HEADING:
            return True
        if len(t) > 60 or FOOTNOTE.match(t) or u.kind is not PartKind.PARAGRAPH:
            return False
        core = t.rstrip("！!\"”")
        return not any(c in core for c in "。；;？：:")

    def paren_date(self, u: Unit) -> re.Match | None:
        """A leading （1941年8月6日） with a date inside."""
        m = PAREN_DATE.match(self.text(u))
        if not m:
            return None
        inner = m.group(1)
        found = self.find_date(inner, None)
        if found is None:
            # OCR-garbled numerals (l941年8月б日): mostly digits around 年 and 月 or 日
            legible = re.sub(r"[^0-9０-９〇○零一二三四五六七八九十廿卅年月日]", "", inner)
            return m if "年" in inner and re.search("[月日]", inner) and len(legible) >= 0.7 * len(inner) else None
        rest = inner[:found.start] + inner[found.end:]
        if len(_GARBLED_DATE_REST.sub("", rest)) > 4:
            return None
        return m

    def byline_like(self, u: Unit) -> bool:
        """The author's name under the title (刘少奇, 复旦大学“一个…好人”)."""
        if u.typed is not None:
            return u.typed is PartKind.BYLINE
        t = self.text(u)
        if u.kind is not PartKind.PARAGRAPH or len(t) > 40 or any(c in t for c in "。！？!?；;：:，,"):
            return False
        if self.known_name_in(t) or self.signed_strength(u) == 2:
            return True
        return is_surname_name(SPACES.sub("", t))

    def salute_like(self, u: Unit, lenient: bool = False) -> bool:
        """An addressee or salutation that opens a letter (a closing formula the archive types as a
        salute too, 敬礼, is not one)."""
        if u.typed is not None:
            return u.typed is PartKind.SALUTE and not self.closing_like(u)
        t = self.text(u)
        if u.kind is not PartKind.PARAGRAPH or FOOTNOTE.match(t):
            return False
        return salute_shape(t, lenient) and not is_letter_title(t)  # the slower test last

    def closing_like(self, u: Unit) -> bool:
        """Every sentence of the unit is a closing formula (此致, 敬礼！, 祝好)."""
        t = self.text(u)
        if len(t) > 100 or u.kind not in (PartKind.PARAGRAPH, PartKind.HEADING) or FOOTNOTE.match(t):
            return False  # a heading too: the export may print a closing line as one (## 再谈，祝你)
        sentences = [s for s in SENTENCE.findall(t) if s.strip()]
        if not sentences:
            return False
        return all(_CLOSING_START.match(s.strip()) or CLOSING_END.search(s.strip()) for s in sentences)

    def closes_before(self, units: Sequence[Unit], k: int) -> bool:
        """The units just before units[k] are a closing formula: one closing line (此致敬礼！), or a
        bare opening formula and the short wish on the next line (祝 / 好！)."""
        if k >= 1 and self.closing_like(units[k - 1]):
            return True
        if k < 2 or not _BARE_OPENING.fullmatch(self.text(units[k - 2])):
            return False
        wish = self.text(units[k - 1])
        return units[k - 1].kind is PartKind.PARAGRAPH and len(wish) <= 12 and not any(c in wish for c in "。？?；;：:")

    def ends_signed(self, u: Unit) -> bool:
        """The unit ends with a signature and its date after its last sentence (“印发各同志。毛泽东 八月三日”)."""
        t = self.text(u)
        ends = [m.end() for m in SENTENCE_END.finditer(t) if m.end() < len(t)]
        if not ends:
            return False
        s, e = u.start + ends[-1], u.end
        while s < e and self.body[s].isspace():
            s += 1
        return s < e and bool(self.signed_split(u.span(s, e)))

    def known_name_in(self, t: str) -> bool:
        """A name from the header or title occurs in `t`, allowing one OCR error in three characters."""
        t = SPACES.sub("", t)
        for name in self.facts.names:
            if name in t:
                return True
            size = len(name)
            if size < 3 or len(t) > 60:
                continue
            need = size - 1 if size <= 6 else int(size * 0.8 + 0.5)
            if any(sum(map(operator.eq, t[k:k + size], name)) >= need for k in range(len(t) - size + 1)):
                return True
        return False

    def signed_split(self, u: Unit) -> SignedSplit | None:
        """The signature and the date when the unit is a signature followed by a date."""
        t = self.text(u)
        if not may_start_date_by(t, SIGNATURE_DATE_AT):
            return None
        found = self.find_date(t, self.facts.header_date)
        if found is None or found.start == 0 or found.start > SIGNATURE_DATE_AT or not found.legible:
            return None
        after = t[found.end:]
        after = after[TIME_SUFFIX.match(after).end():]
        if len(after) > 30 and not FOOTNOTE.match(after) and after[:1] not in "（(" and not (
                found.start <= 12 and (self.known_name_in(t[:found.start]) or SIGN_MARK.search(t[:found.start]))):
            return None  # a date inside a sentence, unless a known signer precedes it (毛泽东十二月二十日夜你写的…)
        sig = t[:found.start]
        follow = t[found.end:found.end + 1]
        if follow and follow in NOT_DATE_FOLLOW and not (
                follow in "，," and (u.indented or self.known_name_in(sig))):
            return None  # 八月六日的…: a date inside a sentence; 毛泽东十二月二十六日，我的生辰…: signed
        if sig.endswith(("（", "(")):
            sig = sig[:-1]  # 苏金伞上（一九四三年）十一月十日: the bracket opens the dateline
        if t[:1] in "（(" or not re.search(r"[\u4e00-\u9fff]", sig) or not self._signature_text(
                sig, weak_limit=20, indented=u.indented):
            return None
        if _TIME_WORD_BEFORE.search(sig.strip()) and not sig.strip().endswith("上"):
            return None  # 今年7月…: a time phrase, not a signature
        known = self.known_name_in(sig) or SIGN_MARK.search(sig.strip())
        if not known and not re.search(r"[日号目曰白自口]$|[0-9][.．、·][0-9]", t[found.start:found.end]):
            return None  # a name-like word before a month alone (no day) is too weak
        return SignedSplit(u.start + len(sig.rstrip()), u.start + found.start, u.start + found.end)

    def _signature_text(self, sig: str, weak_limit: int, indented: bool = False) -> bool:
        sig = SPACES.sub("", sig)
        if not sig or len(sig) > 45:
            return False
        outside = BRACKETED.sub("", sig)
        if any(c in outside for c in ("。！？!?；;：:" if indented else "。！？!?；;：:，,")):
            return False
        if indented and ("，" in outside or "," in outside):
            return self.known_name_in(sig) or len(re.split(r"[，,、]", outside)[-1]) <= 12
        if self.known_name_in(sig) or SIGN_MARK.search(sig):
            return True
        cjk = re.sub(r"[·•．.\-—…]", "", outside)
        return 0 < len(cjk) <= weak_limit

    def signed_strength(self, u: Unit) -> int:
        """2: a signature by name or mark; 1: a short name-like line; 0: not a signature."""
        if u.typed is not None:
            return 2 if u.typed is PartKind.SIGNED else 0
        t = SPACES.sub("", self.text(u))
        if t.endswith("。") and (is_surname_name(t[-4:-1]) or is_surname_name(t[-3:-1])):
            t = t[:-1]  # 你的弟弟陈安能。: a name with a full stop
        if u.kind is not PartKind.PARAGRAPH or not t or len(t) > _LONGEST_SIGNATURES or self.is_note(u) \
                or self.date_unit(u) or self.closing_like(u):
            return 0
        outside = BRACKETED.sub("", t)
        if any(c in outside for c in "。！？!?；;：:，,、“”\"《》"):
            return 0
        if len(t) > _LONGEST_SIGNATURE:
            return 2 if SIGN_MARK.search(t) else 0  # 毛泽东 朱德 张国焘 …率中国人民红军二十八万人同上
        if self.known_name_in(t) or SIGN_MARK.search(t):
            return 2
        if len(re.sub(r"[·•．.\-—…]", "", outside)) <= 20:
            return 1
        return 0

    def date_unit(self, u: Unit) -> DateSpan | None:
        """The closing date the unit begins with, and where its line ends."""
        t = self.text(u)
        if t[:1] in RHYME_DAYS and t[1:] in ("", "日"):
            return DateSpan(u.start, u.end, u.end)  # 佳, 微日: a telegram's day code
        if not may_start_date_by(t, DATELINE_DATE_AT):
            return None
        found = self.find_date(t, self.facts.header_date)
        if found is None:
            return None
        if found.start != 0:
            # 莫斯科，一九六三年十一月二十九日: a place before the date
            place = re.sub(r"[\s，,、于]", "", t[:found.start])
            if place not in PLACES + ("（", "(") or found.start > DATELINE_DATE_AT:
                return None
        # a bare day (十日) or month is too weak unless it fills the unit
        end = found.end
        if end < len(t) and t[end] in NOT_DATE_FOLLOW:
            return None
        if found.start > 0 and t[found.start - 1] in "（(" and end < len(t) and t[end] in "）)":
            end += 1  # （一九四三年）十一月十日
            more = self.find_date(t[end:], self.facts.header_date)
            if more is not None and more.start == 0:
                end += more.end
        end += TIME_SUFFIX.match(t[end:]).end()
        end += self.place_after_date(t[end:])
        while end < len(t) and t[end] in "！!.。":
            end += 1
        return DateSpan(u.start + found.start, u.start + found.end, u.start + end)

    def place_after_date(self, rest: str) -> int:
        """Length of the place written after a date (于延安, 于峡江县, 于郑州汽车制造厂) at the start of `rest`.

        The rest of the line when it is a short name, else a known place, else two characters:
        the title of the next document may follow (…于延安与北方青年的谈话)."""
        whole = _PLACE_TO_END.match(rest)
        if whole and not is_document_title(whole.group(1)):
            return whole.end()
        place = _PLACE_AFTER_DATE.match(rest)
        return place.end() if place else 0

    def plain_date(self, u: Unit) -> bool:
        """A line that is only a date (一九四九年二月二日), as under a title."""
        du = self.date_unit(u)
        return bool(du) and du.end == u.end and (du.date_end - du.date_start) >= 4

    def tail_formula_start(self, u: Unit) -> int | None:
        """Body offset where closing formulas end a paragraph (…。特电布复，敬表欢迎。)."""
        t = self.text(u)
        start = _formula_sentences_start(t)
        if start is None:
            start = _formula_clauses_start(t)
        if start is None or start == 0:
            return None
        while start < len(t) and t[start].isspace():
            start += 1
        return u.start + start


def _formula_sentences_start(t: str) -> int | None:
    """Where the run of closing-formula sentences at the end of `t` begins (特电布复，敬表欢迎。)."""
    start = None
    for s, e in reversed([m.span() for m in SENTENCE.finditer(t)]):
        sentence = t[s:e].strip()
        if _TAIL_FORMULA.match(sentence) or (start is not None and CLOSING_END.search(sentence)
                                              and len(sentence) <= 20) or (
                len(sentence) <= 12 and _TAIL_END.search(sentence)) or (
                len(sentence) <= 30 and re.search(r"万岁[！!]+$", sentence)) or _AWAIT_CLAUSE.search(sentence):
            start = s
            continue
        break
    return start


def _formula_clauses_start(t: str) -> int | None:
    """Where closing formulas begin inside the last sentence of `t`, after a comma: a closing clause
    (…即为奉上也，即问：), a request (…，妥否，请批示。), or a run of formula clauses that opens with a
    closing verb (…我很爱读，肃此，敬颂吉安。)."""
    clause = _CLOSING_CLAUSE.search(t) or _REQUEST_CLAUSE.search(t)
    if clause:
        return clause.start(1)
    last = list(SENTENCE.finditer(t))
    if not last:
        return None
    s, e = last[-1].span()
    start, opened = None, False
    for m in reversed(list(_CLAUSE.finditer(t, s, e))):
        clause_text = m.group(1).strip()
        if _TAIL_FORMULA.match(clause_text):
            start, opened = m.start(1), True
        elif len(clause_text) <= 12 and (_TAIL_END.search(clause_text) or CLOSING_END.search(clause_text)):
            start = m.start(1)
        else:
            break
    return start if opened else None
