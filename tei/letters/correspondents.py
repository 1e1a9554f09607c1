"""The correspondents of a letter for correspDesc: senders from the header's authors, the title
(苏共中央…给…的信) and the signatures; addressees from the salute and the title (给谢觉哉的信)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..cndates import find_cn_date
from ..model import Correspondent, Document
from ..names import correspondent, is_organisation
from .lexicon import (
    BRACKETED, GENERIC_ADDRESSEES, SIGN_MARK, SPACES, SURNAMES, alternation, words,
)
from .people import People
from .reading import UnitReader
from .titles import strip_title_tail
from .units import Unit

_KNOWN_ORGS = words("known_organisations")
_HONORIFIC = re.compile(rf"(?:{alternation('honorifics')})+$")
_EPITHET = re.compile(rf"^(?:{alternation('address_epithets')})")
_ORG_THEN_PERSON = re.compile(r"^(.{2,}?(?:委员会|中央|党委|政府|支部|军区|局|部|社))([\u4e00-\u9fff]{2,4})$")
"""中共某某委员会某某: a body, then a person's name."""
_NAME_SEPARATORS = re.compile(r"[、，,；;]|即转|并转|请转|转呈|并告|并抄|并报|并|和|及|与")
_TITLE_ADDRESSEES = re.compile(
    r"(?:写给|给|致|复)([^给致复]{1,60}?)(?:等[^的]{0,6})?(?:(?:关于|有关|就|对)[^给致复]{1,40}?)?"
    r"(?:的(?:[一二两三四五六七八九十几]+[封个份])?"
    r"(?:信|复信|回信|公开信|电报|复电|贺电|唁电|电)|电报?)(?:[（(][^）)]*[）)])?$")
"""给谢觉哉的信, 致彭德怀、左权电, 致毛泽东有关突出政治的信: the addressees between 给/致 and the
letter word (or the topic before it)."""


def _clean_name(name: str) -> str:
    name = re.sub(r"\[\d*\]|［\d*］|\(\S{1,3}\)|（\S{1,3}）", "", name)
    name = re.sub(r"[\s\"“”'：:，,！!。?？]", "", name)
    return name


def _canonical_org(name: str) -> tuple[str, str] | None:
    """(organisation, rest) when `name` begins with a known organisation, allowing OCR noise."""
    for org in _KNOWN_ORGS:
        if len(name) < len(org):
            continue
        same = sum(a == b for a, b in zip(name, org))
        if same == len(org) or len(org) >= 6 and same >= len(org) - 2:
            return org, name[len(org):]
    return None


def _split_addressee(name: str) -> list[Correspondent]:
    """中国共产党中央委员会毛泽东 → [orgName 中国共产党中央委员会, persName 毛泽东]."""
    name = _HONORIFIC.sub("", name)
    if not name or name in GENERIC_ADDRESSEES:
        return []
    known = _canonical_org(name)
    if known:
        org, rest = known
        rest = _HONORIFIC.sub("", rest)
        out = [Correspondent(org, True)]
        if rest:
            out.append(correspondent(rest))
        return out
    m = _ORG_THEN_PERSON.match(name)
    if m and not is_organisation(m.group(2)):
        return [Correspondent(m.group(1), True), correspondent(m.group(2))]
    return [correspondent(name)]


def names_in(text: str) -> list[Correspondent]:
    """The correspondents named in an addressee line or a title's 给…的信 part."""
    text = _EPITHET.sub("", text.strip())
    text = re.sub(r"[：:]$", "", text)
    out: list[Correspondent] = []
    for piece in _NAME_SEPARATORS.split(text):
        piece = _clean_name(re.sub(r"^(?:致|转|告|抄|报)", "", piece.strip()))
        out.extend(_split_addressee(piece))
    return [c for c in out if c.name and c.name not in GENERIC_ADDRESSEES]


def title_addressees(title: str) -> list[Correspondent]:
    """给谢觉哉的信 → 谢觉哉; 致彭德怀、左权电 → 彭德怀, 左权."""
    m = _TITLE_ADDRESSEES.search(strip_title_tail(title))
    if not m:
        return []
    return [c for c in names_in(m.group(1)) if c.is_org or 2 <= len(c.name) <= 4]


def addressees(reader: UnitReader, salutes: Sequence[Unit], head_text: str, people: People) -> tuple[Correspondent, ...]:
    """The people and bodies the salute names, each short form resolved (洪文 → 王洪文, 徐老 → 徐特立,
    毛林 → 毛泽东 and 林彪; see people.py); without a salute, those the title names (给谢觉哉的信)."""
    from_title = resolved(title_addressees(head_text), people)
    for u in salutes:
        forms = names_in(reader.text(u))
        if forms:
            return tuple(dict.fromkeys(_resolve_salute(forms, from_title, people)))
    return tuple(dict.fromkeys(from_title))


def resolved(correspondents: Sequence[Correspondent], people: People) -> list[Correspondent]:
    """Each person's form replaced by the people it stands for, when something resolves it."""
    out = []
    for c in correspondents:
        names = () if c.is_org else people.resolve(c.name)
        out.extend(Correspondent(name, False) for name in names) if names else out.append(c)
    return out


def _resolve_salute(forms: list[Correspondent], from_title: list[Correspondent], people: People) -> list[Correspondent]:
    """The salute's forms resolved through the title's names first (觉哉 → 谢觉哉; 丁 → 胡志明 when the
    title names one person and the salute one form), then through what the document knows."""
    title_people = [t for t in from_title if not t.is_org]
    if len(forms) == 1 and len(title_people) == 1 and not forms[0].is_org and not people.resolve(forms[0].name):
        return title_people  # 亲爱的丁同志 in 刘少奇给胡志明的信
    out = []
    for c in forms:
        longer = [t for t in from_title if t.name.endswith(c.name) and len(t.name) > len(c.name)]
        out.extend(longer[:1] if len(longer) == 1 else resolved([c], people))
    return out


def title_senders(title: str) -> list[Correspondent]:
    """苏共中央一九六三年十一月二十九日给中共中央的信 → 苏共中央; 毛泽东、朱德关于…给卢汉的电报 → both."""
    m = re.match(r"^(.{2,40}?)(?:写给|给|致|复)", SPACES.sub("", title))
    if not m:
        return []
    writers = m.group(1).split("关于")[0]
    found = find_cn_date(writers)
    while found is not None and found.end > found.start:
        writers = writers[:found.start] + writers[found.end:]
        found = find_cn_date(writers)
    out = []
    for name in re.split(r"[、，,和与（）()]", writers):
        name = re.sub(r"(?:等人|等同志|等)$", "", name.strip())
        if name and (is_organisation(name) or (2 <= len(name) <= 4 and name[0] in SURNAMES)):
            out.append(correspondent(name))
    return out


def senders(document: Document, signed_texts: Sequence[str], title: str, people: People) -> tuple[Correspondent, ...]:
    """The authors, with the bodies and co-signers the title names as writers (苏共中央…给…的信) and
    the people the signatures name besides (毛泽东陈伯达); without authors or title, the signatures."""
    authors = [correspondent(a.strip()) for a in document.header.authors if a.strip()]
    from_title = resolved(title_senders(title), people)
    if authors or from_title:
        signers = [Correspondent(name, False) for text in signed_texts for name in people.names_in(SPACES.sub("", text))]
        orgs = [c for c in from_title if c.is_org and c not in authors]
        named = [c for c in from_title + signers if not c.is_org and c not in authors]
        return tuple(dict.fromkeys(orgs + authors + named))
    return tuple(dict.fromkeys(c for text in signed_texts for c in _signers(text, people)))


def _signers(text: str, people: People) -> list[Correspondent]:
    """The people a signature names (毛泽东陈伯达 → both, 弟子任 → 毛泽东), else the signature
    itself without its marks (中共四川省委)."""
    text = SPACES.sub("", text)
    names = people.names_in(text)
    if names:
        return [Correspondent(name, False) for name in names]
    cleaned = SIGN_MARK.sub("", BRACKETED.sub("", text))
    return [correspondent(cleaned)] if cleaned else []
