"""How the footnotes printed in a body fare (tei/notes.py): how often notes and the marks that call
them pair up, and how often a note paragraph inside a letter changes the letter's layout.

For text exports (the dev corpus) and the archive's JSON (the archive sample) alike: the documents
with printed footnotes, the notes found, those linked to their mark, and the marks in the text
([1], ①, …) with and without a note. A note without a mark is one whose mark the text lost (the
OCR dropped a superscript) or never had; a mark without a note calls a note the text does not hold.

With --letters: for each letter of the given exports, a footnote paragraph is put between each
two of its parts in turn, and the layout (the elements, notes aside) compared with the letter's
own; the count of changed layouts is what the letters step still has to learn (issue #14).

    python scripts/printed_notes.py ../shared/corpus/*.txt
    python scripts/printed_notes.py ../shared/archive-sample
    python scripts/printed_notes.py --letters ../shared/corpus/*.txt
"""
from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from tei.batch import is_input
from tei.convert import lay_out_document, read_document
from tei.model import Document, Node, Structure
from tei.vocab import CONTAINERS

NOTE = "[1]这里依次指中共中央、国务院、中央军委。"
"""The footnote paragraph put into letters (the one issue #14 quotes)."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="input files, and folders searched as tei convert does")
    parser.add_argument("--letters", action="store_true", help="measure letter layouts with a note paragraph put in")
    args = parser.parse_args()
    documents = [read_document(path) for path in _inputs(args.paths)]
    if args.letters:
        tried = changed = 0
        for document in documents:
            for layout_changed in _with_a_note(document):
                tried += 1
                changed += layout_changed
        print(f"{tried} letters with a note paragraph put in: {changed} laid out otherwise than without it")
        return
    with_notes = notes = linked = marks = 0
    for document in documents:
        found = lay_out_document(document).printed
        with_notes += found.notes > 0
        notes, linked, marks = notes + found.notes, linked + found.linked, marks + found.marks
    print(f"{len(documents)} documents, {with_notes} with printed footnotes; {notes} notes, "
          f"{linked} linked to their mark ({linked / max(notes, 1):.1%}); {marks} marks in the text, "
          f"{marks - linked} without a note")


def _inputs(paths: list[Path]) -> Iterator[Path]:
    for given in paths:
        yield from sorted(found for found in given.rglob("*") if is_input(found)) if given.is_dir() else [given]


def _with_a_note(document: Document) -> Iterator[bool]:
    """For a letter (an export: its parts are the body's blank-line separated pieces), whether
    its layout changes with NOTE put between parts k-1 and k, for each k."""
    own = lay_out_document(document).structure
    if document.parts is not None or not own.letters:
        return
    pieces = document.body.split("\n\n")
    for k in range(1, len(pieces)):
        body = "\n\n".join([*pieces[:k], NOTE, *pieces[k:]])
        yield _shape(own) != _shape(lay_out_document(replace(document, body=body)).structure)


def _shape(structure: Structure) -> list[str]:
    def walk(node: Node) -> Iterator[str]:
        if node.tag != "note":
            yield node.tag
        if node.tag in CONTAINERS:
            for child in node.children:
                yield from walk(child)
    return [tag for div in structure.divs for tag in walk(div)]


if __name__ == "__main__":
    main()
