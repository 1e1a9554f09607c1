"""The character n-gram language model of the OCR step: tokens, n-gram lookup, log probabilities.

A pruned character 4-gram model of the archive's clean text, interpolated modified Kneser-Ney
stored in backoff form (tei/data/charlm.npy and charlm.json, built by scripts/build_lm.py; the
layout is described there). The arrays are memory-mapped, so loading costs a few milliseconds and
worker processes share the pages.

An n-gram is named by its entry index at its order: at order 1 the token id itself, at order n the
index found by `CharLM.find(n, index of its first n - 1 tokens, last token)`, -1 when the model
does not hold it. `CharLM.chains` gives those indices for every n-gram ending at each position of a
text, and `CharLM.logprob` turns them into ln P(token | the ORDER - 1 before it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

ORDER = 4
"""Longest n-gram of the model."""
BITS = 13
"""Bits per token id in an n-gram key (the vocabulary has fewer than 2**BITS entries)."""
SHIFT = {2: 13, 3: 16, 4: 16}
"""Per order, how many low bits of an n-gram's key are stored; the rest name its bucket."""
BLOCK_BITS = 6
"""Bucket starts are stored as a uint32 per 2**BLOCK_BITS buckets plus a uint16 per bucket."""
NONE = -1
"""Entry index of an n-gram the model does not hold."""


@dataclass(frozen=True)
class CharLM:
    """The model's arrays (read-only views of the memory-mapped file).

    Attributes:
        chars: code points of the vocabulary, in token id order from 2.
        lut: code point -> token id (0 line boundary, 1 unknown, 2.. vocabulary).
        lncount: per token id, ln of its count in the training text.
        logp: per order n (index n - 1), per entry: ln P(last token | the others), lower orders
            interpolated in (float32 at order 1, uint8 codes into books_logp above).
        logbow: per order below ORDER, per entry: ln of the weight the next order's estimate gives
            to this order for the tokens never seen after it (float32 at order 1, uint8 codes above).
        books_logp, books_logbow: per order, the 256 values of the codes (None at order 1).
        low, coarse, fine: per order 2..ORDER (index n - 2), the key's low bits of each entry and
            the bucket starts (see scripts/build_lm.py).
    """

    chars: np.ndarray
    lut: np.ndarray
    lncount: np.ndarray
    logp: tuple[np.ndarray, ...]
    logbow: tuple[np.ndarray, ...]
    books_logp: tuple[np.ndarray | None, ...]
    books_logbow: tuple[np.ndarray | None, ...]
    low: tuple[np.ndarray, ...]
    coarse: tuple[np.ndarray, ...]
    fine: tuple[np.ndarray, ...]

    def encode(self, cps: np.ndarray) -> np.ndarray:
        """Token ids (int64) of code points, padded with ORDER - 1 line boundaries on each side."""
        ids = np.zeros(len(cps) + 2 * (ORDER - 1), dtype=np.int64)
        ids[ORDER - 1 : ORDER - 1 + len(cps)] = self.lut[cps]
        return ids

    def find(self, n: int, context: np.ndarray, token: np.ndarray) -> np.ndarray:
        """Entry index at order n >= 2 of each n-gram made of the (n - 1)-gram entry `context` and
        `token` (int64 arrays of one length), NONE where the model does not hold it."""
        out = np.full(len(context), NONE, dtype=np.int64)
        ask = np.flatnonzero(context >= 0)
        if not len(ask):
            return out
        key = (context[ask] << BITS) | token[ask]
        shift = SHIFT[n]
        bucket = key >> shift
        low = self.low[n - 2]
        start, end = self.bucket_start(n, bucket), self.bucket_start(n, bucket + 1)
        want = key & ((1 << shift) - 1)
        at = _lower_bound(low, start, end, want)
        hit = at < end
        hit[hit] = low[at[hit]] == want[hit]
        out[ask[hit]] = at[hit]
        return out

    def children(self, n: int, context: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Entry ranges [start, end) at order n >= 2 of the n-grams that extend each (n - 1)-gram
        entry of context (all held) by one token: they are stored next to each other."""
        shift = SHIFT[n]
        first = context << BITS
        bucket = first >> shift
        start, end = self.bucket_start(n, bucket), self.bucket_start(n, bucket + 1)
        if shift == BITS:
            return start, end
        low = first & ((1 << shift) - 1)
        values = self.low[n - 2]
        return _lower_bound(values, start, end, low), _lower_bound(values, start, end, low + (1 << BITS))

    def last_token(self, n: int, entry: np.ndarray) -> np.ndarray:
        """The last token of order-n entries (n >= 2)."""
        return self.low[n - 2][entry].astype(np.int64) & ((1 << BITS) - 1)

    def entry_logp(self, n: int, entry: np.ndarray) -> np.ndarray:
        """ln P(last token | the others) of order-n entries (n >= 2)."""
        return self.books_logp[n - 1][self.logp[n - 1][entry]].astype(np.float64)

    def bucket_start(self, n: int, bucket: np.ndarray) -> np.ndarray:
        """Index of the first order-n entry of each bucket (past the last bucket: the end)."""
        coarse, fine = self.coarse[n - 2], self.fine[n - 2]
        bucket = np.minimum(bucket, len(fine) - 1)  # past the last bucket: the end
        return coarse[bucket >> BLOCK_BITS].astype(np.int64) + fine[bucket]

    def chains(self, ids: np.ndarray) -> np.ndarray:
        """(len(ids), ORDER): entry index of the n-gram of ids ending at each position (column n - 1),
        NONE where the model does not hold it or it would start before ids."""
        out = np.full((len(ids), ORDER), NONE, dtype=np.int64)
        out[:, 0] = ids
        for n in range(2, ORDER + 1):
            out[1:, n - 1] = self.find(n, out[:-1, n - 2], ids[1:])
        return out

    def logprob(self, entry: np.ndarray, context: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """ln P of tokens and the longest order matched (1..ORDER), given for each token the entry
        indices of the n-grams ending in it (entry, shape (..., ORDER)) and of those ending just
        before it (context, same shape): the longest held n-gram's logp plus the logbow of every
        longer held context."""
        lp = np.zeros(entry.shape[:-1], dtype=np.float64)
        matched = np.ones(entry.shape[:-1], dtype=np.int64)
        done = np.zeros(entry.shape[:-1], dtype=bool)
        for n in range(ORDER, 0, -1):
            idx = entry[..., n - 1]
            here = (idx >= 0) & ~done
            if n == 1:
                lp[here] += self.logp[0][idx[here]]
            elif here.any():
                lp[here] += self.books_logp[n - 1][self.logp[n - 1][idx[here]]]
                matched[here] = n
            done |= here
            if n > 1:
                ctx = context[..., n - 2]
                bow = ~done & (ctx >= 0)
                if bow.any():
                    lp[bow] += self.bow(n - 1, ctx[bow])
        return lp, matched

    def bow(self, n: int, entry: np.ndarray) -> np.ndarray:
        """ln backoff weight of order-n entries (all held, n < ORDER)."""
        if n == 1:
            return self.logbow[0][entry].astype(np.float64)
        return self.books_logbow[n - 1][self.logbow[n - 1][entry]].astype(np.float64)

    def text_logprob(self, ids: np.ndarray) -> np.ndarray:
        """ln P of each token of ids (padded as encode pads) after the first, given the ones before."""
        chain = self.chains(ids)
        return self.logprob(chain[1:], chain[:-1])[0]


def _lower_bound(values: np.ndarray, start: np.ndarray, end: np.ndarray, want: np.ndarray) -> np.ndarray:
    """For each i, the first index in [start[i], end[i]) where values (sorted there) >= want[i]
    (end[i] if none): a binary search per range, all ranges at once."""
    start, end = start.copy(), end.copy()
    live = np.flatnonzero(start < end)
    while len(live):
        lo, hi = start[live], end[live]
        mid = (lo + hi) >> 1
        less = values[mid] < want[live]
        lo = np.where(less, mid + 1, lo)
        hi = np.where(less, hi, mid)
        start[live], end[live] = lo, hi
        live = live[lo < hi]
    return start


@lru_cache(maxsize=1)
def char_lm() -> CharLM:
    """The character language model of tei/data/charlm.npy, memory-mapped (scripts/build_lm.py)."""
    data = resources.files("tei.data")
    layout = json.loads(data.joinpath("charlm.json").read_text(encoding="utf-8"))
    with resources.as_file(data.joinpath("charlm.npy")) as path:
        blob = np.load(path, mmap_mode="r").view(np.ndarray)  # plain arrays index faster than np.memmap

    def part(name: str) -> np.ndarray:
        dtype, offset, length = layout["arrays"][name]
        dtype = np.dtype(dtype)
        return blob[offset : offset + length * dtype.itemsize].view(dtype)

    chars = part("chars")
    lut = np.ones(0x110000, dtype=np.int32)
    lut[chars] = np.arange(2, len(chars) + 2, dtype=np.int32)
    lut[ord("\n")] = 0
    above = range(2, ORDER + 1)
    return CharLM(
        chars=chars, lut=lut, lncount=part("lncount1"),
        logp=(part("logp1"), *(part(f"logp{n}") for n in above)),
        logbow=(part("logbow1"), *(part(f"logbow{n}") for n in range(2, ORDER))),
        books_logp=(None, *(part(f"book_logp{n}") for n in above)),
        books_logbow=(None, *(part(f"book_logbow{n}") for n in range(2, ORDER))),
        low=tuple(part(f"low{n}") for n in above), coarse=tuple(part(f"coarse{n}") for n in above),
        fine=tuple(part(f"fine{n}") for n in above))
