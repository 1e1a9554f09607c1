"""Per-character perplexity of the packaged character model (tei.charlm.char_lm) on the held-out
slice of ../shared/lmtext/archive-clean.txt.xz (the blocks build_lm.py does not count).

Uses whichever `tei` is importable, so two checkouts can be compared:

    PYTHONPATH=. python scripts/lm_perplexity.py [--lmtext PATH] [--limit CHARS]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_lm import LMTEXT, read_lmtext  # noqa: E402

from tei.charlm import ORDER, char_lm  # noqa: E402
from tei.ocr import CJK  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lmtext", type=Path, default=LMTEXT)
    ap.add_argument("--limit", type=int, default=0, help="only the first CHARS held-out characters")
    a = ap.parse_args()
    _train, held = read_lmtext(a.lmtext)
    if a.limit:
        held = held[: a.limit]
    lm = char_lm()
    cps = np.frombuffer(held.encode("utf-32-le"), dtype=np.uint32)
    lp = lm.text_logprob(lm.encode(cps))[ORDER - 2 : ORDER - 2 + len(cps)]
    cjk = np.array([bool(CJK.match(ch)) for ch in held])
    known = lm.lut[cps] >= 2
    print(f"{len(lp)} held-out chars: perplexity {np.exp(-lp.mean()):.3f} "
          f"(CJK {np.exp(-lp[cjk].mean()):.3f}; known tokens {np.exp(-lp[known].mean()):.3f}; "
          f"{int((~known).sum())} unknown)")


if __name__ == "__main__":
    main()
