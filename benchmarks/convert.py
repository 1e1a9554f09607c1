"""Conversion throughput on the dev corpus against a floor, with and without OCR marking.

The floor reads each file with the package's reader (tei.read_export), builds a minimal TEI
(header title, one <p> per part) with lxml and writes it: the least any converter must do. The
target for `tei convert --no-ocr --jobs 1` is 3x. OCR marking runs once, on every 3rd document
(about 25 s; its ratio is per character against the floor's), so the whole benchmark takes under
a minute.

    python benchmarks/convert.py [CORPUS_DIR] [--repeat N] [--skip-ocr] [--ocr-every K] [--cpu]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from lxml import etree

from tei import ConvertOptions, convert_file, read_export, serialize, write_atomic

TEI_NS = "http://www.tei-c.org/ns/1.0"
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def floor(paths: list[Path], out: Path) -> None:
    for path in paths:
        document = read_export(path)
        root = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
        header = etree.SubElement(root, f"{{{TEI_NS}}}teiHeader")
        etree.SubElement(etree.SubElement(etree.SubElement(header, f"{{{TEI_NS}}}fileDesc"),
                                          f"{{{TEI_NS}}}titleStmt"), f"{{{TEI_NS}}}title").text = document.header.title
        text_body = etree.SubElement(etree.SubElement(root, f"{{{TEI_NS}}}text"), f"{{{TEI_NS}}}body")
        for part in document.body.split("\n\n"):
            etree.SubElement(text_body, f"{{{TEI_NS}}}p").text = part
        (out / f"{path.stem}.xml").write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def pipeline(options: ConvertOptions):
    def run(paths: list[Path], out: Path) -> None:
        for path in paths:
            write_atomic(out / f"{path.stem}.xml", serialize(convert_file(path, options).tree))
    return run


def best_times(jobs: list, paths: list[Path], repeat: int, clock=time.perf_counter) -> list[float]:
    """Best time of each job over `repeat` rounds by `clock` (wall time by default); the jobs take
    turns in every round, so a busy spell on the machine slows all of them rather than one."""
    timings: list[list[float]] = [[] for _ in jobs]
    for _ in range(repeat):
        for job, times in zip(jobs, timings):
            with tempfile.TemporaryDirectory() as out:
                started = clock()
                job(paths, Path(out))
                times.append(clock() - started)
    return [min(times) for times in timings]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--skip-ocr", action="store_true", help="leave out the OCR-marking run (about 25 s)")
    parser.add_argument("--ocr-every", type=int, default=3, help="OCR run on every K-th document (1: all, about 75 s)")
    parser.add_argument("--cpu", action="store_true",
                        help="time by this process's CPU time, not wall time: steadier when other jobs share "
                             "the machine, but blind to waiting for the disk")
    args = parser.parse_args()
    clock = time.process_time if args.cpu else time.perf_counter
    paths = sorted(args.corpus.glob("*.txt"))
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    base, no_ocr = best_times([floor, pipeline(ConvertOptions(ocr=False))], paths, args.repeat, clock)
    rows = [("tei convert --no-ocr --jobs 1", paths, no_ocr)]
    if not args.skip_ocr:
        pipeline(ConvertOptions(ocr=True))(paths[:1], Path(tempfile.mkdtemp()))  # load OCR data once
        sample = paths[:: args.ocr_every]
        rows += [(f"tei convert --jobs 1 (OCR, 1 run, 1/{args.ocr_every} docs)", sample,
                  best_times([pipeline(ConvertOptions(ocr=True))], sample, 1, clock)[0])]
    print(f"corpus: {len(paths)} documents, {chars:,} characters; best of {args.repeat} runs, 1 process, "
          f"{'CPU' if args.cpu else 'wall'} time")
    print(f"{'floor (read, minimal lxml TEI, write)':46s} {base:7.3f} s {len(paths) / base:8.0f} docs/s {chars / base:12,.0f} chars/s   1.00x")
    for label, done, elapsed in rows:
        done_chars = sum(len(p.read_text(encoding="utf-8")) for p in done)
        print(f"{label:46s} {elapsed:7.3f} s {len(done) / elapsed:8.0f} docs/s {done_chars / elapsed:12,.0f} chars/s "
              f"{(elapsed / done_chars) / (base / chars):6.2f}x")


if __name__ == "__main__":
    main()
