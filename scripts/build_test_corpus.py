"""Rebuild tests/data/corpus, the trimmed dev set the test suite runs on, from ../shared/corpus.

The full dev corpus (150 documents with their gold) stays in ../shared; the suite needs a small
part of it on a fresh clone. Chosen here, by rule so that the slices are not picked for their
scores: every 2nd letter of the letter gold (seg_gold, sorted by name), every 4th line of the OCR
gold (ocr_gold.jsonl, in file order), and by hand one document for each kind of input the
converter must handle (range and list dates, no date, headings, a description, an empty body,
very short and long bodies, …). Every chosen document keeps all its gold: its
seg_gold file, its ocr_gold.jsonl line and its clean counterpart in ocr_ref/. The list, with the
reasons, is written to tests/data/corpus/README.md.

    python scripts/build_test_corpus.py [--shared ../shared] [--out tests/data/corpus]
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

from tei.reader import read_export

ROOT = Path(__file__).resolve().parents[1]
LETTER_GOLD_EVERY = 2
OCR_GOLD_EVERY = 4
BY_HAND = {
    "0d8c933c59__45f85d41": "an empty body",
    "557902b361__CCRD-shzygz": "a very short letter (73 characters)",
    "a73f8a2b35__GPCRv3": "a very short note whose title names a letter (对…来信的批语) but is none",
    "15f696159d__maoquanji24": "the one non-letter the letters step takes on: a directive sent as a telegram",
    "73a650c249__39f5c300": "a range date (是否是时间段 true) of two full dates, OCR'd",
    "552f607ade__wenji6": "a range date of two months, 19 `##` headings, a description; clean",
    "35058b6420__b2b674a1": "two dates that are not a range",
    "3bced4af00__60d25bc8": "no date",
    "2cf04d4ee3__wenji2": "a description (描述)",
    "364245283a__CCRD-fanyou": "several authors",
    "b40f569875__CCRD-dayuejin": "two authors",
    "d058fd903c__dd34d36b": "an OCR'd leaflet (images in the source)",
    "34c1c057e4__GPCRv3": "a clean speech, `#` and `##` headings: text never OCR'd, for the false-alarm rate",
    "d26c5d874d__d4ea93d0": "a long body (37,462 characters, the 4th longest), OCR'd; a range of two years",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "corpus")
    args = parser.parse_args()
    corpus = args.shared / "corpus"
    gold_lines = (corpus / "ocr_gold.jsonl").read_text(encoding="utf-8").splitlines()
    gold_stems = [Path(json.loads(line)["file"]).stem for line in gold_lines]
    letter_stems = sorted(path.stem for path in (corpus / "seg_gold").glob("*.json"))

    reasons: dict[str, list[str]] = {}
    for stem in letter_stems[::LETTER_GOLD_EVERY]:
        reasons.setdefault(stem, []).append(f"letter gold slice (every {LETTER_GOLD_EVERY}nd seg_gold file)")
    for stem in gold_stems[::OCR_GOLD_EVERY]:
        reasons.setdefault(stem, []).append(f"OCR gold slice (every {OCR_GOLD_EVERY}th ocr_gold.jsonl line)")
    for stem, reason in BY_HAND.items():
        reasons.setdefault(stem, []).append(reason)

    if args.out.exists():
        shutil.rmtree(args.out)
    (args.out / "seg_gold").mkdir(parents=True)
    (args.out / "ocr_ref").mkdir()
    with (corpus / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        manifest = list(csv.DictReader(handle, delimiter="\t"))
    rows = [row for row in manifest if Path(row["file"]).stem in reasons]
    assert len(rows) == len(reasons), "a chosen document is not in the manifest"
    with (args.out / "manifest.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(manifest[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    kept_gold = [line for line, stem in zip(gold_lines, gold_stems) if stem in reasons]
    (args.out / "ocr_gold.jsonl").write_text("".join(line + "\n" for line in kept_gold), encoding="utf-8")

    table = []
    letters = 0
    for row in sorted(rows, key=lambda row: row["file"]):
        stem = Path(row["file"]).stem
        shutil.copyfile(corpus / row["file"], args.out / row["file"])
        gold = []
        if (corpus / "seg_gold" / f"{stem}.json").exists():
            shutil.copyfile(corpus / "seg_gold" / f"{stem}.json", args.out / "seg_gold" / f"{stem}.json")
            gold.append("letters")
            letters += 1
        if stem in gold_stems:
            shutil.copyfile(corpus / "ocr_ref" / row["file"], args.out / "ocr_ref" / row["file"])
            gold.append("OCR")
        characters = len(read_export(corpus / row["file"]).body)
        table.append(f"| {stem} | {characters:,} | {row['selected_for']} | {'; '.join(reasons[stem])} | "
                     f"{', '.join(gold) or '–'} |")
    readme = README.format(
        documents=len(rows), letters=letters, ocr=len(kept_gold),
        ocr_all=len(gold_lines), letters_all=len(letter_stems), table="\n".join(table))
    (args.out / "README.md").write_text(readme, encoding="utf-8")
    print(f"{len(rows)} documents, {len(kept_gold)} OCR gold lines, written to {args.out}")


README = """# The trimmed dev set

{documents} documents of the dev corpus (`../shared/corpus`, 150 documents of banned-historical-archives
in the archive's text-export layout; see its README for the formats), with their gold: the letter
structure of {letters} of the {letters_all} gold letters (`seg_gold/`) and the OCR gold of {ocr} of the
{ocr_all} gold documents (`ocr_gold.jsonl`, their clean counterparts in `ocr_ref/`). The files are
copies, byte for byte; `manifest.tsv` holds their rows of the corpus manifest.

The test suite runs on this set by default, so that it is complete on a fresh clone; the same
tests run on the full corpus with `python -m pytest -m corpus --corpus=../shared/corpus` (what
`.ci/run` does when `../shared` is beside the clone). Regenerate the set with
`python scripts/build_test_corpus.py`, which also writes this file.

How the documents were chosen, by rule so that the gold slices are not picked for their scores:
every 2nd letter of the letter gold (by file name), every 4th line of `ocr_gold.jsonl`, and by
hand one document for each kind of input the converter must handle. The corpus has no `> `
quotation part; the seed and `tests/inputs/odd/` cover quotations. The two longest documents
(92,831 and 105,638 characters) and headings three deep (`###`) are left to the full corpus: with
OCR marking they would double the time the suite takes (`tests/test_convert.py` nests `###`
sections, and `tests/test_cli.py` converts a generated 10 MB body).

| document | body characters | manifest `selected_for` | why it is here | gold |
| --- | ---: | --- | --- | --- |
{table}
"""


if __name__ == "__main__":
    main()
