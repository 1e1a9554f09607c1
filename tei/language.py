"""Simplified or traditional script, for xml:lang and langUsage (zh-Hans / zh-Hant)."""
from __future__ import annotations

import re

# Frequent characters that exist only in traditional orthography (their simplified forms differ).
# OCR of simplified print produces a few of them as stray variants (説, 眞, 綫), so the decision
# rests on their share of the text, not on their presence.
_TRADITIONAL_ONLY = frozenset(
    "這個們來說説國對會時為爲後與從當經無還進過動應關開問學實點門長電見間氣業義體發現機"
    "頭種樣聽講東題論給產黨運區將處議軍認識讓請紅衛條資報總統戰鬥階級眞綫變歷歲計劃農線傳"
    "隊團員組織幹邊親聯幾書寫讀買賣車馬鳥魚龍風飛"
)
_THRESHOLD = 0.03
_SAMPLE = 4_000
_TRADITIONAL = re.compile("[" + "".join(sorted(_TRADITIONAL_ONLY)) + "]")


def detect_language(text: str) -> str:
    """`zh-Hant` when traditional-only characters make up a notable share of the text, else `zh-Hans`.

    Judged on the first 4,000 characters (a script does not change mid-document), as a share of
    all characters: counting CJK ones separately would cost more than the rest of the conversion.
    """
    sample = text[:_SAMPLE]
    return "zh-Hant" if sample and len(_TRADITIONAL.findall(sample)) / len(sample) >= _THRESHOLD else "zh-Hans"
