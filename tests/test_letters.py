"""The letters step: Chinese dates, letter recognition, the seed letter's parts, the letter gold.

The seg_gold score uses the ruler's own check (tests/ruler.py `seg_checks`, vendored from
../shared/tools/score.py: each gold span must be found inside an element of the right kind) on
the converted corpus and prints the per-part scores.
"""
from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from lxml import etree

from conftest import SEED, xpath
from ruler import seg_checks
from tei import ConvertOptions, convert_bytes, convert_document
from tei.cndates import find_cn_date, may_start_date_by, parse_cn_date, rhyme_day
from tei.dates import parse_ymd
from tei.letters import find_letters, is_letter_document, is_letter_title, lexicon
from tei.model import Correspondent, Document, Header, Node
from tei.reader import read_export
from tei.structure import split_parts
from tei.vocab import CONTAINERS

FULL_FLOOR, TRIMMED_FLOOR = 0.98, 0.98
"""Share of the gold letter parts found, on the full dev corpus and on the trimmed dev set: all
118 parts of the full gold are found now (the last one missed was a dateline under a postscript,
which tei_bha does not allow a closer in; see the report of issue 3)."""
LETTERS_PACKAGE = Path(__file__).resolve().parents[1] / "tei" / "letters"
LETTER_GOLD = Path(__file__).resolve().parent / "data" / "letters"
"""Letters with hand-made gold, not of the dev corpus (tests/data/letters/README.md): tune/ and heldout/."""
TUNE = LETTER_GOLD / "tune"
TRIMMED = Path(__file__).resolve().parent / "data" / "corpus"


# ---------------------------------------------------------------- helpers


def letters_tree(document: Document) -> etree._ElementTree:
    """The TEI document as the pipeline builds it (without OCR marking), the letters step's layout kept."""
    result = convert_document(document, ConvertOptions(ocr=False))
    assert not result.warnings, result.warnings
    return result.tree


def text_of(body: str, node: Node) -> str:
    return body[node.start:node.end]


def walk(node: Node):
    yield node
    for child in node.children:
        yield from walk(child)


def find(structure, tag: str) -> list[Node]:
    return [n for div in structure.divs for n in walk(div) if n.tag == tag]


def document(body: str, title: str = "", tags: tuple[str, ...] = (), authors: tuple[str, ...] = (),
             dates: tuple[str, ...] = ()) -> Document:
    header = Header(article_id="t", title=title, dates=dates, iso_dates=tuple(parse_ymd(d).iso for d in dates),
                    date_text=",".join(dates), is_range=False,
                    authors=authors, source="", tags=tags, book="", book_author="")
    return Document(path="t.txt", header=header, body=body, body_line=12, description="")


def assert_well_formed(body: str, structure) -> None:
    """Children ordered and inside their parent; every non-space body character under exactly one
    outermost text-bearing (non-container) element, and none left loose in a container."""
    covered = [0] * len(body)

    def visit(node: Node) -> None:
        cursor = node.start
        for child in node.children:
            assert node.start <= child.start <= child.end <= node.end, (node.tag, child.tag)
            assert child.start >= cursor, f"<{child.tag}> overlaps its elder sibling"
            cursor = child.end
        if node.tag in CONTAINERS:
            for child in node.children:
                visit(child)
        else:
            for k in range(node.start, node.end):
                covered[k] += 1

    for div in structure.divs:
        visit(div)
    markers = {m.start() + i for m in re.finditer(r"(?m)^(?:#{1,4} |> )", body) for i in range(len(m.group(0)))}
    for k, ch in enumerate(body):
        if ch.isspace() or k in markers:
            continue
        assert covered[k] == 1, f"body[{k}]={ch!r} covered {covered[k]} times: {body[max(0, k - 10):k + 10]!r}"


# ---------------------------------------------------------------- the word lists

def test_every_word_list_is_used_and_well_formed():
    """tei/data/letter_words.json: each list documented, its words plain (no spaces, no regular
    expression syntax), none twice, and each list used by the package's code."""
    raw = json.loads(resources.files("tei.data").joinpath(lexicon.DATA_FILE).read_text(encoding="utf-8"))
    code = "".join(path.read_text(encoding="utf-8") for path in LETTERS_PACKAGE.glob("*.py"))
    for name, entry in raw["lists"].items():
        words = entry["words"].split()
        assert entry["doc"] and words, name
        assert len(set(words)) == len(words), name
        assert not [w for w in words if re.search(r"[\\^$.|?*+()\[\]{}]", w)], name
        assert f'"{name}"' in code or f"'{name}'" in code, f"{name} is not used"
    assert lexicon.words("surnames")[:3] == ("王", "李", "张") and "同志" in lexicon.GENERIC_ADDRESSEES


# ---------------------------------------------------------------- Chinese dates

CN_DATES = [
    ("一九六三年十一月二十九日", None, "1963-11-29"),
    ("一九五〇年十月", None, "1950-10"),
    ("一九五○年十月一日", None, "1950-10-01"),
    ("一九五零年", None, "1950"),
    ("一九三七年春", None, "1937"),
    ("一九五O年十月一日", None, "1950-10-01"),
    ("1941年8月6日", None, "1941-08-06"),
    ("（1945年8月）", None, "1945-08"),
    ("（1941年6月13日、15日）", None, "1941-06-13"),
    ("八月六日", "1941-08-06", "1941-08-06"),
    ("八月六日", None, None),
    ("三月卅日", "1950-03-30", "1950-03-30"),
    ("廿七日十八时", "1936-09-27", "1936-09-27"),
    ("74.1.28凌晨 5时", "1974-01-28", "1974-01-28"),
    ("1957．6．5", None, "1957-06-05"),
    ("12月3日", "1965-12-03", "1965-12-03"),
    ("十二月二十日夜", "1942-12-20", "1942-12-20"),
    # OCR-garbled year: taken from the header only when the legible numerals agree
    ("一北大三年十一月二十九日", "1963-11-29", "1963-11-29"),
    ("一北大三年十一月二十九日", "1964-11-29", None),
    ("一北大三年十一月二十九日", None, None),
    ("文武59年6月7日", None, "1959-06-07"),
    # garbled month or day: the header's date when the legible numerals agree, else no value
    ("二月二t一日", "1943-02-21", "1943-02-21"),
    ("二月三t一日", "1943-02-21", "1943-02"),  # the day disagrees: the legible month only
    ("一九四三年二月二十-日", "1943-02-21", "1943-02-21"),
    ("二月二t一日", None, None),
    ("上二月二十日夜", "1942-12-20", "1942-12-20"),  # 上 for 十, confirmed by the header
    ("敬上六月二十日", "1957-06-20", "1957-06-20"),
    ("没有日期", None, None),
    ("八月六目", "1941-08-06", "1941-08-06"),  # OCR 目 for 日 after a month
    ("项目", None, None),
    ("二月廿九日", "1957-02-01", "1957-02"),  # no 29th in 1957: the month only
    ("一九六四年二月廿九日", None, "1964-02-29"),
]


@pytest.mark.parametrize("text, header, expected", CN_DATES)
def test_parse_cn_date(text, header, expected):
    assert parse_cn_date(text, header) == expected


def test_find_cn_date_gives_the_span():
    found = find_cn_date("毛泽东一九三七年一月三日于延安")
    assert (found.start, found.end, found.when) == (3, 12, "1937-01-03")


@pytest.mark.parametrize("text, header, expected", [
    ("日本军队今日进攻，" * 8 + "二月二t一日", "1941-02-21", (72, 78, "1941-02-21")),
    ("日本军队今日进攻，" * 8 + "二月二t一日", None, (72, 78, None)),
    ("日日日日月月二月二t一日", "1941-02-21", (6, 12, "1941-02-21")),
])
def test_find_cn_date_garbled_after_many_day_characters(text, header, expected):
    """The garbled-date pattern is tried only near 月 and 日: a date after many of them is still found."""
    found = find_cn_date(text, header)
    assert (found.start, found.end, found.when) == expected


@pytest.mark.parametrize("code, header, expected", [
    ("佳", "1940-11-09", "1940-11-09"),
    ("佳", "1940-11-10", None),
    ("东", "1940-11-01", "1940-11-01"),
    ("好", "1940-11-09", None),
])
def test_telegram_day_codes(code, header, expected):
    assert rhyme_day(code, header) == expected


# ---------------------------------------------------------------- recognising letters

@pytest.mark.parametrize("title, expected", [
    ("给谢觉哉的信", True),
    ("关于财经建设的基本方针给谢觉敌的信", True),
    ("给徐特立同志的一封信", True),
    ("致彭德怀、左权、罗瑞卿电\"", True),
    ("复李济深等五十六人电！", True),
    ("祝贺苏联红军成立二十五周年的电报", True),
    ("中央军委、国务院给内蒙古军区的复电", True),
    ("为江锋等中共代表亲自签名盖章的介绍信", True),
    ("湖南省公安厅关于破坏耕牛问题给公安部的信和调查报告", True),
    ("毛泽东对薄一波来信的批语", False),
    ("李仲公“伪造贺龙信件”之疑", False),
    ("陈伯达江青给北京航空学院\"红旗\"的电话指示", False),
    ("破除迷信", False),
    ("连续施放毒箭攻击党的领导，周颖原是康泽的密友胡风的亲信", False),
    ("国务院关于加强处理人民来信和接待人民来访工作的指示", False),
    ("关于发展小水电", False),
    ("在延安文艺座谈会上的讲话", False),
])
def test_letter_titles(title, expected):
    assert is_letter_title(title) is expected


def test_a_speech_is_not_a_letter():
    doc = document("# 在某某会议上的讲话\n\n同志们：\n\n今天我讲三个问题。\n\n此致\n\n敬礼", title="在某某会议上的讲话",
                   tags=("讲话",))
    assert not is_letter_document(doc)
    assert find_letters(doc, split_parts(doc.body).parts) is None


def test_corpus_non_letters_get_none(corpus):
    """Documents neither tagged 书信 nor titled as letters or telegrams keep the generic structure."""
    found = []
    for row in corpus.manifest:
        doc = read_export(corpus.folder / row["file"])
        if row["is_letter"] == "no" and find_letters(doc, split_parts(doc.body).parts) is not None:
            found.append(row["title"])
    # a directive sent as a telegram is a telegram all the same
    assert found == ["关于解放北平的一份指示电文"]


# ---------------------------------------------------------------- small bodies, exact trees

def test_glued_title_addressee_and_signature_with_date():
    body = ("给某某的信致中国共产党中央委员会毛泽东同志\n\n亲爱的同志们：\n\n正文一段。\n\n此致\n\n敬礼！\n\n"
            "中共某某委员会（签字）\n\n一九六三年十一月二十九日\n\n附：文件一份。\n\n[1]注释。")
    doc = document(body, title="给某某的信", tags=("书信",), authors=("某某",), dates=("1963-11-29",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    letter = structure.divs[0]
    assert dict(letter.attrs) == {"type": "letter"}
    assert [(n.tag, text_of(body, n)) for n in letter.children if n.tag in ("head", "p")] == [
        ("head", "给某某的信"), ("p", "正文一段。")]
    assert [text_of(body, n) for n in find(structure, "salute")] == [
        "致中国共产党中央委员会毛泽东同志", "亲爱的同志们：", "此致", "敬礼！"]
    assert [text_of(body, n) for n in find(structure, "signed")] == ["中共某某委员会（签字）"]
    assert [dict(n.attrs) for n in find(structure, "date")] == [{"when": "1963-11-29"}]
    postscript = find(structure, "postscript")[0]
    assert text_of(body, postscript) == "附：文件一份。"
    assert text_of(body, structure.divs[-1]) == "[1]注释。"
    assert structure.letters[0].addressees == (Correspondent("中国共产党中央委员会", True), Correspondent("毛泽东", False))
    assert structure.letters[0].when == "1963-11-29"


def test_dateline_and_salute_glued_and_closing_formula_in_the_last_paragraph():
    body = "致某某电\n\n（1949年2月2日）某某、某某诸先生共鉴：\n\n正文。特电布复，敬表欢迎。\n\n毛泽东朱德\n\n二月二日"
    doc = document(body, title="致某某电", authors=("毛泽东",), tags=("朱德",), dates=("1949-2-2",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    opener = find(structure, "opener")[0]
    assert [(n.tag, text_of(body, n)) for n in opener.children] == [
        ("dateline", "（1949年2月2日）"), ("salute", "某某、某某诸先生共鉴：")]
    assert [text_of(body, n) for n in find(structure, "salute")][-1] == "特电布复，敬表欢迎。"
    assert [text_of(body, n) for n in find(structure, "p")] == ["正文。"]
    assert [text_of(body, n) for n in find(structure, "signed")] == ["毛泽东朱德"]


def test_two_items_the_second_title_glued_to_a_footnote():
    body = ("致甲电\n\n（1941年6月13日）\n\n电文。\n\n[1]注释的末尾关于预算问题给乙的信\n\n"
            "（1941年6月13日）乙老：\n\n信文。\n\n毛泽东\n\n六月十三日夜")
    doc = document(body, title="致甲电", authors=("毛泽东",), dates=("1941-6-13",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    heads = [text_of(body, n) for n in find(structure, "head")]
    assert heads == ["致甲电", "关于预算问题给乙的信"]
    assert [dict(d.attrs)["type"] for d in structure.divs] == ["telegram", "article", "letter"]
    assert [text_of(body, n) for n in find(structure, "dateline")][-1] == "六月十三日夜"
    assert len(structure.letters) == 2


def test_plain_date_under_the_title_and_a_listed_addressee():
    body = "# 某某给各地的电报\n\n一九五二年一月三十一日\n\n各中央局，大军区，志愿军并转分局：\n\n电文。\n\n\xa0毛泽东一月三十一日"
    doc = document(body, title="某某给各地的电报", authors=("毛泽东",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    opener = find(structure, "opener")[0]
    assert [(n.tag, text_of(body, n)) for n in opener.children] == [
        ("dateline", "一九五二年一月三十一日"), ("salute", "各中央局，大军区，志愿军并转分局：")]
    assert [dict(n.attrs) for n in find(structure, "date")] == [{"when": "1952-01-31"}, {"when": "1952-01-31"}]
    assert structure.letters[0].when == "1952-01-31"


def test_a_reply_in_the_same_text_and_a_date_above_the_signature():
    body = ("给乙的信\n\n乙同志：\n\n来信收到。\n\n此致\n\n敬礼\n\n甲\n\n莫斯科，一九六三年三月三十日\n\n"
            "附：乙的复信\n\n甲同志：\n\n复信正文。\n\n一九六三年四月二日\n\n乙")
    doc = document(body, title="给乙的信", tags=("书信",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    assert [dict(d.attrs)["type"] for d in structure.divs] == ["letter", "letter"]
    assert [text_of(body, n) for n in find(structure, "head")] == ["给乙的信", "附：乙的复信"]
    assert [text_of(body, n) for n in find(structure, "dateline")] == ["莫斯科，一九六三年三月三十日", "一九六三年四月二日"]
    assert [text_of(body, n) for n in find(structure, "signed")] == ["甲", "乙"]
    assert [letter.when for letter in structure.letters] == ["1963-03-30", "1963-04-02"]
    assert [letter.addressees for letter in structure.letters] == [
        (Correspondent("乙", False),), (Correspondent("甲", False),)]


@pytest.mark.parametrize("title, authors, expected", [
    ("苏共中央一九六三年十一月二十九日给中共中央的信", ("赫鲁晓夫",), [("苏共中央", True), ("赫鲁晓夫", False)]),
    ("毛泽东、朱德关于云南省国民党政府军起义给卢汉的电报", ("毛泽东",), [("毛泽东", False), ("朱德", False)]),
    ("中央军委、国务院给内蒙古军区的复电", (), [("中央军委", True), ("国务院", True)]),
    ("朱德等给何应钦、白崇禧的电报", ("毛泽东",), [("毛泽东", False), ("朱德", False)]),
    ("关于财经建设的基本方针给谢觉哉的信", ("毛泽东",), [("毛泽东", False)]),
])
def test_senders(title, authors, expected):
    body = f"{title}\n\n某某同志：\n\n正文。"
    structure = find_letters(document(body, title=title, authors=authors, tags=("书信",)), split_parts(body).parts)
    assert [(c.name, c.is_org) for c in structure.letters[0].senders] == expected


@pytest.mark.parametrize("title, salute, expected", [
    ("给谢觉哉的信", "觉哉同志：", [("谢觉哉", False)]),  # the title completes a short form
    ("致邓小平电", "小平同志：", [("邓小平", False)]),
    ("致周恩来电", None, [("周恩来", False)]),  # no salute: the title names the addressee
    ("中央军委、国务院给内蒙古军区的复电", None, [("内蒙古军区", True)]),
    ("给某某的信", "各中央局、分局并转各省委、市委：", [("各中央局", True), ("分局", True), ("各省委", True), ("市委", True)]),
    ("给某某的信", "李政委并军区党委：", [("李政委", False), ("军区党委", True)]),
    ("给某某的信", "亲爱的同志们：", [("某某", False)]),  # a generic salute: the title names them
])
def test_addressees(title, salute, expected):
    body = f"{title}\n\n{salute}\n\n正文。" if salute else f"{title}\n\n（1946年6月22日）\n\n正文。"
    structure = find_letters(document(body, title=title, tags=("书信",)), split_parts(body).parts)
    assert [(c.name, c.is_org) for c in structure.letters[0].addressees] == expected


def test_ocr_garbled_opening_date_and_a_salute_glued_to_the_text():
    body = "给凯丰的信\n\n（l943年4月22日）凯丰同志：从前你有几封信我还未回复。\n\n敬札！\n\n毛泽东\n\n四月二十二目"
    doc = document(body, title="给凯丰的信", tags=("书信",), authors=("毛泽东",), dates=("1943-4-22",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    opener = find(structure, "opener")[0]
    assert [(n.tag, text_of(body, n)) for n in opener.children] == [
        ("dateline", "（l943年4月22日）"), ("salute", "凯丰同志：")]
    assert [text_of(body, n) for n in find(structure, "p")] == ["从前你有几封信我还未回复。"]
    assert [text_of(body, n) for n in find(structure, "salute")][-1] == "敬札！"
    assert [dict(n.attrs) for n in find(structure, "date")] == [{"when": "1943-04-22"}] * 2  # 4月22日 + the header year


def test_two_line_salute_and_a_bracketed_year_before_the_date():
    body = ("# 费孝通给某某的信\n\n费孝通\n\n克勤院长并转\n\n格平院长：\n\n正文，即问：\n\n编安\n\n"
            "肖军  肖红二位先生同此\n\n\xa0苏金伞上（一九四三年）十一月十日")
    doc = document(body, title="费孝通给某某的信", tags=("书信",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    assert [text_of(body, n) for n in find(structure, "byline")] == ["费孝通"]
    assert [text_of(body, n) for n in find(structure, "salute")] == [
        "克勤院长并转", "格平院长：", "即问：", "编安", "肖军  肖红二位先生同此"]
    assert [text_of(body, n) for n in find(structure, "signed")] == ["苏金伞上"]
    assert [text_of(body, n) for n in find(structure, "dateline")] == ["（一九四三年）十一月十日"]


def test_a_postscript_signed_again(tei_all):
    body = ("给乙的信\n\n乙老：\n\n正文。\n\n毛泽东\n\n六月十三日夜\n\n又陈者：补充一点。\n\n毛泽东六月十五日")
    doc = document(body, title="给乙的信", tags=("书信",), authors=("毛泽东",), dates=("1941-6-13",))
    structure = find_letters(doc, split_parts(body).parts)
    assert_well_formed(body, structure)
    postscript = find(structure, "postscript")[0]
    assert [n.tag for n in postscript.children] == ["p", "closer"]
    assert [text_of(body, n) for n in find(structure, "dateline")] == ["六月十三日夜", "六月十五日"]
    assert tei_all.validate(letters_tree(doc)), tei_all.error_log.last_error


# ---------------------------------------------------------------- real documents: several letters, correspondents



def corresp(tree: etree._ElementTree) -> list[dict[str, list[str]]]:
    """Each correspDesc of a converted document: its sent and received actions' children as text."""
    out = []
    for desc in xpath(tree, "//t:profileDesc/t:correspDesc"):
        out.append({f"{action.get('type')} {etree.QName(child).localname}": [] for action in desc for child in action})
        for action in desc:
            for child in action:
                out[-1][f"{action.get('type')} {etree.QName(child).localname}"].append(child.text or child.get("when"))
    return out


@pytest.fixture(scope="module")
def two_telegrams():
    """第十八集团军总司令给蒋介石的两个电报: the title, its month, then two dated telegrams."""
    return letters_tree(read_export(TRIMMED / "3fbfe9c724__maoquanji20.txt"))


def test_two_telegrams_in_one_document_are_two_divs_and_two_correspdescs(two_telegrams):
    divs = xpath(two_telegrams, "//t:body/t:div")
    assert [(d.get("type"), xpath(d, "string(t:head)")) for d in divs if d.get("type") == "telegram"] == [
        ("telegram", "第十八集团军总司令给蒋介石的两个电报！"), ("telegram", "八月十三日的电报"),
        ("telegram", "八月十六日的电报")]
    assert xpath(two_telegrams, "string(//t:body/t:div[1]/t:opener/t:dateline)") == "（1945年8月）"
    assert corresp(two_telegrams) == [
        {"sent persName": ["毛泽东"], "sent date": ["1945-08-13"], "received persName": ["蒋介石"]},
        {"sent persName": ["毛泽东"], "sent date": ["1945-08-16"], "received persName": ["蒋介石"]}]


def test_two_letters_one_date_glued_to_the_next_title():
    """给华罗庚的信 and 给高×的信, the first one's date glued to the second one's title (OCR): each letter
    its own opener, closer and date."""
    tree = letters_tree(read_export(TUNE / "6524e27559__45f85d41.txt"))
    letters = xpath(tree, "//t:body/t:div[t:opener/t:salute]")
    assert [xpath(d, "string(t:head)") for d in letters] == ["给华罗庚的信", "给高×的信"]
    assert [xpath(d, "t:opener/t:salute/text()") for d in letters] == [["华罗庚先生："], ["高×先生："]]
    assert [xpath(d, "t:closer/t:salute/text()") for d in letters] == [["肃此。敬颂教祺！"], ["肃此，敬颂吉安。"]]
    assert [xpath(d, "string(t:closer/t:dateline/t:date/@when)") for d in letters] == ["1964-03-18", "1964-03-18"]
    assert [c["received persName"] for c in corresp(tree)] == [["华罗庚"], ["高×"]]


def test_a_salutation_after_a_signed_letter_starts_the_next_one():
    """李井泉关于粮食问题给毛泽东的信: Mao's instruction, the provincial committee's covering letter
    (各市、地、州委：) right after the instruction's signature and date, then the letter itself."""
    tree = letters_tree(read_export(TUNE / "db89fdbb13__CCRD-dayuejin.txt"))
    closers = xpath(tree, "//t:body/t:div/t:closer")
    assert [(xpath(c, "string(t:signed)"), xpath(c, "string(t:dateline/t:date/@when)"),
             xpath(c, "string(t:dateline/t:placeName)")) for c in closers] == [
        ("毛泽东", "1961-05-09", "上海"), ("中共四川省委", "1961-05-08", ""), ("李井泉", "1961-05-08", "内江")]
    assert xpath(tree, "//t:body/t:div[2]/t:opener/t:salute/text()") == ["各市、地、州委："]
    assert len(corresp(tree)) == 3


def test_a_reading_in_the_place_of_a_dateline_is_marked_there():
    """A reading inside a dateline's placeName (a reviewer's here; the OCR step's, 于廷安 -> 延安, the
    same way) is a <choice> in the placeName, as tei_all allows: the project schema refused it, and
    the file was not written ("please report it")."""
    from tei.decisions import Action, decide

    document = read_export(TUNE / "db89fdbb13__CCRD-dayuejin.txt")
    at = document.body.rindex("于内江") + 1
    added = decide(document.header.article_id, document.body, at, "内", Action.ADD, "肉", "王五")
    result = convert_document(document, ConvertOptions(ocr=False, decisions=(added,)))
    place = xpath(result.tree, "//t:closer/t:dateline/t:placeName")[-1]
    assert xpath(place, "t:choice/t:sic/text() | t:choice/t:corr/text()") == ["内", "肉"]
    assert xpath(place, "string()") == "内肉江" and xpath(place, "t:choice/t:corr/@cert") == ["high"]


def test_footnotes_in_the_middle_of_a_letter_are_notes_of_its_body():
    """给冯玉祥的信: footnotes [1]–[3] printed between the body's paragraphs, the body going on after
    them: notes where they stand (tei/notes.py); the letter keeps its opener and closer."""
    document = read_export(TUNE / "1891302fe1__maoquanji9-2.txt")
    result = convert_document(document, ConvertOptions(ocr=False))
    assert not result.warnings
    letter, = xpath(result.tree, "//t:body/t:div[@type='letter']")
    assert xpath(letter, "string(t:opener/t:salute)") == "焕章先生："
    assert [(e.tag.split("}")[1], e.text[:3]) for e in xpath(letter, "t:p | t:note")][-5:] == [
        ("p", "目前急"), ("note", "[1]"), ("note", "[2]"), ("note", "[3]"), ("p", "先生老")]
    assert xpath(letter, "t:closer/*/text()") == ["书不尽意。", "肃颂勋祺！", "毛泽东手启"]


@pytest.mark.parametrize("path, expected", [
    # a code name the title resolves
    (TRIMMED / "63b2123796__CCRD-shzygz.txt", {"received persName": ["胡志明"]}),
    # given names, through the tags and the title
    (TRIMMED / "177aa2acc2__jqjianghua.txt",
     {"received persName": ["王洪文", "叶剑英", "张春桥", "邓小平", "陈锡联", "苏振华", "许世友", "赵紫阳"]}),
    # two people as two surnames: 毛 by the lexicon, 林 by 林副主席 in the letter
    (TRIMMED / "fc3fba9704__cnd.txt", {"received persName": ["毛泽东", "林彪"]}),
    # a title and surname, and a signature of two
    (TUNE / "a6718bf630__GPCRv3.txt", {"received persName": ["叶剑英"], "sent persName": ["白智清"]}),
    (TUNE / "0d9bb23ba2__maoquanji16.txt", {"sent persName": ["毛泽东", "陈伯达"], "received persName": ["周恩来"]}),
    # the places of the date lines, and of a signature without date
    (TUNE / "881fbb422f__maoquanji5.txt", {"sent placeName": ["峡江县"], "received orgName": ["湘东特委"]}),
    (TUNE / "d5162bf154__maoquanji5.txt", {"sent placeName": ["建宁"]}),
])
def test_correspondents_are_people_and_places(path, expected):
    (desc,) = corresp(letters_tree(read_export(path)))
    assert {key: desc.get(key) for key in expected} == expected


@pytest.mark.parametrize("title, salute, expected", [
    ("给徐特立同志的一封信", "徐老同志：", ["徐特立"]),
    ("林彪致毛泽东有关突出政治的信", "主席：", ["毛泽东"]),
    ("给同志们的信", "恩来同志：", ["周恩来"]),  # the lexicon: 恩来 is one person
    ("给同志们的信", "张莫李卢：", ["张莫李卢"]),  # surnames nothing resolves stay as written
])
def test_short_forms(title, salute, expected):
    body = f"{title}\n\n{salute}\n\n正文。"
    structure = find_letters(document(body, title=title, tags=("书信",)), split_parts(body).parts)
    assert [c.name for c in structure.letters[0].addressees] == expected


def test_known_people_resolve_short_forms():
    body = "给同志们的信\n\n老方同志：\n\n正文。"
    doc = document(body, title="给同志们的信", tags=("书信",))
    assert [c.name for c in find_letters(doc, split_parts(body).parts).letters[0].addressees] == ["老方"]
    structure = find_letters(doc, split_parts(body).parts, known_people=("方志敏",))
    assert [c.name for c in structure.letters[0].addressees] == ["方志敏"]


# ---------------------------------------------------------------- the seed

@pytest.fixture(scope="module")
def seed():
    doc = read_export(SEED)
    return doc, find_letters(doc, split_parts(doc.body).parts)


def test_seed_node_tree(seed):
    doc, structure = seed
    body = doc.body
    assert_well_formed(body, structure)
    assert len(structure.divs) == 1
    letter = structure.divs[0]
    head, opener = letter.children[:2]
    assert (head.tag, text_of(body, head)) == ("head", "苏共中央一九六三年十一月二十九日给中共中央的信")
    assert [(n.tag, text_of(body, n)) for n in opener.children] == [
        ("salute", "致中国共产党中央姿黄会毛泽东同志"), ("salute", "亲爱的同志门，")]
    closer = letter.children[-1]
    assert closer.tag == "closer"
    assert [(n.tag, text_of(body, n)) for n in closer.children] == [
        ("signed", "苏联共产党中央姿县会第一书配尼·赫馨蘑大（签宇）"), ("dateline", "一北大三年十一月二十九日")]
    assert dict(closer.children[1].children[0].attrs) == {"when": "1963-11-29"}


def test_seed_correspondents(seed):
    _, structure = seed
    (letter,) = structure.letters
    assert letter.senders == (Correspondent("苏共中央", True), Correspondent("赫鲁晓夫", False))
    assert letter.addressees == (Correspondent("中国共产党中央委员会", True), Correspondent("毛泽东", False))
    assert letter.when == "1963-11-29"


@pytest.fixture(scope="module")
def seed_letters_tree():
    return letters_tree(read_export(SEED))


@pytest.mark.parametrize("expression, expected", [
    ("string(//t:body/t:div/@type)", "letter"),
    ("string(//t:body/t:div/t:head)", "苏共中央一九六三年十一月二十九日给中共中央的信"),
    ("string(//t:opener/t:salute[1])", "致中国共产党中央姿黄会毛泽东同志"),
    ("string(//t:opener/t:salute[2])", "亲爱的同志门，"),
    ("string(//t:closer/t:signed)", "苏联共产党中央姿县会第一书配尼·赫馨蘑大（签宇）"),
    ("string(//t:closer/t:dateline/t:date/@when)", "1963-11-29"),
    ("string(//t:closer/t:dateline/t:date)", "一北大三年十一月二十九日"),
    ("count(//t:body/t:div/t:p)", 35.0),
    ("string(//t:correspAction[@type='received']/t:orgName)", "中国共产党中央委员会"),
    ("string(//t:correspAction[@type='received']/t:persName)", "毛泽东"),
    ("string(//t:correspAction[@type='sent']/t:orgName)", "苏共中央"),
    ("string(//t:correspAction[@type='sent']/t:persName)", "赫鲁晓夫"),
    ("string(//t:correspAction[@type='sent']/t:date/@when)", "1963-11-29"),
])
def test_seed_xpath(seed_letters_tree, expression, expected):
    assert xpath(seed_letters_tree, expression) == expected


# ---------------------------------------------------------------- corpus letters against the gold

def score_parts(checked: list[tuple[str, etree._Element, dict]]) -> tuple[dict[str, list[int]], list[str]]:
    """Per gold part, [found, total] over (name, TEI root, gold) triples, and the misses."""
    per_part: dict[str, list[int]] = {}
    missed = []
    for name, root, gold in checked:
        for key, ok in seg_checks(root, gold).items():
            part = key.split("#")[0]
            per_part.setdefault(part, [0, 0])
            per_part[part][0] += bool(ok)
            per_part[part][1] += 1
            if not ok:
                missed.append(f"{name} {key}")
    return per_part, missed


def report_parts(label: str, per_part: dict[str, list[int]], missed: list[str], capsys) -> float:
    """Print the share found, per part and the misses (none given: not printed); return the share."""
    found = sum(v[0] for v in per_part.values())
    total = sum(v[1] for v in per_part.values())
    with capsys.disabled():
        print(f"\nletter parts found in {label}: {found}/{total} = {found / total:.4f}")
        for part, (ok, n) in sorted(per_part.items()):
            print(f"  {part:18} {ok:3}/{n:<3} {ok / n:.3f}")
        for miss in missed:
            print(f"  missed: {miss}")
    return found / total


def test_gold_parts_found(corpus, corpus_outputs, capsys):
    per_part, missed = score_parts([(stem, corpus_outputs[stem].getroot(), gold) for stem, gold in corpus.seg_gold.items()])
    share = report_parts(f"the gold ({len(corpus.seg_gold)} documents)", per_part, missed, capsys)
    assert share >= (TRIMMED_FLOOR if corpus.trimmed else FULL_FLOOR)


LETTER_GOLD_FLOORS = {"tune": 0.97, "heldout": 0.95}
"""Share of the gold letter parts found in each part of tests/data/letters."""


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_letter_gold(split, capsys):
    """The letter parts of tests/data/letters (80 letters to tune on, 16 held out), per part; the
    misses are printed for the tuning part only: the held-out letters are measured, never looked into."""
    golds = sorted((LETTER_GOLD / split).glob("*.json"))
    checked = [(path.stem, letters_tree(read_export(path.with_suffix(".txt"))).getroot(),
                json.loads(path.read_text(encoding="utf-8"))) for path in golds]
    per_part, missed = score_parts(checked)
    share = report_parts(f"{split}/ ({len(golds)} documents)", per_part, missed if split == "tune" else [], capsys)
    assert share >= LETTER_GOLD_FLOORS[split]


def test_letter_layouts_cover_the_body_once(corpus, corpus_conversions):
    """Every corpus document the letters step takes on: the layout covers the body once and the
    conversion keeps it (no fall-back to paragraphs). Validity and no loss of the converted files
    are checked for every document in test_corpus.py and test_schema.py."""
    taken = []
    for path in corpus.files:
        doc = read_export(path)
        structure = find_letters(doc, split_parts(doc.body).parts)
        if structure is None:
            continue
        taken.append(path.stem)
        assert_well_formed(doc.body, structure)
        assert not [w for w in corpus_conversions[path.stem].warnings if "letter structure not usable" in w]
    assert set(corpus.seg_gold) <= set(taken)


# ---------------------------------------------------------------- properties

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tei.body import check_coverage  # noqa: E402

_PIECES = st.sampled_from([
    "给某某的信", "致某某电", "# 某某给某某的信", "## 一", "> 引文。", "■", "（1941年8月6日）", "（1941年8月6日）觉哉同志：",
    "觉哉同志：", "亲爱的同志们，", "致中国共产党中央委员会毛泽东同志", "正文一段。", "正文，还有。又一句！", "此致", "敬礼！",
    "祝你健康！", "特电布复，敬表欢迎。", "毛泽东", "\xa0毛泽东八月六日", "毛泽东朱德", "一九六三年十一月二十九日",
    "八月六日夜你写的我已看了。", "六月十三日夜[1]注释。", "[1]注释。", "附：文件一份。", "又及", "根据手稿刊印",
    "佳", "74.1.28凌晨 5时", "莫斯科，一九六三年三月三十日", "健康！\u3000\u3000\u3000\u3000庆明上", "××：来信收到矣！",
    "【编者：某某，学生】", "附：乙的复信", "一北大三年十一月二十九日", "一九三七年一月三日于延安与北方青年的谈话",
    "附件（一）：", "亲爱的同志们！", "各中央局，分局；各军区党委：", "祝", "好！", "继扬5．1．晨", "十月十九日夜于峡江县",
    "总前委毛泽东于建宁", "一九六四年三月十八日给高×的信", "八月十三日的电报", "## （一九五二年六月十七日）", "现将材料呈上，妥否，请批示。",
])


@example(pieces=["给某某的信", "一(一日"], title="给某某的信")  # a bracket at the end of the body
@given(pieces=st.lists(st.one_of(_PIECES, st.text(alphabet="的信电致给同志：。，（）()年月日一二三十\xa0\u3000 \n[]1！毛泽东敬礼此", max_size=14)),
                       min_size=1, max_size=14),
       title=st.sampled_from(["给某某的信", "致某某电", "某某文章", ""]))
def test_any_letter_body_is_covered_once_and_valid(project_rng, pieces, title):
    body = "\n\n".join(p.strip() or "x" for p in pieces)
    doc = document(body, title=title, tags=("书信",), authors=("毛泽东",), dates=("1941-8-6",))
    structure = find_letters(doc, split_parts(body).parts)
    if structure is None:
        return
    assert_well_formed(body, structure)
    check_coverage(body, structure, split_parts(body).markers)  # raises when a container leaves text outside its children
    tree = letters_tree(doc)
    assert project_rng.validate(tree), project_rng.error_log.last_error


@settings(max_examples=5 * settings.default.max_examples)  # cheap, and it must be exact: five times the profile's
@example(text="的是二十九日")  # DAY_DATE: 日 4 characters in
@example(text="的是同志七七年")  # YEAR_DATE: a garbled year, 年 4 characters in
@given(text=st.text(alphabet="年月日号午份正元0123456789０１２３４５６７８９〇○零O一二三四五六七八九十廿卅两目曰白自口春冬初底，,.．、/- 　的是信同志（）",
                    max_size=40))
def test_may_start_date_by_never_rules_out_a_date(text):
    """The cheap pre-test before find_cn_date must be exact: no date starting by `limit` is missed
    (every limit from the date's start on, with each header date)."""
    for header in (None, "1963-11-29", "1941-08-06"):
        found = find_cn_date(text, header)
        if found is not None:
            assert [limit for limit in range(found.start, len(text) + 1) if not may_start_date_by(text, limit)] == []


def test_cutting_a_letter_into_items_reads_each_part_a_bounded_number_of_times(monkeypatch):
    """Whether the current item has body text so far was asked anew at every part, over all the
    parts before it: quadratic in a letter of short title-like parts (8,000 took 2 minutes)."""
    from tei.letters import items

    calls = []
    bodyish = items.bodyish
    monkeypatch.setattr(items, "bodyish", lambda reader, unit: calls.append(unit) or bodyish(reader, unit))
    for count in (200, 400):
        calls.clear()
        export = ("id: 0123456789\n标题：给某某的信\n日期：1963-11-29\n是否是时间段：false\n作者：甲\n来源：\n标签：书信\n"
                  "书籍：书\n书籍作者：\n\n正文：\n" + "\n\n".join(["一行字"] * count) + "\n\n描述：\n").encode()
        convert_bytes(export, "x", ConvertOptions(ocr=False))
        assert len(calls) <= 2 * count, count
