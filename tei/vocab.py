"""Namespaces and the one ElementMaker every element is built with."""
from __future__ import annotations

from functools import lru_cache

from lxml.builder import ElementMaker

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
RELAXNG_NS = "http://relaxng.org/ns/structure/1.0"
SCHEMATRON_NS = "http://purl.oclc.org/dsdl/schematron"
NS = {"t": TEI_NS}
"""Prefix map for XPath over TEI documents."""

E = ElementMaker(namespace=TEI_NS, nsmap={None: TEI_NS})
"""Builds TEI elements: `E.p("text", E.choice(...))`."""

XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"


@lru_cache(maxsize=None)
def tei(local_name: str) -> str:
    """Clark name of a TEI element, for tag comparisons and SubElement."""
    return f"{{{TEI_NS}}}{local_name}"
