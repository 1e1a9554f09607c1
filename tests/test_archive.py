"""The archive's own JSON (tei/archive.py): read as the export is, converted with what the export
loses: footnotes at their anchors, typed parts, typed tags, pages, the book's record.

Runs on tests/data/archive (its README says where each article comes from and why); the checks on
all 480 articles of ../shared/archive-sample are in the `shared` group at the end.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from conftest import DEV_SET, SHARED, TESTS, parse_tei, tei_command, xpath
from independent import ENCODED_AS, article_core, core, note_positions, reading, text_reading, usable_anchors
from tei import ConvertOptions, convert_file, serialize
from tei.archive import export_text, parse_article, read_article
from tei.errors import InputError
from tei.reader import read_export
from tei.totext import to_text

ARCHIVE = TESTS / "data" / "archive"
SAMPLE = SHARED / "archive-sample"
NO_OCR = ConvertOptions(ocr=False)


def articles(folder: Path) -> list[Path]:
    return sorted(folder.glob("*/parsed/*/*/*/*.json"))


def find(article_id: str) -> Path:
    (path,) = [path for path in articles(ARCHIVE) if path.stem == article_id]
    return path


@cache
def converted(path: Path) -> tuple[etree._ElementTree, tuple[str, ...]]:
    """An article converted without OCR marking (the marking reads the body, which the export and
    the JSON share), read back as users get it, and its warnings."""
    result = convert_file(path, NO_OCR)
    return parse_tei(serialize(result.tree)), result.warnings


def pairs() -> list[tuple[Path, Path]]:
    """(export, JSON) of each article of the trimmed dev set whose JSON is in the trimmed sample."""
    with (DEV_SET / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    found = []
    for row in rows:
        repo, _, path = row["source"].partition(":parsed:")
        article = ARCHIVE / repo.split("/")[-1] / "parsed" / path
        if path and article.is_file():
            found.append((DEV_SET / row["file"], article))
    return found


def test_the_trimmed_sample_holds_the_pairs_and_each_part_type():
    assert len(pairs()) >= 25
    types = {part["type"] for path in articles(ARCHIVE) for part in json.loads(path.read_text("utf-8"))["parts"]}
    assert {"appellation", "authors", "subdate", "signature", "image", "image_description", "quotation",
            "title", "subtitle", "paragraph"} <= types


# ------------------------------------------------------------------ the same document as the export


@pytest.mark.parametrize("export, article", pairs(), ids=[export.stem for export, _ in pairs()])
def test_the_json_reads_as_its_export(export, article):
    from_export, from_json = read_export(export), read_article(article)
    assert from_json.body == from_export.body
    assert from_json.description == from_export.description
    fields = ("article_id", "title", "dates", "iso_dates", "date_text", "is_range", "authors", "source", "tags",
              "book", "book_author")
    assert ({field: getattr(from_json.header, field) for field in fields}
            == {field: getattr(from_export.header, field) for field in fields})


@pytest.mark.parametrize("export, article", pairs(), ids=[export.stem for export, _ in pairs()])
def test_the_export_is_rendered_from_the_json_byte_for_byte(export, article):
    assert export_text(read_article(article)) == export.read_text(encoding="utf-8")


@pytest.mark.shared
def test_every_export_of_the_dev_corpus_with_its_json_in_the_sample_is_rendered_from_it():
    with (SHARED / "corpus" / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    rendered = {}
    for row in rows:
        repo, _, path = row["source"].partition(":parsed:")
        article = SAMPLE / repo.split("/")[-1] / "parsed" / path
        if path and article.is_file():
            rendered[row["file"]] = export_text(read_article(article)) == (SHARED / "corpus" / row["file"]).read_text("utf-8")
    print(f"\n{sum(rendered.values())} of {len(rendered)} exports rendered byte for byte from their JSON")
    assert len(rendered) == 126
    assert all(rendered.values())


HEADER_PLACES = [
    "//t:titleStmt/t:title[not(@type)]", "//t:titleStmt/t:author", "//t:idno[@type='bha']", "//t:creation",
    "//t:abstract", "//t:sourceDesc/t:bibl/t:title", "//t:sourceDesc/t:bibl/t:author", "//t:sourceDesc/t:bibl/t:editor",
    "//t:sourceDesc/t:bibl/t:note[@type='source']", "//t:langUsage",
]


@pytest.mark.parametrize("export, article", pairs(), ids=[export.stem for export, _ in pairs()])
def test_an_export_and_its_json_give_the_same_text_and_header(export, article):
    """Where the export carries the information: the same body text, the same header fields, the
    export's tags all there (typed); an article the JSON types no part of and gives no footnote
    has the very same <text>."""
    from_export, (from_json, _warnings) = parse_tei(serialize(convert_file(export, NO_OCR).tree)), converted(article)
    assert text_reading(from_json.getroot()) == text_reading(from_export.getroot())
    for place in HEADER_PLACES:
        assert ([etree.tostring(e, with_tail=False) for e in xpath(from_json, place)]
                == [etree.tostring(e, with_tail=False) for e in xpath(from_export, place)]), place
    typed = xpath(from_json, "//t:particDesc//t:persName/text() | //t:textClass//t:term/text() | //t:classCode/text()")
    assert sorted(typed) == sorted(xpath(from_export, "//t:textClass//t:term/text()"))
    data = json.loads(article.read_text("utf-8"))
    if not data["comments"] and {part["type"] for part in data["parts"]} <= {"paragraph", "title", "subtitle", "quotation"}:
        assert etree.tostring(xpath(from_json, "/t:TEI/t:text")[0]) == etree.tostring(xpath(from_export, "/t:TEI/t:text")[0])


# ------------------------------------------------------------------ every article of the trimmed sample


def _check_article(path: Path, tree: etree._ElementTree) -> list[str]:
    """What is wrong with one article's TEI: text lost or added, a footnote not kept once with its
    text, or not at its anchor."""
    article = json.loads(path.read_text("utf-8"))
    problems = []
    if text_reading(tree.getroot()) != article_core(article):
        problems.append("the text is not the parts' text")
    positions, anchors = note_positions(tree.getroot()), usable_anchors(article)
    for number, comment in enumerate(article["comments"], start=1):
        found = positions.get(str(number), [])
        if [text for _at, text in found] != [core(comment)]:
            problems.append(f"note {number} not kept once with its text")
        elif number in anchors and found[0][0] != anchors[number]:
            problems.append(f"note {number} at {found[0][0]}, its anchor is at {anchors[number]}")
    return problems


def _schema_problems(tree: etree._ElementTree, project_rng, project_schematron, tei_all) -> list[str]:
    """What the project schema (RelaxNG, Schematron) and tei_all find wrong in `tree`."""
    from test_schema import _failed_codes, _first_error

    problems = [f"tei_bha.rng {_first_error(project_rng)}"] if not project_rng.validate(tree) else []
    if not tei_all.validate(tree):
        problems.append(f"tei_all {_first_error(tei_all)}")
    if codes := _failed_codes(project_schematron, tree):
        problems.append(f"tei_bha.sch {codes}")
    return problems


def test_every_article_converts_valid_lossless_with_every_footnote_at_its_anchor(project_rng, project_schematron,
                                                                                   tei_all):
    problems = {}
    for path in articles(ARCHIVE):
        tree, _warnings = converted(path)
        if found := _check_article(path, tree) + _schema_problems(tree, project_rng, project_schematron, tei_all):
            problems[path.stem] = found
    assert problems == {}


def _encoded(path: Path, tree: etree._ElementTree) -> dict[str, list[bool]]:
    """For each typed part of an article, whether the TEI encodes it as what it is."""
    tally: dict[str, list[bool]] = {}
    for part in json.loads(path.read_text("utf-8"))["parts"]:
        tag = ENCODED_AS.get(part["type"])
        if tag and core(part["text"]):
            if tag == "graphic":
                hit = part["text"].strip() in xpath(tree, "//t:graphic/@url")
            else:
                hit = any(core(part["text"]) in reading(element) for element in xpath(tree, f"//t:body//t:{tag}"))
            tally.setdefault(part["type"], []).append(hit)
    return tally


def test_typed_parts_are_encoded_as_what_they_are():
    tally: dict[str, list[bool]] = {}
    for path in articles(ARCHIVE):
        for part_type, hits in _encoded(path, converted(path)[0]).items():
            tally.setdefault(part_type, []).extend(hits)
    assert set(tally) == set(ENCODED_AS)
    assert {part_type: sum(hits) / len(hits) >= 0.9 for part_type, hits in tally.items()} == dict.fromkeys(tally, True)


# ------------------------------------------------------------------ footnotes, placed


def note(tree, xp: str) -> list[tuple[str, str]]:
    return [(element.get("n"), "".join(element.itertext())) for element in xpath(tree, xp)]


def test_a_footnote_anchored_in_a_heading_is_in_the_head():
    tree, warnings = converted(find("f3dd626edd"))
    article = json.loads(find("f3dd626edd").read_text("utf-8"))
    assert note(tree, "//t:body//t:head/t:note[@place='foot']") == [("1", article["comments"][0])]
    assert warnings == ()


def test_a_footnote_anchored_in_a_salute_is_in_the_salute():
    tree, _ = converted(find("467d3722b2"))
    assert xpath(tree, "string(//t:opener/t:salute)") == "弼时弼时，即任弼时，参见本卷第439页注〔1〕。："
    assert note(tree, "//t:opener/t:salute/t:note") == [("1", "弼时，即任弼时，参见本卷第439页注〔1〕。")]


def test_a_footnote_anchored_in_a_date_line_is_in_the_dateline():
    tree, _ = converted(find("4d33898496"))
    assert xpath(tree, "count(//t:body//t:dateline/t:note[@place='foot'])") >= 1


def test_footnotes_without_a_usable_anchor_are_kept_with_a_warning():
    path = find("c32c4bd2c9")  # anchors past the end of their part
    tree, warnings = converted(path)
    article = json.loads(path.read_text("utf-8"))
    assert len(xpath(tree, "//t:note[@place='foot']")) == len(article["comments"])
    assert any("placed at the end of that part" in warning for warning in warnings)
    path = find("8bf2b0414c")  # an anchor in a part the article does not have
    tree, warnings = converted(path)
    assert any("which the article does not have" in warning for warning in warnings)
    assert xpath(tree, "count(//t:note[@place='foot'])") == len(json.loads(path.read_text("utf-8"))["comments"])


def test_a_footnote_without_an_anchor_goes_to_the_end_of_the_text():
    path = find("0addffe774")
    tree, warnings = converted(path)
    article = json.loads(path.read_text("utf-8"))
    last_text_element = xpath(tree, "(//t:body//*[self::t:p or self::t:head or self::t:salute or self::t:signed "
                                    "or self::t:dateline or self::t:byline or self::t:quote])[last()]")[0]
    assert note(last_text_element, "t:note[@n='1']") == [("1", article["comments"][0])]
    assert f"{path}: note 1 has no anchor: placed at the end of the text" in warnings


def test_an_anchor_for_a_note_the_article_does_not_have_is_left_out():
    path = find("8e9228d0be")
    tree, warnings = converted(path)
    assert any("but the article has 4 note(s): left out" in warning for warning in warnings)
    assert xpath(tree, "count(//t:note[not(@type)])") == 4


def test_totext_prints_the_archives_footnotes_after_the_body():
    tree, _ = converted(find("f3dd626edd"))
    article = json.loads(find("f3dd626edd").read_text("utf-8"))
    text = to_text(tree)
    body, notes = text.split("\n\n[1] ")
    assert f"[1] {notes}" == "".join(f"[{n}] {comment}\n\n" for n, comment in enumerate(article["comments"], 1))[:-1]
    assert re.sub(r"\s+", "", body) == article_core(article)


# ------------------------------------------------------------------ part types


def test_salutes_at_the_top_and_in_the_text():
    tree, _ = converted(find("557902b361"))
    assert xpath(tree, "//t:body/t:div/t:opener/t:salute/text()") == ["黄任老："]
    tree, _ = converted(find("7154a1767d"))  # a notice under a comment: its heading, dateline and salute
    assert [etree.QName(e).localname for e in xpath(tree, "//t:div[@type='section']/*")] == [
        "head", "dateline", "opener", "p", "p"]
    assert xpath(tree, "//t:div[@type='section']/t:opener/t:salute/text()") == ["中共浙江省委并各省、市、自治区党委："]


def test_byline_dateline_signature_figure_and_quotation():
    tree, _ = converted(find("34c1c057e4"))
    assert xpath(tree, "//t:body/t:div/t:byline/text()") == ["周恩来谢富治"]
    tree, _ = converted(find("557902b361"))  # a letter: the letters step puts it in the opener
    assert xpath(tree, "//t:body/t:div/t:opener/t:byline/text()") == ["毛泽东"]
    tree, _ = converted(find("7154a1767d"))
    assert xpath(tree, "//t:body//t:div[@type='section']/t:dateline/t:date/@when") == ["1976-03-24"]
    assert xpath(tree, "//t:body//t:quote/text()") == ["毛主席批示：同意。三月二十四日"]
    tree, _ = converted(find("0a54c3f766"))
    assert xpath(tree, "//t:body/t:div/t:closer/t:signed/text()") == ["北京大学历史系简明世界史编写组", "一九七四年八月"]
    tree, _ = converted(find("2096641adc"))
    figure = xpath(tree, "//t:figure")[0]
    assert xpath(figure, "t:graphic/@url")[0].startswith("https://raw.githubusercontent.com/")
    assert xpath(figure, "t:figDesc/text()") == ["审判英国国王查理一世"]


def test_an_image_description_holds_text_and_readings_only(tmp_path):
    """figDesc takes what tei_all allows there (macro.limitedContent): OCR readings as <choice>, but
    no <lb/> or <unclear>, so its line breaks and unreadable runs stay text. A description over two
    lines made an output the schema refused (exit 1, "please report it")."""
    from tei.body import build_text
    from tei.model import Cert, Node, Structure, Suspect, Unclear

    body = "https://example.org/a.png\n\n审判英国\n国王查理一世"
    start = body.index("审")
    figure = Node("figure", 0, len(body), children=(Node("graphic", 0, start - 2), Node("figDesc", start, len(body))))
    text = build_text(body, Structure((Node("div", 0, len(body), children=(figure,)),)),
                      suspects=[Suspect(body.index("一"), "一", "二", Cert.LOW)], unclear=[Unclear(start, 2, "illegible")])
    [desc] = xpath(text, "//t:figDesc")
    assert desc.text == "审判英国\n国王查理" and xpath(desc, "t:choice/t:sic/text() | t:choice/t:corr/text()") == ["一", "二"]
    assert xpath(desc, "t:*[not(self::t:choice)]") == [] and desc[-1].tail == "世"

    data = json.loads(find("2096641adc").read_bytes())
    data["parts"][1]["text"] = "审判英国\n国王查理一世"
    article = tmp_path / "2096641adc.json"
    article.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tree = parse_tei(serialize(convert_file(article).tree))  # with OCR marking; valid, or it raises
    [desc] = xpath(tree, "//t:figDesc[1]")[:1]
    assert "".join(desc.itertext()).startswith("审判英国\n国王") and xpath(desc, "t:lb") == []


URL = "https://raw.githubusercontent.com/banned-historical-archives/x/main/a.png"


@pytest.mark.parametrize("title, parts, children", [
    ("给杨令德的信", [("appellation", "令德先生："), ("paragraph", "[1]杨令德，当时是记者。"), ("paragraph", "毛泽东"),
                 ("paragraph", "一月二十二日")], ["opener", "p", "closer"]),
    ("关于农业问题的报告", [("image", URL), ("signature", "毛泽东")], ["figure", "p"]),
    ("关于农业问题的报告", [("image", URL), ("paragraph", "正文。"), ("signature", "毛泽东")], ["figure", "p", "closer"]),
    ("毛泽东给黄炎培的信", [("appellation", "黄任老："), ("authors", "毛泽东"), ("appellation", "敬礼")],
     ["opener", "p", "closer"]),
    ("关于农业问题的报告", [("appellation", "同志们："), ("title", "关于农业问题的报告"),
                   ("paragraph", "[1]本文是在会议上的讲话。"), ("signature", "毛泽东")], ["opener", "head", "p", "closer"]),
], ids=["a footnote the only paragraph of a letter", "an image and a signature", "an image, a paragraph, a signature",
        "a byline the only part before a closing salute", "a footnote the only paragraph after a salute and a head"])
def test_a_closer_follows_a_body_part(title, parts, children, tei_all):
    """TEI wants a paragraph (not only notes or figures) before a closer: a footnote that is a
    letter's only paragraph stays a paragraph (a salute of the source, which goes to the top, does
    not count as one), a signature after an image alone one too, and so does a byline of the
    source that is a letter's only part before its closing salute. Found by scripts/fuzz.py and
    the property tests: the first two made files tei_all refused, the others files the converter
    refused."""
    from tei.convert import convert_document

    document = parse_article(article_json(parts, title=title, dates=({"year": 1939, "month": 1, "day": 22},)),
                             "a.json", "a", b"[]")
    tree = parse_tei(serialize(convert_document(document, NO_OCR).tree))  # valid in the project schema, or it raises
    assert [etree.QName(e).localname for e in xpath(tree, "//t:body/t:div/*")] == children
    assert tei_all.validate(tree), tei_all.error_log.last_error


def test_an_empty_part_makes_no_element():
    tree, _ = converted(find("742243a9c0"))
    assert xpath(tree, "//t:body//*[not(node()) and not(self::t:lb) and not(self::t:graphic)]") == []


# ------------------------------------------------------------------ the header from the richer data


def test_header_alias_pages_book_record_and_typed_tags():
    tree, _ = converted(find("0e772cda54"))
    article = json.loads(find("0e772cda54").read_text("utf-8"))
    assert xpath(tree, "//t:titleStmt/t:title[@type='alt']/text()") == [article["alias"]]
    tree, _ = converted(find("fa920a7fa4"))
    bibl = xpath(tree, "//t:sourceDesc/t:bibl")[0]
    assert [(e.get("unit"), e.get("from"), e.get("to"), e.text) for e in xpath(bibl, "t:biblScope")] == [
        ("page", "263", "264", "263-264")]
    assert xpath(bibl, "t:note[@type='publication']/text()") == ["unofficial publication; not internal"]
    assert xpath(bibl, "t:ptr[@type='scan']/@target") == [
        "https://raw.githubusercontent.com/banned-historical-archives/banned-historical-archives8/main/maoquanji24.pdf"]
    assert xpath(tree, "//t:particDesc//t:persName/text()") == ["邓小平", "毛泽东"]
    assert xpath(tree, "//t:classCode[@scheme='#bha-doctypes']/text()") == ["文章"]
    assert xpath(tree, "//t:taxonomy[@xml:id='bha-doctypes']/t:desc/text()")


@pytest.mark.parametrize("document_type, div_type", [("指示", "directive"), ("批示", "directive"),
                                                     ("对话", "conversation"), ("发言", "speech"), ("通讯", "report"),
                                                     ("文章", "article"), ("宣言", "article")])
def test_the_document_type_drives_the_div_type(document_type, div_type):
    from tei.convert import convert_document

    tags = json.dumps([{"name": "某", "type": "人物"}, {"name": document_type, "type": "文稿类型"}]).encode()
    document = parse_article(article_json([("paragraph", "正文。")], title="一份材料"), "a.json", "a", tags)
    tree = convert_document(document, NO_OCR).tree
    assert xpath(tree, "//t:body/t:div/@type") == [div_type]


# ------------------------------------------------------------------ odd data


def test_nul_characters_are_dropped_and_counted():
    path = find("2099bc1f6f")
    tree, warnings = converted(path)
    dropped = sum(part["text"].count("\x00") for part in json.loads(path.read_text("utf-8"))["parts"])
    assert f"{path}: dropped {dropped} character(s) that XML 1.0 cannot carry" in warnings


def test_an_impossible_date_is_kept_without_when():
    path = find("452ced02fd")
    tree, warnings = converted(path)
    assert [(d.text, d.get("when")) for d in xpath(tree, "//t:creation/t:date")] == [
        ("1966-12-27", "1966-12-27"), ("29-29-29", None)]
    assert f"{path}: impossible date '29-29-29' kept as written, without a machine-readable value (@when)" in warnings


def article_json(parts, comments=(), pivots=(), dates=({"year": 1967, "month": 2, "day": 306},), title="题",
                 **fields) -> bytes:
    return json.dumps({"title": title, "parts": [{"type": t, "text": x} for t, x in parts], "authors": ["甲"],
                       "dates": list(dates), "is_range_date": False, "comments": list(comments),
                       "comment_pivots": list(pivots), "description": "", "page_start": 0, "page_end": 0,
                       "alias": "", **fields}, ensure_ascii=False).encode()


def test_what_only_the_full_sample_has():
    """Cases no small article of the sample has: a paragraph that begins with '# ', an anchor
    given twice, a date with a three-digit day, a subtitle2."""
    data = article_json([("title", "题"), ("paragraph", "# 不是标题"), ("subtitle2", "小节"), ("paragraph", "正文")],
                        comments=["注一"], pivots=[{"part_idx": 1, "offset": 2, "index": 1},
                                                 {"part_idx": 3, "offset": 0, "index": 1}])
    document = parse_article(data, "a.json", "abc")
    assert document.header.dates == ("1967-2-306",) and document.header.iso_dates == (None,)
    assert document.warnings == (
        "a.json: impossible date '1967-2-306' kept as written, without a machine-readable value (@when)",
        "a.json: no book record (<book>.metadata in the book's folder) beside it: the book is not named",
        "a.json: note 1 anchored twice: kept at its first anchor")
    from tei.convert import convert_document

    tree = parse_tei(serialize(convert_document(document, NO_OCR).tree))
    assert xpath(tree, "//t:body/t:div/t:p[1]/text()") == ["# ", "不是标题"]
    assert note(tree, "//t:body/t:div/t:p[1]/t:note") == [("1", "注一")]
    assert xpath(tree, "//t:body/t:div/t:div[@type='section']/t:head/text()") == ["小节"]


@pytest.mark.parametrize("data, message", [
    (b"\xff\xfe{}", "a.json:1: not UTF-8 (byte 0xff)"),
    (b'{"title": "x", "parts": [}', "a.json:1: not JSON (Expecting value, column 26)"),
    (b'[1, 2]', "a.json:1: not an article of the archive"),
    (b'{"title": "x"}', "a.json:1: not an article of the archive"),
    (b"  \n", "a.json:1: empty file"),
    (b"[" * 100_000 + b"]" * 100_000, "a.json:1: JSON nested too deeply"),
])
def test_unreadable_input_is_rejected_with_one_line(data, message):
    with pytest.raises(InputError) as caught:
        parse_article(data, "a.json", "a")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_fifo_is_never_read_and_companions_nested_too_deeply_are_warned_about(tmp_path):
    folder = tmp_path / "book" / "012"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "0123456789.json")
    with pytest.raises(InputError, match="not a regular file"):  # opened without blocking
        read_article(folder / "0123456789.json")
    (folder / "0123456789.json").unlink()
    shutil.copyfile(find("557902b361"), folder / "0123456789.json")
    (folder / "0123456789.tags").write_bytes(b"[" * 100_000)
    (tmp_path / "book" / "book.metadata").write_bytes(b"{" * 100_000)
    warnings = read_article(folder / "0123456789.json").warnings
    assert any("its tags file is not UTF-8 JSON" in warning for warning in warnings)
    assert any("its book record" in warning and "not UTF-8 JSON" in warning for warning in warnings)


# ------------------------------------------------------------------ the command


def test_convert_keeps_the_layout_of_a_checkout_mixed_with_exports(tmp_path):
    """The same article id in two books gives two files; exports beside them convert too; other
    JSON (not <id[:3]>/<id>.json) is not taken for an article."""
    source = tmp_path / "in"
    article = find("f3dd626edd")
    for book in ("wenji3", "other"):
        for path in (article, article.with_suffix(".tags")):
            target = source / "parsed" / book[:3] / book / article.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.copyfile(DEV_SET / "557902b361__CCRD-shzygz.txt", source / "557902b361__CCRD-shzygz.txt")
    (source / "seg_gold.json").write_text("{}", encoding="utf-8")
    ran = tei_command("convert", str(source), "-o", str(tmp_path / "out"), "--no-ocr")
    assert ran.returncode == 0, ran.stderr.decode()
    written = sorted(path.relative_to(tmp_path / "out").as_posix() for path in (tmp_path / "out").rglob("*.xml"))
    assert written == ["557902b361__CCRD-shzygz.xml", "parsed/oth/other/f3d/f3dd626edd.xml",
                       "parsed/wen/wenji3/f3d/f3dd626edd.xml"]
    assert "the book is not named" in ran.stderr.decode()  # no <book>.metadata copied
    assert tei_command("validate", str(tmp_path / "out")).returncode == 0


def test_the_json_on_stdin_is_rejected_with_one_line():
    ran = tei_command("convert", "-", stdin=find("f3dd626edd").read_bytes())
    assert ran.returncode == 1
    assert ran.stderr.decode().splitlines() == [
        "<stdin>:1: the archive's JSON of an article: its id is its file name (<id>.json), so convert the file, "
        "not stdin"]


# ------------------------------------------------------------------ all 480 articles of ../shared


def _convert_sample_article(path: Path) -> tuple[str, bytes]:
    result = convert_file(path)
    return str(path), serialize(result.tree)


@pytest.mark.shared
def test_every_article_of_the_archive_sample(project_rng, project_schematron, tei_all):
    """All 480: valid against tei_all and the project schema, lossless against the JSON parts,
    every footnote kept and each with a usable anchor at it, the typed parts encoded as such
    (at least 90 % of each type); with OCR marking, as `tei convert` does by default."""
    paths = articles(SAMPLE)
    if not paths:
        pytest.skip("../shared/archive-sample is not beside the clone")
    problems, tally, notes, anchored = {}, {}, 0, 0
    with ProcessPoolExecutor(2) as pool:
        for name, data in pool.map(_convert_sample_article, paths, chunksize=8):
            path, tree = Path(name), parse_tei(data)
            if found := _check_article(path, tree) + _schema_problems(tree, project_rng, project_schematron, tei_all):
                problems[path.relative_to(SAMPLE).as_posix()] = found
            for part_type, hits in _encoded(path, tree).items():
                tally.setdefault(part_type, []).extend(hits)
            article = json.loads(path.read_text("utf-8"))
            notes += len(article["comments"])
            anchored += len(usable_anchors(article))
    print(f"\n{len(paths)} articles; {notes} footnotes, {anchored} with a usable anchor, each at it")
    print(f"  {len(paths) - len(problems)} of {len(paths)} valid (tei_all, tei_bha.rng, tei_bha.sch), lossless against "
          "the parts, every footnote kept once with its text and at its usable anchor")
    for part_type, hits in sorted(tally.items()):
        print(f"  {part_type:12} {sum(hits):4}/{len(hits):<4} {sum(hits) / len(hits):.3f} encoded as <{ENCODED_AS[part_type]}>")
    total = [hit for hits in tally.values() for hit in hits]
    print(f"  {'all':12} {sum(total):4}/{len(total):<4} {sum(total) / len(total):.3f}")
    assert len(paths) == 480
    assert problems == {}
    assert {part_type: sum(hits) / len(hits) >= 0.9 for part_type, hits in tally.items()} == dict.fromkeys(tally, True)


@pytest.mark.parametrize("article_id", ["552f607ade", "2096641adc"])
def test_readings_are_laid_back_onto_the_body_past_footnotes_and_images(article_id):
    """tei harvest (tei.anchor) and the review page's script count the body's characters in the
    TEI: the archive's footnotes are not body text, an image's URL is."""
    from lxml import html

    from tei import anchor
    from tei.review import SPACES, render_review

    document = read_article(find(article_id))
    tree = convert_file(find(article_id)).tree  # with OCR marking: readings to lay back
    body_core = "".join(document.body[i] for i in anchor.core_offsets(document.body))
    for mark in anchor.marks(tree, document.body):
        assert document.body[mark.offset:mark.offset + len(mark.sic)] == mark.sic
    page = html.fromstring(render_review(tree, document))
    counted = page.xpath("//*[@id='document']//text()[not(ancestor::*[contains(concat(' ', @class, ' '), ' corr ') "
                         "or (contains(concat(' ', @class, ' '), ' note ') and contains(@class, 'apart'))])]")
    assert "".join(c for c in "".join(counted) if c not in SPACES and not c.isspace()) == body_core
