"""Where the OCR step's recall is lost on the dev gold, and how much candidates could win back (issue #15).

Prints, in-sample on ../shared/corpus/ocr_gold.jsonl (counted as ../shared/tools/score.py counts):
- how many of the gold's errors have their pair in the confusion table, only in the glyph table, or in
  neither (only the language model's own proposals can reach those);
- the step as shipped, and with its threshold moved: the precision/recall curve the settings trade on;
- how many of those unlisted errors have their pair in another gold document too: what learning
  pairs from more corrected documents of this kind could reach, scored leave-one-document-out;
- the errors found and missed by how improbable the printed character is in its place (-ln P after
  the three characters before it): whether the misses are characters the model finds fine (textual
  variants of the clean edition, 说 -> 忆) or ones it finds wrong without a good reading;
- an oracle: the gold's own pairs that no table holds added to the table with count 1 (as a confusion
  seen once). It shows what the decision model does with the right candidate when it has one, so
  whether recall is lost in making candidates or in scoring them;
- the flags on the corpus's clean documents, and the documents with the most (whether the bar on
  them measures false alarms or a text the manifest calls clean that was OCR'd elsewhere).

Nothing here is shipped or calibrated: it is the measurement behind the recall paragraph of the
README. About a minute.

    python scripts/ocr_headroom.py [--shared ../shared]
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_ocr_calibration import ROOT, GoldDocument, clean_documents, gold_documents, scored  # noqa: E402

from tei import ocr  # noqa: E402
from tei.charlm import char_lm  # noqa: E402
from tei.resources import OcrModel, confusions, glyph_neighbours, ocr_model, protected_terms  # noqa: E402

THRESHOLD_MOVES = (-0.5, 0.5)
SURPRISE_EDGES = (3.0, 5.0, 7.0, 10.0)
"""Bins of -ln P of the printed character (ocr.GATE is 3: below it no candidate is looked at)."""
CLEAN_SHOWN = 3
"""Clean documents named with their flags, those with the most first."""


def gold_errors(doc: GoldDocument):
    """(body offset, printed character, right character) of each CJK error of doc's gold."""
    for offset, position in enumerate(doc.index[:-1]):
        right, printed = doc.errors.get(position), doc.body[offset]
        if right is not None and ocr.CJK.fullmatch(printed):
            yield offset, printed, right


def unlisted_pairs(docs: list[GoldDocument]) -> tuple[Counter, set[tuple[str, str]], int]:
    """How many gold errors each table reaches, the (printed, right) pairs no table holds, and how
    many of the errors with such a pair have it in another document's gold too."""
    listed = {w: {r for r, _n in rights} for w, rights in confusions().items()}
    similar = {w: {r for r, _s in row} for w, row in glyph_neighbours().items()}
    reach, missing, where = Counter(), set(), defaultdict(set)
    for k, doc in enumerate(docs):
        for _offset, printed, right in gold_errors(doc):
            if right in listed.get(printed, ()):
                reach["confusion table"] += 1
            elif right in similar.get(printed, ()):
                reach["glyph table only"] += 1
            else:
                reach["neither table"] += 1
                missing.add((printed, right))
                where[printed, right].add(k)
    elsewhere = sum(1 for k, doc in enumerate(docs) for _o, printed, right in gold_errors(doc)
                    if len(where.get((printed, right), ())) > 1)
    return reach, missing, elsewhere


def by_surprise(docs: list[GoldDocument], suspects: list) -> str:
    """Gold errors found and missed by suspects (per document), binned by -ln P of the printed character."""
    lm = char_lm()
    found, missed = Counter(), Counter()
    for doc, marks in zip(docs, suspects):
        flagged = {s.offset + j for s in marks for j in range(len(s.sic))}
        cps = np.frombuffer(doc.body.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        surprise = ocr.Scan(lm, lm.encode(cps)).surprise
        for offset, _printed, _right in gold_errors(doc):
            (found if offset in flagged else missed)[int(np.searchsorted(SURPRISE_EDGES, surprise[offset], "right"))] += 1
    names = [f"< {SURPRISE_EDGES[0]:g}"] + [f"{a:g}-{b:g}" for a, b in zip(SURPRISE_EDGES, SURPRISE_EDGES[1:])] + [
        f">= {SURPRISE_EDGES[-1]:g}"]
    return ", ".join(f"{name}: {found[k]} found / {missed[k]} missed" for k, name in enumerate(names))


def run(docs: list[GoldDocument], model: OcrModel, extra: tuple[tuple[str, str, int], ...] = ()) -> list:
    """The step's suspects in each of docs with model and extra confusions."""
    table, protected = ocr.candidate_table(extra), protected_terms()
    return [ocr.marks_with(doc.body, model, table, protected).suspects for doc in docs]


def figures(docs: list[GoldDocument], suspects: list) -> str:
    """Precision, recall and correction accuracy of suspects (per document) on docs."""
    g, p, h, r = (sum(col) for col in zip(*(scored(doc, marks) for doc, marks in zip(docs, suspects))))
    return f"precision {h / p:.4f} recall {h / g:.4f} correction {r / h:.4f} (gold {g}, flagged {p}, detected {h})"


def clean_flags(shared: Path, model: OcrModel) -> str:
    """Flags of the step on the clean documents (manifest.tsv, ocr = no): the total and the documents
    with the most (their flags are false alarms, or errors of a text that was OCR'd elsewhere)."""
    table, protected = ocr.candidate_table(()), protected_terms()
    bodies = clean_documents(shared)
    flags = Counter({name: sum(len(s.sic) for s in ocr.marks_with(body, model, table, protected).suspects)
                     for name, body in bodies.items()})
    size = sum(len(body) for body in bodies.values())
    most = ", ".join(f"{name.split('__')[0]} {n}" for name, n in flags.most_common(CLEAN_SHOWN) if n)
    return (f"{sum(flags.values())} flags in {size} characters of {len(bodies)} documents "
            f"({1000 * sum(flags.values()) / size:.3f} per 1000); most: {most}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    shared = ap.parse_args().shared
    docs = gold_documents(shared)
    reach, missing, elsewhere = unlisted_pairs(docs)
    print("gold errors whose pair is in: " + ", ".join(f"{k} {n}" for k, n in reach.items()))
    print(f"of the {reach['neither table']} in neither, with their pair in another document's gold too: {elsewhere}")
    model = ocr_model()
    shipped = run(docs, model)
    print(f"by -ln P of the printed character (nats): {by_surprise(docs, shipped)}")
    print(f"{'as shipped':<34} {figures(docs, shipped)}")
    for move in THRESHOLD_MOVES:
        moved = dataclasses.replace(model, threshold=model.threshold + move)
        print(f"{f'threshold {move:+}':<34} {figures(docs, run(docs, moved))}")
    oracle = tuple(sorted((printed, right, 1) for printed, right in missing))
    print(f"{f'oracle: + {len(oracle)} unlisted gold pairs':<34} {figures(docs, run(docs, model, oracle))}")
    print(f"clean documents, as shipped: {clean_flags(shared, model)}")


if __name__ == "__main__":
    main()
