"""The character n-gram language model of the OCR step: loading and log probabilities.

A pruned character 4-gram model of the archive's clean text with interpolated modified Kneser-Ney
smoothing (tei/data/charlm.npz, built by scripts/build_lm.py). Text is turned into token ids with
`encode`; `counts` looks up the statistics of the n-grams ending at given positions and `logprob`
turns them into ln P of each token given the ones before it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

ORDER = 4
"""Longest n-gram of the model."""
BITS = 13
"""Bits per token id in an n-gram key (the vocabulary has fewer than 2**BITS entries)."""
UNSEEN = -16.0
"""Log probability of a token the model never saw."""


@dataclass(frozen=True)
class CharLM:
    """Pruned character n-gram statistics (orders 1..ORDER) of the archive's clean text, for
    interpolated modified Kneser-Ney smoothing.

    Attributes:
        lut: code point -> token id (0 line boundary, 1 unknown, 2.. vocabulary).
        keys: per order n (index n - 1), sorted n-gram keys (BITS bits per id, oldest first).
        stats: per order, float32 rows (len(keys), 4) of natural logs: the n-gram's count, the count
            it is estimated from (its continuation count, i.e. the number of distinct tokens seen
            before it, below ORDER; its count at ORDER) and, as a context of order n + 1 (n < ORDER),
            the total it is divided by and the mass its discounts free (NaN at ORDER).
        discount: modified Kneser-Ney discounts (D1, D2, D3+) per order (row n - 1).
        log_total: natural log of the number of tokens counted.
        log_cctotal: natural log of the sum of the unigram continuation counts.
    """

    lut: np.ndarray
    keys: tuple[np.ndarray, ...]
    stats: tuple[np.ndarray, ...]
    discount: np.ndarray
    log_total: float
    log_cctotal: float


@lru_cache(maxsize=1)
def char_lm() -> CharLM:
    """The character language model of tei/data/charlm.npz (built by scripts/build_lm.py)."""
    raw = resources.files("tei.data").joinpath("charlm.npz").read_bytes()
    with np.load(io.BytesIO(raw)) as z:
        chars = z["chars"]
        lut = np.ones(0x110000, dtype=np.uint64)
        lut[chars] = np.arange(2, len(chars) + 2, dtype=np.uint64)
        lut[ord("\n")] = 0
        keys = tuple(np.cumsum(z[f"keys{n}"], dtype=np.uint64) for n in range(1, ORDER + 1))
        offset = float(z["mass_offset"][0])
        stats = []
        for n in range(1, ORDER + 1):
            logc = z[f"logc{n}"].astype(np.float32) / 16
            if n == ORDER:
                cols = [logc, logc, np.full_like(logc, np.nan), np.full_like(logc, np.nan)]
            else:
                den = z[f"logden{n}"].astype(np.float32) / 16 if n < ORDER - 1 else logc
                cols = [logc, z[f"logcc{n}"].astype(np.float32) / 16, den,
                        (z[f"logmass{n}"].astype(np.float32) - offset) / 16]
            stats.append(np.column_stack(cols))
        return CharLM(lut, keys, tuple(stats), z["discount"], float(np.log(z["total"][0])),
                      float(np.log(z["cctotal"][0])))


def encode(lm: CharLM, cps: np.ndarray) -> np.ndarray:
    """Token ids of code points, padded with ORDER - 1 line boundaries on each side."""
    pad = np.zeros(ORDER - 1, dtype=np.uint64)
    return np.concatenate([pad, lm.lut[cps], pad])


def lookup(lm: CharLM, n: int, key: np.ndarray) -> np.ndarray:
    """(len(key), 4): the CharLM.stats row of each order-n key, NaN where it is unknown.

    The keys are searched in sorted order: several times faster on tables of millions of keys.
    """
    keys = lm.keys[n - 1]
    order = np.argsort(key, kind="stable")
    at = np.empty(len(key), dtype=np.int64)
    at[order] = np.searchsorted(keys, key[order])
    at = np.minimum(at, len(keys) - 1)
    found = keys[at] == key
    return np.where(found[:, None], lm.stats[n - 1][at], np.nan)


def ngram_key(tokens: np.ndarray, end: np.ndarray | int, n: int) -> np.ndarray:
    """Keys of the n-grams ending at index end of each row of tokens (2-d) or of tokens (1-d)."""
    key = np.zeros(np.shape(end) if tokens.ndim == 1 else len(tokens), dtype=np.uint64)
    for j in range(n - 1, -1, -1):
        col = tokens[end - j] if tokens.ndim == 1 else tokens[:, end - j]
        key = (key << np.uint64(BITS)) | col
    return key


def counts(lm: CharLM, ids: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """(len(ends), ORDER + 1, 4): for the n-gram of ids ending at each end (n = 1..ORDER; n = 0
    holds the token total), its CharLM.stats row."""
    out = np.full((len(ends), ORDER + 1, 4), np.nan)
    out[:, 0, 0] = lm.log_total
    for n in range(1, ORDER + 1):
        ok = ends >= n - 1
        out[ok, n] = lookup(lm, n, ngram_key(ids, ends[ok], n))
    return out


def logprob(lm: CharLM, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Interpolated modified Kneser-Ney ln P and longest matched order (0: unseen token) of the
    tokens at positions 1.. of counts (m, k + 1, ORDER + 1, 4), each with the position before it
    as context."""
    prev, cur = counts[:, :-1], counts[:, 1:]
    seen = ~np.isnan(cur[..., 1, 1])
    prob = np.exp(np.where(seen, cur[..., 1, 1] - lm.log_cctotal, UNSEEN))
    order = seen.astype(np.float64)
    for n in range(2, ORDER + 1):
        d1, d2, d3 = lm.discount[n - 1]
        den, mass = np.exp(prev[..., n - 1, 2]), np.exp(prev[..., n - 1, 3])
        count = np.exp(np.nan_to_num(cur[..., n, 1], nan=-np.inf))
        d = np.where(count < 1.5, d1, np.where(count < 2.5, d2, d3))
        prob = np.where(np.isnan(den), prob, (np.maximum(count - d, 0) + mass * prob) / den)
        order = np.where(count > 0, n, order)
    return np.log(prob), order
