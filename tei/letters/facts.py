"""What the document says outside its body that the letters step uses: the title, tags, the
header's date (the year of a closing 八月六日) and the names of authors and tagged people."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document
from .lexicon import SPACES, is_surname_name


@dataclass(frozen=True)
class Facts:
    title: str
    tags: tuple[str, ...]
    header_date: str | None
    names: tuple[str, ...]
    """Person and organisation names the document gives outside the body (authors, tags, title)."""


def header_date(document: Document) -> str | None:
    """The first of the header's dates whose year is known, as an ISO date."""
    return next((iso for iso in document.header.iso_dates if iso), None)


def document_facts(document: Document) -> Facts:
    header = document.header
    names: list[str] = []
    for author in header.authors:
        author = author.strip().strip("“”\"'")
        if len(author) >= 2:
            names.append(author)
    for tag in header.tags:
        tag = tag.strip()
        if is_surname_name(tag):
            names.append(tag)
    title = SPACES.sub("", header.title)
    writers = re.match(r"^(.{2,20}?)(?:等人|等同志|等|写给|给|致|关于|就|对|复)", title)
    if writers:
        for name in re.split(r"[、，,和与]", writers.group(1)):
            if is_surname_name(name):
                names.append(name)
    return Facts(title=title, tags=tuple(header.tags), header_date=header_date(document),
                 names=tuple(dict.fromkeys(names)))
