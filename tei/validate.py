"""Check TEI files: safe parse, then RelaxNG and Schematron → findings with line and code.

Safe on untrusted XML: no entity expansion, no DTD loading, no network; entity references left in
a document are themselves a finding.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree, isoschematron

from .build import SCHEMA_FILE, SCHEMATRON_FILE
from .errors import SchemaError
from .model import Finding

_SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}


def safe_parser() -> etree.XMLParser:
    """A parser that never expands entities, loads a DTD or touches the network.

    `huge_tree` lifts libxml2's 10 MB limit on one text node: a long undivided body is legitimate
    TEI, and with entities never expanded the memory used stays proportional to the file.
    """
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True,
                           dtd_validation=False)


@dataclass(frozen=True)
class Schema:
    """A compiled schema and the name findings are reported under."""

    name: str
    validator: etree._Validator


def load_schema(path: str | Path) -> Schema:
    """Compile a RelaxNG (`.rng`) or Schematron (`.sch`) schema; SchemaError when it cannot be used."""
    path = Path(path)
    if path.suffix not in (".rng", ".sch"):
        raise SchemaError(f"{path}: unknown schema kind; expected a RelaxNG .rng (XML syntax; convert .rnc with trang) "
                          "or a Schematron .sch file")
    try:
        document = etree.parse(str(path), safe_parser())
    except (OSError, etree.XMLSyntaxError) as err:
        raise SchemaError(f"{path}: cannot read schema: {err}") from err
    try:
        if path.suffix == ".rng":
            return Schema(path.name, etree.RelaxNG(document))
        return Schema(path.name, isoschematron.Schematron(document, store_report=True))
    except (etree.RelaxNGParseError, etree.SchematronParseError) as err:
        raise SchemaError(f"{path}: not a usable schema: {err}") from err


@lru_cache(maxsize=1)
def project_schemas() -> tuple[Schema, ...]:
    """The project's RelaxNG and Schematron, shipped in the package, compiled once."""
    folder = resources.files("tei") / "schemas"
    with resources.as_file(folder / SCHEMA_FILE) as rng, resources.as_file(folder / SCHEMATRON_FILE) as sch:
        return load_schema(rng), load_schema(sch)


def validate_file(path: str | Path, schemas: Sequence[Schema] | None = None) -> list[Finding]:
    """Findings for the XML file at `path` against `schemas` (default: the project's)."""
    name = str(path)
    try:
        tree = etree.parse(name, safe_parser())
    except etree.XMLSyntaxError as err:
        entry = err.error_log.last_error if err.error_log else None
        code = entry.type_name if entry is not None else "XML_SYNTAX"
        return [Finding(name, err.lineno or 0, code, err.msg.splitlines()[0] if err.msg else str(err))]
    except OSError as err:
        return [Finding(name, 0, "IO_ERROR", f"cannot read: {err.strerror or err}")]
    return validate_tree(tree, name, project_schemas() if schemas is None else schemas)


def validate_tree(tree: etree._ElementTree, name: str, schemas: Sequence[Schema]) -> list[Finding]:
    """Findings for a parsed tree: entity references first, then each schema's errors."""
    findings = [Finding(name, node.sourceline or 0, "XML_ENTITY", f"entity reference {node.text} is not allowed")
                for node in tree.iter(etree.Entity)]
    if tree.docinfo.internalDTD is not None:
        findings.append(Finding(name, 1, "XML_DTD", "a DOCTYPE with an internal subset is not allowed in TEI output"))
    for schema in schemas:
        if isinstance(schema.validator, isoschematron.Schematron):
            findings.extend(_schematron_findings(tree, name, schema.validator))
        elif not schema.validator.validate(tree):
            findings.extend(Finding(name, entry.line, entry.type_name, f"{entry.message} [{schema.name}]")
                            for entry in schema.validator.error_log)
    return findings


def _schematron_findings(tree: etree._ElementTree, name: str, schematron: isoschematron.Schematron) -> list[Finding]:
    if schematron.validate(tree):
        return []
    findings = []
    for failed in schematron.validation_report.iterfind(".//svrl:failed-assert", namespaces=_SVRL):
        location = failed.get("location", "")
        try:
            nodes = tree.xpath(location) if location else []
        except etree.XPathError:
            nodes = []
        line = getattr(nodes[0], "sourceline", 0) if nodes else 0
        message = " ".join("".join(failed.itertext()).split())
        findings.append(Finding(name, line or 0, failed.get("id") or "SCHEMATRON", message))
    return findings
