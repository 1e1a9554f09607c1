"""Check TEI files: read safely, find their schemas, validate → one FileResult per file.

Safe on untrusted XML: no entity expansion, no DTD loading, no network, for documents and schemas
alike; entity references left in a document are themselves a finding. A file that cannot be read
is a finding for that file and the run goes on; a FIFO or device is skipped with a warning (it is
never opened for a blocking read).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from .files import read_regular_file
from .model import AppliedSchema, FileResult, Finding
from .schemas import Schema, builtin, declared_schemas, load_file
from .worker import TimedWorker, WorkerError

SUFFIXES = (".xml", ".tei")
"""Files a folder is searched for (recursively)."""
STDIN = "-"
_ID_ERRORS = frozenset({"DTD_ID_REDEFINED", "DTD_XMLID_VALUE"})
TIME_LIMIT = 60.0
"""Seconds one file may take (`tei validate --time-limit`); see tei/worker.py for why there is one."""


def safe_parser(collect_ids: bool = True) -> etree.XMLParser:
    """A parser that never expands entities, loads a DTD or touches the network.

    `huge_tree` lifts libxml2's 10 MB limit on one text node: a long undivided body is legitimate
    TEI, and with entities never expanded the memory used stays proportional to the file.
    `collect_ids=False` reads a document whose xml:id values are duplicated or not names (the
    parser otherwise refuses it), so that its schema can still run.
    """
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True,
                           dtd_validation=False, collect_ids=collect_ids)


def parse_document(data: bytes, path: str, base_url: str | None = None) -> tuple[etree._ElementTree | None, list[Finding]]:
    """The parsed document and the well-formedness findings; no tree when it is not well-formed.

    xml:id errors (a duplicate, a value that is not a name) are findings, and the document is
    parsed all the same.
    """
    parser = safe_parser()
    try:
        return etree.fromstring(data, parser, base_url=base_url).getroottree(), []
    except etree.XMLSyntaxError:
        errors = list(parser.error_log)
    except ValueError as err:  # e.g. a Unicode string with an encoding declaration; not from bytes
        return None, [Finding(path, 0, "XML_SYNTAX", str(err))]
    findings = [Finding(path, entry.line, entry.type_name, entry.message.strip(), entry.column) for entry in errors]
    if errors and all(entry.type_name in _ID_ERRORS for entry in errors):
        try:
            return etree.fromstring(data, safe_parser(collect_ids=False), base_url=base_url).getroottree(), findings
        except etree.XMLSyntaxError as err:
            findings.append(Finding(path, err.lineno or 0, "XML_SYNTAX", str(err.msg or err)))
    return None, findings or [Finding(path, 0, "XML_SYNTAX", "not well-formed XML")]


def check_tree(tree: etree._ElementTree, path: str, schemas: Sequence[Schema]) -> tuple[list[Finding], list[str]]:
    """Findings (sorted by line and column) and warnings for a parsed document: entity references
    and internal DTD subsets first, then each schema's errors."""
    findings = [Finding(path, node.sourceline or 0, "XML_ENTITY", f"entity reference {node.text} is not allowed")
                for node in tree.iter(etree.Entity)]
    if tree.docinfo.internalDTD is not None:
        findings.append(Finding(path, 1, "XML_DTD", "a DOCTYPE with an internal subset is not allowed"))
    warnings: list[str] = []
    for schema in schemas:
        found, warned = schema.check(tree, path)
        findings.extend(found)
        warnings.extend(warned)
    return sort_findings(findings), warnings


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """By line, then column; findings without a line (0) last; ties keep their order."""
    return sorted(findings, key=lambda finding: (finding.line <= 0, finding.line, finding.column))


@lru_cache(maxsize=None)
def project_schemas() -> tuple[Schema, ...]:
    """The project's RelaxNG and Schematron (`--schema bha`), shipped in the package, loaded once."""
    return tuple(builtin("bha"))


def load_schema(path: str | Path) -> Schema:
    """The first schema in a RelaxNG (.rng, .rnc) or ISO Schematron (.sch) file; SchemaError when unusable."""
    return load_file(Path(path))[0]


def validate_tree(tree: etree._ElementTree, name: str, schemas: Sequence[Schema]) -> list[Finding]:
    """Findings for a parsed tree against `schemas`, sorted by line."""
    return check_tree(tree, name, schemas)[0]


def validate_file(path: str | Path, schemas: Sequence[Schema] | None = None) -> list[Finding]:
    """Findings for the XML file at `path` against `schemas` (default: the schemas it declares, or tei_all)."""
    return next(validate_paths([Path(path)], schemas)).findings


def validate_bytes(data: bytes, path: str, base: Path, schemas: Sequence[Schema] | None = None) -> FileResult:
    """Validate one document given as bytes. `base` is the folder its xml-model hrefs are relative to;
    without `schemas`, the document's declared schemas (or tei_all) are used."""
    tree, findings = parse_document(data, path, base_url=_file_url(base, path))
    if tree is None:
        return FileResult(path, tuple(findings))
    warnings: list[str] = []
    if schemas is None:
        schemas, unavailable, warnings = declared_schemas(tree, path, base)
        findings.extend(unavailable)
    checked, warned = check_tree(tree, path, schemas)
    applied = tuple(_applied(schemas))
    notes = [note for schema in schemas for note in schema.notes]
    return FileResult(path, tuple(sort_findings([*findings, *checked])), applied, tuple([*notes, *warnings, *warned]))


def _applied(schemas: Sequence[Schema]) -> Iterator[AppliedSchema]:
    seen = set()
    for schema in schemas:
        applied = schema.applied()
        if applied not in seen:
            seen.add(applied)
            yield applied


def _file_url(base: Path, path: str) -> str | None:
    try:
        return (base / Path(path).name).resolve().as_uri() if path != STDIN else None
    except (ValueError, OSError):
        return None


def validate_paths(paths: Iterable[str | Path], schemas: Sequence[Schema] | None = None,
                   stdin: BinaryIO | None = None, time_limit: float = TIME_LIMIT) -> Iterator[FileResult]:
    """One FileResult per file of `paths`, in order: files as given, folders as their .xml and .tei
    files (recursive, sorted), "-" as one document read from `stdin`.

    Every problem with one file (unreadable, not well-formed, a declared schema missing) is a
    finding for that file; FIFOs and devices are skipped (`FileResult.skipped`). Warnings a schema
    gives about itself are attached to the first file they concern only. `time_limit`: seconds
    one file may take (0: no limit; no worker process), past which it is a VALIDATION_LIMIT finding.
    """
    said: set[str] = set()
    with TimedWorker(partial(validate_bytes, schemas=schemas), time_limit) as validate_in_worker:
        for file in files_to_check(paths):
            if str(file) == STDIN:
                if stdin is None:
                    raise ValueError("'-' needs a stdin stream")
                name, base = STDIN, Path.cwd()
                try:
                    data = stdin.read()
                except OSError as err:
                    yield FileResult(STDIN, (Finding(STDIN, 0, "IO_ERROR", f"cannot read stdin: {err.strerror or err}"),))
                    continue
            else:
                name, base = str(file), file.parent
                data, problem = read_regular_file(file)
                if data is None:
                    yield (FileResult(name, (problem,)) if isinstance(problem, Finding)
                           else FileResult(name, skipped=f"{problem}; skipped"))
                    continue
            try:
                result = validate_in_worker(data, name, base)
            except WorkerError as err:
                result = FileResult(name, (Finding(name, 0, "INTERNAL_ERROR", f"validation failed: {err}; "
                                                   "please report it"),))
            if result is None:
                result = FileResult(name, (Finding(name, 0, "VALIDATION_LIMIT", _LIMIT_MESSAGE.format(time_limit)),))
            fresh = tuple(dict.fromkeys(warning for warning in result.warnings if warning not in said))
            said.update(fresh)
            yield FileResult(result.path, result.findings, result.schemas, fresh, result.skipped)


_LIMIT_MESSAGE = ("validation stopped after {:g} s: libxml2's time grows faster than the document here (thousands of "
                  "errors, or a schema offering one element name twice in a choice, deeply nested); fix the first "
                  "errors or raise --time-limit")


def files_to_check(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given (and "-"), folders as their .xml/.tei files, sorted, without following links to folders."""
    for path in paths:
        path = Path(path)
        if str(path) != STDIN and path.is_dir():
            found = []
            for folder, folders, names in os.walk(path):
                folders.sort()
                found.extend(Path(folder, name) for name in names if name.lower().endswith(SUFFIXES))
            yield from sorted(found)
        else:
            yield path


