"""Who a short form names: 丁, 主席, 徐老, 毛林, 洪文 → the people the document and the lexicon know.

A letter names its correspondents as its writer did (洪文、剑英、春桥同志, 主席, 徐老同志); correspDesc
wants the people. A form is resolved, in this order, through the names the document gives (its
authors, its person tags, the names in its title), the text of its title and body (王洪文 written
somewhere resolves 洪文), and the lexicon of the period's people (tei/data/people.tsv: 叶帅 is
叶剑英, 润之 is 毛泽东). A bare title (主席, 总理) resolves only to a person the document names too.
A run of surnames (毛林, 刘邓) is several people when every surname resolves. A form nothing
resolves is kept as written.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
import re
from functools import lru_cache
from importlib import resources

from .lexicon import SURNAMES, is_surname_name

DATA_FILE = "people.tsv"
_TITLE_WORDS = ("主席", "副主席", "总理", "副总理", "委员长", "总司令", "司令", "司令员", "政委", "部长", "书记",
                "帅", "老", "公", "总", "老总", "先生", "校长", "院长", "省长", "市长")
"""What may follow a surname in a form that names one person (刘主席, 叶帅, 徐老, 彭总)."""
_MOST_SURNAMES = 6


@dataclass(frozen=True)
class Person:
    """One person of the lexicon."""

    name: str
    forms: tuple[str, ...]
    """Forms that name this person alone: a given name, a courtesy or pen name, a surname and title."""
    titles: tuple[str, ...]
    """Bare titles (主席) that name this person in a document that names the person too."""


@lru_cache(maxsize=1)
def lexicon() -> tuple[Person, ...]:
    """tei/data/people.tsv."""
    text = resources.files("tei.data").joinpath(DATA_FILE).read_text(encoding="utf-8")
    people = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, forms, titles = (line.split("\t") + ["", ""])[:3]
        people.append(Person(name, tuple(f for f in forms.split(",") if f), tuple(t for t in titles.split(",") if t)))
    return tuple(people)


class People:
    """The people one document knows, and what its short forms resolve to."""

    def __init__(self, names: Iterable[str], texts: Sequence[str], known: Iterable[str] = ()):
        """`names`: the document's own names (authors, person tags, title names); `texts`: its title
        and body; `known`: more people the caller knows (the archive's 人物 tags, a user's list)."""
        self.texts = tuple(texts)
        written = {w for text in self.texts for w in _lexicon_words().findall(text)}
        mentioned = [p.name for p in lexicon() if p.name in written or written.intersection(p.forms)]
        self.context = tuple(dict.fromkeys(n for n in (*names, *known, *mentioned) if is_surname_name(n)))
        """Full names of people the document names or mentions."""

    def resolve(self, form: str) -> tuple[str, ...]:
        """The full names `form` stands for, or () when nothing resolves it."""
        if not form:
            return ()
        if form in self.context and not surname_run(form):
            return (form,)
        one = self._one(form)
        if one:
            return (one,)
        return self._surnames(form)

    def _one(self, form: str) -> str | None:
        """The one person `form` names: a given name, a surname with a title, a form of the lexicon."""
        if len(form) >= 2:
            ends = [n for n in self.context if n.endswith(form) and len(n) > len(form)]
            if len(ends) == 1:
                return ends[0]  # 觉哉 → 谢觉哉
            full = [w for w in set(_around(self.texts, form)) if w[0] in SURNAMES]
            if len(full) == 1 and not self._is_title(form):
                return full[0]  # 洪文 → 王洪文, written so in the title or the text
        surname = _surname_of(form)
        if surname:
            same = [n for n in self.context if n[0] == surname]
            if len(same) == 1:
                return same[0]  # 徐老 → 徐特立, 老方 → 方志敏: the one 徐 (方) the document names
        by_form = [p.name for p in lexicon() if form in p.forms]
        if len(by_form) == 1:
            return by_form[0]
        by_title = [p.name for p in lexicon() if form in p.titles and p.name in self.context]
        return by_title[0] if len(by_title) == 1 else None

    @staticmethod
    def _is_title(form: str) -> bool:
        """主席, 总理: a title, not a given name (祝主席 in a text is no one's name)."""
        return form in _TITLE_WORDS or any(form in p.titles for p in lexicon())

    def _surnames(self, form: str) -> tuple[str, ...]:
        """毛林 → 毛泽东, 林彪: a run of surnames, each of one person the document names (or, failing
        that, of one person of the lexicon)."""
        if not 2 <= len(form) <= _MOST_SURNAMES or not all(c in SURNAMES for c in form):
            return ()
        out = []
        for surname in form:
            same = [n for n in self.context if n[0] == surname]
            if not same:
                same = [p.name for p in lexicon() if p.name[0] == surname]
            if len(same) != 1:
                return ()
            out.append(same[0])
        return tuple(dict.fromkeys(out))

    def names_in(self, text: str) -> tuple[str, ...]:
        """The people written in `text` (a signature): full names, or a form of the lexicon."""
        found = [n for n in self.context if n in text]
        if not found:
            found = [p.name for p in lexicon() if any(f in text for f in (p.name, *p.forms) if len(f) >= 2)]
        return tuple(dict.fromkeys(found))


def _surname_of(form: str) -> str | None:
    """The surname of a form that is a surname and a title (徐老, 刘主席, 叶帅) or 老/小 and a surname."""
    if form[0] in SURNAMES and form[1:] in _TITLE_WORDS:
        return form[0]
    if len(form) == 2 and form[0] in "老小" and form[1] in SURNAMES:
        return form[1]
    return None


def surname_run(name: str) -> bool:
    """毛林, 刘邓: two or more surnames that are no one's name in the lexicon (several people)."""
    return 2 <= len(name) <= _MOST_SURNAMES and all(c in SURNAMES for c in name) \
        and not any(p.name == name for p in lexicon())


@lru_cache(maxsize=1)
def _lexicon_words() -> re.Pattern[str]:
    """Every name and form of the lexicon (two characters or more), longest first, as one pattern."""
    words = {w for p in lexicon() for w in (p.name, *p.forms) if len(w) >= 2}
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _around(texts: Sequence[str], form: str) -> Iterable[str]:
    """Each occurrence of `form` in `texts` with the character before it (王洪文 for 洪文)."""
    for text in texts:
        at = text.find(form, 1)
        while at > 0:
            yield text[at - 1:at + len(form)]
            at = text.find(form, at + 1)
