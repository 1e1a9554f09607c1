"""The OCR step learns from review: precision and recall on unreviewed documents before and after
folding in the decisions a reviewer made on other documents.

The dev gold (../shared/corpus/ocr_gold.jsonl, 49 documents) is split in two halves (by file name,
every other one). A simulated reviewer decides every mark the tool makes in one half, using the
gold: a mark whose characters the gold says are all right is rejected, one whose reading is the
gold's is accepted, any other is edited to the gold's reading, and every gold error no mark covers
is added; marks where the gold cannot judge (outside the aligned text) are left undecided, as a
reviewer without the page would. The decisions go through tei.decisions (files written and read
back) and `tei convert --learn`'s path (tei.convert.learn_from) into the OCR step; the other half is
scored before and after, as ../shared/tools/score.py scores (characters; a flag counts only where
the gold can judge). Then the halves swap. Also printed: each of the two things learnt alone
(the confirmed pairs as confusions; the pair biases), and with --alternatives two ways of
learning that were tried and not taken: confirmed pairs also raising their pairs' scores (the
bias of tei.ocr.review_bias without its cut at 0), and confirmed pairs counted ten times.

    python benchmarks/review_learning.py [--shared ../shared] [--jobs 2] [--alternatives]

About a minute on 2 cores. The step's operating point was calibrated on all 49 documents
(scripts/build_ocr_calibration.py), the same before and after: the difference is what review adds.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tei.convert import ConvertOptions, learn_from  # noqa: E402
from tei.decisions import Action, decide, pair_counts, read_decisions, render  # noqa: E402
from tei.ocr import REVIEW_PRIOR, REVIEW_PRIOR_WEIGHT, find_ocr_marks, load_data  # noqa: E402
from tei.reader import read_export  # noqa: E402

REVIEWER = "simulated reviewer (dev gold)"


class Doc:
    """One gold document: its body, the gold's reading by body offset and what the gold can judge."""

    def __init__(self, shared: Path, gold: dict):
        import score  # the ruler: core_map and judgeable

        self.stem = Path(gold["file"]).stem
        document = read_export(shared / "corpus" / gold["file"])
        self.id, self.body = document.header.article_id, document.body
        core, self.idx = score.core_map(self.body)
        self.allowed = score.judgeable(str(shared / "corpus" / "ocr_gold.jsonl"), self.stem, self.body, self.idx, gold)
        self.gold = {e["offset"] + j: c for e in gold["edits"] for j, c in enumerate(e["corr"])}
        self.gold_core = {self.idx[o]: c for o, c in self.gold.items()}

    def judged(self, offset: int) -> bool:
        return self.allowed is None or self.idx[offset] in self.allowed

    def counts(self, suspects) -> tuple[int, int, int, int]:
        """(gold, flagged, detected, corrected right) characters, as score.py counts them."""
        flagged = {self.idx[s.offset + j]: s.corr[j] for s in suspects for j in range(len(s.sic))}
        flagged = {k: v for k, v in flagged.items() if self.allowed is None or k in self.allowed}
        hits = flagged.keys() & self.gold_core.keys()
        return len(self.gold_core), len(flagged), len(hits), sum(flagged[k] == self.gold_core[k] for k in hits)

    def review(self, suspects) -> list:
        """The simulated reviewer's decisions on every mark the gold can judge, and the misses."""
        decisions, covered = [], set()
        for s in suspects:
            span = range(s.offset, s.offset + len(s.sic))
            covered.update(span)
            if not all(self.judged(o) for o in span):
                continue
            right = "".join(self.gold.get(o, s.sic[o - s.offset]) for o in span)
            action = Action.REJECT if right == s.sic else Action.ACCEPT if right == s.corr else Action.EDIT
            decisions.append(decide(self.id, self.body, s.offset, s.sic, action,
                                    "" if action is Action.REJECT else right, REVIEWER, s.corr, s.cert.value))
        missed = sorted(o for o in self.gold if o not in covered)
        runs: list[list[int]] = []
        for o in missed:
            if runs and runs[-1][-1] == o - 1:
                runs[-1].append(o)
            else:
                runs.append([o])
        for run in runs:
            sic = self.body[run[0] : run[-1] + 1]
            decisions.append(decide(self.id, self.body, run[0], sic, Action.ADD,
                                    "".join(self.gold[o] for o in run), REVIEWER))
        return decisions


_DOCS: list[Doc] = []


def _marks(job: tuple[int, ConvertOptions]):
    i, options = job
    return find_ocr_marks(_DOCS[i].body, extra_confusions=options.extra_confusions, protected=options.protected,
                          pair_bias=options.pair_bias).suspects


def run(pool, indices: list[int], options: ConvertOptions) -> list:
    return pool.map(_marks, [(i, options) for i in indices])


def transfer(marks: list, docs: list[Doc], decisions) -> str:
    """How much of the measured half's errors review of the other half can speak for: the gold
    errors the tool misses there whose pair the review confirmed, and the tool's false readings
    there whose pair the review turned down."""
    confirmed, rejected = pair_counts(decisions)
    missed = known_missed = false = known_false = 0
    for doc, suspects in zip(docs, marks):
        flagged = {s.offset + j: s.corr[j] for s in suspects for j in range(len(s.sic))}
        for offset, right in doc.gold.items():
            if offset not in flagged:
                missed += 1
                known_missed += (doc.body[offset], right) in confirmed
        for offset, reading in flagged.items():
            if doc.judged(offset) and offset not in doc.gold:
                false += 1
                known_false += (doc.body[offset], reading) in rejected
    return (f"of the other half: {known_missed} of the {missed} errors the tool misses are pairs this review "
            f"confirmed; {known_false} of its {false} false readings are pairs this review turned down")


def alternatives(learnt: ConvertOptions, decisions) -> dict[str, ConvertOptions]:
    """The ways of learning tried and not taken (see the module docstring)."""
    confirmed, rejected = pair_counts(decisions)
    p, w = REVIEW_PRIOR, REVIEW_PRIOR_WEIGHT
    raised = tuple((wrong, right, float(np.log((confirmed[wrong, right] + w * p) / (rejected[wrong, right] + w * (1 - p)))
                                        - np.log(p / (1 - p))))
                   for wrong, right in sorted(confirmed.keys() | rejected.keys()))
    return {"alt: confirmed pairs raised": replace(learnt, pair_bias=raised),
            "alt: confirmed pairs x10": replace(learnt, extra_confusions=tuple((wr, r, 10 * n) for wr, r, n in
                                                                                learnt.extra_confusions))}


def figures(rows: list[tuple[int, int, int, int]]) -> str:
    g, p, h, r = (sum(col) for col in zip(*rows))
    return f"precision {h / p:.3f} recall {h / g:.3f} correction {r / h:.3f} (gold {g}, flagged {p}, detected {h})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--alternatives", action="store_true", help="also the ways of learning tried and not taken")
    a = ap.parse_args()
    started = time.perf_counter()
    sys.path.insert(0, str(a.shared / "tools"))
    lines = (a.shared / "corpus" / "ocr_gold.jsonl").read_text(encoding="utf-8").splitlines()
    golds = sorted((json.loads(line) for line in lines if line.strip()), key=lambda g: g["file"])
    _DOCS.extend(Doc(a.shared, g) for g in golds)
    halves = [list(range(0, len(_DOCS), 2)), list(range(1, len(_DOCS), 2))]
    load_data()
    plain = ConvertOptions()
    with multiprocessing.get_context("fork").Pool(a.jobs) as pool, tempfile.TemporaryDirectory() as tmp:
        before = dict(zip(range(len(_DOCS)), run(pool, list(range(len(_DOCS))), plain)))
        totals: dict[str, list] = {}
        for name, (reviewed, measured) in (("A→B", halves), ("B→A", halves[::-1])):
            decisions = [d for i in reviewed for d in _DOCS[i].review(before[i])]
            file = Path(tmp) / f"{name}.tsv"
            file.write_text(render(decisions), encoding="utf-8")
            decisions = read_decisions([file])
            kinds = {action.value: sum(d.action is action for d in decisions) for action in Action}
            print(f"{name}: reviewed {len(reviewed)} documents: {len(decisions)} decisions {kinds}")
            print("  " + transfer([before[i] for i in measured], [_DOCS[i] for i in measured], decisions))
            learnt = learn_from(plain, decisions)
            variants = {"before": None, "after": learnt,
                        "confirmed pairs only": replace(learnt, pair_bias=()),
                        "pair biases only": replace(learnt, extra_confusions=())}
            if a.alternatives:
                variants.update(alternatives(learnt, decisions))
            for label, options in variants.items():
                marks = [before[i] for i in measured] if options is None else run(pool, measured, options)
                rows = [_DOCS[i].counts(m) for i, m in zip(measured, marks)]
                totals.setdefault(label, []).extend(rows)
                print(f"  {len(measured)} other documents, {label:27} {figures(rows)}")
    print("both directions (each document measured once, learning from the other half):")
    for label, rows in totals.items():
        print(f"  {label:27} {figures(rows)}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
