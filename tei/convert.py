"""The pipeline for one document: read → structure → mark → build TEI.

Nothing is lost by construction (see body.py); the tests check it independently on every dev
document and on generated ones.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from lxml import etree

from . import __version__
from .body import UncoveredText
from .build import build_tei
from .header import HeaderOptions
from .language import detect_language
from .letters import find_letters
from .ocr import OcrMarks, find_ocr_marks
from .model import Conversion, Document
from .reader import parse_export, read_export
from .structure import build_structure, split_parts


@dataclass(frozen=True)
class ConvertOptions:
    """How to convert; the defaults are what `tei convert` does."""

    ocr: bool = True
    timestamp: bool = False
    extra_confusions: tuple[tuple[str, str, int], ...] = ()
    """User confusion pairs (wrong, right, count) added to the OCR step's table."""
    protected: tuple[str, ...] = ()
    """User terms the OCR step never flags."""
    """Record the conversion time (SOURCE_DATE_EPOCH when set, else now) in publicationStmt."""


@dataclass(frozen=True)
class Result:
    """A converted document and what the user should hear about it."""

    tree: etree._ElementTree
    conversion: Conversion
    warnings: tuple[str, ...] = field(default=())


def convert_file(path: str | Path, options: ConvertOptions = ConvertOptions()) -> Result:
    """Convert the export file at `path`."""
    return convert_document(read_export(path), options)


def convert_bytes(data: bytes, name: str, options: ConvertOptions = ConvertOptions()) -> Result:
    """Convert an export given as bytes (stdin); `name` is used in messages."""
    return convert_document(parse_export(data, name), options)


def convert_document(document: Document, options: ConvertOptions = ConvertOptions()) -> Result:
    """Run the steps after reading on one document."""
    warnings = []
    if document.dropped_chars:
        warnings.append(f"{document.path}: dropped {document.dropped_chars} character(s) that XML 1.0 cannot carry")
    parts = split_parts(document.body)
    # marks.unclear (OCR garbage) is handed on as Conversion(unclear=...) once the project schema
    # allows <unclear reason> (helper "validate"); body.py renders it already.
    marks = find_ocr_marks(document.body, extra_confusions=options.extra_confusions,
                           protected=options.protected) if options.ocr else OcrMarks((), ())
    header_options = HeaderOptions(
        version=__version__,
        language=detect_language(document.body),
        ocr_marked=options.ocr,
        timestamp=_timestamp() if options.timestamp else None,
    )
    letters = find_letters(document, parts)
    if letters is not None:
        conversion = Conversion(document=document, structure=letters, suspects=marks.suspects)
        try:
            return Result(build_tei(conversion, header_options), conversion, tuple(warnings))
        except UncoveredText as err:
            warnings.append(f"{document.path}: letter structure not usable ({err}); laid out as plain paragraphs")
    conversion = Conversion(document=document, structure=build_structure(document, parts), suspects=marks.suspects)
    return Result(build_tei(conversion, header_options), conversion, tuple(warnings))


def _timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
