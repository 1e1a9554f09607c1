"""Review decisions on suspected OCR errors, as data: read and write them, place them in a body,
apply them to the OCR step's suspects, and count what they teach it. No XML here.

A decision is one named reviewer's verdict on a stretch of one document's body:

- accept: the tool's proposed reading is right;
- reject: the text is right as printed, the tool must not propose a reading there;
- edit: the text is wrong and the right reading is another one;
- add: an error the tool missed, with its reading.

It is anchored so that it survives re-conversion with a changed model or a re-exported body: the
archive's article id, the body offset (code points of the 正文 text), the printed characters and a
little context on each side. A decision whose anchor no longer matches is stale and is never
applied silently: when the characters and their context are found once elsewhere in the body, it
is moved there (and the caller is told); otherwise it is not applied and the caller is told why.

The file is TSV (see COLUMNS), one decision per line with a header line: people review in a
spreadsheet, and a line per decision diffs and merges well in version control. The review sheet
`tei ocr --format tsv` writes is the same file with the decision columns empty; rows left empty
are undecided and skipped.
"""
from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from .errors import DecisionError
from .files import read_regular_file
from .model import Cert, Suspect

CONTEXT = 8
"""Characters of body text kept on each side of a decision (or shown around a suspect)."""
COLUMNS = ("document", "offset", "before", "sic", "after", "proposed", "cert", "decision", "reading", "reviewer")
"""The file's columns, in the order they are written; read by name, so a spreadsheet may reorder
them or add its own (a `note`). document: the archive's article id (`id:`); offset: where `sic`
starts in the body; before, sic, after: the printed text and its context (tab, newline and
backslash written as \\t, \\n and \\\\); proposed, cert: the tool's reading and certainty when the
row was written (empty for an added error); decision: accept, reject, edit or add (empty: not
decided); reading: the right reading (edit, add; accept: the proposed one when empty); reviewer:
who decided."""
REQUIRED = ("document", "offset", "sic", "decision")
REVIEW_SOURCE = "review"
"""Suspect.source of a reading a person decided."""


class Action(str, Enum):
    ACCEPT = "accept"
    REJECT = "reject"
    EDIT = "edit"
    ADD = "add"


@dataclass(frozen=True)
class Decision:
    """One reviewer's verdict on body[offset:offset + len(sic)] of one document."""

    document: str
    """The archive's article id (the export's `id:`, the TEI's idno[@type="bha"])."""
    offset: int
    sic: str
    action: Action
    reading: str = ""
    """The right reading: the accepted proposal, the edited or added reading; "" for a rejection."""
    reviewer: str = ""
    proposed: str = ""
    """What the tool proposed when the decision was made; "" for an added error."""
    before: str = ""
    after: str = ""
    cert: str = ""
    """The proposal's certainty when decided (for the record; not used to place or apply it)."""
    origin: str = field(default="", compare=False)
    """Where the decision was read (`file:line`), for messages."""

    @property
    def end(self) -> int:
        return self.offset + len(self.sic)

    @property
    def corrects(self) -> bool:
        """Whether the decision gives a reading (accept, edit, add) rather than rejecting one."""
        return self.action is not Action.REJECT

    def describe(self) -> str:
        """`origin: edit 战裁 → 战线 at <document>:<offset> by <reviewer>`, for messages."""
        what = f"{self.sic} → {self.proposed or self.sic} (rejected)" if self.action is Action.REJECT \
            else f"{self.sic} → {self.reading}"
        return (f"{self.origin + ': ' if self.origin else ''}{self.action.value} {what} at "
                f"{self.document}:{self.offset} by {self.reviewer or '?'}")


def decide(document: str, body: str, offset: int, sic: str, action: Action | str, reading: str = "",
           reviewer: str = "", proposed: str = "", cert: str = "") -> Decision:
    """A decision on body[offset:offset + len(sic)], with its context taken from the body."""
    return Decision(document, offset, sic, Action(action), reading, reviewer, proposed,
                    *context(body, offset, offset + len(sic)), cert)


def context(body: str, start: int, end: int) -> tuple[str, str]:
    """The CONTEXT characters of body before `start` and after `end`."""
    return body[max(0, start - CONTEXT) : start], body[end : end + CONTEXT]


# ----------------------------------------------------------------------------- the file
def escape(text: str) -> str:
    """A field value with backslash, tab, newline and carriage return written as \\\\, \\t, \\n, \\r."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def unescape(text: str) -> str:
    out, chars = [], iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def row(decision: Decision) -> list[str]:
    """The decision as a TSV row of COLUMNS (not yet escaped)."""
    return [decision.document, str(decision.offset), decision.before, decision.sic, decision.after,
            decision.proposed, decision.cert, decision.action.value, decision.reading, decision.reviewer]


def render_rows(rows: Iterable[Sequence[str]], header: bool = True) -> str:
    """TSV text: the header line (unless not wanted) and one line per row of COLUMNS values, fields
    escaped; a field holding a double quote is quoted as spreadsheets do."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    for values in rows:
        writer.writerow([escape(value) for value in values])
    return out.getvalue()


def render(decisions: Iterable[Decision]) -> str:
    """Decisions as a decisions file, sorted by document and offset."""
    ordered = sorted(decisions, key=lambda d: (d.document, d.offset, d.end, d.action.value))
    return render_rows(row(d) for d in ordered)


def parse(text: str, name: str = "<decisions>") -> list[Decision]:
    """The decisions of a decisions file's text, in file order; undecided rows (empty `decision`)
    are skipped.

    Raises:
        DecisionError: no header line, a missing column, or a row that is not a usable decision
            (naming the file and line).
    """
    lines = text.removeprefix("\ufeff").splitlines()
    reader = csv.reader(lines, delimiter="\t")
    header: list[str] | None = None
    decisions = []
    for values in reader:
        number = reader.line_num
        if not any(v.strip() for v in values) or values[0].startswith("#"):
            continue
        if header is None:
            header = [v.strip().lower() for v in values]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise DecisionError(name, number, f"expected a header line with the columns {', '.join(COLUMNS)}; "
                                                  f"missing {', '.join(missing)}")
            continue
        cells = {key: unescape(value) for key, value in zip(header, values)}
        if not cells.get("decision", "").strip():
            continue
        decisions.append(_decision(cells, name, number))
    if header is None:
        raise DecisionError(name, 1, f"expected a header line with the columns {', '.join(COLUMNS)}; found none")
    return decisions


def _decision(cells: Mapping[str, str], name: str, number: int) -> Decision:
    def fail(message: str) -> DecisionError:
        return DecisionError(name, number, message)

    word = cells["decision"].strip().lower()
    try:
        action = Action(word)
    except ValueError:
        raise fail(f"decision {word!r}: expected accept, reject, edit or add") from None
    offset = cells.get("offset", "").strip()
    if not offset.isdigit():
        raise fail(f"offset {offset!r}: expected a number of characters from the start of the body")
    sic, proposed, reading = cells.get("sic", ""), cells.get("proposed", ""), cells.get("reading", "")
    document, reviewer = cells.get("document", "").strip(), cells.get("reviewer", "").strip()
    if not document or not sic:
        raise fail("a decision needs the document's article id and the printed text (sic)")
    if not reviewer:
        raise fail(f"{action.value}: who decided? give a name in the reviewer column")
    if action is Action.ACCEPT:
        reading = reading or proposed
        if not reading:
            raise fail("accept: no proposed reading to accept (give it in the reading column)")
    if action is Action.REJECT:
        reading = ""
    elif not reading:
        raise fail(f"{action.value}: give the right reading in the reading column")
    elif reading == sic:
        raise fail(f"{action.value}: the reading is the printed text {sic!r}; a text right as printed is a reject")
    return Decision(document, int(offset), sic, action, reading, reviewer, proposed,
                    cells.get("before", ""), cells.get("after", ""), cells.get("cert", "").strip(),
                    f"{name}:{number}")


def read_decisions(paths: Iterable[str | Path]) -> tuple[Decision, ...]:
    """The decisions of files and folders (their `*.tsv` files, recursive, sorted), in order.

    Raises:
        DecisionError: a file that cannot be read or parsed; no decisions file in a folder.
    """
    decisions: list[Decision] = []
    for path in map(Path, paths):
        files = sorted(path.rglob("*.tsv")) if path.is_dir() else [path]
        if not files:
            raise DecisionError(str(path), 0, "no decisions file (*.tsv) in this folder")
        for file in files:
            data, problem = read_regular_file(file)  # a FIFO would block, a device never end
            if data is None:
                raise DecisionError(str(file), 0, problem if isinstance(problem, str) else problem.message)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                raise DecisionError(str(file), 0, f"not UTF-8 ({err.reason} at byte {err.start})") from err
            decisions.extend(parse(text, str(file)))
    return tuple(decisions)


# ----------------------------------------------------------------------------- placing
@dataclass(frozen=True)
class Placed:
    """A decision as it applies to one body: at `offset` (its own, or where its context is now)."""

    decision: Decision
    offset: int

    @property
    def end(self) -> int:
        return self.offset + len(self.decision.sic)

    @property
    def moved(self) -> bool:
        return self.offset != self.decision.offset


@dataclass(frozen=True)
class NotApplied:
    """A decision that does not apply to the body, and why."""

    decision: Decision
    reason: str

    def message(self) -> str:
        return f"{self.decision.describe()} not applied: {self.reason}"


def place(decisions: Iterable[Decision], body: str) -> tuple[list[Placed], list[NotApplied]]:
    """Where each decision of one document applies in `body`, and the ones that do not.

    A decision applies at its offset when the body has its printed text there with its context
    around it; else, when its context and text occur exactly once in the body, there (moved); else
    it is stale. Of decisions that overlap, the later one (in the order given: files, then lines)
    holds and the earlier is not applied; exact repeats are applied once.
    """
    placed: list[Placed] = []
    not_applied: list[NotApplied] = []
    for decision in decisions:
        at = _anchor(decision, body)
        if isinstance(at, str):
            not_applied.append(NotApplied(decision, at))
            continue
        here = Placed(decision, at)
        kept = []
        for earlier in placed:
            if earlier.offset < here.end and here.offset < earlier.end:
                if earlier.decision != decision:
                    not_applied.append(NotApplied(earlier.decision, f"overridden by {decision.describe()}"))
            else:
                kept.append(earlier)
        placed = kept + [here]
    return sorted(placed, key=lambda p: p.offset), not_applied


def _anchor(decision: Decision, body: str) -> int | str:
    """The offset where `decision` applies in body, or why it does not."""
    at, sic, before, after = decision.offset, decision.sic, decision.before, decision.after
    if (body[at : at + len(sic)] == sic and body[max(0, at - len(before)) : at] == before
            and body[at + len(sic) : at + len(sic) + len(after)] == after):
        return at
    needle = before + sic + after
    first = body.find(needle)
    if first >= 0 and body.find(needle, first + 1) < 0:
        return first + len(before)
    found = body[at : at + len(sic)]
    here = f"the body has {found!r} at {at}" if found != sic else f"the context of {sic!r} at {at} changed"
    return f"stale: {here}, and {needle!r} is {'found more than once' if first >= 0 else 'not found'} in the body"


# ----------------------------------------------------------------------------- applying
def reviewer_id(name: str) -> str:
    """The xml:id of a reviewer's respStmt: the same for the same name in every document."""
    return "review-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]


def apply(suspects: Sequence[Suspect], placed: Sequence[Placed]) -> list[Suspect]:
    """The suspects with the decisions applied, sorted by offset: the tool's readings give way
    wherever a decision lies (a run keeps its characters outside it), and each accept, edit and
    add is a reading of its reviewer, certainty high."""
    taken = sorted((p.offset, p.end) for p in placed)
    out = []
    for suspect in suspects:
        out.extend(_outside(suspect, taken))
    out.extend(Suspect(p.offset, p.decision.sic, p.decision.reading, Cert.HIGH, source=REVIEW_SOURCE,
                       resp=reviewer_id(p.decision.reviewer))
               for p in placed if p.decision.corrects)
    return sorted(out, key=lambda s: s.offset)


def _outside(suspect: Suspect, taken: Sequence[tuple[int, int]]) -> list[Suspect]:
    """The pieces of a suspect outside the ranges `taken`; none when its reading is not one
    character for each printed one (it cannot be cut)."""
    start, end = suspect.offset, suspect.offset + len(suspect.sic)
    if not any(a < end and start < b for a, b in taken):
        return [suspect]
    if len(suspect.corr) != len(suspect.sic):
        return []
    keep = [not any(a <= i < b for a, b in taken) for i in range(start, end)]
    pieces, i = [], 0
    while i < len(keep):
        if not keep[i]:
            i += 1
            continue
        j = i
        while j < len(keep) and keep[j]:
            j += 1
        pieces.append(replace(suspect, offset=start + i, sic=suspect.sic[i:j], corr=suspect.corr[i:j]))
        i = j
    return pieces


def summary(placed: Sequence[Placed]) -> dict[str, str]:
    """Per reviewer, what the applied decisions did: `2 accepted, 1 rejected` (for the header)."""
    counts: dict[str, Counter] = {}
    for p in placed:
        counts.setdefault(p.decision.reviewer, Counter())[p.decision.action] += 1
    words = {Action.ACCEPT: "accepted", Action.REJECT: "rejected", Action.EDIT: "edited", Action.ADD: "added"}
    return {name: ", ".join(f"{c[a]} {words[a]}" for a in Action if c[a]) for name, c in sorted(counts.items())}


# ----------------------------------------------------------------------------- learning
def pair_counts(decisions: Iterable[Decision]) -> tuple[Counter, Counter]:
    """What decisions say about the OCR's character confusions: (confirmed, rejected) counts of
    (printed, reading) character pairs. A reading a person gave (accept, edit, add) confirms its
    pairs; a proposal a person turned down (reject, or an edit to another character) rejects its
    pairs. Only readings with one character per printed one count."""
    confirmed: Counter = Counter()
    rejected: Counter = Counter()
    for d in decisions:
        if d.corrects and len(d.reading) == len(d.sic):
            confirmed.update((s, r) for s, r in zip(d.sic, d.reading) if s != r)
        if d.proposed and len(d.proposed) == len(d.sic):
            right = d.reading if d.corrects and len(d.reading) == len(d.sic) else d.sic
            rejected.update((s, p) for s, p, r in zip(d.sic, d.proposed, right) if s != p and p != r)
    return confirmed, rejected
