"""Property tests: the reader round-trips generated exports; conversion never loses a character, of an
export or of the archive's JSON (whose footnotes all stay, each at its anchor)."""
from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tei import ConvertOptions, convert_bytes, convert_document, serialize
from tei.archive import parse_article
from tei.reader import parse_export

from conftest import parse_tei
from independent import article_core, body_core, core, note_positions, text_reading, usable_anchors

# Characters XML 1.0 can carry, weighted towards what the archive holds: CJK, punctuation, markers,
# non-BMP ideographs, combining marks, XML specials.
_XML_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff\r").filter(
    lambda c: c in "\t\n" or ord(c) >= 0x20)
_ARCHIVE_CHAR = st.one_of(
    st.sampled_from("的一是了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切创" ),
    st.sampled_from("，。、；：？！“”‘’（）《》——…■○〇□"),
    st.sampled_from(["# ", "## ", "#### ", "> ", "\n", "\n\n", " ", "\u3000"]),
    st.sampled_from(["[1]", "[2]", "①", "②", "〔1〕", "注1：", "\n\n[1]", "\n\n①", "。[2]"]),  # footnotes and marks
    st.sampled_from(["\n\n八月四日", "\n\n（一九五二年十月五日）", "\n\n1958.3.9\n\n", "五日"]),  # date lines
    st.sampled_from(["𠀀", "𡃁", "𪚥", "𠮷", "\u0301", "\u20dd", "\u3099", "]]>", "<", "&", ">", '"', "&amp;", "<!--"]),
    _XML_CHAR,
)
_BODY = st.lists(_ARCHIVE_CHAR, max_size=200).map("".join)
_FIELD = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                                        blacklist_characters="\ufffe\uffff,\u0085"), max_size=12).map(str.strip)
_DATE = st.tuples(st.integers(0, 2030), st.integers(0, 12), st.integers(0, 28)).map(lambda t: "%d-%d-%d" % t)


def _export(article_id, title, dates, flag, authors, tags, body, description) -> bytes:
    return (f"id: {article_id}\n标题：{title}\n日期：{','.join(dates)}\n是否是时间段：{flag}\n"
            f"作者：{','.join(authors)}\n来源：\n标签：{','.join(tags)}\n书籍：书\n书籍作者：\n\n正文：\n"
            f"{body}\n\n描述：\n{description}\n").encode("utf-8")


@given(
    article_id=st.from_regex(r"[0-9a-f]{10}", fullmatch=True),
    title=_FIELD.filter(bool),
    dates=st.lists(_DATE, max_size=3),
    flag=st.sampled_from(["true", "false"]),
    authors=st.lists(_FIELD, max_size=4),
    tags=st.lists(_FIELD, max_size=4),
    body=_BODY,
    description=_FIELD,
)
def test_reader_round_trips_generated_exports(article_id, title, dates, flag, authors, tags, body, description):
    document = parse_export(_export(article_id, title, dates, flag, authors, tags, body, description), "gen")
    header = document.header
    assert (header.article_id, header.title, header.dates, header.is_range) == (article_id, title, tuple(dates), flag == "true")
    assert header.authors == tuple(a for a in authors if a)
    assert header.tags == tuple(t for t in tags if t)
    clean_body = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", body)
    assert document.body == clean_body
    assert document.description == description.strip("\n")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(body=_BODY, ocr=st.booleans())
@example(body=" # 的", ocr=False)  # a marker not at a line start is text
@example(body="正文[1]。\n\n[1]注一。[2]注二\n\n①列举", ocr=False)
def test_conversion_loses_nothing(body, ocr, project_rng):
    data = _export("0123456789", "题", ["1963-11-29"], "false", ["作者"], ["书信"], body, "")
    result = convert_bytes(data, "gen", ConvertOptions(ocr=ocr))
    tree = parse_tei(serialize(result.tree))
    assert project_rng.validate(tree), project_rng.error_log.last_error
    expected = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", "", body)
    assert text_reading(tree.getroot()) == body_core(expected)


_PART_TYPES = ("paragraph", "title", "subtitle", "subtitle2", "subtitle3", "quotation", "appellation", "authors",
               "subdate", "signature", "image", "image_description", "something new")
_PART = st.tuples(st.sampled_from(_PART_TYPES), _BODY)
_PIVOT = st.fixed_dictionaries({"part_idx": st.integers(-1, 8), "offset": st.integers(-1, 60), "index": st.integers(0, 6)})


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_PART, max_size=8), comments=st.lists(_BODY, max_size=5), pivots=st.lists(_PIVOT, max_size=6),
       ocr=st.booleans())
@example(parts=[("appellation", "[1]的"), ("title", "的")], comments=[], pivots=[], ocr=False)  # a line before the head
@example(parts=[("appellation", "的"), ("title", "的"), ("paragraph", "[1]的"), ("signature", "的")], comments=[],
         pivots=[], ocr=False)  # a salute of the source is not a body part: the footnote stays a paragraph
def test_the_archives_json_converts_valid_losing_nothing(parts, comments, pivots, ocr, project_rng):
    """Any article of the archive's JSON: valid TEI, its parts' text in order in <text>, every
    footnote there once with its text, and each one with a usable anchor at it."""
    article = {"title": "题", "parts": [{"type": t, "text": x} for t, x in parts], "authors": [], "dates": [],
               "is_range_date": False, "comments": comments, "comment_pivots": pivots, "description": "",
               "page_start": 0, "page_end": 0, "alias": ""}
    document = parse_article(json.dumps(article).encode(), "gen.json", "0123456789")
    tree = parse_tei(serialize(convert_document(document, ConvertOptions(ocr=ocr)).tree))
    assert project_rng.validate(tree), project_rng.error_log.last_error
    assert text_reading(tree.getroot()) == article_core(article)
    positions, anchors = note_positions(tree.getroot()), usable_anchors(article)
    for number, comment in enumerate(comments, start=1):
        assert [text for _at, text in positions.get(str(number), [])] == [core(comment)]
        if number in anchors:
            assert positions[str(number)][0][0] == anchors[number]
