"""tei/data as data: checksums and sizes as SOURCES.md says, tables well-formed, budget kept."""
from __future__ import annotations

import hashlib
import json
import re
from importlib import resources

import numpy as np
import pytest

from tei.charlm import ORDER, char_lm
from tei.resources import confusions, glyph_neighbours, ocr_model, protected_terms, radicals
from tei.ocr import FEATURES

DATA = resources.files("tei.data")
BUDGET = 20_000_000
GLYPH_K = 8
"""Neighbours per character in glyphs.tsv (scripts/build_glyphs.py K)."""
ROW = re.compile(r"^\| (\S+) \| ([0-9a-f]{64}) \| (\d+) \|$", re.M)


def listed() -> dict[str, tuple[str, int]]:
    """file -> (sha256, bytes) from the table of SOURCES.md."""
    text = DATA.joinpath("SOURCES.md").read_text(encoding="utf-8")
    return {m[1]: (m[2], int(m[3])) for m in ROW.finditer(text)}


def test_every_file_is_listed_with_its_checksum() -> None:
    files = {p.name for p in DATA.iterdir() if p.is_file() and p.name not in {"SOURCES.md", "__init__.py"}}
    table = listed()
    assert set(table) == files
    for name, (sha, size) in table.items():
        raw = DATA.joinpath(name).read_bytes()
        assert (hashlib.sha256(raw).hexdigest(), len(raw)) == (sha, size), name
    assert sum(size for _sha, size in table.values()) <= BUDGET


def test_confusions_are_single_distinct_characters() -> None:
    table = confusions()
    assert len(table) > 2000
    for wrong, rights in table.items():
        assert len(wrong) == 1
        assert len({r for r, _n in rights}) == len(rights)
        assert all(len(r) == 1 and r != wrong and n >= 1 for r, n in rights)
        assert [n for _r, n in rights] == sorted((n for _r, n in rights), reverse=True)
    assert dict(table["已"])["己"] == 1175


def test_glyph_neighbours_are_similar_single_characters() -> None:
    table = glyph_neighbours()
    assert len(table) > 5000
    for char, neighbours in table.items():
        assert len(char) == 1 and 0 < len(neighbours) <= GLYPH_K
        assert all(len(n) == 1 and n != char and 0.6 <= sim <= 1 for n, sim in neighbours)
        assert len({n for n, _sim in neighbours}) == len(neighbours)
        assert [sim for _n, sim in neighbours] == sorted((sim for _n, sim in neighbours), reverse=True)
    assert "抢" in dict(table["枪"]) and "弯" in dict(table["弩"])


def test_radicals_cover_the_vocabulary_once() -> None:
    """Every CJK character of the language model has one radical (Kangxi numbers 1-214), simplified
    forms folded into their radical (纟 into 糸's 120)."""
    table, lm = radicals(), char_lm()
    vocabulary = {chr(cp) for cp in lm.chars.tolist() if 0x4E00 <= cp <= 0x9FFF}
    assert vocabulary <= table.keys() and set(table.values()) <= set(range(1, 215))
    lines = [ln for ln in DATA.joinpath("radicals.tsv").read_text(encoding="utf-8").split("\n") if ln and ln[0] != "#"]
    assert sum(len(ln.split("\t")[1]) for ln in lines) == len(table)
    assert table["姑"] == table["妨"] == 38 and table["扬"] == table["搞"] == 64 and table["绥"] == table["紧"] == 120
    assert table["使"] != table["史"]


def test_protected_terms_are_sorted_and_unique() -> None:
    terms = protected_terms()
    assert list(terms) == sorted(set(terms)) and "走资派" in terms


def test_char_lm_tables_are_sorted_and_consistent() -> None:
    lm = char_lm()
    assert lm.lut[ord("的")] >= 2 and lm.lut[ord("\n")] == 0 and len(lm.logp[0]) == len(lm.chars) + 2
    for n in range(2, ORDER + 1):
        low, starts = lm.low[n - 2], lm.bucket_start(n, np.arange(len(lm.fine[n - 2])))
        assert starts[0] == 0 and starts[-1] == len(low) == len(lm.logp[n - 1])
        assert bool(np.all(np.diff(starts) >= 0))
        inside = np.ones(len(low), dtype=bool)
        inside[starts[1:-1]] = False  # the first entry of a bucket may be below the last of the one before
        assert bool(np.all((low[1:] > low[:-1]) | ~inside[1:]))
        assert bool(np.all(np.diff(lm.books_logp[n - 1]) >= 0)) and lm.books_logp[n - 1][-1] <= 0


@pytest.mark.parametrize("context", ["中国共", "。\n\n", "帝国主"])
def test_char_lm_probabilities_sum_to_one(context: str) -> None:
    """P(w | context) over the whole vocabulary sums to 1 (up to the codebooks' rounding)."""
    lm = char_lm()
    head = lm.lut[[ord(c) for c in context]]
    tokens = np.arange(len(lm.chars) + 2)
    ids = np.column_stack([np.tile(head, (len(tokens), 1)), tokens]).ravel()
    logprob = lm.text_logprob(ids)[ORDER - 2 :: ORDER]
    assert abs(np.exp(logprob).sum() - 1) < 0.03


def test_ocr_calibration_reports_leave_one_document_out() -> None:
    raw = json.loads(DATA.joinpath("ocr_calibration.json").read_text(encoding="utf-8"))
    assert {"threshold_raise", "repeat_bonus", "density_gain", "radical_bonus", "min_precision"} <= raw.keys()
    lodo = raw["leave_one_document_out"]
    assert lodo["gold"] == 1556 and lodo["precision"] >= 0.95 and lodo["correction_accuracy"] >= 0.95
    assert raw["clean_per_1000"] <= 0.2


def test_ocr_model_matches_the_features() -> None:
    model = ocr_model()
    assert model.features == FEATURES and len(model.weights) == len(FEATURES)
    assert model.cert_high >= model.cert_medium >= model.threshold
