"""Body text → parts (headings, quotations, paragraphs, ornaments) → a tree of divisions."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .cndates import DateMatch, find_cn_date
from .model import DOCUMENT_TYPE_TAG, Document, Header, Node, Part, PartKind, SplitBody, Structure
from .vocab import DIV_BODY, DIV_BOTTOM

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
    if is_ornament(body[start:end]):
        return Part(PartKind.ORNAMENT, start, end)
    return Part(PartKind.PARAGRAPH, start, end)


def is_ornament(text: str) -> bool:
    """A short line of ornaments only (■ ■ ■), kept as an `ab type="ornament"`."""
    return len(text) <= _ORNAMENT_MAX and all(ch in ORNAMENTS or ch.isspace() for ch in text)


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
    """One div typed from the header, leading headings as its heads, later headings as nested divs.

    Parts the source types (the archive's JSON): a signature in a closer at the end of its div (a
    later part starts a new division), an image as a figure with its description; a salute,
    byline or dateline as a paragraph that place_typed_lines then places (like one the letters
    step has made), which leaves the headings after it leading ones.
    """
    header = document.header
    layout = _Layout(document_type(header.title, header.tags, document_classes(header)))
    children = None  # of the innermost open div once a part has ended the leading headings: paragraphs go there
    paragraph, heading = PartKind.PARAGRAPH, PartKind.HEADING  # locals: this loop runs once per part
    index, count = 0, len(parts)
    while index < count:
        part = parts[index]
        kind, start, end, _level = part
        index += 1
        if kind is paragraph and children is not None:
            children.append(_new_tuple(Node, ("p", start, end, (), ())))
            continue
        if kind is heading:
            layout.add_heading(part, _FIRST_SECTION.match(document.body, start, end) is not None)
        elif kind in TOP_KINDS:
            layout.add_line(Node("p", start, end))
        elif kind is PartKind.SIGNED:
            layout.add_signed(part)
        elif kind is PartKind.FIGURE and _URL.fullmatch(document.body, start, end):
            description = parts[index] if index < count and parts[index].kind is PartKind.FIGURE_DESC else None
            index += description is not None
            layout.add_part(_figure(part, description))
        else:
            layout.add_part(part_node(part))
        current = layout.current
        children = current.children if current.has_body and not current.closed and not layout.leading else None
    return Structure(divs=layout.close())


_FIRST_SECTION = re.compile(r"[ \t\u3000]*(?:[一1１](?:[、．.，,\s\u3000]|$)|[（(][一1１][）)]|第一[章节部分篇编讲])")
"""A heading that numbers the first section: 一, 一、, 1., （一）, 第一章 (not 一九六七年, 一切, 一一)."""
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s#]+(?:#[^\s#]*)?")
"""An image part written as a figure: a URL (graphic/@url is one URI); anything else stays text."""
_UNHEADED = 5
"""Level of a division opened by a part after a closer: deeper than any heading (`####` is 4),
so the next heading closes it."""


class _OpenDiv:
    """A div still collecting children while the parts are walked."""

    def __init__(self, level: int, attrs: tuple[tuple[str, str], ...]):
        self.level = level
        self.attrs = attrs
        self.children: list[Node] = []
        self.begun = False
        """It has a part or a nested div: what comes at a div's top (head, opener, byline) no longer can."""
        self.has_body = False
        """It has a part TEI counts as body (DIV_BODY) or a nested div: a closer may follow."""
        self.closed = False
        """It has a closer: nothing but more of the closer can follow in it."""

    def close(self) -> Node:
        start = self.children[0].start if self.children else 0
        end = self.children[-1].end if self.children else 0
        return Node("div", start, end, attrs=self.attrs, children=tuple(self.children))


class _Layout:
    """The divisions being built: the document's divs (one, or more after a closer), the open ones
    innermost last."""

    def __init__(self, div_type: str):
        self.div_type = div_type
        self.divs: list[Node] = []
        self._open_document()

    def _open_document(self) -> None:
        self.stack = [_OpenDiv(level=0, attrs=(("type", self.div_type),))]
        self.leading = True
        """No part yet: a heading is a head of the document's div."""

    @property
    def current(self) -> _OpenDiv:
        return self.stack[-1]

    def close(self) -> tuple[Node, ...]:
        while len(self.stack) > 1:
            self._pop()
        self.divs.append(self.stack[0].close())
        return tuple(self.divs)

    def _pop(self) -> None:
        self.stack[-2].children.append(self.stack.pop().close())

    def _leave_closed(self) -> None:
        """Nothing more goes into a div after its closer: at the top, a new document div follows;
        inside, its parent goes on."""
        if len(self.stack) == 1:
            self.divs.append(self.stack[0].close())
            self._open_document()
        else:
            self._pop()

    def _open_section(self, level: int) -> _OpenDiv:
        """A nested div at `level` (the new document div instead, after the top one's closer)."""
        while len(self.stack) > 1 and self.current.level >= level:
            self._pop()
        if self.current.closed:
            self._leave_closed()
            if len(self.stack) == 1 and self.leading:
                return self.current
        self.current.begun = self.current.has_body = True
        self.stack.append(_OpenDiv(level=level, attrs=(("type", "section"),)))
        self.leading = False
        return self.current

    def add_part(self, node: Node) -> None:
        if self.current.closed:
            if len(self.stack) == 1:
                self._leave_closed()
            else:
                self._open_section(_UNHEADED)
        self.current.children.append(node)
        self.current.begun = True
        self.current.has_body = self.current.has_body or node.tag in DIV_BODY
        self.leading = False

    def add_heading(self, part: Part, numbers_first_section: bool = False) -> None:
        """A heading: a head of the document's div while no part has come, unless it numbers the
        first of its sections after the title (一, （一）, 第一章), which opens that section like the
        二 after it; else a nested div it heads."""
        if self.leading and not (numbers_first_section and any(c.tag == "head" for c in self.stack[0].children)):
            top = self.stack[0]
            top.children.append(Node("head", part.start, part.end))
            top.level = max(top.level, part.level)
            return
        section = self._open_section(part.level)
        if section is self.stack[0]:  # a new document div after a closer: its head
            section.level = max(section.level, part.level)
        section.children.append(Node("head", part.start, part.end))

    def add_line(self, node: Node) -> None:
        """A salute, byline or dateline as a paragraph (place_typed_lines places it): not a part
        yet, so the headings after it still lead and a signature after it is no closer."""
        if self.current.closed:
            self.add_part(node)
        else:
            self.current.children.append(node)

    def add_signed(self, part: Part) -> None:
        """A signature: in a closer at the end of the open div (a paragraph where the div has no
        body yet, which TEI wants before a closer)."""
        div = self.current
        if not div.has_body:
            self.add_part(Node("p", part.start, part.end))
            return
        signed = Node("signed", part.start, part.end)
        if div.closed:
            closer = div.children.pop()
            div.children.append(Node("closer", closer.start, part.end, children=(*closer.children, signed)))
        else:
            div.children.append(Node("closer", part.start, part.end, children=(signed,)))
            div.closed = True


TOP_KINDS = frozenset((PartKind.SALUTE, PartKind.BYLINE, PartKind.DATELINE))
"""Typed parts that belong at the top of a div."""
_TOP_TAGS = frozenset({"head", "opener", "byline", "dateline", "docDate"})
_PART_TAGS = frozenset({"p", "quote", "ab", "note", "figure"})


def place_typed_lines(document: Document, structure: Structure) -> Structure:
    """The structure with each paragraph that is a salute, byline or dateline of the source (the
    archive's JSON types them) encoded as one: at the top of its div where it stands among the
    div's top elements (a salute in an opener), else at the top of a new division (a `section`)
    that holds it and the parts after it, up to the next division or the closer. Works on any
    structure (structure.build_structure's, the letters step's); a part the letters step has cut
    or encoded otherwise is left as it is."""
    typed = typed_lines(document)
    if not typed:
        return structure
    return Structure(divs=tuple(_place_lines(document, div, typed) for div in structure.divs),
                     letters=structure.letters)


def typed_lines(document: Document) -> dict[tuple[int, int], Part]:
    """The paragraphs the source types as a salute, byline or dateline, by span: place_typed_lines
    moves them to the top of a div, out of its body."""
    split = document.parts
    return {(part.start, part.end): part for part in split.parts if part.kind in TOP_KINDS} if split else {}


def _place_lines(document: Document, div: Node, typed: dict[tuple[int, int], Part]) -> Node:
    if any(child.tag in DIV_BOTTOM for child in div.children) and not any(
            child.tag == "div" or child.tag in DIV_BODY and (child.start, child.end) not in typed
            for child in div.children):
        # TEI wants a body part before a closer: the last of the lines stays a paragraph (not the
        # closer, whose span a closing salute of the source may share)
        last = next((child for child in reversed(div.children)
                     if child.tag == "p" and (child.start, child.end) in typed), None)
        if last is not None:
            typed = {key: part for key, part in typed.items() if key != (last.start, last.end)}
    children: list[Node] = []
    sections: list[list[Node]] = []
    """New divisions, each opened by a typed line, with the parts after it."""
    at_top = True
    for child in div.children:
        if child.tag == "div":
            child = _place_lines(document, child, typed)
        part = typed.get((child.start, child.end)) if child.tag == "p" else None
        if part is not None:
            if not at_top and not (sections and all(node.tag in _TOP_TAGS for node in sections[-1])):
                sections.append([])
            _add_top(sections[-1] if sections else children, _top_node(document, part))
        elif at_top and child.tag in _TOP_TAGS:
            children.append(child)
        elif sections and child.tag in _PART_TAGS:
            sections[-1].append(child)
        else:
            children.extend(_section(nodes) for nodes in sections)
            sections = []
            children.append(child)
        at_top = at_top and (part is not None or child.tag in _TOP_TAGS)
    children.extend(_section(nodes) for nodes in sections)
    return div._replace(children=tuple(children))


def _add_top(nodes: list[Node], line: Node) -> None:
    """Append a top element; a salute goes into the opener before it, or a new one."""
    if line.tag != "salute":
        nodes.append(line)
    elif nodes and nodes[-1].tag == "opener":
        opener = nodes.pop()
        nodes.append(Node("opener", opener.start, line.end, children=(*opener.children, line)))
    else:
        nodes.append(Node("opener", line.start, line.end, children=(line,)))


def _section(nodes: list[Node]) -> Node:
    return Node("div", nodes[0].start, nodes[-1].end, attrs=(("type", "section"),), children=tuple(nodes))


def _top_node(document: Document, part: Part) -> Node:
    """The element of a salute, byline or dateline part; a dateline's date with @when where it reads."""
    if part.kind is PartKind.SALUTE:
        return Node("salute", part.start, part.end)
    if part.kind is PartKind.BYLINE:
        return Node("byline", part.start, part.end)
    return dateline_node(part.start, part.end, find_date(document, part.start, part.end))


def find_date(document: Document, start: int, end: int) -> DateMatch | None:
    """The first date in body[start:end], its year or month from the header's date where it omits them."""
    header_date = next((iso for iso in document.header.iso_dates if iso), None)
    return find_cn_date(document.body[start:end], header_date)


def dateline_node(start: int, end: int, found: DateMatch | None) -> Node:
    """A dateline over body[start:end]; the date `found` in it with @when where it reads."""
    if found is None:
        return Node("dateline", start, end)
    date = Node("date", start + found.start, start + found.end, attrs=(("when", found.when),) if found.when else ())
    return Node("dateline", start, end, children=(date,))


def _figure(image: Part, description: Part | None) -> Node:
    """An image (its URL the part's text, written as graphic/@url) and its description."""
    children = [Node("graphic", image.start, image.end)]
    if description is not None:
        children.append(Node("figDesc", description.start, description.end))
    return Node("figure", image.start, children[-1].end, children=tuple(children))


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


_CLASS_TYPES = {"书信": "letter", "发言": "speech", "讲话": "speech", "指示": "directive", "批示": "directive",
                "对话": "conversation", "谈话": "conversation", "通讯": "report", "诗词": "poem"}
"""The archive's document types (文稿类型 tags) that name one of DOCUMENT_TYPES; the others (文章,
宣言, …) leave the type to the title and the other tags."""


def document_classes(header: Header) -> tuple[str, ...]:
    """The document types the archive gives the document (its 文稿类型 tags), if it types its tags."""
    return tuple(tag.name for tag in header.typed_tags if tag.type == DOCUMENT_TYPE_TAG)


def document_type(title: str, tags: Sequence[str], classes: Sequence[str] = ()) -> str:
    """A div's @type, one of DOCUMENT_TYPES, from a title, the document's tags and the document
    types the archive gives it: a telegram by its title, then the archive's type, then the rules."""
    telegram, _tags, telegram_title = _TYPE_RULES[0]
    if telegram_title.search(title):
        return telegram
    for name in classes:
        if name in _CLASS_TYPES:
            return _CLASS_TYPES[name]
    for type_, rule_tags, title_pattern in _TYPE_RULES:
        if any(tag in tags for tag in rule_tags) or title_pattern.search(title):
            return type_
    return "article"
