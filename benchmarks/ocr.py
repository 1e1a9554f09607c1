"""Throughput of the OCR marking step (tei.ocr.find_suspects) on the dev corpus bodies.

Prints body characters per CPU second (one process, one core; data loading excluded and measured
apart), wall time and peak RSS.

    python benchmarks/ocr.py [CORPUS_DIR] [--repeat N] [--every K]

By default every 3rd body (about 25 s); --every 1 takes them all (about 75 s).
"""
from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core: numpy's BLAS would otherwise start threads

from tei.ocr import find_suspects  # noqa: E402
from tei.charlm import char_lm  # noqa: E402
from tei.resources import ocr_model  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def bodies(corpus: Path) -> list[str]:
    """The 正文 body of every export in corpus."""
    out = []
    for path in sorted(corpus.glob("*.txt")):
        txt = path.read_text(encoding="utf-8")
        out.append(txt[txt.index("正文：\n") + 4 : txt.rindex("\n\n描述：\n")])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--every", type=int, default=3, help="score every K-th body (1: all)")
    a = ap.parse_args()
    texts = bodies(a.corpus)[:: a.every]
    start = time.perf_counter()
    char_lm(), ocr_model(), find_suspects("")
    load = time.perf_counter() - start
    chars = flags = 0
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(a.repeat):
        for text in texts:
            flags += len(find_suspects(text))
            chars += len(text)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(texts)} bodies, {chars} chars, {flags} suspects: {chars / cpu:,.0f} chars/s per core "
          f"({cpu:.2f} s CPU, {took:.2f} s wall; data load {load:.2f} s; peak RSS {rss:.0f} MB)")


if __name__ == "__main__":
    main()
