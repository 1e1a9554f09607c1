"""Packaged data of the OCR step (tei/data/*), loaded once and lazily via importlib.resources.

The character language model has its own module, tei.charlm."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np


def _read_bytes(name: str) -> bytes:
    return resources.files("tei.data").joinpath(name).read_bytes()


def _read_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a packaged UTF-8 text file."""
    text = _read_bytes(name).decode("utf-8")
    return [ln for ln in text.split("\n") if ln.strip() and not ln.startswith("#")]


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
    chars, neighbours, similarity = glyph_pairs()
    for char, neighbour, sim in zip(chars.tolist(), neighbours.tolist(), similarity.tolist()):
        table.setdefault(chr(char), []).append((chr(neighbour), sim))
    return {char: tuple(row) for char, row in table.items()}


@lru_cache(maxsize=1)
def glyph_pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """glyphs.tsv as arrays, in file order: code points of each character and of its neighbour,
    and their similarity (what the OCR step's candidate table is built from, fast)."""
    fields = "\n".join(_read_lines("glyphs.tsv")).split()
    return (np.array([ord(c) for c in fields[0::3]], dtype=np.int64),
            np.array([ord(c) for c in fields[1::3]], dtype=np.int64), np.array(fields[2::3], dtype=np.float64))


@lru_cache(maxsize=1)
def radicals() -> dict[str, int]:
    """The Kangxi radical number of each character the OCR step can meet (tei/data/radicals.tsv,
    built by scripts/build_radicals.py from Unihan)."""
    return {char: int(number) for number, chars in (ln.split("\t") for ln in _read_lines("radicals.tsv"))
            for char in chars}


@lru_cache(maxsize=1)
def protected_terms() -> tuple[str, ...]:
    """Names and era terms that are never flagged (tei/data/protected.txt)."""
    return tuple(ln.strip() for ln in _read_lines("protected.txt"))


@dataclass(frozen=True)
class OcrModel:
    """Logistic decision over tei.ocr.FEATURES (raw units): accept when the score weights·x + bias
    reaches the threshold.

    Attributes:
        features: the names of the weights: base features, then products `a*b` of base features.
        linear, quadratic_index, quadratic: the same weights for scoring without the products: the
            base features' weights, the base features that enter products, and the products'
            weights as an upper-triangular matrix over those.
        cert_high, cert_medium: scores at or above which a suspect gets cert high / medium.
        flag_rate: share of CJK characters flagged at the threshold in the model's synthetic test text.
        repeat_bonus: added to a candidate's score times ln(1 + n), n = how often the first pass
            accepted the same pair elsewhere in the body (one scan repeats its misreadings).
        density_gain: factor on the lowering of the threshold in a document denser in errors than the
            model's synthetic text (the raise in a quieter one is kept whole).
        radical_bonus: added to the score of a reading the language model proposes that shares the
            printed character's radical (the OCR kept the radical and misread the rest: 扬 -> 搞).
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
    radical_bonus: float = 0.0
    linear: np.ndarray = field(init=False)
    quadratic_index: np.ndarray = field(init=False)
    quadratic: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        base = [f for f in self.features if "*" not in f]
        products = [(base.index(a), base.index(b), w) for f, w in zip(self.features, self.weights)
                    if "*" in f for a, b in [f.split("*")]]
        index = sorted({i for i, _j, _w in products} | {j for _i, j, _w in products})
        quadratic = np.zeros((len(index), len(index)))
        for i, j, w in products:
            quadratic[index.index(i), index.index(j)] += w
        object.__setattr__(self, "linear", np.asarray(self.weights[: len(base)], dtype=np.float64))
        object.__setattr__(self, "quadratic_index", np.array(index, dtype=np.int64))
        object.__setattr__(self, "quadratic", quadratic)


@lru_cache(maxsize=1)
def ocr_model() -> OcrModel:
    """The decision weights of tei/data/ocr_model.json (built by scripts/build_ocr_model.py) with the
    operating point of tei/data/ocr_calibration.json (scripts/build_ocr_calibration.py)."""
    d = json.loads(_read_bytes("ocr_model.json"))
    c = json.loads(_read_bytes("ocr_calibration.json"))
    return OcrModel(tuple(d["features"]), np.array(d["weights"]), d["bias"],
                    d["threshold"] + c["threshold_raise"], d["cert_high"], d["cert_medium"],
                    d["flag_rate"], c["repeat_bonus"], c["density_gain"], c["radical_bonus"])
