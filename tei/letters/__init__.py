"""Letters and telegrams: head, opener (dateline, salute), closer (salute, signed, dateline),
postscript, and the correspondents for correspDesc.

The steps, one module each, in the order they run:

1. `units`: the body's parts as units; `items.presplit` cuts the units OCR glued together (the
   title and the addressee, a dateline and the salute, a signature after a wide gap).
2. `items`: the units grouped into items, each starting at a head; a heading, a letter title line
   or an opening date (（1941年6月13日）) further down starts the next item (a reply, a second
   telegram).
3. `opener`: an item's heads, byline, opening date line and salutes. An item is a letter when its
   head reads like one (给…的信, …电, `titles`) or it opens with a salute.
4. `closer`: the closer, anchored at the signature and grown backwards over closing salutes (此致
   敬礼, 祝…, 敬颂…) and forwards over further signatures and the date; `postscript`: text after
   the closer; editorial footnotes and source lines after it get a division of their own.
5. `correspondents`: senders and addressees for correspDesc.

`reading.UnitReader` holds the predicates the steps share (is this unit a salute, a closing
formula, a signature, a date line); `lexicon` the word lists (tei/data/letter_words.json) and the
patterns built from them; `item` builds one item's divisions; `find_letters` below runs it all.

Placements follow the project schema (schemas/tei_bha.rnc) as well as tei_all: a div holds
head*, opener?, parts, closer?, postscript*; a postscript holds paragraphs only.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..model import PERSON_TAG, Document, Letter, Part, Structure
from .correspondents import resolved, senders, title_addressees, title_senders
from .facts import Facts, document_facts
from .item import Item, build_item
from .items import SEVERAL_LETTERS, group_items, presplit
from .people import People, surname_run
from .nodes import NOTES_DIV_TYPE
from .reading import UnitReader
from .titles import LETTER_TAGS, is_letter_document, is_letter_title
from .units import units_of

__all__ = ["LETTER_TAGS", "NOTES_DIV_TYPE", "find_letters", "is_letter_document", "is_letter_title"]


def find_letters(document: Document, parts: Sequence[Part], known_people: Sequence[str] = ()) -> Structure | None:
    """The letter structure of `document`, or None when it is not a letter.

    Args:
        document: the document as read.
        parts: its blank-line separated parts (`structure.split_parts`).
        known_people: full names of people the caller knows the document concerns (a user's list),
            used with the document's own names to resolve the correspondents' short forms.

    Returns:
        A Structure whose divs cover the whole body (one `div type="letter"` per letter, other
        items and trailing footnotes as `div type="article"`) and whose
        letters give the correspondents of each letter; None for a document that is not a letter.
    """
    if not is_letter_document(document):
        return None
    facts = document_facts(document)
    reader = UnitReader(document, facts)
    units = units_of(document.body, parts)
    if not units:
        return None
    people = document_people(document, facts, known_people)
    built = [build_item(reader, item, index == 0, people)
             for index, item in enumerate(group_items(reader, presplit(reader, units)))]
    letter_items = [b for b in built if b.is_letter]
    if len(letter_items) > 1:
        letter_items = [b for b in letter_items if not b.empty] or letter_items[:1]  # not the title over them
    if not letter_items:
        return None
    divs = tuple(node for b in built for node in b.nodes)
    return Structure(divs=divs, letters=_letters(document, facts, built, letter_items, people))


def _letters(document: Document, facts: Facts, built: list[Item], letter_items: list[Item],
             people: People) -> tuple[Letter, ...]:
    """One Letter per letter item that is known to be one: titled, addressed, or the only one. An
    item without addressees takes the document title's: the first when no item has a title, every
    one when the title announces several letters (…给蒋介石的两个电报)."""
    headless_only = not any(b.has_head for b in letter_items)
    from_title = resolved(title_addressees(built[0].head_text or facts.title), people)
    single = len(letter_items) == 1
    letters = []
    for b in letter_items:
        addressees = b.addressees
        if not addressees and (headless_only and b is letter_items[0] or SEVERAL_LETTERS.search(facts.title)):
            addressees = tuple(dict.fromkeys(from_title))
        if b.has_head or addressees or single:
            title = b.head_text or (facts.title if b is letter_items[0] else "")
            letters.append(Letter(senders=senders(document, b.signed_texts, title, people), addressees=addressees,
                                  when=b.when or (facts.header_date if single else None), place=b.place))
    return tuple(letters)


def document_people(document: Document, facts: Facts, known_people: Sequence[str] = ()) -> People:
    """The people `document` knows: its names (authors, tags, title) and the title's correspondents,
    its title and body, the archive's 人物 tags when the input carries them, and `known_people`."""
    title = document.header.title
    named = [c.name for c in title_addressees(title) + title_senders(title) if not c.is_org]
    names = [*facts.names, *(n for n in named if not surname_run(n))]
    typed = [tag.name for tag in document.header.typed_tags if tag.type == PERSON_TAG]
    return People(names, (title, document.body), known=(*typed, *known_people))
