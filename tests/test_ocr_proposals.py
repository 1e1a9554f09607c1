"""tei.ocr beyond single substitutions: the language model's proposals, runs of readings that are
each needed, unreadable regions, and their `<unclear>` in the TEI."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import SEED, xpath
from tei.body import build_text
from tei.charlm import char_lm
from tei.model import Node, Structure, Unclear
from tei.ocr import (PROPOSALS, REVERT_MARGIN, UNCLEAR_REASON, Scan, Source, candidate_table, find_ocr_marks,
                     find_suspects, gather, load_data)
from tei.reader import read_export

MOJIBAKE = "颜庑┍?沂录??院笕宋抟墒且患钦鸷沉夹牡木?尽?"
"""A GBK text decoded with the wrong code page, as one dev document ends."""


def lm_logprob(text: str) -> float:
    lm = char_lm()
    return float(lm.text_logprob(lm.encode(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))).sum())


def test_load_data_is_what_the_first_body_would_load() -> None:
    load_data()
    assert find_suspects("我们反对阶毅敌人的斗争。")[0].corr == "级"


def test_the_language_model_proposes_readings_no_table_holds() -> None:
    """同 -> 国 is in neither table; where 同 is improbable (帝同主义) the model proposes 国, and
    where the printed character reads fine (同志) nothing at all is looked at."""
    text = "坚决打倒帝同主义，我们的同志们"
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    table = candidate_table(())
    assert ord("国") not in table.char[table.start[table.row[ord("同")]] : table.start[table.row[ord("同")] + 1]]
    cands = gather(Scan(char_lm(), char_lm().encode(cps)), table, cps, np.arange(len(text)))
    proposed = {chr(c) for p, c, s in zip(cands.pos, cands.char, cands.source) if p == 5 and s == Source.LM}
    assert "国" in proposed and len(proposed) <= 2 * PROPOSALS
    assert 10 not in cands.pos.tolist()


@pytest.mark.parametrize("text", ["这是一条正确的政治战裁。", "巩固和发展革命统一战裁，争取更大的胜利。"])
def test_a_run_changes_only_the_wrong_character(text: str) -> None:
    """战裁 -> 战线, not 路线 (issue #15): 战 reads fine before the corrected 线."""
    assert [(s.sic, s.corr) for s in find_suspects(text)] == [("裁", "线")]


def test_of_two_readings_that_each_read_fine_the_weaker_is_taken_back() -> None:
    """战争自的的实现 (a dev gold error): 自 -> 目 and 的 -> 由 are both accepted, and each printed
    character reads well with the other reading (目的, 自由); the weaker reading goes, not the one
    whose printed character reads best (the step wrote 自由的实现)."""
    assert [(s.sic, s.corr) for s in find_suspects("这是战略任务的执行和战争自的的实现。")] == [("自", "目")]


def test_every_reading_of_a_run_is_needed() -> None:
    """In each multi-character suspect of the seed, putting back any one printed character (the
    others corrected) makes the text clearly less likely: no reading changes a character that reads
    fine with its corrected neighbours (战裁 -> 战线, not 路线)."""
    body = read_export(SEED).body
    runs = [s for s in find_suspects(body) if len(s.sic) > 1]
    assert runs
    for s in runs:
        left, right = body[max(0, s.offset - 3) : s.offset], body[s.offset + len(s.sic) : s.offset + len(s.sic) + 3]
        corrected = lm_logprob(left + s.corr + right)
        for k in range(len(s.sic)):
            back = s.corr[:k] + s.sic[k] + s.corr[k + 1 :]
            assert corrected - lm_logprob(left + back + right) > REVERT_MARGIN, (s, k)


def test_garbage_is_one_unclear_region_without_suspects() -> None:
    body = "这是正常的一句话，我们反对阶毅敌人的斗争。\n\n" + MOJIBAKE + "\n\n最后一句话。"
    marks = find_ocr_marks(body)
    assert len(marks.unclear) == 1
    region = marks.unclear[0]
    start = body.index(MOJIBAKE)
    assert start <= region.offset and region.offset + region.length <= start + len(MOJIBAKE)
    assert region.length >= len(MOJIBAKE) // 2 and region.reason == UNCLEAR_REASON
    assert [(s.sic, s.corr) for s in marks.suspects] == [("毅", "级")]


@pytest.mark.parametrize("text", ["", "短", "我们反对阶级敌人的斗争。" * 3])
def test_ordinary_text_has_no_unclear_region(text: str) -> None:
    assert find_ocr_marks(text).unclear == ()


def test_unclear_regions_become_unclear_elements_cut_at_element_ends() -> None:
    body = "甲乙丙丁\n戊己\n\n庚辛壬癸"
    structure = Structure((Node("div", 0, len(body), children=(Node("p", 0, 7), Node("p", 9, 13))),))
    text = build_text(body, structure, unclear=[Unclear(2, 9, "illegible")])
    assert [etree_text(p) for p in xpath(text, "//t:p")] == ["甲乙[丙丁|戊己]", "[庚辛]壬癸"]
    assert xpath(text, "//t:unclear/@reason") == ["illegible", "illegible"]


def etree_text(p) -> str:
    """A paragraph's text with its unclear regions in [ ] and line breaks as |."""
    out = [p.text or ""]
    for child in p:
        local = child.tag.split("}")[1]
        if local == "unclear":
            inner = [child.text or ""] + [("|" + (lb.tail or "")) for lb in child]
            out.append("[" + "".join(inner) + "]")
        elif local == "lb":
            out.append("|")
        out.append(child.tail or "")
    return "".join(out)
