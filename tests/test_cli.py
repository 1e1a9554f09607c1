"""The `tei` command in a separate process: exit codes, messages, atomic and reproducible output."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INPUTS, SEED, parse_tei, xpath


def tei(*args: str, stdin: bytes | None = None, env: dict | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "tei", *args], input=stdin, capture_output=True,
                          env={**os.environ, **(env or {})}, cwd=cwd)


def test_convert_seed_writes_stem_xml_and_summary(tmp_path):
    result = tei("convert", str(SEED), "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "000_40c4c9e224be5acb.xml").exists()
    assert result.stdout == b""
    assert result.stderr.decode().startswith(f"converted 1 of 1 file(s) to {tmp_path} in ")


def test_stdin_to_stdout_is_byte_identical_to_file_output(tmp_path):
    tei("convert", "--no-ocr", str(SEED), "-o", str(tmp_path))
    result = tei("convert", "--no-ocr", "-", stdin=SEED.read_bytes())
    assert result.returncode == 0
    assert result.stdout == (tmp_path / "000_40c4c9e224be5acb.xml").read_bytes()


def test_output_is_reproducible_and_timestamp_honours_source_date_epoch(tmp_path):
    first = tei("convert", "-", stdin=SEED.read_bytes()).stdout
    assert first == tei("convert", "-", stdin=SEED.read_bytes()).stdout
    stamped = tei("convert", "--timestamp", "-", stdin=SEED.read_bytes(), env={"SOURCE_DATE_EPOCH": "0"})
    assert xpath(parse_tei(stamped.stdout), "string(//t:publicationStmt/t:date/@when)") == "1970-01-01T00:00:00Z"
    assert b"publicationStmt" in first and b"<date when=\"19" not in first.split(b"</publicationStmt>")[0]


def test_batch_goes_on_past_bad_files_and_exits_1(tmp_path):
    batch = tmp_path / "in"
    shutil.copytree(INPUTS, batch)
    result = tei("convert", str(batch), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    bad = sorted(p.name for p in (batch / "bad").iterdir())
    odd = sorted(p.stem + ".xml" for p in (batch / "odd").iterdir())
    assert sorted(p.name for p in (tmp_path / "out" / "odd").iterdir()) == odd
    assert not (tmp_path / "out" / "bad").exists() or list((tmp_path / "out" / "bad").iterdir()) == []
    assert f"converted {len(odd)} of {len(odd) + len(bad)} file(s)" in "\n".join(lines)
    assert any(line.startswith(f"  {batch}/bad/gbk.txt:2: not UTF-8") for line in lines)
    assert "Traceback" not in result.stderr.decode()


def test_bad_file_leaves_no_output(tmp_path):
    result = tei("convert", str(INPUTS / "bad" / "no-header.txt"), "-o", str(tmp_path))
    assert result.returncode == 1
    assert list(tmp_path.iterdir()) == []
    assert result.stderr.decode().splitlines()[0] == (
        f"{INPUTS}/bad/no-header.txt:1: no header: expected an export starting with 'id: <article id>', found '# 标题'")


def test_control_characters_warn_with_a_count(tmp_path):
    result = tei("convert", str(INPUTS / "odd" / "control-chars.txt"), "-o", str(tmp_path))
    assert result.returncode == 0
    assert "dropped 3 character(s) that XML 1.0 cannot carry" in result.stderr.decode()


@pytest.mark.parametrize("args", [
    ("convert",),
    ("convert", "does-not-exist.txt"),
    ("convert", "--jobs", "0", str(SEED)),
    ("validate",),
    ("nonsense",),
])
def test_usage_errors_exit_2(args):
    result = tei(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr.decode()


def test_empty_folder_is_a_usage_error(tmp_path):
    result = tei("convert", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no .txt files found" in result.stderr.decode()


def test_unwritable_output_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = tei("convert", str(SEED), "-o", str(blocker / "sub"))
    assert result.returncode == 2
    assert "cannot write" in result.stderr.decode()


def test_validate_accepts_converted_output(tmp_path):
    tei("convert", str(SEED), str(INPUTS / "odd"), "-o", str(tmp_path))
    result = tei("validate", str(tmp_path))
    assert result.returncode == 0, result.stdout.decode()
    assert result.stdout == b""
    assert result.stderr.decode().strip().endswith("file(s) valid")


def test_validate_reports_file_line_code(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<wrong/>\n</TEI>\n')
    result = tei("validate", str(bad))
    assert result.returncode == 1
    first = result.stdout.decode().splitlines()[0]
    assert first.startswith(f"{bad}:") and " RELAXNG_ERR_" in first


def test_validate_not_well_formed_and_json(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI><p></TEI>")
    result = tei("validate", "--format", "json", str(broken))
    assert result.returncode == 1
    assert b'"valid": false' in result.stdout and b"ERR_TAG_NAME_MISMATCH" in result.stdout


def test_validate_refuses_entities_without_expanding_them(tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_text('<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                    '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<TEI>&b;&xxe;</TEI>\n')
    result = tei("validate", str(evil))
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "XML_ENTITY" in out and "root:" not in out and "aaaaaaaaaa" not in out


def test_validate_unusable_schema_exits_2(tmp_path):
    schema = tmp_path / "schema.rnc"
    schema.write_text("element TEI { empty ")
    tei("convert", str(SEED), "-o", str(tmp_path))
    result = tei("validate", "--schema", str(schema), str(tmp_path / "000_40c4c9e224be5acb.xml"))
    assert result.returncode == 2 and result.stdout == b""
    message, = result.stderr.decode().splitlines()
    assert message.startswith(f"Error: {schema}: not a usable RelaxNG compact schema")


def test_ten_megabyte_body_converts_and_validates(tmp_path):
    paragraph = "最近以来，在共产党的报刊上发表了一些文件。" * 50
    body = "\n\n".join([paragraph] * 3000) + "\n\n" + "这是一段没有分段的长文。" * 300_000
    source = tmp_path / "big.txt"
    source.write_text(f"id: big\n标题：大\n日期：1963-11-29\n是否是时间段：false\n作者：甲\n来源：\n标签：\n书籍：书\n"
                      f"书籍作者：\n\n正文：\n{body}\n\n描述：\n\n", encoding="utf-8")
    assert source.stat().st_size > 10_000_000
    assert tei("convert", "--no-ocr", str(source), "-o", str(tmp_path)).returncode == 0
    result = tei("validate", str(tmp_path / "big.xml"))
    assert result.returncode == 0, result.stdout[:300]


def test_convert_honours_a_user_file_of_protected_terms(tmp_path):
    user_file = tmp_path / "mine.txt"
    user_file.write_text("# terms never flagged\n会识\n", encoding="utf-8")
    after_hui = ("count(//t:choice[t:sic='识'][substring(preceding-sibling::node()[1], "
                 "string-length(preceding-sibling::node()[1])) = '会'])")
    plain = parse_tei(tei("convert", "-", stdin=SEED.read_bytes()).stdout)
    assert xpath(plain, after_hui) > 0
    protected = parse_tei(tei("convert", "--user-file", str(user_file), "-", stdin=SEED.read_bytes()).stdout)
    assert xpath(protected, after_hui) == 0
    assert "莫斯科会识的宣言" in xpath(protected, "string(//t:body)")


def test_convert_rejects_a_bad_user_file_as_usage_error(tmp_path):
    user_file = tmp_path / "bad.txt"
    user_file.write_text("ab\tc\n", encoding="utf-8")
    result = tei("convert", "--user-file", str(user_file), str(SEED), "-o", str(tmp_path))
    assert result.returncode == 2
    assert f"{user_file}:1: expected wrong<TAB>right[<TAB>count]" in result.stderr.decode()
    assert not (tmp_path / "000_40c4c9e224be5acb.xml").exists()


@pytest.mark.parametrize(("command", "marker"), [
    (("totext", "-"), "苏共中央".encode()),
    (("preview", "-"), b"<!DOCTYPE html>"),
    (("cmif", "--url", "https://example.org/l.xml", "-"), b"<correspDesc"),
])
def test_dash_reads_one_tei_document_from_stdin(command, marker, tmp_path):
    converted = tei("convert", "--no-ocr", "-", stdin=SEED.read_bytes()).stdout
    result = tei(*command, stdin=converted)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout


def test_dash_reads_one_export_from_stdin_for_ocr():
    result = tei("ocr", "--format", "json", "-", stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b'{"file": "-"')
