"""Read one text export of banned-historical-archives into a Document.

The only module that knows the nine header fields, the 正文/描述 markers and the file's encoding
rules. Anything it cannot read raises InputError naming the file, the line and what was expected.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .dates import impossible_date_warning, parse_ymd
from .errors import InputError
from .model import Document, Header

FIELD_NAMES = ("id", "标题", "日期", "是否是时间段", "作者", "来源", "标签", "书籍", "书籍作者")
_FIELD_LINE = re.compile(r"^(书籍作者|是否是时间段|标题|日期|作者|来源|标签|书籍|id)[ \t]*[:：][ \t]?(.*)$")
_BODY_MARKER = re.compile(r"^正文[ \t]*[:：][ \t]*$", re.MULTILINE)
_DESCRIPTION_MARKER = re.compile(r"\n\n描述[ \t]*[:：][ \t]?")
# XML 1.0 cannot carry these (C0 controls but tab/LF/CR, the non-characters U+FFFE/U+FFFF, and
# lone surrogates, which only a permissive decoder could produce).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_C0_NOT_XML = bytes([*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20)])
_EXPECTED_START = "an export starting with 'id: <article id>'"


def read_export(path: str | Path) -> Document:
    """Read the export file at `path`."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as file:
            data = file.read()
    except OSError as err:
        raise InputError(name, 0, f"cannot read file: {err.strerror or err}") from err
    return parse_export(data, name)


def parse_export(data: bytes, name: str) -> Document:
    """Parse the bytes of one export; `name` is used in messages and kept as Document.path."""
    text = _decode(data, name)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    dropped = 0
    if _may_hold_non_xml(data, text):
        text, dropped = _NOT_XML.subn("", text)
    marker = _BODY_MARKER.search(text)
    lines = text[:marker.start() if marker else len(text)].split("\n")
    if marker:
        lines.pop()  # the empty rest of the line before the marker
    header = _parse_header(lines, name, has_body=marker is not None)
    if marker is None:
        raise InputError(name, len(lines), "expected a '正文：' line after the header, found none")
    body, description = _split_body(text, marker.end() + 1)
    date_line = next((number for number, line in enumerate(lines, start=1) if line.startswith("日期")), 0)
    warnings = tuple(impossible_date_warning(f"{name}:{date_line}", raw)
                     for raw in header.dates if parse_ymd(raw).impossible)
    return Document(path=name, header=header, body=body, body_line=len(lines) + 2,
                    description=description, dropped_chars=dropped, warnings=warnings)


def _may_hold_non_xml(data: bytes, text: str) -> bool:
    """A cheap test before the regex: C0 controls in the bytes, or U+FFFE/U+FFFF in the text."""
    return (len(data.translate(None, _C0_NOT_XML)) != len(data)
            or "\ufffe" in text or "\uffff" in text)


def _decode(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(name, 1, f"empty file: expected {_EXPECTED_START}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(name, 1, "not UTF-8: the file looks like UTF-16 (byte-order mark); save it as UTF-8")
    if b"\x00" in data[:65536]:
        raise InputError(name, data[: data.index(b"\x00")].count(b"\n") + 1,
                         "binary data (NUL byte): expected UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(name, line, f"not UTF-8 (byte 0x{data[err.start]:02x}); "
                                     f"it looks like {_guess_encoding(data)}: save it as UTF-8") from err


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


def _parse_header(lines: list[str], name: str, has_body: bool) -> Header:
    values: dict[str, tuple[str, int]] = {}
    previous: str | None = None  # the field a continuation line would extend
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            previous = None
            continue
        match = _FIELD_LINE.match(line)
        if match:
            field, value = match.groups()
            if field in values:
                raise InputError(name, number, f"field {field!r} given twice (first on line {values[field][1]})")
            values[field] = (value, number)
            previous = field
        elif previous is not None and has_body:
            # A value running over several lines (a title with a subtitle line): keep the break.
            value, first_line = values[previous]
            values[previous] = (f"{value}\n{line}", first_line)
        elif not values and line.lstrip().startswith("<"):
            raise InputError(name, number, f"XML, not a text export (expected {_EXPECTED_START}); "
                                           "TEI is read by tei validate, totext, preview and cmif")
        elif not values:
            raise InputError(name, number, f"no header: expected {_EXPECTED_START}, found {line[:40]!r}")
        elif has_body:
            raise InputError(name, number, f"expected a header field ({'，'.join(FIELD_NAMES)}), found {line[:40]!r}")
        else:
            break
    values = {field: (value.strip(), line) for field, (value, line) in values.items()}
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
        iso_dates = tuple(parse_ymd(date).iso for date in dates)
    except ValueError as err:
        raise InputError(name, date_line, str(err)) from err
    flag, flag_line = values.get("是否是时间段", ("false", 0))
    if flag.lower() not in ("true", "false", ""):
        raise InputError(name, flag_line, f"expected 'true' or 'false' for 是否是时间段, found {flag!r}")
    return Header(
        article_id=article_id,
        title=value("标题"),
        dates=tuple(dates),
        iso_dates=iso_dates,
        date_text=date_text,
        is_range=flag.lower() == "true",
        authors=tuple(_split_list(value("作者"))),
        source=value("来源"),
        tags=tuple(_split_list(value("标签"))),
        book=value("书籍"),
        book_author=value("书籍作者"),
    )


def _split_list(value: str) -> list[str]:
    """Split a `,`-joined field, ignoring empty entries."""
    return [item.strip() for item in value.split(",") if item.strip()]


def _split_body(text: str, body_start: int) -> tuple[str, str]:
    """Body and description; the description marker is the last `描述：` line after a blank line."""
    search_end = len(text)
    while (candidate := text.rfind("\n\n描述", body_start - 1, search_end)) >= 0:
        marker = _DESCRIPTION_MARKER.match(text, candidate)
        if marker:
            body = text[body_start:candidate] if candidate >= body_start else ""
            return body, text[marker.end():].strip("\n")
        search_end = candidate + 3  # a later occurrence can only start before this one's end
    return _strip_final_newline(text[body_start:]), ""


def _strip_final_newline(body: str) -> str:
    return body[:-1] if body.endswith("\n") else body
