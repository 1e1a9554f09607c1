"""Letters and telegrams: head, opener (dateline, salute), closer (salute, signed, dateline),
postscript, and the correspondents for correspDesc.

The body is first cut into units (its parts, some split where OCR glued two lines together:
the title and the addressee, a dateline and the salute, a signature and its date, a date and
the next item's title). Units are grouped into items, each starting at a head; an item is a
letter when its head reads like one (给…的信, …电) or it opens with a salute. Inside a letter
the closer is anchored at the signature and grows backwards over closing salutes (此致 敬礼,
祝…, 敬颂…) and forwards over further signatures and the date; text after the closer is a
postscript; editorial footnotes and source lines after it get a division of their own.
A deeper heading inside a letter opens a section; a heading, a letter title line or an opening
date (（1941年6月13日）) further down starts the next item (a reply, a second telegram).

Placements follow the project schema (schemas/tei_bha.rnc) as well as tei_all: a div holds
head*, opener?, parts, closer?, postscript*; a postscript holds paragraphs only.
"""
from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .cndates import RHYME_DAYS, DateMatch, find_cn_date, may_start_date_by, rhyme_day
from .model import Correspondent, Document, Letter, Node, Part, PartKind, Structure
from .structure import document_type
from .names import correspondent, is_organisation

# ---------------------------------------------------------------- vocabulary

LETTER_TAGS = ("书信",)
_TYPED_LINES = frozenset((PartKind.SALUTE, PartKind.BYLINE, PartKind.DATELINE, PartKind.SIGNED))
"""Part kinds only the archive's JSON gives: read as paragraphs, their type overriding the guesses."""
NOTES_DIV_TYPE = "notes"
"""@type of the division holding footnotes and source lines after a letter."""
_LETTER_KEYS = (
    r"的信|之信|一封信|两封信|复信|回信|来信|书信|信件|公开信|短信|便函|的函|复函|致函|公函|书简|手札|电报|电文|贺电|"
    r"唁电|覆电|复电|急电|通电|来电|去电|电令|电示|(?<![迷相自威坚确诚互失守取通])信"
)
_LETTER_TITLE = re.compile(
    rf"(?:(?:{_LETTER_KEYS})(?:[（(][^）)]*[）)])?(?:$|[和及与暨、])|[复覆致给][^，。；]{{1,40}}电$)"
)
_NOT_LETTER_TITLE = re.compile(r"(电话|电影|电台|电视|电力|电机|电子|电气|电厂)")
_FOOTNOTE = re.compile(r"^\s*(?:[\[［【〔]\s*\d{1,3}\s*[\]］】〕]|\(\d{1,3}\)|注\d{1,3}[:：])")
_SOURCE_LINE = re.compile(
    r"^(?:注\s*释|注\s*解|附\s*注|根据.{0,30}(?:刊印|排印|印出|整理)|据.{0,20}(?:刊印|排印|印出)|"
    r"（?原载.{0,60}|（?选自.{0,60}|（?摘自.{0,60}|（?转引自.{0,60}|（?见.{0,40}|(?:来源|出处|资料来源)[：:].*|"
    r"【[^】]{1,20}】|[～~—─\-＝=＊*·•]{3,}.*)$"
)
_PAREN_DATE = re.compile(r"^[（(]\s*([^（）()]{2,30}?)\s*[）)]")
_SALUTE_START = re.compile(r"^(?:致|亲爱的|尊敬的|敬爱的|最敬爱的|最最敬爱的|敬启者|启者)")
_SALUTE_END = re.compile(
    r"(?:同志|同志们|先生|先生们|老先生|女士|夫人|主席|总理|副主席|委员长|总司令|司令员|政委|部长|书记|"
    r"兄|弟|老|公|阁下|勋鉴|钧鉴|台鉴|大鉴|惠鉴|共鉴|均鉴|公鉴|道鉴|左右|足下|诸同志|诸先生|们|会|委|部|局|社)"
    r"(?:\[\d+\])?[:：，,]?$"
)
_CLOSING_START = re.compile(
    r"^(?:此致|顺致|并致|即致|谨致|敬致|特致|致$|致以|谨以|谨向|向你致以|向您致以|敬祝|恭祝|预祝|祝|并祝|顺祝|即祝|此祝|此颂|顺颂|即颂|敬颂|"
    r"并颂|即请|敬请|顺候|敬候|即候|并候|专此|特此|特电|谨此|当否|妥否|是否有当|是否可行|是否妥当|请予?指示|"
    r"盼复|望复|此复|谨上|敬上|此布|余不[一赘]|草此|匆此|握手|紧握你的手)"
)
_CLOSING_END = re.compile(
    r"(?:敬[礼札扎]|万岁|万寿无疆|永远健康|身体健康|健康|安好|[大日近时刻春勋钧撰台编文教俪著研]安|[文近时著大春夏秋冬]祺|"
    r"请指示|请批示|为盼|为荷|为祷|为要|此复|此致|同此)[！!。.]*$"
)
# Tail formulas split off the end of the last body paragraph (特电布复，敬表欢迎。 / …专此，并希裁复。)
_TAIL_FORMULA = re.compile(
    r"^(?:特电布复|特电奉复|特此电复|特电|特此|专此|顺致|此致|即致|并致|顺颂|即颂|此颂|敬颂|敬祝|谨致|谨向|即请|顺候|"
    r"敬候|即候|敬请|致以|谨以|祝|并祝|顺祝|即祝|当否|妥否|是否有当|是否可行|是否妥当|致$)"
)
# A short last sentence that is a closing formula by its end alone (敬礼！, 敬候日安！).
_TAIL_END = re.compile(r"(?:敬[礼札]|[大日近时刻春勋钧撰台]安|万岁|万寿无疆|永远健康|身体健康)[！!。]*$")
_SIGN_MARK = re.compile(
    r"(?:[（(]\s*签\S?\s*[）)]|[（(]\s*印\s*[）)]|[（(]\s*盖章\s*[）)]|同叩|叩$|敬上$|谨上$|拜上$|手书$|同上$|谨启$|上$)"
)
_TIME_SUFFIX = re.compile(
    r"^\s*(?:凌晨|清晨|早晨|早|晨|上午|中午|午|下午|傍晚|晚上|晚|深夜|午夜|夜半|夜)?\s*"
    r"(?:[0-9０-９]{1,2}\s*[时点](?:\s*[0-9０-９]{1,2}\s*分)?|[一二三四五六七八九十廿]{1,3}[时点](?:[一二三四五六七八九十]{1,3}分)?)?"
)
_PLACES3 = ("莫斯科", "西柏坡", "石家庄", "哈尔滨", "乌鲁木齐", "呼和浩特", "齐齐哈尔", "井冈山", "王家坪", "杨家岭",
            "枣园", "中南海", "北戴河", "保安县", "瑞金县", "平壤", "河内")
_PLACES = _PLACES3 + ("北京", "延安", "上海", "南京", "重庆", "瑞金", "保安", "武汉", "广州", "天津", "沈阳", "长沙",
                      "杭州", "成都", "昆明", "西安", "兰州", "济南", "郑州", "太原", "福州", "南昌", "合肥", "贵阳",
                      "南宁", "拉萨", "长春", "北平", "汉口", "地拉那", "布加勒斯特", "华沙", "柏林", "布拉格",
                      "贝尔格莱德", "索非亚", "乌兰巴托", "哈瓦那", "东京", "巴黎", "伦敦", "纽约", "华盛顿")
_NOT_DATE_FOLLOW = "的之电以前后起至到，、是在"
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤康易乔"
    "聂陶柯饶谷耿关廉安齐粟习薄乌费倪庞祝严华温季葛伍俞施梅鲁章阎喻殷刁柳岳牛欧管童左申池翟包窦伏成滕缪宁纪"
    "舒屈项翁戚洪甘荣樊尤焦单毕闻仇符卜寇苗凌阮隋蓝麦冉艾凤郁景谌"
) - set("华成关安向")  # also common first characters of topic words (华北, 成立, 关于, 安全, 向…)
_GENERIC_ADDRESSEES = {"同志", "同志们", "同志门", "朋友", "朋友们", "先生", "先生们", "诸位", "各位", "大家",
                       "全体同志", "同胞们", "战友们", "女士们先生们"}
_KNOWN_ORGS = ("中国共产党中央委员会", "苏联共产党中央委员会", "中共中央", "苏共中央", "中央人民政府",
               "中华人民共和国国务院", "中央军委", "中共中央军事委员会", "中国人民解放军总部")
_HONORIFIC = re.compile(
    r"(?:诸同志|同志们|同志|老先生|先生们|先生|女士|夫人|阁下|勋鉴|钧鉴|台鉴|大鉴|惠鉴|共鉴|均鉴|公鉴|道鉴|左右|足下|"
    r"兄|诸公|两公|诸位|们)+$"
)

_SPACES = re.compile(r"\s+")
_SIGNATURE_DATE_AT = 45
"""Furthest a signature's date starts in its line (苏共中央委员会 … 一九六三年十一月二十九日)."""
_DATELINE_DATE_AT = 12
"""Furthest a dateline's date starts, after a place (莫斯科，一九六三年…)."""
_TITLE_TAIL = re.compile(r"[\s\"“”'！!?？\[\]\d]+$")
_DIRECTIVE_TITLE = re.compile(r"(指示|决定|通知|批示|批语|简报|摘要|规定|办法|决议|纪要|通报|讲话|谈话|按语|编者按)[”\"]?$")
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
_SENTENCE_END = re.compile(r"[。！？!?]")
_FORMULA_HEAD = re.compile(r"^.{0,30}?(?:敬[礼札]|[大日近时刻春勋钧撰台]安|健康|万岁)[！!。]*")
_TITLE_NOISE = re.compile(r"[\s\"“”'！!?？\[\]]+")
_WIDE_GAP = re.compile(r"[\u3000 \xa0]{3,}")
_OPEN_BRACKET = re.compile(r"[（(]")
_ANNEX_PREFIX = re.compile(r"^附(?:件[一二三四五六七八九十\d]*)?[：:]\s*")


# ---------------------------------------------------------------- units


@dataclass(frozen=True)
class _Unit:
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
    """What the source says the part is (the archive's JSON: a salute, byline, dateline or
    signature), which the predicates take instead of guessing; None when it does not say, or for
    a unit cut from such a part."""

    def span(self, start: int, end: int, indented: bool | None = None, split: bool | None = None) -> _Unit:
        """This unit over another span (dataclasses.replace, but cheaper in the hot loops)."""
        return _Unit(start, end, self.kind, self.level, self.indented if indented is None else indented,
                     self.split if split is None else split)


def _trim(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _cut(body: str, unit: _Unit, at: int) -> tuple[_Unit | None, _Unit | None]:
    """Split a unit at body offset `at`, trimming both halves; empty halves are None."""
    a = _trim(body, unit.start, at)
    b = _trim(body, at, unit.end)
    first = unit.span(a[0], a[1], split=True) if a[0] < a[1] else None
    second = unit.span(b[0], b[1], indented=False, split=True) if b[0] < b[1] else None
    return first, second


# ---------------------------------------------------------------- document facts


@dataclass(frozen=True)
class _Facts:
    title: str
    tags: tuple[str, ...]
    header_date: str | None
    names: tuple[str, ...]
    """Person and organisation names the document gives outside the body (authors, tags, title)."""


def _header_date(document: Document) -> str | None:
    """The first of the header's dates whose year is known, as an ISO date."""
    return next((iso for iso in document.header.iso_dates if iso), None)


def _facts(document: Document) -> _Facts:
    header = document.header
    names: list[str] = []
    for author in header.authors:
        author = author.strip().strip("“”\"'")
        if len(author) >= 2:
            names.append(author)
    for tag in header.tags:
        tag = tag.strip()
        if 2 <= len(tag) <= 4 and tag[0] in _SURNAMES and re.fullmatch(r"[\u4e00-\u9fff]+", tag):
            names.append(tag)
    title = _SPACES.sub("", header.title)
    writers = re.match(r"^(.{2,20}?)(?:等人|等同志|等|写给|给|致|关于|就|对|复)", title)
    if writers:
        for name in re.split(r"[、，,和与]", writers.group(1)):
            if 2 <= len(name) <= 4 and name[0] in _SURNAMES and re.fullmatch(r"[\u4e00-\u9fff]+", name):
                names.append(name)
    return _Facts(title=title, tags=tuple(header.tags), header_date=_header_date(document), names=tuple(dict.fromkeys(names)))


def is_letter_document(document: Document) -> bool:
    """True when the tags or the title say the document is a letter or a telegram."""
    header = document.header
    if any(tag in LETTER_TAGS for tag in header.tags):
        return True
    return is_letter_title(header.title)


def is_letter_title(title: str) -> bool:
    """给…的信, 致…电, 复信, 贺电…: a title naming a letter or a telegram."""
    title = _TITLE_TAIL.sub("", title.strip())
    title = title.rstrip("\"“”")
    if not title or _NOT_LETTER_TITLE.search(title) and not re.search(r"(的信|电报|复电|贺电|唁电)", title):
        return False
    if _DIRECTIVE_TITLE.search(title):
        return False  # 关于处理人民来信…的指示: a directive about letters
    return bool(_LETTER_TITLE.search(title))


# ---------------------------------------------------------------- unit tests (predicates)


def _salute_shape(t: str, lenient: bool) -> bool:
    """A line shaped like a salutation (…同志：, 亲爱的…, …你好！)."""
    if len(t) <= 20 and re.search(r"[你您]好[！!？?，,。]?$", t):
        return True
    if re.search(r"(?:编者按|按语|按|注|说明|附|附件|附记|又及|如下|问|答|说)[：:]$", t):
        return False
    inner = t.rstrip("：:，,")
    if any(c in inner for c in "。！？!?；;"):
        return False
    ends_colon = t.endswith(("：", ":"))
    if _SALUTE_START.match(t) and len(t) <= 80:
        return True
    if ends_colon and ("，" in inner or "," in inner):
        pieces = re.split(r"[，,]", inner)
        listed = len(pieces) <= 12 and all(0 < len(p) <= 16 for p in pieces)  # 各中央局，大军区，…：
        return (bool(_SALUTE_END.search(t)) or listed
                or any(re.match(r"(?:并|即|请|再)?(?:转|告|抄|报|送)", p) for p in pieces[1:])) and len(t) <= 600
    if ends_colon and (len(t) <= 40 or _SALUTE_END.search(t)):
        return len(t) <= 600
    if t.endswith(("，", ",")) and len(t) <= 20 and _SALUTE_END.search(t):
        return True
    if lenient and len(t) <= 40 and _SALUTE_END.search(t):
        return True
    return False


class _Reader:
    """Predicates over units of one document."""

    def __init__(self, document: Document, facts: _Facts):
        self.document = document
        self.body = document.body
        self.facts = facts
        self._dates: dict[tuple[str, str | None], DateMatch | None] = {}

    def text(self, u: _Unit) -> str:
        return self.body[u.start:u.end]

    def find_date(self, text: str, header: str | None) -> DateMatch | None:
        """`find_cn_date`, remembered for the document: the same texts are tested again and again."""
        key = (text, header)
        if key not in self._dates:
            self._dates[key] = find_cn_date(text, header)
        return self._dates[key]

    # -- kinds of units
    def is_note(self, u: _Unit) -> bool:
        t = self.text(u)
        return bool(_FOOTNOTE.match(t) or _SOURCE_LINE.match(t))

    def title_like(self, u: _Unit) -> bool:
        t = self.text(u)
        if u.kind is PartKind.HEADING:
            return True
        if len(t) > 60 or _FOOTNOTE.match(t) or u.kind is not PartKind.PARAGRAPH:
            return False
        core = t.rstrip("！!\"”")
        return not any(c in core for c in "。；;？：:")

    def paren_date(self, u: _Unit) -> re.Match | None:
        """A leading （1941年8月6日） with a date inside."""
        m = _PAREN_DATE.match(self.text(u))
        if not m:
            return None
        inner = m.group(1)
        found = self.find_date(inner, None)
        if found is None:
            # OCR-garbled numerals (l941年8月б日): mostly digits around 年 and 月 or 日
            legible = re.sub(r"[^0-9０-９〇○零一二三四五六七八九十廿卅年月日]", "", inner)
            return m if "年" in inner and re.search("[月日]", inner) and len(legible) >= 0.7 * len(inner) else None
        rest = inner[:found.start] + inner[found.end:]
        if len(re.sub(r"[\s、，,至到—\-－~～0-9０-９一二三四五六七八九十廿卅〇○零年月日号春夏秋冬初底末上中下旬半]", "", rest)) > 4:
            return None
        return m

    def byline_like(self, u: _Unit) -> bool:
        """The author's name under the title (刘少奇, 复旦大学“一个…好人”)."""
        if u.typed is not None:
            return u.typed is PartKind.BYLINE
        t = self.text(u)
        if u.kind is not PartKind.PARAGRAPH or len(t) > 40 or any(c in t for c in "。！？!?；;：:，,"):
            return False
        if self.known_name_in(t) or self.signed_strength(u) == 2:
            return True
        name = _SPACES.sub("", t)
        return 2 <= len(name) <= 4 and name[0] in _SURNAMES and bool(re.fullmatch(r"[\u4e00-\u9fff]+", name))

    def salute_like(self, u: _Unit, lenient: bool = False) -> bool:
        if u.typed is not None:
            return u.typed is PartKind.SALUTE
        t = self.text(u)
        if u.kind is not PartKind.PARAGRAPH or _FOOTNOTE.match(t):
            return False
        return _salute_shape(t, lenient) and not is_letter_title(t)  # the slower test last

    def closing_like(self, u: _Unit) -> bool:
        t = self.text(u)
        if len(t) > 100 or u.kind is not PartKind.PARAGRAPH or _FOOTNOTE.match(t):
            return False
        sentences = [s for s in _SENTENCE.findall(t) if s.strip()]
        if not sentences:
            return False
        return all(_CLOSING_START.match(s.strip()) or _CLOSING_END.search(s.strip()) for s in sentences)

    def known_name_in(self, t: str) -> bool:
        """A name from the header or title occurs in `t`, allowing one OCR error in three characters."""
        t = _SPACES.sub("", t)
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

    def signed_split(self, u: _Unit) -> tuple[int, int, int] | None:
        """(signature end, date start, date end) when the unit is a signature followed by a date."""
        t = self.text(u)
        if not may_start_date_by(t, _SIGNATURE_DATE_AT):
            return None
        found = self.find_date(t, self.facts.header_date)
        if found is None or found.start == 0 or found.start > _SIGNATURE_DATE_AT or not found.legible:
            return None
        after = t[found.end:]
        after = after[_TIME_SUFFIX.match(after).end():]
        if len(after) > 30 and not _FOOTNOTE.match(after) and after[:1] not in "（(" and not (
                found.start <= 12 and (self.known_name_in(t[:found.start]) or _SIGN_MARK.search(t[:found.start]))):
            return None  # a date inside a sentence, unless a known signer precedes it (毛泽东十二月二十日夜你写的…)
        if t[found.end:found.end + 1] in tuple(_NOT_DATE_FOLLOW) and found.end < len(t):
            return None
        sig = t[:found.start]
        if sig.endswith(("（", "(")):
            sig = sig[:-1]  # 苏金伞上（一九四三年）十一月十日: the bracket opens the dateline
        if t[:1] in "（(" or not re.search(r"[\u4e00-\u9fff]", sig) or not self._signature_text(
                sig, weak_limit=20, indented=u.indented):
            return None
        if re.search(r"(?:[年月日时]|今|去|明|前|本|同|当|是|每|上|下)[年月]?$", sig.strip()) and not sig.strip().endswith("上"):
            return None  # 今年7月…: a time phrase, not a signature
        known = self.known_name_in(sig) or _SIGN_MARK.search(sig.strip())
        if not known and not re.search(r"[日号目曰白自口]$|[0-9][.．][0-9]", t[found.start:found.end]):
            return None  # a name-like word before a month alone (no day) is too weak
        return u.start + len(sig.rstrip()), u.start + found.start, u.start + found.end

    def _signature_text(self, sig: str, weak_limit: int, indented: bool = False) -> bool:
        sig = _SPACES.sub("", sig)
        if not sig or len(sig) > 45:
            return False
        outside = re.sub(r"[（(][^（）()]*[）)]", "", sig)
        if any(c in outside for c in ("。！？!?；;：:" if indented else "。！？!?；;：:，,")):
            return False
        if indented and ("，" in outside or "," in outside):
            return self.known_name_in(sig) or len(re.split(r"[，,、]", outside)[-1]) <= 12
        if self.known_name_in(sig) or _SIGN_MARK.search(sig):
            return True
        cjk = re.sub(r"[·•．.\-—…]", "", outside)
        return 0 < len(cjk) <= weak_limit

    def signed_strength(self, u: _Unit) -> int:
        """2: a signature by name or mark; 1: a short name-like line; 0: not a signature."""
        if u.typed is not None:
            return 2 if u.typed is PartKind.SIGNED else 0
        t = _SPACES.sub("", self.text(u))
        if u.kind is not PartKind.PARAGRAPH or not t or len(t) > 45 or self.is_note(u) or self.date_unit(u) \
                or self.closing_like(u):
            return 0
        outside = re.sub(r"[（(][^（）()]*[）)]", "", t)
        if any(c in outside for c in "。！？!?；;：:，,、“”\"《》"):
            return 0
        if self.known_name_in(t) or _SIGN_MARK.search(t):
            return 2
        if len(re.sub(r"[·•．.\-—…]", "", outside)) <= 20:
            return 1
        return 0

    def date_unit(self, u: _Unit) -> tuple[int, int, int] | None:
        """(date start, date end, dateline end) when the unit begins with a closing date."""
        t = self.text(u)
        if len(t) == 1 and t in RHYME_DAYS:
            return u.start, u.end, u.end
        if not may_start_date_by(t, _DATELINE_DATE_AT):
            return None
        found = self.find_date(t, self.facts.header_date)
        if found is None:
            return None
        if found.start != 0:
            # 莫斯科，一九六三年十一月二十九日: a place before the date
            place = re.sub(r"[\s，,、于]", "", t[:found.start])
            if place not in _PLACES + ("（", "(") or found.start > _DATELINE_DATE_AT:
                return None
        # a bare day (十日) or month is too weak unless it fills the unit
        end = found.end
        if end < len(t) and t[end] in _NOT_DATE_FOLLOW:
            return None
        if found.start > 0 and t[found.start - 1] in "（(" and end < len(t) and t[end] in "）)":
            end += 1  # （一九四三年）十一月十日
            more = self.find_date(t[end:], self.facts.header_date)
            if more is not None and more.start == 0:
                end += more.end
        end += _TIME_SUFFIX.match(t[end:]).end()
        place = re.match(r"\s*于(?:%s|[\u4e00-\u9fff]{2})" % "|".join(_PLACES3), t[end:])
        if place:
            end += place.end()
        while end < len(t) and t[end] in "！!.。":
            end += 1
        return u.start + found.start, u.start + found.end, u.start + end

    def tail_formula_start(self, u: _Unit) -> int | None:
        """Body offset where closing formulas end a paragraph (…。特电布复，敬表欢迎。)."""
        t = self.text(u)
        spans = [m.span() for m in _SENTENCE.finditer(t)]
        start = None
        for s, e in reversed(spans):
            sentence = t[s:e].strip()
            if _TAIL_FORMULA.match(sentence) or (start is not None and _CLOSING_END.search(sentence)
                                                  and len(sentence) <= 20) or (
                    len(sentence) <= 12 and _TAIL_END.search(sentence)) or (
                    len(sentence) <= 30 and re.search(r"万岁[！!]+$", sentence)):
                start = s
                continue
            break
        if start is None:
            # a closing clause after the last comma (…即为奉上也，即问：)
            clause = re.search(r"[，,]\s*((?:即|顺|并|此|敬)(?:问|颂|致|请|祝|候)[：:]?)\s*$", t)
            if clause:
                start = clause.start(1)
        if start is None or start == 0:
            return None
        while start < len(t) and t[start].isspace():
            start += 1
        return u.start + start


# ---------------------------------------------------------------- main entry


def find_letters(document: Document, parts: Sequence[Part]) -> Structure | None:
    """The letter structure of `document`, or None when it is not a letter.

    Args:
        document: the document as read.
        parts: its blank-line separated parts (`structure.split_parts`).

    Returns:
        A Structure whose divs cover the whole body (one `div type="letter"` per letter, other
        items and trailing footnotes as `div type="article"`) and whose
        letters give the correspondents of each letter; None for a document that is not a letter.
    """
    if not is_letter_document(document):
        return None
    facts = _facts(document)
    reader = _Reader(document, facts)
    body = document.body
    units = []
    for part in parts:
        s, e = _trim(body, part.start, part.end)
        if s < e:
            indented = body[part.start:s].find("\xa0") >= 0 or body[part.start:part.start + 1] == "\u3000"
            typed = part.kind if part.kind in _TYPED_LINES else None
            units.append(_Unit(s, e, PartKind.PARAGRAPH if typed else part.kind, level=part.level,
                               indented=indented, typed=typed))
    if not units:
        return None
    units = _presplit(reader, units)
    items = _items(reader, units)
    divs: list[Node] = []
    letters: list[Letter] = []
    built = [_build_item(reader, item, index == 0) for index, item in enumerate(items)]
    letter_items = [b for b in built if b.is_letter]
    if not letter_items:
        return None
    headless_only = not any(b.has_head for b in letter_items)
    for b in built:
        divs.extend(b.nodes)
        if b.is_letter and not b.addressees and headless_only and b is letter_items[0]:
            b.addressees = tuple(dict.fromkeys(_title_addressees(facts.title)))
        if b.is_letter and (b.has_head or b.addressees or len(letter_items) == 1):
            title = b.head_text or (facts.title if b is letter_items[0] else "")
            letters.append(Letter(senders=_senders(document, reader, b, title), addressees=b.addressees,
                                  when=b.when or (facts.header_date if len(letter_items) == 1 else None)))
    return Structure(divs=tuple(divs), letters=tuple(letters))


# ---------------------------------------------------------------- splitting units


def _fuzzy_prefix(text: str, title: str) -> int | None:
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


def _presplit(reader: _Reader, units: list[_Unit]) -> list[_Unit]:
    body = reader.body
    out: list[_Unit] = []
    core = re.sub(r"[\s\"“”'！!?？\[\]]+$", "", reader.facts.title)
    for u in units:
        pending = [u]
        while pending:
            cur = pending.pop(0)
            t = reader.text(cur)
            if cur.kind is PartKind.PARAGRAPH or cur.kind is PartKind.HEADING:
                # the title glued to what follows it (…给中共中央的信致中国共产党…同志)
                at = t.find(core) if len(core) >= 6 else -1
                if at > 0 and re.search(r"[。！？!?日」”）)\]】]$", t[:at]) and not cur.split:
                    # the title glued after the end of what precedes it (…十二月一日给徐特立同志的一封信)
                    a, b = _cut(body, cur, cur.start + at)
                    out.append(a)
                    if b is not None:
                        pending.insert(0, replace(b, split=False))
                    continue
                n = _fuzzy_prefix(t, reader.facts.title)
                if n is not None and n < len(t) and not cur.split and (
                        len(t) - n <= 120 or _PAREN_DATE.match(t[n:].lstrip())):
                    a, b = _cut(body, cur, cur.start + n)
                    out.append(replace(a, split=True, kind=cur.kind))
                    if b is not None:
                        pending.insert(0, replace(b, kind=PartKind.PARAGRAPH))
                    continue
            if cur.kind is PartKind.PARAGRAPH:
                gap = list(_WIDE_GAP.finditer(t))
                if gap and 0 < gap[-1].start() and len(t) - gap[-1].end() <= 20 and gap[-1].end() < len(t):
                    a, b = _cut(body, cur, cur.start + gap[-1].end())
                    if a is not None and b is not None:
                        out.append(a)
                        pending.insert(0, replace(b, indented=True))
                        continue
                mid = _OPEN_BRACKET.search(t)
                if mid and 0 < mid.start() <= 60 and not any(c in t[:mid.start()] for c in "。；;？?！!：:，,") \
                        and is_letter_title(t[:mid.start()]) \
                        and reader.paren_date(replace(cur, start=cur.start + mid.start())):
                    # 给谢觉哉的信（1941年8月6日）觉哉同志：: the title before an opening date
                    a, b = _cut(body, cur, cur.start + mid.start())
                    out.append(a)
                    pending.insert(0, b)
                    continue
                m = reader.paren_date(cur)
                if m and m.end() < len(t):
                    a, b = _cut(body, cur, cur.start + m.end())
                    out.append(a)
                    if b is not None:
                        pending.insert(0, b)
                    continue
            out.append(cur)
    return out


def _letter_title_line(reader: _Reader, u: _Unit) -> bool:
    """A paragraph that is the title of a letter (附：某某的复信, 给某某的信)."""
    if u.kind is not PartKind.PARAGRAPH:
        return False
    t = _ANNEX_PREFIX.sub("", reader.text(u))
    return len(t) <= 60 and not any(c in t for c in "。；;？：:") and is_letter_title(t)


def _plain_date(reader: _Reader, u: _Unit) -> bool:
    """A line that is only a date (一九四九年二月二日), as under a title."""
    du = reader.date_unit(u)
    return bool(du) and du[2] == u.end and (du[1] - du[0]) >= 4


def _is_section(first: _Unit, heading: _Unit) -> bool:
    """A heading deeper than the item's own (## under #) opens a section, not a new item."""
    return first.kind is PartKind.HEADING and heading.level > first.level


def _opens_letter(reader: _Reader, units: list[_Unit], i: int) -> bool:
    """The heading at i is followed (after a byline or note) by a salute or an opening date."""
    for u in units[i + 1:i + 4]:
        if reader.salute_like(u) or reader.paren_date(u):
            return True
        if u.kind is PartKind.HEADING or not (reader.byline_like(u) or _editorial_note(reader, u)):
            return False
    return False


def _editorial_note(reader: _Reader, u: _Unit) -> bool:
    """A whole paragraph in brackets under the title: the editors' note on the writer."""
    t = reader.text(u)
    if u.kind is not PartKind.PARAGRAPH or len(t) > 400 or reader.paren_date(u) or _FOOTNOTE.match(t):
        return False
    return bool(re.fullmatch(r"[（(\[【〔].*[）)\]】〕]", t, re.S) or re.match(r"(?:原?编者按|按语|按)[：:]", t))


def _bodyish(reader: _Reader, u: _Unit) -> bool:
    """A unit that is neither a title line nor a name under it."""
    return not (u.kind is PartKind.HEADING or reader.title_like(u) or reader.byline_like(u))


def _title_start_in_tail(t: str) -> int | None:
    """Where a glued title begins at the end of `t` (…的意关于财政预算问题给林伯渠的信)."""
    cut = max(t.rfind(c) for c in "。；！？]】")
    tail_start = cut + 1
    tail = t[tail_start:]
    if not tail or len(tail) > 60:
        m = re.search(r"(?:关于|给|致|复)[^。；！？]{1,45}$", t)
        if not m:
            return None
        tail_start, tail = m.start(), m.group(0)
    if not is_letter_title(tail) and not re.search(r"(的谈话|的讲话|的报告|的指示|的批示|的声明|的命令)[！!\"”]*$", tail):
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


def _items(reader: _Reader, units: list[_Unit]) -> list[list[_Unit]]:
    """Cut the units into items (letters, glued articles), each beginning with its head."""
    body = reader.body
    units = list(units)
    starts = [0]
    i = 1
    while i < len(units):
        u = units[i]
        is_title = u.split and _fuzzy_prefix(reader.text(u), reader.facts.title) is not None
        if is_title and i > 0 and i - 1 >= starts[-1] + 1:
            starts.append(i)
        elif u.kind is PartKind.HEADING and units[i - 1].kind is not PartKind.HEADING and i > starts[-1] + 1 \
                and any(_bodyish(reader, v) for v in units[starts[-1]:i]) and (
                    not _is_section(units[starts[-1]], u) or _opens_letter(reader, units, i)):
            starts.append(i)
        elif _letter_title_line(reader, u) and i + 1 < len(units) and (reader.salute_like(units[i + 1]) or reader.paren_date(units[i + 1])) \
                and i > starts[-1] and any(_bodyish(reader, v) for v in units[starts[-1]:i]):
            starts.append(i)  # 附：某某的复信 / 某某同志： — a second letter in the same text
        elif reader.paren_date(u) and i >= 1:
            prev = units[i - 1]
            head_at = None
            if prev.kind is PartKind.HEADING or (reader.title_like(prev) and not reader.signed_split(prev)
                                                  and not reader.date_unit(prev) and (
                                                      reader.signed_strength(prev) < 2
                                                      or is_letter_title(reader.text(prev)))):
                head_at = i - 1
                if head_at <= starts[-1] + 1 and all(
                        reader.title_like(v) for v in units[starts[-1]:head_at + 1]):
                    head_at = None  # the leading heads of the current item
            else:
                t = reader.text(prev)
                split_at = None
                sd = reader.signed_split(prev)
                du = reader.date_unit(prev)
                if sd or du:
                    end = du[2] if du else reader.date_unit(replace(prev, start=sd[1]))
                    end = end if isinstance(end, int) else (end[2] if end else sd[2])
                    if end < prev.end:
                        split_at = end
                else:
                    k = _title_start_in_tail(t)
                    if k is not None:
                        split_at = prev.start + k
                if split_at is not None:
                    a, b = _cut(body, prev, split_at)
                    if a is not None and b is not None:
                        units[i - 1:i] = [a, b]
                        i += 1
                        head_at = i - 1
            if head_at is not None and head_at > starts[-1]:
                starts.append(head_at)
        i += 1
    starts.append(len(units))
    return [units[a:b] for a, b in zip(starts, starts[1:]) if a < b]


# ---------------------------------------------------------------- one item


@dataclass
class _Built:
    nodes: list[Node]
    is_letter: bool
    has_head: bool
    addressees: tuple[Correspondent, ...]
    when: str | None
    signed_texts: tuple[str, ...]
    head_text: str = ""


_NOT_VOCATIVE = re.compile(r"(?:答|问|说|道|按|注|附|又及|编者|记者|如下|总之|例如|第[一二三四五六七八九十]+|[一二三四五六七八九十]+)$")


def _glued_vocative(reader: _Reader, u: _Unit) -> int | None:
    """Offset just after a salutation glued to the first paragraph (××：来信收到矣！…)."""
    if u.kind is not PartKind.PARAGRAPH:
        return None
    t = reader.text(u)
    m = re.match(r"^([^。；;！!？?：:“”\"（）()]{1,600}?)[：:]", t)
    if m and len(m.group(1)) > 40 and not (_SALUTE_END.search(m.group(1)) and m.group(1).count("、") >= 3):
        return None  # a long addressee list (李济深、沈钧儒、…诸先生共鉴：) only
    if not m or m.end() >= len(t):
        return None
    x = m.group(1).strip()
    if _NOT_VOCATIVE.search(x):
        return None
    if (len(x) > 15 or "，" in x or "," in x) and not (_SALUTE_END.search(x) and re.search("[、，,]", x)):
        return None
    if re.fullmatch(r"[×XＸ＊*○□]{1,6}", x) or _SALUTE_END.search(x) or x in reader.facts.names or (
            2 <= len(x) <= 3 and x[0] in _SURNAMES and re.fullmatch(r"[\u4e00-\u9fff]+", x)):
        return u.start + m.end()
    return None


def _dateline(reader: _Reader, start: int, end: int, date_start: int, date_end: int,
              when: str | None = None) -> Node:
    text = reader.body[date_start:date_end]
    if when is None:
        if len(text) == 1 and text in RHYME_DAYS:
            when = rhyme_day(text, reader.facts.header_date)
        else:
            found = reader.find_date(text, reader.facts.header_date)
            when = found.when if found else None
    date = Node("date", date_start, date_end, attrs=(("when", when),) if when else ())
    return Node("dateline", start, end, children=(date,))


def _paren_dateline(reader: _Reader, u: _Unit) -> tuple[Node, str | None]:
    m = reader.paren_date(u)
    inner_start = u.start + m.start(1)
    found = reader.find_date(m.group(1), reader.facts.header_date)
    if found is None:  # garbled: the whole inside is the date, with no @when
        date = Node("date", inner_start, u.start + m.end(1))
        return Node("dateline", u.start, u.start + m.end(), children=(date,)), None
    ds, de = inner_start + found.start, inner_start + found.end
    node = _dateline(reader, u.start, u.start + m.end(), ds, de, found.when)
    return node, found.when


def _plain(u: _Unit) -> Node:
    if u.kind is PartKind.QUOTE:
        return Node("quote", u.start, u.end)
    if u.kind is PartKind.ORNAMENT:
        return Node("ab", u.start, u.end, attrs=(("type", "ornament"),))
    return Node("p", u.start, u.end)


def _build_item(reader: _Reader, units: list[_Unit], first: bool) -> _Built:
    body = reader.body
    n = len(units)
    i = 0
    heads: list[Node] = []
    # heads: leading headings, the title, or short title lines before the opener
    while i < n and len(heads) < 4:
        u = units[i]
        nxt = units[i + 1] if i + 1 < n else None
        if u.kind is PartKind.HEADING:
            heads.append(Node("head", u.start, u.end))
            i += 1
            continue
        if heads and _editorial_note(reader, u):
            heads.append(Node("head", u.start, u.end))  # [编者: 某某，某校学生] under the title
            i += 1
            continue
        if heads and nxt is not None and (nxt.kind is PartKind.HEADING or _editorial_note(reader, nxt)) and (
                reader.byline_like(u) or reader.signed_strength(u)):
            heads.append(Node("head", u.start, u.end))  # the author between two headings
            i += 1
            continue
        if heads and not (reader.title_like(u) or _letter_title_line(reader, u)):
            break
        if reader.paren_date(u) or reader.salute_like(u) or (heads and reader.byline_like(u)) or (
                heads and _plain_date(reader, u)):
            break
        if u.split and _fuzzy_prefix(reader.text(u), reader.facts.title) is not None:
            heads.append(Node("head", u.start, u.end))
            i += 1
            continue
        if (reader.title_like(u) or _letter_title_line(reader, u)) and nxt is not None and (
                reader.paren_date(nxt) or (reader.salute_like(nxt) and (
                    reader.signed_strength(u) < 2 or is_letter_title(reader.text(u)))) or (
                    reader.title_like(nxt) and i + 2 < n and reader.paren_date(units[i + 2]))):
            heads.append(Node("head", u.start, u.end))
            i += 1
            continue
        if (reader.title_like(u) or _letter_title_line(reader, u)) and not first and not heads and nxt is not None and reader.paren_date(nxt):
            heads.append(Node("head", u.start, u.end))
            i += 1
            continue
        break
    head_text = "".join(body[h.start:h.end] for h in heads if h.tag == "head")
    opener: list[Node] = []
    when = None
    # byline: the author's name between the head and the salute
    if i < n and heads and (reader.byline_like(units[i]) or reader.signed_strength(units[i])) \
            and not reader.salute_like(units[i]) and not reader.paren_date(units[i]) and not reader.date_unit(units[i]) and i + 1 < n and (
                reader.known_name_in(reader.text(units[i])) or reader.salute_like(units[i + 1])
                or reader.paren_date(units[i + 1])):
        opener.append(Node("byline", units[i].start, units[i].end))
        i += 1
    if i < n and reader.paren_date(units[i]):
        node, when = _paren_dateline(reader, units[i])
        opener.append(node)
        i += 1
    elif i < n and heads and _plain_date(reader, units[i]) and i + 1 < n and reader.salute_like(units[i + 1]):
        du = reader.date_unit(units[i])
        node = _dateline(reader, units[i].start, units[i].end, du[0], du[1])
        when = dict(node.children[0].attrs).get("when")
        opener.append(node)
        i += 1
    salutes: list[_Unit] = []
    if i < n and (heads or first) and not reader.salute_like(units[i]) and (
            is_letter_title(head_text) or is_letter_title(reader.facts.title)):
        vocative = _glued_vocative(reader, units[i])
        if vocative is not None:
            a, b = _cut(body, units[i], vocative)
            if a is not None and b is not None:
                units = units[:i] + [a, b] + units[i + 1:]
                n = len(units)
    while i < n and len(salutes) < 2 and (reader.salute_like(
            units[i], lenient=units[i].split and not salutes and bool(heads)) or (
                not salutes and i + 1 < n and len(reader.text(units[i])) <= 30 and units[i].kind is PartKind.PARAGRAPH
                and re.search(r"(?:并转|转|并|并报|并告)$", reader.text(units[i])) and reader.salute_like(units[i + 1]))) and (
                not salutes or len(reader.text(units[i])) <= 20 or _SALUTE_START.match(reader.text(units[i]))):
        salutes.append(units[i])
        opener.append(Node("salute", units[i].start, units[i].end))
        i += 1
    is_letter = bool(salutes) or is_letter_title(head_text) or (first and not heads)
    if not heads and not salutes and not first:
        is_letter = False
    rest = units[i:]
    nodes: list[Node] = list(heads)
    if opener:
        nodes.append(Node("opener", opener[0].start, opener[-1].end, children=tuple(opener)))
    if not is_letter:
        return _article(reader, units, heads, opener, rest)
    if when and not reader.facts.header_date:
        # the opening date gives the year to a closing 一月三十一日 when the header has none
        reader = _Reader(reader.document, replace(reader.facts, header_date=when))
    closer_nodes, post_nodes, note_units, signed_texts, close_when, body_units = _closing(reader, rest)
    if not body_units and (closer_nodes or post_nodes):
        # tei_bha wants a part before closer and postscript: keep such a stub as paragraphs
        body_units, closer_nodes, post_nodes, note_units = rest, [], [], []
    nodes.extend(_with_sections(body_units))
    nodes.extend(closer_nodes)
    nodes.extend(post_nodes)
    if not body_units and not closer_nodes and not post_nodes and not opener and not heads:
        return _Built([Node("div", units[0].start, units[-1].end, attrs=(("type", NOTES_DIV_TYPE),),
                            children=tuple(Node("p", u.start, u.end) for u in units))],
                      False, False, (), None, ())
    letter_div = Node("div", nodes[0].start, nodes[-1].end, attrs=(("type", _letter_type(reader, head_text, first)),),
                      children=tuple(nodes))
    out = [letter_div]
    if note_units:
        out.append(Node("div", note_units[0].start, note_units[-1].end, attrs=(("type", NOTES_DIV_TYPE),),
                        children=tuple(Node("p", u.start, u.end) for u in note_units)))
    addressees = _addressees(reader, salutes, head_text)
    return _Built(out, True, bool(heads), addressees, when or close_when, tuple(signed_texts), head_text)


def _with_sections(units: list[_Unit]) -> list[Node]:
    """Parts, then a `div type="section"` for each heading with the parts under it."""
    out: list[Node] = []
    section: list[Node] | None = None
    for u in units:
        if u.kind is PartKind.HEADING:
            if section:
                out.append(Node("div", section[0].start, section[-1].end, attrs=(("type", "section"),),
                                children=tuple(section)))
            section = [Node("head", u.start, u.end)]
        elif section is not None:
            section.append(_plain(u))
        else:
            out.append(_plain(u))
    if section:
        out.append(Node("div", section[0].start, section[-1].end, attrs=(("type", "section"),), children=tuple(section)))
    return out


def _letter_type(reader: _Reader, head_text: str, first: bool) -> str:
    """"telegram" or "letter", as structure.document_type reads the title (the item's head)."""
    for title, tags in ((head_text, ()), (reader.facts.title if first else "", reader.facts.tags)):
        if title or tags:
            kind = document_type(title, tags)
            if kind in ("letter", "telegram"):
                return kind
    return "letter"


def _article(reader: _Reader, units: list[_Unit], heads: list[Node], opener: list[Node],
             rest: list[_Unit]) -> _Built:
    """A non-letter item (a glued speech or article): head, dateline, paragraphs."""
    nodes: list[Node] = list(heads)
    if opener:
        nodes.append(Node("opener", opener[0].start, opener[-1].end, children=tuple(opener)))
    nodes.extend(_with_sections(rest))
    if not nodes:
        return _Built([], False, False, (), None, ())
    div = Node("div", nodes[0].start, nodes[-1].end, attrs=(("type", "article"),), children=tuple(nodes))
    return _Built([div], False, bool(heads), (), None, ())


def _split_signature_glue(reader: _Reader, rest: list[_Unit]) -> list[_Unit]:
    """Cut a signature (and its date) off the paragraph OCR glued it to (…敬礼！毛泽东八月六日)."""
    out: list[_Unit] = []
    for k, u in enumerate(rest):
        t = reader.text(u)
        ends = [m.end() for m in _SENTENCE_END.finditer(t)]
        formula = _FORMULA_HEAD.match(t)
        if formula and formula.end() < len(t) and not any(e > formula.end() for e in ends):
            ends = [formula.end()]  # 此致同志的敬礼毛泽东: a formula, then the signature
        if not ends or u.kind is not PartKind.PARAGRAPH:
            out.append(u)
            continue
        cut = ends[-1]
        dated = False
        for e in reversed(ends[-6:]):
            # a signature and date followed by more (…敬颂大安！毛泽东四月二十九日[1]李鼎铭…)
            inner = _trim(reader.body, u.start + e, u.end)
            if inner[0] < inner[1] and reader.signed_split(u.span(inner[0], inner[1])):
                cut, dated = e, True
                break
        tail = _trim(reader.body, u.start + cut, u.end)
        if tail[0] >= tail[1] or (tail[1] - tail[0] > 45 and not dated):
            out.append(u)
            continue
        candidate = replace(u, start=tail[0], end=tail[1], indented="\xa0" in reader.body[u.start + cut:tail[0]])
        nxt = rest[k + 1] if k + 1 < len(rest) else None
        if reader.is_note(u) and not (reader.signed_strength(candidate) == 2 and nxt is not None
                                      and reader.date_unit(nxt)):
            out.append(u)  # a footnote, unless a known signer and then a date follow (…欢迎。毛泽东朱德 / 二月二日)
            continue
        if dated or reader.signed_split(candidate) or reader.signed_strength(candidate) == 2 or (
                reader.signed_strength(candidate) == 1 and tail[1] - tail[0] <= 8
                and nxt is not None and reader.date_unit(nxt)):
            a, b = _cut(reader.body, u, u.start + cut)
            if b is not None:
                b = replace(b, indented=candidate.indented)
            out.extend(x for x in (a, b) if x is not None)
        else:
            out.append(u)
    return out


def _closing(reader: _Reader, rest: list[_Unit]):
    """Split the units after the opener into body, closer, postscript and trailing notes."""
    body = reader.body
    rest = _split_signature_glue(reader, rest)
    n = len(rest)
    anchor = None
    notes_only_from = [True] * (n + 1)  # notes_only_from[k]: rest[k:] holds nothing but notes
    for k in range(n - 1, -1, -1):
        notes_only_from[k] = notes_only_from[k + 1] and reader.is_note(rest[k])
    for k in range(1, n) if n > 1 else ():
        u = rest[k]
        if reader.is_note(u):
            continue
        glued = reader.signed_split(u)
        prev_closing = reader.closing_like(rest[k - 1])
        if glued and (u.indented or prev_closing or reader.known_name_in(reader.text(u)[:glued[0] - u.start])
                      or len(re.sub(r"\s", "", body[u.start:glued[0]])) <= 12):
            anchor = k
            break
        strength = reader.signed_strength(u)
        if not strength:
            continue
        nxt = rest[k + 1] if k + 1 < n else None
        next_date = nxt is not None and reader.date_unit(nxt) is not None
        last_content = notes_only_from[k + 1]
        if strength == 2 and (next_date or prev_closing or u.indented or last_content
                              or (nxt is not None and reader.signed_strength(nxt) == 2)):
            anchor = k
            break
        if strength == 1 and (next_date or (u.indented and (prev_closing or last_content))
                              or ((prev_closing or _plain_date(reader, rest[k - 1])) and last_content)):
            anchor = k
            break
    closer: list[Node] = []
    post: list[Node] = []
    notes: list[_Unit] = []
    signed_texts: list[str] = []
    when = None
    if anchor is None:
        # no signature: closing salutes (and a date) at the end of the letter
        last = n
        while last > 0 and reader.is_note(rest[last - 1]):
            last -= 1
        notes = rest[last:]
        j = last
        date_node = None
        if j > 1 and reader.date_unit(rest[j - 1]) and reader.date_unit(rest[j - 1])[2] == rest[j - 1].end:
            du = reader.date_unit(rest[j - 1])
            date_node = _dateline(reader, rest[j - 1].start, du[2], du[0], du[1])
            when = date_node.children[0].attrs[0][1] if date_node.children[0].attrs else None
            j -= 1
        c = j
        while c > 1 and reader.closing_like(rest[c - 1]):
            c -= 1
        if c == j and date_node is None:
            return [], [], notes, [], None, rest[:last]
        salute_units = rest[c:j]
        closer = [Node("salute", u.start, u.end) for u in salute_units]
        body_units = list(rest[:c])
        body_units, tail = _split_tail(reader, body_units)
        closer = tail + closer
        if date_node is not None:
            closer.append(date_node)
        return ([Node("closer", closer[0].start, closer[-1].end, children=tuple(closer))], [], notes, [],
                when, body_units)
    # closing salutes before the anchor
    c = anchor
    while c > 1 and (reader.closing_like(rest[c - 1]) or (
            len(reader.text(rest[c - 1])) <= 10 and reader.signed_strength(rest[c - 1]) == 1
            and c - 2 >= 0 and (reader.closing_like(rest[c - 2]) or reader.tail_formula_start(rest[c - 2]) is not None)) or (
                _plain_date(reader, rest[c - 1]) and c == anchor)):
        c -= 1
    body_units = list(rest[:c])
    closer = []
    for u in rest[c:anchor]:
        if _plain_date(reader, u):  # the date above the signature
            du = reader.date_unit(u)
            closer.append(_dateline(reader, u.start, u.end, du[0], du[1]))
        else:
            closer.append(Node("salute", u.start, u.end))
    body_units, tail = _split_tail(reader, body_units)
    closer = tail + closer
    # signatures and the date from the anchor on
    k = anchor
    trailing: list[_Unit] = []
    while k < n:
        u = rest[k]
        glued = reader.signed_split(u)
        if glued:
            closer.append(Node("signed", u.start, glued[0]))
            signed_texts.append(body[u.start:glued[0]])
            line_start = _trim(body, glued[0], glued[1])[0]  # from a bracket before the date, if any
            du = reader.date_unit(replace(u, start=line_start))
            end = du[2] if du else glued[2]
            closer.append(_dateline(reader, line_start, end, glued[1], glued[2]))
            if end < u.end:
                _, rem = _cut(body, u, end)
                if rem is not None:
                    trailing.append(rem)
            k += 1
            break
        du = reader.date_unit(u)
        if du and k > anchor:
            closer.append(_dateline(reader, u.start, du[2], du[0], du[1]))
            if du[2] < u.end:
                _, rem = _cut(body, u, du[2])
                if rem is not None:
                    trailing.append(rem)
            k += 1
            break
        if k == anchor or (reader.signed_strength(u) and not reader.closing_like(u)):
            closer.append(Node("signed", u.start, u.end))
            signed_texts.append(reader.text(u))
            k += 1
            continue
        break
    for node in closer:
        if node.tag == "dateline" and node.children and node.children[0].attrs:
            when = node.children[0].attrs[0][1]
            break
    trailing.extend(rest[k:])
    closer_nodes = [Node("closer", closer[0].start, closer[-1].end, children=tuple(closer))]
    # after the closer: a postscript up to the last non-note unit, notes after it
    last = len(trailing)
    while last > 0 and reader.is_note(trailing[last - 1]):
        last -= 1
    notes = trailing[last:]
    ps_units = trailing[:last]
    if ps_units:
        post = [_postscript(reader, ps_units)]
    return closer_nodes, post, notes, signed_texts, when, body_units


def _split_tail(reader: _Reader, body_units: list[_Unit]) -> tuple[list[_Unit], list[Node]]:
    """Cut closing formulas off the end of the last body paragraph."""
    if not body_units or body_units[-1].kind is not PartKind.PARAGRAPH:
        return body_units, []
    last = body_units[-1]
    at = reader.tail_formula_start(last)
    if at is None:
        return body_units, []
    a, b = _cut(reader.body, last, at)
    if a is None or b is None:
        return body_units, []
    return body_units[:-1] + [a], [Node("salute", b.start, b.end)]


def _postscript(reader: _Reader, units: list[_Unit]) -> Node:
    """A postscript of paragraphs, closed by its own signature and date when it is signed again."""
    inner: list[Node] = []
    last = units[-1]
    glued = reader.signed_split(last) if len(units) > 1 and not reader.is_note(last) else None
    if glued:
        du = reader.date_unit(replace(last, start=glued[1]))
        end = du[2] if du else glued[2]
        if end == last.end:
            inner = [Node("signed", last.start, glued[0]), _dateline(reader, glued[1], end, glued[1], glued[2])]
            units = units[:-1]
    children = [Node("p", u.start, u.end) for u in units]
    if inner:
        children.append(Node("closer", inner[0].start, inner[-1].end, children=tuple(inner)))
    return Node("postscript", children[0].start, children[-1].end, children=tuple(children))


# ---------------------------------------------------------------- correspondents


def _clean_name(name: str) -> str:
    name = re.sub(r"\[\d*\]|［\d*］|\(\S{1,3}\)|（\S{1,3}）", "", name)
    name = re.sub(r"[\s\"“”'：:，,！!。?？]", "", name)
    return name


def _canonical_org(name: str) -> tuple[str, str] | None:
    """(organisation, rest) when `name` begins with a known organisation, allowing OCR noise."""
    for org in _KNOWN_ORGS:
        if len(name) < len(org):
            continue
        same = sum(a == b for a, b in zip(name, org))
        if same == len(org) or len(org) >= 6 and same >= len(org) - 2:
            return org, name[len(org):]
    return None


def _split_addressee(name: str) -> list[Correspondent]:
    """中国共产党中央委员会毛泽东 → [orgName 中国共产党中央委员会, persName 毛泽东]."""
    name = _HONORIFIC.sub("", name)
    if not name or name in _GENERIC_ADDRESSEES:
        return []
    known = _canonical_org(name)
    if known:
        org, rest = known
        rest = _HONORIFIC.sub("", rest)
        out = [Correspondent(org, True)]
        if rest:
            out.append(correspondent(rest))
        return out
    m = re.match(r"^(.{2,}?(?:委员会|中央|党委|政府|支部|军区|局|部|社))([\u4e00-\u9fff]{2,4})$", name)
    if m and not is_organisation(m.group(2)):
        return [Correspondent(m.group(1), True), correspondent(m.group(2))]
    return [correspondent(name)]


def _names_in(text: str) -> list[Correspondent]:
    """The correspondents named in an addressee line or a title's 给…的信 part."""
    text = re.sub(r"^(?:致|亲爱的|尊敬的|敬爱的|最敬爱的|最最敬爱的|无耻的)", "", text.strip())
    text = re.sub(r"[：:]$", "", text)
    pieces = re.split(r"[、，,；;]|即转|并转|请转|转呈|并告|并抄|并报|并|和|及|与", text)
    out: list[Correspondent] = []
    for piece in pieces:
        piece = _clean_name(re.sub(r"^(?:致|转|告|抄|报)", "", piece.strip()))
        out.extend(_split_addressee(piece))
    return [c for c in out if c.name and c.name not in _GENERIC_ADDRESSEES]


def _title_addressees(title: str) -> list[Correspondent]:
    """给谢觉哉的信 → 谢觉哉; 致彭德怀、左权电 → 彭德怀, 左权."""
    title = _TITLE_TAIL.sub("", title)
    m = re.search(r"(?:写给|给|致|复)([^给致复]{1,60}?)(?:等[^的]{0,6})?(?:的(?:[一二两三四五六七八九十几]+[封个份])?"
                  r"(?:信|复信|回信|公开信|电报|复电|贺电|唁电|电)|电报?)(?:[（(][^）)]*[）)])?$", title)
    if not m:
        return []
    return [c for c in _names_in(m.group(1)) if c.is_org or 2 <= len(c.name) <= 4]


def _addressees(reader: _Reader, salutes: list[_Unit], head_text: str) -> tuple[Correspondent, ...]:
    """From the salute; a short form there (觉哉) takes the full name the title gives (谢觉哉)."""
    from_title = _title_addressees(head_text)
    for u in salutes:
        out = _names_in(reader.text(u))
        if out:
            full = []
            for c in out:
                longer = [t for t in from_title if t.name.endswith(c.name) and len(t.name) > len(c.name)]
                full.append(longer[0] if len(longer) == 1 else c)
            return tuple(dict.fromkeys(full))
    return tuple(dict.fromkeys(from_title))


def _title_senders(title: str) -> list[Correspondent]:
    """苏共中央一九六三年十一月二十九日给中共中央的信 → 苏共中央; 毛泽东、朱德关于…给卢汉的电报 → both."""
    m = re.match(r"^(.{2,40}?)(?:写给|给|致|复)", _SPACES.sub("", title))
    if not m:
        return []
    writers = m.group(1).split("关于")[0]
    found = find_cn_date(writers)
    while found is not None and found.end > found.start:
        writers = writers[:found.start] + writers[found.end:]
        found = find_cn_date(writers)
    out = []
    for name in re.split(r"[、，,和与（）()]", writers):
        name = re.sub(r"(?:等人|等同志|等)$", "", name.strip())
        if name and (is_organisation(name) or (2 <= len(name) <= 4 and name[0] in _SURNAMES)):
            out.append(correspondent(name))
    return out


def _senders(document: Document, reader: _Reader, built: _Built, title: str) -> tuple[Correspondent, ...]:
    """The authors, with the bodies and co-signers the title names as writers (苏共中央…给…的信)."""
    authors = [correspondent(a.strip()) for a in document.header.authors if a.strip()]
    from_title = _title_senders(title)
    if authors or from_title:
        orgs = [c for c in from_title if c.is_org and c not in authors]
        people = [c for c in from_title if not c.is_org and c not in authors]
        return tuple(dict.fromkeys(orgs + authors + people))
    out = []
    for text in built.signed_texts:
        text = _SPACES.sub("", text)
        names = [name for name in reader.facts.names if name in text]
        if names:
            out.extend(correspondent(name) for name in names)
        else:
            cleaned = _SIGN_MARK.sub("", re.sub(r"[（(][^（）()]*[）)]", "", text))
            if cleaned:
                out.append(correspondent(cleaned))
    return tuple(dict.fromkeys(out))
