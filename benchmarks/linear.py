"""Is conversion linear in the size of what an export can hold? Doubling checks.

For each way an export can grow — lines in one part, parts, the length of one line, `> ` quote
lines, headings, a title continued over many lines, description paragraphs, body characters for
the OCR step — converts a document of size N and one of size 2N (in this process: read, structure,
mark, build, validate against the project schema, serialize), and the outputs back with `tei
totext` and `tei preview`'s library calls, and prints the time ratio: near 2 is linear, 4
quadratic. Issue #16 found one part of 100,000 lines taking minutes (body._add_string counted an
element's children per line) and a title continued over 200,000 lines 19 s; this keeps the check
runnable by anyone. The largest case also runs as `tei convert` in a new process, as users run it.

    python benchmarks/linear.py [--scale 1.0] [--max-ratio 2.5] [--repeat 3]

Times are CPU times of this process (steadier than wall time on a shared machine), best of
--repeat. Exit status 1 when a ratio passes --max-ratio.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tei import ConvertOptions, convert_bytes, serialize  # noqa: E402
from tei.preview import render_html  # noqa: E402
from tei.totext import to_text  # noqa: E402

HEADER = ("id: 0123456789\n标题：{title}\n日期：1963-11-29\n是否是时间段：false\n作者：赫鲁晓夫\n来源：\n标签：书信\n"
          "书籍：红旗\n书籍作者：\n\n正文：\n{body}\n\n描述：\n{description}\n")
SENTENCE = "最近以来，在共产党的报刊上发表了一些文件，对莫斯科会议的宣言和声明的基本原则提出了修改。"


def export(title: str = "题", body: str = "正文。", description: str = "") -> bytes:
    return HEADER.format(title=title, body=body, description=description).encode("utf-8")


# name → (size N at scale 1, the export of size n, OCR marking on)
CASES: dict[str, tuple[int, Callable[[int], bytes], bool]] = {
    "lines in one part": (100_000, lambda n: export(body="\n".join(["一行字"] * n)), False),
    "parts": (20_000, lambda n: export(body="\n\n".join(["一段。"] * n)), False),
    "characters in one line": (1_000_000, lambda n: export(body="字" * n), False),
    "quote lines": (50_000, lambda n: export(body="\n".join(["> 引文"] * n)), False),
    "headings": (10_000, lambda n: export(body="\n\n".join(f"{'#' * (i % 4 + 1)} 标题\n\n段。" for i in range(n))), False),
    "title lines": (200_000, lambda n: export(title="\n".join(["题"] * n)), False),
    "description paragraphs": (50_000, lambda n: export(description="\n\n".join(["描述一段。"] * n)), False),
    "body characters, OCR on": (20_000, lambda n: export(body=(SENTENCE * (n // len(SENTENCE) + 1))[:n]), True),
}


def best_time(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append(time.process_time() - started)
    return min(times)


def steps(data: bytes, ocr: bool) -> dict[str, Callable[[], object]]:
    options = ConvertOptions(ocr=ocr)
    tree = convert_bytes(data, "bench", options).tree
    return {
        "convert": lambda: serialize(convert_bytes(data, "bench", options).tree),
        "totext": lambda: to_text(tree),
        "preview": lambda: render_html(tree),
    }


def whole_process(data: bytes) -> float:
    """Wall time of `tei convert FILE -o OUT.xml --no-ocr` in a new process."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "big.txt"
        source.write_bytes(data)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tei", "convert", "--no-ocr", "-q", str(source), "-o",
                        str(Path(folder) / "big.xml")], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size N by this")
    parser.add_argument("--max-ratio", type=float, default=2.5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    convert_bytes(export(), "warm-up", ConvertOptions(ocr=True))  # load the OCR data and the schemas once
    failed = []
    print(f"{'case':26s} {'step':8s} {'N':>10s} {'time N':>8s} {'time 2N':>8s} ratio")
    for name, (size, make, ocr) in CASES.items():
        n = max(2, int(size * args.scale))
        small, large = steps(make(n), ocr), steps(make(2 * n), ocr)
        for step in small:
            first, second = best_time(small[step], args.repeat), best_time(large[step], args.repeat)
            ratio = second / max(first, 1e-6)
            flag = "" if ratio <= args.max_ratio else f"  > {args.max_ratio}"
            if flag:
                failed.append(f"{name} ({step})")
            print(f"{name:26s} {step:8s} {n:10,d} {first:8.3f} {second:8.3f} {ratio:5.2f}{flag}", flush=True)
    n = int(CASES["lines in one part"][0] * args.scale)
    make = CASES["lines in one part"][1]
    first, second = whole_process(make(n)), whole_process(make(2 * n))
    print(f"{'lines in one part':26s} {'process':8s} {n:10,d} {first:8.3f} {second:8.3f} {second / first:5.2f}"
          "  (wall time of `tei convert --no-ocr`, including the interpreter's start)")
    if failed:
        print(f"grew faster than {args.max_ratio}x for twice the size: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
