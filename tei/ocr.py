"""Find suspected OCR substitutions in a body text: text -> list[Suspect]; knows nothing of XML.

Noisy channel, one character at a time: every CJK character the archive's OCR engine is known to
misread (tei/data/confusions.tsv) gets the readings it was misread from as candidates, and every
character gets its most similar-looking characters (tei/data/glyphs.tsv, from rendered glyphs):
one OCR error in five or six is a pair the confusion table never saw, mostly such look-alikes
(枪/抢, 弩/弯). Each
candidate is described by FEATURES: how it changes the log probability of itself and the three
characters after it under a character 4-gram model of the archive's clean text (interpolated
modified Kneser-Ney, tei/data/charlm.npz), and how often the OCR made that confusion. A logistic
score over them (tei/data/ocr_model.json, fitted on synthetic errors in held-out archive text, not
on the dev gold) accepts the best candidate of a position when it reaches the threshold, lowered
or raised by the document's own error density. Errors come in runs (阶毅致人 -> 阶级敌人), so
accepted readings are put in and their neighbours scored again. One scan repeats its misreadings,
so after the first pass a pair accepted n times elsewhere in the body adds repeat_bonus × ln(1 + n)
to its score everywhere else. That bonus, a raise of the threshold and a gain on the density shift
are set on the dev gold and reported leave-one-document-out (tei/data/ocr_calibration.json).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from tei.charlm import NONE, ORDER, CharLM, char_lm
from tei.model import Cert, Suspect
from tei.resources import OcrModel, confusions, glyph_neighbours, ocr_model, protected_terms

PASSES = 3
"""Rounds of scoring: the first over every candidate, the next ones around accepted readings."""
CHUNK = 2048
"""Positions scored at once (bounds memory on long bodies)."""
DENSITY_PRIOR_CHARS = 3000
DENSITY_SHIFT_MAX = 3.0
USER_COUNT = 5
"""Count given to a user confusion pair without one."""
GLYPH_COUNT = 1
"""Count given to a pair of visually similar characters the OCR was never seen to confuse: as rare
as the rarest pair it was seen to confuse; the `glyph` feature lets the model weigh such pairs apart."""
FEATURES = ("d0", "d1", "d2", "d3", "alt0", "prior", "lncount", "lnfreq_sic", "order_base",
            "order_alt", "min_left_right", "losses", "base0", "glyph", "similarity")
"""Per candidate: LM log-prob change at the character (d0) and the 3 after it, LM log prob of the
candidate, channel log odds, ln count of the pair, ln frequency of the printed character, summed
n-gram orders matched before and after the change, the smaller of the change at the character and
after it, the sum of the changes that are losses, LM log prob of the printed character, 1 for a
candidate only the glyph table proposes, the glyph similarity of the pair (0 when not listed)."""
QUADRATIC = (0, 1, 2, 3, 4, 5, 6, 9, 12, 13, 14)
"""Indices into BASE_FEATURES whose pairwise products (and squares) are features too: the LM gains
interact (a gain at the character is worth more when the characters after it agree), which a
linear score cannot express; on the synthetic held-out set this raises recall at 95 % precision
from 0.682 to 0.710."""
BASE_FEATURES = FEATURES
FEATURES = BASE_FEATURES + tuple(f"{BASE_FEATURES[i]}*{BASE_FEATURES[j]}"
                                 for a, i in enumerate(QUADRATIC) for j in QUADRATIC[a:])
_PAIRS = np.array([(i, j) for a, i in enumerate(QUADRATIC) for j in QUADRATIC[a:]])
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


@dataclass(frozen=True)
class CandidateTable:
    """Candidates as arrays: code point cp has rows start[row[cp]]:start[row[cp] + 1] (row -1: none)."""

    row: np.ndarray
    start: np.ndarray
    token: np.ndarray
    char: np.ndarray
    prior: np.ndarray
    """ln count(wrong -> right) - ln freq(right): the channel's log odds up to a constant."""
    lncount: np.ndarray
    user: np.ndarray
    glyph: np.ndarray
    """True for a candidate only the glyph table proposes (no observed confusion, no user pair)."""
    similarity: np.ndarray
    """Glyph similarity of the pair, 0 when the glyph table does not list it."""
    wrong: np.ndarray
    """Code point of the printed character of each candidate."""


def find_suspects(body: str, *, extra_confusions: Iterable[tuple[str, str, int]] | None = None,
                  protected: Iterable[str] | None = None) -> list[Suspect]:
    """Suspected OCR substitutions in body, sorted by offset and non-overlapping.

    Args:
        body: the 正文 text exactly as in the file; offsets index its code points.
        extra_confusions: user pairs (wrong, right, count) added to the packaged table.
        protected: user terms never flagged, added to the packaged list.
    """
    return suspects_with(body, ocr_model(), candidate_table(tuple(extra_confusions or ())),
                         protected_terms() + tuple(protected or ()))


def suspects_with(body: str, model: OcrModel, table: CandidateTable, protected: tuple[str, ...]) -> list[Suspect]:
    """find_suspects with a given decision model, candidate table and protected terms (the build
    script calibrates the model with it)."""
    lm = char_lm()
    cps = np.frombuffer(body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ids = lm.encode(cps)
    open_ = (table.row[cps] >= 0) & ~_protected_mask(body, protected)
    threshold = model.threshold
    accepted: dict[int, tuple[int, float]] = {}
    todo = np.flatnonzero(open_)
    seen = np.zeros(len(table.token))
    bonus = np.zeros(len(table.token))
    for n in range(PASSES):
        best = _best(Scan.of(lm, ids), model, table, cps, todo, bonus)
        if n == 0:
            threshold -= model.density_gain * _density_shift(
                body, sum(v[1] >= threshold for v in best.values()), model.flag_rate)
        found = {i: v for i, v in best.items() if v[1] >= threshold}
        if not found:
            break
        accepted.update(found)
        for i, (k, _score) in found.items():
            ids[i + ORDER - 1] = table.token[k]
            open_[i] = False
            seen[k] += 1
        near = np.unique(np.array([j for i in found for j in range(i - ORDER + 1, i + ORDER)]))
        near = near[(near >= 0) & (near < len(body))]
        todo = near[open_[near]]
        if model.repeat_bonus and n == 0:
            bonus = model.repeat_bonus * np.log1p(seen)
            again = np.flatnonzero(open_ & np.isin(cps, table.wrong[seen > 0]))
            todo = np.union1d(todo, again)
    return _merge(body, model, table, accepted)


@lru_cache(maxsize=8)
def candidate_table(extra: tuple[tuple[str, str, int], ...]) -> CandidateTable:
    """Candidate arrays of the packaged confusions, the visually similar characters the OCR was never
    seen to confuse and user pairs; readings the LM never saw dropped."""
    lm = char_lm()
    # wrong -> right -> (count, user pair, glyph only, glyph similarity)
    rows: dict[str, dict[str, tuple[int, bool, bool, float]]] = {}
    for wrong, rights in confusions().items():
        rows[wrong] = {r: (n, False, False, 0.0) for r, n in rights}
    for wrong, neighbours in glyph_neighbours().items():
        row = rows.setdefault(wrong, {})
        for r, sim in neighbours:
            n, u, g, _ = row.get(r, (GLYPH_COUNT, False, True, 0.0))
            row[r] = (n, u, g, sim)
    for wrong, right, n in extra:
        row = rows.setdefault(wrong, {})
        count, _u, glyph_only, sim = row.get(right, (0, False, True, 0.0))
        row[right] = (n if glyph_only else count + n, True, False, sim)
    row_of = np.full(0x110000, -1, dtype=np.int64)
    start, token, char, prior, lncount, user, glyph, similarity, wrongs = [0], [], [], [], [], [], [], [], []
    for wrong in sorted(rows):
        keep = [(r, n, u, g, sim) for r, (n, u, g, sim) in rows[wrong].items()
                if CJK.fullmatch(r) and r != wrong and lm.lut[ord(r)] >= 2]
        if not CJK.fullmatch(wrong) or not keep:
            continue
        row_of[ord(wrong)] = len(start) - 1
        for r, n, u, g, sim in keep:
            tok = lm.lut[ord(r)]
            token.append(tok)
            char.append(ord(r))
            prior.append(np.log(n) - lm.lncount[tok])
            user.append(u)
            glyph.append(g)
            similarity.append(sim)
            wrongs.append(ord(wrong))
            lncount.append(np.log(n))
        start.append(len(token))
    return CandidateTable(row_of, np.array(start), np.array(token, dtype=np.int64), np.array(char),
                  np.nan_to_num(np.array(prior)), np.array(lncount), np.array(user, dtype=bool),
                  np.array(glyph, dtype=bool), np.array(similarity), np.array(wrongs, dtype=np.uint32))


def _protected_mask(body: str, terms: Iterable[str]) -> np.ndarray:
    """True at every position covered by an occurrence of a protected term."""
    mask = np.zeros(len(body), dtype=bool)
    for term in terms:
        k = body.find(term) if term else -1
        while k >= 0:
            mask[k : k + len(term)] = True
            k = body.find(term, k + 1)
    return mask












def candidates(table: CandidateTable, cps: np.ndarray, todo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position, table index) of every candidate reading at the positions todo."""
    rows = table.row[cps[todo]]
    lo, hi = table.start[rows], table.start[rows + 1]
    pos = np.repeat(todo, hi - lo)
    first = np.repeat(np.cumsum(hi - lo) - (hi - lo), hi - lo)
    return pos, np.arange(len(pos)) - first + np.repeat(lo, hi - lo)


@dataclass
class Scan:
    """The language model's view of a text under the readings accepted so far: its padded token ids,
    the entry chain of every position (CharLM.chains) and the ln P of every token."""

    lm: CharLM
    ids: np.ndarray
    chain: np.ndarray
    logprob: np.ndarray
    order: np.ndarray

    @classmethod
    def of(cls, lm: CharLM, ids: np.ndarray) -> "Scan":
        chain = lm.chains(ids)
        logprob, order = lm.logprob(chain[1:], chain[:-1])
        return cls(lm, ids, chain, np.r_[0.0, logprob], np.r_[1, order])


def features(scan: Scan, table: CandidateTable, pos: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """The FEATURES of each candidate (rows) given the text's scan: the BASE_FEATURES, then the
    products of the QUADRATIC ones.

    Only the n-grams that contain the candidate are looked up, longest last: an n-gram the model
    does not hold cannot be part of a longer one it holds, so most wrong candidates cost a few
    lookups.
    """
    lm, ids, chain = scan.lm, scan.ids, scan.chain
    p = pos + ORDER - 1
    alt = np.empty((len(pos), ORDER + 1, ORDER), dtype=np.int64)
    alt[:, 0] = chain[p - 1]
    alt[:, 1, 0] = table.token[cand]
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
    x = np.column_stack([
        delta, alt_lp[:, 0], table.prior[cand], table.lncount[cand], lm.lncount[ids[p]],
        base_order.sum(axis=1), alt_order.sum(axis=1), np.minimum(delta[:, 0], delta[:, 1:].sum(axis=1)),
        np.minimum(delta, 0).sum(axis=1), base_lp[:, 0], table.glyph[cand], table.similarity[cand]])
    return np.hstack([x, x[:, _PAIRS[:, 0]] * x[:, _PAIRS[:, 1]]])


def _density_shift(body: str, flagged: int, base: float) -> float:
    """How much to lower the threshold for a body whose first pass flagged `flagged` characters.

    The model was fitted at one error density; a document's own density (smoothed towards that
    one by DENSITY_PRIOR_CHARS characters) moves the prior odds of an error, so the threshold moves
    by the log ratio, within ±DENSITY_SHIFT_MAX (then times the model's density_gain).
    """
    rate = (flagged + DENSITY_PRIOR_CHARS * base) / (len(CJK.findall(body)) + DENSITY_PRIOR_CHARS)
    return float(np.clip(np.log(rate / base), -DENSITY_SHIFT_MAX, DENSITY_SHIFT_MAX))


def _best(scan: Scan, model: OcrModel, table: CandidateTable, cps: np.ndarray,
          todo: np.ndarray, bonus: np.ndarray) -> dict[int, tuple[int, float]]:
    """The best candidate at each position of todo: position -> (table index, score), the score
    raised by bonus[table index]."""
    out: dict[int, tuple[int, float]] = {}
    for at in range(0, len(todo), CHUNK):
        pos, cand = candidates(table, cps, todo[at : at + CHUNK])
        if not len(pos):
            continue
        score = features(scan, table, pos, cand) @ model.weights + model.bias + bonus[cand]
        order = np.lexsort((-score, pos))
        first = order[np.r_[True, pos[order][1:] != pos[order][:-1]]]
        out.update((int(pos[k]), (int(cand[k]), float(score[k]))) for k in first)
    return out


def _cert(score: float, model: OcrModel) -> Cert:
    """Certainty of a score: its calibrated error probability against the model's cut points."""
    return Cert.HIGH if score >= model.cert_high else Cert.MEDIUM if score >= model.cert_medium else Cert.LOW


def _merge(body: str, model: OcrModel, table: CandidateTable, accepted: dict[int, tuple[int, float]]) -> list[Suspect]:
    """Suspects from accepted positions, adjacent ones joined into one run (its weakest score)."""
    out: list[Suspect] = []
    for i in sorted(accepted):
        k, score = accepted[i]
        corr, src = chr(table.char[k]), "user" if table.user[k] else "glyph" if table.glyph[k] else "confusion"
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
