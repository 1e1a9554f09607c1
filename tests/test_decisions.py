"""Review decisions: the file, placing them in a body, applying them in `tei convert`, learning
from them, the review sheet of `tei ocr`, and `tei harvest` on a hand-edited file.

The seed is converted once with the default options (conftest.seed_tree) and once more here with
a set of decisions; the hand-edited file is that conversion edited with lxml as a person would in
an editor.
"""
from __future__ import annotations

import dataclasses
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import SEED, parse_tei, remove_reading, tei_command as tei, xpath
from independent import body_core, parse_txt, text_reading
import tei.batch as tei_batch
from tei import ConvertOptions, convert_file, convert_paths, read_export, serialize
from tei.anchor import marks
from tei.batch import Status
from tei.convert import CROSSES, convert_document, learn_from
from tei.decisions import (COLUMNS, Action, Decision, apply, decide, pair_counts, parse, place, read_decisions,
                           render, reviewer_id)
from tei.errors import DecisionError
from tei.harvest import harvest, lost_edit
from tei.manifest import MANIFEST_NAME
from tei.preview import render_html
from tei.totext import to_text
from tei.model import Cert, Suspect
from tei.ocr import find_suspects
from tei.vocab import TEI_NS, XML_ID

SEED_BODY = parse_txt(SEED.read_text(encoding="utf-8"))[1]
SEED_ID = "3383ff062d"
TEI = f"{{{TEI_NS}}}"


def seed_decision(at: str, action: str, reading: str = "", reviewer: str = "张三", proposed: str = "") -> Decision:
    """A decision on the first occurrence of `at` (`before[sic]after`) in the seed's body."""
    before, sic, after = re.fullmatch(r"(.*)\[(.+)\](.*)", at, re.DOTALL).groups()
    offset = SEED_BODY.index(before + sic + after) + len(before)
    return decide(SEED_ID, SEED_BODY, offset, sic, action, reading, reviewer, proposed)


# ----------------------------------------------------------------------------- the file
def test_file_round_trip_escapes_what_tsv_cannot_hold():
    odd = Decision("x", 5, 'a\tb"c', Action.EDIT, "A\\B", "Jane \"JD\" Doe", "ab", before="\n\n# ", after="\r")
    plain = Decision("x", 1, "门", Action.REJECT, "", "张三", "们", "同志", "，", "low")
    text = render([odd, plain])
    assert text.splitlines()[0] == "\t".join(COLUMNS)
    assert text.splitlines()[1] == "x\t1\t同志\t门\t，\t们\tlow\treject\t\t张三"
    assert "\\n\\n# " in text and '"a\\tb""c"' in text  # escaped, and quoted as spreadsheets quote
    assert parse(text) == [plain, odd]  # sorted by offset
    assert parse(text, "d.tsv")[1].origin == "d.tsv:3"


def test_sheet_rows_left_empty_are_undecided_and_columns_are_read_by_name():
    text = ("# a comment line\nnote\treviewer\tdecision\tsic\toffset\tdocument\tproposed\treading\n"
            "ok\t张三\taccept\t门\t46\tid1\t们\t\n"
            "\t\t\t识\t159\tid1\t议\t\n")
    [accepted] = parse("\ufeff" + text)
    assert (accepted.action, accepted.reading, accepted.before, accepted.offset) == (Action.ACCEPT, "们", "", 46)


@pytest.mark.parametrize("row, message", [
    ("id1\t46\t门\tmaybe\t\t张三", "d.tsv:2: decision 'maybe': expected accept, reject, edit or add"),
    ("id1\tx\t门\treject\t\t张三", "d.tsv:2: offset 'x': expected a number"),
    ("id1\t46\t门\tedit\t\t张三", "d.tsv:2: edit: give the right reading in the reading column"),
    ("id1\t46\t门\tadd\t门\t张三", "d.tsv:2: add: the reading is the printed text '门'; a text right as printed is a reject"),
    ("id1\t46\t门\taccept\t\t张三", "d.tsv:2: accept: no proposed reading to accept"),
    ("id1\t46\t门\treject\t\t", "d.tsv:2: reject: who decided? give a name in the reviewer column"),
    ("\t\t\treject", "d.tsv:2: offset '': expected a number"),  # a row a spreadsheet cut short
])
def test_rows_that_are_not_decisions_name_file_and_line(row, message):
    with pytest.raises(DecisionError) as error:
        parse("document\toffset\tsic\tdecision\treading\treviewer\n" + row + "\n", "d.tsv")
    assert str(error.value).startswith(message)


def test_a_file_without_the_columns_is_refused(tmp_path):
    with pytest.raises(DecisionError, match=r"d.tsv:1: expected a header line .* missing offset, decision"):
        parse("document\tsic\n", "d.tsv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DecisionError, match="no decisions file"):
        read_decisions([tmp_path / "empty"])
    (tmp_path / "latin1.tsv").write_bytes("document\toffset\tsic\tdecision\n\xe9".encode("latin-1"))
    with pytest.raises(DecisionError, match="latin1.tsv:0: not UTF-8"):
        read_decisions([tmp_path])


# ----------------------------------------------------------------------------- placing and applying
def test_place_by_offset_then_by_unique_context():
    body = "前言。我们反对阶毅敌人的斗争。"
    here = decide("d", body, 8, "毅", Action.EDIT, "级", "张三")
    [placed], [] = place([here], body)
    assert (placed.offset, placed.moved) == (8, False)
    [moved], [] = place([here], "新的一行。\n" + body)  # the body was re-exported with a line more
    assert (moved.offset, moved.moved) == (14, True)
    [], [stale] = place([here], body.replace("毅", "级"))
    assert stale.reason == "stale: the body has '级' at 8, and '前言。我们反对阶毅敌人的斗争。' is not found in the body"
    [twice], [] = place([here], body + body)  # its own place still matches
    assert (twice.offset, twice.moved) == (8, False)
    [], [ambiguous] = place([dataclasses.replace(here, offset=0)], body + body)
    assert ambiguous.reason.endswith("is found more than once in the body")


def test_a_later_decision_on_the_same_text_holds():
    body = "我们反对阶毅敌人的斗争。"
    first = decide("d", body, 5, "毅", Action.ACCEPT, "级", "张三", "级")
    second = decide("d", body, 4, "阶毅", Action.REJECT, "", "李四", "阶级")
    placed, [overridden] = place([first, second, second], body)
    assert [p.decision for p in placed] == [second]
    assert overridden.decision == first and overridden.reason.startswith("overridden by reject 阶毅")


def test_apply_cuts_the_tools_runs_and_adds_the_reviewers_readings():
    body = "坚持战裁的斗争"
    run = Suspect(2, "战裁", "路线", Cert.MEDIUM, 1.0, "confusion")
    reject = decide("d", body, 2, "战", Action.REJECT, "", "张三", "路")
    assert apply([run], place([reject], body)[0]) == [Suspect(3, "裁", "线", Cert.MEDIUM, 1.0, "confusion")]
    edit = decide("d", body, 2, "战裁", Action.EDIT, "战线", "张三", "路线")
    assert apply([run], place([edit], body)[0]) == [
        Suspect(2, "战裁", "战线", Cert.HIGH, source="review", resp=reviewer_id("张三"))]
    assert reviewer_id("张三") == reviewer_id("张三") != reviewer_id("李四")
    assert re.fullmatch(r"review-[0-9a-f]{8}", reviewer_id("张三"))


def test_pair_counts_and_learning():
    body = "坚持战裁的斗争"
    edit = decide("d", body, 2, "战裁", Action.EDIT, "战线", "张三", "路线")
    confirmed, rejected = pair_counts([edit, decide("d", body, 5, "斗", Action.REJECT, "", "张三", "计")])
    assert dict(confirmed) == {("裁", "线"): 1} and dict(rejected) == {("战", "路"): 1, ("斗", "计"): 1}
    learnt = learn_from(ConvertOptions(), [edit])
    assert learnt.extra_confusions == (("裁", "线", 1),)
    assert [(w, r) for w, r, _ in learnt.pair_bias] == [("战", "路")] and learnt.pair_bias[0][2] < -2

    text = "我们反对阶毅敌人的斗争。"
    [before] = find_suspects(text)
    turned_down = learn_from(ConvertOptions(), [decide("d", text, 5, "毅", Action.REJECT, "", "张三", "级")] * 3)
    [(_w, _r, bias)] = turned_down.pair_bias
    [after] = find_suspects(text, pair_bias=turned_down.pair_bias)  # a strong reading falls, and stays
    assert after.gain == pytest.approx(before.gain + bias) and bias == pytest.approx(-3.65, abs=0.01)

def test_a_weak_reading_turned_down_once_is_not_proposed_again(seed_tree):
    rejected = seed_decision("亲爱的同志[门]，", "reject", proposed="们")
    assert (rejected.offset, "门", "们") in readings(seed_tree)  # the tool's reading, weak (low)
    turned_down = learn_from(ConvertOptions(), [rejected])
    assert rejected.offset not in {s.offset for s in find_suspects(SEED_BODY, pair_bias=turned_down.pair_bias)}


# ----------------------------------------------------------------------------- convert applies them
DECISIONS = {
    "accept": seed_decision("对莫斯科会[识]的宣言", "accept", "议", proposed="议"),
    "reject": seed_decision("亲爱的同志[门]，", "reject", proposed="们", reviewer="李四"),
    "edit": seed_decision("都对下一事实[威]到", "edit", "深"),
    "add": seed_decision("一九六三年十一月二十九日给[中共]中央", "add", "中国"),
}
STALE = dataclasses.replace(seed_decision("亲爱的同志[门]，", "add", "们"), sic="问", origin="d.tsv:9")
CROSSING = dataclasses.replace(seed_decision("同志[门，\n\n最]近", "add", "们，\n\n最"), origin="d.tsv:10")


@pytest.fixture(scope="module")
def reviewed_seed():
    return convert_file(SEED, ConvertOptions(decisions=(*DECISIONS.values(), STALE, CROSSING)))


def readings(tree) -> dict[tuple[int, str, str], str]:
    """(body offset, sic, corr) → the xml:id @resp points to, of every reading of a converted seed."""
    return {(m.offset, m.sic, m.corr): m.resp for m in marks(tree, SEED_BODY)}


def test_convert_applies_decisions_as_the_reviewers(reviewed_seed, seed_tree, project_rng):
    tree = reviewed_seed.tree
    zhang, li = reviewer_id("张三"), reviewer_id("李四")
    assert xpath(tree, "//t:titleStmt/t:respStmt/@xml:id") == ["tei-ocr", zhang, li]
    assert xpath(tree, "//t:respStmt[@xml:id=$id]/t:name/text()", id=zhang) == ["张三"]
    assert xpath(tree, "//t:revisionDesc/t:change[@who=$who]/text()", who=f"#{zhang}") == [
        "Review of suspected OCR errors applied: 1 accepted, 1 edited, 1 added."]
    assert xpath(tree, "//t:revisionDesc/t:change[@who=$who]/text()", who=f"#{li}") == [
        "Review of suspected OCR errors applied: 1 rejected."]
    reviewed = xpath(tree, "//t:choice[t:corr/@resp=$resp]", resp=f"#{zhang}")
    assert [(c.findtext(f"{TEI}sic"), c.findtext(f"{TEI}corr"), c.find(f"{TEI}corr").get("cert"))
            for c in reviewed] == [("中共", "中国", "high"), ("识", "议", "high"), ("威", "深", "high")]
    assert not xpath(tree, "//t:salute[starts-with(., '亲爱的同志')]//t:choice")  # rejected: not proposed again
    # nothing else changed: the tool's other readings are the ones written without decisions
    decided = {d.offset for d in DECISIONS.values()}
    before, after = readings(seed_tree), readings(tree)
    assert {k: v for k, v in after.items() if v == "tei-ocr"} == {k: v for k, v in before.items() if k[0] not in decided}
    assert text_reading(tree.getroot()) == body_core(SEED_BODY)
    assert project_rng.validate(tree), project_rng.error_log


def test_decisions_that_do_not_apply_are_named_one_line_each(reviewed_seed):
    assert reviewed_seed.warnings == (
        f"{SEED}: d.tsv:9: add 问 → 们 at {SEED_ID}:{STALE.offset} by 张三 not applied: stale: the body has '门' at "
        f"{STALE.offset}, and {STALE.before + '问' + STALE.after!r} is not found in the body",
        f"{SEED}: d.tsv:10: add 门，\n\n最 → 们，\n\n最 at {SEED_ID}:{CROSSING.offset} by 张三 not applied: {CROSSES}")
    assert ("们，\n\n最" not in "".join(reviewed_seed.tree.getroot().itertext()))


def test_reviewers_readings_without_ocr_marking(project_rng):
    tree = convert_file(SEED, ConvertOptions(ocr=False, decisions=tuple(DECISIONS.values()))).tree
    assert set(readings(tree).values()) == {reviewer_id("张三")} and len(readings(tree)) == 3
    assert xpath(tree, "//t:correction/t:p/text()")[0].startswith("Suspected OCR errors were not marked by the tool")
    assert project_rng.validate(tree), project_rng.error_log


def test_cli_convert_with_decisions(tmp_path):
    file = tmp_path / "d.tsv"
    file.write_text(render([DECISIONS["accept"], STALE]), encoding="utf-8")
    result = tei("convert", str(SEED), "-o", str(tmp_path / "out"), "--decisions", str(tmp_path), "--no-ocr")
    assert result.returncode == 0
    [warning] = [line for line in result.stderr.decode().splitlines() if line.startswith("warning")]
    assert warning.startswith(f"warning: {SEED}: {file}:2: add 问 → 们 at {SEED_ID}:")  # sorted by offset and "not applied: stale" in warning
    assert readings(parse_tei(tmp_path / "out" / "000_40c4c9e224be5acb.xml")) == {
        (DECISIONS["accept"].offset, "识", "议"): reviewer_id("张三")}
    file.write_text("document\toffset\tsic\tdecision\treviewer\nx\t1\t门\tnope\tme\n", encoding="utf-8")
    bad = tei("convert", str(SEED), "-o", str(tmp_path / "out"), "--decisions", str(file))
    assert bad.returncode == 2 and f"{file}:2: decision 'nope'" in bad.stderr.decode()
    learn = tei("convert", str(SEED), "-o", str(tmp_path / "out"), "--learn")
    assert learn.returncode == 2 and "--learn learns from review decisions" in learn.stderr.decode()


# ----------------------------------------------------------------------------- tei ocr: the review sheet
def test_ocr_sheet_from_folders_and_stdin_is_a_decisions_file(tmp_path):
    folder = tmp_path / "exports" / "sub"
    folder.mkdir(parents=True)
    text = SEED.read_text(encoding="utf-8").replace("id: 3383ff062d", "id: other")
    (folder / "copy.txt").write_text(text, encoding="utf-8")
    sheet = tei("ocr", str(tmp_path / "exports"), "-", "--format", "tsv", "-j", "2", stdin=SEED.read_bytes())
    assert sheet.returncode == 0
    lines = sheet.stdout.decode().splitlines()
    assert lines[0] == "\t".join(COLUMNS) and lines.count(lines[0]) == 1
    assert lines[1] == "other\t46\t志\\n\\n亲爱的同志\t门\t，\\n\\n最近以来，\t们\tlow\t\t\t"
    suspects = len(find_suspects(SEED_BODY))
    assert len(lines) == 1 + 2 * suspects and sheet.stderr.decode().strip() == f"{2 * suspects} suspected OCR error(s) in 2 file(s)"
    assert parse(sheet.stdout.decode()) == []  # nothing decided yet
    filled = [re.sub(r"\t\t\t$", "\treject\t\t张三", line) if i == 2 else line for i, line in enumerate(lines)]
    [decision] = parse("\n".join(filled) + "\n")
    assert (decision.document, decision.offset, decision.sic, decision.proposed) == ("other", 159, "识", "议")
    (tmp_path / "none").mkdir()
    empty = tei("ocr", str(tmp_path / "none"))
    assert empty.returncode == 2 and "no .txt files or articles of the archive" in empty.stderr.decode()


# ----------------------------------------------------------------------------- tei harvest
def edit_by_hand(tree: etree._ElementTree) -> etree._ElementTree:
    """The converted seed as a person edits it: a reading removed, one changed, one pointed to
    their own respStmt, one added with it."""
    tree = parse_tei(serialize(tree))
    choices = list(tree.iter(f"{TEI}choice"))
    remove_reading(next(c for c in choices if c.findtext(f"{TEI}sic") == "门"))  # 亲爱的同志门
    next(c for c in choices if c.findtext(f"{TEI}sic") == "威").find(f"{TEI}corr").text = "深"
    next(c for c in choices if c.findtext(f"{TEI}sic") == "识").find(f"{TEI}corr").set("resp", "#jd")
    title_stmt = tree.find(f".//{TEI}titleStmt")
    stmt = etree.SubElement(title_stmt, f"{TEI}respStmt", {XML_ID: "jd"})
    etree.SubElement(stmt, f"{TEI}resp").text = "proofreading"
    etree.SubElement(stmt, f"{TEI}persName").text = "Jane Doe"
    head = tree.find(f".//{TEI}head")  # 苏共中央一九六三年十一月二十九日给中共中央的信
    added = etree.SubElement(head, f"{TEI}choice")
    head.insert(0, added)
    etree.SubElement(added, f"{TEI}sic").text = head.text[:2]
    etree.SubElement(added, f"{TEI}corr", resp="#jd", cert="high").text = "苏联"
    added.tail, head.text = head.text[2:], ""
    return tree


def test_harvest_turns_hand_edits_into_decisions(seed_tree, tmp_path):
    edited = tmp_path / "edited.xml"
    edited.write_bytes(serialize(edit_by_hand(seed_tree)))
    result = tei("harvest", str(edited), "--exports", str(SEED), "--reviewer", "王五", "-o", str(tmp_path / "h.tsv"))
    assert result.returncode == 0 and result.stderr.decode() == f"4 decision(s) from 1 file(s) written to {tmp_path / 'h.tsv'}\n"
    decisions = read_decisions([tmp_path / "h.tsv"])
    assert [(d.action.value, d.sic, d.reading, d.proposed, d.reviewer) for d in decisions] == [
        ("add", "苏共", "苏联", "", "Jane Doe"),
        ("reject", "门", "", "们", "王五"),
        ("accept", "识", "议", "议", "Jane Doe"),
        ("edit", "威", "深", "感", "王五"),
    ]
    assert [d.offset for d in decisions[1:]] == [SEED_BODY.index("同志门，") + 2, SEED_BODY.index("会识的") + 1,
                                                 SEED_BODY.index("实威到") + 1]
    # converted again with them (and another option), the edits are there and nothing is left to harvest
    out = tmp_path / "again.xml"
    assert tei("convert", str(SEED), "-o", str(out), "--decisions", str(tmp_path / "h.tsv")).returncode == 0
    again = {(sic, corr): resp for (offset, sic, corr), resp in readings(parse_tei(out)).items()
             if offset in {d.offset for d in decisions}}
    assert again == {("苏共", "苏联"): reviewer_id("Jane Doe"), ("识", "议"): reviewer_id("Jane Doe"),
                     ("威", "深"): reviewer_id("王五")}
    rerun = tei("harvest", str(out), "--exports", str(SEED), "--decisions", str(tmp_path / "h.tsv"))
    assert rerun.returncode == 0 and parse(rerun.stdout.decode()) == []


def test_harvest_refuses_what_is_not_a_change_of_readings(seed_tree, tmp_path):
    edited = tmp_path / "edited.xml"
    edited.write_bytes(serialize(edit_by_hand(seed_tree)))
    unnamed = tei("harvest", str(edited), "--exports", str(SEED), "-o", str(tmp_path / "h.tsv"))
    assert unnamed.returncode == 1 and not (tmp_path / "h.tsv").exists()
    assert "names no reviewer (its @resp is not a person's respStmt): give one with --reviewer" in unnamed.stderr.decode()
    changed = tmp_path / "changed.xml"
    changed.write_bytes(serialize(seed_tree).replace("最近以来".encode(), "最近".encode(), 1))
    result = tei("harvest", str(changed), "--exports", str(SEED), "--reviewer", "me")
    assert result.returncode == 1 and f"{changed}:0: the text differs from the export body at body offset" in result.stderr.decode()
    other = tmp_path / "other.txt"
    other.write_text(SEED.read_text(encoding="utf-8").replace("id: 3383ff062d", "id: other"), encoding="utf-8")
    missing = tei("harvest", str(edited), "--exports", str(other), "--reviewer", "me")
    assert missing.returncode == 1 and "no export with its article id '3383ff062d'" in missing.stderr.decode()



# ------------------------------------------------- converting a hand-edited file again
@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder the seed was converted into with the default options, to copy."""
    out = tmp_path_factory.mktemp("seed") / "out"
    assert converted_seed(out)[0] is Status.WRITTEN
    return out


def converted_seed(out: Path, options: ConvertOptions = ConvertOptions()) -> tuple[Status, tuple[str, ...]]:
    """tei convert of the seed into the folder `out`: the outcome's status and warnings."""
    [outcome] = convert_paths([SEED], out, options)
    return outcome.status, outcome.warnings


def hand_edited(path: Path, *edits) -> None:
    """The TEI file at `path` edited by each of `edits` (functions of its tree that change it, or
    return a changed copy)."""
    tree = parse_tei(path)
    for edit in edits:
        tree = edit(tree) or tree
    path.write_bytes(serialize(tree))


def reject(sic: str):
    return lambda tree: remove_reading(next(c for c in tree.iter(f"{TEI}choice") if c.findtext(f"{TEI}sic") == sic))


def reread(sic: str, corr: str):
    return lambda tree: setattr(next(c for c in tree.iter(f"{TEI}choice") if c.findtext(f"{TEI}sic") == sic)
                                .find(f"{TEI}corr"), "text", corr)


def harvested(path: Path, options: ConvertOptions = ConvertOptions()) -> tuple[Decision, ...]:
    return harvest(parse_tei(path), str(path), read_export(SEED), options, reviewer="王五").decisions


def test_a_hand_edit_is_written_over_once_the_decisions_carry_it(seed_folder, tmp_path):
    out = Path(shutil.copytree(seed_folder, tmp_path / "out"))
    target = out / f"{SEED.stem}.xml"
    hand_edited(target, reject("门"), reread("威", "深"))
    assert converted_seed(out) == (Status.KEPT, (f"{target}: edited since tei convert wrote it, with changes the "
                                                 "review decisions do not carry (tei harvest turns changed readings "
                                                 "into decisions); kept (--force overwrites it)",))
    decided = ConvertOptions(decisions=harvested(target))
    status, warnings = converted_seed(out, decided)
    assert status is Status.WRITTEN
    assert warnings[0] == f"{target}: edited since tei convert wrote it; overwritten, as the review decisions carry every change in it"
    readings = {m.offset: (m.sic, m.corr, m.resp) for m in marks(parse_tei(target), SEED_BODY)}
    assert SEED_BODY.index("同志门，") + 2 not in readings
    assert readings[SEED_BODY.index("实威到") + 1] == ("威", "深", reviewer_id("王五"))
    assert converted_seed(out, decided)[0] is Status.UP_TO_DATE


def test_a_hand_edit_found_again_without_a_record_is_written_over_once_the_decisions_carry_it(seed_folder, tmp_path):
    out = Path(shutil.copytree(seed_folder, tmp_path / "out"))
    target = out / f"{SEED.stem}.xml"
    hand_edited(target, reject("门"))
    (out / MANIFEST_NAME).unlink()
    decided = ConvertOptions(decisions=harvested(target))
    assert converted_seed(out, decided)[1][0] == (f"{target}: not what tei convert makes of {SEED}, and no record "
                                                  "says it wrote it; overwritten, as the review decisions carry every "
                                                  "change in it")


def test_rounds_of_review_and_other_reviewers_decisions_carry_a_hand_edit(tmp_path):
    """A file reviewed before (it credits 张三) is edited by hand; meanwhile 李四 accepted a
    reading the hand edit left alone: the new output has all of it, and credits all three."""
    out = tmp_path / "out"
    target = out / f"{SEED.stem}.xml"
    first = (seed_decision("实[威]到", "reject", reviewer="张三"),)
    converted_seed(out, ConvertOptions(decisions=first))
    hand_edited(target, reject("门"))
    second = harvested(target, ConvertOptions(decisions=first))
    other = seed_decision("会[识]的", "accept", "议", reviewer="李四")
    status, warnings = converted_seed(out, ConvertOptions(decisions=(*first, *second, other)))
    assert status is Status.WRITTEN and "overwritten, as the review decisions carry every change in it" in warnings[0]
    names = xpath(parse_tei(target), "//t:titleStmt/t:respStmt/t:name/text()")
    assert {"张三", "王五", "李四"} <= set(names)


def add_title_note(tree: etree._ElementTree) -> None:
    etree.SubElement(tree.find(f".//{TEI}titleStmt/{TEI}title"), f"{TEI}note").text = "checked against the print"


def mark_names(tei_bytes: bytes) -> bytes:
    """A scholar's name tagging in the body: 毛泽东 in the salute, 莫斯科 two characters before a reading."""
    for printed, marked in (("会毛泽东同志</salute>", "会<persName>毛泽东</persName>同志</salute>"),
                            ("对莫斯科会<choice>", "对<placeName>莫斯科</placeName>会<choice>")):
        assert tei_bytes.count(printed.encode()) == 1
        tei_bytes = tei_bytes.replace(printed.encode(), marked.encode())
    return tei_bytes


def reread_certain(sic: str):
    return lambda tree: next(c for c in tree.iter(f"{TEI}choice") if c.findtext(f"{TEI}sic") == sic).find(
        f"{TEI}corr").set("cert", "high")


@pytest.mark.parametrize("edits, lost", [
    ((reject("门"), add_title_note), r"line \d+: <note> differs from what tei convert makes now"),  # the header enriched
    ((reject("门"), reread_certain("识")), r"line \d+: the reading 识 → 议 has other attributes, which no decision records"),
    ((edit_by_hand,), r"line \d+: <respStmt> differs from what tei convert makes now"),  # one's own, for one's readings
])
def test_a_hand_edit_the_decisions_do_not_carry_keeps_the_file_and_is_not_checked_again(
        seed_folder, tmp_path, monkeypatch, edits, lost):
    out = Path(shutil.copytree(seed_folder, tmp_path / "out"))
    target = out / f"{SEED.stem}.xml"
    hand_edited(target, *edits)
    edited = target.read_bytes()
    decided = ConvertOptions(decisions=harvested(target))
    status, warnings = converted_seed(out, decided)
    said = (rf"{re.escape(str(target))}: edited since tei convert wrote it, with changes the review decisions do "
            rf"not carry \({lost}\); kept \(--force overwrites it\)")
    assert status is Status.KEPT and re.fullmatch(said, warnings[0]), warnings
    assert target.read_bytes() == edited
    monkeypatch.setattr(tei_batch, "convert_bytes", _no_conversion)  # the same state is not checked twice …
    assert converted_seed(out, decided) == (status, warnings)  # … and what it found is said again


def test_names_a_scholar_marks_in_the_body_are_valid_read_and_kept(seed_folder, tmp_path):
    out = Path(shutil.copytree(seed_folder, tmp_path / "out"))
    target = out / f"{SEED.stem}.xml"
    plain = to_text(parse_tei(target))
    hand_edited(target, reject("门"))
    target.write_bytes(mark_names(target.read_bytes()))
    edited = target.read_bytes()
    checked = tei("validate", str(target))
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
    tree = parse_tei(target)
    assert [e.text for e in xpath(tree, "//t:body//t:persName | //t:body//t:placeName")] == ["毛泽东", "莫斯科"]
    assert to_text(tree) == plain.replace("同志们，", "同志门，")  # a name is markup, not text
    assert '<span class="name persName" title="人名 person">毛泽东</span>同志' in render_html(tree).decode()
    assert [(d.action, d.sic) for d in harvested(target)] == [(Action.REJECT, "门")]  # nor a reading
    status, warnings = converted_seed(out, ConvertOptions(decisions=harvested(target)))
    assert status is Status.KEPT and re.search(r"line \d+: <salute> differs from what tei convert makes now",
                                               warnings[0]), warnings
    assert target.read_bytes() == edited


def _no_conversion(*args, **kwargs):
    raise AssertionError("converted a file already found to hold edits the decisions do not carry")


_ELEMENT = st.integers(0, 10_000)
_MUTATION = st.one_of(
    st.tuples(st.just("text"), _ELEMENT, st.sampled_from(["x", "校", " ", "\n", "&"])),
    st.tuples(st.just("tail"), _ELEMENT, st.sampled_from(["x", "校", " ", "\n"])),
    st.tuples(st.just("attribute"), _ELEMENT, st.sampled_from(["n", "rend", "resp", "cert", "type"])),
    st.tuples(st.just("child"), _ELEMENT, st.sampled_from(["note", "persName", "lb"])),
    st.tuples(st.just("remove"), _ELEMENT, st.just("")),
)


def _mutated(data: bytes, mutation: tuple[str, int, str]) -> bytes:
    tree = parse_tei(data)
    elements = list(tree.getroot().iter())
    kind, at, value = mutation
    element = elements[at % len(elements)]
    if kind in ("text", "tail"):
        setattr(element, kind, (getattr(element, kind) or "") + value)
    elif kind == "attribute":
        element.set(value, (element.get(value) or "") + "1")
    elif kind == "child":
        etree.SubElement(element, f"{TEI}{value}")
    elif element.getparent() is not None:
        element.getparent().remove(element)
    return serialize(tree)


def _canonical(data: bytes) -> bytes:
    """The document's canonical XML (the bytes themselves when they are not XML)."""
    try:
        return etree.tostring(parse_tei(data), method="c14n")
    except etree.XMLSyntaxError:
        return data


@given(mutation=_MUTATION)
def test_no_edit_is_taken_for_one_the_decisions_carry_when_there_are_none(seed_result, seed_bytes, mutation):
    """Without decisions the new output is what the tool wrote before, so any edit, anywhere
    (text, header, readings, markup, attributes), is work it would lose."""
    edited = _mutated(seed_bytes, mutation)
    assume(_canonical(edited) != _canonical(seed_bytes))  # not a space after the root element: no content
    assert lost_edit(edited, seed_result, ConvertOptions()) is not None


_READING_EDIT = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["reject", "edit"])), min_size=1, max_size=4)


@settings(max_examples=2)  # three conversions each (harvest, convert, the tool's own readings): ~1.2 s
@given(edits=_READING_EDIT)
def test_readings_edited_by_hand_and_harvested_are_carried(seed_result, seed_bytes, edits):
    tree = parse_tei(seed_bytes)
    choices = list(tree.iter(f"{TEI}choice"))
    for at, action in edits:
        choice = choices[at % len(choices)]
        if choice.getparent() is None:
            continue
        if action == "reject":
            remove_reading(choice)
        else:
            corr = choice.find(f"{TEI}corr")
            corr.text = "某" * len(corr.text)
    edited = serialize(tree)
    path = "edited.xml"
    decided = ConvertOptions(decisions=harvest(tree, path, read_export(SEED), reviewer="王五").decisions)
    assert decided.decisions
    assert lost_edit(edited, convert_document(read_export(SEED), decided), decided) is None


def test_a_comment_or_processing_instruction_a_person_adds_anywhere_is_read_by_every_command(seed_bytes):
    """Each command that reads TEI (harvest's anchoring, totext, preview, the lost-edit check)
    takes a comment or processing instruction wherever an editor puts one; inside a reading it
    is not part of the reading's text."""
    first_inside = {}  # each kind of element (that has content): just after its first start tag
    for tag in re.finditer(rb"<(\w+)[^>]*?(/?)>", seed_bytes):
        if not tag[2]:
            first_inside.setdefault(tag[1], tag.end())
    readings = len(marks(parse_tei(seed_bytes), SEED_BODY))
    asides = ("<!-- checked -->", "<?editor checked?>")
    for k, at in enumerate(sorted(first_inside.values())):
        tree = parse_tei(seed_bytes[:at] + asides[k % 2].encode() + seed_bytes[at:])
        assert len(marks(tree, SEED_BODY)) == readings
        to_text(tree), to_text(tree, "corrected"), render_html(tree)
    in_reading = seed_bytes.replace(b'cert="medium">\xe8\xae\xae</corr>', f'cert="medium">议{asides[0]}</corr>'.encode(), 1)
    assert in_reading != seed_bytes
    tree = parse_tei(in_reading)
    assert ("识", "议") in {(m.sic, m.corr) for m in marks(tree, SEED_BODY)}
    assert harvest(tree, "edited.xml", read_export(SEED), reviewer="王五").decisions == ()


def test_a_decisions_file_that_is_a_fifo_is_refused_not_waited_for(tmp_path):
    os.mkfifo(tmp_path / "decisions.tsv")
    with pytest.raises(DecisionError, match=r"decisions.tsv:0: not a regular file \(a FIFO\)"):
        read_decisions([tmp_path / "decisions.tsv"])
