"""The review loop end to end: decisions made on the review page in a real browser (keys, a
selection, the download read back) and by editing converted TEI by hand (`tei harvest`), then the
corpus converted again with them and a changed option: every decision applied, no stale one, every
output valid and lossless.

Runs on the corpus (the trimmed dev set by default) with the documents chosen by rule: the three
smallest with at least four readings of the tool; the first is reviewed on the page, the other
two by hand. conftest.browser is the one Chromium session of the run.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from lxml import etree

from conftest import parse_tei, remove_reading, tei_command as tei
from independent import body_core, text_reading
from tei import anchor
from tei.decisions import Action, Decision, parse, read_decisions, render, reviewer_id
from tei.reader import read_export
from tei.vocab import TEI_NS, XML_ID

TEI = f"{{{TEI_NS}}}"
PAGE_REVIEWER = "页面审校"
HAND_REVIEWER = "王五"
EXPORT = """id: page-test
标题：测试
日期：1963-11-29
是否是时间段：false
作者：某某
来源：
标签：
书籍：红旗
书籍作者：

正文：
# 𠮷野家的文件

> 引文：我们反对阶毅敌人的斗争。

𠀀𡃁𪚥 古字：𠮷野家。我们反对阶毅敌人的斗争，坚决到底。

描述：
"""


@pytest.fixture(scope="session")  # session, not module: pytest may run this module's tests apart
def chosen(corpus, corpus_conversions) -> list[str]:
    """The three smallest documents with at least four readings of the tool, by stem."""
    counts = {stem: parse_tei(c.data).getroot().xpath("count(//t:choice)", namespaces={"t": TEI_NS})
              for stem, c in corpus_conversions.items()}
    stems = sorted((stem for stem, n in counts.items() if n >= 4),
                   key=lambda stem: (len(read_export(corpus.folder / f"{stem}.txt").body), stem))
    assert len(stems) >= 3
    return stems[:3]


def downloaded(folder: Path, before: set[Path]) -> Path:
    """The file the browser saves in `folder` (not one of `before`), once it is complete."""
    for _ in range(100):
        new = [path for path in folder.glob("*.tsv") if path not in before]
        if new:
            return new[0]
        time.sleep(0.05)
    raise AssertionError(f"no download in {folder}")


def keys(browser, *sequence: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    for key in sequence:
        ActionChains(browser).send_keys(key).perform()


SELECT = """
// Select `target` in the first run of plain text of the document (outside every reading) holding
// `contains`; without them, characters [1, 3) of the first run of four or more with no space.
// Returns the run's text.
var contains = arguments[0], target = arguments[1];
var walker = document.createTreeWalker(document.getElementById("document"), NodeFilter.SHOW_TEXT), node;
while ((node = walker.nextNode())) {
  if (node.parentNode.closest(".ocr")) { continue; }
  if (contains ? node.data.indexOf(contains) >= 0 : node.data.length >= 4 && !/\\s/.test(node.data)) { break; }
}
var start = contains ? node.data.indexOf(target, node.data.indexOf(contains)) : 1;
var range = document.createRange();
range.setStart(node, start);
range.setEnd(node, start + (contains ? target.length : 2));
window.getSelection().removeAllRanges();
window.getSelection().addRange(range);
return node.data;
"""


def review_on_the_page(browser, downloads: Path, page: Path) -> tuple[Path, str]:
    """Open the page, decide the first three readings (accept, reject, edit), add a selection,
    undo a fourth decision, save; the saved file and the text run the selection was made in."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(page.as_uri())
    status = browser.find_element(By.ID, "review-status")
    keys(browser, "j", "a")
    assert status.text.startswith("Type your name in the Reviewer field first")  # every decision is someone's
    browser.find_element(By.ID, "reviewer").send_keys(PAGE_REVIEWER)
    browser.find_element(By.ID, "prev").click()  # a button (mouse, touch) as well as keys
    keys(browser, "a", "j", "r", "j", "e")
    reading = browser.find_element(By.ID, "reading")
    assert browser.switch_to.active_element == reading
    reading.send_keys(Keys.BACKSPACE * 8, "正确", Keys.ENTER)
    assert status.text.endswith("→ 正确 edited")
    corrected = browser.find_element(By.ID, "reading-corrected")
    corrected.click()
    marks = browser.find_elements(By.CSS_SELECTOR, "#document .ocr")
    assert "正确" in marks[2].text and "decided-reject" in marks[1].get_attribute("class")
    browser.find_element(By.ID, "reading-original").click()
    keys(browser, "j", "a", "u")  # decided, then undone: not saved
    run = browser.execute_script(SELECT, "", None)
    keys(browser, "+")
    assert browser.switch_to.active_element == reading and reading.get_attribute("value") == run[1:3]
    reading.send_keys(Keys.BACKSPACE * 4, "补正", Keys.ENTER)
    assert status.text == f"{run[1:3]} → 补正 added"
    before = set(downloads.glob("*.tsv"))
    keys(browser, "s")
    saved = downloaded(downloads, before)
    assert status.text.startswith("saved 4 decision(s) as decisions-")
    return saved, run


@pytest.fixture(scope="session")  # once: a second review of the same document could save under the same name
def page_decisions(browser, downloads, chosen, corpus, tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("page")
    page = folder / "review.html"
    made = tei("review", str(corpus.folder / f"{chosen[0]}.txt"), "-o", str(page))
    assert made.returncode == 0, made.stderr
    return review_on_the_page(browser, downloads, page)


def test_review_page_saves_what_was_decided(page_decisions, chosen, corpus, corpus_conversions):
    saved, run = page_decisions
    text = saved.read_text(encoding="utf-8")
    decisions = parse(text, str(saved))
    assert text == render(decisions)  # the page writes the file as the library does
    document = read_export(corpus.folder / f"{chosen[0]}.txt")
    body = document.body
    tool = anchor.marks(parse_tei(corpus_conversions[chosen[0]].data), body)
    start = body.index(run) + 1
    expected = [(tool[0].offset, tool[0].sic, "accept", tool[0].corr, tool[0].corr),
                (tool[1].offset, tool[1].sic, "reject", "", tool[1].corr),
                (tool[2].offset, tool[2].sic, "edit", "正确", tool[2].corr),
                (start, run[1:3], "add", "补正", "")]
    assert sorted((d.offset, d.sic, d.action.value, d.reading, d.proposed) for d in decisions) == sorted(expected)
    assert body.count(run) == 1 and {d.document for d in decisions} == {document.header.article_id}
    assert {d.reviewer for d in decisions} == {PAGE_REVIEWER}
    for d in decisions:
        assert (d.before, d.sic, d.after) == (body[max(0, d.offset - 8):d.offset], body[d.offset:d.end],
                                              body[d.end:d.end + 8])


def test_review_page_counts_in_code_points_past_markers(browser, downloads, tmp_path):
    """Offsets in the body, as Python counts them: characters beyond the BMP are one each, and the
    export's `# ` and `> ` markers are in the body but not on the page."""
    export = tmp_path / "page-test.txt"
    export.write_text(EXPORT, encoding="utf-8")
    assert tei("review", str(export), "-o", str(tmp_path / "page.html"), "--reviewer", "me").returncode == 0
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get((tmp_path / "page.html").as_uri())
    body = read_export(export).body
    for contains in ("𠮷野家的", "古字："):  # in the heading (after `# `), and after four astral characters
        browser.execute_script(SELECT, contains, "野家")
        keys(browser, "+")
        browser.find_element(By.ID, "reading").send_keys(Keys.BACKSPACE * 4, "野菜", Keys.ENTER)
    keys(browser, "k", "a")  # the tool's first reading, in the quotation (after `> `)
    before = set(downloads.glob("*.tsv"))
    keys(browser, "s")
    decisions = read_decisions([downloaded(downloads, before)])
    assert [(d.offset, d.sic, d.action.value, d.reading) for d in decisions] == [
        (body.index("𠮷野家的") + 1, "野家", "add", "野菜"), (body.index("阶毅") + 1, "毅", "accept", "级"),
        (body.index("古字：𠮷野家") + 4, "野家", "add", "野菜")]
    assert all(d.document == "page-test" and d.reviewer == "me" for d in decisions)


def edit_by_hand(data: bytes) -> etree._ElementTree:
    """A converted file as a person edits it: the first reading removed, the second changed, the
    third pointed to their own respStmt (accepted), the text of the first head or paragraph's
    first two characters given a reading."""
    tree = parse_tei(data)
    first, second, third = list(tree.iter(f"{TEI}choice"))[:3]
    remove_reading(first)
    second.find(f"{TEI}corr").text = "手" * len(second.findtext(f"{TEI}sic"))
    third.find(f"{TEI}corr").set("resp", "#jd")
    stmt = etree.SubElement(tree.find(f".//{TEI}titleStmt"), f"{TEI}respStmt", {XML_ID: "jd"})
    etree.SubElement(stmt, f"{TEI}resp").text = "proofreading"
    etree.SubElement(stmt, f"{TEI}persName").text = "Jane Doe"
    block = next(e for e in tree.find(f"{TEI}text").iter(f"{TEI}head", f"{TEI}p") if len((e.text or "").strip()) >= 3)
    lead = len(block.text) - len(block.text.lstrip())
    added = etree.Element(f"{TEI}choice")
    block.insert(0, added)
    etree.SubElement(added, f"{TEI}sic").text = block.text[lead:lead + 2]
    etree.SubElement(added, f"{TEI}corr", resp="#jd", cert="high").text = "人改"
    added.tail, block.text = block.text[lead + 2:], block.text[:lead]
    return tree


def test_end_to_end(page_decisions, chosen, corpus, corpus_conversions, tmp_path, project_rng, project_schematron,
                    tei_all):
    converted = tmp_path / "tei"
    converted.mkdir()
    for stem in chosen[1:]:
        (converted / f"{stem}.xml").write_bytes(etree.tostring(edit_by_hand(corpus_conversions[stem].data),
                                                               xml_declaration=True, encoding="UTF-8"))
    decided = tmp_path / "decisions"
    decided.mkdir()
    (decided / "page.tsv").write_bytes(page_decisions[0].read_bytes())
    harvested = tei("harvest", str(converted), "--exports", str(corpus.folder), "--reviewer", HAND_REVIEWER,
                    "-o", str(decided / "hand.tsv"))
    assert harvested.returncode == 0, harvested.stderr
    hand = read_decisions([decided / "hand.tsv"])
    assert sorted(d.action.value for d in hand) == ["accept", "accept", "add", "add", "edit", "edit", "reject", "reject"]
    page = read_decisions([decided / "page.tsv"])
    stale = [Decision(page[0].document, page[0].offset, "旧字", Action.ADD, "新字", "某人")]
    (decided / "stale.tsv").write_text(render(stale), encoding="utf-8")
    decisions = read_decisions([decided])
    assert len(decisions) == 4 + 8 + 1

    # converted again, with another option: a term the tool no longer flags (its last reading there)
    body = read_export(corpus.folder / f"{chosen[1]}.txt").body
    last = anchor.marks(parse_tei(corpus_conversions[chosen[1]].data), body)[-1]
    term = body[last.offset:last.offset + len(last.sic) + 1]
    protected = tmp_path / "mine.txt"
    protected.write_text(f"# a term never to flag\n{term}\n", encoding="utf-8")
    out = tmp_path / "out"
    again = tei("convert", *(str(corpus.folder / f"{stem}.txt") for stem in chosen), "-o", str(out),
                "--decisions", str(decided), "--user-file", str(protected))
    assert again.returncode == 0, again.stderr
    warnings = [line for line in again.stderr.decode().splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and f"{decided / 'stale.tsv'}:2: add 旧字 → 新字" in warnings[0]
    assert "not applied: stale" in warnings[0]
    assert last.offset not in {m.offset for m in anchor.marks(parse_tei(out / f"{chosen[1]}.xml"), body)}
    no_ocr = tmp_path / "no-ocr"
    whole = tei("convert", str(corpus.folder), "-o", str(no_ocr), "--decisions", str(decided), "--no-ocr")
    assert whole.returncode == 0, whole.stderr

    for folder, stems in ((out, chosen), (no_ocr, [path.stem for path in corpus.files])):
        for stem in stems:
            tree = parse_tei(folder / f"{stem}.xml")
            document = read_export(corpus.folder / f"{stem}.txt")
            assert text_reading(tree.getroot()) == body_core(document.body), stem  # nothing lost
            assert project_rng.validate(tree), (stem, project_rng.error_log)
            assert project_schematron.validate(tree), (stem, project_schematron.validation_report)
            assert tei_all.validate(tree), (stem, tei_all.error_log)
            written = anchor.marks(tree, document.body)
            mine = [d for d in decisions if d.document == document.header.article_id]
            for d in mine:
                covering = [m for m in written if m.offset < d.end and d.offset < m.offset + len(m.sic)]
                if d in stale:
                    assert all(m.corr != d.reading for m in covering), d.describe()
                elif d.corrects:
                    assert [(m.offset, m.sic, m.corr, m.resp, m.cert) for m in covering] == [
                        (d.offset, d.sic, d.reading, reviewer_id(d.reviewer), "high")], d.describe()
                else:
                    assert covering == [], d.describe()
            names = {stmt.get(XML_ID): stmt.findtext(f"{TEI}name") for stmt in tree.iter(f"{TEI}respStmt")}
            assert {names[reviewer_id(d.reviewer)] for d in mine if d not in stale} == {
                d.reviewer for d in mine if d not in stale}
