"""Build tei/data/charlm.npz, the character 4-gram count model, from the archive's clean text.

Input: ../shared/lmtext/archive-clean.txt.xz (sha256 checked). Every 20th block of 500 paragraphs is
held out (not counted) so thresholds can be tuned on text the model has not seen.
Output arrays: `chars` (code points of the vocabulary; id = index + 2, 0 = line boundary,
1 = unknown), `total` (number of tokens), `discount` (absolute discount n1 / (n1 + 2 n2) per order,
before pruning), per order n = 1..4 `keys{n}` (sorted n-gram keys, 13 bits per id, delta-encoded)
and `logc{n}` (round(16 * ln count), uint8), and for n = 1..3 `logfan{n}` (the same for the number
of distinct characters seen after the n-gram, before pruning).
Deterministic: same input, same bytes.

    python scripts/build_lm.py [--lmtext PATH] [--out tei/data/charlm.npz] [--heldout PATH]
"""
from __future__ import annotations

import argparse
import hashlib
import lzma
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LMTEXT = ROOT.parent / "shared" / "lmtext" / "archive-clean.txt.xz"
LMTEXT_SHA256 = "06fd18d3038d027847be5b198ff1943fa111793f27674727c755fb9c8b4b56a1"
BITS = 13
MIN_CHAR_COUNT = 2
MIN_COUNT = {2: 2, 3: 2, 4: 3}
"""Pruning: n-grams seen fewer times are dropped (keeps the file near 10 MB)."""
BLOCK, HOLDOUT_EVERY = 500, 20


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


def build(text: str) -> dict[str, np.ndarray]:
    """The arrays of the model for a training text."""
    freq = Counter(text)
    chars = sorted(c for c, k in freq.items() if k >= MIN_CHAR_COUNT and c != "\n")
    assert len(chars) + 2 < 1 << BITS
    ids = encode(text, chars)
    out = {"chars": np.array([ord(c) for c in chars], dtype=np.uint32),
           "total": np.array([len(ids)], dtype=np.int64)}
    grams = [ngram_counts(ids, n) for n in range(1, 5)]
    discount = []
    for n, (keys, counts) in enumerate(grams, 1):
        n1, n2 = np.sum(counts == 1), np.sum(counts == 2)
        discount.append(n1 / (n1 + 2 * n2))
        keep = counts >= MIN_COUNT.get(n, 1)
        kept = keys[keep]
        out[f"keys{n}"] = np.diff(kept, prepend=np.uint64(0))
        out[f"logc{n}"] = quantize(counts[keep])
        if n < 4:
            prefix, fan = np.unique(grams[n][0] >> np.uint64(BITS), return_counts=True)
            out[f"logfan{n}"] = quantize(fan[np.searchsorted(prefix, kept)])
    out["discount"] = np.array(discount)
    return out


def quantize(counts: np.ndarray) -> np.ndarray:
    """round(16 * ln count) as uint8 (counts up to e^15.9)."""
    return np.minimum(np.rint(16 * np.log(counts)), 255).astype(np.uint8)


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
