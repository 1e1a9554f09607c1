"""Validation findings → text, JSON lines, JUnit XML or SARIF 2.1.0: the one place findings are formatted.

`text` and `json` are line formats that can be written file by file as validation goes
(`render_file`); `junit` and `sarif` are single documents written once at the end (`render`).
XML is built with lxml, JSON with the json module: values are never pasted into markup.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from urllib.parse import quote

from lxml import etree

from . import __version__
from .model import Finding

FORMATS = ("text", "json", "junit", "sarif")
"""Every output format of `tei validate --format`."""
LINE_FORMATS = frozenset({"text", "json"})
"""Formats written file by file; the others are one document for the whole run."""

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_URI = "https://www.tei-c.org/release/doc/tei-p5-doc/en/html/"


@dataclass(frozen=True)
class FileResult:
    """The findings for one validated file (none: the file is valid)."""

    path: str
    findings: tuple[Finding, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.findings


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


def text_line(finding: Finding) -> str:
    """`file:line: CODE message`, the format compilers and editors understand."""
    return f"{finding.path}:{finding.line}: {finding.code} {finding.message}"


def json_line(result: FileResult) -> str:
    """One JSON object for a file: `{"file", "valid", "findings": [{"line", "code", "message"}]}`."""
    return json.dumps({"file": result.path, "valid": result.valid,
                       "findings": [{"line": f.line, "code": f.code, "message": f.message} for f in result.findings]},
                      ensure_ascii=False)


def junit(results: Sequence[FileResult]) -> str:
    """JUnit XML: one testsuite, one testcase per file; an invalid file's failure lists its findings."""
    failures = sum(not result.valid for result in results)
    suites = etree.Element("testsuites", name="tei validate", tests=str(len(results)), failures=str(failures),
                           errors="0")
    suite = etree.SubElement(suites, "testsuite", name="tei validate", tests=str(len(results)),
                             failures=str(failures), errors="0", skipped="0")
    for result in results:
        case = etree.SubElement(suite, "testcase", classname="tei.validate", name=result.path, file=result.path)
        if result.findings:
            first = result.findings[0]
            failure = etree.SubElement(case, "failure", type=first.code,
                                       message=f"{len(result.findings)} finding(s); first: line {first.line}: "
                                               f"{first.code} {first.message}")
            failure.text = "\n".join(text_line(finding) for finding in result.findings)
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8").rstrip("\n")


def sarif(results: Sequence[FileResult]) -> str:
    """SARIF 2.1.0: one run, a rule per finding code, a result per finding with file URI and line.

    Lines lxml reports as 0 (unknown) get no region; findings carry no column, so none is given.
    """
    codes = sorted({finding.code for result in results for finding in result.findings})
    rule_index = {code: index for index, code in enumerate(codes)}
    findings = [finding for result in results for finding in result.findings]
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
            "artifacts": [{"location": {"uri": file_uri(result.path)}} for result in results],
            "results": [_sarif_result(finding, rule_index[finding.code]) for finding in findings],
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _sarif_result(finding: Finding, index: int) -> dict:
    location: dict = {"artifactLocation": {"uri": file_uri(finding.path)}}
    if finding.line > 0:
        location["region"] = {"startLine": finding.line}
    return {"ruleId": finding.code, "ruleIndex": index, "level": "error",
            "message": {"text": finding.message}, "locations": [{"physicalLocation": location}]}


def _rule_description(code: str) -> str:
    if code.startswith("RELAXNG_"):
        return "RelaxNG validation error"
    if code.startswith(("ERR_", "XML_")):
        return "XML well-formedness or safety error"
    return "Schematron rule"


def file_uri(path: str) -> str:
    """A URI reference for `path`: relative paths stay relative (as code scanning expects), absolute ones file:."""
    pure = PurePath(path)
    if pure.is_absolute():
        return Path(path).as_uri()
    return quote(pure.as_posix(), safe="/")
