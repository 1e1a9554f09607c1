"""The ruler's scoring of OCR marking and letter parts, for the tests: the parts of
../shared/tools/score.py (sha256 d1fb0ba4780bbd4d27b8632635c813ad83b7b4733cabc4e3562fa8feca87fae4)
the suite needs, vendored so that it runs on a fresh clone without ../shared.

Copied as they are (names, rules and constants), with two changes: `judgeable` takes the clean
counterpart's body instead of finding its file, and `ocr_counts` gathers the per-document counts
that score.py's main loop adds up. Written apart from the converter, like independent.py: the
converter's view is not trusted to judge itself.
"""
from __future__ import annotations

import re

from lxml import etree

from ocr_align import align

TEI = "{http://www.tei-c.org/ns/1.0}"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
ORNAMENTS = set("■□◆●▲△○◎★☆※")
# characters XML 1.0 cannot carry: the converter may drop them
ORNAMENTS.update(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
ORNAMENTS.update("\ufffe\uffff")
MARKER = re.compile(r"^(#{1,4} |> )")


def core_map(body):
    """Body text reduced to the characters that must survive, and raw offset -> core index."""
    keep = []
    idx = [-1] * (len(body) + 1)
    line_start = True
    i = 0
    while i < len(body):
        if line_start:
            m = MARKER.match(body[i:i + 6])
            if m:
                for k in range(len(m.group(0))):
                    idx[i + k] = len(keep)
                i += len(m.group(0))
                line_start = False
                continue
        ch = body[i]
        idx[i] = len(keep)
        if not ch.isspace() and ch not in ORNAMENTS:
            keep.append(ch)
        line_start = ch == "\n"
        i += 1
    idx[len(body)] = len(keep)
    return "".join(keep), idx


def walk_reading(elem, out, spans):
    """Append the sic reading of elem to out (list of chars, whitespace dropped);
    record <sic> spans as (start, end, corr_text)."""
    tag = etree.QName(elem).localname if isinstance(elem.tag, str) else None
    if tag is None or tag == "corr":
        return
    start = len(out)
    if elem.text:
        out.extend(c for c in elem.text if not c.isspace() and c not in ORNAMENTS)
    for child in elem:
        walk_reading(child, out, spans)
        if child.tail:
            out.extend(c for c in child.tail if not c.isspace() and c not in ORNAMENTS)
    if tag == "sic":
        corr = None
        parent = elem.getparent()
        if parent is not None and etree.QName(parent).localname == "choice":
            c = parent.find(TEI + "corr")
            if c is not None:
                corr = "".join(x for x in "".join(c.itertext()) if not x.isspace())
        spans.append((start, len(out), corr))


def text_reading(root):
    text = root.find(TEI + "text")
    out, spans = [], []
    if text is not None:
        walk_reading(text, out, spans)
    return "".join(out), spans


# ---------------------------------------------------------------- letter parts
SEG_XPATH = {
    "head": ".//t:body//t:head",
    "section_head": ".//t:body//t:head",
    "byline": ".//t:body//t:byline | .//t:body//t:opener",
    "opener_addressee": ".//t:body//t:opener",
    "salute": ".//t:body//t:opener",
    "opener_dateline": ".//t:body//t:opener//t:dateline",
    "opener_place": ".//t:body//t:opener",
    "closer_salute": ".//t:body//t:closer//t:salute",
    "signed": ".//t:body//t:signed",
    "closer_dateline": ".//t:body//t:closer//t:dateline",
    "closer_place": ".//t:body//t:closer",
    "postscript": ".//t:body//t:postscript",
}


def elem_reading(e):
    out, spans = [], []
    walk_reading(e, out, spans)
    return "".join(out)


def seg_checks(root, gold):
    """Each gold span (letters[].<part>) must be found inside an element of the right kind."""
    res = {}
    cache = {}
    for li, letter in enumerate(gold.get("letters", [])):
        for key, xp in SEG_XPATH.items():
            want = letter.get(key)
            if not want:
                continue
            spans = want if isinstance(want, list) else [want]
            if xp not in cache:
                cache[xp] = [elem_reading(e) for e in root.xpath(xp, namespaces=NS)]
            for k, sp in enumerate(spans):
                w = "".join(c for c in sp["text"] if not c.isspace() and c not in ORNAMENTS)
                if w:
                    res["%s#%d.%d" % (key, li, k)] = any(w in c for c in cache[xp])
    return res


# ---------------------------------------------------------------- OCR gold
def judgeable(body, idx, g, clean):
    """Core positions the gold can judge: aligned with the clean counterpart (its body `clean`),
    minus places where the two editions differ for reasons the gold set aside (other_edits)."""
    res = align(body, clean)
    ok = set()
    for s, t in res["aligned_ranges"]:
        ok.update(idx[k] for k in range(s, t))
    for e in g.get("other_edits", []):
        if e.get("sic"):
            for k in range(e["offset"], min(e["offset"] + len(e["sic"]), len(body))):
                ok.discard(idx[k])
    return ok


def ocr_counts(root, body, g, clean):
    """(gold, flagged, hit, corrections proposed, corrections right) characters of one document's
    TEI `root` against its gold line `g`, as score.py counts them; None when the TEI loses text
    (score.py judges OCR marking only on lossless output)."""
    core, idx = core_map(body)
    reading, spans = text_reading(root)
    if reading != core:
        return None
    gpos = {}
    for e in g["edits"]:
        for j in range(len(e["sic"])):
            ci = idx[e["offset"] + j]
            if 0 <= ci < len(core):
                gpos[ci] = e["corr"][j] if j < len(e["corr"]) else None
    allowed = judgeable(body, idx, g, clean)
    ppos = {}
    for s, t, corr in spans:
        for j in range(s, t):
            if j in allowed:
                ppos[j] = corr[j - s] if corr and len(corr) == t - s else None
    hit = set(gpos) & set(ppos)
    proposed = [j for j in hit if ppos[j] is not None]
    return len(gpos), len(ppos), len(hit), len(proposed), sum(ppos[j] == gpos[j] for j in proposed)
