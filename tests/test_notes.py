"""Footnotes printed in an export's body (tei/notes.py, issue #14): kept where they stand as
`<note place="foot" type="in-text">`, linked from the mark that calls them by `<ref target>`,
nothing added, lost or moved. The archive's own footnotes (its JSON) are in test_archive.py."""
from __future__ import annotations

from conftest import DEV_SET, parse_tei, xpath
from hypothesis import given, settings
from hypothesis import strategies as st
from independent import body_core, parse_txt, text_reading
from tei import ConvertOptions, convert_bytes, convert_file, serialize
from tei.notes import _MARK, _mark_matches
from tei.totext import to_text

NO_OCR = ConvertOptions(ocr=False)


def converted(stem: str):
    return parse_tei(serialize(convert_file(DEV_SET / f"{stem}.txt", NO_OCR).tree))


def export(body: str) -> bytes:
    return (f"id: 0123456789\n标题：题\n日期：1963-11-29\n是否是时间段：false\n作者：甲\n来源：\n标签：\n书籍：书\n"
            f"书籍作者：\n\n正文：\n{body}\n\n描述：\n").encode()


def test_marks_in_a_letter_link_to_the_notes_after_it():
    tree = converted("63b2123796__CCRD-shzygz")
    assert xpath(tree, "//t:opener/t:salute/t:ref/@target") == ["#note-1"]
    assert xpath(tree, "//t:opener/t:salute/t:ref/text()") == ["[1]"]
    assert xpath(tree, "//t:body//t:p/t:ref/@target") == ["#note-2", "#note-3"]
    notes = xpath(tree, "//t:note[@type='in-text']")
    assert [(n.get("n"), n.get("{http://www.w3.org/XML/1998/namespace}id"), n.text[:6]) for n in notes] == [
        ("1", "note-1", "[1]丁同志"), ("2", "note-2", "[2]罗贵波"), ("3", "note-3", "[3]陈赓，")]
    assert xpath(tree, "//t:closer/t:signed/text()")  # the letter is still laid out as one


def test_notes_glued_to_the_end_of_paragraphs_are_notes_there():
    tree = converted("01993899d4__8acb0cd5")
    runs = xpath(tree, "//t:body//t:p/t:note[@type='in-text']")
    assert len(runs) >= 6
    assert all(note.text.startswith(f"[{note.get('n')}]") or note.text.startswith(f"[{note.get('n')}］")
               for note in runs)


def test_printed_notes_lose_and_move_nothing():
    for stem in ("63b2123796__CCRD-shzygz", "01993899d4__8acb0cd5", "afd7df2ad1__maoquanji14"):
        _, body, _ = parse_txt((DEV_SET / f"{stem}.txt").read_text(encoding="utf-8"))
        tree = converted(stem)
        assert text_reading(tree.getroot()) == body_core(body), stem
        assert "".join(to_text(tree).split()) == body_core(body), stem  # in the reading where they stand


def test_what_is_no_note():
    tree = parse_tei(serialize(convert_bytes(export(
        "甲说：“决裂”。乙\n\n①第一项\n\n②第二项\n\n正文[1]。\n\n[1]。"), "x", NO_OCR).tree))
    assert xpath(tree, "//t:note") == []  # a list item (① with no ① before it); a mark before punctuation
    tree = parse_tei(serialize(convert_bytes(export("正文①。\n\n①注文\n\n②没有标记的注"), "x", NO_OCR).tree))
    assert [(n.get("n"), n.get("{http://www.w3.org/XML/1998/namespace}id")) for n in xpath(tree, "//t:note")] == [
        ("1", "note-1")]


def test_a_paragraph_of_several_notes_is_cut_at_each_number():
    tree = parse_tei(serialize(convert_bytes(export("甲[1]乙[2]。\n\n[1]注一。[2]注二。"), "x", NO_OCR).tree))
    assert [(n.get("n"), n.text) for n in xpath(tree, "//t:note")] == [("1", "[1]注一。"), ("2", "[2]注二。")]
    assert xpath(tree, "//t:ref/@target") == ["#note-1", "#note-2"]


# ---------------------------------------------------------------- properties

@settings(max_examples=5 * settings.default.max_examples)  # cheap, and it must be exact: five times the profile's
@given(text=st.text(alphabet="[［]］〔〕①②⑳0123456789１ \n\u3000注：字。", max_size=30))
def test_mark_matches_finds_what_finditer_finds(text):
    """The fast scan for note marks (tried only where a mark can begin) finds exactly the matches,
    spans and groups of `_MARK.finditer`, nested and broken marks included."""
    assert [(m.span(), m.groups()) for m in _mark_matches(text)] == [(m.span(), m.groups()) for m in _MARK.finditer(text)]
