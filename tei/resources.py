"""Packaged data of the OCR step (tei/data/*), loaded once and lazily via importlib.resources."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

ORDER = 4
BITS = 13


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


def _read_bytes(name: str) -> bytes:
    return resources.files("tei.data").joinpath(name).read_bytes()


def _read_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a packaged UTF-8 text file."""
    text = _read_bytes(name).decode("utf-8")
    return [ln for ln in text.split("\n") if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def char_lm() -> CharLM:
    """The character language model of tei/data/charlm.npz (built by scripts/build_lm.py)."""
    with np.load(io.BytesIO(_read_bytes("charlm.npz"))) as z:
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


@lru_cache(maxsize=1)
def confusions() -> dict[str, tuple[tuple[str, int], ...]]:
    """OCR confusions of the archive: wrong char -> ((right char, count), …), most frequent first."""
    return parse_confusions(_read_lines("confusions.tsv"))


def parse_confusions(lines: list[str]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Parse `wrong<TAB>right[<TAB>count…]` lines (count defaults to 1) into a candidate table."""
    table: dict[str, dict[str, int]] = {}
    for ln in lines:
        cols = ln.split("\t")
        wrong, right = cols[0], cols[1]
        count = int(cols[2]) if len(cols) > 2 and cols[2] else 1
        row = table.setdefault(wrong, {})
        row[right] = row.get(right, 0) + count
    return {w: tuple(sorted(r.items(), key=lambda kv: (-kv[1], kv[0]))) for w, r in table.items()}


@lru_cache(maxsize=1)
def glyph_neighbours() -> dict[str, tuple[tuple[str, float], ...]]:
    """Visually similar characters (tei/data/glyphs.tsv, built by scripts/build_glyphs.py from
    rendered glyphs): char -> ((neighbour, similarity), …), most similar first."""
    table: dict[str, list[tuple[str, float]]] = {}
    for ln in _read_lines("glyphs.tsv"):
        char, neighbour, similarity = ln.split("\t")
        table.setdefault(char, []).append((neighbour, float(similarity)))
    return {char: tuple(row) for char, row in table.items()}


@lru_cache(maxsize=1)
def protected_terms() -> tuple[str, ...]:
    """Names and era terms that are never flagged (tei/data/protected.txt)."""
    return tuple(ln.strip() for ln in _read_lines("protected.txt"))


@dataclass(frozen=True)
class OcrModel:
    """Logistic decision over tei.ocr.FEATURES (raw units): accept when weights·x + bias ≥ threshold.

    Attributes:
        cert_high, cert_medium: scores at or above which a suspect gets cert high / medium.
        flag_rate: share of CJK characters flagged at the threshold in the model's synthetic test text.
        repeat_bonus: added to a candidate's score times ln(1 + n), n = how often the first pass
            accepted the same pair elsewhere in the body (one scan repeats its misreadings).
        density_gain: factor on the threshold's shift with the document's error density.
    """

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    threshold: float
    cert_high: float
    cert_medium: float
    flag_rate: float
    repeat_bonus: float = 0.0
    density_gain: float = 1.0


@lru_cache(maxsize=1)
def ocr_model() -> OcrModel:
    """The decision weights of tei/data/ocr_model.json (built by scripts/build_ocr_model.py) with the
    operating point of tei/data/ocr_calibration.json (scripts/build_ocr_calibration.py)."""
    d = json.loads(_read_bytes("ocr_model.json"))
    c = json.loads(_read_bytes("ocr_calibration.json"))
    return OcrModel(tuple(d["features"]), np.array(d["weights"]), d["bias"],
                    d["threshold"] + c["threshold_raise"], d["cert_high"], d["cert_medium"],
                    d["flag_rate"], c["repeat_bonus"], c["density_gain"])
