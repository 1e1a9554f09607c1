"""Findings → text, JSON lines, JUnit XML, SARIF 2.1.0; and `tei validate --format` end to end."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from lxml import etree

from conftest import SEED, tei_command as tei
from tei.model import AppliedSchema, Finding
from tei.report import FORMATS, FileResult, file_uri, printable, render, render_file

BAD = FileResult("out/a b.xml", (
    Finding("out/a b.xml", 7, "RELAXNG_ERR_ELEMWRONG", "Did not expect element wrong there", 3, "tei_bha.rng"),
    Finding("out/a b.xml", 0, "BHA_DATE", "date <&> \"quoted\" 日期", 0, "tei_bha.sch"),
), (AppliedSchema("tei_bha.rng", "relaxng", "xml-model", "out/tei_bha.rng"),))
GOOD = FileResult("out/good.xml")
FIFO = FileResult("out/pipe.xml", skipped="not a regular file (a FIFO); skipped")
# A file name with a byte that is not UTF-8 (as os.fsdecode gives it) and a control character.
ODD = FileResult(os.fsdecode(b"out/\xff\x01.xml"), (Finding(os.fsdecode(b"out/\xff\x01.xml"), 2, "XML_SYNTAX", "bad \x02"),))


# ---------------------------------------------------------------- text and JSON lines
@pytest.mark.parametrize(("result", "expected"), [
    (BAD, 'out/a b.xml:7:3: RELAXNG_ERR_ELEMWRONG Did not expect element wrong there [tei_bha.rng]\n'
          'out/a b.xml:0: BHA_DATE date <&> "quoted" 日期 [tei_bha.sch]'),
    (GOOD, ""),
    (ODD, "out/\\xff\\x01.xml:2: XML_SYNTAX bad \\x02"),
])
def test_text_is_file_line_column_code_message_schema(result, expected):
    assert render_file(result, "text") == expected


def test_json_is_one_object_per_file_and_line():
    lines = render([BAD, GOOD, FIFO], "json").split("\n")
    assert [json.loads(line) for line in lines] == [
        {"file": "out/a b.xml", "valid": False,
         "schemas": [{"name": "tei_bha.rng", "kind": "relaxng", "source": "xml-model", "location": "out/tei_bha.rng"}],
         "findings": [
             {"line": 7, "column": 3, "code": "RELAXNG_ERR_ELEMWRONG", "message": "Did not expect element wrong there",
              "schema": "tei_bha.rng"},
             {"line": 0, "column": 0, "code": "BHA_DATE", "message": 'date <&> "quoted" 日期', "schema": "tei_bha.sch"}]},
        {"file": "out/good.xml", "valid": True, "schemas": [], "findings": []},
        {"file": "out/pipe.xml", "valid": False, "schemas": [], "findings": [],
         "skipped": "not a regular file (a FIFO); skipped"},
    ]
    assert "日期" in lines[0]


def test_document_formats_have_no_per_file_lines_and_unknown_format_is_refused():
    assert render_file(BAD, "junit") is None and render_file(BAD, "sarif") is None
    with pytest.raises(ValueError, match="text, json, junit, sarif"):
        render([BAD], "csv")
    assert FORMATS == ("text", "json", "junit", "sarif")


def test_printable_escapes_undecodable_bytes_and_control_characters():
    assert printable(os.fsdecode(b"a\xffb")) == "a\\xffb"
    assert printable("a\x00b\x1bc\x7f\ufffe") == "a\\x00b\\x1bc\\x7f\\ufffe"
    assert printable("信 tab\tnewline\n") == "信 tab\tnewline\n"


# ---------------------------------------------------------------- JUnit
def test_junit_has_one_testcase_per_file_and_failures_carry_messages():
    root = etree.fromstring(render([BAD, GOOD, FIFO], "junit").encode())
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures"), root.get("skipped")) == ("3", "1", "1")
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("3", "1", "0", "1")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == ["out/a b.xml", "out/good.xml", "out/pipe.xml"]
    failure = cases[0].find("failure")
    assert failure.get("type") == "RELAXNG_ERR_ELEMWRONG"
    assert failure.get("message").startswith("2 finding(s); first: out/a b.xml:7:3: RELAXNG_ERR_ELEMWRONG")
    assert failure.text == render_file(BAD, "text")
    assert cases[1].find("failure") is None
    assert cases[2].find("skipped").get("message") == FIFO.skipped


def test_junit_and_sarif_stay_well_formed_whatever_the_file_name():
    root = etree.fromstring(render([ODD], "junit").encode())
    assert root.find("testsuite/testcase").get("name") == "out/\\xff\\x01.xml"
    log = json.loads(render([ODD], "sarif").encode())
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "out/%FF%01.xml"
    assert log["runs"][0]["results"][0]["message"]["text"] == "bad \\x02"


# ---------------------------------------------------------------- SARIF
def test_sarif_rules_results_uri_line_and_column():
    log = json.loads(render([BAD, GOOD, FIFO], "sarif"))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run, = log["runs"]
    assert run["tool"]["driver"]["name"] == "tei"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["BHA_DATE", "RELAXNG_ERR_ELEMWRONG"]
    first, second = run["results"]
    assert first["ruleId"] == "RELAXNG_ERR_ELEMWRONG" and first["ruleIndex"] == 1 and first["level"] == "error"
    assert first["message"]["text"] == "Did not expect element wrong there [tei_bha.rng]"
    assert first["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "out/a%20b.xml"},
                                                         "region": {"startLine": 7, "startColumn": 3}}
    # lxml's 0 means "no line known": no region at all.
    assert second["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "out/a%20b.xml"}}
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["out/a%20b.xml", "out/good.xml", "out/pipe.xml"]
    notification, = run["invocations"][0]["toolExecutionNotifications"]
    assert notification["level"] == "warning" and "FIFO" in notification["message"]["text"]


@pytest.mark.parametrize(("path", "uri"), [
    ("a.xml", "a.xml"),
    ("dir/信 1.xml", "dir/%E4%BF%A1%201.xml"),
    ("/abs/x y.xml", "file:///abs/x%20y.xml"),
])
def test_file_uri(path, uri):
    assert file_uri(path) == uri


# ---------------------------------------------------------------- the CLI, exit codes
@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("validate")
    assert tei("convert", "--no-ocr", str(SEED), "-o", str(folder)).returncode == 0
    (folder / "broken.xml").write_text("<TEI><p></TEI>")
    return folder


@pytest.mark.parametrize("output_format", FORMATS)
def test_cli_formats_keep_exit_codes(tree, output_format):
    good = tree / "000_40c4c9e224be5acb.xml"
    ok = tei("validate", "--format", output_format, good.name, cwd=tree)
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr.decode().strip() == "1 of 1 file(s) valid"
    bad = tei("validate", "--format", output_format, "broken.xml", good.name, cwd=tree)
    assert bad.returncode == 1
    assert b"Traceback" not in bad.stderr
    out = bad.stdout.decode()
    if output_format == "junit":
        assert etree.fromstring(bad.stdout).find("testsuite").get("failures") == "1"
    elif output_format == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] \
            == [("ERR_TAG_NAME_MISMATCH", "broken.xml")]
    elif output_format == "json":
        assert [json.loads(line)["valid"] for line in out.splitlines()] == [False, True]
    else:
        assert out.startswith("broken.xml:1:15: ERR_TAG_NAME_MISMATCH ")
    missing = tei("validate", "--format", output_format, "missing.xml", cwd=tree)
    assert missing.returncode == 1 and b"IO_ERROR" in missing.stdout and b"Traceback" not in missing.stderr
