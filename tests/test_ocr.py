"""tei.ocr: suspects on snippets (values), user files, and figures against the corpus's OCR gold.

The gold test judges as ../shared/tools/score.py does (tests/ruler.py, vendored from it): the
converted TEI's <sic> spans at character level, counted only where the gold can judge. Speed is
measured in benchmarks/, never here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SEED
from ruler import ocr_counts
from tei.model import Cert, Suspect
from tei.ocr import find_suspects, load_user_file
from tei.reader import read_export

# Floors, (precision, recall, correction right) on the OCR gold and flags per 1000 characters of
# clean text, at what the step reaches now (the tests print the figures; raise the floors when it
# improves): on the full dev corpus (--corpus=../shared/corpus) and on the trimmed dev set.
FULL_FLOORS, TRIMMED_FLOORS = (0.96, 0.75, 0.97), (0.95, 0.60, 0.98)
FULL_MAX_CLEAN_PER_1000, TRIMMED_MAX_CLEAN_PER_1000 = 0.25, 0.25


def body_of(path: Path) -> str:
    """The 正文 body of an export file, as the gold's offsets count it."""
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


def test_radical_bonus_raises_only_proposals_that_keep_the_radical() -> None:
    """A reading the language model proposes scores radical_bonus higher when it shares the printed
    character's radical; the tables' candidates and other proposals score as before."""
    import dataclasses

    import numpy as np

    from tei import ocr
    from tei.charlm import char_lm
    from tei.resources import ocr_model

    lm = char_lm()
    assert ocr.same_radical(lm, np.array([ord("扬"), ord("使"), ord("姑")]),
                            lm.lut[[ord("搞"), ord("史"), ord("妨")]]).tolist() == [True, False, True]
    body, model = body_of(SEED), ocr_model()
    assert model.radical_bonus > 0
    cps = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32)
    scan, table = ocr.Scan(lm, lm.encode(cps)), ocr.candidate_table(())
    todo = np.flatnonzero(ocr.is_cjk(cps))
    no_bonus = lambda _keys: 0.0  # noqa: E731
    plain, plain_score = ocr._best(scan, dataclasses.replace(model, radical_bonus=0.0), table, cps, todo, no_bonus)
    raised, raised_score = ocr._best(scan, dataclasses.replace(model, radical_bonus=3.0), table, cps, todo, no_bonus)
    assert plain.pos.tolist() == raised.pos.tolist()
    kept = ocr.same_radical(lm, cps[raised.pos], raised.token) & (raised.source == ocr.Source.LM)
    same = plain.char == raised.char
    assert kept.sum() > 10 and (~same).sum() > 0
    assert np.allclose(raised_score[same] - plain_score[same], np.where(kept[same], 3.0, 0.0))
    assert kept[~same].all() and (raised_score[~same] > plain_score[~same]).all()


def test_density_gain_scales_a_lowering_of_the_threshold_only(monkeypatch) -> None:
    """A body denser in errors than the model's synthetic text has its threshold lowered by
    density_gain × its shift; a quieter one has it raised by the whole shift, whatever the gain."""
    import dataclasses

    from tei import ocr
    from tei.resources import ocr_model, protected_terms

    body, model = body_of(SEED), ocr_model()

    def marks(shift: float, gain: float) -> int:
        monkeypatch.setattr(ocr, "_density_shift", lambda *_args: shift)
        return len(ocr.marks_with(body, dataclasses.replace(model, density_gain=gain), ocr.candidate_table(()),
                                  protected_terms()).suspects)

    level = marks(0.0, 1.0)
    assert marks(2.0, 0.0) == level < marks(2.0, 0.5) < marks(2.0, 1.0)
    assert marks(-2.0, 0.0) == marks(-2.0, 1.0) < level


def test_gold_figures(corpus, corpus_outputs) -> None:
    """Character-level detection precision/recall and correction accuracy on ocr_gold.jsonl."""
    totals = [0, 0, 0, 0, 0]  # gold, flagged, hit, corrections proposed, corrections right
    for stem, gold in corpus.ocr_gold.items():
        counts = ocr_counts(corpus_outputs[stem].getroot(), body_of(corpus.folder / f"{stem}.txt"), gold,
                            body_of(corpus.folder / "ocr_ref" / f"{stem}.txt"))
        assert counts is not None, f"{stem}: the TEI loses text"
        totals = [total + count for total, count in zip(totals, counts)]
    n_gold, n_pred, n_hit, n_corr, n_right = totals
    precision, recall, correction = n_hit / n_pred, n_hit / n_gold, n_right / n_corr
    print(f"\nOCR gold ({len(corpus.ocr_gold)} documents): precision {precision:.4f} recall {recall:.4f} "
          f"correction accuracy {correction:.4f} (gold {n_gold}, flagged {n_pred}, hit {n_hit} chars)")
    min_precision, min_recall, min_correction = TRIMMED_FLOORS if corpus.trimmed else FULL_FLOORS
    assert precision >= min_precision and recall >= min_recall and correction >= min_correction


def test_clean_false_alarms(corpus, corpus_outputs) -> None:
    """Flagged characters per 1000 body characters on the documents that never went through OCR."""
    clean = [Path(row["file"]).stem for row in corpus.manifest if row["ocr"] == "no"]
    chars = sum(len(body_of(corpus.folder / f"{stem}.txt")) for stem in clean)
    flags = sum(len("".join(sic.itertext())) for stem in clean
                for sic in corpus_outputs[stem].iter("{http://www.tei-c.org/ns/1.0}sic"))
    rate = 1000 * flags / chars
    print(f"\nclean documents ({len(clean)}): {flags} flagged chars in {chars} ({rate:.3f} per 1000)")
    assert rate <= (TRIMMED_MAX_CLEAN_PER_1000 if corpus.trimmed else FULL_MAX_CLEAN_PER_1000)


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
        f"{SEED}:14:6: 门 -> 们 [low] …志⏎⏎亲爱的同志[门]，⏎⏎最近以来，…",
        f"{SEED}:16:110: 识 -> 议 [medium] …分歧，对莫斯科会[识]的宣言和声明的基…"]
    result = runner.invoke(main, ["ocr", "--format", "json", str(SEED)])
    report = json.loads(result.stdout)
    assert report["file"] == str(SEED) and report["suspects"][0]["offset"] == 46
    assert len(report["suspects"]) == len(find_suspects(body_of(SEED)))
    user = tmp_path / "mine.txt"
    user.write_text("# names\n同志门\n", encoding="utf-8")
    result = runner.invoke(main, ["ocr", "--format", "json", "--user-file", str(user), str(SEED)])
    assert json.loads(result.stdout)["suspects"][0]["offset"] == 159
    user.write_text("ab\t作\n", encoding="utf-8")
    result = runner.invoke(main, ["ocr", "--user-file", str(user), str(SEED)])
    assert result.exit_code == 2 and "mine.txt:1: expected wrong<TAB>right" in result.output
