"""Build tei/data/ocr_calibration.json, the OCR step's operating point, from the dev gold, scored
leave-one-document-out.

tei/data/ocr_model.json (scripts/build_ocr_model.py) is fitted and its threshold chosen on synthetic
errors only. Three knobs of the whole step (tei.ocr.marks_with) are set here on real errors:
a raise of that threshold (negative: lower), the repeat bonus (a pair the first pass accepted
elsewhere in the body scores higher: one scan repeats its misreadings) and a gain on the lowering of
the threshold in a document denser in errors than the synthetic text. On synthetic documents the
repeat bonus was neutral; the real archive's scans are burstier than the table's count/documents
ratio lets a generator make them.

Every point of GRID is run on every document of ../shared/corpus/ocr_gold.jsonl and counted as
../shared/tools/score.py counts (characters, predictions only where the gold can judge), and on the
corpus's documents that never went through OCR (manifest.tsv, ocr = no), whose flags are false
alarms. The point chosen is the one with the most detected characters whose precision is at least
MIN_PRECISION, correction accuracy at least MIN_CORRECTION and flags on the clean documents at most
MAX_CLEAN_PER_1000. The figures this file reports are leave-one-document-out: for each gold
document the point is chosen on the other documents and that document is scored with it; the sums
over documents are the honest estimate for unseen documents (the in-sample figures of the shipped
point are optimistic and are only recorded beside them). Deterministic.

    python scripts/build_ocr_calibration.py [--shared ../shared] [--out tei/data/ocr_calibration.json]
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import itertools
import json
import multiprocessing
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tei import ocr  # noqa: E402
from tei.reader import read_export  # noqa: E402
from tei.resources import ocr_model, protected_terms  # noqa: E402

RAISES = tuple(k / 16 for k in range(-14, 3))
BONUSES = (1.0, 1.5)
GAINS = (0.5, 0.75, 1.0)
"""With the glyph candidates the grid was made finer in the threshold (steps of 1/16, were 1/4) and
bonus (1/2, was 1) and lost the points no fold chose in two full runs (bonus 0, density gain 1.5);
with the language model's proposals it was widened to raises of ±1/2. Gains below 1 were tried
in issue #15: a dense document's threshold lowered by half its shift found 28 more errors
leave-one-document-out, at a higher precision (the model's scores are less sure where the context
is itself misread), while the raise of a quiet document is what keeps clean text quiet, so the gain
now applies to lowerings only; the grid moved to raises -7/8..1/8 and lost bonuses 0.5 and 2 (one
fold of 49 chose 0.5). A smaller tei.ocr.DENSITY_PRIOR_CHARS (300, a document's density counting
sooner) gave leave-one-out P 0.960 R 0.737 against R 0.742, for 0.171 clean flags per 1000 against
0.193 (and the seed's 姿黄 -> 委员 back): recall is the target that is short, so not taken. Half
steps (1/32) between -27/32 and -13/32 at gain 0.5, both bonuses, added to the grid: the same
leave-one-out figures (the curve is flat there: -21/32 flags 1,208 and finds 1,161, as -5/8 does)."""
GRID = tuple(itertools.product(RAISES, BONUSES, GAINS))
MIN_PRECISION = 0.96
"""In-sample floor, above the 0.95 target so that the leave-one-out precision keeps it. It was 0.96
until the Kneser-Ney language model, then 0.97: with it, 0.96 let the choice move to a point whose
leave-one-out precision was 0.9496. With the renormalised model, the gates and the language model's
proposals, floors 0.955, 0.96 and 0.965 gave leave-one-out precision 0.947, 0.955 and 0.963 (recall
0.714, 0.709, 0.698), and 0.96 was taken back (a choice made with the dev figures in view; the file
records the leave-one-out figures it gives). Chosen by the data instead, in a nested leave-one-out
(the floor for each held-out document is the one of 0.95, 0.9525, ..., 0.97 whose leave-one-out
precision over the other 48 documents is at least a target, with the most detections there), it gives
P 0.945 R 0.749 for a target of 0.95 and P 0.960 R 0.746 for 0.955; without the clean-documents
cap, P 0.947 R 0.747 and P 0.962 R 0.746. Past 1,166 detections in-sample the cap binds too (raise
-0.75: 0.207 flags per 1000), so no floor reaches both targets on this grid."""
MIN_CORRECTION = 0.95
"""Tried on top of this grid and not kept (issue #15, recall 0.75): a second logistic score fitted on
the dev gold's candidates (the model's score with its 16 base features, source, the share of the
document's characters with -ln P >= 7, the margin to the position's next candidate), each document
scored with the fit on the other 48. Offline, on the first pass's best candidate per position, it
found 1,110 instead of 1,088 errors at precision 0.95; through the whole step (passes, repeat bonus,
threshold chosen on the other documents' candidates) it gave P 0.949 R 0.731 without and P 0.926
R 0.763 with the density shift, on the precision/recall curve of this grid's threshold (raise -0.5:
P 0.939 R 0.745), so no better at P >= 0.95."""
MAX_CLEAN_PER_1000 = 0.2
"""Flagged characters per 1000 of the clean documents at most (issue #15's bar for text that never
went through OCR: every flag there is a false alarm, or a typo of the source). At the shipped point
39 of the 69 flags of the 67 clean documents are in one of them, 144000b73e, a 1968 speech the
manifest marks ocr = no (its book did not go through the archive's OCR pipeline) whose text is OCR
output all the same (江膏 for 江青, 情兄 for 情况, 间题 for 问题); the 66 others have 30 flags in
349,692 characters (0.086 per 1000). It is kept as the manifest labels it: left out, the point
chosen would not move, as the precision floor binds at the same raise."""
WORKERS = 2
"""Grid points run in parallel (one process per core of the 2-core build machine)."""


@dataclasses.dataclass(frozen=True)
class GoldDocument:
    """A document of the dev gold as ../shared/tools/score.py judges it: its body, the map from body
    offsets to the ruler's character positions, the positions the gold can judge (None: all) and
    the gold's right character at each error position."""

    stem: str
    body: str
    index: list[int]
    judgeable: set[int] | None
    errors: dict[int, str]


def gold_documents(shared: Path) -> list[GoldDocument]:
    """The documents of ../shared/corpus/ocr_gold.jsonl, read as the ruler reads them."""
    sys.path.insert(0, str(shared / "tools"))
    import score  # the ruler: core_map and judgeable

    gold_path = shared / "corpus" / "ocr_gold.jsonl"
    docs = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        g = json.loads(line)
        stem = Path(g["file"]).stem
        body = read_export(shared / "corpus" / f"{stem}.txt").body
        _core, idx = score.core_map(body)
        allowed = score.judgeable(str(gold_path), stem, body, idx, g)
        errors = {idx[e["offset"] + j]: c for e in g["edits"] for j, c in enumerate(e["corr"])}
        docs.append(GoldDocument(stem, body, idx, allowed, errors))
    return docs


def scored(doc: GoldDocument, suspects) -> tuple[int, int, int, int]:
    """(gold, flagged, detected, corrected right) characters of suspects on doc, counted as the
    ruler counts them (a flag only where the gold can judge)."""
    flagged = {doc.index[s.offset + j]: s.corr[j] for s in suspects for j in range(len(s.sic))}
    flagged = {k: v for k, v in flagged.items() if doc.judgeable is None or k in doc.judgeable}
    hits = doc.errors.keys() & flagged.keys()
    return len(doc.errors), len(flagged), len(hits), sum(flagged[k] == doc.errors[k] for k in hits)


def clean_documents(shared: Path) -> dict[str, str]:
    """File name -> body of the corpus's documents that never went through OCR (manifest.tsv, ocr = no)."""
    with (shared / "corpus" / "manifest.tsv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return {row["file"]: read_export(shared / "corpus" / row["file"]).body for row in rows if row["ocr"] == "no"}


Point = tuple[float, float, float]


def counts(shared: Path) -> tuple[list[str], dict[Point, list[tuple[int, ...]]], dict[Point, float]]:
    """Document stems and, per grid point, per gold document (gold, flagged, detected, corrected
    right) and the flags per 1000 characters of the clean documents."""
    global _DOCS, _CLEAN
    _DOCS, _CLEAN = gold_documents(shared), list(clean_documents(shared).values())
    ocr.candidate_table(()), ocr_model(), protected_terms()  # loaded once, before the workers fork
    with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
        results = pool.map(_run_point, GRID)
    grid, clean = {}, {}
    for point, (rows, clean_rate) in zip(GRID, results):
        grid[point], clean[point] = rows, clean_rate
        total = [sum(col) for col in zip(*rows)]
        print(f"raise {point[0]} bonus {point[1]} gain {point[2]}: gold, flagged, detected, corrected {total}, "
              f"clean documents {clean_rate:.3f} per 1000")
    return [d.stem for d in _DOCS], grid, clean


_DOCS: list[GoldDocument] = []
_CLEAN: list[str] = []
"""The gold documents and the clean bodies, set before the worker processes fork."""


def _run_point(point: Point) -> tuple[list[tuple[int, ...]], float]:
    """Per gold document (gold, flagged, detected, corrected right) at one grid point, and the
    flagged characters per 1000 of the clean bodies."""
    raise_, bonus, gain = point
    raw = json.loads((ROOT / "tei" / "data" / "ocr_model.json").read_text(encoding="utf-8"))
    base, table, protected = ocr_model(), ocr.candidate_table(()), protected_terms()
    model = dataclasses.replace(base, threshold=raw["threshold"] + raise_, repeat_bonus=bonus,
                                density_gain=gain)  # raw: without the calibration in force
    rows = [scored(doc, ocr.marks_with(doc.body, model, table, protected).suspects) for doc in _DOCS]
    flags = sum(len(s.sic) for body in _CLEAN for s in ocr.marks_with(body, model, table, protected).suspects)
    return rows, 1000 * flags / max(1, sum(len(body) for body in _CLEAN))


def choose(grid: dict[Point, list[tuple[int, ...]]], clean: dict[Point, float], docs: list[int]) -> Point:
    """The grid point with the most detections on docs that keeps the three floors (ties: first in GRID)."""
    best, most = GRID[-1], -1
    for point in GRID:
        g, p, h, r = (sum(grid[point][i][k] for i in docs) for k in range(4))
        if (p and h / p >= MIN_PRECISION and h and r / h >= MIN_CORRECTION and clean[point] <= MAX_CLEAN_PER_1000
                and h > most):
            best, most = point, h
    return best


def figures(g: int, p: int, h: int, r: int) -> dict[str, float | int]:
    return {"gold": g, "flagged": p, "detected": h, "corrected": r, "precision": round(h / p, 4),
            "recall": round(h / g, 4), "correction_accuracy": round(r / h, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "tei" / "data" / "ocr_calibration.json")
    a = ap.parse_args()
    stems, grid, clean = counts(a.shared)
    everyone = list(range(len(stems)))
    lodo, picks = [0, 0, 0, 0], {}
    for i in everyone:
        point = choose(grid, clean, [j for j in everyone if j != i])
        picks[str(point)] = picks.get(str(point), 0) + 1
        lodo = [x + y for x, y in zip(lodo, grid[point][i])]
    point = choose(grid, clean, everyone)
    in_sample = [sum(row[k] for row in grid[point]) for k in range(4)]
    gold = a.shared / "corpus" / "ocr_gold.jsonl"
    out = {"generator": "scripts/build_ocr_calibration.py",
           "ocr_gold_sha256": hashlib.sha256(gold.read_bytes()).hexdigest(),
           "threshold_raise": point[0], "repeat_bonus": point[1], "density_gain": point[2],
           "leave_one_document_out": figures(*lodo), "lodo_choices": picks,
           "in_sample": figures(*in_sample), "clean_per_1000": round(clean[point], 3)}
    a.out.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False))
    print(f"{a.out}: sha256 {hashlib.sha256(a.out.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
