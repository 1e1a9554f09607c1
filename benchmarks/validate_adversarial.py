"""Adversarial documents for `tei validate`: is validation time linear in nesting depth and sibling count?

For every TEI element name of tei_all (or every `--every`th), builds documents that nest it N and 2N
deep inside a div, and that repeat it M and 2M times as siblings, validates each against tei_all
and against the project schema (bha) as `tei validate` does (safe parse, pruned grammar, findings),
and prints the worst growth ratios, for valid and for invalid documents apart: a ratio near 2 is
linear, 4 quadratic. The issue that asked for this (#16) found 28 nested <div> taking hours; this
keeps the check runnable by anyone. (An invalid document's time grows with the square of its
number of errors, in libxml2's error reporting: `tei validate --time-limit` bounds that.)

    python benchmarks/validate_adversarial.py [--depth 200] [--siblings 4000] [--every 3]

Exit status 1 when a case takes more than --limit seconds, or a valid one grows faster than
--max-ratio.
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


def seconds(data: bytes, schemas) -> tuple[float, int]:
    """Time to validate `data` as `tei validate` does, and the number of findings."""
    started = time.perf_counter()
    tree, findings = parse_document(data, "adversarial.xml")
    if tree is not None:
        findings = check_tree(tree, "adversarial.xml", schemas)[0]
    return time.perf_counter() - started, len(findings)


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
        (first, _), (second, errors) = seconds(small, schemas), seconds(large, schemas)
        ratio = second / first if second > 0.05 else 2.0  # below 50 ms, timer noise, not growth
        rows.append((ratio, second, errors, label))
    print(f"{len(cases)} cases ({len(names)} element names); worst growth when the size doubles:")
    for kind, chosen in (("valid", [row for row in rows if not row[2]]), ("invalid", [row for row in rows if row[2]])):
        print(f"  {kind} documents ({len(chosen)}):")
        for ratio, took, errors, label in sorted(chosen, reverse=True)[:5]:
            print(f"    {ratio:5.2f}x  {took:7.3f} s  {errors:6} finding(s)  {label}")
    slowest = max(rows, key=lambda row: row[1])
    print(f"slowest document: {slowest[1]:.3f} s ({slowest[3]}, {slowest[2]} finding(s))")
    bad = [row for row in rows if row[1] > args.limit or (not row[2] and row[0] > args.max_ratio)]
    for ratio, took, errors, label in bad:
        print(f"NOT BOUNDED: {label}: {took:.3f} s, {ratio:.2f}x, {errors} finding(s)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
