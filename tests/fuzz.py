"""Adversarial inputs for `tei convert` and the contract every one of them must keep (issue #16).

Two sources of inputs, both driven by a `random.Random` so that a case is its seed:
- `mutate(export, rng)`: a real export damaged the ways files get damaged — header lines misspelt,
  spaced, duplicated, dropped or swapped, dates out of order or impossible, blank or missing
  descriptions, control characters and NUL anywhere, markers and marker-like text in odd places,
  invalid UTF-8, byte-order marks, CR line ends, truncation, very long lines and parts;
- `generate(rng)`: exports made from scratch: random header values and a body of headings,
  quotations, paragraphs, letter parts (salutations, closings, signatures, Chinese dates),
  ornaments and stray characters.
- `mutate_article(article, rng)`: an article of the archive's JSON changed the ways the export's
  text cannot be: parts of any type (and unknown ones) in any order, images without or with a
  description, descriptions, place names and dates over several lines or with OCR garbage in them,
  values of the wrong JSON type, footnotes pointing anywhere, broken JSON.

`check(data, name, options)` converts one input in this process and gives its Verdict:
- an input the converter rejects must be rejected with one line `name:line: message` (an
  InputError and its kind); a rejection because the output would be invalid is its own kind
  (`unmade`: the converter could not make valid TEI of a readable export, a bug to fix upstream);
- any other exception is a `crash` (a traceback for the user);
- a converted document must be valid against tei_all too (the project schema is checked by the
  converter itself) and lossless: the reader loses nothing between the `正文：` line and the end
  (body, the `描述：` marker and description, whitespace and the characters XML cannot carry aside),
  `<text>` holds the body (corr set aside, line-start markers aside), `<abstract>` the description,
  and every header value is in `<teiHeader>`; `tei totext` and `tei preview` read it back.

`check_article(data, name, options)` holds an article to the same contract, its loss measured
against the body the archive's reader makes of it (tei.archive).

scripts/fuzz.py runs thousands of these (and the whole `tei convert` command over them);
tests/test_fuzz.py a few, as a property test of the suite.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from independent import body_core, core, text_reading
from tei import ConvertOptions, Result, convert_bytes, convert_document, serialize
from tei.archive import HEADING_LEVELS, PART_KINDS, parse_article
from tei.errors import InputError, InvalidOutput, TeiError
from tei.preview import render_html
from tei.reader import NOT_XML, parse_export
from tei.schemas import builtin
from tei.totext import to_text
from tei.validate import check_tree, safe_parser

KINDS = ("converted", "rejected", "unmade", "crash", "invalid", "lossy", "bad-message")
"""Verdicts; the contract holds when only the first two occur."""
FAILURES = KINDS[2:]

FIELDS = ("id", "标题", "日期", "是否是时间段", "作者", "来源", "标签", "书籍", "书籍作者")
_CJK = "的一是了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切创"
_PUNCTUATION = "，。、；：？！“”‘’（）《》——…"
_ODD = ["\x00", "\x01", "\x07", "\x1b", "\x0b", "\x0c", "\x7f", "\x85", "\ufeff", "\ufffe", "\uffff", "\u200b", "\u3000",
        "\u2028", "\u0301", "\u20dd", "𠀀", "𪚥", "\t", "\r", "<", "&", "]]>", "&amp;", "<!--", "\"", "'", "#", "# ",
        "#### ", "> ", ">", "■", "○", "描述：", "描述:", "正文：", "\n描述：\n", "\n\n描述：\n", "\n\n正文：\n", "id: x",
        "标题：", "1963-11-29", ",", "，", " ", "\n", "\n\n"]
_SALUTES = ["亲爱的同志们：", "中共中央：", "毛主席：", "某某同志：", "敬爱的周总理："]
_CLOSINGS = ["此致\n敬礼！", "此致\n\n敬礼", "致以共产主义的敬礼！", "祝好！"]
_CN_DATES = ["一九六三年十一月二十九日", "一九六六年五月十六日", "六月十五日", "一九五七年", "十二月三十一日", "一九六三年二月三十日",
             "一九六三年十三月五日", "二〇二〇年一月一日", "一九〇〇年二月二十九日", "一九六四年二月二十九日", "〇〇〇〇年一月一日",
             "一北大三年十一月二十九日", "一九六三年十一月三十二日", "五月", "1963年11月29日", "一九六三年十一月二十九日晚"]


@dataclass(frozen=True)
class Verdict:
    kind: str
    detail: str = ""


# ----------------------------------------------------------------------------------------------
# Inputs

def _text(rng: random.Random, size: int, odd: float = 0.05) -> str:
    pieces = []
    for _ in range(size):
        roll = rng.random()
        pieces.append(rng.choice(_ODD) if roll < odd else rng.choice(_PUNCTUATION) if roll < 0.15 else rng.choice(_CJK))
    return "".join(pieces)


def _date(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return rng.choice(["1963年11月29日", "63/11/29", "1963-13-1", "1963-2-30", "0-0-0", "99999-1-1", "-1-1-1", ""])
    year = rng.choice([0, rng.randint(1, 999), rng.randint(1900, 2030)])
    return f"{year}-{rng.randint(0, 12)}-{rng.randint(0, 31)}"


def _field_value(rng: random.Random, field: str) -> str:
    if field == "id":
        return rng.choice(["3383ff062d", "0123456789", "a b", "x:y", "中文", "-1", "a" * 200, _text(rng, 8, 0.3)])
    if field == "日期":
        return ",".join(_date(rng) for _ in range(rng.choice([0, 1, 1, 2, 2, 3])))
    if field == "是否是时间段":
        return rng.choice(["true", "false", "", "TRUE", "False", "maybe"])
    if field in ("作者", "标签", "书籍作者"):
        return ",".join(_text(rng, rng.randint(0, 6), 0.1) for _ in range(rng.randint(0, 4)))
    return _text(rng, rng.choice([0, 1, 5, 20, 60]), 0.1)


def _body(rng: random.Random, parts: int) -> str:
    out = []
    for _ in range(parts):
        kind = rng.random()
        if kind < 0.12:
            out.append("#" * rng.randint(1, 5) + rng.choice([" ", "", "  "]) + _text(rng, rng.randint(0, 15)))
        elif kind < 0.2:
            out.append("\n".join("> " + _text(rng, rng.randint(0, 20)) for _ in range(rng.randint(1, 3))))
        elif kind < 0.28:
            out.append(rng.choice(_SALUTES))
        elif kind < 0.34:
            out.append(rng.choice(_CLOSINGS))
        elif kind < 0.4:
            out.append(rng.choice(["毛泽东", "中共中央", "某某"]) + rng.choice(["", "\n"]) + rng.choice(_CN_DATES))
        elif kind < 0.44:
            out.append(rng.choice(["■", "○○○", "* * *", "■ ■ ■"]))
        elif kind < 0.47:
            out.append(rng.choice(["又及：", "附：", "描述：", "正文："]) + _text(rng, rng.randint(0, 20)))
        else:
            lines = rng.choice([1, 1, 1, 2, 3])
            out.append("\n".join(_text(rng, rng.randint(0, 80)) for _ in range(lines)))
    return "\n\n".join(out)


def generate(rng: random.Random) -> bytes:
    """A whole export made from scratch."""
    lines = [f"{field}{rng.choice(['：', ':', '： ', '：  '] if field != 'id' else [': '])}{_field_value(rng, field)}"
             for field in FIELDS if rng.random() < 0.9 or field == "id"]
    description = "" if rng.random() < 0.4 else _body(rng, rng.randint(0, 3))
    text = "\n".join(lines) + "\n\n正文：\n" + _body(rng, rng.randint(0, 25))
    if rng.random() < 0.8:
        text += "\n\n描述：\n" + description + "\n"
    return text.encode("utf-8")


def mutate(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """`data` (an export) with one to four random damages."""
    for _ in range(rounds or rng.choice([1, 1, 2, 4])):
        data = rng.choice(_MUTATIONS)(data, rng)
    return data


def _lines_op(operation):
    """A mutation on the text's lines (the bytes read as UTF-8, undecodable bytes kept)."""
    def mutation(data: bytes, rng: random.Random) -> bytes:
        lines = data.decode("utf-8", "surrogateescape").split("\n")
        return "\n".join(operation(lines, rng)).encode("utf-8", "surrogateescape")
    return mutation


def _header_end(lines: list[str]) -> int:
    return next((index for index, line in enumerate(lines) if line.startswith("正文")), min(len(lines), 10))


@_lines_op
def _misspell_field(lines, rng):
    index = rng.randrange(max(1, _header_end(lines)))
    line = lines[index]
    spot = rng.randint(0, max(0, min(3, len(line))))
    lines[index] = rng.choice([line[:spot] + rng.choice([" ", "\t", "\u3000"]) + line[spot:],
                               rng.choice(["\t", " ", "\u3000", "  "]) + line, line.replace("：", ":", 1),
                               line.replace("：", "", 1), line.upper(), "副" + line])
    return lines


@_lines_op
def _shuffle_header(lines, rng):
    end = _header_end(lines)
    header = lines[:end]
    roll = rng.random()
    if roll < 0.3 and header:
        header.insert(rng.randrange(len(header) + 1), rng.choice(header))  # a field twice
    elif roll < 0.5 and header:
        header.pop(rng.randrange(len(header)))
    elif roll < 0.7:
        rng.shuffle(header)
    elif roll < 0.85:
        header.insert(rng.randrange(len(header) + 1), rng.choice(["出版：人民出版社", "作 品：x", "", "  ", "备注：" + _text(rng, 5)]))
    else:
        header.insert(rng.randrange(1, len(header) + 1) if header else 0, _text(rng, 10, 0.2))  # a continuation line
    return header + lines[end:]


@_lines_op
def _new_value(lines, rng):
    end = _header_end(lines)
    if not end:
        return lines
    index = rng.randrange(end)
    field = next((name for name in sorted(FIELDS, key=len, reverse=True) if lines[index].startswith(name)), "标题")
    separator = ": " if field == "id" else "："
    lines[index] = f"{field}{separator}{_field_value(rng, field)}"
    return lines


@_lines_op
def _range(lines, rng):
    """A period: two dates in any order, the flag true."""
    dates = ",".join(_date(rng) for _ in range(rng.choice([2, 2, 3])))
    out = [f"日期：{dates}" if line.startswith("日期") else "是否是时间段：true" if line.startswith("是否是时间段") else line
           for line in lines]
    return out


@_lines_op
def _description(lines, rng):
    body_end = max((index for index, line in enumerate(lines) if line.startswith("描述")), default=len(lines))
    roll = rng.random()
    if roll < 0.3:
        return lines[:body_end]  # no description section
    if roll < 0.6:
        return lines[:body_end] + ["描述：", rng.choice([" ", "\t", "\u3000", " \u3000 \t", ""]), ""]  # blank
    return lines[:body_end] + ["描述：" + rng.choice(["", " ", "文"]), _body(rng, rng.randint(1, 3))]


def _insert(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    spot = rng.randrange(len(text) + 1)
    return (text[:spot] + rng.choice(_ODD) * rng.choice([1, 1, 2, 50]) + text[spot:]).encode("utf-8", "surrogateescape")


def _delete(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data) + 1)
    return data[:start] + data[start + rng.choice([1, 2, 10, 200, 5000]):]


def _duplicate(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data) + 1)
    piece = data[start:start + rng.choice([10, 200, 5000])]
    return data[:start] + piece * rng.choice([2, 3, 20]) + data[start:]


def _bytes(data: bytes, rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.25 and data:
        spot = rng.randrange(len(data))
        return data[:spot] + bytes([rng.randrange(256)]) + data[spot + 1:]
    if roll < 0.4:
        return b"\xef\xbb\xbf" + data
    if roll < 0.55:
        return data.replace(b"\n", b"\r\n") if rng.random() < 0.7 else data.replace(b"\n", b"\r")
    if roll < 0.7:
        return data[:rng.randrange(len(data) + 1)]
    if roll < 0.8:
        spot = rng.randrange(len(data) + 1)
        return data[:spot] + rng.choice([b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\x00\x00"]) + data[spot:]
    if roll < 0.9:
        return data.decode("utf-8", "replace").encode("gb18030", "replace")
    return data.replace(b"\n\n", b"\n")  # no blank lines: the body one part


@_lines_op
def _markers(lines, rng):
    for _ in range(rng.randint(1, 20)):
        index = rng.randrange(len(lines))
        lines[index] = rng.choice(["# ", "## ", "#### ", "##### ", "> ", ">", "#", "  # ", "\t> "]) + lines[index]
    return lines


def _long(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    spot = text.find("\n正文") + 5 if "\n正文" in text else len(text) // 2
    piece = rng.choice(["字" * 20_000, "一行\n" * 5_000, "# 题\n\n段。\n\n" * 500, "> 引\n" * 3_000, "\n" * 3_000])
    return (text[:spot] + piece + text[spot:]).encode("utf-8", "surrogateescape")


_MUTATIONS = (_misspell_field, _shuffle_header, _new_value, _range, _description, _insert, _insert, _delete,
              _duplicate, _bytes, _markers, _long)


# ----------------------------------------------------------------------------------------------
# The contract

@lru_cache(maxsize=1)
def _tei_all():
    return tuple(builtin("tei_all"))


def check(data: bytes, name: str, options: ConvertOptions = ConvertOptions(ocr=False)) -> Verdict:
    """Convert `data`, an export, in this process and judge the result (see the module's docstring)."""
    return _judge(lambda: convert_bytes(data, name, options), name, lambda tree: _loss(data, name, tree))


def check_article(data: bytes, name: str, options: ConvertOptions = ConvertOptions(ocr=False)) -> Verdict:
    """Convert `data`, an article of the archive's JSON named `name` (`<id>.json`), and judge it as
    check judges an export."""
    article_id = name.rsplit(".", 1)[0]
    return _judge(lambda: convert_document(parse_article(data, name, article_id), options), name,
                  lambda tree: _article_loss(data, name, article_id, tree))


def _judge(convert: Callable[[], Result], name: str, loss: Callable[[etree._ElementTree], str]) -> Verdict:
    try:
        result = convert()
    except InvalidOutput as err:
        return Verdict("unmade", str(err))
    except TeiError as err:
        message = str(err)
        if "\n" in message or not re.match(re.escape(name) + r":\d+: \S", message) or not isinstance(err, InputError):
            return Verdict("bad-message", f"{type(err).__name__}: {message!r}")
        return Verdict("rejected", message)
    except Exception as err:  # noqa: BLE001 - any other exception is what users would see as a traceback
        return Verdict("crash", f"{type(err).__name__}: {err}")
    try:
        written = serialize(result.tree)
        tree = etree.fromstring(written, safe_parser()).getroottree()
        findings, _ = check_tree(tree, name, _tei_all())
        if findings:
            return Verdict("invalid", f"tei_all: {findings[0].code} {findings[0].message} (line {findings[0].line})")
        lost = loss(tree)
        if lost:
            return Verdict("lossy", lost)
        to_text(tree)
        render_html(tree)
    except Exception as err:  # noqa: BLE001
        return Verdict("crash", f"after converting: {type(err).__name__}: {err}")
    return Verdict("converted")


def _core(text: str) -> str:
    return re.sub(r"\s+", "", NOT_XML.sub("", text))


def _loss(data: bytes, name: str, tree: etree._ElementTree) -> str:
    """What the conversion lost, "" when nothing."""
    document = parse_export(data, name)
    text = NOT_XML.sub("", data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n"))
    rest, body = _core(text[re.search(r"^正文[ \t]*[:：][ \t]*$", text, re.MULTILINE).end():]), _core(document.body)
    tail = rest[len(body):] if rest.startswith(body) else None  # the description section, marker and all
    if tail is None or tail and not (tail[:2] == "描述" and tail[2:3] in (":", "：") and tail[3:] == _core(document.description)):
        return "the reader lost or moved text between the 正文 line and the end"
    if text_reading(tree.getroot()) != body_core(document.body):
        return "<text> is not the body"
    abstract = "".join(tree.xpath("//*[local-name()='abstract']//text()"))
    if _core(abstract) != _core(document.description):
        return "<abstract> is not the description"
    header_text = _core("".join(tree.getroot()[0].itertext()))
    header = document.header
    values = [header.article_id, header.title, header.source, header.book, *header.dates, *header.authors,
              *header.tags, *header.book_author.split(",")]  # lists by their entries: "," separates them
    missing = [value for value in values if _core(value) not in header_text]
    return f"header values missing from teiHeader: {missing[:3]!r}" if missing else ""


def _article_loss(data: bytes, name: str, article_id: str, tree: etree._ElementTree) -> str:
    """What the conversion of an article lost, "" when nothing: its parts' text, read from the JSON
    (a part that is not an object is its text; a number's text is its decimal form, any other
    non-string none)."""
    document = parse_article(data, name, article_id)
    parts = json.loads(data.decode("utf-8-sig"))["parts"]
    if text_reading(tree.getroot()) != "".join(_part_core(part) for part in parts):
        return "<text> is not the parts' text"
    abstract = "".join(tree.xpath("//*[local-name()='abstract']//text()"))
    if _core(abstract) != _core(document.description):
        return "<abstract> is not the description"
    header_text = _core("".join(tree.getroot()[0].itertext()))
    values = [document.header.article_id, document.header.title, *document.header.dates, *document.header.authors]
    missing = [value for value in values if _core(value) not in header_text]
    return f"header values missing from teiHeader: {missing[:3]!r}" if missing else ""


def _part_core(part: object) -> str:
    text = (part if isinstance(part, dict) else {"text": part}).get("text")
    return core(text if isinstance(text, str) else str(text) if isinstance(text, (int, float)) else "")


# ----------------------------------------------------------------------------------------------
# Articles of the archive's JSON

_TYPES = (*HEADING_LEVELS, *PART_KINDS, "paragraph", "paragraph", "unknown", "")
_URLS = ("https://raw.githubusercontent.com/banned-historical-archives/x/main/a.png", "images/a.png", "a b.png",
         "https://example.org/<&>.png", "")
_GARBAGE = "颜庑┍沂录院笕宋抟颜庑沂录院笕宋抟"


def _part_text(rng: random.Random) -> str:
    """A part's text: ordinary, over several lines, with garbage, odd characters, a date or a place."""
    pieces = [_text(rng, rng.randint(0, 30))]
    for _ in range(rng.randint(0, 3)):
        pieces.append(rng.choice(["\n", "\n\n", _GARBAGE, rng.choice(_ODD), rng.choice(_CN_DATES),
                                  "于延安", "于廷安", "北京，", rng.choice(_URLS), _text(rng, 8)]))
    return "".join(pieces)


def _random_part(rng: random.Random) -> dict:
    kind = rng.choice(_TYPES)
    return {"type": kind, "text": rng.choice(_URLS) if kind == "image" and rng.random() < 0.8 else _part_text(rng)}


def _odd_value(rng: random.Random) -> object:
    return rng.choice([None, 0, -1, 1.5, True, "", " ", [], {}, ["甲", 1], {"a": "b"}, "x" * 300, _part_text(rng)])


def mutate_article(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """An article of the archive's JSON changed `rounds` times (1–4 by default), or broken as bytes."""
    article = json.loads(data.decode("utf-8"))
    parts = article.setdefault("parts", [])
    for _ in range(rounds or rng.randint(1, 4)):
        operation = rng.randrange(9)
        at = rng.randrange(len(parts) + 1)
        if operation == 0:
            parts.insert(at, _random_part(rng))
        elif operation == 1:  # an image and its description, as the archive writes them
            parts[at:at] = [{"type": "image", "text": rng.choice(_URLS)},
                            {"type": "image_description", "text": _part_text(rng)}]
        elif operation in (2, 3) and parts:
            k = min(at, len(parts) - 1)
            part = parts[k] if isinstance(parts[k], dict) else {"type": "paragraph", "text": ""}
            parts[k] = {**part, "type": rng.choice(_TYPES)} if operation == 2 else {**part, "text": _part_text(rng)}
        elif operation == 4 and parts:
            del parts[min(at, len(parts) - 1)]
        elif operation == 5:
            article[rng.choice(["title", "authors", "dates", "is_range_date", "description", "alias", "origin",
                                "page_start", "page_end"])] = _odd_value(rng)
        elif operation == 6:
            count = rng.randint(0, 3)
            article["comments"] = [_part_text(rng) for _ in range(count)]
            article["comment_pivots"] = [{"part_idx": rng.randint(-1, len(parts)), "offset": rng.randint(-1, 40),
                                          "index": rng.randint(0, count + 1)} for _ in range(rng.randint(0, count + 1))]
        elif operation == 7 and parts:
            parts[min(at, len(parts) - 1)] = _odd_value(rng)
        elif operation == 8:
            rng.shuffle(parts)
    out = json.dumps(article, ensure_ascii=rng.random() < 0.2).encode("utf-8")
    return out[: rng.randrange(len(out))] if rng.random() < 0.05 else out
