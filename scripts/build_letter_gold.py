"""Render the letters of ../shared/archive-sample as txt exports for the letter gold, split into
a tuning part and a held-out part, and check the gold against the archive's part types.

The letters: every article of the archive sample tagged 书信 or titled as a letter or telegram
(…信, …电, …电报, …函), except those of the dev corpus (same article id) or sharing most of their
text with one of its documents (another edition of the same letter), and those whose body is
only a heading. Each is rendered exactly as the archive's txt export renders it (the renderer
reproduces all 126 dev-corpus documents of the sample byte for byte: run `--verify`).

The split is random with a fixed seed, made once before any rule was tuned on these letters:
HELDOUT_COUNT documents to tests/data/letters/heldout/, the rest to tune/. The gold JSON files
beside the txt files are written by hand (tests/data/letters/README.md says how); this script
never writes them. `--check` compares each gold file with the archive's own part types: every
`appellation` part must lie inside a gold salute or addressee, every `authors` part inside a
gold byline or signature, every `subdate` part inside a gold date line.

The tuning part also holds letters of ../shared/lmtext (the archive's clean text), added after a
first round of tuning: `--lmtext` writes them again (LMTEXT_DRAWS: two random draws, the second
made after the rules were fitted to the first), leaving out documents sharing text with the dev
corpus, the archive-sample letters or the letters drawn before, and those LMTEXT_NOT_LETTERS
names (drawn, read, found to be no letter).

    python scripts/build_letter_gold.py [--shared ../shared] [--verify] [--check] [--lmtext]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "letters"
SEED = 14
"""The issue's number: the seed of the split, fixed before the gold was made."""
HELDOUT_COUNT = 16
PREFIX = {"title": "# ", "subtitle": "## ", "subtitle2": "### ", "subtitle3": "#### ", "quotation": "> "}
LETTER_TITLE = re.compile(r"(?:信|电|电报|函)[”\"」!！]*$")
LMTEXT_DRAWS = ((1414, 24), (2828, 20))
"""Seeds and sizes of the draws of lmtext letters, in order."""
LMTEXT_NOT_LETTERS = {"7aaffc0a91"}
"""Drawn and read: 连续施放毒箭攻击党的领导，周颖原是康泽的密友胡风的亲信, a news report."""
LMTEXT_LONGEST = 6000
LMTEXT_SHARED = 0.05
"""Share of a document's 10-character runs found in the texts before it above which it is left out."""
SHARED_TEXT = 0.5
"""Share of a letter's 10-character runs found in one dev document above which it is the same text."""
GOLD_SPANS = {
    "appellation": ("salute", "opener_addressee"),
    "authors": ("byline", "signed"),
    "subdate": ("opener_dateline", "closer_dateline"),
    "signature": ("signed",),
}


def render(path: Path) -> str:
    """The txt export of one article JSON of the archive (its .tags and its book's .metadata beside it)."""
    article = json.loads(path.read_text(encoding="utf-8"))
    tags_path = path.with_suffix(".tags")
    tags = json.loads(tags_path.read_text(encoding="utf-8")) if tags_path.exists() else []
    metadata = next(path.parent.parent.glob("*.metadata"), None)
    book = json.loads(metadata.read_text(encoding="utf-8")) if metadata else {}
    dates = ",".join(f"{d.get('year') or 0}-{d.get('month') or 0}-{d.get('day') or 0}" for d in article.get("dates", []))
    header = [
        f"id: {path.stem}", f"标题：{article['title']}", f"日期：{dates}",
        f"是否是时间段：{'true' if article.get('is_range_date') else 'false'}",
        f"作者：{','.join(article.get('authors', []))}", f"来源：{article.get('origin', '')}",
        f"标签：{','.join(tag['name'] for tag in tags)}", f"书籍：{book.get('name', '')}",
        f"书籍作者：{book.get('author', '')}",
    ]
    body = "\n\n".join(PREFIX.get(part["type"], "") + part["text"] for part in article["parts"])
    return "\n".join(header) + "\n\n正文：\n" + body + "\n\n描述：\n" + article.get("description", "") + "\n"


def file_stem(path: Path) -> str:
    """<article id>__<book>: a UUID book id shortened to its first 8 characters, as in the dev corpus."""
    book = path.parent.parent.name
    return f"{path.stem}__{book[:8] if re.fullmatch(r'[0-9a-f-]{36}', book) else book}"


def body_of(export: str) -> str:
    return export[export.index("正文：\n") + 4:export.rindex("\n\n描述：\n")]


def runs(text: str) -> set[str]:
    return {text[i:i + 10] for i in range(len(text) - 9)}


def letters(shared: Path) -> list[Path]:
    """The archive sample's letters that are not in the dev corpus, in file-name order."""
    with (shared / "corpus" / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        dev_ids = {row["article_id"] for row in csv.DictReader(handle, delimiter="\t")}
    dev_runs = [runs(body_of(p.read_text(encoding="utf-8"))) for p in sorted((shared / "corpus").glob("*.txt"))]
    chosen = []
    for path in sorted((shared / "archive-sample").glob("*/parsed/**/*.json")):
        tags_path = path.with_suffix(".tags")
        tags = [t["name"] for t in json.loads(tags_path.read_text(encoding="utf-8"))] if tags_path.exists() else []
        article = json.loads(path.read_text(encoding="utf-8"))
        if path.stem in dev_ids or not ("书信" in tags or LETTER_TITLE.search(article["title"])):
            continue
        if all(part["type"] == "title" for part in article["parts"]):
            continue  # a catalogue entry: the title and nothing else
        own = runs(body_of(render(path)))
        if own and max(len(own & other) for other in dev_runs) > SHARED_TEXT * len(own):
            continue
        chosen.append(path)
    return sorted(chosen, key=file_stem)


def lmtext_letters(shared: Path) -> list[str]:
    """The lmtext documents of the gold, as written there (`# title` and the body's parts)."""
    import hashlib
    import lzma
    text = lzma.open(shared / "lmtext" / "archive-clean.txt.xz", "rt", encoding="utf-8").read()
    letters = [d for d in re.split(r"\n\n(?=# )", text) if d.startswith("# ") and LETTER_TITLE.search(d.split("\n", 1)[0])]
    seen = set()
    for path in sorted((shared / "corpus").glob("*.txt")) + [p for p in sorted(OUT.glob("*/*.txt")) if "lmtext" not in p.name]:
        seen |= runs(body_of(path.read_text(encoding="utf-8")))
    chosen: list[str] = []
    for seed, count in LMTEXT_DRAWS:
        pool = [d for d in letters if d not in chosen and len(d) < LMTEXT_LONGEST and _new_text(d, seen)]
        drawn = random.Random(seed).sample(pool, count)
        chosen += drawn
        for d in drawn:
            seen |= runs(d)
    return [d for d in chosen if hashlib.sha256(d.encode()).hexdigest()[:10] not in LMTEXT_NOT_LETTERS]


def _new_text(document: str, seen: set[str]) -> bool:
    """Less than LMTEXT_SHARED of the document's 10-character runs are in `seen`."""
    own = [document[i:i + 10] for i in range(len(document) - 9)]
    return sum(r in seen for r in own) < LMTEXT_SHARED * max(1, len(own))


def render_lmtext(document: str) -> tuple[str, str]:
    """(file stem, txt export) of an lmtext document: the title the only header field."""
    import hashlib
    stem = f"lm{hashlib.sha256(document.encode()).hexdigest()[:10]}__lmtext"
    title = document.split("\n", 1)[0][2:].strip()
    header = [f"id: {stem.split('__')[0]}", f"标题：{title}", "日期：", "是否是时间段：false", "作者：", "来源：", "标签：",
              "书籍：", "书籍作者："]
    return stem, "\n".join(header) + "\n\n正文：\n" + document.rstrip("\n") + "\n\n描述：\n\n"


def split(stems: list[str]) -> set[str]:
    """The held-out stems: HELDOUT_COUNT drawn at random with SEED from the sorted stems."""
    return set(random.Random(SEED).sample(sorted(stems), HELDOUT_COUNT))


def verify(shared: Path) -> int:
    """Render every dev-corpus document the sample holds and compare with the corpus file."""
    same = differ = 0
    with (shared / "corpus" / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            repo, _, inner = row["source"].partition(":parsed:")
            path = shared / "archive-sample" / repo.split("/")[-1] / "parsed" / inner
            if path.exists():
                if render(path) == (shared / "corpus" / row["file"]).read_text(encoding="utf-8"):
                    same += 1
                else:
                    differ += 1
                    print(f"differs: {row['file']}", file=sys.stderr)
    print(f"{same} rendered as the corpus has them, {differ} differ")
    return 1 if differ else 0


def check(paths: dict[str, Path]) -> int:
    """Each typed part of the archive JSON inside a gold span of the matching kind."""
    problems = agree = 0
    for stem, path in sorted(paths.items()):
        gold_files = list(OUT.glob(f"*/{stem}.json"))
        if not gold_files:
            print(f"{stem}: no gold yet")
            problems += 1
            continue
        gold = json.loads(gold_files[0].read_text(encoding="utf-8"))
        spans = {key: [] for keys in GOLD_SPANS.values() for key in keys}
        for letter in gold["letters"]:
            for key in spans:
                value = letter.get(key)
                spans[key].extend(value if isinstance(value, list) else [value] if value else [])
        article = json.loads(path.read_text(encoding="utf-8"))
        for part in article["parts"]:
            keys = GOLD_SPANS.get(part["type"])
            text = part["text"].strip()
            if not keys or not text:
                continue
            if any(text in span["text"] or span["text"] in text for key in keys for span in spans[key]):
                agree += 1
            else:
                print(f"{stem}: {part['type']} part not in the gold's {'/'.join(keys)}: {text[:40]!r}")
                problems += 1
    print(f"{len(paths)} letters checked: {agree} typed part(s) inside a gold span of their kind, {problems} outside")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--verify", action="store_true", help="check the renderer against the dev corpus")
    parser.add_argument("--check", action="store_true", help="check the gold against the archive's part types")
    parser.add_argument("--lmtext", action="store_true", help="write the lmtext letters of tune/ again")
    args = parser.parse_args()
    if args.verify:
        return verify(args.shared)
    if args.lmtext:
        for document in lmtext_letters(args.shared):
            stem, text = render_lmtext(document)
            (OUT / "tune" / f"{stem}.txt").write_text(text, encoding="utf-8")
        print(f"{len(lmtext_letters(args.shared))} lmtext letters written to tune/")
        return 0
    paths = {file_stem(path): path for path in letters(args.shared)}
    if args.check:
        return check(paths)
    heldout = split(list(paths))
    for stem, path in paths.items():
        folder = OUT / ("heldout" if stem in heldout else "tune")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{stem}.txt").write_text(render(path), encoding="utf-8")
    print(f"{len(paths)} letters: {len(paths) - len(heldout)} to tune/, {len(heldout)} to heldout/ (seed {SEED})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
