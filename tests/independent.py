"""An independent reading of exports and TEI, written apart from the converter, for the tests'
own no-loss and header checks (the converter's view is not trusted to judge itself)."""
from __future__ import annotations

import re

from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
MARKER = re.compile(r"^(#{1,4} |> )")


def parse_txt(raw: str) -> tuple[dict[str, str], str, str]:
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n")
    marker = re.search(r"\n正文[：:]\n", raw)
    head, rest = raw[:marker.start()], raw[marker.end() - 1:]  # rest starts at the marker's newline
    ends = list(re.finditer(r"\n\n描述[：:]\n", rest))
    if ends:
        body, description = rest[1:max(1, ends[-1].start())], rest[ends[-1].end():]
    else:
        body, description = rest[1:].rstrip("\n"), ""
    fields = {}
    for line in head.split("\n"):
        match = re.match(r"^(id): ?(.*)$", line) or re.match(r"^([^：:]+)[：:](.*)$", line)
        if match:
            fields[match.group(1).strip()] = match.group(2).strip()
    return fields, body, description.strip()


def body_core(body: str) -> str:
    """The body's characters that must survive: no whitespace, no line-start markers."""
    lines = [MARKER.sub("", line, count=1) for line in body.split("\n")]
    return re.sub(r"\s+", "", "".join(lines))


def text_reading(root: etree._Element) -> str:
    """Text of <text> with every <corr> set aside and whitespace removed."""
    out = []

    def walk(element):
        if element.tag == TEI + "corr":
            return
        out.append(element.text or "")
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            out.append(child.tail or "")

    walk(root.find(TEI + "text"))
    return re.sub(r"\s+", "", "".join(out))
