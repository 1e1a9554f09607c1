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

Once its decisions are harvested, a file edited in its readings only can be converted again:
lost_edit tells `tei convert` whether the new output holds every change the person made.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree

from . import anchor
from .build import build_tei, point_to_schemas
from .convert import ConvertOptions, Result, convert_document
from .decisions import Action, Decision, decide
from .errors import InputError
from .header import review_credits
from .model import Document
from .validate import safe_parser
from .vocab import OCR_RESP_ID, XML_ID, tei
from .write import serialize


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


def lost_edit(edited: bytes, result: Result, options: ConvertOptions, prefix: str = "") -> str | None:
    """The first change a person made in `edited` (the document's TEI file as they left it) that
    writing `result` over it would lose, in a few words with its line; None when it would lose
    none. `result` is the document converted with `options`, its schema instructions pointing
    through `prefix`.

    Nothing is lost when the file is what the tool makes of the document (with the review credits
    the file has) but for its readings, and each of the file's readings is in `result`: as it is in
    the file, or with the same text where a decision made it (the person's @resp and @cert give way
    to the decision's), or it is the tool's own reading, untouched, where a decision overrides it.
    Any other edit (of the text, the header, the markup, a reading's attributes, a respStmt of
    one's own) is work the new output would lose.
    """
    document = result.conversion.document
    body = document.body
    try:
        mine = etree.ElementTree(etree.fromstring(edited, safe_parser()))
        header = mine.getroot().find(tei("teiHeader"))
        if header is None:
            return "it has no teiHeader"
        marks = anchor.marks(mine, body)
        expected = build_tei(result.conversion, replace(result.header_options, reviewers=review_credits(header)))
        if prefix:
            point_to_schemas(expected, prefix)
        made = etree.ElementTree(etree.fromstring(serialize(expected), safe_parser()))  # as a file holds it
        _unmark(mine)
        _unmark(made)
        if etree.tostring(mine, method="c14n") != etree.tostring(made, method="c14n"):
            return _first_difference(mine, made)
    except etree.XMLSyntaxError as err:
        return f"line {err.lineno}: not well-formed XML"
    except etree.LxmlError as err:
        return f"it has no canonical form ({err})"
    except anchor.TextMismatch as err:
        return str(err)
    made_readings = _readings(anchor.marks(result.tree, body))
    tool = made_readings
    if any(d.document == document.header.article_id for d in options.decisions):
        others = tuple(d for d in options.decisions if d.document != document.header.article_id)
        tool = _readings(anchor.marks(convert_document(document, replace(options, decisions=others)).tree, body))
    lines = {(m.offset, m.sic): m.line for m in marks}
    mine_readings = _readings(marks)
    for place in sorted(mine_readings.keys() | made_readings.keys() | tool.keys()):
        own, new, old = mine_readings.get(place), made_readings.get(place), tool.get(place)
        decided = new is not None and new[1] != OCR_RESP_ID
        if own == new or own == old or (decided and own is not None and own[0] == new[0]):
            continue
        offset, sic = place
        if own is None:
            return f"the reading {sic} → {new[0]} at body offset {offset} was taken out, and no decision rejects it"
        if new is not None and own[0] == new[0]:
            return f"line {lines[place]}: the reading {sic} → {own[0]} has other attributes, which no decision records"
        if own[0] is None:
            return f"line {lines[place]}: <sic>{sic}</sic> without a reading is not a review decision"
        return f"line {lines[place]}: the reading {sic} → {own[0]} is not a review decision"
    return None


def _readings(marks: list[anchor.Mark]) -> dict[tuple[int, str], tuple[str | None, str, str]]:
    """(offset, sic) → (corr, resp, cert) of each reading."""
    return {(m.offset, m.sic): (m.corr, m.resp, m.cert) for m in marks}


_PLAIN_READING = {"resp", "cert"}
"""The attributes of a `<corr>` that the reading comparison covers."""


def _unmark(tree: etree._ElementTree) -> None:
    """Replace each plain reading of a TEI document (`<choice>` of a `<sic>` and a `<corr>`, nothing
    else in it, no other attribute or markup than `<lb/>`) by its printed text: what is left is
    what the document says besides its readings."""
    for choice in list(tree.getroot().iter(tei("choice"))):
        parts = list(choice)
        if (choice.attrib or choice.text or len(parts) != 2 or parts[0].tag != tei("sic")
                or parts[1].tag != tei("corr") or parts[0].tail or parts[1].tail
                or parts[0].attrib or not set(parts[1].attrib) <= _PLAIN_READING
                or any(child.tag != tei("lb") or child.attrib or len(child) for part in parts for child in part)):
            continue
        _replace_by_content(choice, parts[0])


def _first_difference(mine: etree._ElementTree, made: etree._ElementTree) -> str:
    """Where two documents whose canonical forms differ first differ, as a line of `mine`."""
    theirs = made.getroot().iter()
    for element in mine.getroot().iter():
        other = next(theirs, None)
        if other is None or (element.tag, sorted(element.attrib.items()), element.text, element.tail) != (
                other.tag, sorted(other.attrib.items()), other.text, other.tail):
            name = f"<{etree.QName(element).localname}>" if isinstance(element.tag, str) else "a comment"
            return f"line {element.sourceline}: {name} differs from what tei convert makes now"
    if next(theirs, None) is not None:
        return "elements tei convert makes are missing at its end"
    return "what is around its root element differs from what tei convert makes now"


def _replace_by_content(element: etree._Element, content: etree._Element) -> None:
    """Put the text and children of `content` where `element` is, and drop `element` (keeping its tail)."""
    parent, tail = element.getparent(), element.tail or ""
    before = element.getprevious()
    text = content.text or ""
    if before is None:
        parent.text = (parent.text or "") + text
    else:
        before.tail = (before.tail or "") + text
    at = parent.index(element)
    children = list(content)
    for k, child in enumerate(children):
        parent.insert(at + k, child)
    last = children[-1] if children else before
    parent.remove(element)
    if last is None:
        parent.text = (parent.text or "") + tail
    else:
        last.tail = (last.tail or "") + tail
