"""Throughput of the OCR marking step on the dev corpus: in-process and in the `tei convert` command.

Prints, side by side:
- data load: a fresh process's time to load the step's data (tei.ocr.load_data) after importing tei;
- in-process: body characters per CPU second of tei.ocr.find_ocr_marks (one process, one core,
  data loading excluded), wall time and peak RSS;
- CLI: body characters per CPU second that OCR marking adds to `tei convert` (the whole process,
  run once with OCR marking and once with --no-ocr, one job, same files), and the wall time of
  `--jobs 2` against `--jobs 1` (the step calls no BLAS routine, so each process uses one core and
  jobs scale with the cores; the in-process line shows CPU/wall with numpy's default threads).

    python benchmarks/ocr.py [CORPUS_DIR] [--every K]

By default every 3rd body (about 30 s); --every 1 takes them all (about 90 s).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tei.ocr import find_ocr_marks, load_data
from tei.reader import read_export

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
LOAD = ("import time, tei; t = time.perf_counter(); from tei.ocr import load_data; load_data(); "
        "print(time.perf_counter() - t)")


def run(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of a command run to its end."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args)}: exit {os.waitstatus_to_exitcode(status)}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def convert(inputs: Path, jobs: int, ocr: bool) -> tuple[float, float]:
    """Wall and CPU seconds of `tei convert inputs` with `jobs` jobs, with or without OCR marking."""
    out = Path(tempfile.mkdtemp(prefix="tei-bench-"))
    try:
        return run([sys.executable, "-m", "tei", "convert", str(inputs), "-o", str(out), "-j", str(jobs),
                    *([] if ocr else ["--no-ocr"])])
    finally:
        shutil.rmtree(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--every", type=int, default=3, help="take every K-th document (1: all)")
    a = ap.parse_args()
    paths = sorted(a.corpus.glob("*.txt"))[:: a.every]
    bodies = [read_export(path).body for path in paths]
    chars = sum(map(len, bodies))

    loads = sorted(float(subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True,
                                        check=True).stdout) for _ in range(3))
    load_data()
    flags, start, cpu = 0, time.perf_counter(), time.process_time()
    for body in bodies:
        flags += len(find_ocr_marks(body).suspects)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(bodies)} bodies, {chars:,} chars, {flags} suspects")
    print(f"data load (fresh process, median of 3): {loads[1]:.3f} s")
    print(f"in-process: {chars / cpu:,.0f} chars/s per core ({cpu:.2f} s CPU, {took:.2f} s wall, CPU/wall {cpu / took:.2f} "
          f"with numpy's default threads; peak RSS {rss:.0f} MB)")

    with tempfile.TemporaryDirectory(prefix="tei-bench-in-") as tmp:
        for path in paths:
            shutil.copy(path, tmp)
        (off_wall, off_cpu), (on_wall, on_cpu) = convert(Path(tmp), 1, False), convert(Path(tmp), 1, True)
        off2_wall, _ = convert(Path(tmp), 2, False)
        on2_wall, _ = convert(Path(tmp), 2, True)
    print(f"CLI (tei convert, whole process, OCR on minus off, 1 job): {chars / (on_cpu - off_cpu):,.0f} chars/s "
          f"per core ({on_cpu:.2f} - {off_cpu:.2f} s CPU; wall {on_wall:.2f} - {off_wall:.2f} s)")
    print(f"CLI --jobs 2 against --jobs 1, OCR on minus off, wall: {(on_wall - off_wall) / (on_wall2 := on2_wall - off2_wall):.2f}x "
          f"({on_wall - off_wall:.2f} s -> {on_wall2:.2f} s; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
