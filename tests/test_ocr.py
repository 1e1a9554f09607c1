"""tei.ocr: suspects on snippets (values), user files, and figures against the dev gold.

The gold test judges exactly as ../shared/tools/score.py does (its core_map and judgeable are
imported): character positions, predictions counted only where the gold can judge.
"""
from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPUS, SEED, SHARED, needs_shared
from tei.model import Cert, Suspect
from tei.ocr import find_suspects, load_user_file
from tei.reader import read_export

# Floors at what the step reaches on the dev corpus now (see the printed figures); raise them
# when it improves.
MIN_PRECISION, MIN_RECALL, MIN_CORRECTION = 0.96, 0.70, 0.97
MAX_CLEAN_PER_1000 = 0.25


def body_of(path: Path) -> str:
    """The 正文 body of an export file, as the gold's offsets count it (the reader's)."""
    return read_export(path).body


def readings(suspects: list[Suspect]) -> list[tuple[int, str, str | None]]:
    return [(s.offset, s.sic, s.corr) for s in suspects]


@pytest.mark.parametrize(("text", "expected"), [
    ("我们反对阶毅敌人的斗争。", [(5, "毅", "级")]),
    ("在反对帝国主义的斗筝中，", [(9, "筝", "争")]),
    ("他坦白了自已的反革命活动。", [(5, "已", "己")]),
    ("这是马克思列宁主文的原则。", [(8, "文", "义")]),
    ("我们反对阶毅致人的斗争。", [(5, "毅致", "级敌")]),
    ("# 阶毅敌人\n\n> 在斗筝中", [(3, "毅", "级"), (12, "筝", "争")]),
    ("阶毅\ud800敌人", [(1, "毅", "级")]),
    ("抓革命，促生产，批判走资派。", []),
    ("中国共产党中央委员会", []),
    ("", []),
])
def test_snippets(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert readings(find_suspects(text)) == expected


def test_offsets_count_code_points() -> None:
    assert readings(find_suspects("𠀀𠀁我们反对阶毅敌人。")) == [(7, "毅", "级")]


def test_seed_suspects_are_well_formed() -> None:
    body = body_of(SEED)
    suspects = find_suspects(body)
    assert len(suspects) > 100
    assert suspects == find_suspects(body)
    ends = [s.offset + len(s.sic) for s in suspects]
    assert all(e <= s.offset for e, s in zip(ends, suspects[1:]))
    for s in suspects:
        assert body[s.offset : s.offset + len(s.sic)] == s.sic
        assert s.corr is not None and len(s.corr) == len(s.sic) and s.corr != s.sic
        assert isinstance(s.cert, Cert) and s.source in {"confusion", "glyph", "lm"}
    assert {"confusion", "glyph"} <= {s.source for s in suspects}


def test_user_pairs_and_protected_terms() -> None:
    assert find_suspects("他们的工作很重要。") == []
    added = find_suspects("他们的工佧很重要。", extra_confusions=[("佧", "作", 50)])
    assert readings(added) == [(4, "佧", "作")] and added[0].source == "user"
    assert find_suspects("我们反对阶毅敌人的斗争。", protected=["阶毅"]) == []


def test_load_user_file(tmp_path: Path) -> None:
    f = tmp_path / "ocr.txt"
    f.write_text("# mine\n佧\t作\n佧\t作\t7\n\n阶毅\n", encoding="utf-8")
    assert load_user_file(f) == ([("佧", "作", 5), ("佧", "作", 7)], ["阶毅"])
    f.write_text("ab\t作\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"ocr.txt:1: expected wrong<TAB>right\[<TAB>count\]"):
        load_user_file(f)


def test_repeat_bonus_raises_pairs_accepted_elsewhere() -> None:
    import dataclasses

    from tei.ocr import candidate_table, marks_with
    from tei.resources import ocr_model, protected_terms

    body, model = body_of(SEED), ocr_model()
    assert model.repeat_bonus > 0
    plain = dataclasses.replace(model, repeat_bonus=0.0)
    chars = lambda m: {(s.offset + j, s.sic[j], s.corr[j])  # noqa: E731
                       for s in marks_with(body, m, candidate_table(()), protected_terms()).suspects
                       for j in range(len(s.sic))}
    before, after = chars(plain), chars(model)
    new = after - before
    assert ((46, "门", "们") in new) and len(new) < 20
    for at, sic, corr in new:  # the same pair accepted elsewhere, or next to such a reading
        assert any((s, c) == (sic, corr) and a != at for a, s, c in after) or any(
            abs(a - at) < 4 for a, _s, _c in new - {(at, sic, corr)})


def _score_tools():
    sys.path.insert(0, str(SHARED / "tools"))
    import score  # ../shared/tools/score.py, the ruler

    return score


@pytest.mark.shared
@needs_shared
def test_gold_figures() -> None:
    """Character-level detection precision/recall and correction accuracy on ocr_gold.jsonl."""
    score = _score_tools()
    gold_path = CORPUS / "ocr_gold.jsonl"
    n_gold = n_pred = n_hit = n_right = n_corr = 0
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        stem = Path(g["file"]).stem
        body = body_of(CORPUS / f"{stem}.txt")
        _core, idx = score.core_map(body)
        allowed = score.judgeable(str(gold_path), stem, body, idx, g)
        gpos = {idx[e["offset"] + j]: c for e in g["edits"] for j, c in enumerate(e["corr"])}
        ppos = {idx[s.offset + j]: (s.corr[j] if s.corr else None)
                for s in find_suspects(body) for j in range(len(s.sic))}
        ppos = {k: v for k, v in ppos.items() if allowed is None or k in allowed}
        hits = gpos.keys() & ppos.keys()
        n_gold, n_pred, n_hit = n_gold + len(gpos), n_pred + len(ppos), n_hit + len(hits)
        n_corr += sum(ppos[k] is not None for k in hits)
        n_right += sum(ppos[k] == gpos[k] for k in hits)
    precision, recall, correction = n_hit / n_pred, n_hit / n_gold, n_right / n_corr
    print(f"\nOCR gold: precision {precision:.4f} recall {recall:.4f} correction accuracy "
          f"{correction:.4f} (gold {n_gold}, flagged {n_pred}, hit {n_hit} chars)")
    assert precision >= MIN_PRECISION and recall >= MIN_RECALL and correction >= MIN_CORRECTION


@pytest.mark.shared
@needs_shared
def test_clean_false_alarms() -> None:
    """Flags per 1000 body characters on the dev documents that never went through OCR."""
    with (CORPUS / "manifest.tsv").open(encoding="utf-8") as f:
        clean = [r["file"] for r in csv.DictReader(f, delimiter="\t") if r["ocr"] == "no"]
    chars = flags = 0
    for name in clean:
        body = body_of(CORPUS / name)
        chars += len(body)
        flags += sum(len(s.sic) for s in find_suspects(body))
    rate = 1000 * flags / chars
    print(f"\nclean documents: {flags} flagged chars in {chars} ({rate:.3f} per 1000)")
    assert rate <= MAX_CLEAN_PER_1000


def test_speed() -> None:
    """The marking step stays well above 5,000 body characters per second."""
    body = body_of(SEED) * 4
    find_suspects(body[:10])
    start = time.perf_counter()
    find_suspects(body)
    assert len(body) / (time.perf_counter() - start) > 5000


def test_report_lines_and_json() -> None:
    from tei.ocr_report import report_json, report_lines

    body = "# 标题\n\n我们反对阶毅敌人的斗争。"
    suspects = find_suspects(body)
    assert report_lines("a.txt", body, 12, suspects) == [
        f"a.txt:14:6: 毅 -> 级 [{suspects[0].cert.value}] …题⏎⏎我们反对阶[毅]敌人的斗争。…"]
    item = report_json("a.txt", body, 12, suspects)["suspects"][0]
    assert (item["offset"], item["line"], item["column"], item["sic"], item["corr"]) == (11, 14, 6, "毅", "级")
    assert (item["before"], item["after"]) == ("题⏎⏎我们反对阶", "敌人的斗争。")


def test_cli_ocr(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tei.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["ocr", str(SEED)])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        f"{SEED}:12:32: 姿黄 -> 委员 [low] …致中国共产党中央[姿黄]会毛泽东同志⏎⏎…",
        f"{SEED}:14:6: 门 -> 们 [low] …志⏎⏎亲爱的同志[门]，⏎⏎最近以来，…"]
    result = runner.invoke(main, ["ocr", "--format", "json", str(SEED)])
    report = json.loads(result.stdout)
    assert report["file"] == str(SEED) and report["suspects"][1]["offset"] == 46
    assert len(report["suspects"]) == len(find_suspects(body_of(SEED)))
    user = tmp_path / "mine.txt"
    user.write_text("# names\n同志门\n", encoding="utf-8")
    result = runner.invoke(main, ["ocr", "--format", "json", "--user-file", str(user), str(SEED)])
    assert json.loads(result.stdout)["suspects"][1]["offset"] == 159
    user.write_text("ab\t作\n", encoding="utf-8")
    result = runner.invoke(main, ["ocr", "--user-file", str(user), str(SEED)])
    assert result.exit_code == 2 and "mine.txt:1: expected wrong<TAB>right" in result.output
