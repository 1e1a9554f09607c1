"""Find suspected OCR errors in a body text: text -> OcrMarks (suspects and unclear regions);
knows nothing of XML.

Noisy channel, one character at a time. Candidate readings of a printed character come from three
places: the readings this archive's OCR engine is known to have misprinted it for
(tei/data/confusions.tsv), its most similar-looking characters (tei/data/glyphs.tsv, from rendered
glyphs; one OCR error in five or six is a pair the confusion table never saw, mostly such
look-alikes: 枪/抢, 弩/弯), and, where the printed character is very improbable, the characters the
language model itself expects there after the characters before it (帝同主义 -> 帝国主义: the
rest of the errors are pairs no table can know). Only characters the model finds improbable in
their place are looked at (GATE).

Each candidate is described by FEATURES: how it changes the log probability of itself and the three
characters after it under a character 4-gram model of the archive's clean text (tei.charlm), how
often the OCR made that confusion and where the candidate came from. A logistic score over them
(tei/data/ocr_model.json, fitted on synthetic errors in held-out archive text, not on the dev gold)
accepts the best candidate of a position when it reaches the threshold, raised in a document with
fewer errors than the model's synthetic text and lowered, by a gain, in one with more. Errors come in runs (阶毅致人 -> 阶级敌人), so accepted readings are
put in and their neighbours scored again; at the end a reading in a run is taken back when the
printed character reads as well with its corrected neighbours (战裁 -> 战线, not 路线). One scan
repeats its misreadings, so after the first pass a pair accepted n times elsewhere in the body adds
repeat_bonus × ln(1 + n) to its score everywhere else. A reading the language model proposes that
keeps the printed character's radical (扬 -> 搞: the OCR read the radical right and the rest wrong)
adds radical_bonus (tei/data/radicals.tsv). Those two bonuses, a raise of the threshold and the gain
on its lowering are set on the dev gold and reported leave-one-document-out
(tei/data/ocr_calibration.json).

Runs where nearly every character is improbable (OCR garbage, as at the end of a stencil copy) are
not corrected character by character: they become Unclear regions.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from pathlib import Path

import numpy as np

from tei.charlm import NONE, ORDER, CharLM, char_lm
from tei.model import Cert, Suspect, Unclear
from tei.resources import OcrModel, confusions, glyph_pairs, ocr_model, protected_terms, radicals

PASSES = 3
"""Rounds of scoring: the first over every candidate, the next ones around accepted readings."""
CHUNK = 4096
"""Positions scored at once (bounds memory on long bodies)."""
GATE = 3.0
"""A position is looked at only when the printed character's ln P given the three before it is at
most -GATE: it skips about 45 % of positions, and 4 of the 3,132 synthetic errors of
scripts/build_ocr_model.py (no accepted reading of the dev gold lay below it before it was set)."""
PROPOSE_GATE = 7.0
"""The language model proposes readings only where the printed character's ln P is at most
-PROPOSE_GATE (about a fifth of positions; 85 % of the dev gold errors no table proposes)."""
PROPOSALS = 8
"""Readings the language model proposes at a position: its likeliest after the three characters
before it, and as many after the two before it. Measured on the 187 errors of the dev gold missed
with no candidate at all: ranked by the change of ln P over the character and the three after it,
the right reading is among the vocabulary's top 8 for 103 (by the left context alone: 36), yet
scored as a proposal by ocr_model.json (whose synthetic unseen errors are arbitrary characters) none
reaches the threshold. Of the 256 missed errors no table holds, 41 % have their reading among the
128 most similar glyphs of build_glyphs.py (glyphs.tsv keeps 8). Proposing instead the 8 of the 64
likeliest after the characters before that most raise ln P over the character and the three after
it (ocr_model.json refitted) found 1,905 rather than 1,902 synthetic errors and, on the dev gold at
the shipped raise, P 0.957 R 0.741 against 0.960 / 0.746 (issue #15): not kept."""
REVERT_MARGIN = 2.0
"""A reading in a run of readings is taken back when the printed character, with the other
readings in place, makes the text at most this much less likely (nats)."""
DENSITY_PRIOR_CHARS = 3000
"""A document's own error density is smoothed towards the model's with this many characters
(_density_shift). A local density as well (the first pass's flags within 300, 500 or 1,000
characters of a position, smoothed towards the document's by as many), lowering the threshold where
it is denser than the document: at the calibration's floors 1,140-1,152 errors of the dev gold found
instead of 1,161 (issue #15): what it adds comes at the same precision as a lower threshold. Nor
does a density pooled over the OCR'd documents of the same book (one scan and OCR run, so one error
rate; the dev corpus's 83 give 57 books): the same 1,161 of 1,208 flags, in-sample, and 1,156 of
1,207 against 1,155 of 1,206 for each document alone when smoothed by 1,000 characters (a
throwaway patch of _density_shift, not kept)."""
DENSITY_SHIFT_MAX = 3.0
USER_COUNT = 5
"""Count given to a user confusion pair without one."""
MAX_COUNT_DIGITS = 9
"""A user file's count has at most this many digits: it becomes a machine integer in the OCR table."""
GLYPH_COUNT = 1
"""Count given to a pair of visually similar characters the OCR was never seen to confuse, and to a
reading the language model proposes: as rare as the rarest pair it was seen to confuse; the
`glyph` and `proposed` features let the model weigh such candidates apart. Just below the threshold
(raises -1.5 to -0.625) the language model's proposals are right more often than the confusion
table's (14 of 22 against 53 of 119 on the dev gold), yet scoring them 0.5, 1 or 1.5 higher found
at most 1,151 errors at the calibration's floors instead of 1,161 (issue #15): not kept."""
GARBAGE_WINDOW = 12
GARBAGE_UNSEEN = 0.9
GARBAGE_SURPRISE = 8.5
"""A region is OCR garbage where, over GARBAGE_WINDOW characters or more, at least GARBAGE_UNSEEN of
them are CJK characters the model never saw after the character before them and their mean -ln P
is at least GARBAGE_SURPRISE nats (ordinary text of the archive: about 3.6). On the dev corpus this
finds one region, mojibake (颜庑┍?沂录??院笕宋抟…); shorter windows or lower bars also took runs of
Tang-era names and transliterations."""
UNCLEAR_REASON = "illegible"

BASE_FEATURES = ("d0", "d1", "d2", "d3", "alt0", "prior", "lncount", "lnfreq_sic", "order_base",
                 "order_alt", "min_left_right", "losses", "base0", "glyph", "similarity", "proposed")
"""Per candidate: LM log-prob change at the character (d0) and the 3 after it, LM log prob of the
candidate, channel log odds, ln count of the pair, ln frequency of the printed character, summed
n-gram orders matched before and after the change, the smaller of the change at the character and
after it, the sum of the changes that are losses, LM log prob of the printed character, 1 for a
candidate only the glyph table proposes, the glyph similarity of the pair (0 when not listed), 1 for
a candidate only the language model proposes. (The LM log prob of the two characters after the
printed one was tried as two more features: no better on synthetic errors, worse on the dev gold.
So was a bidirectional cloze model of the character from the 8 on each side, 0.74 M parameters
(0.77 MB as int8, held-out perplexity 17.2), its logit of the candidate minus the printed
character's as a feature, refitted: 1,984 instead of 1,902 synthetic errors found at precision
0.95, but on the dev gold within ±4 detections of the curve without it, at 19 % of the speed;
issue #15, build script not kept. And the body as a cache, counts of the two and three characters
a candidate makes with its neighbours elsewhere in the same body: no more errors found at the
shipped number of flags, scored by document-fold cross-validation on the dev gold; nor the
frequency of a word of a general word list (jieba's dictionary) the candidate makes with its
neighbours, measured the same way; nor how error-prone the printed character is whatever the reading
(ln of its count as the wrong side of confusions.tsv over its frequency; its number of pairs) in a
layer over the shipped score fitted leave-one-document-out on the dev gold's candidates: 1,131 errors
among the 1,200 best, as without it.)"""
QUADRATIC = (0, 1, 2, 3, 4, 5, 6, 9, 12, 13, 14, 15)
"""Indices into BASE_FEATURES whose pairwise products (and squares) are features too: the LM gains
interact (a gain at the character is worth more when the characters after it agree), which a
linear score cannot express."""
_PAIRS = np.array([(i, j) for a, i in enumerate(QUADRATIC) for j in QUADRATIC[a:]])
FEATURES = BASE_FEATURES + tuple(f"{BASE_FEATURES[i]}*{BASE_FEATURES[j]}" for i, j in _PAIRS)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))


class Source(IntEnum):
    """Where a candidate reading comes from (Suspect.source names them)."""

    CONFUSION = 0
    GLYPH = 1
    USER = 2
    LM = 3


SOURCE_NAMES = {Source.CONFUSION: "confusion", Source.GLYPH: "glyph", Source.USER: "user", Source.LM: "lm"}


@dataclass(frozen=True)
class OcrMarks:
    """What the OCR step found in one body: suspected substitutions and unreadable regions, each
    sorted by offset; no suspect lies in a region."""

    suspects: tuple[Suspect, ...]
    unclear: tuple[Unclear, ...]


@dataclass(frozen=True)
class CandidateTable:
    """The tables' candidates as arrays: code point cp has rows start[row[cp]]:start[row[cp] + 1]
    (row -1: none)."""

    row: np.ndarray
    start: np.ndarray
    token: np.ndarray
    char: np.ndarray
    lncount: np.ndarray
    """ln count of the pair (wrong -> right)."""
    source: np.ndarray
    similarity: np.ndarray
    """Glyph similarity of the pair, 0 when the glyph table does not list it."""


@dataclass(frozen=True)
class Candidates:
    """Candidate readings at body positions, one per row."""

    pos: np.ndarray
    token: np.ndarray
    char: np.ndarray
    lncount: np.ndarray
    source: np.ndarray
    similarity: np.ndarray

    def __len__(self) -> int:
        return len(self.pos)

    def take(self, rows: np.ndarray) -> "Candidates":
        return Candidates(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))

    @staticmethod
    def join(parts: list["Candidates"]) -> "Candidates":
        return Candidates(*(np.concatenate([getattr(p, f) for p in parts]) for f in Candidates.__dataclass_fields__))


def load_data() -> None:
    """Load the step's data now rather than at the first body: the language model (memory-mapped),
    the decision model, the candidate table, the radicals and the protected terms. Meant as the
    initializer of a worker process (ProcessPoolExecutor(initializer=load_data)). The step calls no
    BLAS routine (its one matrix product is an einsum), so a worker needs no thread pinning: it uses
    one core."""
    char_lm(), ocr_model(), candidate_table(()), _radical_of_token(), protected_terms()


def find_suspects(body: str, *, extra_confusions: Iterable[tuple[str, str, int]] | None = None,
                  protected: Iterable[str] | None = None,
                  pair_bias: Iterable[tuple[str, str, float]] | None = None) -> list[Suspect]:
    """Suspected OCR substitutions in body, sorted by offset and non-overlapping (find_ocr_marks
    without the unclear regions)."""
    return list(find_ocr_marks(body, extra_confusions=extra_confusions, protected=protected,
                               pair_bias=pair_bias).suspects)


def find_ocr_marks(body: str, *, extra_confusions: Iterable[tuple[str, str, int]] | None = None,
                   protected: Iterable[str] | None = None,
                   pair_bias: Iterable[tuple[str, str, float]] | None = None) -> OcrMarks:
    """Suspected OCR substitutions and unreadable regions of body.

    Args:
        body: the 正文 text exactly as in the file; offsets index its code points.
        extra_confusions: user pairs (wrong, right, count) added to the packaged table.
        protected: user terms never flagged, added to the packaged list.
        pair_bias: (wrong, right, bias) added to the score of every candidate reading `right` of a
            printed `wrong` (review_bias makes them from people's decisions).
    """
    return marks_with(body, ocr_model(), candidate_table(tuple(extra_confusions or ())),
                      protected_terms() + tuple(protected or ()), pair_bias)


REVIEW_PRIOR = 0.96
"""Share of the step's readings that are right (its precision on the dev gold), the prior of review_bias."""
REVIEW_PRIOR_WEIGHT = 2.0
"""How many reviewed readings of a pair weigh as much as that prior."""


def review_bias(confirmed: Iterable[tuple[str, str, int]],
                rejected: Iterable[tuple[str, str, int]]) -> tuple[tuple[str, str, float], ...]:
    """Score biases (wrong, right, bias) for find_ocr_marks of the pairs review turned down: a
    pair's readings were confirmed a times and turned down n > 0 times; the bias moves the score (a
    log odds) from the step's own precision p to the pair's reviewed one, smoothed towards p, and
    only down: min(0, ln((a + w p) / (n + w (1 - p))) - ln(p / (1 - p))), w = REVIEW_PRIOR_WEIGHT
    (three rejections and no confirmation: -3.65). Raising confirmed pairs as well was measured and
    not taken: it bought recall at a precision far below the step's (benchmarks/review_learning.py
    --alternatives); confirmed pairs count in the confusion table instead (convert.learn_from)."""
    counts: dict[tuple[str, str], list[int]] = {}
    for wrong, right, n in confirmed:
        counts.setdefault((wrong, right), [0, 0])[0] += n
    for wrong, right, n in rejected:
        counts.setdefault((wrong, right), [0, 0])[1] += n
    p, w = REVIEW_PRIOR, REVIEW_PRIOR_WEIGHT
    return tuple((wrong, right, min(0.0, float(np.log((a + w * p) / (n + w * (1 - p))) - np.log(p / (1 - p)))))
                 for (wrong, right), (a, n) in sorted(counts.items()) if n)


def marks_with(body: str, model: OcrModel, table: CandidateTable, protected: tuple[str, ...],
               pair_bias: Iterable[tuple[str, str, float]] | None = None) -> OcrMarks:
    """find_ocr_marks with a given decision model, candidate table and protected terms (the build
    script calibrates the model with it)."""
    lm = char_lm()
    cps = np.frombuffer(body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = lm.encode(cps)
    scan = Scan(lm, ids)
    unclear = garbage_regions(scan, cps)
    open_ = is_cjk(cps) & ~_protected_mask(body, protected)
    for region in unclear:
        open_[region.offset : region.offset + region.length] = False
    threshold = model.threshold
    bias = {ord(wrong) << 21 | ord(right): b for wrong, right, b in pair_bias or ()}
    accepted: dict[int, tuple[Candidates, float]] = {}
    todo = np.flatnonzero(open_)
    seen: dict[int, int] = {}
    for n in range(PASSES):
        best = _best(scan, model, table, cps, todo, _bonus(model, seen, bias))
        if n == 0:
            shift = _density_shift(body, int((best[1] >= threshold).sum()), model.flag_rate)
            threshold -= shift * (model.density_gain if shift > 0 else 1.0)
        cands, score = best
        keep = score >= threshold
        if not keep.any():
            break
        found, score = cands.take(np.flatnonzero(keep)), score[keep]
        for k, i in enumerate(found.pos.tolist()):
            accepted[i] = (found.take(np.array([k])), float(score[k]))
            key = int(cps[i]) << 21 | int(found.char[k])
            seen[key] = seen.get(key, 0) + 1
        ids[found.pos + ORDER - 1] = found.token
        open_[found.pos] = False
        scan = Scan(lm, ids)
        near = np.unique((found.pos[:, None] + np.arange(1 - ORDER, ORDER)).ravel())
        near = near[(near >= 0) & (near < len(body))]
        todo = near[open_[near]]
        if model.repeat_bonus and n == 0:
            wrongs = np.array(sorted({key >> 21 for key in seen}), dtype=np.uint32)
            todo = np.union1d(todo, np.flatnonzero(open_ & np.isin(cps, wrongs)))
    _take_back(scan, cps, accepted)
    return OcrMarks(tuple(_merge(body, model, accepted)), tuple(unclear))


class Scan:
    """The language model's view of a text under the readings accepted so far: its padded token ids,
    the entry chain of every position (CharLM.chains), and per padded position the token's ln P and
    longest matched order."""

    def __init__(self, lm: CharLM, ids: np.ndarray):
        self.lm, self.ids = lm, ids
        self.chain = lm.chains(ids)
        logprob, order = lm.logprob(self.chain[1:], self.chain[:-1])
        self.logprob, self.order = np.r_[0.0, logprob], np.r_[1, order]

    @property
    def surprise(self) -> np.ndarray:
        """-ln P of each character of the text (not the padding)."""
        return -self.logprob[ORDER - 1 : len(self.ids) - ORDER + 1]


def is_cjk(cps: np.ndarray) -> np.ndarray:
    """True where a code point is a CJK ideograph (the characters CJK matches)."""
    out = np.zeros(len(cps), dtype=bool)
    for lo, hi in _CJK_RANGES:
        out |= (cps >= lo) & (cps <= hi)
    return out


@lru_cache(maxsize=8)
def candidate_table(extra: tuple[tuple[str, str, int], ...]) -> CandidateTable:
    """Candidate arrays of the packaged confusions, the visually similar characters the OCR was never
    seen to confuse and user pairs; readings the LM does not know dropped. Per printed character the
    confusions come first (most frequent first), then the look-alikes (most similar first), then the
    user's new pairs."""
    lm = char_lm()
    pairs = [(ord(w), ord(r), n) for w, rights in confusions().items() for r, n in rights]
    wrong, right, count = (np.array(column, dtype=np.int64) for column in zip(*pairs))
    g_wrong, g_right, g_similarity = glyph_pairs()
    key, g_key = wrong << 21 | right, g_wrong << 21 | g_right
    order = np.argsort(g_key)
    at = np.minimum(np.searchsorted(g_key[order], key), len(g_key) - 1)
    similarity = np.where(g_key[order][at] == key, g_similarity[order][at], 0.0)
    new = ~np.isin(g_key, key)
    wrong, right = np.r_[wrong, g_wrong[new]], np.r_[right, g_right[new]]
    count = np.r_[count, np.full(int(new.sum()), GLYPH_COUNT)]
    source = np.r_[np.full(len(key), Source.CONFUSION), np.full(int(new.sum()), Source.GLYPH)].astype(np.int8)
    similarity = np.r_[similarity, g_similarity[new]]
    for w, r, n in extra:
        hit = np.flatnonzero((wrong == ord(w)) & (right == ord(r)))
        if len(hit):
            k = hit[0]
            count[k] = n if source[k] == Source.GLYPH else count[k] + n
            source[k] = Source.USER
        else:
            wrong, right, count = np.r_[wrong, ord(w)], np.r_[right, ord(r)], np.r_[count, n]
            source, similarity = np.r_[source, np.int8(Source.USER)], np.r_[similarity, 0.0]
    keep = is_cjk(wrong) & is_cjk(right) & (wrong != right) & (lm.lut[right] >= 2)
    rows = np.flatnonzero(keep)
    rows = rows[np.argsort(wrong[rows], kind="stable")]
    wrong = wrong[rows]
    starts = np.flatnonzero(np.r_[True, wrong[1:] != wrong[:-1]])
    row_of = np.full(0x110000, -1, dtype=np.int64)
    row_of[wrong[starts]] = np.arange(len(starts))
    char = right[rows]
    return CandidateTable(row_of, np.r_[starts, len(rows)], lm.lut[char].astype(np.int64), char,
                          np.log(count[rows].astype(np.float64)), source[rows], similarity[rows])


def _protected_mask(body: str, terms: Iterable[str]) -> np.ndarray:
    """True at every position covered by an occurrence of a protected term."""
    mask = np.zeros(len(body), dtype=bool)
    for term in terms:
        k = body.find(term) if term else -1
        while k >= 0:
            mask[k : k + len(term)] = True
            k = body.find(term, k + 1)
    return mask


def proposals(scan: Scan, cps: np.ndarray, todo: np.ndarray, listed: Candidates) -> Candidates:
    """The language model's likeliest readings at the positions of todo after the characters before
    them (PROPOSALS after the three before, as many after the two before), CJK and not the printed
    character nor a reading already listed there."""
    lm = scan.lm
    p = todo + ORDER - 1
    pos, token, logp = [], [], []
    for n in (ORDER, ORDER - 1):
        context = scan.chain[p - 1, n - 2]
        held = context >= 0
        start, end = lm.children(n, context[held])
        size = end - start
        owner = np.repeat(todo[held], size)
        entry = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size) + np.repeat(start, size)
        lp = lm.entry_logp(n, entry)
        order = np.lexsort((-lp, owner))
        rank = np.arange(len(order)) - np.repeat(np.cumsum(size) - size, size)
        best = order[rank < PROPOSALS]
        pos.append(owner[best])
        token.append(lm.last_token(n, entry[best]))
        logp.append(lp[best])
    pos, token = np.concatenate(pos), np.concatenate(token)
    char = lm.chars[np.maximum(token - 2, 0)].astype(np.int64)
    fresh = (token >= 2) & is_cjk(char) & (char != cps[pos])
    key = pos.astype(np.int64) << 21 | char
    fresh &= ~np.isin(key, listed.pos.astype(np.int64) << 21 | listed.char)
    _, first = np.unique(key, return_index=True)
    once = np.zeros(len(key), dtype=bool)
    once[first] = True
    rows = np.flatnonzero(fresh & once)
    count = len(rows)
    return Candidates(pos[rows], token[rows], char[rows], np.zeros(count), np.full(count, Source.LM, dtype=np.int8),
                      np.zeros(count))


def gather(scan: Scan, table: CandidateTable, cps: np.ndarray, todo: np.ndarray) -> Candidates:
    """Every candidate reading at the positions of todo that pass the GATE: the tables' and, where
    the printed character is improbable enough, the language model's proposals; sorted by position."""
    surprise = -scan.logprob[todo + ORDER - 1]
    todo = todo[surprise >= GATE]
    surprise = surprise[surprise >= GATE]
    rows = table.row[cps[todo]]
    listed_at, rows = todo[rows >= 0], rows[rows >= 0]
    lo, hi = table.start[rows], table.start[rows + 1]
    pos = np.repeat(listed_at, hi - lo)
    k = np.arange(len(pos)) - np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo) + np.repeat(lo, hi - lo)
    listed = Candidates(pos, table.token[k], table.char[k], table.lncount[k], table.source[k], table.similarity[k])
    proposed = proposals(scan, cps, todo[surprise >= PROPOSE_GATE], listed)
    both = Candidates.join([listed, proposed])
    return both.take(np.argsort(both.pos, kind="stable"))


def features(scan: Scan, cands: Candidates) -> np.ndarray:
    """The BASE_FEATURES of each candidate (rows) given the text's scan (expand() adds the
    products of the QUADRATIC ones).

    Only the n-grams that contain the candidate are looked up, shortest first: an n-gram the model
    does not hold cannot be part of a longer one it holds, so most wrong candidates cost a few
    lookups.
    """
    lm, ids, chain = scan.lm, scan.ids, scan.chain
    p = cands.pos + ORDER - 1
    alt = np.empty((len(p), ORDER + 1, ORDER), dtype=np.int64)
    alt[:, 0] = chain[p - 1]
    alt[:, 1, 0] = cands.token
    for k in range(ORDER):
        alt[:, k + 1, :k] = chain[p + k, :k]
        token = alt[:, k + 1, 0]
        for n in range(max(k + 1, 2), ORDER + 1):
            context = np.where(alt[:, k + 1, n - 2] >= 0, alt[:, k, n - 2], NONE)
            alt[:, k + 1, n - 1] = lm.find(n, context, token)
    alt_lp, alt_order = lm.logprob(alt[:, 1:], alt[:, :-1])
    window = p[:, None] + np.arange(ORDER)
    base_lp, base_order = scan.logprob[window], scan.order[window]
    delta = alt_lp - base_lp
    lnfreq = lm.lncount[cands.token]
    return np.column_stack([
        delta, alt_lp[:, 0], cands.lncount - lnfreq, cands.lncount, lm.lncount[ids[p]],
        base_order.sum(axis=1), alt_order.sum(axis=1), np.minimum(delta[:, 0], delta[:, 1:].sum(axis=1)),
        np.minimum(delta, 0).sum(axis=1), base_lp[:, 0], cands.source == Source.GLYPH, cands.similarity,
        cands.source == Source.LM])


def expand(x: np.ndarray) -> np.ndarray:
    """All FEATURES of candidates from their BASE_FEATURES: the products of the QUADRATIC ones appended."""
    return np.hstack([x, x[:, _PAIRS[:, 0]] * x[:, _PAIRS[:, 1]]])


def score(model: OcrModel, x: np.ndarray) -> np.ndarray:
    """The model's score of candidates with BASE_FEATURES x, without forming the products: the
    quadratic part as an einsum with the weights in a matrix (no BLAS call, so no thread pool)."""
    q = x[:, model.quadratic_index]
    return np.einsum("ij,j->i", x, model.linear) + np.einsum("ij,jk,ik->i", q, model.quadratic, q) + model.bias


def _bonus(model: OcrModel, seen: dict[int, int], bias: dict[int, float]) -> Callable[[np.ndarray], np.ndarray]:
    """Score bonus of candidates by pair (printed << 21 | reading): repeat_bonus × ln(1 + times
    accepted elsewhere), plus the pair's bias."""
    keys = np.array(sorted(seen.keys() | bias.keys()), dtype=np.int64)
    bonus = np.array([model.repeat_bonus * np.log1p(seen.get(k, 0)) + bias.get(k, 0.0) for k in keys.tolist()],
                     dtype=np.float64)

    def of(key: np.ndarray) -> np.ndarray:
        if not len(keys):
            return np.zeros(len(key))
        at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
        return np.where(keys[at] == key, bonus[at], 0.0)
    return of


def _density_shift(body: str, flagged: int, base: float) -> float:
    """How much to lower the threshold for a body whose first pass flagged `flagged` characters.

    The model was fitted at one error density; a document's own density (smoothed towards that
    one by DENSITY_PRIOR_CHARS characters) moves the prior odds of an error, so the threshold moves
    by the log ratio, within ±DENSITY_SHIFT_MAX. A lowering (a denser document) is then multiplied
    by the model's density_gain; a raise (a quieter document) is kept whole.
    """
    rate = (flagged + DENSITY_PRIOR_CHARS * base) / (len(CJK.findall(body)) + DENSITY_PRIOR_CHARS)
    return float(np.clip(np.log(rate / base), -DENSITY_SHIFT_MAX, DENSITY_SHIFT_MAX))


def _best(scan: Scan, model: OcrModel, table: CandidateTable, cps: np.ndarray, todo: np.ndarray,
          bonus: Callable[[np.ndarray], np.ndarray]) -> tuple[Candidates, np.ndarray]:
    """The best candidate at each position of todo that has one, and its score (raised by the
    bonus of its pair and, for a proposal that keeps the printed character's radical, by the radical
    bonus)."""
    parts, scores = [], []
    for at in range(0, len(todo), CHUNK):
        cands = gather(scan, table, cps, todo[at : at + CHUNK])
        if not len(cands):
            continue
        s = score(model, features(scan, cands)) + bonus(cps[cands.pos].astype(np.int64) << 21 | cands.char)
        s += model.radical_bonus * ((cands.source == Source.LM) & same_radical(scan.lm, cps[cands.pos], cands.token))
        order = np.lexsort((-s, cands.pos))
        first = order[np.r_[True, cands.pos[order][1:] != cands.pos[order][:-1]]]
        parts.append(cands.take(first))
        scores.append(s[first])
    if not parts:
        return Candidates(*(np.zeros(0, dtype=np.int64),) * 6), np.zeros(0)
    return Candidates.join(parts), np.concatenate(scores)


def same_radical(lm: CharLM, printed: np.ndarray, reading: np.ndarray) -> np.ndarray:
    """True where the printed characters (code points) and the readings (the model's tokens) share
    their radical (tei/data/radicals.tsv); False where either has none listed."""
    radical = _radical_of_token()
    a, b = radical[lm.lut[printed]], radical[reading]
    return (a == b) & (a > 0)


@lru_cache(maxsize=1)
def _radical_of_token() -> np.ndarray:
    """Radical number by language-model token (0: none listed)."""
    lm, table = char_lm(), radicals()
    out = np.zeros(len(lm.chars) + 2, dtype=np.int16)
    out[2:] = [table.get(chr(cp), 0) for cp in lm.chars.tolist()]
    return out


def _take_back(scan: Scan, cps: np.ndarray, accepted: dict[int, tuple[Candidates, float]]) -> None:
    """Take back, one at a time, the readings in runs of adjacent readings whose printed character
    reads at most REVERT_MARGIN nats worse with the other readings in place (战裁 -> 战线 rather
    than 路线): a proposal never breaks what the language model finds fine on its own. Of several
    such readings the one with the lowest score goes first (战争自的的 -> 目的, not 自由: each
    printed character reads well with the other reading)."""
    lm, ids = scan.lm, scan.ids.copy()
    while True:
        runs = [i for i in accepted if i - 1 in accepted or i + 1 in accepted]
        if not runs:
            return
        at = np.array(sorted(runs))
        printed = lm.lut[cps[at]].astype(np.int64)
        back = Candidates(at, printed, cps[at].astype(np.int64), *(np.zeros(len(at)),) * 3)
        gain = features(Scan(lm, ids), back)[:, :ORDER].sum(axis=1)
        fine = gain >= -REVERT_MARGIN
        if not fine.any():
            return
        k = int(np.argmin(np.where(fine, [accepted[i][1] for i in at.tolist()], np.inf)))
        del accepted[int(at[k])]
        ids[at[k] + ORDER - 1] = printed[k]


def garbage_regions(scan: Scan, cps: np.ndarray) -> list[Unclear]:
    """Unreadable regions of the text: the union of the windows of GARBAGE_WINDOW characters where
    nearly every character is unseen after the one before it and improbable."""
    surprise = scan.surprise
    if len(surprise) < GARBAGE_WINDOW:
        return []
    unseen = is_cjk(cps) & (scan.order[ORDER - 1 : ORDER - 1 + len(cps)] == 1)
    window = np.ones(GARBAGE_WINDOW)
    bad = ((np.convolve(unseen, window, mode="valid") >= GARBAGE_UNSEEN * GARBAGE_WINDOW)
           & (np.convolve(surprise, window, mode="valid") >= GARBAGE_SURPRISE * GARBAGE_WINDOW))
    inside = np.zeros(len(surprise) + 1, dtype=np.int64)
    np.add.at(inside, np.flatnonzero(bad), 1)
    np.add.at(inside, np.flatnonzero(bad) + GARBAGE_WINDOW, -1)
    covered = np.cumsum(inside)[:-1] > 0
    edges = np.flatnonzero(np.diff(np.r_[0, covered.astype(np.int8), 0]))
    return [Unclear(int(a), int(b - a), UNCLEAR_REASON) for a, b in zip(edges[::2], edges[1::2])]


def _cert(score: float, model: OcrModel) -> Cert:
    """Certainty of a score: its calibrated error probability against the model's cut points."""
    return Cert.HIGH if score >= model.cert_high else Cert.MEDIUM if score >= model.cert_medium else Cert.LOW


def _merge(body: str, model: OcrModel, accepted: dict[int, tuple[Candidates, float]]) -> list[Suspect]:
    """Suspects from accepted positions, adjacent ones joined into one run (its weakest score)."""
    out: list[Suspect] = []
    for i in sorted(accepted):
        cand, score = accepted[i]
        corr, src = chr(int(cand.char[0])), SOURCE_NAMES[Source(int(cand.source[0]))]
        last = out[-1] if out else None
        if last and last.offset + len(last.sic) == i and last.corr is not None:
            low = min(last.gain, score)
            out[-1] = Suspect(last.offset, last.sic + body[i], last.corr + corr, _cert(low, model), low,
                              last.source if last.source == src else "confusion")
        else:
            out.append(Suspect(i, body[i], corr, _cert(score, model), score, src))
    return out


def load_user_file(path: str | Path) -> tuple[list[tuple[str, str, int]], list[str]]:
    """Read a user OCR file: confusion pairs and protected terms.

    Format (UTF-8; `#` starts a comment line): a line `wrong<TAB>right[<TAB>count]` adds a confusion
    pair of single characters (count default USER_COUNT); any other non-empty line is a protected term.

    Raises:
        ValueError: a file that is not UTF-8 (a byte-order mark is fine), or a pair line whose sides
            are not single CJK characters or whose count is not an integer of at most
            MAX_COUNT_DIGITS digits, with the line number.
    """
    pairs: list[tuple[str, str, int]] = []
    terms: list[str] = []
    data = Path(path).read_bytes()
    try:
        lines = data.decode("utf-8-sig").splitlines()  # a byte-order mark (Windows editors) is not text
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise ValueError(f"{path}:{line}: not UTF-8 (byte 0x{data[err.start]:02x}); save it as UTF-8") from err
    for no, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if "\t" not in text:
            terms.append(text)
            continue
        cols = text.split("\t")
        if len(cols) > 3 or not all(CJK.fullmatch(c) for c in cols[:2]) or (
                len(cols) == 3 and not (cols[2].isdecimal() and cols[2].isascii() and len(cols[2]) <= MAX_COUNT_DIGITS)):
            raise ValueError(f"{path}:{no}: expected wrong<TAB>right[<TAB>count] of single CJK "
                             f"characters and a count of at most {MAX_COUNT_DIGITS} digits, found {line[:60]!r}")
        pairs.append((cols[0], cols[1], int(cols[2]) if len(cols) == 3 else USER_COUNT))
    return pairs, terms
