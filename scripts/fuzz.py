"""Fuzz `tei convert` (and what reads its output back) and check the contract of issue #16.

    python scripts/fuzz.py [--cases 4000] [--articles 1000] [--first 0] [--ocr-every 10]
                           [--corpus ../shared/corpus] [--archive ../shared/archive-sample] [--time-limit 120]

1. In-process: `--cases` inputs, half of them mutants of the corpus's exports, half generated from
   scratch (tests/fuzz.py says how), each converted (OCR marking on for every `--ocr-every`-th) in a
   worker process with a time limit, and judged by tests/fuzz.check: rejected with one line, or
   converted valid (project schema and tei_all) and lossless, and read back by totext and preview;
   never a crash, a hang (past `--time-limit` seconds), a document the converter could not make
   valid, a loss. Then `--articles` mutants of the archive's JSON articles (tests/fuzz.mutate_article),
   held to the same contract. Case k is made from seed `--first` + k: the same command makes the
   same inputs, another `--first` new ones.
2. The whole command: every 10th case as a file of one folder, `tei convert DIR -o OUT --jobs 2
   --no-ocr` in a new process: exit 0 or 1, no traceback, every rejection printed once, outputs for
   exactly the converted cases, `tei validate OUT` exit 0; run again, every output up to date.
3. Hostile TEI for the commands that read it (deep nesting, no <text>, entities, not XML, a FIFO,
   closed and full stdout): `tei totext`, `preview`, `cmif`, `validate` give one line and their exit
   code, never a traceback or a hang.

Prints the counts by kind and source; exit status 1 when any case breaks the contract.
"""
from __future__ import annotations

import argparse
import collections
import itertools
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fuzz import FAILURES, Verdict, check, check_article, generate, mutate, mutate_article  # noqa: E402
from tei import ConvertOptions  # noqa: E402
from tei.worker import TimedWorker, WorkerError  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "archive-sample"
SOURCES = ("mutant", "generated", "article")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def case(seed: int, exports: list[Path]) -> tuple[str, bytes]:
    """The input of case `seed`: ("mutant" or "generated", its bytes)."""
    rng = random.Random(seed)
    if seed % 2:
        return "mutant", mutate(exports[rng.randrange(len(exports))].read_bytes(), rng)
    return "generated", generate(rng)


def article_case(seed: int, articles: list[Path]) -> bytes:
    """The input of article case `seed`: a mutant of one of the archive's JSON articles."""
    rng = random.Random(seed)
    return mutate_article(articles[rng.randrange(len(articles))].read_bytes(), rng)


def _check(data: bytes, name: str, ocr: bool) -> Verdict:
    judge = check_article if name.endswith(".json") else check
    return judge(data, name, ConvertOptions(ocr=ocr))


def in_process(args: argparse.Namespace, exports: list[Path],
               articles: list[Path]) -> tuple[collections.Counter, list[str], dict[str, str]]:
    """Counts by (source, kind), the failures, and the verdict of every 10th export case (for whole_command)."""
    counts: collections.Counter = collections.Counter()
    failures: list[str] = []
    verdicts: dict[str, str] = {}
    inputs = itertools.chain(((seed, *case(seed, exports), f"case{seed}.txt") for seed in _seeds(args, args.cases)),
                             ((seed, "article", article_case(seed, articles), f"article{seed}.json")
                              for seed in _seeds(args, args.articles)))  # made one at a time: a mutant can be long
    with TimedWorker(_check, args.time_limit) as worker:
        for done, (seed, source, data, name) in enumerate(inputs, start=1):
            ocr = seed % args.ocr_every == 0
            try:
                verdict = worker(data, name, ocr) or Verdict("hang", f"over {args.time_limit} s")
            except WorkerError as err:
                verdict = Verdict("crash", str(err).strip().splitlines()[-1])
            counts[source, verdict.kind] += 1
            counts["ocr", verdict.kind] += ocr
            if seed % 10 == 0 and source != "article":
                verdicts[f"case{seed}"] = verdict.kind
            if verdict.kind in (*FAILURES, "hang"):
                failures.append(f"{name} ({source}{', OCR' if ocr else ''}): {verdict.kind}: {verdict.detail}")
            if done % 500 == 0:
                print(f"  {done} cases …", flush=True)
    return counts, failures, verdicts


def _seeds(args: argparse.Namespace, count: int) -> range:
    return range(args.first, args.first + count)


def run(*args: str, stdin: bytes | None = None, stdout=subprocess.PIPE, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tei", *args], input=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          env=ENV, timeout=timeout)


def whole_command(args: argparse.Namespace, exports: list[Path], verdicts: dict[str, str]) -> list[str]:
    problems = []
    chosen = [seed for seed in _seeds(args, args.cases) if seed % 10 == 0]
    if not chosen:
        print("  tei convert over every 10th export case: none among the cases, not run")
        return problems
    with tempfile.TemporaryDirectory() as folder:
        inputs, out = Path(folder) / "in", Path(folder) / "out"
        inputs.mkdir()
        for seed in chosen:
            (inputs / f"case{seed}.txt").write_bytes(case(seed, exports)[1])
        done = run("convert", str(inputs), "-o", str(out), "--jobs", "2", "--no-ocr")
        stderr = done.stderr.decode("utf-8", "replace")
        if done.returncode not in (0, 1) or "Traceback" in stderr:
            problems.append(f"tei convert: exit {done.returncode}: {stderr[-500:]}")
        named = collections.Counter(match.group(1) for match in re.finditer(r"^\S*/(case\d+)\.txt:\d+: ", stderr, re.M))
        if any(count > 1 for count in named.values()):
            problems.append(f"rejections printed more than once: {[name for name, count in named.items() if count > 1]}")
        made = {path.stem for path in out.glob("*.xml")}
        expected = {name for name, kind in verdicts.items() if kind == "converted"}
        if made != expected:
            problems.append(f"outputs differ from the in-process verdicts: {sorted(made ^ expected)[:5]}")
        checked = run("validate", str(out)) if made else None  # every case rejected: no folder to check
        if checked and checked.returncode != 0:
            problems.append(f"tei validate OUT: exit {checked.returncode}: {checked.stdout[:300]!r}")
        again = run("convert", str(inputs), "-o", str(out), "--jobs", "2", "--no-ocr")
        if f"converted 0 of {len(list(inputs.iterdir()))} file(s)" not in again.stderr.decode():
            problems.append(f"a second run redid work: {again.stderr.decode()[-300:]}")
        validated = f"exit {checked.returncode}" if checked else "nothing to check"
        print(f"  tei convert over {len(list(inputs.iterdir()))} cases: exit {done.returncode}, {len(made)} written, "
              f"{len(named)} rejected; tei validate: {validated}; second run: "
              f"{again.stderr.decode().strip().splitlines()[-1]}")
    return problems


HOSTILE = {
    "deep hi": '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>' + "<hi>" * 1000 + "x" + "</hi>" * 1000
               + "</p></body></text></TEI>",
    "deep div": '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>' + "<div>" * 2000 + "<p>x</p>" + "</div>" * 2000
                + "</body></text></TEI>",
    "too deep": "<TEI>" + "<div>" * 100_000 + "</div>" * 100_000 + "</TEI>",
    "no text": '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/></TEI>',
    "entities": '<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY x SYSTEM "file:///etc/passwd">]><TEI xmlns="http://www.tei-c.org/ns/1.0"><text>&b;&x;</text></TEI>',
    "not XML": "<TEI><p></TEI>",
    "empty": "",
    "binary": "\x89PNG\r\n\x1a\n\x00\x00",
    "wrong namespace": '<TEI xmlns="urn:other"><text><body><p>x</p></body></text></TEI>',
}


def hostile_tei() -> list[str]:
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        for name, text in HOSTILE.items():
            path = Path(folder) / f"{name.replace(' ', '-')}.xml"
            path.write_text(text, encoding="utf-8")
            for command in (["totext"], ["preview"], ["cmif", "--url", "https://example.org/l.xml"], ["validate"]):
                try:
                    done = run(*command, str(path), timeout=120)
                except subprocess.TimeoutExpired:
                    problems.append(f"tei {command[0]} on {name}: hangs")
                    continue
                stderr = done.stderr.decode("utf-8", "replace")
                if "Traceback" in stderr or done.returncode not in (0, 1, 2):
                    problems.append(f"tei {command[0]} on {name}: exit {done.returncode}: {stderr[-300:]}")
        seed = ROOT / "seeds" / "000_40c4c9e224be5acb.txt"
        os.mkfifo(Path(folder) / "fifo.xml")  # nobody writes to them: a read would block for good
        os.mkfifo(Path(folder) / "fifo.txt")
        (Path(folder) / "zero.txt").symlink_to("/dev/zero")  # a read would never end
        (Path(folder) / seed.name).symlink_to(seed)
        for command in (["validate", folder], ["convert", "--no-ocr", folder, "-o", str(Path(folder) / "out")]):
            try:
                run(*command, timeout=120)
            except subprocess.TimeoutExpired:
                problems.append(f"tei {command[0]} with a FIFO or /dev/zero in the folder: hangs")
        good = Path(folder) / "good" / "seed.xml"
        run("convert", "--no-ocr", str(seed), "-o", str(good))
        for command in (["totext", str(good)], ["preview", str(good)], ["convert", "--no-ocr", str(seed)],
                        ["ocr", str(seed)], ["cmif", "--url", "https://example.org/l.xml", str(good)]):
            with open("/dev/full", "wb") as full:
                done = run(*command, stdout=full, timeout=120)
            if done.returncode != 2 or b"Traceback" in done.stderr:
                problems.append(f"tei {command[0]} > /dev/full: exit {done.returncode}: {done.stderr[-200:]!r}")
    return problems


def _at_least_one(text: str) -> int:
    """An argument that is a whole number of at least 1 (a count to divide by)."""
    if not text.strip().isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")
    return int(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=4000)
    parser.add_argument("--articles", type=int, default=1000, help="cases made from the archive's JSON articles")
    parser.add_argument("--first", type=int, default=0, help="seed of the first case (another value makes other inputs)")
    parser.add_argument("--ocr-every", type=_at_least_one, default=10, help="OCR marking on for one case in K")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS if DEFAULT_CORPUS.is_dir() else ROOT / "tests" / "data" / "corpus")
    parser.add_argument("--archive", type=Path,
                        default=DEFAULT_ARCHIVE if DEFAULT_ARCHIVE.is_dir() else ROOT / "tests" / "data" / "archive")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds a case may take before it is a hang")
    args = parser.parse_args()
    exports, articles = sorted(args.corpus.glob("*.txt")), sorted(args.archive.glob("**/*.json"))
    started = time.perf_counter()
    print(f"{args.cases} cases (mutants of {len(exports)} exports of {args.corpus}, and generated) and {args.articles} "
          f"mutants of {len(articles)} articles of {args.archive}, OCR marking on one case in {args.ocr_every}", flush=True)
    counts, failures, verdicts = in_process(args, exports, articles)
    kinds = sorted({kind for (_, kind) in counts})
    for source in (*SOURCES, "ocr"):
        print(f"  {source:9s} " + ", ".join(f"{kind} {counts[source, kind]}" for kind in kinds))
    print("  contract: " + ", ".join(f"{kind} {sum(counts[s, kind] for s in SOURCES)}"
                                     for kind in ("crash", "hang", "unmade", "invalid", "lossy", "bad-message")))
    failures += whole_command(args, exports, verdicts)
    failures += hostile_tei()
    for failure in failures[:40]:
        print("FAIL", failure)
    print(f"{len(failures)} failure(s) in {time.perf_counter() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
