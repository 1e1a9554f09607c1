"""`tei convert` on a folder as users run it: the second run over an unchanged corpus, Ctrl-C with
--jobs, and the memory of each worker process with OCR marking.

    python benchmarks/batch.py [CORPUS_DIR] [--ocr-every 5]

1. Incremental: the corpus converted once (`--no-ocr --jobs 2`, and with OCR marking a subset,
   every `--ocr-every`-th document), then again unchanged: wall time of both whole processes and
   what the second one did (its summary line: everything up to date).
2. Ctrl-C: a batch with OCR and `--jobs 2` is sent SIGINT (to its process group, as a terminal does)
   once its first output is written: the time until the process has ended, its exit status.
3. Memory: the same OCR batch with `--jobs 2`, sampled every 50 ms: peak RSS and PSS (proportional
   set size: pages shared with the parent and the other worker counted in parts) of each worker
   and of the parent; and the peak RSS of `--jobs 1` (one process does everything).

Linux only (/proc).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def tei(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tei", *args], stderr=subprocess.PIPE, env=ENV, **kwargs)


def timed(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    process = tei(*args)
    _, stderr = process.communicate()
    return time.perf_counter() - started, stderr.decode().strip().splitlines()[-1]


def incremental(corpus: Path, work: Path, ocr_every: int) -> None:
    print("1. a second run over an unchanged corpus (whole process, wall time)")
    subset = work / "subset"
    subset.mkdir()
    for path in sorted(corpus.glob("*.txt"))[::ocr_every]:
        shutil.copyfile(path, subset / path.name)
    for label, source, options in (("--no-ocr", corpus, ["--no-ocr"]), (f"OCR, every {ocr_every}th document", subset, [])):
        out = work / f"out-{len(options)}"
        first, _ = timed("convert", str(source), "-o", str(out), "--jobs", "2", *options)
        second, summary = timed("convert", str(source), "-o", str(out), "--jobs", "2", *options)
        print(f"   {label:28s} first run {first:6.2f} s, second run {second:5.2f} s ({first / second:5.1f}x less): {summary}")


def _children(pid: int) -> list[int]:
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        children.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    return children


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes, from /proc/PID/smaps_rollup; (0, 0) when the process is gone."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss"):
                    values[name] = int(rest.split()[0]) * 1024
    except OSError:
        return 0, 0
    return values.get("Rss", 0), values.get("Pss", 0)


def interrupt_and_memory(corpus: Path, work: Path, ocr_every: int) -> None:
    source = work / "subset"
    print(f"2. Ctrl-C during an OCR batch with --jobs 2 ({len(list(source.iterdir()))} documents)")
    out = work / "interrupted"
    process = tei("convert", str(source), "-o", str(out), "--jobs", "2", start_new_session=True)
    while not any(out.glob("*.xml")) and process.poll() is None:
        time.sleep(0.01)
    sent = time.perf_counter()
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate()
    leftovers = [path.name for path in out.iterdir() if path.name.endswith(".tmp")]
    print(f"   ended {time.perf_counter() - sent:.2f} s after SIGINT, exit {process.returncode}, "
          f"{len(list(out.glob('*.xml')))} output(s), {len(leftovers)} temporary file(s) left: {stderr.decode().strip()}")

    print("3. memory with OCR marking (peak over the run)")
    for jobs in (2, 1):
        out = work / f"memory-{jobs}"
        process = tei("convert", str(source), "-o", str(out), "--jobs", str(jobs))
        peaks: dict[str, list[int]] = {}
        while process.poll() is None:
            for role, pid in [("parent", process.pid)] + [(f"worker {pid}", pid) for pid in _children(process.pid)]:
                rss, pss = _memory(pid)
                peak = peaks.setdefault(role, [0, 0])
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            time.sleep(0.05)
        process.communicate()
        for role, (rss, pss) in peaks.items():
            print(f"   --jobs {jobs} {role:14s} peak RSS {rss / 2**20:6.0f} MB, peak PSS {pss / 2**20:6.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--ocr-every", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        incremental(args.corpus, Path(folder), args.ocr_every)
        interrupt_and_memory(args.corpus, Path(folder), args.ocr_every)


if __name__ == "__main__":
    main()
