"""Read one article of the archive's own data (its `parsed` branch) into a Document.

An article is `<id>.json` (title, dates, authors, typed parts, footnotes and their anchors, pages,
alias, description), with its tags in `<id>.tags` beside it and its book's record in
`<book>.metadata` in the book's folder (`<book>/<id[:3]>/<id>.json`). The Document is the one the
export reader makes of the text export the archive renders from the same files (`tei.reader`):
the same body, character for character, markers included, so that every later step treats both
alike; what the export loses rides along in the Document's typed parts, footnotes and header
extras. Odd data is read past with a warning (a control character, an impossible date, a note
anchor out of range); only input that is not UTF-8 JSON of an article is rejected (InputError).
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from .dates import impossible_date_warning, parse_ymd
from .errors import InputError
from .model import BookRecord, Document, Footnote, Header, Part, PartKind, SplitBody, Tag
from .reader import NOT_XML
from .structure import is_ornament
from .files import read_regular_file

ARTICLE_SUFFIX = ".json"
TAGS_SUFFIX = ".tags"
BOOK_SUFFIX = ".metadata"
HEADING_LEVELS = {"title": 1, "subtitle": 2, "subtitle2": 3, "subtitle3": 4}
"""Heading part types and their level: the export prints them as `#`…`####`."""
PART_KINDS = {
    "paragraph": PartKind.PARAGRAPH, "quotation": PartKind.QUOTE, "appellation": PartKind.SALUTE,
    "authors": PartKind.BYLINE, "subdate": PartKind.DATELINE, "signature": PartKind.SIGNED,
    "image": PartKind.FIGURE, "image_description": PartKind.FIGURE_DESC,
}
PART_SEPARATOR = "\n\n"
"""Between two parts in the export's body."""
_EXPECTED = "an article of the archive: a JSON object with 'title' and 'parts'"


def is_article_json(data: bytes) -> bool:
    """Whether `data` looks like the archive's JSON rather than a text export (for stdin)."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def read_article(path: str | Path) -> Document:
    """Read the article `<id>.json` at `path`, with its tags and its book's record when they are
    where a checkout of the archive's `parsed` branch has them. A FIFO or a device is an
    InputError, never read (validate.read_regular_file)."""
    name = os.fspath(path)
    data, problem = read_regular_file(Path(name))
    if data is None:
        raise InputError(name, 0, problem if isinstance(problem, str) else problem.message)
    tags_path, book_path = companion_paths(name)
    return parse_article(data, name, Path(name).stem, read_regular_file(tags_path)[0], _book_file(os.fspath(book_path)))


def companion_paths(path: str | Path) -> tuple[Path, Path]:
    """Where a checkout of the `parsed` branch keeps an article's tags and its book's record:
    `<id>.tags` beside `<id>.json`, `<book>.metadata` in the book's folder `<book>/<id[:3]>/`."""
    article = Path(path)
    book_folder = article.parent.parent
    return article.with_suffix(TAGS_SUFFIX), book_folder / (book_folder.name + BOOK_SUFFIX)


@lru_cache(maxsize=64)
def _book_file(name: str) -> tuple[str, bytes | None]:
    """A book's record file (name, bytes), read once per process: a book holds many articles.
    None when there is none or it cannot be read."""
    return name, read_regular_file(Path(name))[0]


def parse_article(data: bytes, name: str, article_id: str, tags: bytes | None = None,
                  book: tuple[str, bytes | None] | None = None) -> Document:
    """The Document of one article given as bytes: `data` the article's JSON, `tags` its tags
    file, `book` (file name, bytes) its book's record; `name` is used in messages."""
    article = _load(data, name)
    if not isinstance(article, dict) or not isinstance(article.get("parts"), list) or "title" not in article:
        raise InputError(name, 1, f"not {_EXPECTED}")
    read = _Reading(name)
    body, split, text_starts, raw_texts = read.body(article["parts"])
    header = Header(
        article_id=article_id,
        title=read.text(article.get("title")).strip(),
        **read.dates(article.get("dates"), bool(article.get("is_range_date"))),
        authors=read.names(article.get("authors")),
        source=read.text(article.get("origin")).strip(),
        **read.tags(tags),
        **read.book(book),
        alias=read.text(article.get("alias")).strip(),
        pages=read.pages(article.get("page_start"), article.get("page_end")),
    )
    footnotes = read.footnotes(article.get("comments"), article.get("comment_pivots"), text_starts, raw_texts)
    return Document(path=name, header=header, body=body, body_line=1,
                    description=read.text(article.get("description")).strip("\n"), dropped_chars=read.dropped,
                    parts=split, footnotes=footnotes, warnings=tuple(read.warnings))


def export_text(document: Document) -> str:
    """The text export the archive renders from the article read as `document` (the export's nine
    header fields, its body and description): what tei.reader reads back as the same Document,
    less what only the JSON has."""
    header = document.header
    fields = (("id: ", header.article_id), ("标题：", header.title), ("日期：", header.date_text),
              ("是否是时间段：", "true" if header.is_range else "false"), ("作者：", ",".join(header.authors)),
              ("来源：", header.source), ("标签：", ",".join(header.tags)), ("书籍：", header.book),
              ("书籍作者：", header.book_author))
    return ("".join(f"{name}{value}\n" for name, value in fields)
            + f"\n正文：\n{document.body}\n\n描述：\n{document.description}\n")


def _load(data: bytes, name: str) -> object:
    if not data.strip():
        raise InputError(name, 1, f"empty file: expected {_EXPECTED}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(name, line, f"not UTF-8 (byte 0x{data[err.start]:02x}): expected {_EXPECTED}") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(name, err.lineno, f"not JSON ({err.msg}, column {err.colno}): expected {_EXPECTED}") from err
    except RecursionError as err:  # the decoder recurses once per level of nesting
        raise InputError(name, 1, f"JSON nested too deeply: expected {_EXPECTED}") from err


class _Reading:
    """The reading of one article: its values cleaned, the characters dropped and the warnings."""

    def __init__(self, name: str):
        self.name = name
        self.dropped = 0
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.name}: {message}")

    def text(self, value: object) -> str:
        """A string value as XML can carry it: LF line ends, no control characters (counted)."""
        if value is None:
            return ""
        if not isinstance(value, str):
            value = str(value) if isinstance(value, (int, float)) else ""
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        value, dropped = NOT_XML.subn("", value)
        self.dropped += dropped
        return value

    def names(self, values: object) -> tuple[str, ...]:
        if not isinstance(values, list):
            return ()
        return tuple(name for name in (self.text(value).strip() for value in values) if name)

    def body(self, parts: list) -> tuple[str, SplitBody, list[int], list[str]]:
        """The body as the export prints it (parts joined by a blank line, headings and quotations
        after their marker), its typed parts (ranges trimmed as structure.split_parts trims them),
        the body offset where each part's text starts and each part's text as given."""
        pieces: list[str] = []
        typed: list[tuple[PartKind, int, int, int]] = []
        markers: list[tuple[int, int]] = []
        text_starts: list[int] = []
        raw_texts: list[str] = []
        position = 0
        for index, part in enumerate(parts):
            if not isinstance(part, dict):
                part = {"text": part}
            raw = part.get("text")
            raw_texts.append(raw if isinstance(raw, str) else "")
            text = self.text(raw)
            part_type = part.get("type", "paragraph")
            level = HEADING_LEVELS.get(part_type, 0)
            kind = PartKind.HEADING if level else PART_KINDS.get(part_type)
            if kind is None:
                self.warn(f"part {index} has an unknown type {part_type!r}: read as a paragraph")
                kind = PartKind.PARAGRAPH
            if index:
                pieces.append(PART_SEPARATOR)
                position += len(PART_SEPARATOR)
            marker = "#" * level + " " if level else "> " if kind is PartKind.QUOTE else ""
            if marker:
                markers.append((position, position + len(marker)))
                pieces.append(marker)
                position += len(marker)
            text_starts.append(position)
            pieces.append(text)
            leading = text.lstrip("\n \t")
            content = leading.rstrip()
            if content:
                start = position + len(text) - len(leading)
                if kind is PartKind.PARAGRAPH and is_ornament(content):
                    kind = PartKind.ORNAMENT
                typed.append((kind, start, start + len(content), level))
            position += len(text)
        return ("".join(pieces), SplitBody(tuple(Part(*part) for part in typed), tuple(markers)),
                text_starts, raw_texts)

    def dates(self, values: object, is_range: bool) -> dict:
        """The dates as the export writes them (`y-m-d`, 0 for an unknown part) and as ISO dates."""
        raw: list[str] = []
        for value in values if isinstance(values, list) else ():
            if not isinstance(value, dict):
                self.warn(f"a date that is not an object ({value!r}) left out")
                continue
            raw.append("-".join(str(self._date_part(value.get(key))) for key in ("year", "month", "day")))
        iso: list[str | None] = []
        for date in raw:
            parsed = parse_ymd(date)
            if parsed.impossible:
                self.warnings.append(impossible_date_warning(self.name, date))
            iso.append(parsed.iso)
        return {"dates": tuple(raw), "iso_dates": tuple(iso), "date_text": ",".join(raw), "is_range": is_range}

    def _date_part(self, value: object) -> int:
        if isinstance(value, bool) or value is None:
            return 0
        if isinstance(value, int) and 0 <= value <= 9999:
            return value
        if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 4:
            return int(value)
        self.warn(f"a date part {value!r} that is not a number read as unknown (0)")
        return 0

    def tags(self, data: bytes | None) -> dict:
        """The tags' names (as the export lists them) and the tags with their types."""
        typed: list[Tag] = []
        if data is not None:
            try:
                values = json.loads(data.decode("utf-8-sig"))
            except (ValueError, RecursionError) as err:  # not UTF-8, not JSON, nested too deeply
                self.warn(f"its tags file is not UTF-8 JSON ({type(err).__name__}: {err}): no tags read")
                values = []
            for value in values if isinstance(values, list) else ():
                if isinstance(value, dict) and self.text(value.get("name")).strip():
                    typed.append(Tag(self.text(value.get("name")).strip(), self.text(value.get("type")).strip()))
        return {"tags": tuple(tag.name for tag in typed), "typed_tags": tuple(typed)}

    def book(self, book: tuple[str, bytes | None] | None) -> dict:
        """The book's name, author and record from its `<book>.metadata`."""
        empty = {"book": "", "book_author": "", "book_record": None}
        if book is None or book[1] is None:
            self.warn("no book record (<book>.metadata in the book's folder) beside it: the book is not named")
            return empty
        file_name, data = book
        try:
            record = json.loads(data.decode("utf-8-sig"))
        except (ValueError, RecursionError) as err:  # not UTF-8, not JSON, nested too deeply
            self.warn(f"its book record {file_name} is not UTF-8 JSON ({type(err).__name__}: {err}): "
                      "the book is not named")
            return empty
        if not isinstance(record, dict):
            self.warn(f"its book record {file_name} is not a JSON object: the book is not named")
            return empty
        scans = record.get("files")
        scans = [scans] if isinstance(scans, str) else scans if isinstance(scans, list) else []
        return {
            "book": self.text(record.get("name")).strip(),
            "book_author": self.text(record.get("author")).strip(),
            "book_record": BookRecord(
                book_id=self.text(record.get("id")).strip(),
                official=record.get("official") is True,
                internal=record.get("internal") is True,
                scans=tuple(url for url in (self.text(scan).strip() for scan in scans) if url),
            ),
        }

    def pages(self, first: object, last: object) -> tuple[int, int] | None:
        """The page range, None for books without pages (both 0)."""
        numbers = [value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
                   for value in (first, last)]
        if not any(numbers):
            return None
        first_page, last_page = numbers[0] or numbers[1], numbers[1] or numbers[0]
        if last_page < first_page:
            self.warn(f"pages {first_page}–{last_page} run backwards: read as {last_page}–{first_page}")
            first_page, last_page = last_page, first_page
        return first_page, last_page

    def footnotes(self, comments: object, pivots: object, text_starts: list[int],
                  raw_texts: list[str]) -> tuple[Footnote, ...]:
        """Every note of `comments`, numbered from 1, each at the body offset of its anchor; a note
        without a usable anchor (none, a part or an offset out of range, its number repeated) is
        kept with offset None or at the end of its part, and a warning says so."""
        notes = [self.text(comment) for comment in comments] if isinstance(comments, list) else []
        anchors: dict[int, int | None] = {}
        for pivot in pivots if isinstance(pivots, list) else ():
            number, part, offset = (pivot.get(key) if isinstance(pivot, dict) else None
                                    for key in ("index", "part_idx", "offset"))
            if not all(isinstance(value, int) and not isinstance(value, bool) for value in (number, part, offset)):
                self.warn(f"a note anchor that is not three numbers ({pivot!r}) left out")
            elif not 1 <= number <= len(notes):
                self.warn(f"an anchor for note {number}, but the article has {len(notes)} note(s): left out")
            elif number in anchors:
                self.warn(f"note {number} anchored twice: kept at its first anchor")
            elif not 0 <= part < len(text_starts):
                self.warn(f"note {number} anchored in part {part}, which the article does not have "
                          f"({len(text_starts)} parts): placed at the end of the text")
                anchors[number] = None
            else:
                raw = raw_texts[part]
                if not 0 <= offset <= len(raw):
                    self.warn(f"note {number} anchored at character {offset} of part {part}, which has "
                              f"{len(raw)}: placed at the end of that part")
                    offset = len(raw) if offset > 0 else 0
                anchors[number] = text_starts[part] + self._clean_length(raw[:offset])
        for number in range(1, len(notes) + 1):
            if number not in anchors:
                self.warn(f"note {number} has no anchor: placed at the end of the text")
        return tuple(Footnote(str(number), text, anchors.get(number)) for number, text in enumerate(notes, start=1))

    @staticmethod
    def _clean_length(prefix: str) -> int:
        """Length of a part's prefix once read (line ends normalised, control characters dropped),
        so that an anchor into the text as given lands on the same character of the body."""
        if "\r" in prefix:
            prefix = prefix.replace("\r\n", "\n").replace("\r", "\n")
        return len(NOT_XML.sub("", prefix))
