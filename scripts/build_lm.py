"""Build tei/data/charlm.npz, the character 4-gram model (interpolated modified Kneser-Ney), from
the archive's clean text.

Input: ../shared/lmtext/archive-clean.txt.xz (sha256 checked). Every 20th block of 500 paragraphs is
held out (not counted) so thresholds can be tuned on text the model has not seen.
Output arrays: `chars` (code points of the vocabulary; id = index + 2, 0 = line boundary,
1 = unknown), `total` (number of tokens), `cctotal` (sum of the unigram continuation counts),
`discount` (4 x 3: modified Kneser-Ney discounts D1, D2, D3+ per order, from the count-of-counts of
the counts that order is estimated from, before pruning), per order n = 1..4 `keys{n}` (sorted
n-gram keys, 13 bits per id, delta-encoded) and `logc{n}` (round(16 * ln count), uint8), and for
n = 1..3 `logcc{n}` (the same for the continuation count: distinct tokens seen before the n-gram),
`logmass{n}` (the same + `mass_offset` for D1 N1 + D2 N2 + D3+ N3+ over the tokens seen after the
n-gram, counted as order n + 1 counts them) and for n = 1, 2 `logden{n}` (the same for the sum of the
continuation counts of the (n + 1)-grams it starts; at n = 3 the count is that total). All
statistics are taken before pruning. Deterministic: same input, same bytes.

    python scripts/build_lm.py [--lmtext PATH] [--out tei/data/charlm.npz] [--heldout PATH]
"""
from __future__ import annotations

import argparse
import hashlib
import lzma
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tei.charlm import BITS  # noqa: E402

LMTEXT = ROOT.parent / "shared" / "lmtext" / "archive-clean.txt.xz"
LMTEXT_SHA256 = "06fd18d3038d027847be5b198ff1943fa111793f27674727c755fb9c8b4b56a1"
MIN_CHAR_COUNT = 2
MIN_COUNT = {2: 2, 3: 2, 4: 3}
"""Pruning: n-grams seen fewer times are dropped (keeps the file near 10 MB)."""
BLOCK, HOLDOUT_EVERY = 500, 20
MASS_OFFSET = 64
"""logmass is stored + MASS_OFFSET: the freed mass of a context can be below 1."""


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def split(text: str) -> tuple[str, str]:
    """Training text and held-out text: every HOLDOUT_EVERY-th block of BLOCK paragraphs held out."""
    paras = text.split("\n\n")
    train, held = [], []
    for k, p in enumerate(paras):
        (held if (k // BLOCK) % HOLDOUT_EVERY == HOLDOUT_EVERY - 1 else train).append(p)
    return "\n\n".join(train), "\n\n".join(held)


def encode(text: str, chars: list[str]) -> np.ndarray:
    """Token ids of text: line ends -> 0, vocabulary chars -> index + 2, others -> 1."""
    lut = np.ones(0x110000, dtype=np.uint64)
    lut[[ord(c) for c in chars]] = np.arange(2, len(chars) + 2, dtype=np.uint64)
    lut[ord("\n")] = 0
    return lut[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]


def ngram_counts(ids: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct n-gram keys of ids and their counts."""
    m = len(ids) - n + 1
    key = np.zeros(m, dtype=np.uint64)
    for j in range(n):
        key = (key << np.uint64(BITS)) | ids[j : j + m]
    return np.unique(key, return_counts=True)


def kn_discounts(counts: np.ndarray) -> np.ndarray:
    """Modified Kneser-Ney discounts D1, D2, D3+ from the count-of-counts of counts (Chen & Goodman)."""
    n1, n2, n3, n4 = (np.sum(counts == k) for k in range(1, 5))
    y = n1 / (n1 + 2 * n2)
    return np.array([1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3])


def group(prefix_of_sorted: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct prefixes (of sorted keys) and the sum of values over each."""
    uniq, first = np.unique(prefix_of_sorted, return_index=True)
    return uniq, np.add.reduceat(values, first)


def build(text: str) -> dict[str, np.ndarray]:
    """The arrays of the model for a training text."""
    freq = Counter(text)
    chars = sorted(c for c, k in freq.items() if k >= MIN_CHAR_COUNT and c != "\n")
    assert len(chars) + 2 < 1 << BITS
    ids = encode(text, chars)
    out = {"chars": np.array([ord(c) for c in chars], dtype=np.uint32),
           "total": np.array([len(ids)], dtype=np.int64)}
    grams = [ngram_counts(ids, n) for n in range(1, 5)]
    # The count each order is estimated from (before pruning): raw counts at the top order,
    # continuation counts N1+(. x) (distinct tokens seen before x) below it.
    kn = []
    for n in range(1, 5):
        if n == 4:
            kn.append(grams[3][1].astype(np.int64))
            continue
        mask = np.uint64((1 << (BITS * n)) - 1)
        suffix, cc = np.unique(grams[n][0] & mask, return_counts=True)
        at = np.searchsorted(suffix, grams[n - 1][0])
        at = np.minimum(at, len(suffix) - 1)
        kn.append(np.where(suffix[at] == grams[n - 1][0], cc[at], 1).astype(np.int64))
    discount = np.array([kn_discounts(c) for c in kn])
    for n, (keys, counts) in enumerate(grams, 1):
        keep = counts >= MIN_COUNT.get(n, 1)
        kept = keys[keep]
        out[f"keys{n}"] = np.diff(kept, prepend=np.uint64(0))
        out[f"logc{n}"] = quantize(counts[keep])
        if n < 4:
            out[f"logcc{n}"] = quantize(kn[n - 1][keep])
            # as a context of order n + 1: the total (n < 3; at n = 3 the raw count is used) and
            # the mass the discounts free, D1 N1 + D2 N2 + D3+ N3+ over the tokens seen after it
            nxt = kn[n]
            d = discount[n][np.minimum(nxt, 3) - 1]
            prefix = grams[n][0] >> np.uint64(BITS)
            uniq, den = group(prefix, nxt)
            _uniq, mass = group(prefix, d)
            at = np.minimum(np.searchsorted(uniq, kept), len(uniq) - 1)
            found = uniq[at] == kept  # all but an n-gram that ends the text
            if n < 3:
                out[f"logden{n}"] = quantize(np.where(found, den[at], 1))
            out[f"logmass{n}"] = quantize(np.where(found, mass[at], 1e-9), MASS_OFFSET)
    out["discount"] = discount
    out["cctotal"] = np.array([kn[0].sum()], dtype=np.int64)
    out["mass_offset"] = np.array([MASS_OFFSET])
    return out


def quantize(counts: np.ndarray, offset: int = 0) -> np.ndarray:
    """round(16 * ln count) + offset as uint8 (counts from e^(-offset / 16) up to e^((255 - offset) / 16))."""
    return np.clip(np.rint(16 * np.log(counts)) + offset, 0, 255).astype(np.uint8)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lmtext", type=Path, default=LMTEXT)
    ap.add_argument("--out", type=Path, default=ROOT / "tei" / "data" / "charlm.npz")
    ap.add_argument("--heldout", type=Path, help="also write the held-out text here (for tuning)")
    a = ap.parse_args()
    if sha256(a.lmtext) != LMTEXT_SHA256:
        raise SystemExit(f"{a.lmtext}: sha256 differs from {LMTEXT_SHA256}")
    train, held = split(lzma.decompress(a.lmtext.read_bytes()).decode("utf-8"))
    if a.heldout:
        a.heldout.write_text(held, encoding="utf-8")
    np.savez_compressed(a.out, **build(train))
    print(f"{a.out}: {a.out.stat().st_size} bytes, sha256 {sha256(a.out)}")


if __name__ == "__main__":
    main()
