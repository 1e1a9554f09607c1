"""The reader on hand-made exports: fields, lists, dates, body/description split, encodings."""
from __future__ import annotations

import pytest

from tei.errors import InputError
from tei.reader import FIELD_NAMES, parse_export, read_export

from conftest import INPUTS, SEED

HEADER = ("id: abc123\n标题：测试\n日期：{date}\n是否是时间段：{flag}\n作者：{authors}\n来源：\n标签：{tags}\n"
          "书籍：红旗\n书籍作者：\n\n正文：\n")


def export(body="正文一段。", description="", date="1963-11-29", flag="false", authors="苏共中央", tags="书信"):
    return (HEADER.format(date=date, flag=flag, authors=authors, tags=tags) + body + "\n\n描述：\n"
            + description + "\n").encode()


def test_seed_header_fields():
    header = read_export(SEED).header
    assert header.article_id == "3383ff062d"
    assert header.title == "苏共中央一九六三年十一月二十九日给中共中央的信"
    assert header.dates == ("1963-11-29",)
    assert header.is_range is False
    assert header.authors == ("赫鲁晓夫",)
    assert header.tags == ("工业战线", "书信")
    assert header.book == "红旗一九六四年第九期"
    assert header.source == "" and header.book_author == ""


def test_seed_body_is_exact_slice():
    raw = SEED.read_text(encoding="utf-8")
    expected = raw[raw.index("正文：\n") + 4: raw.rindex("\n\n描述：\n")]
    document = read_export(SEED)
    assert document.body == expected
    assert document.body_line == 12


@pytest.mark.parametrize("authors, expected", [
    ("苏共中央,赫鲁晓夫", ("苏共中央", "赫鲁晓夫")),
    (",毛泽东,,", ("毛泽东",)),
    ("", ()),
])
def test_author_lists_ignore_empty_entries(authors, expected):
    assert parse_export(export(authors=authors), "x").header.authors == expected


def test_several_dates_and_range_flag():
    header = parse_export(export(date="1951-11-0,1952-5-0", flag="true"), "x").header
    assert header.dates == ("1951-11-0", "1952-5-0")
    assert header.is_range is True
    assert header.date_text == "1951-11-0,1952-5-0"


def test_description_kept_and_body_split_at_last_marker():
    document = parse_export(export(body="甲\n\n描述：不是描述", description="真正的描述\n\n第二段"), "x")
    assert document.body == "甲\n\n描述：不是描述"
    assert document.description == "真正的描述\n\n第二段"


def test_missing_description_runs_body_to_end():
    data = HEADER.format(date="", flag="false", authors="", tags="").encode() + "正文。\n".encode()
    document = parse_export(data, "x")
    assert document.body == "正文。"
    assert document.description == ""


def test_crlf_bom_and_halfwidth_colons_read_like_the_plain_file():
    plain = read_export(INPUTS / "odd" / "no-description.txt")
    assert read_export(INPUTS / "odd" / "crlf-bom.txt").header == plain.header
    halfwidth = read_export(INPUTS / "odd" / "halfwidth-colon.txt")
    assert halfwidth.header == plain.header
    assert halfwidth.body == read_export(INPUTS / "odd" / "crlf-bom.txt").body


def test_control_characters_are_dropped_and_counted():
    document = read_export(INPUTS / "odd" / "control-chars.txt")
    assert document.dropped_chars == 3
    assert document.body == "第一段有控制字符。\n\n第二段。"


def test_non_bmp_and_combining_marks_are_kept_unnormalised():
    assert "𠀀𡃁𪚥" in read_export(INPUTS / "odd" / "non-bmp.txt").body
    assert "e\u0301 与 é" in read_export(INPUTS / "odd" / "combining.txt").body


def test_header_value_over_two_lines_is_one_value_and_a_line_like_an_unknown_field_is_named():
    path = INPUTS / "odd" / "continuation-line.txt"
    document = read_export(path)
    assert document.header.source == "出版：人民出版社"
    assert document.warnings == (f"{path}:7: '出版' is not a header field ({'，'.join(FIELD_NAMES)}); "
                                 "the line is kept as part of '来源'",)


@pytest.mark.parametrize("line, field", [("标 题：改过的题", "title"), ("\t标签：书信", "tags"), ("　作 者：某人", "authors")])
def test_a_field_name_written_with_spaces_is_that_field_with_a_warning(line, field):
    """Never glued onto the previous field (the idno once became `abc123\n标 题：…`)."""
    name = {"title": "标题", "tags": "标签", "authors": "作者"}[field]
    lines = export().decode().split("\n")
    position = next(index for index, entry in enumerate(lines) if entry.startswith(f"{name}："))
    lines[position] = line
    document = parse_export("\n".join(lines).encode(), "x")
    assert document.header.article_id == "abc123"
    value = getattr(document.header, field)
    assert value == (line.split("：")[1] if field == "title" else (line.split("：")[1],))
    [warning] = document.warnings
    assert warning.startswith(f"x:{position + 1}: a field name with spaces in or before it") and warning.endswith(f"read as the field {name!r}")


def test_a_body_paragraph_starting_with_the_description_marker_is_body():
    data = HEADER.format(date="", flag="false", authors="", tags="") + "甲\n\n描述：这是正文的一段\n\n乙\n"
    document = parse_export(data.encode(), "x")
    assert document.body == "甲\n\n描述：这是正文的一段\n\n乙" and document.description == ""


def test_a_blank_description_is_none():
    assert parse_export(export(description=" \t\u3000\n\n\u3000"), "x").description == ""


def test_nul_is_dropped_and_counted_wherever_it_is():
    """In the first 64 KiB or later, in the body or a field: one rule (it once rejected the file)."""
    for data in (export(body="甲\x00乙"), export(body="丙" * 40_000 + "甲\x00乙"), export(authors="某\x00人")):
        document = parse_export(data, "x")
        assert document.dropped_chars == 1
        assert "甲乙" in document.body or document.header.authors == ("某人",)


def test_a_period_that_ends_before_it_starts_keeps_its_text_without_iso_dates():
    document = parse_export(export(date="1970-1-1,1960-1-1", flag="true"), "x")
    assert document.header.dates == ("1970-1-1", "1960-1-1") and document.header.iso_dates == (None, None)
    assert document.warnings == ("x:3: the period '1970-1-1,1960-1-1' ends before it starts; "
                                 "kept as written, with no machine-readable dates",)
    forwards = parse_export(export(date="1963-5-0,1963-0-0", flag="true"), "x")
    assert forwards.header.iso_dates == ("1963-05", "1963") and forwards.warnings == ()


@pytest.mark.parametrize("name, line, message", [
    ("empty.txt", 1, "empty file: expected an export starting with 'id: <article id>'"),
    ("binary.txt", 3, "binary data (NUL byte): expected UTF-8 text"),
    ("gbk.txt", 2, "not UTF-8 (byte 0xb1); it looks like GB18030/GBK: save it as UTF-8"),
    ("no-body-marker.txt", 21, "expected a '正文：' line after the header, found none"),
    ("no-header.txt", 1, "no header: expected an export starting with 'id: <article id>', found '# 标题'"),
    ("bad-date.txt", 3, "expected a date y-m-d with 0 for an unknown part, found '1963年11月29日'"),
    ("bad-flag.txt", 4, "expected 'true' or 'false' for 是否是时间段, found 'maybe'"),
    ("no-id.txt", 1, "expected a non-empty 'id:' field with the article id"),
])
def test_bad_input_names_file_line_and_expectation(name, line, message):
    path = INPUTS / "bad" / name
    with pytest.raises(InputError) as caught:
        read_export(path)
    assert (caught.value.line, caught.value.message) == (line, message)
    assert str(caught.value) == f"{path}:{line}: {message}"


def test_a_date_not_of_the_form_is_rejected():
    with pytest.raises(InputError, match=r"^x:3: expected a date y-m-d"):
        parse_export(export(date="63/11/29"), "x")


@pytest.mark.parametrize("date", ["1963-13-1", "2011-3-38", "1967-2-306"])
def test_an_impossible_date_is_kept_as_written_without_an_iso_value(date):
    document = parse_export(export(date=date), "x")
    assert (document.header.dates, document.header.iso_dates) == ((date,), (None,))
    assert document.warnings == (f"x:3: impossible date {date!r} kept as written, "
                                 "without a machine-readable value (@when)",)


def test_field_given_twice_is_rejected():
    data = export().replace("标题：测试\n".encode(), "标题：测试\n标题：又一个\n".encode())
    with pytest.raises(InputError, match="field '标题' given twice"):
        parse_export(data, "x")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32-le"])
def test_utf16_is_named_with_or_without_a_byte_order_mark(encoding):
    with pytest.raises(InputError, match="looks like UTF-16"):
        parse_export(export().decode().encode(encoding), "x")
