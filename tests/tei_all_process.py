"""TEI P5 tei_all compiled whole, as jing reads it, in a process of its own (conftest's `tei_all`).

libxml2 takes some 15 s of CPU to compile it (tei/rng.py says why; `tei validate` compiles pruned
grammars instead, which the tests check against this). Started when the tests are collected, it
compiles on the other CPU while the tests that do not need it run. The process imports lxml only.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from lxml import etree

TEI_ALL_RNG = Path(__file__).resolve().parents[1] / "schemas" / "tei_all.rng"
IN_FLIGHT = 8
"""Documents sent ahead of their answers; their answers (a few errors each) fit in the pipe."""


class LogEntry(NamedTuple):
    """One error of a validation, with the fields of lxml's log entries the tests read."""

    line: int
    column: int
    message: str
    text: str
    """lxml's own line for it (file:line:column:level:domain:type: message)."""

    def __str__(self) -> str:
        return self.text


class ErrorLog(tuple):
    """The errors of the last validation, as lxml's error log offers them."""

    @property
    def last_error(self) -> LogEntry | None:
        return self[-1] if self else None


def _parser() -> etree.XMLParser:
    """No entities, DTD or network; xml:id values may repeat (in a mutant), which the schema judges."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True, collect_ids=False)


def _serve(connection) -> None:
    """The process: compile tei_all, then validate each document sent until the pipe closes."""
    schema = etree.RelaxNG(etree.parse(str(TEI_ALL_RNG), _parser()))
    while True:
        try:
            data = connection.recv_bytes()
        except EOFError:
            return
        valid = schema.validate(etree.ElementTree(etree.fromstring(data, _parser())))
        connection.send((valid, [(entry.line, entry.column, entry.message, str(entry)) for entry in schema.error_log]))


class TeiAll:
    """`validate(tree)` sends the tree as lxml serializes it and answers as RelaxNG.validate does,
    with `error_log` the errors of that copy (line numbers are those of the serialization)."""

    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs,), name="tei_all", daemon=True)
        self.process.start()
        theirs.close()
        self.error_log = ErrorLog()

    def validate(self, tree: etree._ElementTree | etree._Element) -> bool:
        [(valid, self.error_log)] = self.validate_many([tree])
        return valid

    def validate_many(self, trees: Iterable[etree._ElementTree | etree._Element]) -> list[tuple[bool, ErrorLog]]:
        """Each tree's verdict and errors, in order; a few are sent ahead of their answers, so that
        a busy machine's scheduling delays are not paid once per tree."""
        answers: list[tuple[bool, ErrorLog]] = []
        sent = 0
        for sent, tree in enumerate(trees, start=1):
            self.connection.send_bytes(etree.tostring(tree))
            if sent - len(answers) > IN_FLIGHT:
                answers.append(self._answer())
        while len(answers) < sent:
            answers.append(self._answer())
        return answers

    def _answer(self) -> tuple[bool, ErrorLog]:
        valid, entries = self.connection.recv()
        return valid, ErrorLog(LogEntry(*entry) for entry in entries)

    def close(self) -> None:
        """End the process and wait for it (so that its CPU time is the run's)."""
        self.connection.close()
        self.process.join()
