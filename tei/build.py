"""Header + text → the TEI document, laid out, with the xml-model processing instructions."""
from __future__ import annotations

import os
import re
from pathlib import PurePath

from lxml import etree

from .body import build_text
from .header import HeaderOptions, build_header
from .layout import indent
from .model import Conversion
from .vocab import RELAXNG_NS, SCHEMATRON_NS, XML_ID, XML_LANG, root

SCHEMA_FILE = "tei_bha.rng"
SCHEMATRON_FILE = "tei_bha.sch"
SCHEMA_FILES = (SCHEMA_FILE, SCHEMATRON_FILE)
"""The project schemas every output declares; `tei convert -o DIR` writes them once in DIR."""


def document_id(article_id: str) -> str:
    """An xml:id (NCName) for the archive's article id: `3383ff062d` → `bha-3383ff062d`."""
    return "bha-" + re.sub(r"[^\w.-]", "_", article_id, flags=re.ASCII)


def build_tei(conversion: Conversion, options: HeaderOptions) -> etree._ElementTree:
    """The full TEI tree for one converted document."""
    document = conversion.document
    tei_element = root("TEI")
    tei_element.set(XML_ID, document_id(document.header.article_id))
    tei_element.set(XML_LANG, options.language)
    tei_element.append(build_header(document, conversion.structure.letters, options))
    tei_element.append(build_text(document.body, conversion.structure, conversion.suspects, conversion.markers,
                                  conversion.unclear, conversion.footnotes))
    indent(tei_element, 0)  # what the builders have not laid out yet: the root's own children
    tree = etree.ElementTree(tei_element)
    for instruction in _xml_models(""):
        tei_element.addprevious(instruction)
    return tree


def schema_prefix(output_file: str | PurePath, output_root: str | PurePath) -> str:
    """The relative path from the folder of `output_file` to `output_root`, where the schemas are
    written: "" beside them, "../" one folder down, and so on (always "/", as URIs want)."""
    folder = os.path.relpath(os.path.abspath(output_root), os.path.dirname(os.path.abspath(output_file)))
    return "" if folder == "." else PurePath(folder).as_posix() + "/"


def point_to_schemas(tree: etree._ElementTree, prefix: str) -> None:
    """Make the document's xml-model instructions reach the schemas through `prefix`
    (see schema_prefix), so an editor that follows them finds the files from any subfolder."""
    wanted = {PurePath(made.get("href")).name: made.text for made in _xml_models(prefix)}
    for node in tree.getroot().itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == "xml-model":
            name = (node.get("href") or "").rsplit("/", 1)[-1]
            if name in wanted:
                node.text = wanted[name]


def _xml_models(prefix: str) -> list[etree._ProcessingInstruction]:
    made = []
    for href, schema_type in ((SCHEMA_FILE, RELAXNG_NS), (SCHEMATRON_FILE, SCHEMATRON_NS)):
        instruction = etree.ProcessingInstruction(
            "xml-model", f'href="{prefix}{href}" type="application/xml" schematypens="{schema_type}"')
        instruction.tail = "\n"
        made.append(instruction)
    return made
