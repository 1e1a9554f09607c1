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


def is_source_note(element: etree._Element) -> bool:
    """A footnote kept apart from the body (the archive's), not one printed in it (type="in-text")."""
    return element.tag == TEI + "note" and element.get("type") != "in-text"


def text_reading(root: etree._Element) -> str:
    """Text of <text> with every <corr> and every footnote kept apart from the body set aside, a
    graphic's URL read as its text (the export prints it), and whitespace removed."""
    return reading(root.find(TEI + "text"))


def reading(element: etree._Element) -> str:
    """The text of an element as text_reading reads it."""
    return "".join(_reading(element, {}))


def note_positions(root: etree._Element) -> dict[str, list[tuple[int, str]]]:
    """Each footnote kept apart from the body, by @n: where it stands in text_reading (the number
    of characters before it) and its own text, whitespace removed."""
    positions: dict[str, list[tuple[int, str]]] = {}
    _reading(root.find(TEI + "text"), positions)
    return positions


def _reading(text: etree._Element, notes: dict) -> list[str]:
    out: list[str] = []
    length = [0]

    def add(piece):
        piece = re.sub(r"\s+", "", piece or "")
        out.append(piece)
        length[0] += len(piece)

    def walk(element):
        if element.tag == TEI + "corr":
            return
        if is_source_note(element):
            notes.setdefault(element.get("n"), []).append((length[0], re.sub(r"\s+", "", "".join(element.itertext()))))
            return
        if element.tag == TEI + "graphic":
            add(element.get("url"))
        add(element.text)
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            add(child.tail)

    walk(text)
    return out


# ---------------------------------------------------------------- the archive's JSON

HEADING_TYPES = ("title", "subtitle", "subtitle2", "subtitle3")
ENCODED_AS = {"appellation": "salute", "authors": "byline", "subdate": "dateline", "signature": "signed",
              "image": "graphic"}
"""Part types of the archive's JSON and the TEI element each must become."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def core(text: str) -> str:
    """What must survive of a text: no whitespace, no characters XML 1.0 cannot carry."""
    return re.sub(r"\s+", "", _NOT_XML.sub("", text))


def article_core(article: dict) -> str:
    """The characters of an article's parts, in order."""
    return "".join(core(part["text"]) for part in article["parts"])


def usable_anchors(article: dict) -> dict[int, int]:
    """Note number → its anchor as a position in article_core, for each note whose first anchor
    names a part and an offset the article has (a usable anchor)."""
    parts, anchors, seen = article["parts"], {}, set()
    before = [0]
    for part in parts:
        before.append(before[-1] + len(core(part["text"])))
    for pivot in article["comment_pivots"]:
        number, index, offset = pivot["index"], pivot["part_idx"], pivot["offset"]
        if number in seen or not 1 <= number <= len(article["comments"]):
            continue  # a repeated number: its first anchor decides
        seen.add(number)
        if 0 <= index < len(parts) and 0 <= offset <= len(parts[index]["text"]):
            anchors[number] = before[index] + len(core(parts[index]["text"][:offset]))
    return anchors
