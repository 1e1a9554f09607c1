"""Where the OCR step's recall is lost on the dev gold, and how much candidates could win back (issue #15).

Prints, in-sample on ../shared/corpus/ocr_gold.jsonl (counted as ../shared/tools/score.py counts):
- how many of the gold's errors have their pair in the confusion table, only in the glyph table, or in
  neither (only the language model's own proposals can reach those);
- the step as shipped, and with its threshold moved: the precision/recall curve the settings trade on;
- an oracle: the gold's own pairs that no table holds added to the table with count 1 (as a confusion
  seen once). It shows what the decision model does with the right candidate when it has one, so
  whether recall is lost in making candidates or in scoring them.

Nothing here is shipped or calibrated: it is the measurement behind the recall paragraph of the
README. About a minute.

    python scripts/ocr_headroom.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_ocr_calibration import ROOT, GoldDocument, gold_documents, scored  # noqa: E402

from tei import ocr  # noqa: E402
from tei.resources import OcrModel, confusions, glyph_neighbours, ocr_model, protected_terms  # noqa: E402

THRESHOLD_MOVES = (-0.5, 0.5)


def unlisted_pairs(docs: list[GoldDocument]) -> tuple[Counter, set[tuple[str, str]]]:
    """How many gold errors each table reaches, and the (printed, right) pairs no table holds."""
    listed = {w: {r for r, _n in rights} for w, rights in confusions().items()}
    similar = {w: {r for r, _s in row} for w, row in glyph_neighbours().items()}
    reach, missing = Counter(), set()
    for doc in docs:
        for offset, position in enumerate(doc.index[:-1]):
            right = doc.errors.get(position)
            printed = doc.body[offset]
            if right is None or not ocr.CJK.fullmatch(printed):
                continue
            if right in listed.get(printed, ()):
                reach["confusion table"] += 1
            elif right in similar.get(printed, ()):
                reach["glyph table only"] += 1
            else:
                reach["neither table"] += 1
                missing.add((printed, right))
    return reach, missing


def run(docs: list[GoldDocument], model: OcrModel, extra: tuple[tuple[str, str, int], ...] = ()) -> str:
    """The step's figures on docs with model and extra confusions."""
    table, protected = ocr.candidate_table(extra), protected_terms()
    g, p, h, r = (sum(col) for col in zip(*(scored(doc, ocr.marks_with(doc.body, model, table, protected).suspects)
                                            for doc in docs)))
    return f"precision {h / p:.4f} recall {h / g:.4f} correction {r / h:.4f} (gold {g}, flagged {p}, detected {h})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    docs = gold_documents(ap.parse_args().shared)
    reach, missing = unlisted_pairs(docs)
    print("gold errors whose pair is in: " + ", ".join(f"{k} {n}" for k, n in reach.items()))
    model = ocr_model()
    print(f"{'as shipped':<34} {run(docs, model)}")
    for move in THRESHOLD_MOVES:
        print(f"{f'threshold {move:+}':<34} {run(docs, dataclasses.replace(model, threshold=model.threshold + move))}")
    oracle = tuple(sorted((printed, right, 1) for printed, right in missing))
    print(f"{f'oracle: + {len(oracle)} unlisted gold pairs':<34} {run(docs, model, oracle)}")


if __name__ == "__main__":
    main()
