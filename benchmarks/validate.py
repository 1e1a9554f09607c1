"""`tei validate --schema tei_all` against jing, side by side: one file, and a folder of TEI files.

Both are timed the way users run them: the whole command, process start to exit (best of --runs).
The folder is the 134 TEI Guidelines files of ../shared/tei-samples when it is beside the clone,
else the 17 of tests/tei-samples. jing is a Debian package: when it is missing the benchmark tries
`apt-get install -y jing` (as root) and otherwise prints tei's figures alone. It also checks that
both give the same verdict for every file, and prints in-process figures: loading tei_all, and
the cost of a pruned grammar per file, next to compiling tei_all whole in lxml (--whole).

    python benchmarks/validate.py [--runs 3] [--whole]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TEI_ALL = ROOT / "schemas" / "tei_all.rng"
SHARED_SAMPLES = ROOT.parent / "shared" / "tei-samples" / "TEI"
TRIMMED_SAMPLES = ROOT / "tests" / "tei-samples" / "TEI"
ONE_FILE = "P5/Exemplars/tei_enrich.tei.xml"


def jing_command() -> list[str] | None:
    """The jing command, installing the Debian package when it is missing and we may."""
    if shutil.which("jing"):
        return ["jing"]
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("jing not found; trying apt-get install -y jing", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "jing"], capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return ["jing"] if shutil.which("jing") else None


def best_of(runs: int, command: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        best = min(best, time.perf_counter() - started)
    return best, result


def tei_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "tei", "validate", "--schema", "tei_all", *args]


def jing_invalid(output: str, files: list[Path]) -> set[str]:
    """Files jing reported an error for (its lines are `path:line:col: error: message`)."""
    named = {str(file): file for file in files}
    invalid = set()
    for line in output.splitlines():
        for path in named:
            if line.startswith(path + ":"):
                invalid.add(path)
    return invalid


def in_process(files: list[Path], whole: bool) -> None:
    from lxml import etree

    from tei.schemas import builtin
    from tei.validate import check_tree, parse_document

    started = time.perf_counter()
    schemas = builtin("tei_all")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    for file in files:
        tree, _ = parse_document(file.read_bytes(), str(file))
        if tree is not None:
            check_tree(tree, str(file), schemas)
    per_file = (time.perf_counter() - started) / len(files)
    size = sum(file.stat().st_size for file in files)
    print(f"in-process: tei_all loaded in {loaded:.2f} s; then {per_file * 1000:.1f} ms per file "
          f"(parse, prune, compile, validate; {size / 1e6 / (per_file * len(files)):.1f} MB/s)")
    if whole:
        started = time.perf_counter()
        etree.RelaxNG(etree.parse(str(TEI_ALL)))
        print(f"in-process: compiling tei_all whole with lxml, as before: {time.perf_counter() - started:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs (default %(default)s)")
    parser.add_argument("--whole", action="store_true", help="also time compiling tei_all whole in lxml (~15 s)")
    args = parser.parse_args()

    folder = SHARED_SAMPLES if SHARED_SAMPLES.is_dir() else TRIMMED_SAMPLES
    files = sorted(folder.rglob("*.xml"))
    one = folder / ONE_FILE
    jing = jing_command()
    print(f"one file: {one.relative_to(folder.parent)} ({one.stat().st_size / 1000:.1f} kB); folder: {len(files)} files "
          f"of {folder.parent} ({sum(f.stat().st_size for f in files) / 1e6:.1f} MB); best of {args.runs}")

    rows = []
    tei_one, _ = best_of(args.runs, tei_command(str(one)))
    tei_folder, ours = best_of(args.runs, tei_command("--format", "json", str(folder)))
    jing_one = jing_folder = None
    if jing:
        jing_one, _ = best_of(args.runs, [*jing, str(TEI_ALL), str(one)])
        jing_folder, theirs = best_of(args.runs, [*jing, str(TEI_ALL), *map(str, files)])
    for label, mine, other in (("one file", tei_one, jing_one), (f"{len(files)} files", tei_folder, jing_folder)):
        versus = f"   jing {other:6.2f} s   tei is {other / mine:.1f}x faster" if other else "   (jing not available)"
        rows.append(f"  {label:10} tei {mine:6.2f} s{versus}")
    print("\n".join(rows))

    records = [json.loads(line) for line in ours.stdout.splitlines()]
    tei_invalid = {record["file"] for record in records if not record["valid"]}
    print(f"tei: {len(records) - len(tei_invalid)} of {len(records)} valid")
    if jing:
        theirs_invalid = jing_invalid(theirs.stdout.decode(errors="replace"), files)
        differ = sorted(tei_invalid ^ theirs_invalid)
        print(f"jing: {len(files) - len(theirs_invalid)} of {len(files)} valid; same verdict on "
              f"{len(files) - len(differ)} of {len(files)}" + (f"; differ: {', '.join(differ)}" if differ else ""))
    in_process(files, args.whole)
    return 0


if __name__ == "__main__":
    sys.exit(main())
