"""Simplified or traditional script, for xml:lang and langUsage (zh-Hans / zh-Hant)."""
from __future__ import annotations

# Frequent characters that exist only in traditional orthography (their simplified forms differ).
# OCR of simplified print produces a few of them as stray variants (説, 眞, 綫), so the decision
# rests on their share of the text, not on their presence.
_TRADITIONAL_ONLY = frozenset(
    "這個們來說説國對會時為爲後與從當經無還進過動應關開問學實點門長電見間氣業義體發現機"
    "頭種樣聽講東題論給產黨運區將處議軍認識讓請紅衛條資報總統戰鬥階級眞綫變歷歲計劃農線傳"
    "隊團員組織幹邊親聯幾書寫讀買賣車馬鳥魚龍風飛"
)
_THRESHOLD = 0.05


def detect_language(text: str) -> str:
    """`zh-Hant` when traditional-only characters make up a notable share of the CJK text, else `zh-Hans`."""
    cjk = traditional = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            cjk += 1
            traditional += ch in _TRADITIONAL_ONLY
    return "zh-Hant" if cjk and traditional / cjk >= _THRESHOLD else "zh-Hans"
