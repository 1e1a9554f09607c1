"""`tei totext`: the original reading gives the export body back (whitespace and markers aside)."""
from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import SEED, parse_tei, tei_command as tei
from independent import body_core, parse_txt
from tei import ConvertOptions, convert_bytes
from tei.errors import NotTeiError, TeiError
from tei.totext import to_text

TEI_NS = "http://www.tei-c.org/ns/1.0"


def letter(body: str) -> bytes:
    return (f'<TEI xmlns="{TEI_NS}"><teiHeader/><text><body><div type="letter">{body}</div></body></text></TEI>'
            ).encode()


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_dev_document_round_trips(corpus_files, corpus_outputs):
    """Original reading == export body, whitespace and `#`/`> ` markers aside, for every dev document."""
    assert corpus_outputs
    for path in corpus_files:
        _, body, _ = parse_txt(path.read_text(encoding="utf-8"))
        tree = corpus_outputs[path.stem]
        assert squeeze(to_text(tree, "original")) == body_core(body), path.name
        corrected = to_text(tree, "corrected")
        assert len(squeeze(corrected)) == len(body_core(body)), path.name  # corrections replace like for like


CASES = [
    # TEI body → (original, corrected)
    ("<p>甲<choice><sic>乙</sic><corr resp='#tei-ocr' cert='high'>丙</corr></choice>丁</p>", "甲乙丁\n", "甲丙丁\n"),
    ("<p>甲<sic resp='#tei-ocr' cert='low'>乙</sic>丁</p>", "甲乙丁\n", "甲乙丁\n"),
    ("<p>一行<lb/>二行</p>", "一行\n二行\n", "一行\n二行\n"),
    ("<head>题</head>\n  <p>正文</p>\n  <!-- 注 --><?pi x?>", "题\n\n正文\n", "题\n\n正文\n"),
    ("<opener><salute>同志们：</salute></opener><p>信</p>"
     "<closer><signed>某某</signed><dateline><date when='1963-11-29'>一九六三年</date></dateline></closer>"
     "<postscript><p>又及</p></postscript>",
     "同志们：\n\n信\n\n某某\n\n一九六三年\n\n又及\n", "同志们：\n\n信\n\n某某\n\n一九六三年\n\n又及\n"),
    ("<p>&lt;]]&gt;&amp;𠀀e\u0301</p>", "<]]>&𠀀e\u0301\n", "<]]>&𠀀e\u0301\n"),
    # the archive's footnotes after the body; footnotes printed in the body where they stand; an image's URL
    ("<head>题<note place='foot' n='1'>注一</note></head><p>甲<note place='foot' n='2'>注<lb/>二</note>乙</p>",
     "题\n\n甲乙\n\n[1] 注一\n\n[2] 注\n二\n", "题\n\n甲乙\n\n[1] 注一\n\n[2] 注\n二\n"),
    ("<p>甲<ref target='#note-1'>[1]</ref>乙</p><note place='foot' n='1' type='in-text' xml:id='note-1'>[1]注</note>",
     "甲[1]乙\n\n[1]注\n", "甲[1]乙\n\n[1]注\n"),
    ("<figure><graphic url='https://example.org/a.png'/><figDesc>图</figDesc></figure>",
     "https://example.org/a.png\n\n图\n", "https://example.org/a.png\n\n图\n"),
]


@pytest.mark.parametrize(("body", "original", "corrected"), CASES)
def test_readings(body, original, corrected):
    tree = parse_tei(letter(body))
    assert to_text(tree, "original") == original
    assert to_text(tree, "corrected") == corrected


def test_not_tei_is_an_error():
    with pytest.raises(NotTeiError, match="no <text> element"):
        to_text(parse_tei(b"<html><body/></html>"))


export_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() and "正文" not in s and "描述" not in s)


@given(st.lists(export_text, min_size=1, max_size=5))
def test_round_trip_property(paragraphs):
    """Non-BMP, combining marks, `]]>`, XML specials: all come back through convert → totext."""
    body = "\n\n".join(p.replace("\n", " ") for p in paragraphs)
    export = ("标题：t\n日期：1963-11-29\n是否是时间段：false\n作者：某\n来源：\n标签：\n书籍：\n书籍作者：\n"
              f"id: abc\n\n正文：\n{body}\n").encode()
    try:
        result = convert_bytes(export, "<prop>", ConvertOptions(ocr=False))
    except TeiError:  # the reader may reject odd inputs; the round trip is about what it accepts
        assume(False)
        return
    assert squeeze(to_text(result.tree, "original")) == body_core(body)


def test_cli(tmp_path):
    assert tei("convert", "--no-ocr", str(SEED), "-o", str(tmp_path)).returncode == 0
    out = tei("totext", str(tmp_path / "000_40c4c9e224be5acb.xml"))
    assert out.returncode == 0 and out.stderr == b""
    _, body, _ = parse_txt(SEED.read_text(encoding="utf-8"))
    assert squeeze(out.stdout.decode()) == body_core(body)
    assert out.stdout.decode().startswith("苏共中央一九六三年十一月二十九日给中共中央的信\n\n")
    corrected = tei("totext", "--reading", "corrected", str(tmp_path / "000_40c4c9e224be5acb.xml"))
    assert corrected.returncode == 0
    (tmp_path / "broken.xml").write_text("<TEI><p></TEI>")
    broken = tei("totext", str(tmp_path / "broken.xml"))
    assert broken.returncode == 1 and b"broken.xml:1: ERR_TAG_NAME_MISMATCH" in broken.stderr
    bad_option = tei("totext", "--reading", "both", str(tmp_path / "broken.xml"))
    assert bad_option.returncode == 2
