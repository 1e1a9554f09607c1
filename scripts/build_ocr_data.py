"""Rebuild all of the OCR step's data in tei/data, in order, and report each step's time and memory.

Runs build_confusions.py, build_lm.py, build_glyphs.py, build_radicals.py, build_ocr_model.py and
build_ocr_calibration.py one after the other (each needs the files the ones before it wrote), each in
its own process, and prints per step its wall time and peak resident memory, then the files' sha256
and sizes as tei/data/SOURCES.md lists them. Needs ../shared beside the clone, Pillow and the fonts
named in build_glyphs.py, and Debian's unicode-data (build_radicals.py). Stops at the first step
that fails.

    python scripts/build_ocr_data.py [--from STEP]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("build_confusions", "build_lm", "build_glyphs", "build_radicals", "build_ocr_model", "build_ocr_calibration")
DATA = ("charlm.npy", "charlm.json", "glyphs.tsv", "radicals.tsv", "confusions.tsv", "ocr_calibration.json",
        "ocr_model.json")


def run(step: str) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one build script, run from the repository root."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, str(ROOT / "scripts" / f"{step}.py")], cwd=ROOT, env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{step}.py failed (exit {os.waitstatus_to_exitcode(status)})")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--from", dest="first", choices=STEPS, default=STEPS[0], help="skip the steps before this one")
    a = ap.parse_args()
    rows = []
    for step in STEPS[STEPS.index(a.first):]:
        seconds, mb = run(step)
        rows.append(f"| `{step}.py` | {seconds:.0f} s | {mb:,.0f} MB |")
    print("\n| step | wall time | peak memory |\n|---|---|---|\n" + "\n".join(rows) + "\n")
    for name in DATA:
        raw = (ROOT / "tei" / "data" / name).read_bytes()
        print(f"| {name} | {hashlib.sha256(raw).hexdigest()} | {len(raw)} |")


if __name__ == "__main__":
    main()
