"""Adversarial documents for `tei validate`: is validation time linear in nesting depth and sibling count?

For every TEI element name of tei_all (or every `--every`th), builds documents that nest it N and 2N
deep inside a div, and that repeat it M and 2M times as siblings, validates each against tei_all
and against the project schema (bha) as `tei validate` does (safe parse, pruned grammar, findings),
and prints the worst growth ratios: a ratio near 2 is linear, 4 quadratic. The issue that asked
for this (#16) found 28 nested <div> taking hours; this keeps the check runnable by anyone.

    python benchmarks/validate_adversarial.py [--depth 200] [--siblings 4000] [--every 1]

Exit status 1 when a case takes more than --limit seconds or grows faster than --max-ratio.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tei.schemas import builtin  # noqa: E402
from tei.validate import check_tree, parse_document  # noqa: E402

HEADER = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
          '<publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>'
          '<text><body>')
FOOTER = "</body></text></TEI>"


def nested(name: str, depth: int) -> bytes:
    return (HEADER + "<div>" + f"<{name}>" * depth + "x" + f"</{name}>" * depth + "</div>" + FOOTER).encode()


def siblings(name: str, count: int) -> bytes:
    return (HEADER + "<div>" + f"<{name}>x</{name}>" * count + "</div>" + FOOTER).encode()


def project_nested(kind: str, depth: int) -> bytes:
    """Divisions of a converted document's body nested `depth` deep (no @type, an unknown one, sections)."""
    opening = {"no type": "<div>", "chapter": '<div type="chapter">', "section": '<div type="section">'}[kind]
    return _project_document(opening * depth + "<p>x</p>" + "</div>" * depth)


def project_siblings(count: int) -> bytes:
    return _project_document("<p>x</p>" * count)


def _project_document(inside_div: str) -> bytes:
    seed = (ROOT / "seeds" / "000_40c4c9e224be5acb.txt")
    from tei import ConvertOptions, convert_file, serialize

    data = serialize(convert_file(seed, ConvertOptions(ocr=False)).tree).decode()
    start = data.index('<div type="letter">') + len('<div type="letter">')
    end = data.rindex("</div>")
    return (data[:start] + inside_div + data[end:]).encode()


def seconds(data: bytes, schemas) -> float:
    started = time.perf_counter()
    tree, _ = parse_document(data, "adversarial.xml")
    if tree is not None:
        check_tree(tree, "adversarial.xml", schemas)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=200, help="nesting depth N (then 2N); default %(default)s")
    parser.add_argument("--siblings", type=int, default=4000, help="sibling count M (then 2M); default %(default)s")
    parser.add_argument("--every", type=int, default=3, help="test every k-th element name; default %(default)s")
    parser.add_argument("--limit", type=float, default=5.0, help="seconds one document may take")
    parser.add_argument("--max-ratio", type=float, default=3.0, help="largest time ratio for twice the size")
    args = parser.parse_args()

    tei_all = builtin("tei_all")
    bha = builtin("bha")
    grammar = tei_all[0].grammar
    names = sorted({pattern.argument[2] for pattern in grammar.named
                    if pattern.kind == "element" and pattern.argument[0] == "name"
                    and pattern.argument[1] == "http://www.tei-c.org/ns/1.0"})[::args.every]
    cases = []
    for name in names:
        cases.append((f"tei_all: {args.depth} nested <{name}>", tei_all,
                      nested(name, args.depth), nested(name, 2 * args.depth)))
        cases.append((f"tei_all: {args.siblings} sibling <{name}>", tei_all,
                      siblings(name, args.siblings), siblings(name, 2 * args.siblings)))
    for kind in ("no type", "chapter", "section"):
        cases.append((f"bha: {args.depth} nested <div> ({kind})", bha,
                      project_nested(kind, args.depth), project_nested(kind, 2 * args.depth)))
    cases.append((f"bha: {25 * args.siblings} sibling <p>", bha,
                   project_siblings(25 * args.siblings), project_siblings(50 * args.siblings)))

    rows = []
    for label, schemas, small, large in cases:
        seconds(small, schemas)  # compile the pruned grammar outside the measurement
        first, second = seconds(small, schemas), seconds(large, schemas)
        rows.append((second / max(first, 1e-3), second, label))
    rows.sort(reverse=True)
    print(f"{len(cases)} cases ({len(names)} element names); worst growth when the size doubles:")
    for ratio, took, label in rows[:10]:
        print(f"  {ratio:5.2f}x  {took:7.3f} s  {label}")
    slowest = max(rows, key=lambda row: row[1])
    print(f"slowest document: {slowest[1]:.3f} s ({slowest[2]})")
    bad = [row for row in rows if row[1] > args.limit or (row[0] > args.max_ratio and row[1] > 0.05)]
    for ratio, took, label in bad:
        print(f"NOT LINEAR: {label}: {took:.3f} s, {ratio:.2f}x", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
