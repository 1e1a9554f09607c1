"""Read one text export of banned-historical-archives into a Document.

The only module that knows the nine header fields, the 正文/描述 markers and the file's encoding
rules. Anything it cannot read raises InputError naming the file, the line and what was expected.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .dates import impossible_date_warning, in_order, parse_ymd
from .errors import InputError
from .model import Document, Header
from .files import read_regular_file

FIELD_NAMES = ("id", "标题", "日期", "是否是时间段", "作者", "来源", "标签", "书籍", "书籍作者")
_FIELD_LINE = re.compile(r"^(书籍作者|是否是时间段|标题|日期|作者|来源|标签|书籍|id)[ \t]*[:：][ \t]?(.*)$")
_FIELD_LIKE = re.compile(r"^\s*([^\s:：,，。、；;“”（）()《》—-]{1,6}(?:\s+[^\s:：,，。、；;“”（）()《》—-]{1,6})*)\s*[:：](.*)$")
"""A line that looks like `name：value` with a short name, perhaps spaced (`标 题：`, a tab before
`标签：`): a misspelt or unknown field, which must not pass for the previous field's next line."""
_BODY_MARKER = re.compile(r"^正文[ \t]*[:：][ \t]*$", re.MULTILINE)
_DESCRIPTION_MARKER = re.compile(r"\n\n描述[ \t]*[:：][ \t]*(?:\n|$)")
"""The description section: a line `描述：` alone after a blank line, the text on the lines below,
as the export writes it; a body paragraph that starts `描述：…` is body text."""
# XML 1.0 cannot carry these (C0 controls but tab/LF/CR, the non-characters U+FFFE/U+FFFF, and
# lone surrogates, which only a permissive decoder could produce). NUL is one of them like any
# other: dropped and counted wherever it is.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_C0_NOT_XML = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20)])
_EXPECTED_START = "an export starting with 'id: <article id>'"


def read_export(path: str | Path) -> Document:
    """Read the export file at `path`. A FIFO or a device is an InputError, never read (a FIFO
    would block, /dev/zero never end)."""
    name = os.fspath(path)
    data, problem = read_regular_file(Path(name))
    if data is None:
        raise InputError(name, 0, problem if isinstance(problem, str) else problem.message)
    return parse_export(data, name)


def parse_export(data: bytes, name: str) -> Document:
    """Parse the bytes of one export; `name` is used in messages and kept as Document.path."""
    text = _decode(data, name)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    dropped = 0
    if _may_hold_non_xml(data, text):
        text, dropped = NOT_XML.subn("", text)
    marker = _BODY_MARKER.search(text)
    lines = text[:marker.start() if marker else len(text)].split("\n")
    if marker:
        lines.pop()  # the empty rest of the line before the marker
    warnings: list[str] = []
    header = _parse_header(lines, name, marker is not None, warnings)
    if marker is None:
        raise InputError(name, len(lines), "expected a '正文：' line after the header, found none")
    body, description = _split_body(text, marker.end() + 1)
    date_line = next((number for number, line in enumerate(lines, start=1) if line.startswith("日期")), 0)
    warnings += [impossible_date_warning(f"{name}:{date_line}", raw)
                 for raw in header.dates if parse_ymd(raw).impossible]
    return Document(path=name, header=header, body=body, body_line=len(lines) + 2,
                    description=description, dropped_chars=dropped, warnings=tuple(warnings))


def _may_hold_non_xml(data: bytes, text: str) -> bool:
    """A cheap test before the regex: C0 controls in the bytes, or U+FFFE/U+FFFF in the text."""
    return (len(data.translate(None, _C0_NOT_XML)) != len(data)
            or "\ufffe" in text or "\uffff" in text)


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(name, 1, f"empty file: expected {_EXPECTED_START}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(data):
        raise InputError(name, 1, "not UTF-8: the file looks like UTF-16 or UTF-32; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if b"\x00" in data:
            raise InputError(name, data[: data.index(b"\x00")].count(b"\n") + 1,
                             "binary data (NUL byte): expected UTF-8 text") from err
        line = data[: err.start].count(b"\n") + 1
        raise InputError(name, line, f"not UTF-8 (byte 0x{data[err.start]:02x}); "
                                     f"it looks like {_guess_encoding(data)}: save it as UTF-8") from err


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 (or UTF-32) without a byte-order mark: the ASCII an export starts with (`id: `) gives a
    NUL in every other byte. A stray NUL in UTF-8 text is not that: it is dropped like any
    control character."""
    start = data[:16]
    return len(start) >= 8 and (start[0::2].count(0) * 2 == len(start) or start[1::2].count(0) * 2 == len(start))


def _guess_encoding(data: bytes) -> str:
    """A human hint for a file that is not UTF-8: the first legacy encoding that reads it as CJK."""
    for encoding, label in (("gb18030", "GB18030/GBK"), ("big5", "Big5")):
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in decoded)
        if cjk >= max(1, len(decoded) // 10):
            return label
    return "a single-byte encoding such as Latin-1"


def _parse_header(lines: list[str], name: str, has_body: bool, warnings: list[str]) -> Header:
    values: dict[str, tuple[list[str], int]] = {}  # a field's lines (kept as a list: linear in their number)
    previous: str | None = None  # the field a continuation line would extend
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            previous = None
            continue
        field, value = _field(line, number, name, warnings)
        if field:
            if field in values:
                raise InputError(name, number, f"field {field!r} given twice (first on line {values[field][1]})")
            values[field] = ([value], number)
            previous = field
        elif previous is not None and has_body:
            # A value running over several lines (a title with a subtitle line): keep the break.
            if like := _FIELD_LIKE.match(line):
                warnings.append(f"{name}:{number}: {like.group(1)!r} is not a header field "
                                f"({'，'.join(FIELD_NAMES)}); the line is kept as part of {previous!r}")
            values[previous][0].append(line)
        elif not values and line.lstrip().startswith("<"):
            raise InputError(name, number, f"XML, not a text export (expected {_EXPECTED_START}); "
                                           "TEI is read by tei validate, totext, preview and cmif")
        elif not values:
            raise InputError(name, number, f"no header: expected {_EXPECTED_START}, found {line[:40]!r}")
        elif has_body:
            raise InputError(name, number, f"expected a header field ({'，'.join(FIELD_NAMES)}), found {line[:40]!r}")
        else:
            break
    values = {field: ("\n".join(parts).strip(), line) for field, (parts, line) in values.items()}
    if not values:
        raise InputError(name, 1, f"no header: expected {_EXPECTED_START}")
    article_id, id_line = values.get("id", ("", 1))
    if not article_id:
        raise InputError(name, id_line, "expected a non-empty 'id:' field with the article id")

    def value(field: str) -> str:
        return values.get(field, ("", 0))[0]

    date_text, date_line = values.get("日期", ("", 0))
    dates = _split_list(date_text)
    try:
        parsed = [parse_ymd(date) for date in dates]
    except ValueError as err:
        raise InputError(name, date_line, str(err)) from err
    flag, flag_line = values.get("是否是时间段", ("false", 0))
    if flag.lower() not in ("true", "false", ""):
        raise InputError(name, flag_line, f"expected 'true' or 'false' for 是否是时间段, found {flag!r}")
    is_range = flag.lower() == "true"
    iso_dates = tuple(date.iso for date in parsed)
    if is_range and len(parsed) >= 2 and not in_order(parsed[0], parsed[-1]):
        warnings.append(f"{name}:{date_line}: the period {date_text!r} ends before it starts; "
                        "kept as written, with no machine-readable dates")
        iso_dates = (None,) * len(parsed)
    return Header(
        article_id=article_id,
        title=value("标题"),
        dates=tuple(dates),
        iso_dates=iso_dates,
        date_text=date_text,
        is_range=is_range,
        authors=tuple(_split_list(value("作者"))),
        source=value("来源"),
        tags=tuple(_split_list(value("标签"))),
        book=value("书籍"),
        book_author=value("书籍作者"),
    )


def _field(line: str, number: int, name: str, warnings: list[str]) -> tuple[str, str]:
    """(field, value) for a field line; ("", "") for any other. A field name written with spaces
    in or before it (`标 题：`, a tab before `标签：`) is read as that field, with a warning."""
    if match := _FIELD_LINE.match(line):
        return match.group(1), match.group(2)
    like = _FIELD_LIKE.match(line)
    if like and (field := "".join(like.group(1).split())) in FIELD_NAMES:
        warnings.append(f"{name}:{number}: a field name with spaces in or before it ({line[:12]!r}…); "
                        f"read as the field {field!r}")
        return field, like.group(2).lstrip(" \t")
    return "", ""


def _split_list(value: str) -> list[str]:
    """Split a `,`-joined field, ignoring empty entries."""
    return [item.strip() for item in value.split(",") if item.strip()]


def _split_body(text: str, body_start: int) -> tuple[str, str]:
    """Body and description; the description marker is the last line `描述：` after a blank line
    (see _DESCRIPTION_MARKER); a description of blank characters only is none."""
    search_end = len(text)
    while (candidate := text.rfind("\n\n描述", body_start - 1, search_end)) >= 0:
        marker = _DESCRIPTION_MARKER.match(text, candidate)
        if marker:
            body = text[body_start:candidate] if candidate >= body_start else ""
            description = text[marker.end():].strip("\n")
            return body, description if description.strip() else ""  # blank: no description
        search_end = candidate + 3  # a later occurrence can only start before this one's end
    return _strip_final_newline(text[body_start:]), ""


def _strip_final_newline(body: str) -> str:
    return body[:-1] if body.endswith("\n") else body
