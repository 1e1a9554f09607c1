"""The archive's JSON against its text export, as users run it: `tei convert --no-ocr --jobs 2`,
the whole command, on the archive sample (480 articles in the layout of a checkout of the
archive's `parsed` branch), on the same articles as text exports (rendered from the JSON with the
export's rules: tei.archive.export_text, byte for byte what the archive exports), and on a
synthetic checkout of N copies of the sample in the same layout (hard links), with the peak memory
of the largest process. Flat memory: the peak does not grow with the number of articles.

    python benchmarks/archive.py [SAMPLE_DIR] [--copies N] [--jobs J] [--repeat R]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tei.archive import export_text, read_article
from tei.batch import is_input

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SAMPLE = ROOT.parent / "shared" / "archive-sample"
CHECKOUT = 48_406
"""Articles in the three archive repositories the sample comes from."""
_MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True)
elapsed = time.perf_counter() - started
if done.returncode:
    sys.exit(done.stderr.decode()[-2000:])
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def convert(source: Path, out: Path, jobs: int) -> tuple[float, float]:
    """Wall seconds of `tei convert SOURCE -o OUT --no-ocr --jobs J` and the peak RSS (MB) of its
    largest process, measured from a fresh parent so that no earlier run counts."""
    command = [sys.executable, "-m", "tei", "convert", str(source), "-o", str(out), "--no-ocr", "--jobs", str(jobs), "-q"]
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=out.parent)
    seconds, peak_kb = done.stdout.split()
    return float(seconds), int(peak_kb) / 1024


def best(source: Path, scratch: Path, jobs: int, repeat: int) -> tuple[float, float]:
    runs = []
    for index in range(repeat):
        runs.append(convert(source, scratch / f"out-{source.name}-{index}", jobs))
    return min(seconds for seconds, _ in runs), max(peak for _, peak in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", nargs="?", type=Path, default=DEFAULT_SAMPLE)
    parser.add_argument("--copies", type=int, default=5, help="copies of the sample in the synthetic checkout")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2, help="runs of the sample and the exports (best time)")
    args = parser.parse_args()
    articles = sorted(path for path in args.sample.rglob("*.json") if is_input(path))
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        exports = scratch / "exports"
        for article in articles:
            target = exports / article.relative_to(args.sample).with_suffix(".txt")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(export_text(read_article(article)), encoding="utf-8")
        checkout = scratch / "checkout"
        for copy in range(args.copies):
            for source in args.sample.rglob("*"):
                if source.is_file():
                    target = checkout / f"copy{copy}" / source.relative_to(args.sample)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.link(source, target)
        body_chars = sum(len(read_article(article).body) for article in articles)
        print(f"sample: {len(articles)} articles, {body_chars:,} body characters; tei convert --no-ocr "
              f"--jobs {args.jobs}, whole command, wall time (best of {args.repeat}), peak RSS of the largest process")
        json_time, json_peak = best(args.sample, scratch, args.jobs, args.repeat)
        txt_time, txt_peak = best(exports, scratch, args.jobs, args.repeat)
        big_time, big_peak = best(checkout, scratch, args.jobs, 1)
        total = len(articles) * args.copies
        rows = [("the sample's JSON", len(articles), json_time, json_peak),
                ("the same articles as text exports", len(articles), txt_time, txt_peak),
                (f"{args.copies} copies of the sample (JSON)", total, big_time, big_peak)]
        for label, count, seconds, peak in rows:
            print(f"  {label:38} {count:6} articles {seconds:7.2f} s {count / seconds:7.0f} articles/s "
                  f"{peak:6.0f} MB")
        print(f"JSON / export time on the same articles: {json_time / txt_time:.2f}x; memory at "
              f"{args.copies}x the articles: {big_peak / json_peak:.2f}x the sample's; "
              f"{CHECKOUT:,} articles at the {args.copies}x rate: about {CHECKOUT / (total / big_time):.0f} s")
        print(json.dumps({"json_s": json_time, "export_s": txt_time, "copies_s": big_time, "copies": args.copies,
                          "json_mb": json_peak, "export_mb": txt_peak, "copies_mb": big_peak}))


if __name__ == "__main__":
    main()
