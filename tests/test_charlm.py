"""tei.charlm: n-gram lookup, chains and log probabilities of the packaged character model."""
from __future__ import annotations

import numpy as np
import pytest

from tei.charlm import NONE, ORDER, char_lm


def ids_of(text: str) -> np.ndarray:
    lm = char_lm()
    return lm.encode(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32))


def test_encode_pads_with_line_boundaries_and_maps_unknown_characters_to_1() -> None:
    ids = ids_of("的\U0010fffd")
    assert ids.tolist() == [0] * (ORDER - 1) + [int(char_lm().lut[ord("的")]), 1] + [0] * (ORDER - 1)


def test_chains_name_each_ngram_by_its_entry_and_find_agrees() -> None:
    lm = char_lm()
    ids = ids_of("中国共产党")
    chain = lm.chains(ids)
    at = ORDER - 1 + 4  # 党
    assert chain[at, 0] == ids[at]
    for n in range(2, ORDER + 1):
        assert chain[at, n - 1] >= 0
        assert chain[at, n - 1] == lm.find(n, chain[at - 1, n - 2 : n - 1], ids[at : at + 1])[0]
        assert lm.last_token(n, chain[at, n - 1 : n])[0] == ids[at]


def test_find_says_none_for_an_unseen_ngram_or_context() -> None:
    lm = char_lm()
    ids = ids_of("党党党党")
    chain = lm.chains(ids)
    assert chain[ORDER + 2, ORDER - 1] == NONE
    assert lm.find(3, np.array([NONE]), ids[:1])[0] == NONE


def test_children_of_a_context_are_its_held_continuations() -> None:
    lm = char_lm()
    ids = ids_of("帝国主")
    context = lm.chains(ids)[ORDER - 1 + 2, 2:3]  # the trigram 帝国主
    start, end = lm.children(ORDER, context)
    tokens = lm.last_token(ORDER, np.arange(start[0], end[0]))
    assert lm.lut[ord("义")] in tokens.tolist()
    best = np.argmax(lm.entry_logp(ORDER, np.arange(start[0], end[0])))
    assert tokens[best] == lm.lut[ord("义")]


def test_logprob_prefers_the_right_text() -> None:
    lm = char_lm()
    right, wrong = (lm.text_logprob(ids_of(t)).sum() for t in ("我们反对阶级敌人", "我们反对阶毅敌人"))
    assert right > wrong + 10


@pytest.mark.parametrize("text", ["我们反对阶级敌人的斗争。\n\n第二段", "abc 123", "𠀀𠀁"])
def test_logprob_of_chains_matches_text_logprob(text: str) -> None:
    lm = char_lm()
    ids = ids_of(text)
    chain = lm.chains(ids)
    logprob, order = lm.logprob(chain[1:], chain[:-1])
    assert np.allclose(logprob, lm.text_logprob(ids))
    assert np.all((order >= 1) & (order <= ORDER)) and np.all(logprob < 0)
