"""The pipeline for one document: read (a text export or the archive's JSON) → structure → mark → build TEI.

Nothing is lost by construction (see body.py); the tests check it independently on every dev
document and on generated ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import __version__
from .body import check_coverage
from .build import build_tei
from .dates import build_time
from .archive import ARTICLE_SUFFIX, is_article_json, read_article
from .errors import InputError, UncoveredText
from .header import HeaderOptions
from .language import detect_language
from .letters import find_letters
from .ocr import OcrMarks, find_ocr_marks
from .model import Conversion, Document, PlacedFootnote, Structure
from .notes import PrintedNotes, mark_printed_notes, place_footnotes
from .reader import parse_export, read_export
from .structure import build_structure, place_typed_lines, split_parts


@dataclass(frozen=True)
class ConvertOptions:
    """How to convert; the defaults are what `tei convert` does."""

    ocr: bool = True
    """Mark suspected OCR errors as choice/sic/corr."""
    timestamp: bool = False
    """Record the conversion time (SOURCE_DATE_EPOCH when set, else now) in publicationStmt."""
    extra_confusions: tuple[tuple[str, str, int], ...] = ()
    """User confusion pairs (wrong, right, count) added to the OCR step's table."""
    protected: tuple[str, ...] = ()
    """User terms the OCR step never flags."""


@dataclass(frozen=True)
class Result:
    """A converted document and what the user should hear about it."""

    tree: etree._ElementTree
    conversion: Conversion
    warnings: tuple[str, ...] = field(default=())


def read_document(path: str | Path) -> Document:
    """Read an input file: the archive's JSON of an article (`<id>.json`) or a text export."""
    if Path(path).suffix == ARTICLE_SUFFIX:
        return read_article(path)
    return read_export(path)


def convert_file(path: str | Path, options: ConvertOptions = ConvertOptions()) -> Result:
    """Convert the input file at `path` (see read_document)."""
    return convert_document(read_document(path), options)


def convert_bytes(data: bytes, name: str, options: ConvertOptions = ConvertOptions()) -> Result:
    """Convert an export given as bytes (stdin); `name` is used in messages.

    Raises:
        InputError: the bytes are not an export (the archive's JSON names its article by its file
            name, so it is read from a file).
    """
    if is_article_json(data):
        raise InputError(name, 1, "the archive's JSON of an article: its id is its file name (<id>.json), "
                                  "so convert the file, not stdin")
    return convert_document(parse_export(data, name), options)


@dataclass(frozen=True)
class Layout:
    """A document's body laid out: its structure, the export's markers, its footnotes placed."""

    structure: Structure
    markers: tuple[tuple[int, int], ...]
    footnotes: tuple[PlacedFootnote, ...]
    printed: PrintedNotes
    """The footnotes printed in the body, as mark_printed_notes found them."""
    warnings: tuple[str, ...]


def lay_out_document(document: Document) -> Layout:
    """The structure step: letters, or headings and parts; then the footnotes printed in the body
    (a note is a note, whatever the source calls it), the source's typed lines and its footnotes."""
    warnings = []
    body = document.body
    parts, markers = document.parts or split_parts(body)
    structure = find_letters(document, parts)
    if structure is not None:
        try:
            check_coverage(body, structure, markers)
        except UncoveredText as err:
            warnings.append(f"{document.path}: letter structure not usable ({err}); laid out as plain paragraphs")
            structure = None
    if structure is None:
        structure = build_structure(document, parts)
    # a source that keeps its footnotes apart (the archive's JSON) prints none in the body
    printed = mark_printed_notes(body, structure) if not document.footnotes else PrintedNotes(structure, 0, 0, 0)
    structure = place_typed_lines(document, printed.structure)
    footnotes, placing = place_footnotes(body, structure, document.footnotes, document.path)
    return Layout(structure, tuple(markers), footnotes, printed, (*warnings, *placing))


def convert_document(document: Document, options: ConvertOptions = ConvertOptions()) -> Result:
    """Run the steps after reading on one document.

    Raises:
        ConfigError: a time stamp is asked for and SOURCE_DATE_EPOCH is not usable.
    """
    warnings = list(document.warnings)
    if document.dropped_chars:
        warnings.append(f"{document.path}: dropped {document.dropped_chars} character(s) that XML 1.0 cannot carry")
    body = document.body
    layout = lay_out_document(document)
    warnings.extend(layout.warnings)
    marks = find_ocr_marks(body, extra_confusions=options.extra_confusions,
                           protected=options.protected) if options.ocr else OcrMarks((), ())
    header_options = HeaderOptions(
        version=__version__,
        language=detect_language(body),
        ocr_marked=options.ocr,
        timestamp=_timestamp() if options.timestamp else None,
    )
    conversion = Conversion(document=document, structure=layout.structure, suspects=marks.suspects,
                            markers=layout.markers, unclear=marks.unclear, footnotes=layout.footnotes)
    return Result(build_tei(conversion, header_options), conversion, tuple(warnings))


def _timestamp() -> str:
    """The conversion time as xsd:dateTime in UTC (`1970-01-01T00:00:00Z`)."""
    return build_time().isoformat().replace("+00:00", "Z")
