"""The pipeline for one document: read → structure → mark → build TEI → check nothing was lost."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from . import __version__
from .build import build_tei
from .errors import TeiError
from .header import HeaderOptions
from .language import detect_language
from .letters import find_letters
from .ocr import find_suspects
from .model import Conversion, Document
from .reader import parse_export, read_export
from .structure import build_structure, marker_spans, split_parts
from .vocab import NS


@dataclass(frozen=True)
class ConvertOptions:
    """How to convert; the defaults are what `tei convert` does."""

    ocr: bool = True
    timestamp: bool = False
    """Record the conversion time (SOURCE_DATE_EPOCH when set, else now) in publicationStmt."""


@dataclass(frozen=True)
class Result:
    """A converted document and what the user should hear about it."""

    tree: etree._ElementTree
    conversion: Conversion
    warnings: tuple[str, ...] = field(default=())


class LostText(TeiError):
    """The built `<text>` does not carry the body exactly: a bug, never written out."""


def convert_file(path: str | Path, options: ConvertOptions = ConvertOptions()) -> Result:
    """Convert the export file at `path`."""
    return convert_document(read_export(path), options)


def convert_bytes(data: bytes, name: str, options: ConvertOptions = ConvertOptions()) -> Result:
    """Convert an export given as bytes (stdin); `name` is used in messages."""
    return convert_document(parse_export(data, name), options)


def convert_document(document: Document, options: ConvertOptions = ConvertOptions()) -> Result:
    """Run the steps after reading on one document."""
    parts = split_parts(document.body)
    structure = find_letters(document, parts) or build_structure(document, parts)
    suspects = tuple(find_suspects(document.body)) if options.ocr else ()
    conversion = Conversion(document=document, structure=structure, suspects=suspects)
    header_options = HeaderOptions(
        version=__version__,
        language=detect_language(document.body),
        ocr_marked=options.ocr,
        timestamp=_timestamp() if options.timestamp else None,
    )
    tree = build_tei(conversion, header_options)
    check_lossless(document, tree)
    warnings = []
    if document.dropped_chars:
        warnings.append(f"{document.path}: dropped {document.dropped_chars} character(s) that XML 1.0 cannot carry")
    return Result(tree=tree, conversion=conversion, warnings=tuple(warnings))


_READING = etree.XPath("/t:TEI/t:text//text()[not(parent::t:corr)]", namespaces=NS)


def check_lossless(document: Document, tree: etree._ElementTree) -> None:
    """Raise LostText unless `<text>` without its `<corr>` readings equals the body (whitespace and markers aside)."""
    got = "".join("".join(_READING(tree)).split())
    if got != "".join(_without_markers(document.body).split()):
        raise LostText(f"{document.path}:{document.body_line}: internal error: the TEI text differs from the body")


def _without_markers(body: str) -> str:
    pieces, position = [], 0
    for start, end in marker_spans(body):
        pieces.append(body[position:start])
        position = end
    pieces.append(body[position:])
    return "".join(pieces)


def _timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
