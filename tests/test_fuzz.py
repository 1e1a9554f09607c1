"""A quick run of the adversarial inputs of tests/fuzz.py (scripts/fuzz.py runs thousands): every
mutant of the trimmed dev set, every generated export and every mutant of the trimmed archive
sample's JSON articles is rejected with one line, or converted valid (project schema and tei_all)
and lossless."""
from __future__ import annotations

import random

import pytest

from conftest import DEV_SET, TESTS
from fuzz import FAILURES, check, check_article, generate, mutate, mutate_article

EXPORTS = sorted(DEV_SET.glob("*.txt"))
ARTICLES = sorted((TESTS / "data" / "archive").glob("**/*.json"))


@pytest.mark.parametrize("seed", range(40))
def test_mutants_and_generated_exports_keep_the_contract(seed):
    rng = random.Random(seed)
    data = mutate(EXPORTS[seed % len(EXPORTS)].read_bytes(), rng) if seed % 2 else generate(rng)
    verdict = check(data, f"case{seed}.txt")
    assert verdict.kind not in FAILURES, verdict.detail


@pytest.mark.parametrize("seed", range(20))
def test_mutants_of_articles_keep_the_contract(seed):
    rng = random.Random(seed)
    data = mutate_article(ARTICLES[rng.randrange(len(ARTICLES))].read_bytes(), rng)
    verdict = check_article(data, f"article{seed}.json")
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


def test_the_article_loss_check_can_fail():
    """For an article too: one character missing from <text> is caught."""
    from fuzz import _article_loss
    from tei import ConvertOptions, convert_document
    from tei.archive import parse_article
    from tei.vocab import tei

    data = next(path for path in ARTICLES if path.stem == "2096641adc").read_bytes()
    tree = convert_document(parse_article(data, "a.json", "a"), ConvertOptions(ocr=False)).tree
    assert _article_loss(data, "a.json", "a", tree) == ""
    description = tree.getroot().find(f"{tei('text')}//{tei('figDesc')}")
    description.text = description.text[1:]
    assert _article_loss(data, "a.json", "a", tree) == "<text> is not the parts' text"
