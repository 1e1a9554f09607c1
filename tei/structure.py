"""Body text → parts (headings, quotations, paragraphs, ornaments) → a tree of divisions."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .model import Document, Node, Part, PartKind, SplitBody, Structure

_PART_BREAK = re.compile(r"(\n[ \t\u3000]*\n)")
# A line-start marker of the export: `#`…`####` + space for headings, `> ` for quotations.
_MARKER = re.compile(r"#{1,4} |> ")
_LINE_MARKER = re.compile(r"\n(#{1,4} |> )")  # a literal newline first: found fast, unlike (?m)^
ORNAMENTS = frozenset("■□◆◇●○◎▲△▼▽★☆※＊*·•")
_ORNAMENT_MAX = 8
"""Longest ornament line (■ ■ ■)."""
_MARKER_STARTS = "#>"
_new_tuple = tuple.__new__
"""Makes the Part or Node of each paragraph from all its fields at C speed, without the Python
frame of the NamedTuple constructor: documents have thousands of paragraphs."""


def split_parts(body: str) -> SplitBody:
    """Blank-line separated parts of `body` (ranges excluding the part's own marker), and every
    line-start marker of the export, found once here for the parts and the TEI builder."""
    markers = marker_spans(body)
    marker_ends = {start: end for start, end in markers}
    parts = []
    append, paragraph = parts.append, PartKind.PARAGRAPH  # locals: this loop runs once per part
    position = 0
    pieces = _PART_BREAK.split(body)  # chunk, break, chunk, …, chunk
    pieces.append("")  # a break after the last chunk, so that chunks and breaks pair up
    for chunk, separator in zip(pieces[::2], pieces[1::2]):
        leading = chunk.lstrip("\n \t")
        text = leading.rstrip()
        if text:
            start = position + len(chunk) - len(leading)
            end = start + len(text)
            if text[0] in _MARKER_STARTS or len(text) <= _ORNAMENT_MAX:
                append(_special_part(body, start, end, marker_ends.get(start)))
            else:
                append(_new_tuple(Part, (paragraph, start, end, 0)))
        position += len(chunk) + len(separator)
    return SplitBody(tuple(parts), markers)


def _special_part(body: str, start: int, end: int, marker_end: int | None) -> Part:
    """The part body[start:end] when it may be a heading, quotation or ornament; `marker_end` is
    the end of the line-start marker at `start`, if there is one."""
    if marker_end is not None and marker_end < end:  # a marker followed by text
        if body[start] == "#":
            return Part(PartKind.HEADING, marker_end, end, level=marker_end - start - 1)
        return Part(PartKind.QUOTE, marker_end, end)
    text = body[start:end]
    if len(text) <= _ORNAMENT_MAX and all(ch in ORNAMENTS or ch.isspace() for ch in text):
        return Part(PartKind.ORNAMENT, start, end)
    return Part(PartKind.PARAGRAPH, start, end)


def marker_spans(body: str) -> tuple[tuple[int, int], ...]:
    """Every line-start marker (`# `, `> `) in `body`: markup of the export, not text."""
    spans = [m.span(1) for m in _LINE_MARKER.finditer(body)]
    first = _MARKER.match(body)
    if first:
        spans.insert(0, first.span())
    return tuple(spans)


def part_node(part: Part) -> Node:
    """The element for a non-heading part."""
    if part.kind is PartKind.QUOTE:
        return Node("quote", part.start, part.end)
    if part.kind is PartKind.ORNAMENT:
        return Node("ab", part.start, part.end, attrs=(("type", "ornament"),))
    if part.kind is PartKind.HEADING:
        return Node("head", part.start, part.end)
    return Node("p", part.start, part.end)


def build_structure(document: Document, parts: Sequence[Part]) -> Structure:
    """One div typed from the header, leading headings as its heads, later headings as nested divs."""
    top = _OpenDiv(level=0, attrs=(("type", document_type(document.header.title, document.header.tags)),))
    stack = [top]
    children = top.children  # of the innermost open div
    leading = True
    paragraph, heading = PartKind.PARAGRAPH, PartKind.HEADING  # locals: this loop runs once per part
    for part in parts:
        kind, start, end, _level = part
        if kind is paragraph:
            children.append(_new_tuple(Node, ("p", start, end, (), ())))
        elif kind is not heading:
            children.append(part_node(part))
        elif leading:
            children.append(Node("head", part.start, part.end))
            top.level = max(top.level, part.level)
            continue
        else:
            while len(stack) > 1 and stack[-1].level >= part.level:
                stack[-2].children.append(stack.pop().close())
            section = _OpenDiv(level=part.level, attrs=(("type", "section"),))
            section.children.append(Node("head", part.start, part.end))
            stack.append(section)
            children = section.children
        leading = False
    while len(stack) > 1:
        stack[-2].children.append(stack.pop().close())
    return Structure(divs=(top.close(),))


class _OpenDiv:
    """A div still collecting children while the parts are walked."""

    def __init__(self, level: int, attrs: tuple[tuple[str, str], ...]):
        self.level = level
        self.attrs = attrs
        self.children: list[Node] = []

    def close(self) -> Node:
        start = self.children[0].start if self.children else 0
        end = self.children[-1].end if self.children else 0
        return Node("div", start, end, attrs=self.attrs, children=tuple(self.children))


DOCUMENT_TYPES = ("letter", "telegram", "speech", "conversation", "poem", "directive", "report", "article")
_TYPE_RULES: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    # (type, tags, title pattern): the first rule that matches wins.
    ("telegram", (), re.compile(r"电报|[贺唁覆复急通]电|电[令示]|^致.+电$|的电$|电（|电$")),
    ("letter", ("书信",), re.compile(r"的信|[复覆回]信|来信|[致公]函|的函|书简|信件|^致.{2,}")),
    ("speech", ("讲话", "演说", "发言"), re.compile(r"讲话|演说|演讲|发言|致[词辞]|报告会")),
    ("conversation", ("谈话",), re.compile(r"谈话|座谈|接见|答问|问答")),
    ("poem", ("诗词",), re.compile(r"[七五][律绝]|沁园春|念奴娇|水调歌头|蝶恋花|清平乐|西江月|菩萨蛮|忆秦娥|浪淘沙|卜算子|满江红|贺新郎|[诗词]二首")),
    ("directive", ("文件",), re.compile(r"通知|决定|指示|命令|决议|通告|布告|纪要|条例|规定|批示|批语")),
    ("report", ("报告",), re.compile(r"报告|汇报")),
)


def document_type(title: str, tags: Sequence[str]) -> str:
    """A div's @type, one of DOCUMENT_TYPES, from a title and the document's tags."""
    for type_, rule_tags, title_pattern in _TYPE_RULES:
        if any(tag in tags for tag in rule_tags) or title_pattern.search(title):
            return type_
    return "article"
