"""Conversion throughput on the dev corpus against a floor, with and without OCR marking.

The floor reads each file, builds a minimal TEI (header title, one <p> per part) with lxml and
writes it: the least any converter must do. The target for `tei convert --no-ocr --jobs 1` is 3x.
OCR marking runs once (about 35 s on this corpus), so the whole benchmark takes under a minute.

    python benchmarks/convert.py [CORPUS_DIR] [--repeat N]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from lxml import etree

from tei import ConvertOptions, convert_file, serialize, write_atomic

TEI_NS = "http://www.tei-c.org/ns/1.0"
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def floor(paths: list[Path], out: Path) -> None:
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        title = raw.split("\n", 2)[1].partition("：")[2]
        body = raw[raw.find("正文：\n") + 4:]
        root = etree.Element(f"{{{TEI_NS}}}TEI", nsmap={None: TEI_NS})
        header = etree.SubElement(root, f"{{{TEI_NS}}}teiHeader")
        etree.SubElement(etree.SubElement(etree.SubElement(header, f"{{{TEI_NS}}}fileDesc"),
                                          f"{{{TEI_NS}}}titleStmt"), f"{{{TEI_NS}}}title").text = title
        text_body = etree.SubElement(etree.SubElement(root, f"{{{TEI_NS}}}text"), f"{{{TEI_NS}}}body")
        for part in body.split("\n\n"):
            etree.SubElement(text_body, f"{{{TEI_NS}}}p").text = part
        (out / f"{path.stem}.xml").write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def pipeline(options: ConvertOptions):
    def run(paths: list[Path], out: Path) -> None:
        for path in paths:
            write_atomic(out / f"{path.stem}.xml", serialize(convert_file(path, options).tree))
    return run


def best_time(job, paths: list[Path], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            job(paths, Path(out))
            timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = sorted(args.corpus.glob("*.txt"))
    chars = sum(len(p.read_text(encoding="utf-8")) for p in paths)
    pipeline(ConvertOptions(ocr=True))(paths[:1], Path(tempfile.mkdtemp()))  # load OCR data once
    base = best_time(floor, paths, args.repeat)
    print(f"corpus: {len(paths)} documents, {chars:,} characters; best of {args.repeat} runs, 1 process")
    print(f"{'floor (read, minimal lxml TEI, write)':44s} {base:7.3f} s {len(paths) / base:8.0f} docs/s {chars / base:12,.0f} chars/s   1.00x")
    for label, options, repeat in (("tei convert --no-ocr --jobs 1", ConvertOptions(ocr=False), args.repeat),
                                   ("tei convert --jobs 1 (OCR marking, 1 run)", ConvertOptions(ocr=True), 1)):
        elapsed = best_time(pipeline(options), paths, repeat)
        print(f"{label:44s} {elapsed:7.3f} s {len(paths) / elapsed:8.0f} docs/s {chars / elapsed:12,.0f} chars/s "
              f"{elapsed / base:6.2f}x")


if __name__ == "__main__":
    main()
