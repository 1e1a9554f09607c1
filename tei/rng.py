"""RelaxNG schemas for validation: loaded safely, and compiled per document as a pruned grammar.

libxml2 spends about 15 s compiling tei_all, nearly all of it checking that the automaton of each
element's content is deterministic, pairwise over the hundreds of element names each state allows.
A document's verdict depends only on the element and attribute patterns whose names occur in it:
any other `element` or `attribute` pattern can never match one of its nodes, so it is `notAllowed`
for that document, and RelaxNG's own simplification rules (section 4.20 of the specification)
carry that through choices, groups and repetitions. `Grammar.relaxng(tree)` compiles that pruned
grammar, a few dozen defines, in milliseconds, and keeps it for documents with the same names.

Schemas that include or reference other files (`include`, `externalRef`, nested grammars) are
compiled whole, once. A reference to a URL is refused (SchemaError), never fetched.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import etree

from .errors import SchemaError

RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_R = f"{{{RNG_NS}}}"
_REFERENCING = ("include", "externalRef", "grammar", "parentRef")
_CONTAINERS = frozenset({"choice", "group", "interleave", "mixed", "oneOrMore", "zeroOrMore", "optional"})
_VERBATIM = frozenset({"data", "value", "list"})
_NAME_CLASSES = frozenset({"name", "anyName", "nsName", "choice"})

Name = tuple[str, str]
"""(namespace URI, local name); "" for no namespace."""


def schema_parser() -> etree.XMLParser:
    """The parser for schemas: no entities, no DTD, no network, comments and PIs dropped."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, remove_comments=True,
                           remove_pis=True, huge_tree=True)


def parse_schema_file(path: Path) -> etree._ElementTree:
    """A schema document, parsed safely; SchemaError when it cannot be read or is not XML."""
    try:
        return etree.parse(str(path), schema_parser())
    except etree.XMLSyntaxError as err:
        raise SchemaError(f"{path}: not well-formed XML: {err}") from err
    except OSError as err:
        raise SchemaError(f"{path}: cannot read: {err.strerror or err}") from err


def is_url(href: str) -> bool:
    """True for an href with a scheme other than file: (http:, https:, ftp: …); Windows drives are paths."""
    scheme = urlsplit(href).scheme
    return len(scheme) > 1 and scheme != "file"


def check_references(document: etree._ElementTree, origin: Path, seen: set[Path] | None = None) -> bool:
    """Check every `include`/`externalRef` of a RelaxNG document, recursively; True when it has any.

    A URL is a SchemaError (validation never touches the network); so is a missing or unreadable
    file, or one with a DOCTYPE (libxml2 loads referenced files itself).
    """
    seen = set() if seen is None else seen
    found = False
    for reference in document.iter(f"{_R}include", f"{_R}externalRef"):
        found = True
        href = (reference.get("href") or "").strip()
        if is_url(href):
            raise SchemaError(f"{origin}: {etree.QName(reference).localname} href={href!r} is a URL; "
                              "schemas are never fetched from the network: download it and refer to the file")
        target = (origin.parent / href.removeprefix("file://")).resolve()
        if target in seen:
            continue
        seen.add(target)
        referenced = parse_schema_file(target)
        if referenced.docinfo.doctype:
            raise SchemaError(f"{target}: a DOCTYPE in a schema is not allowed")
        check_references(referenced, target, seen)
    return found


# --------------------------------------------------------------------------------------------
# The grammar as plain tuples, for pruning


class Pattern(NamedTuple):
    """One RelaxNG pattern: kind (element name in the RelaxNG namespace), argument, children.

    The argument is the name class of `element` and `attribute`, the define name of `ref`, and a
    self-contained serialization of `data`, `value` and `list` (emitted as it is; the children
    of a `list` are the refs inside it, so that their defines are emitted too).
    """

    kind: str
    argument: object
    children: tuple["Pattern", ...] = ()


NameClass = tuple
"""("name", ns, local) | ("anyName", except | None) | ("nsName", ns, except | None) | ("choice", (…))."""


def name_matches(name_class: NameClass, name: Name) -> bool:
    kind = name_class[0]
    if kind == "name":
        return (name_class[1], name_class[2]) == name
    if kind == "choice":
        return any(name_matches(member, name) for member in name_class[1])
    if kind == "nsName" and name_class[1] != name[0]:
        return False
    excluded = name_class[-1]
    return excluded is None or not name_matches(excluded, name)


def _matches_any(name_class: NameClass, names: frozenset[Name]) -> bool:
    if name_class[0] == "name":
        return (name_class[1], name_class[2]) in names
    return any(name_matches(name_class, name) for name in names)


class _Reader:
    """Turns a single-file RelaxNG grammar into Patterns, making inherited `ns` and
    `datatypeLibrary` explicit and dropping annotations (foreign elements and attributes)."""

    def __init__(self) -> None:
        self.named: list[Pattern] = []
        """Every element and attribute pattern, for the per-document name test."""

    def pattern(self, node: etree._Element) -> Pattern:
        kind = node.tag[len(_R):]
        if kind in ("element", "attribute"):
            children = _rng_children(node)
            if node.get("name") is not None:
                name_class = self._qname(node, node.get("name"), attribute=kind == "attribute")
            else:
                name_class, children = self.name_class(children[0]), children[1:]
            content = tuple(self.pattern(child) for child in children)
            if kind == "attribute" and not content:
                content = (Pattern("text", None),)
            made = Pattern(kind, name_class, content)
            self.named.append(made)
            return made
        if kind == "ref":
            return Pattern("ref", node.get("name").strip())
        if kind in _VERBATIM:  # kept as XML; the defines a list refers to are its children
            return Pattern(kind, etree.tostring(node, with_tail=False), tuple(Pattern("ref", ref.get("name").strip())
                                                          for ref in node.iter(f"{_R}ref")))
        if kind in _CONTAINERS or kind in ("text", "empty", "notAllowed"):
            return Pattern(kind, None, tuple(self.pattern(child) for child in _rng_children(node)))
        raise SchemaError(f"line {node.sourceline}: unexpected RelaxNG element <{kind}>")

    def group(self, node: etree._Element) -> Pattern:
        """The children of a define or start as one pattern (an implicit group)."""
        children = [self.pattern(child) for child in _rng_children(node)]
        return children[0] if len(children) == 1 else Pattern("group", None, tuple(children))

    def name_class(self, node: etree._Element) -> NameClass:
        kind = etree.QName(node).localname
        if kind not in _NAME_CLASSES or etree.QName(node).namespace != RNG_NS:
            raise SchemaError(f"line {node.sourceline}: <{kind}> is not a RelaxNG name class")
        if kind == "name":
            return self._qname(node, (node.text or "").strip(), attribute=False)
        if kind == "choice":
            return ("choice", tuple(self.name_class(child) for child in _rng_children(node)))
        excepted = [self.name_class(member) for child in _rng_children(node) if etree.QName(child).localname == "except"
                    for member in _rng_children(child)]
        excluded = None if not excepted else excepted[0] if len(excepted) == 1 else ("choice", tuple(excepted))
        return ("anyName", excluded) if kind == "anyName" else ("nsName", _inherited(node, "ns") or "", excluded)

    @staticmethod
    def _qname(node: etree._Element, value: str, attribute: bool) -> NameClass:
        value = value.strip()
        if ":" in value:
            prefix, local = value.split(":", 1)
            uri = XML_NS if prefix == "xml" else node.nsmap.get(prefix)
            if uri is None:
                raise SchemaError(f"line {node.sourceline}: undeclared prefix in {value!r}")
            return ("name", uri, local)
        if attribute:  # the name attribute of <attribute> takes no inherited ns (RelaxNG 4.8)
            return ("name", node.get("ns") or "", value)
        return ("name", _inherited(node, "ns") or "", value)


def _rng_children(node: etree._Element) -> list[etree._Element]:
    return [child for child in node if isinstance(child.tag, str) and child.tag.startswith(_R)]


def _inherited(node: etree._Element | None, attribute: str) -> str | None:
    while node is not None:
        if (value := node.get(attribute)) is not None:
            return value
        node = node.getparent()
    return None


def _normalized(root: etree._Element) -> etree._Element:
    """A copy of a grammar in which every data/value pattern means the same on its own (its
    `datatypeLibrary`, and the `ns` a value is read in, written on it) and annotations (foreign
    elements and attributes) are gone: the reader then copies those patterns as they are."""
    root = copy.deepcopy(root)
    for node in root.iter(f"{_R}data", f"{_R}value"):
        value = node.tag == f"{_R}value"
        node.set("datatypeLibrary", "" if value and node.get("type") is None else _inherited(node, "datatypeLibrary") or "")
        if value:
            node.set("ns", _inherited(node, "ns") or "")
    foreign = [node for node in root.iter() if not (isinstance(node.tag, str) and node.tag.startswith(_R))]
    for node in foreign:
        if node.getparent() is not None:
            node.getparent().remove(node)
    for node in root.iter():
        for attribute in [name for name in node.attrib if name.startswith("{")]:
            del node.attrib[attribute]
    return root


# --------------------------------------------------------------------------------------------
# Grammar


@dataclass
class Grammar:
    """A RelaxNG schema ready to validate documents.

    `start`/`defines` are set when the grammar is one self-contained file and can be pruned per
    document; otherwise `whole` is the parsed schema, compiled once as it is.
    """

    label: str
    start: Pattern | None = None
    defines: dict[str, Pattern] = field(default_factory=dict)
    named: tuple[Pattern, ...] = ()
    whole: etree._ElementTree | None = None
    embedded_schematron: etree._Element | None = None
    """An ISO Schematron schema made of the `sch:pattern`s embedded in the grammar, if any."""

    def __post_init__(self) -> None:
        self._by_name: dict[tuple[str, str, str], list[int]] = {}
        self._wildcards: list[int] = []
        for index, pattern in enumerate(self.named):
            if pattern.argument[0] == "name":
                self._by_name.setdefault((pattern.kind, *pattern.argument[1:]), []).append(index)
            else:
                self._wildcards.append(index)

    def relaxng(self, tree: etree._ElementTree) -> etree.RelaxNG:
        """The compiled schema to validate `tree` with (pruned to its names when possible)."""
        if self.start is None:
            return _compile_whole(self)
        return _compile_pruned(self, self.kept(*document_names(tree)))

    def kept(self, elements: frozenset[Name], attributes: frozenset[Name]) -> frozenset[int]:
        """Indexes of the element and attribute patterns (in `named`) that can match a name used."""
        kept = [index for kind, names in (("element", elements), ("attribute", attributes)) for name in names
                for index in self._by_name.get((kind, *name), ())]
        kept.extend(index for index in self._wildcards if _matches_any(
            self.named[index].argument, elements if self.named[index].kind == "element" else attributes))
        return frozenset(kept)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


def load_grammar(document: etree._ElementTree, origin: Path, label: str) -> Grammar:
    """A Grammar for a parsed RelaxNG (XML syntax) document found at `origin`.

    Raises SchemaError when the document is not a usable RelaxNG schema or refers to a URL.
    """
    root = document.getroot()
    if etree.QName(root).namespace != RNG_NS:
        raise SchemaError(f"{origin}: not a RelaxNG schema (root element {root.tag})")
    embedded = embedded_schematron(root)
    referencing = check_references(document, origin) or any(True for _ in root.iter(
        *(f"{_R}{kind}" for kind in _REFERENCING if kind != "grammar"))) or any(
        True for node in root.iterdescendants(f"{_R}grammar"))
    if referencing or etree.QName(root).localname != "grammar":
        grammar = Grammar(label, whole=document, embedded_schematron=embedded)
        _compile_whole(grammar)  # report an unusable schema now, not at the first document
        return grammar
    reader = _Reader()
    starts: list[tuple[str | None, Pattern]] = []
    defines: dict[str, list[tuple[str | None, Pattern]]] = {}
    for node in _grammar_members(_normalized(root)):
        kind = etree.QName(node).localname
        if kind == "start":
            starts.append((node.get("combine"), reader.group(node)))
        elif kind == "define":
            defines.setdefault(node.get("name").strip(), []).append((node.get("combine"), reader.group(node)))
        else:
            raise SchemaError(f"{origin}:{node.sourceline}: unexpected <{kind}> in a grammar")
    if not starts:
        raise SchemaError(f"{origin}: the grammar has no <start>")
    grammar = Grammar(label, start=_combined(starts), named=tuple(reader.named), embedded_schematron=embedded,
                      defines={name: _combined(parts) for name, parts in defines.items()})
    missing = sorted(_references(grammar) - grammar.defines.keys())
    if missing:
        raise SchemaError(f"{origin}: reference to undefined pattern(s): {', '.join(missing)}")
    return grammar


def _grammar_members(node: etree._Element) -> Iterable[etree._Element]:
    """start and define children of a grammar, with `div` groupings flattened."""
    for child in _rng_children(node):
        if etree.QName(child).localname == "div":
            yield from _grammar_members(child)
        else:
            yield child


def _combined(parts: list[tuple[str | None, Pattern]]) -> Pattern:
    if len(parts) == 1:
        return parts[0][1]
    how = {combine for combine, _ in parts if combine}
    kind = how.pop() if len(how) == 1 else "choice"
    return Pattern("interleave" if kind == "interleave" else "choice", None, tuple(pattern for _, pattern in parts))


def _references(grammar: Grammar) -> set[str]:
    found: set[str] = set()
    stack = [grammar.start, *grammar.defines.values()]
    while stack:
        pattern = stack.pop()
        if pattern.kind == "ref":
            found.add(pattern.argument)
        stack.extend(pattern.children)
    return found


def document_names(tree: etree._ElementTree) -> tuple[frozenset[Name], frozenset[Name]]:
    """The element and attribute names used in a document, as (namespace, local name)."""
    elements: set[str] = set()
    attributes: set[str] = set()
    for element in tree.getroot().iter(etree.Element):
        elements.add(element.tag)
        attributes.update(element.attrib)
    return frozenset(map(_split, elements)), frozenset(map(_split, attributes))


def _split(clark: str) -> Name:
    if clark.startswith("{"):
        uri, local = clark[1:].split("}", 1)
        return uri, local
    return "", clark


@lru_cache(maxsize=8)
def _compile_whole(grammar: Grammar) -> etree.RelaxNG:
    try:
        return etree.RelaxNG(grammar.whole)
    except etree.RelaxNGParseError as err:
        raise SchemaError(f"{grammar.label}: not a usable RelaxNG schema: {err}") from err


@lru_cache(maxsize=64)
def _compile_pruned(grammar: Grammar, kept: frozenset[int]) -> etree.RelaxNG:
    document = pruned_grammar(grammar, kept)
    try:
        return etree.RelaxNG(document)
    except etree.RelaxNGParseError as err:
        raise SchemaError(f"{grammar.label}: not a usable RelaxNG schema: {err}") from err


def pruned_grammar(grammar: Grammar, kept: frozenset[int]) -> etree._Element:
    """The grammar with every element and attribute pattern not in `kept` (indexes into
    grammar.named) replaced by notAllowed, simplified, and with only the defines still reachable.

    Simplified as RelaxNG's rules say (section 4.20): what cannot match drops out of choices, and
    a repetition or option of it is empty; empty members and defines that come out empty
    disappear, so an element's attributes absent from the document cost nothing.
    """
    kept_patterns = {id(grammar.named[index]) for index in kept}
    dead: dict[int, bool] = {}

    def not_allowed(pattern: Pattern) -> bool:
        key = id(pattern)
        if key not in dead:
            dead[key] = False  # a cycle runs through an element, which decides on its own
            dead[key] = _not_allowed(pattern)
        return dead[key]

    def _not_allowed(pattern: Pattern) -> bool:
        kind = pattern.kind
        if kind == "notAllowed":
            return True
        if kind == "element":
            return id(pattern) not in kept_patterns
        if kind == "attribute":
            return id(pattern) not in kept_patterns or any(map(not_allowed, pattern.children))
        if kind == "ref":
            return not_allowed(grammar.defines[pattern.argument])
        if kind == "choice":
            return all(map(not_allowed, pattern.children))
        if kind in ("zeroOrMore", "optional") or kind in _VERBATIM:
            return False
        return any(map(not_allowed, pattern.children))

    in_progress = etree.Element(f"{_R}x")
    contents: dict[str, etree._Element | None] = {}
    """Each define's content, emitted once (None: empty); refs to an empty define are dropped."""

    def made(kind: str, *children: etree._Element, **attributes: str) -> etree._Element:
        element = etree.Element(f"{_R}{kind}", **attributes)
        element.extend(children)
        return element

    def emit(pattern: Pattern) -> etree._Element | None:
        """The XML of `pattern` for this document, simplified; None when it is `empty`.

        An element the document does not have stays where it is required, with notAllowed for
        content (it can never match either): libxml2 then says which element is missing, where
        a notAllowed content would make it blame the parent's attributes.
        """
        kind = pattern.kind
        if kind in ("zeroOrMore", "optional") and any(map(not_allowed, pattern.children)):
            return None
        if kind == "empty":
            return None
        if kind in ("notAllowed", "text"):
            return made(kind)
        if kind == "attribute" and not_allowed(pattern):
            return made("notAllowed")
        if kind in _VERBATIM:
            for reference in pattern.children:
                emit(reference)
            return etree.fromstring(pattern.argument)
        if kind == "ref":
            name = pattern.argument
            if name not in contents:
                contents[name] = in_progress  # a cycle runs through an element: never empty
                contents[name] = emit(grammar.defines[name])
            return None if contents[name] is None else made("ref", name=name)
        if kind in ("element", "attribute"):  # children side by side, as written: libxml2 takes
            name_class = etree.Element(f"{_R}x")  # an element's own attributes apart from its content
            _emit_name_class(pattern.argument, name_class)
            if kind == "element" and id(pattern) not in kept_patterns:
                return made("element", *name_class, made("notAllowed"))
            return made(kind, *name_class, *(members(pattern.children) or [made("text" if kind == "attribute" else "empty")]))
        if kind == "choice":
            possible = [child for child in pattern.children if not not_allowed(child)] or list(pattern.children[:1])
            options = [emit(child) for child in possible]
            present = [option for option in options if option is not None]
            if not present:
                return None
            chosen = present[0] if len(present) == 1 else made("choice", *present)
            return made("optional", chosen) if len(present) < len(options) else chosen
        content = members(pattern.children)
        if kind == "mixed":
            return made("mixed", *content) if content else made("text")
        if not content:
            return None
        if kind in ("oneOrMore", "zeroOrMore", "optional") or len(content) > 1:
            return made(kind, *content)
        return content[0]  # a group or interleave of one

    def members(children: tuple[Pattern, ...]) -> list[etree._Element]:
        """The XML of a sequence of patterns, without its empty members."""
        return [member for member in map(emit, children) if member is not None]

    root = etree.Element(f"{_R}grammar", nsmap={None: RNG_NS})
    start = emit(grammar.start)
    etree.SubElement(root, f"{_R}start").append(start if start is not None else made("notAllowed"))
    for name, content in contents.items():
        if content is not None:
            etree.SubElement(root, f"{_R}define", name=name).append(content)
    return root


def _emit_name_class(name_class: NameClass, parent: etree._Element) -> None:
    kind = name_class[0]
    if kind == "name":
        etree.SubElement(parent, f"{_R}name", ns=name_class[1]).text = name_class[2]
        return
    made = etree.SubElement(parent, f"{_R}{kind}")
    if kind == "choice":
        for member in name_class[1]:
            _emit_name_class(member, made)
        return
    if kind == "nsName":
        made.set("ns", name_class[1])
    if name_class[-1] is not None:
        _emit_name_class(name_class[-1], etree.SubElement(made, f"{_R}except"))


# --------------------------------------------------------------------------------------------
# Schematron embedded in RelaxNG (TEI's constraintSpecs end up there)


def embedded_schematron(root: etree._Element) -> etree._Element | None:
    """An ISO Schematron schema holding the `sch:pattern`s embedded in a RelaxNG grammar (and its
    `sch:ns` declarations, once per prefix), or None when there are none."""
    patterns = list(root.iter(f"{{{SCH_NS}}}pattern"))
    if not patterns:
        return None
    schema = etree.Element(f"{{{SCH_NS}}}schema", nsmap={"sch": SCH_NS})
    prefixes: set[str] = set()
    for declaration in root.iter(f"{{{SCH_NS}}}ns"):
        if declaration.get("prefix") not in prefixes:
            prefixes.add(declaration.get("prefix"))
            etree.SubElement(schema, f"{{{SCH_NS}}}ns", prefix=declaration.get("prefix", ""),
                             uri=declaration.get("uri", ""))
    for pattern in patterns:
        schema.append(copy.deepcopy(pattern))
    return schema
