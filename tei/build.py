"""Header + text → the TEI document, laid out, with the xml-model processing instructions."""
from __future__ import annotations

import re

from lxml import etree

from .body import build_text
from .header import HeaderOptions, build_header
from .layout import indent
from .model import Conversion
from .vocab import RELAXNG_NS, SCHEMATRON_NS, XML_ID, XML_LANG, root

SCHEMA_FILE = "tei_bha.rng"
SCHEMATRON_FILE = "tei_bha.sch"


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
                                      conversion.unclear))
    indent(tei_element, 0)  # what the builders have not laid out yet: the root's own children
    tree = etree.ElementTree(tei_element)
    for href, schema_type in ((SCHEMA_FILE, RELAXNG_NS), (SCHEMATRON_FILE, SCHEMATRON_NS)):
        instruction = etree.ProcessingInstruction(
            "xml-model", f'href="{href}" type="application/xml" schematypens="{schema_type}"')
        instruction.tail = "\n"
        tei_element.addprevious(instruction)
    return tree
