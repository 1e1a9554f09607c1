"""Rebuild tests/data/archive, the trimmed set of the archive's own JSON the test suite runs on,
from ../shared/archive-sample (480 articles in the layout of a checkout of the archive's `parsed`
branch).

Chosen by rule: every article whose text export is in the trimmed dev set (tests/data/corpus,
found by the `source` column of its manifest), so that the suite can hold each export and its JSON
to the same TEI; and, for each feature of the format the reader must handle (each part type, each
kind of broken note anchor, each document type, the odd data), one of those or else the smallest
article that has it, if one is at most MAX_BYTES.
Each article comes with its `<id>.tags` and its book's `<book>.metadata`, in the same layout. The
list, with the reasons, is written to tests/data/archive/README.md.

    python scripts/build_test_archive.py [--shared ../shared] [--out tests/data/archive]
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 20_000
"""Largest article taken for a feature: a feature only larger ones have is left to the full sample."""


def _pivot_part_types(article: dict) -> set[str]:
    parts = article["parts"]
    return {parts[p["part_idx"]]["type"] for p in article["comment_pivots"] if 0 <= p["part_idx"] < len(parts)}


def _types(article: dict) -> list[str]:
    return [part["type"] for part in article["parts"]]


def _broken(article: dict, kind: str) -> bool:
    parts, notes, pivots = article["parts"], article["comments"], article["comment_pivots"]
    numbers = [p["index"] for p in pivots]
    if kind == "part":
        return any(not 0 <= p["part_idx"] < len(parts) for p in pivots)
    if kind == "offset":
        return any(0 <= p["part_idx"] < len(parts) and p["offset"] > len(parts[p["part_idx"]]["text"]) for p in pivots)
    if kind == "repeated":
        return len(set(numbers)) < len(numbers)
    if kind == "missing":
        return any(number not in numbers for number in range(1, len(notes) + 1))
    return any(not 1 <= number <= len(notes) for number in numbers)  # "extra"


def _mid_text(article: dict, part_type: str) -> bool:
    """A part of the type after a paragraph (not at the top of the text)."""
    types = _types(article)
    return any(t == part_type and "paragraph" in types[:i] for i, t in enumerate(types))


def _date(article: dict, date: tuple[int, int, int]) -> bool:
    return any((d.get("year"), d.get("month"), d.get("day")) == date for d in article["dates"])


FEATURES: dict[str, Callable[[dict, list, dict], bool]] = {
    "a footnote anchored in a heading": lambda a, t, m: "title" in _pivot_part_types(a),
    "a footnote anchored in a salute (appellation)": lambda a, t, m: "appellation" in _pivot_part_types(a),
    "a footnote anchored in a date line (subdate)": lambda a, t, m: "subdate" in _pivot_part_types(a),
    "a footnote anchored past the end of its part": lambda a, t, m: _broken(a, "offset"),
    "a footnote anchored in a part the article does not have": lambda a, t, m: _broken(a, "part"),
    "a footnote anchored twice": lambda a, t, m: _broken(a, "repeated"),
    "a footnote without an anchor": lambda a, t, m: _broken(a, "missing"),
    "an anchor for a footnote the article does not have": lambda a, t, m: _broken(a, "extra"),
    "an appellation at the top": lambda a, t, m: "appellation" in _types(a)[:3],
    "an appellation in the middle of the text": lambda a, t, m: _mid_text(a, "appellation"),
    "an authors part (byline)": lambda a, t, m: "authors" in _types(a),
    "a subdate": lambda a, t, m: "subdate" in _types(a),
    "a subdate in the middle of the text": lambda a, t, m: _mid_text(a, "subdate"),
    "a signature": lambda a, t, m: "signature" in _types(a),
    "an image with its description": lambda a, t, m: "image_description" in _types(a),
    "a quotation part": lambda a, t, m: "quotation" in _types(a),
    "a subtitle2 heading": lambda a, t, m: "subtitle2" in _types(a),
    "a paragraph that begins with '# '": lambda a, t, m: any(
        p["type"] == "paragraph" and p["text"].startswith("# ") for p in a["parts"]),
    "an empty part": lambda a, t, m: any(not p["text"].strip() for p in a["parts"]),
    "an alias": lambda a, t, m: bool(a.get("alias")),
    "NUL characters in a part": lambda a, t, m: any("\x00" in p["text"] for p in a["parts"]),
    "the impossible date 2011-3-38": lambda a, t, m: _date(a, (2011, 3, 38)),
    "the impossible date 1967-2-306": lambda a, t, m: _date(a, (1967, 2, 306)),
    "the impossible date 29-29-29": lambda a, t, m: _date(a, (29, 29, 29)),
    "a range date": lambda a, t, m: bool(a.get("is_range_date")),
    "no page numbers (0)": lambda a, t, m: not a.get("page_start") and not a.get("page_end"),
    "an origin (来源)": lambda a, t, m: bool(a.get("origin")),
    "a book for internal circulation": lambda a, t, m: m.get("internal") is True,
    "an official book": lambda a, t, m: m.get("official") is True,
    "a book of scanned images (type img)": lambda a, t, m: m.get("type") == "img",
    "a book from a database (type db)": lambda a, t, m: m.get("type") == "db",
    **{f"the document type {name}": (lambda name: lambda a, t, m: any(
        tag["type"] == "文稿类型" and tag["name"] == name for tag in t))(name)
       for name in ("文章", "书信", "发言", "指示", "对话", "批示", "通讯", "宣言")},
}


def _articles(sample: Path) -> Iterator[tuple[Path, dict, list, dict]]:
    for path in sorted(sample.glob("*/parsed/*/*/*/*.json")):
        book = path.parent.parent
        yield (path, json.loads(path.read_text(encoding="utf-8")),
               json.loads(path.with_suffix(".tags").read_text(encoding="utf-8")),
               json.loads((book / f"{book.name}.metadata").read_text(encoding="utf-8")))


def _paired(shared: Path, trimmed: Path) -> dict[Path, str]:
    """The sample's articles whose text export is in the trimmed dev set, by manifest `source`."""
    with (trimmed / "manifest.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    paired = {}
    for row in rows:
        repo, _, path = row["source"].partition(":parsed:")
        article = shared / "archive-sample" / repo.split("/")[-1] / "parsed" / path
        if ":parsed:" in row["source"] and article.is_file():
            paired[article] = f"the JSON of {row['file']} (in tests/data/corpus)"
    return paired


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "data" / "archive")
    args = parser.parse_args()
    sample = args.shared / "archive-sample"
    chosen = _paired(args.shared, ROOT / "tests" / "data" / "corpus")
    articles = sorted(_articles(sample), key=lambda found: (found[0] not in chosen, found[0].stat().st_size))
    left = []
    for feature, has in FEATURES.items():
        path = next((path for path, article, tags, book in articles
                     if has(article, tags, book) and (path in chosen or path.stat().st_size <= MAX_BYTES)), None)
        if path is None:
            left.append(feature)
            continue
        chosen[path] = f"{chosen[path]}; {feature}" if path in chosen else feature
    if args.out.exists():
        shutil.rmtree(args.out)
    rows = []
    for path, why in sorted(chosen.items()):
        relative = path.relative_to(sample)
        book = path.parent.parent
        for source in (path, path.with_suffix(".tags"), book / f"{book.name}.metadata"):
            target = args.out / source.relative_to(sample)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        rows.append(f"| `{relative.as_posix()}` | {path.stat().st_size:,} | {why} |")
    size = sum(file.stat().st_size for file in args.out.rglob("*") if file.is_file())
    readme = f"""# The trimmed archive sample

{len(rows)} articles of `../shared/archive-sample` (480 articles of banned-historical-archives as
they stand on the `parsed` branch of three of its data repositories: banned-historical-archives3 @
f29bebcd, …8 @ 0514433f, …9 @ fb73b909; historical public documents collected by the archive),
in the same layout: `<repo>/parsed/<book[:3]>/<book>/<id[:3]>/<id>.json`, with `<id>.tags` beside
each and the book's `<book>.metadata` in its folder. The files are copies, byte for byte
({size:,} bytes in all). The test suite runs on this set (`tests/test_archive.py`); the checks on
all 480 articles are in the `shared` group (`python -m pytest -m shared tests/test_archive.py`).
Regenerate it with `python scripts/build_test_archive.py`, which also writes this file.

Chosen by rule: every article whose text export is in the trimmed dev set (`tests/data/corpus`,
by the manifest's `source` column), and for each feature of the format the smallest article that
has it, among those of at most {MAX_BYTES:,} bytes (the articles chosen by the rule first). Left to
the full sample, as no article that small has them: {"; ".join(left) or "none"}.

| article | bytes | why it is here |
| --- | ---: | --- |
""" + "\n".join(rows) + "\n"
    (args.out / "README.md").write_text(readme, encoding="utf-8")
    print(f"wrote {len(rows)} articles ({size:,} bytes) to {args.out}")


if __name__ == "__main__":
    main()
