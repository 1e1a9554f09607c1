"""Suspected OCR errors of one body for a reviewer: text lines or a JSON object (`tei ocr`).

Each suspect is placed by file line and column (1-based, code points) and shown with a little of
the text around it, so a person can check the proposal against the page.
"""
from __future__ import annotations

from typing import Any

from tei.decisions import context as decision_context
from tei.model import Suspect

CONTEXT = 8
"""Characters of body text shown on each side of a suspect."""


def position(body: str, body_line: int, offset: int) -> tuple[int, int]:
    """(line, column) in the file of body[offset], given the file line the body starts on."""
    before = body[:offset]
    return body_line + before.count("\n"), offset - (before.rfind("\n") + 1) + 1


def context(body: str, suspect: Suspect) -> tuple[str, str]:
    """The body text just before and just after a suspect, line ends shown as ⏎."""
    end = suspect.offset + len(suspect.sic)
    left = body[max(0, suspect.offset - CONTEXT) : suspect.offset]
    right = body[end : end + CONTEXT]
    return left.replace("\n", "⏎"), right.replace("\n", "⏎")


def report_lines(path: str, body: str, body_line: int, suspects: list[Suspect]) -> list[str]:
    """One line per suspect: `path:line:col: sic -> corr [cert] …left[sic]right…`."""
    lines = []
    for s in suspects:
        line, col = position(body, body_line, s.offset)
        left, right = context(body, s)
        lines.append(f"{path}:{line}:{col}: {s.sic} -> {s.corr or '?'} [{s.cert.value}] "
                     f"…{left}[{s.sic}]{right}…")
    return lines


def report_json(path: str, body: str, body_line: int, suspects: list[Suspect]) -> dict[str, Any]:
    """The suspects of one file as a JSON-ready object (offsets index the body's code points)."""
    items = []
    for s in suspects:
        line, col = position(body, body_line, s.offset)
        left, right = context(body, s)
        items.append({"offset": s.offset, "line": line, "column": col, "sic": s.sic, "corr": s.corr,
                      "cert": s.cert.value, "score": round(s.gain, 3), "source": s.source,
                      "before": left, "after": right})
    return {"file": path, "body_chars": len(body), "suspects": items}


def sheet_rows(article_id: str, body: str, suspects: list[Suspect]) -> list[list[str]]:
    """The review sheet's rows of one body (tei.decisions.COLUMNS), decision, reading and reviewer
    left empty for the reviewer to fill in."""
    return [[article_id, str(s.offset), *_around(body, s), s.corr, s.cert.value, "", "", ""] for s in suspects]


def _around(body: str, suspect: Suspect) -> tuple[str, str, str]:
    before, after = decision_context(body, suspect.offset, suspect.offset + len(suspect.sic))
    return before, suspect.sic, after
