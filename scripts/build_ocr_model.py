"""Build tei/data/ocr_model.json, the decision weights of the OCR step, from synthetic errors.

The held-out part of ../shared/lmtext/archive-clean.txt.xz (text the character model has not seen;
see build_lm.py) gets OCR errors drawn from tei/data/confusions.tsv in proportion to their counts
(ERRORS_PER_1000, some in runs of two) and, for the share of errors the table cannot know, from the
visually similar pairs of tei/data/glyphs.tsv it does not hold: that share is the Good-Turing
estimate of the unseen mass, the table's singleton pairs over its substitutions (16.6 %).
A logistic regression over tei.ocr.FEATURES is fitted on the first half; on the second half the
acceptance threshold is the lowest score whose detections keep precision ≥ TARGET_PRECISION, and
cert cut points likewise for CERT_PRECISION; the share of CJK characters flagged there is the base
rate a document's own rate is compared with. The dev gold is not used. Run after build_lm.py,
build_confusions.py and build_glyphs.py. Deterministic (seeded).

    python scripts/build_ocr_model.py [--lmtext PATH] [--out tei/data/ocr_model.json]
"""
from __future__ import annotations

import argparse
import json
import lzma
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_lm import LMTEXT, LMTEXT_SHA256, ROOT, sha256, split  # noqa: E402

sys.path.insert(0, str(ROOT))
from tei import ocr  # noqa: E402
from tei.charlm import char_lm, encode  # noqa: E402
from tei.resources import confusions, glyph_neighbours  # noqa: E402

SEED = 20261125
HALF = 600_000
ERRORS_PER_1000 = 5.0
RUN_SHARE = 0.15
TARGET_PRECISION = 0.95
CERT_PRECISION = {"cert_high": 0.99, "cert_medium": 0.97}
L2 = 1e-3
NEGATIVE_SHARE = 0.25
"""Share of the wrong candidates of the fitting half kept (weighted up to stand for the rest): with the
glyph table every position has about ten candidates, too many rows to hold at once."""


def corrupt(text: str, rng: random.Random) -> tuple[str, dict[int, str]]:
    """text with synthetic OCR errors, and position -> true character of each error."""
    pairs = [(w, r, float(n)) for w, rights in confusions().items() for r, n in rights]
    by_right: dict[str, list[tuple[str, float]]] = {}
    for w, r, n in pairs:
        by_right.setdefault(r, []).append((w, n))
    seen = {(w, r) for w, r, _n in pairs}
    total = sum(n for _w, _r, n in pairs)
    singletons = sum(1 for _w, _r, n in pairs if n == 1)
    unseen = [(w, r, sim) for w, neighbours in glyph_neighbours().items() for r, sim in neighbours
              if (w, r) not in seen]
    unseen_weight = total * singletons / (total - singletons)  # its share of all weight: singletons / total
    scale = unseen_weight / sum(sim for _w, _r, sim in unseen)
    pairs += [(w, r, sim * scale) for w, r, sim in unseen]
    where: dict[str, list[int]] = {}
    wanted = {r for _w, r, _n in pairs}
    for i, ch in enumerate(text):
        if ch in wanted:
            where.setdefault(ch, []).append(i)
    usable = [(w, r, n) for w, r, n in pairs if r in where]
    noisy, truth = list(text), {}
    target = int(len(text) * ERRORS_PER_1000 / 1000)
    for w, r, _n in rng.choices(usable, weights=[n for _w, _r, n in usable], k=target):
        i = rng.choice(where[r])
        if i in truth or i - 1 in truth or i + 1 in truth:
            continue
        noisy[i], truth[i] = w, r
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt in by_right and rng.random() < RUN_SHARE:
            ws, ns = zip(*by_right[nxt])
            noisy[i + 1], truth[i + 1] = rng.choices(ws, weights=ns)[0], nxt
    return "".join(noisy), truth


def samples(text: str, truth: dict[int, str], keep_negative: float,
            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and sample weights of the candidates in text; of the wrong ones a random
    share keep_negative is kept, each weighted 1 / keep_negative."""
    xs, ys = [], []
    for _pos, _corr, right, x in _chunks(text, truth):
        keep = right | (rng.random(len(right)) < keep_negative)
        xs.append(x[keep])
        ys.append(right[keep])
    y = np.concatenate(ys).astype(np.float64)
    return np.vstack(xs), y, np.where(y > 0, 1.0, 1.0 / keep_negative)


def scored(text: str, weights: np.ndarray, bias: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score, position and proposed character of every candidate in text."""
    parts = [(x @ weights + bias, pos, corr) for pos, corr, _right, x in _chunks(text, {})]
    return tuple(np.concatenate(column) for column in zip(*parts))


def _chunks(text: str, truth: dict[int, str]):
    """(positions, proposed characters, labels, features) of the candidates in text, ocr.CHUNK
    positions at a time."""
    lm, table = char_lm(), ocr.candidate_table(())
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    ids = encode(lm, cps)
    true = np.zeros(len(text), dtype=np.int64)
    true[list(truth)] = [ord(c) for c in truth.values()]
    todo = np.flatnonzero(table.row[cps] >= 0)
    for at in range(0, len(todo), ocr.CHUNK):
        pos, cand = ocr.candidates(table, cps, todo[at : at + ocr.CHUNK])
        corr = table.char[cand]
        yield pos, corr, true[pos] == corr, ocr.features(lm, table, ids, pos, cand)


def fit(x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray) -> tuple[np.ndarray, float]:
    """L2-regularised weighted logistic regression by Newton steps; weights in raw feature units."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.column_stack([(x - mean) / scale, np.ones(len(x))])
    w = np.zeros(z.shape[1])
    for _ in range(25):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (sample_weight * (p - y)) + L2 * w
        hess = (z * (sample_weight * p * (1 - p))[:, None]).T @ z + L2 * np.eye(len(w))
        w -= np.linalg.solve(hess, grad)
    raw = w[:-1] / scale
    return raw, float(w[-1] - raw @ mean)


def cut(score: np.ndarray, right: np.ndarray, precision: float) -> float:
    """Lowest score s such that detections with score ≥ s are right at least `precision` often."""
    order = np.argsort(-score, kind="stable")
    prec = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(prec >= precision)
    return float(score[order][ok[-1]]) if len(ok) else float(score.max())


def best_per_position(score: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Index of the highest-scoring candidate at each position."""
    order = np.lexsort((-score, pos))
    return order[np.r_[True, pos[order][1:] != pos[order][:-1]]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lmtext", type=Path, default=LMTEXT)
    ap.add_argument("--out", type=Path, default=ROOT / "tei" / "data" / "ocr_model.json")
    a = ap.parse_args()
    if sha256(a.lmtext) != LMTEXT_SHA256:
        raise SystemExit(f"{a.lmtext}: sha256 differs from {LMTEXT_SHA256}")
    _train, held = split(lzma.decompress(a.lmtext.read_bytes()).decode("utf-8"))
    rng = random.Random(SEED)
    weights, bias = fit(*samples(*corrupt(held[:HALF], rng), NEGATIVE_SHARE, np.random.default_rng(SEED)))
    noisy, truth = corrupt(held[HALF : 2 * HALF], rng)
    score, pos2, corr2 = scored(noisy, weights, bias)
    best = best_per_position(score, pos2)
    right = np.array([int(p) in truth for p in pos2[best]], dtype=np.float64)
    model = {"generator": "scripts/build_ocr_model.py", "lmtext_sha256": LMTEXT_SHA256,
             "features": list(ocr.FEATURES), "weights": [round(float(w), 6) for w in weights],
             "bias": round(bias, 6), "threshold": round(cut(score[best], right, TARGET_PRECISION), 6)}
    model.update({k: round(cut(score[best], right, p), 6) for k, p in CERT_PRECISION.items()})
    kept = score[best] >= model["threshold"]
    hits = sum(truth.get(int(p)) == chr(c) for p, c in zip(pos2[best][kept], corr2[best][kept]))
    model["flag_rate"] = round(int(kept.sum()) / len(ocr.CJK.findall(noisy)), 6)
    model["synthetic"] = {"errors": len(truth), "flagged": int(kept.sum()),
                          "detected": int(right[kept].sum()), "corrected": int(hits)}
    a.out.write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(model["synthetic"]), f"{a.out}: sha256 {sha256(a.out)}")


if __name__ == "__main__":
    main()
