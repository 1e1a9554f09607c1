"""Validation findings → text, JSON lines, JUnit XML or SARIF 2.1.0: the one place findings are formatted.

`text` and `json` are line formats that can be written file by file as validation goes
(`render_file`); `junit` and `sarif` are single documents written once at the end (`render`).
XML is built with lxml, JSON with the json module: values are never pasted into markup. File
names and messages are made printable first (`printable`): a byte that is not UTF-8 or a control
character in a file name is shown as an escape, so every report stays well-formed.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import PurePath
from urllib.parse import quote

from lxml import etree

from . import __version__
from .model import FileResult, Finding

__all__ = ["FORMATS", "LINE_FORMATS", "FileResult", "render", "render_file", "text_line", "json_line", "junit",
           "sarif", "file_uri", "printable"]

FORMATS = ("text", "json", "junit", "sarif")
"""Every output format of `tei validate --format`."""
LINE_FORMATS = frozenset({"text", "json"})
"""Formats written file by file; the others are one document for the whole run."""

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://www.tei-c.org/release/doc/tei-p5-doc/en/html/"
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """`text` with what XML 1.0, JSON consumers and terminals cannot take shown as escapes: a byte
    that was not UTF-8 in a file name (a surrogate escape) as `\\xff`, a control character as `\\x01`."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def render_file(result: FileResult, output_format: str) -> str | None:
    """The lines for one file in a line format ("" when there is nothing to say); None for document formats."""
    if output_format == "text":
        return "\n".join(text_line(finding) for finding in result.findings)
    if output_format == "json":
        return json_line(result)
    if output_format in FORMATS:
        return None
    raise ValueError(f"unknown report format {output_format!r}; expected one of {', '.join(FORMATS)}")


def render(results: Sequence[FileResult], output_format: str) -> str:
    """The whole report for `results` in `output_format`, without a final newline."""
    if output_format in LINE_FORMATS:
        return "\n".join(line for line in (render_file(result, output_format) for result in results) if line)
    if output_format == "junit":
        return junit(results)
    if output_format == "sarif":
        return sarif(results)
    raise ValueError(f"unknown report format {output_format!r}; expected one of {', '.join(FORMATS)}")


def location(finding: Finding) -> str:
    """`file:line:column`, or `file:line` when the column is unknown."""
    place = f"{printable(finding.path)}:{finding.line}"
    return f"{place}:{finding.column}" if finding.column > 0 else place


def text_line(finding: Finding) -> str:
    """`file:line:col: CODE message [schema]`, the format compilers and editors understand."""
    schema = f" [{printable(finding.schema)}]" if finding.schema else ""
    return f"{location(finding)}: {finding.code} {printable(finding.message)}{schema}"


def json_line(result: FileResult) -> str:
    """One JSON object for a file: file, valid, the schemas applied (and why), findings, warnings."""
    record: dict = {"file": printable(result.path), "valid": result.valid,
                    "schemas": [{"name": printable(s.name), "kind": s.kind, "source": s.source,
                                 "location": printable(s.location)} for s in result.schemas],
                    "findings": [{"line": f.line, "column": f.column, "code": f.code, "message": printable(f.message),
                                  "schema": printable(f.schema)} for f in result.findings]}
    if result.warnings:
        record["warnings"] = [printable(warning) for warning in result.warnings]
    if result.skipped:
        record["skipped"] = printable(result.skipped)
    return json.dumps(record, ensure_ascii=False)


def junit(results: Sequence[FileResult]) -> str:
    """JUnit XML: one testsuite, one testcase per file; an invalid file's failure lists its findings,
    a skipped file (a FIFO, a device) is a skipped testcase."""
    failures = sum(bool(result.findings) for result in results)
    skipped = sum(bool(result.skipped) for result in results)
    suites = etree.Element("testsuites", name="tei validate", tests=str(len(results)), failures=str(failures),
                           errors="0", skipped=str(skipped))
    suite = etree.SubElement(suites, "testsuite", name="tei validate", tests=str(len(results)),
                             failures=str(failures), errors="0", skipped=str(skipped))
    for result in results:
        name = printable(result.path)
        case = etree.SubElement(suite, "testcase", classname="tei.validate", name=name, file=name)
        if result.skipped:
            etree.SubElement(case, "skipped", message=printable(result.skipped))
        elif result.findings:
            first = result.findings[0]
            failure = etree.SubElement(case, "failure", type=first.code,
                                       message=f"{len(result.findings)} finding(s); first: {text_line(first)}")
            failure.text = "\n".join(text_line(finding) for finding in result.findings)
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8").rstrip("\n")


def sarif(results: Sequence[FileResult]) -> str:
    """SARIF 2.1.0: one run, a rule per finding code, a result per finding with file URI, line and
    column where known; skipped files are warnings of the run (toolExecutionNotifications)."""
    codes = sorted({finding.code for result in results for finding in result.findings})
    rule_index = {code: index for index, code in enumerate(codes)}
    findings = [finding for result in results for finding in result.findings]
    notifications = [{"level": "warning", "message": {"text": f"{printable(result.path)}: {printable(result.skipped)}"},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": file_uri(result.path)}}}]}
                     for result in results if result.skipped]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tei",
                "version": __version__,
                "informationUri": TOOL_URI,
                "rules": [{"id": code, "name": code, "shortDescription": {"text": _rule_description(code)}}
                          for code in codes],
            }},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            "artifacts": [{"location": {"uri": file_uri(result.path)}} for result in results],
            "results": [_sarif_result(finding, rule_index[finding.code]) for finding in findings],
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _sarif_result(finding: Finding, index: int) -> dict:
    place: dict = {"artifactLocation": {"uri": file_uri(finding.path)}}
    if finding.line > 0:
        place["region"] = {"startLine": finding.line}
        if finding.column > 0:
            place["region"]["startColumn"] = finding.column
    message = printable(finding.message) + (f" [{printable(finding.schema)}]" if finding.schema else "")
    return {"ruleId": finding.code, "ruleIndex": index, "level": "error",
            "message": {"text": message}, "locations": [{"physicalLocation": place}]}


def _rule_description(code: str) -> str:
    if code.startswith("RELAXNG_"):
        return "RelaxNG validation error"
    if code.startswith(("ERR_", "XML_", "DTD_", "IO_")):
        return "XML well-formedness, reading or safety error"
    if code.startswith("SCHEMA"):
        return "Schema that cannot be used"
    return "Schematron rule"


def file_uri(path: str) -> str:
    """A URI reference for `path`: relative paths stay relative (as code scanning expects), absolute
    ones file:; the path's bytes are percent-encoded, so any file name gives a valid URI."""
    pure = PurePath(path)
    encoded = quote(_path_bytes(pure.as_posix()), safe="/")
    return "file://" + encoded if pure.is_absolute() else encoded


def _path_bytes(path: str) -> bytes:
    try:
        return os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        return path.encode("utf-8", "surrogatepass")
