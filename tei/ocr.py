"""Find suspected OCR substitutions in a body text: text -> list[Suspect]; knows nothing of XML.

Noisy channel, one character at a time: every CJK character the archive's OCR engine is known to
misread (tei/data/confusions.tsv) gets the readings it was misread from as candidates. A candidate x
for the printed c is accepted when

    LM gain + CHANNEL * ln(count(c->x) / freq(x)) + BIAS  >=  THRESHOLD

where the LM gain is the change in log probability of the characters c and the three after it under
a character 4-gram model of the archive's clean text (stupid backoff). Errors come in runs
(姿黄会 -> 委员会), so after a pass the accepted readings are put in and their neighbours re-scored.
Constants were tuned on synthetic errors in held-out archive text, not on the dev gold.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tei.model import Cert, Suspect
from tei.resources import BITS, ORDER, CharLM, char_lm, confusions, protected_terms

BACKOFF = float(np.log(0.4))
"""Stupid-backoff penalty per order dropped."""
UNSEEN = -16.0
"""Log probability of a token the model never saw."""
CHANNEL = 0.5
BIAS = 0.0
THRESHOLD = 6.0
CERT_HIGH, CERT_MEDIUM = 10.0, 8.0
"""Scores at or above these get cert high / medium; the rest that pass THRESHOLD get low."""
MIN_COUNT = 1
"""Confusion pairs seen fewer times than this are not used as candidates."""
PASSES = 3
USER_COUNT = 5
"""Count given to a user confusion pair without one."""
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@dataclass(frozen=True)
class _Table:
    """Candidate arrays: for token id t, rows start[t]:start[t+1] of (right id, ln prior, char)."""

    start: np.ndarray
    right: np.ndarray
    prior: np.ndarray
    chars: tuple[str, ...]


def find_suspects(body: str, *, extra_confusions: Iterable[tuple[str, str, int]] | None = None,
                  protected: Iterable[str] | None = None) -> list[Suspect]:
    """Suspected OCR substitutions in body, sorted by offset and non-overlapping.

    Args:
        body: the 正文 text exactly as in the file; offsets index its code points.
        extra_confusions: user pairs (wrong, right, count) added to the packaged table.
        protected: user terms never flagged, added to the packaged list.
    """
    lm = char_lm()
    pairs = _pairs(extra_confusions)
    shield = _protected_mask(body, protected_terms() + tuple(protected or ()))
    ids = _encode(lm, body)
    accepted: dict[int, tuple[int, float, str]] = {}
    todo = np.array([i for i, ch in enumerate(body) if ch in pairs and not shield[i]], dtype=np.int64)
    for _ in range(PASSES):
        if not len(todo):
            break
        found = _best(lm, ids, body, todo, pairs)
        if not found:
            break
        accepted.update(found)
        for i, (tok, _score, _corr) in found.items():
            ids[i + ORDER - 1] = tok
        near = {j for i in found for j in range(i - ORDER + 1, i + ORDER)
                if 0 <= j < len(body) and j not in accepted and body[j] in pairs and not shield[j]}
        todo = np.array(sorted(near), dtype=np.int64)
    return _merge(body, accepted, pairs)


def _pairs(extra: Iterable[tuple[str, str, int]] | None) -> dict[str, tuple[tuple[str, int, str], ...]]:
    """Candidate table wrong -> ((right, count, source), …), packaged pairs plus user pairs."""
    table = {w: [(r, n, "confusion") for r, n in rows if n >= MIN_COUNT and CJK.fullmatch(r)]
             for w, rows in confusions().items()}
    for w, r, n in extra or ():
        table.setdefault(w, []).append((r, n, "user"))
    return {w: tuple(rows) for w, rows in table.items() if rows and CJK.fullmatch(w)}


def _protected_mask(body: str, terms: Iterable[str]) -> list[bool]:
    """True at every position covered by an occurrence of a protected term."""
    mask = [False] * len(body)
    for term in terms:
        k = body.find(term)
        while k >= 0:
            mask[k : k + len(term)] = [True] * len(term)
            k = body.find(term, k + 1)
    return mask


def _encode(lm: CharLM, text: str) -> np.ndarray:
    """Token ids of text, padded with ORDER - 1 line boundaries on each side."""
    pad = np.zeros(ORDER - 1, dtype=np.uint64)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return np.concatenate([pad, lm.lut[cps], pad])


def _lookup(lm: CharLM, n: int, key: np.ndarray) -> np.ndarray:
    """ln count of each order-n key, NaN where the key is not in the model."""
    keys = lm.keys[n - 1]
    at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
    return np.where(keys[at] == key, lm.logc[n - 1][at], np.nan)


def logprob(lm: CharLM, grams: np.ndarray) -> np.ndarray:
    """Stupid-backoff ln P(last id | previous ORDER - 1 ids) for each row of grams (m, ORDER)."""
    out = np.full(len(grams), np.nan)
    key = np.zeros(len(grams), dtype=np.uint64)
    ctx_keys = []
    for n in range(1, ORDER + 1):
        key = key | (grams[:, ORDER - n] << np.uint64(BITS * (n - 1)))
        ctx_keys.append(key)
    unigram = _lookup(lm, 1, grams[:, -1]) - lm.log_total
    out = np.where(np.isnan(unigram), UNSEEN, unigram) + (ORDER - 1) * BACKOFF
    for n in range(2, ORDER + 1):
        full = _lookup(lm, n, ctx_keys[n - 1])
        ctx = _lookup(lm, n - 1, ctx_keys[n - 1] >> np.uint64(BITS))
        est = full - ctx + (ORDER - n) * BACKOFF
        out = np.where(np.isnan(est), out, est)
    return out


def _best(lm: CharLM, ids: np.ndarray, body: str, todo: np.ndarray,
          pairs: dict[str, tuple[tuple[str, int, str], ...]]) -> dict[int, tuple[int, float, str]]:
    """Accepted candidates at positions todo: position -> (token id, score, corrected char)."""
    qpos, qtok, qprior, qchar = [], [], [], []
    for i in todo.tolist():
        for right, count, _src in pairs[body[i]]:
            tok = int(lm.lut[ord(right)])
            if tok < 2:
                continue
            qpos.append(i)
            qtok.append(tok)
            qprior.append(np.log(count) - _unigram_logc(lm, tok))
            qchar.append(right)
    if not qpos:
        return {}
    pos = np.array(qpos, dtype=np.int64) + ORDER - 1
    win = np.lib.stride_tricks.sliding_window_view(ids, 2 * ORDER - 1)[pos - ORDER + 1].copy()
    base = logprob(lm, np.lib.stride_tricks.sliding_window_view(win, ORDER, axis=1).reshape(-1, ORDER))
    win[:, ORDER - 1] = np.array(qtok, dtype=np.uint64)
    alt = logprob(lm, np.lib.stride_tricks.sliding_window_view(win, ORDER, axis=1).reshape(-1, ORDER))
    gain = (alt - base).reshape(len(pos), ORDER).sum(axis=1)
    score = gain + CHANNEL * np.array(qprior) + BIAS
    best: dict[int, tuple[int, float, str]] = {}
    for k in np.argsort(-score, kind="stable").tolist():
        i = qpos[k]
        if score[k] >= THRESHOLD and i not in best:
            best[i] = (qtok[k], float(score[k]), qchar[k])
    return best


def _unigram_logc(lm: CharLM, tok: int) -> float:
    """ln count of a token in the model's text (0 when unseen)."""
    c = _lookup(lm, 1, np.array([tok], dtype=np.uint64))[0]
    return 0.0 if np.isnan(c) else float(c)


def _cert(score: float) -> Cert:
    return Cert.HIGH if score >= CERT_HIGH else Cert.MEDIUM if score >= CERT_MEDIUM else Cert.LOW


def _merge(body: str, accepted: dict[int, tuple[int, float, str]],
           pairs: dict[str, tuple[tuple[str, int, str], ...]]) -> list[Suspect]:
    """Suspects from accepted positions, adjacent ones joined into one run (its weakest score)."""
    out: list[Suspect] = []
    for i in sorted(accepted):
        _tok, score, corr = accepted[i]
        src = next(s for r, _n, s in pairs[body[i]] if r == corr)
        last = out[-1] if out else None
        if last and last.offset + len(last.sic) == i and last.corr is not None:
            low = min(last.gain, score)
            out[-1] = Suspect(last.offset, last.sic + body[i], last.corr + corr, _cert(low), low,
                              last.source if last.source == src else "confusion")
        else:
            out.append(Suspect(i, body[i], corr, _cert(score), score, src))
    return out


def load_user_file(path: str | Path) -> tuple[list[tuple[str, str, int]], list[str]]:
    """Read a user OCR file: confusion pairs and protected terms.

    Format (UTF-8; `#` starts a comment line): a line `wrong<TAB>right[<TAB>count]` adds a confusion
    pair of single characters (count default USER_COUNT); any other non-empty line is a protected term.

    Raises:
        ValueError: a pair line whose sides are not single CJK characters or whose count is not an
            integer, with the line number.
    """
    pairs: list[tuple[str, str, int]] = []
    terms: list[str] = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if "\t" not in text:
            terms.append(text)
            continue
        cols = text.split("\t")
        if len(cols) > 3 or not all(CJK.fullmatch(c) for c in cols[:2]) or (
                len(cols) == 3 and not cols[2].isdigit()):
            raise ValueError(f"{path}:{no}: expected wrong<TAB>right[<TAB>count] of single CJK "
                             f"characters, found {line!r}")
        pairs.append((cols[0], cols[1], int(cols[2]) if len(cols) == 3 else USER_COUNT))
    return pairs, terms
