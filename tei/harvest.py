"""Hand-edited TEI → review decisions: what a person changed in a converted file's readings.

A person edits a converted file in their editor: removes a `<choice>` (keeping its `<sic>` text),
changes a `<corr>`, adds a `<choice>`, or points a reading's @resp to their own respStmt. Compared
with what the tool writes for the same export and options (the conversion is deterministic), each
difference is a decision:

- a reading of the tool no longer in the file: reject (the characters no reading of the file
  covers; the others are decided by the file's readings there);
- a reading at the same place with another corr: edit;
- a reading where the tool has none: add;
- the tool's reading kept but pointed to a person's respStmt: accept.

A reading whose @resp points to a person's respStmt is that person's; the others (the tool's
@resp left in place, a removed reading) are the `reviewer` given. The text itself must not have
changed (anchor.marks checks it): harvest reads corrections, not edits of the record.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from . import anchor
from .convert import ConvertOptions, convert_document
from .decisions import Action, Decision, decide
from .errors import InputError
from .model import Document
from .vocab import OCR_RESP_ID, XML_ID, tei


@dataclass(frozen=True)
class Harvest:
    """The decisions read from one edited file, and what the user should hear about it."""

    decisions: tuple[Decision, ...]
    warnings: tuple[str, ...] = ()


def article_id(tree: etree._ElementTree) -> str:
    """The archive's article id of a converted file (publicationStmt/idno[@type="bha"]), or ""."""
    for idno in tree.getroot().iter(tei("idno")):
        if idno.get("type") == "bha":
            return (idno.text or "").strip()
    return ""


def harvest(tree: etree._ElementTree, path: str, document: Document, options: ConvertOptions = ConvertOptions(),
            reviewer: str = "") -> Harvest:
    """The decisions a person made by editing `tree` (the file at `path`), converted from
    `document` with `options`.

    Raises:
        InputError: the text of the file is not the export's body, or an edit names no one and no
            `reviewer` is given.
    """
    body = document.body
    try:
        edited = anchor.marks(tree, body)
    except anchor.TextMismatch as err:
        raise InputError(path, 0, f"{err}; harvest reads changes of readings (choice/sic/corr) only, "
                                  f"from the file converted from {document.path}") from err
    tool = anchor.marks(convert_document(document, options).tree, body)
    names = _reviewers(tree)
    warnings = []

    def who(mark: anchor.Mark, made: anchor.Mark | None = None) -> str:
        """The reviewer of an edit: the person its @resp names, unless the tool's reading there had
        the same @resp (a changed reading whose @resp was left as it was); else `reviewer`."""
        name = names.get(mark.resp, "") if mark.resp != OCR_RESP_ID else ""
        if name and (made is None or made.resp != mark.resp):
            return name
        if not reviewer:
            raise InputError(path, mark.line, f"the reading {mark.sic} → {mark.corr or mark.sic} names no reviewer "
                                              "(its @resp is not a person's respStmt): give one with --reviewer")
        return reviewer

    document_id = document.header.article_id
    decisions: list[Decision] = []
    by_place = {(m.offset, m.sic): m for m in tool if m.corr is not None}
    covered = set()
    for mark in edited:
        if mark.corr is None:
            warnings.append(f"{path}:{mark.line}: <sic>{mark.sic}</sic> without a reading is not a decision; left out")
            continue
        covered.update(range(mark.offset, mark.offset + len(mark.sic)))
        made = by_place.get((mark.offset, mark.sic))
        if made is not None and made.corr == mark.corr:
            if mark.resp in names and mark.resp not in (OCR_RESP_ID, made.resp):
                decisions.append(decide(document_id, body, mark.offset, mark.sic, Action.ACCEPT, mark.corr,
                                        who(mark), made.corr, made.cert))
            continue
        action = Action.ADD if made is None else Action.EDIT
        decisions.append(decide(document_id, body, mark.offset, mark.sic, action, mark.corr, who(mark, made),
                                made.corr if made else "", made.cert if made else ""))
    for made in by_place.values():
        for start, end in _runs(i for i in range(made.offset, made.offset + len(made.sic)) if i not in covered):
            piece = slice(start - made.offset, end - made.offset)
            proposed = made.corr[piece] if len(made.corr) == len(made.sic) else made.corr
            decisions.append(decide(document_id, body, start, body[start:end], Action.REJECT, "",
                                    who(anchor.Mark(start, body[start:end], None, "", "", 0)), proposed, made.cert))
    return Harvest(tuple(sorted(decisions, key=lambda d: d.offset)), tuple(warnings))


def _reviewers(tree: etree._ElementTree) -> dict[str, str]:
    """xml:id → name of every respStmt of the header (the tool's too)."""
    names = {}
    for stmt in tree.getroot().iter(tei("respStmt")):
        who = next((child for child in stmt if child.tag in (tei("name"), tei("persName"), tei("orgName"))), None)
        if stmt.get(XML_ID) and who is not None:
            names[stmt.get(XML_ID)] = " ".join("".join(who.itertext()).split())
    return names


def _runs(positions) -> list[tuple[int, int]]:
    """Maximal [start, end) runs of consecutive positions (given in increasing order)."""
    runs: list[list[int]] = []
    for i in positions:
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [(a, b) for a, b in runs]
