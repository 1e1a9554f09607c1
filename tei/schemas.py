"""Which schemas a TEI file is checked against, and those schemas loaded safely.

Three sources, in this order of precedence:
- `option`: schemas named on the command line (`--schema tei_all`, `--schema my.rnc`): exactly those;
- `xml-model`: the schemas the file declares in `<?xml-model?>` processing instructions (W3C
  "Associating Schemas with XML documents"), resolved relative to the file; known TEI URLs of
  tei_all and this tool's own schema names map to the bundled copies; nothing is fetched;
- `default`: tei_all, for a file that declares no schema this tool can apply.

RelaxNG (XML and compact syntax) and ISO Schematron (XPath 1.0 query binding, the one lxml runs)
are supported; Schematron embedded in a RelaxNG grammar too. Loaded schemas are kept for the run.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree, isoschematron

from .errors import SchemaError
from .model import AppliedSchema, Finding
from .rng import RNG_NS, SCH_NS, Grammar, is_url, load_grammar, parse_schema_file

SCHEMATRON_1_5_NS = "http://www.ascc.net/xml/schematron"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
RNC_TYPE = "application/relax-ng-compact-syntax"
TEI_ALL_VERSION = "4.9.0a"
"""The TEI P5 release of the bundled tei_all.rng (schemas/SOURCES.md)."""

BUILTINS: dict[str, tuple[tuple[str, str], ...]] = {
    "tei_all": (("relaxng", "tei_all.rng"), ("schematron", "tei_all.rng")),
    "bha": (("relaxng", "tei_bha.rng"), ("schematron", "tei_bha.sch")),
    "cmif": (("relaxng", "cmif.rng"),),
}
"""`--schema` names → (kind, bundled file) pairs."""

OWN_SCHEMA_FILES = frozenset({"tei_bha.rng", "tei_bha.sch"})
"""File names this tool's outputs declare; when the declared file is not on disk, the bundled copy is used."""

_TEI_ALL_URL = re.compile(r"https?://(?:www\.)?tei-c\.org/(?:release|Vault/P5/(?P<version>[^/]+))"
                          r"/xml/tei/custom/schema/relaxng/tei_all\.(?:rng|rnc)")
_CMIF_URL = re.compile(r"https?://raw\.githubusercontent\.com/TEI-Correspondence-SIG/CMIF/[^/]+/schema/"
                       r"cmi-customization\.rng")
"""Where CMIF files (correspSearch) declare their schema; the bundled cmif.rng is that schema."""
_RELAXED_BINDINGS = frozenset({"", "xslt", "xpath", "exslt"})
"""Schematron query bindings lxml's XSLT 1.0 processor can run."""
_QUIET_ROLES = frozenset({"info", "information", "warning", "warn"})
"""Schematron roles reported as warnings, not findings."""
Checked = tuple[list[Finding], list[str]]
"""Findings and warnings of one schema on one document."""
_XSLT_ACCESS = etree.XSLTAccessControl(read_file=True, write_file=False, create_dir=False, read_network=False,
                                       write_network=False)


def bundled_path(file_name: str) -> Path:
    """A schema shipped in the package (tei/schemas)."""
    return Path(str(resources.files("tei") / "schemas" / file_name))


# --------------------------------------------------------------------------------------------
# Loaded schemas


@dataclass(eq=False)
class Schema:
    """A loaded schema that checks parsed documents. `name` is how its findings are labelled."""

    name: str
    kind: str
    source: str = "option"
    location: str = ""
    grammar: Grammar | None = None
    schematron: etree.XSLT | None = None
    notes: tuple[str, ...] = field(default=())
    """Things to say once per run about this schema (rules it cannot apply, a version it stands in for)."""

    def applied(self) -> AppliedSchema:
        return AppliedSchema(self.name, self.kind, self.source, self.location)

    def checker(self, tree: etree._ElementTree) -> Callable[[etree._ElementTree, str], Checked]:
        """What checks `tree` against this schema: compiled now (a pruned grammar is compiled for
        the document's names), run later, possibly in a child process with a time limit.
        SchemaError when the schema cannot be compiled for this document."""
        if self.grammar is not None:
            return partial(_relaxng_findings, self.name, self.grammar.relaxng(tree))
        if self.schematron is not None:
            return partial(_schematron_findings, self.name, self.schematron)
        return lambda tree, path: ([], [])

    def check(self, tree: etree._ElementTree, path: str) -> Checked:
        """Findings and warnings for one parsed document."""
        try:
            run = self.checker(tree)
        except SchemaError as err:
            return [Finding(path, 0, "SCHEMA_ERROR", str(err), 0, self.name)], []
        return run(tree, path)

    def with_origin(self, name: str, source: str, notes: Sequence[str] = ()) -> "Schema":
        """The same compiled schema, labelled for where it was asked for."""
        return Schema(name, self.kind, source, self.location, self.grammar, self.schematron,
                      (*self.notes, *notes))


def _relaxng_findings(name: str, relaxng: etree.RelaxNG, tree: etree._ElementTree, path: str) -> Checked:
    if relaxng.validate(tree):
        return [], []
    return [Finding(path, entry.line, entry.type_name, entry.message, entry.column, name)
            for entry in relaxng.error_log] or [
        Finding(path, tree.getroot().sourceline or 0, "RELAXNG_ERR_NOGRAMMAR",
                f"the schema allows no element {tree.getroot().tag} here", 0, name)], []


def _schematron_findings(name: str, schematron: etree.XSLT, tree: etree._ElementTree, path: str) -> Checked:
    try:
        report = schematron(tree)
    except etree.XSLTApplyError as err:
        return [Finding(path, 0, "SCHEMATRON_ERROR", f"a rule could not be evaluated: {_first_line(err)}", 0,
                        name)], []
    findings, warnings = [], []
    for node in report.getroot().iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
        location = node.get("location", "")
        try:
            targets = tree.xpath(location) if location else []
        except (etree.XPathError, ValueError):
            targets = []
        target = targets[0] if isinstance(targets, list) and targets else None
        if getattr(target, "is_attribute", False):  # a rule whose context is an attribute: its element's line
            target = target.getparent()
        line = getattr(target, "sourceline", 0)
        message = " ".join("".join(node.itertext()).split())
        if (node.get("role") or "").lower() in _QUIET_ROLES:
            warnings.append(f"{path}:{line or 0}: {node.get('id') or 'SCHEMATRON'} {message} [{name}]")
            continue
        findings.append(Finding(path, line or 0, node.get("id") or "SCHEMATRON", message, 0, name))
    return findings, warnings


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def load_file(path: Path, kind: str | None = None, name: str | None = None) -> list[Schema]:
    """The schemas in the file at `path`: a RelaxNG grammar (.rng, .rnc) and the Schematron embedded
    in it, or an ISO Schematron schema (.sch). `kind` ("relaxng" or "schematron") picks one of a
    RelaxNG file's two; None means both. Each is loaded once per run. SchemaError when unusable."""
    name = name or str(path)
    resolved = path.resolve()
    if etree.QName(_schema_document(resolved).getroot()).namespace == SCH_NS:
        return [_standalone_schematron(resolved).with_origin(name, "option")] if kind != "relaxng" else []
    schemas = []
    if kind in (None, "relaxng"):
        schemas.append(Schema(name, "relaxng", location=str(resolved), grammar=_grammar(resolved)))
    if kind in (None, "schematron") and (embedded := _embedded_schematron(resolved)) is not None:
        schemas.append(embedded.with_origin(name, "option"))
    return schemas


@lru_cache(maxsize=None)
def _schema_document(path: Path) -> etree._ElementTree:
    suffix = path.suffix.lower()
    if suffix == ".rnc":
        document = _rnc_document(path)
    elif suffix in (".rng", ".sch", ".xml", ".odd", ""):
        document = parse_schema_file(path)
    else:
        raise SchemaError(f"{path}: unknown schema kind {path.suffix!r}; expected RelaxNG (.rng, .rnc) or ISO "
                          "Schematron (.sch)")
    namespace = etree.QName(document.getroot()).namespace
    if namespace in (SCHEMATRON_1_5_NS, XSD_NS):
        raise SchemaError(f"{path}: {'Schematron 1.5' if namespace == SCHEMATRON_1_5_NS else 'W3C XML Schema'} is "
                          "not supported; use RelaxNG or ISO Schematron")
    if namespace not in (RNG_NS, SCH_NS):
        raise SchemaError(f"{path}: not a RelaxNG or ISO Schematron schema (root element {document.getroot().tag})")
    return document


@lru_cache(maxsize=None)
def _grammar(path: Path) -> Grammar:
    return load_grammar(_schema_document(path), path, path.name)


@lru_cache(maxsize=None)
def _standalone_schematron(path: Path) -> Schema:
    return Schema(path.name, "schematron", location=str(path),
                  **_compiled_schematron(_schema_document(path).getroot(), path.name))


@lru_cache(maxsize=None)
def _embedded_schematron(path: Path) -> Schema | None:
    embedded = _grammar(path).embedded_schematron
    if embedded is None:
        return None
    return Schema(path.name, "schematron", location=str(path),
                  **_compiled_schematron(embedded, path.name, embedded=True))


def _rnc_document(path: Path) -> etree._ElementTree:
    """A compact-syntax schema in XML syntax (rnc2rng, the converter lxml itself uses)."""
    try:
        import rnc2rng
    except ImportError as err:  # pragma: no cover - a declared dependency
        raise SchemaError(f"{path}: reading .rnc needs rnc2rng (pip install rnc2rng)") from err
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SchemaError(f"{path}: cannot read: {getattr(err, 'strerror', None) or err}") from err
    try:
        xml = rnc2rng.dumps(rnc2rng.loads(text))
    except Exception as err:  # rnc2rng raises its own parser errors and plain ones
        raise SchemaError(f"{path}: not a usable RelaxNG compact schema: {_first_line(err)}") from err
    try:
        root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True),
                                base_url=path.resolve().as_uri())
    except etree.XMLSyntaxError as err:
        raise SchemaError(f"{path}: not a usable RelaxNG compact schema: {err}") from err
    return etree.ElementTree(root)


def _compiled_schematron(root: etree._Element, origin: str, embedded: bool = False) -> dict:
    """{"schematron": XSLT} for an ISO Schematron schema lxml can run, else {"notes": (why not,)}.

    Compiled with lxml's ISO Schematron skeleton for XSLT 1.0; the validator may read local files
    (document()) but never the network, and never write.
    """
    binding = (root.get("queryBinding") or "").lower()
    patterns = root.findall(f"{{{SCH_NS}}}pattern")
    try:
        schema = isoschematron.iso_abstract_expand(isoschematron.iso_dsdl_include(root))
        if not isoschematron.schematron_schema_valid(schema):
            raise SchemaError(f"{origin}: not a valid ISO Schematron schema: "
                              f"{_first_line(isoschematron.schematron_schema_valid.error_log)}")
        if binding not in _RELAXED_BINDINGS:
            raise etree.XSLTParseError(f"queryBinding {binding}")
        validator = etree.XSLT(_svrl_stylesheet(schema), access_control=_XSLT_ACCESS)
    except (etree.XSLTParseError, etree.XSLTApplyError) as err:
        if embedded or binding not in _RELAXED_BINDINGS:
            reason = f"queryBinding {binding}" if binding not in _RELAXED_BINDINGS else \
                f"they do not compile as XPath 1.0: {_first_line(err)}"
            return {"notes": (f"{origin}: {len(patterns)} {'embedded ' if embedded else ''}Schematron pattern(s) not "
                              f"applied: they need XSLT 2 ({reason}); lxml runs XSLT 1.0 only",)}
        raise SchemaError(f"{origin}: not a usable Schematron schema: {_first_line(err)}") from err
    return {"schematron": validator}


def _svrl_stylesheet(schema: etree._Element) -> etree._ElementTree:
    """lxml's ISO skeleton compiled for `schema`, less what no finding needs: no `fired-rule` for
    each node a rule matches (only failed asserts and successful reports are read), and no
    `<xsl:apply-templates/>` in each `active-pattern`, a walk of the whole document in the default
    mode whose only templates output nothing (the skeleton's own comment: "never triggered").
    Together a sixth of the time of checking a converted document."""
    stylesheet = isoschematron.iso_svrl_for_xslt1(schema, **{"generate-fired-rule": etree.XSLT.strparam("false")})
    for walk in stylesheet.getroot().iterfind(f".//{{{SVRL_NS}}}active-pattern/{{{XSL_NS}}}apply-templates"):
        if walk.get("select") is None and walk.get("mode") is None:
            walk.getparent().remove(walk)
    return stylesheet


# --------------------------------------------------------------------------------------------
# Asked for by name or path (--schema)


def builtin(name: str, source: str = "option") -> list[Schema]:
    """A bundled schema by its `--schema` name: tei_all, bha (RelaxNG and Schematron) or cmif."""
    schemas = []
    for kind, file_name in BUILTINS[name]:
        for schema in load_file(bundled_path(file_name), kind, name):
            schemas.append(Schema(name, schema.kind, source, f"bundled:{file_name}", schema.grammar,
                                  schema.schematron, schema.notes))
    return schemas


def schemas_for_option(values: Sequence[str]) -> list[Schema]:
    """The schemas `--schema NAME|PATH` asks for, in order; SchemaError when one is unusable."""
    schemas: list[Schema] = []
    for value in values:
        if value in BUILTINS:
            schemas.extend(builtin(value))
        else:
            path = Path(value)
            if not path.is_file():
                raise SchemaError(f"{value}: no such schema file, and not a built-in name "
                                  f"({', '.join(BUILTINS)})")
            schemas.extend(schema.with_origin(value, "option") for schema in load_file(path))
    return schemas


def default_schemas() -> list[Schema]:
    """tei_all, for a file that declares no schema."""
    return builtin("tei_all", "default")


# --------------------------------------------------------------------------------------------
# Declared by the document (<?xml-model?>)


@dataclass(frozen=True)
class Declaration:
    """One `<?xml-model?>` instruction: where the schema is and which language it is in."""

    href: str
    kind: str
    """"relaxng", "schematron", or "" for a language this tool does not apply (XSD, DTD, Schematron 1.5)."""
    language: str
    line: int


def declarations(tree: etree._ElementTree) -> list[Declaration]:
    """The xml-model instructions before the root element, in document order."""
    found = []
    for node in reversed(list(tree.getroot().itersiblings(preceding=True))):
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            href = (node.get("href") or "").strip()
            if href:
                kind, language = _language(href, node.get("schematypens"), node.get("type"))
                found.append(Declaration(href, kind, language, node.sourceline or 0))
    return found


def _language(href: str, namespace: str | None, media_type: str | None) -> tuple[str, str]:
    suffix = Path(urlsplit(href).path).suffix.lower()
    namespace = (namespace or "").strip()
    if namespace == RNG_NS or (not namespace and (suffix in (".rng", ".rnc") or media_type == RNC_TYPE)):
        return "relaxng", "RelaxNG"
    if namespace == SCH_NS or (not namespace and suffix == ".sch"):
        return "schematron", "ISO Schematron"
    if namespace == SCHEMATRON_1_5_NS:
        return "", "Schematron 1.5"
    if namespace == XSD_NS or (not namespace and suffix == ".xsd"):
        return "", "W3C XML Schema"
    return "", f"schema language {namespace or media_type or suffix or 'unknown'}"


def declared_schemas(tree: etree._ElementTree, path: str, base: Path) -> tuple[list[Schema], list[Finding], list[str]]:
    """The schemas `tree` declares, resolved against the folder `base`: (schemas, findings, warnings).

    A declared schema that is neither on disk nor known is a finding naming the href; one in a
    language this tool does not apply is a warning. With nothing applicable, tei_all is used.
    """
    schemas: list[Schema] = []
    findings: list[Finding] = []
    warnings: list[str] = []
    for declaration in declarations(tree):
        if not declaration.kind:
            warnings.append(f"{path}:{declaration.line}: {declaration.language} {declaration.href!r} is not applied "
                            "(this tool applies RelaxNG and ISO Schematron)")
            continue
        try:
            schemas.extend(_resolve(declaration, base))
        except SchemaError as err:
            findings.append(Finding(path, declaration.line, "SCHEMA_UNAVAILABLE", str(err), 0, declaration.href))
    if not schemas and not findings:
        schemas = default_schemas()
    return schemas, findings, warnings


def _resolve(declaration: Declaration, base: Path) -> list[Schema]:
    href = declaration.href
    match = _TEI_ALL_URL.fullmatch(href)
    if match:
        version = match.group("version") or "release"
        notes = () if version == TEI_ALL_VERSION else (
            f"{href} (TEI P5 {'current release' if version == 'release' else version}) is checked against the "
            f"bundled tei_all of TEI P5 {TEI_ALL_VERSION}",)
        return [schema.with_origin(href, "xml-model", notes) for schema in builtin("tei_all")
                if schema.kind == declaration.kind]
    if _CMIF_URL.fullmatch(href):
        return [schema.with_origin(href, "xml-model") for schema in builtin("cmif") if schema.kind == declaration.kind]
    if is_url(href):
        raise SchemaError(f"schema {href} is a URL this tool does not know; nothing is fetched from the network: "
                          "save a copy beside the files and point the xml-model href at it, or use --schema")
    target = base / unquote(urlsplit(href).path)
    if not target.is_file():
        if target.name in OWN_SCHEMA_FILES:
            kind = "relaxng" if target.suffix == ".rng" else "schematron"
            return [schema.with_origin(href, "xml-model") for schema in builtin("bha") if schema.kind == kind]
        raise SchemaError(f"schema {href} not found (looked for {target})")
    return [schema.with_origin(href, "xml-model") for schema in load_file(target, declaration.kind)]
