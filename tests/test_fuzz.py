"""A quick run of the adversarial inputs of tests/fuzz.py (scripts/fuzz.py runs thousands): every
mutant of the trimmed dev set and every generated export is rejected with one line, or converted
valid (project schema and tei_all) and lossless."""
from __future__ import annotations

import random

import pytest

from conftest import DEV_SET
from fuzz import FAILURES, check, generate, mutate

EXPORTS = sorted(DEV_SET.glob("*.txt"))


@pytest.mark.parametrize("seed", range(40))
def test_mutants_and_generated_exports_keep_the_contract(seed):
    rng = random.Random(seed)
    data = mutate(EXPORTS[seed % len(EXPORTS)].read_bytes(), rng) if seed % 2 else generate(rng)
    verdict = check(data, f"case{seed}.txt")
    assert verdict.kind not in FAILURES, verdict.detail


def test_the_loss_check_can_fail():
    """The contract is not vacuous: one character missing from <text> is caught."""
    from fuzz import _loss
    from tei import ConvertOptions, convert_bytes
    from tei.vocab import tei

    data = EXPORTS[0].read_bytes()
    tree = convert_bytes(data, "x", ConvertOptions(ocr=False)).tree
    paragraph = tree.getroot().find(f"{tei('text')}//{tei('p')}")
    paragraph.text = (paragraph.text or "")[1:]
    assert _loss(data, "x", tree) == "<text> is not the body"
