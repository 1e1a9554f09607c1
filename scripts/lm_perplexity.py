"""Per-character perplexity of the packaged character model (tei.charlm.char_lm) on the held-out
slice of ../shared/lmtext/archive-clean.txt.xz (the blocks build_lm.py does not count).

Uses whichever `tei` is importable, so two checkouts can be compared:

    PYTHONPATH=. python scripts/lm_perplexity.py [--lmtext PATH] [--limit CHARS]
"""
from __future__ import annotations

import argparse
import lzma
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_lm import LMTEXT, sha256, LMTEXT_SHA256, split  # noqa: E402

from tei.charlm import ORDER, char_lm, counts, encode, logprob  # noqa: E402
from tei.ocr import CJK  # noqa: E402

CHUNK = 100_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lmtext", type=Path, default=LMTEXT)
    ap.add_argument("--limit", type=int, default=0, help="only the first CHARS held-out characters")
    a = ap.parse_args()
    if sha256(a.lmtext) != LMTEXT_SHA256:
        raise SystemExit(f"{a.lmtext}: sha256 differs from {LMTEXT_SHA256}")
    _train, held = split(lzma.decompress(a.lmtext.read_bytes()).decode("utf-8"))
    if a.limit:
        held = held[: a.limit]
    lm = char_lm()
    cps = np.frombuffer(held.encode("utf-32-le"), dtype=np.uint32)
    ids = encode(lm, cps)
    lps = []
    for at in range(ORDER - 1, ORDER - 1 + len(cps), CHUNK):
        ends = np.arange(at - 1, min(at + CHUNK, ORDER - 1 + len(cps)))
        c = counts(lm, ids, ends)
        lps.append(logprob(lm, np.stack([c[:-1], c[1:]], axis=1))[0][:, 0])
    lp = np.concatenate(lps)
    cjk = np.array([bool(CJK.match(ch)) for ch in held])
    known = lm.lut[cps] >= 2
    print(f"{len(lp)} held-out chars: perplexity {np.exp(-lp.mean()):.3f} "
          f"(CJK {np.exp(-lp[cjk].mean()):.3f}; known tokens {np.exp(-lp[known].mean()):.3f}; "
          f"{int((~known).sum())} unknown)")


if __name__ == "__main__":
    main()
