"""`tei preview`: the HTML page's structure (lxml) and its behaviour in a real headless Chromium.

The browser test (Debian's chromium through chromedriver: conftest.browser) opens the page from
disk, checks the text, really clicks the reading switch, hovers an OCR mark, reaches one with the
keyboard and takes a screenshot (`TEI_PREVIEW_SCREENSHOT`, default in the test's tmp dir; its
path is printed).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from lxml import html

from conftest import SEED, parse_tei, tei_command as tei
from tei import ConvertOptions, convert_file
from tei.preview import build_preview, render_html

LETTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="bha-test" xml:lang="zh-Hans"><teiHeader>
<fileDesc><titleStmt><title>给某某的信 &lt;script&gt;alert(1)&lt;/script&gt;</title>
  <author><persName>张三</persName></author><author><orgName>某某委员会</orgName></author>
  <respStmt xml:id="tei-ocr"><resp>OCR marking</resp><name>tei</name></respStmt></titleStmt>
<publicationStmt><distributor>banned-historical-archives</distributor><idno type="bha">abc123</idno></publicationStmt>
<sourceDesc><bibl><title level="m">红旗一九六四年第九期</title><editor>编辑部</editor></bibl></sourceDesc></fileDesc>
<profileDesc><creation><date when="1963-11-29">1963-11-29</date></creation>
  <textClass><keywords><term>书信</term><term>工业战线</term></keywords></textClass>
  <correspDesc><correspAction type="sent"><persName>张三</persName></correspAction>
    <correspAction type="received"><persName>李四</persName></correspAction></correspDesc></profileDesc>
</teiHeader><text><body><div type="letter">
<head>给某某的信</head>
<opener><salute>亲爱的同志<choice><sic>门</sic><corr resp="#tei-ocr" cert="high">们</corr></choice>：</salute></opener>
<p>我们<choice><sic>威</sic><corr resp="#tei-ocr" cert="medium">感</corr></choice>到十分高兴。<lb/>第二行&amp;&lt;b&gt;。</p>
<p>此处<sic resp="#tei-ocr" cert="low">魍</sic>无法校正，见<placeName>北京</placeName>来信。</p>
<closer><signed><persName ref="http://www.wikidata.org/entity/Q1">张三</persName></signed><dateline><date when="1963-11-29">一九六三年十一月二十九日</date></dateline></closer>
<postscript><p>又及：请回信。</p></postscript>
</div></body></text></TEI>
"""


@pytest.fixture(scope="module")
def letter_tree():
    return parse_tei(LETTER.encode())


@pytest.fixture(scope="module")
def page(letter_tree):
    return html.fromstring(render_html(letter_tree))


def text_of(element) -> str:
    return re.sub(r"\s+", "", element.text_content())


def test_header_summary(page):
    assert page.findtext(".//title") == "给某某的信 <script>alert(1)</script>"
    summary = {text_of(dt): text_of(dd) for dt, dd in zip(page.iterfind(".//header//dt"), page.iterfind(".//header//dd"))}
    assert summary == {
        "作者Authors": "张三、某某委员会",
        "日期Date": "1963-11-29",
        "发信From": "张三",
        "收信To": "李四",
        "来源Source": "《红旗一九六四年第九期》，编辑部（编）",
        "档案Archive": "banned-historical-archivesabc123",
        "标签Tags": "书信工业战线",
    }
    assert [t.text for t in page.find_class("tag")] == ["书信", "工业战线"]


def test_letter_layout_and_escaping(page):
    document = page.get_element_by_id("document")
    assert [e.tag for e in document[0]] == ["h2", "div", "p", "p", "div", "div"]
    assert [e.get("class") for e in document[0] if e.tag == "div"] == ["opener", "closer", "postscript"]
    assert text_of(page.find_class("signed")[0]) == "张三"
    assert page.find_class("dateline")[0].find("time").get("datetime") == "1963-11-29"
    assert text_of(page.find_class("postscript")[0]) == "又及：请回信。"
    assert len(document.findall(".//br")) == 1
    assert "第二行&<b>。" in document.text_content()  # text stays text: no <b> element is made
    assert not page.xpath("//script[contains(., 'alert')]") and len(page.findall(".//script")) == 1
    assert not page.xpath("//*[@src or @href]")  # nothing is fetched or linked


def test_ocr_marks_carry_correction_and_certainty(page):
    marks = page.find_class("ocr")
    assert [(m.get("data-cert"), m.get("title")) for m in marks] == [
        ("high", "疑似 OCR 错误 suspected OCR error: 门 → 们; certainty: high"),
        ("medium", "疑似 OCR 错误 suspected OCR error: 威 → 感; certainty: medium"),
        ("low", "疑似 OCR 错误，无可靠校正 suspected OCR error, no confident correction; certainty: low"),
    ]
    assert "suspectedOCRerrors:3" in text_of(page.find_class("legend")[0])


def test_names_marked_in_the_text(page):
    assert [(n.get("class"), n.text, n.get("title")) for n in page.find_class("name")] == [
        ("name placeName", "北京", "地名 place"),
        ("name persName", "张三", "人名 person http://www.wikidata.org/entity/Q1"),
    ]


def test_csp_forbids_network(page):
    csp = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and csp[0].startswith("default-src 'none'")


def test_seed_and_every_dev_document_render(corpus_outputs):
    seed = build_preview(convert_file(SEED, ConvertOptions(ocr=False)).tree)
    assert seed.find_class("signed")
    for stem, tree in corpus_outputs.items():
        body = "".join(tree.getroot().find("{http://www.tei-c.org/ns/1.0}text").itertext())
        sic_text = re.sub(r"\s+", "", body)
        page = build_preview(tree)
        # the page's document, with corrections hidden, holds every character of the TEI text
        document = page.get_element_by_id("document")
        for corr in document.find_class("corr"):
            corr.drop_tree()
        assert len(text_of(document)) == len(sic_text) - sum(
            len("".join(c.itertext())) for c in tree.iter("{http://www.tei-c.org/ns/1.0}corr")), stem


def test_cli(tmp_path):
    tei_xml = tmp_path / "letter.xml"
    tei_xml.write_text(LETTER, encoding="utf-8")
    result = tei("preview", str(tei_xml), "-o", str(tmp_path / "page.html"))
    assert result.returncode == 0 and result.stdout == b""
    assert result.stderr.decode().strip() == f"wrote {tmp_path / 'page.html'}"
    assert (tmp_path / "page.html").read_bytes().startswith(b"<!DOCTYPE html>")
    to_stdout = tei("preview", str(tei_xml))
    assert to_stdout.returncode == 0 and to_stdout.stderr == b""
    assert to_stdout.stdout == (tmp_path / "page.html").read_bytes()
    (tmp_path / "broken.xml").write_text("<TEI>")
    broken = tei("preview", str(tmp_path / "broken.xml"))
    assert broken.returncode == 1 and b"broken.xml:1:" in broken.stderr


# ------------------------------------------------------------------------ real browser (conftest.browser)
def test_in_chromium_switch_hover_screenshot(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    page = tmp_path / "letter.html"
    page.write_bytes(render_html(parse_tei(LETTER.encode())))
    browser.get(page.as_uri())
    assert browser.title == "给某某的信 <script>alert(1)</script>"
    document = browser.find_element(By.ID, "document")
    original = document.text
    assert "亲爱的同志门：" in original and "我们威到十分高兴。" in original and "此处魍无法校正，见北京来信。" in original
    assert "们" not in original.split("：")[0] and "感" not in original
    assert "第二行&<b>。" in original and "又及：请回信。" in original

    corrected_radio = browser.find_element(By.ID, "reading-corrected")
    corrected_radio.click()
    assert corrected_radio.is_selected()
    assert document.get_attribute("data-reading") == "corrected"
    corrected = document.text
    assert "亲爱的同志们：" in corrected and "我们感到十分高兴。" in corrected
    assert "此处魍无法校正，见北京来信。" in corrected  # no confident correction: the printed character stays

    mark = browser.find_element(By.CSS_SELECTOR, ".ocr[data-cert='medium']")
    colour = "return getComputedStyle(arguments[0]).backgroundColor"
    assert browser.execute_script(colour, mark) == "rgb(247, 226, 168)"  # the certainty stays in the corrected reading
    ActionChains(browser).move_to_element(mark).perform()
    tip = browser.execute_script("return getComputedStyle(arguments[0], '::after').content", mark)
    assert tip == '"威 → 感（medium）"'
    assert mark.get_attribute("title").endswith("certainty: medium")
    resources = browser.execute_script("return performance.getEntriesByType('resource').length")
    assert resources == 0

    screenshot = Path(os.environ.get("TEI_PREVIEW_SCREENSHOT", tmp_path / "preview.png"))
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.read_bytes().startswith(b"\x89PNG")
    print(f"screenshot: {screenshot}")

    browser.find_element(By.ID, "reading-original").click()
    assert document.text == original
    assert browser.execute_script(colour, mark) == "rgb(247, 226, 168)"


def test_in_chromium_readings_reached_by_keyboard(browser, tmp_path):
    """Tab reaches each reading in turn and shows its proposal (keyboard; a tap focuses on touch screens)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page = tmp_path / "letter.html"
    page.write_bytes(render_html(parse_tei(LETTER.encode())))
    browser.get(page.as_uri())
    tips = []
    for _ in range(6):  # the reading switch, then the three readings
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused = browser.switch_to.active_element
        if "ocr" in (focused.get_attribute("class") or ""):
            tips.append(browser.execute_script("return getComputedStyle(arguments[0], '::after').content", focused))
    assert tips[:3] == ['"门 → 们（high）"', '"威 → 感（medium）"', '"? — low"']
