"""The pipeline for one document: read (a text export or the archive's JSON) → structure → mark → build TEI.

Nothing is lost by construction (see body.py); the tests check it independently on every dev
document and on generated ones.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from lxml import etree

from . import __version__, anchor
from .body import check_coverage
from .build import SCHEMA_FILE, build_tei
from .closers import close_with_datelines
from .dates import build_time
from .archive import ARTICLE_SUFFIX, is_article_json, read_article
from .decisions import Decision, NotApplied, apply, pair_counts, place, reviewer_id, summary
from .errors import InputError, InvalidOutput, UncoveredText
from .header import HeaderOptions, Reviewer
from .language import detect_language
from .letters import find_letters
from .model import Conversion, Document, PlacedFootnote, Structure
from .notes import PrintedNotes, mark_printed_notes, place_footnotes
from .ocr import OcrMarks, find_ocr_marks, review_bias
from .reader import parse_export, read_export
from .schemas import Schema, bundled_path
from .structure import build_structure, place_typed_lines, split_parts, typed_lines
from .validate import project_schemas


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
    pair_bias: tuple[tuple[str, str, float], ...] = ()
    """Score biases (wrong, right, bias) of reading pairs, learnt from review (learn_from)."""
    decisions: tuple[Decision, ...] = ()
    """Review decisions (tei.decisions) to apply to the documents they name."""


@dataclass(frozen=True)
class Result:
    """A converted document and what the user should hear about it."""

    tree: etree._ElementTree
    conversion: Conversion
    warnings: tuple[str, ...] = field(default=())
    header_options: HeaderOptions = HeaderOptions(__version__)
    """How its header was made (harvest.lost_edit rebuilds it with other review credits)."""


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
    (a note is a note, whatever the source calls it), the source's typed lines, the date and signature that
    end a division of a document that is not letters, and its footnotes."""
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
    as_letters = structure is not None
    if not as_letters:
        structure = build_structure(document, parts)
    # a source that keeps its footnotes apart (the archive's JSON) prints none in the body
    printed = (mark_printed_notes(body, structure, frozenset(typed_lines(document))) if not document.footnotes
               else PrintedNotes(structure, 0, 0, 0))
    structure = place_typed_lines(document, printed.structure)
    if not as_letters:
        structure = close_with_datelines(document, structure)
    footnotes, placing = place_footnotes(body, structure, document.footnotes, document.path)
    return Layout(structure, tuple(markers), footnotes, printed, (*warnings, *placing))


def convert_document(document: Document, options: ConvertOptions = ConvertOptions()) -> Result:
    """Run the steps after reading on one document.

    Raises:
        ConfigError: a time stamp is asked for and SOURCE_DATE_EPOCH is not usable.
        InvalidOutput: the document would not be valid (see check_output).
    """
    warnings = list(document.warnings)
    if document.dropped_chars:
        warnings.append(f"{document.path}: dropped {document.dropped_chars} character(s) that XML 1.0 cannot carry")
    body = document.body
    layout = lay_out_document(document)
    warnings.extend(layout.warnings)
    marks = find_ocr_marks(body, extra_confusions=options.extra_confusions, protected=options.protected,
                           pair_bias=options.pair_bias) if options.ocr else OcrMarks((), ())
    header_options = HeaderOptions(
        version=__version__,
        language=detect_language(body),
        ocr_marked=options.ocr,
        timestamp=_timestamp() if options.timestamp else None,
    )
    conversion = Conversion(document=document, structure=layout.structure, suspects=marks.suspects,
                            markers=layout.markers, unclear=marks.unclear, footnotes=layout.footnotes)
    decided = [d for d in options.decisions if d.document == document.header.article_id]
    if decided:
        tree, conversion, notes = _apply_decisions(conversion, decided, header_options)
    else:
        tree, notes = build_tei(conversion, header_options), []
    check_output(tree, document.path)
    return Result(tree, conversion, (*warnings, *notes), header_options)


CROSSES = ("its text crosses the edge of a TEI element (a part, heading, line-start marker or unclear "
           "region): one reading cannot span it")


def _apply_decisions(conversion: Conversion, decisions: list[Decision],
                     header_options: HeaderOptions) -> tuple[etree._ElementTree, Conversion, list[str]]:
    """Build the TEI with the document's review decisions applied (decisions.apply), the reviewers
    credited in the header, and a warning for each decision moved or not applied. That each reading
    was written is checked on the tree (anchor.marks); one that could not be is not applied."""
    body, path = conversion.document.body, conversion.document.path
    unwritable: list[Decision] = []
    while True:  # placed again without the readings that cannot be written: what they overrode holds
        placed, not_applied = place([d for d in decisions if d not in unwritable], body)
        reviewers = tuple(Reviewer(reviewer_id(name), name, done) for name, done in summary(placed).items())
        reviewed = replace(conversion, suspects=tuple(apply(conversion.suspects, placed)))
        tree = build_tei(reviewed, replace(header_options, reviewers=reviewers))
        written = {(m.offset, m.sic, m.corr, m.resp) for m in anchor.marks(tree, body)}
        unwritten = [p.decision for p in placed if p.decision.corrects and (
            p.offset, p.decision.sic, p.decision.reading, reviewer_id(p.decision.reviewer)) not in written]
        if not unwritten:
            break
        unwritable += unwritten
    notes = [f"{path}: {p.decision.describe()} moved to offset {p.offset}: its text and context are there now"
             for p in placed if p.moved]
    notes += [f"{path}: {n.message()}" for n in (*not_applied, *(NotApplied(d, CROSSES) for d in unwritable))]
    return tree, reviewed, notes


def learn_from(options: ConvertOptions, decisions: Iterable[Decision]) -> ConvertOptions:
    """`options` with what `decisions` teach the OCR step folded in: the character pairs people
    confirmed join the confusion table (one count each time), and the pairs they turned down score
    lower (ocr.review_bias)."""
    confirmed, rejected = pair_counts(decisions)
    pairs = tuple((w, r, n) for (w, r), n in sorted(confirmed.items()))
    bias = review_bias(pairs, ((w, r, n) for (w, r), n in sorted(rejected.items())))
    return replace(options, extra_confusions=options.extra_confusions + pairs, pair_bias=options.pair_bias + bias)


def check_output(tree: etree._ElementTree, name: str) -> None:
    """Raise InvalidOutput unless `tree` is valid against the project schema (RelaxNG and Schematron,
    a strict subset of tei_all): what the converter cannot make valid is never written, so exit 0
    always means valid. Values the export may hold that the schema refuses (a period that runs
    backwards, a blank description) are read as text upstream; this is the net under them."""
    relaxng, schematron = _project_schema()
    if not relaxng.validate(tree):
        error = relaxng.error_log[0]
        problem = f"{error.type_name} {error.message}"
    elif findings := schematron.check(tree, name)[0]:
        problem = f"{findings[0].code} {findings[0].message}"
    else:
        return
    raise InvalidOutput(f"{name}:0: the TEI made from it would not be valid against the project schema ({problem}); "
                        "not written: please report it")


@lru_cache(maxsize=1)
def _project_schema() -> tuple[etree.RelaxNG, Schema]:
    """The project's RelaxNG compiled whole, once (it is small: pruning it per document, as `tei
    validate` does for tei_all, costs more than it saves), and its Schematron as `tei validate` runs it."""
    return etree.RelaxNG(etree.parse(str(bundled_path(SCHEMA_FILE)))), project_schemas()[1]


def _timestamp() -> str:
    """The conversion time as xsd:dateTime in UTC (`1970-01-01T00:00:00Z`)."""
    return build_time().isoformat().replace("+00:00", "Z")
