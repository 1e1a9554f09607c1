"""TEI → one self-contained HTML reading view: header summary, the letter laid out as a letter,
suspected OCR errors highlighted by certainty in both readings (the proposal shown on hover, and
on focus for keyboard and touch), and a switch between the original and the corrected reading.

Everything is inline (CSS, a few lines of script) and a Content-Security-Policy forbids any
network access. The page is built as an lxml tree; text and attribute values are escaped by the
serializer, never pasted into markup. Without script the page shows the original reading.
"""
from __future__ import annotations

from lxml import etree, html
from lxml.html import builder as H

from .errors import NotTeiError
from .vocab import CONTAINERS, NOTE_IN_TEXT, NS, OCR_RESP_ID, TEI_NS, XML_LANG, tei

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

STYLE = """
:root { --ink: #1d1d1f; --paper: #fbf8f1; --muted: #6b6459; --high: #f6c7c0; --medium: #f7e2a8; --low: #dce8f5; }
* { box-sizing: border-box; }
body { margin: 0; background: #ece7dc; color: var(--ink);
       font: 17px/1.9 "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "WenQuanYi Zen Hei", serif; }
.summary { max-width: 46rem; margin: 1.5rem auto 0; padding: 1rem 1.5rem; background: #fff; border-radius: 6px;
           font-family: system-ui, sans-serif; font-size: 15px; line-height: 1.5; }
.summary h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
.summary dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
.summary dt { color: var(--muted); }
.summary dd { margin: 0; }
.tag { display: inline-block; padding: 0 .5rem; margin: 0 .3rem .2rem 0; border-radius: 1rem; background: #e8e2d4; }
.controls { max-width: 46rem; margin: .8rem auto; font-family: system-ui, sans-serif; font-size: 15px;
            display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.controls fieldset { border: 1px solid #cbc3b2; border-radius: 6px; padding: .2rem .8rem; margin: 0; }
.legend span { padding: 0 .4rem; margin-right: .3rem; border-radius: 3px; }
.document { max-width: 46rem; margin: 0 auto 3rem; padding: 2.5rem 3rem; background: var(--paper);
            box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.document h2 { text-align: center; font-size: 1.25rem; margin: 0 0 1.5rem; }
.document h3 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.document p { text-indent: 2em; margin: 0 0 .6rem; }
.opener { margin-bottom: 1rem; }
.opener .salute, .opener p { text-indent: 0; }
.closer { margin-top: 1.5rem; text-align: right; }
.closer p, .closer .signed, .closer .dateline { text-indent: 0; }
.signed { font-weight: 600; }
.dateline { color: var(--muted); }
.postscript { margin-top: 1.5rem; padding-top: .6rem; border-top: 1px dashed #cbc3b2; }
.postscript::before { content: "附言 / P.S."; display: block; color: var(--muted); font-size: .85rem; }
blockquote { margin: .6rem 2em; color: #3b372f; }
.ornament { text-align: center; text-indent: 0 !important; }
.note { font-size: .8em; color: var(--muted); }
.note.apart::before { content: " [" attr(data-n) "] "; }
.note.apart::after { content: " "; }
.name { border-bottom: 1px dotted var(--muted); }
.ocr { border-radius: 3px; cursor: help; position: relative; }
.ocr:focus { outline: 2px solid #1d5fbf; outline-offset: 1px; }
.ocr[data-cert="high"], .legend .high { background: var(--high); }
.ocr[data-cert="medium"], .legend .medium { background: var(--medium); }
.ocr[data-cert="low"], .legend .low { background: var(--low); }
.ocr.unsure { text-decoration: underline wavy #b23a2a; }
.ocr:hover::after, .ocr:focus::after { content: attr(data-tip); position: absolute; left: 0; top: 1.9em; z-index: 2; white-space: nowrap;
                    background: #222; color: #fff; font: 13px/1.4 system-ui, sans-serif; padding: .2rem .5rem;
                    border-radius: 4px; }
.document[data-reading="original"] .corr { display: none; }
.document[data-reading="corrected"] .ocr:not(.unsure) .sic { display: none; }
.document[data-reading="corrected"] .ocr:not(.unsure) .corr { border-bottom: 2px solid #3c7a32; }
.ocr.reviewed { box-shadow: inset 0 -3px 0 #3c7a32; }
"""

SCRIPT = """
(function () {
  var doc = document.getElementById("document");
  var radios = document.querySelectorAll("input[name=reading]");
  function apply() {
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) { doc.setAttribute("data-reading", radios[i].value); }
    }
  }
  for (var i = 0; i < radios.length; i++) { radios[i].addEventListener("change", apply); }
  apply();
})();
"""

# TEI element → (HTML tag, class); anything else becomes a span with its TEI name as class.
_BLOCKS = {
    "body": ("div", "body"), "div": ("section", "div"), "p": ("p", None), "quote": ("blockquote", None),
    "opener": ("div", "opener"), "closer": ("div", "closer"), "postscript": ("div", "postscript"),
    "salute": ("p", "salute"), "signed": ("p", "signed"), "dateline": ("p", "dateline"), "ab": ("p", "ab"),
    "byline": ("p", "byline"), "lg": ("div", "lg"), "l": ("p", "l"), "list": ("ul", None), "item": ("li", None),
}
_CERT_TEXT = {"high": "高 high", "medium": "中 medium", "low": "低 low"}
_NAME_KINDS = {"persName": "人名 person", "orgName": "机构 organisation", "placeName": "地名 place"}
"""Names a scholar marks in the text: underlined, with their kind and authority (@ref) as the tooltip."""


def build_preview(tree: etree._ElementTree) -> html.HtmlElement:
    """The HTML page (as an element tree) for a TEI document.

    Raises:
        NotTeiError: when there is no `text` element in the TEI namespace.
    """
    root = tree.getroot()
    title = _text(root, "t:teiHeader/t:fileDesc/t:titleStmt/t:title") or "(untitled)"
    language = root.get(XML_LANG) or "zh-Hans"
    text = root if root.tag == tei("text") else root.find(tei("text"))
    if text is None:
        raise NotTeiError("no <text> element in the TEI namespace (http://www.tei-c.org/ns/1.0): nothing to show")
    body = text.find(tei("body"))
    document = H.E.article({"class": "document", "id": "document", "data-reading": "original", "lang": language})
    counter = _Counter()
    if body is not None:
        _render_children(document, body, depth=0, counter=counter)
    page = H.HTML(
        H.HEAD(
            H.META(charset="utf-8"),
            H.E.meta({"http-equiv": "Content-Security-Policy", "content": CSP}),
            H.META(name="viewport", content="width=device-width, initial-scale=1"),
            H.META(name="generator", content="tei preview"),
            H.TITLE(title),
            H.STYLE(STYLE),
        ),
        H.BODY(
            _summary(root, title),
            _controls(counter),
            document,
            H.SCRIPT(SCRIPT),
        ),
        lang=language,
    )
    return page


def render_html(tree: etree._ElementTree) -> bytes:
    """The page as UTF-8 bytes with an HTML5 doctype."""
    return html.tostring(build_preview(tree), doctype="<!DOCTYPE html>", encoding="utf-8", method="html") + b"\n"


class _Counter:
    def __init__(self) -> None:
        self.by_cert: dict[str, int] = {}

    def add(self, cert: str) -> None:
        self.by_cert[cert] = self.by_cert.get(cert, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_cert.values())


def _text(root: etree._Element, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    return " ".join("".join(found[0].itertext()).split()) if found else ""


def _texts(root: etree._Element, path: str, **variables: str) -> list[str]:
    return [" ".join("".join(e.itertext()).split()) for e in root.xpath(path, namespaces=NS, **variables)]


def _append_text(target: html.HtmlElement, text: str | None) -> None:
    """Add `text` after the last child of `target` (or as its text)."""
    if not text:
        return
    last = next(target.iterchildren(reversed=True), None)  # in constant time, unlike len()
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        target.text = (target.text or "") + text


def _summary(root: etree._Element, title: str) -> html.HtmlElement:
    header = "t:teiHeader/t:fileDesc/"
    rows: list[tuple[str, object]] = []
    authors = _texts(root, header + "t:titleStmt/t:author")
    if authors:
        rows.append(("作者 Authors", "、".join(authors)))
    dates = root.xpath("t:teiHeader/t:profileDesc/t:creation/t:date", namespaces=NS)
    if dates:
        rows.append(("日期 Date", "，".join(_date_label(d) for d in dates)))
    for kind, label in (("sent", "发信 From"), ("received", "收信 To")):
        names = _texts(root, "t:teiHeader/t:profileDesc/t:correspDesc/t:correspAction[@type=$kind]/*[not(self::t:date)]",
                       kind=kind)
        if names:
            rows.append((label, "、".join(names)))
    source = _source(root)
    if source:
        rows.append(("来源 Source", source))
    archive_id = _text(root, header + "t:publicationStmt/t:idno[@type='bha']")
    if archive_id:
        distributor = _text(root, header + "t:publicationStmt/t:distributor")
        rows.append(("档案 Archive", f"{distributor} {archive_id}".strip()))
    tags = _texts(root, "t:teiHeader/t:profileDesc/t:textClass/t:keywords/t:term")
    if tags:
        rows.append(("标签 Tags", [H.SPAN(tag, {"class": "tag"}) for tag in tags]))
    abstract = _text(root, "t:teiHeader/t:profileDesc/t:abstract")
    if abstract:
        rows.append(("描述 Description", abstract))
    dl = H.E.dl()
    for label, value in rows:
        dd = H.E.dd(*value) if isinstance(value, list) else H.E.dd(value)
        dl.extend([H.E.dt(label), dd])
    return H.E.header(H.H1(title), dl, {"class": "summary"})


def _date_label(date: etree._Element) -> str:
    text = " ".join("".join(date.itertext()).split())
    iso = date.get("when") or "–".join(v for v in (date.get("from"), date.get("to")) if v)
    return f"{text} ({iso})" if iso and iso != text else text


def _source(root: etree._Element) -> str:
    bibl = root.find(f"{tei('teiHeader')}/{tei('fileDesc')}/{tei('sourceDesc')}/{tei('bibl')}")
    if bibl is None:
        return ""
    parts = []
    for child in bibl.iterchildren(tag=etree.Element):  # not a comment or processing instruction
        value = " ".join("".join(child.itertext()).split())
        if not value:
            continue
        name = etree.QName(child).localname
        parts.append(f"《{value}》" if name == "title" else f"{value}（编）" if name == "editor" else value)
    if not parts:
        parts.append(" ".join((bibl.text or "").split()))
    return "，".join(p for p in parts if p)


def _controls(counter: _Counter) -> html.HtmlElement:
    def radio(value: str, label: str, checked: bool) -> html.HtmlElement:
        attrs = {"type": "radio", "name": "reading", "value": value, "id": f"reading-{value}"}
        if checked:
            attrs["checked"] = "checked"
        return H.LABEL(H.E.input(attrs), f" {label}", {"for": f"reading-{value}"})

    legend = H.SPAN({"class": "legend"}, f"疑似 OCR 错误 suspected OCR errors: {counter.total} ",
                    *(H.SPAN(f"{_CERT_TEXT[cert]} {counter.by_cert.get(cert, 0)}", {"class": cert})
                      for cert in ("high", "medium", "low")))
    return H.E.nav(
        H.E.fieldset(H.E.legend("读法 Reading"), radio("original", "原文 original (sic)", True), " ",
                     radio("corrected", "校正 corrected (corr)", False)),
        legend,
        {"class": "controls", "aria-label": "reading"},
    )


def _render_children(target: html.HtmlElement, source: etree._Element, depth: int, counter: _Counter) -> None:
    """Render the TEI children (and text) of `source` into `target`. Iterative: a document may nest
    deeper than Python's recursion limit; each element made is filled in its turn."""
    pending = [(target, source, depth)]
    while pending:
        target, source, depth = pending.pop()
        container = _local_name(source) in CONTAINERS
        if not container:
            _append_text(target, source.text)
        for child in source:
            if isinstance(child.tag, str):
                made, to_fill = _render(child, depth, counter)
                target.append(made)
                pending.extend(to_fill)
            if not container:
                _append_text(target, child.tail)


def _local_name(element: etree._Element) -> str:
    """The element's TEI name; "foreign" for an element in another namespace."""
    tag = element.tag
    return tag[len(_TEI_PREFIX):] if tag.startswith(_TEI_PREFIX) else "foreign"


_TEI_PREFIX = f"{{{TEI_NS}}}"
_Fill = list[tuple[html.HtmlElement, etree._Element, int]]
"""HTML elements made but not filled yet: each with the TEI element whose children it gets, and its depth."""


def _render(element: etree._Element, depth: int, counter: _Counter) -> tuple[html.HtmlElement, _Fill]:
    """The HTML element for a TEI element, and what is left to fill in it."""
    name = _local_name(element)
    if name == "lb":
        return H.BR(), []
    if name == "graphic":  # an image's URL as text (the page loads nothing): the body's characters
        return H.SPAN({"class": "graphic"}, element.get("url", "")), []
    if name == "head":
        out = H.E.h2() if depth <= 1 else H.E.h3()
        return out, [(out, element, depth)]
    if name == "choice":
        return _choice(element, depth, counter)
    if name == "sic":  # a lone sic: surely wrong, no confident correction
        cert = element.get("cert", "low")
        counter.add(cert)
        out = H.SPAN({"class": "ocr unsure", "data-cert": cert, "tabindex": "0",
                      "title": f"疑似 OCR 错误，无可靠校正 suspected OCR error, no confident correction; "
                               f"certainty: {cert}",
                      "data-tip": f"? — {cert}"})
        sic = H.SPAN({"class": "sic"})
        out.append(sic)
        return out, [(sic, element, depth)]
    if name == "date":
        out = H.E.time({"datetime": element.get("when")} if element.get("when") else {})
        return out, [(out, element, depth)]
    if name in _NAME_KINDS:
        out = H.SPAN({"class": f"name {name}", "title": " ".join(filter(None, (_NAME_KINDS[name], element.get("ref"))))})
        return out, [(out, element, depth)]
    if name == "note":  # a footnote: small, the archive's own (kept apart from the body) with its number
        out = H.SPAN({"class": "note"} if element.get("type") == NOTE_IN_TEXT else
                     {"class": "note apart", "data-n": element.get("n", "")})
        return out, [(out, element, depth)]
    if name == "ab" and element.get("type") == "ornament":
        out = H.P({"class": "ornament"})
        return out, [(out, element, depth)]
    tag, css = _BLOCKS.get(name, ("span", name))
    out = H.E(tag)
    if css:
        out.set("class", css)
    return out, [(out, element, depth + (name == "div"))]


def _choice(element: etree._Element, depth: int, counter: _Counter) -> tuple[html.HtmlElement, _Fill]:
    sic = element.find(tei("sic"))
    corr = element.find(tei("corr"))
    if sic is None or corr is None:
        out = H.SPAN({"class": "choice"})
        return out, [(out, element, depth)]
    cert = corr.get("cert") or sic.get("cert") or "low"
    counter.add(cert)
    sic_text = "".join(sic.itertext())
    corr_text = "".join(corr.itertext())
    resp = corr.get("resp", "").removeprefix("#")
    reviewed = bool(resp) and resp != OCR_RESP_ID
    tip = f"{sic_text} → {corr_text}（{cert}{'，审校 reviewed' if reviewed else ''}）"
    out = H.SPAN({"class": "ocr reviewed" if reviewed else "ocr", "data-cert": cert, "data-tip": tip,
                  "data-resp": resp, "tabindex": "0",
                  "title": f"疑似 OCR 错误 suspected OCR error: {sic_text} → {corr_text}; certainty: {cert}"
                           + ("; reviewed by a person" if reviewed else "")})
    sic_span, corr_span = H.SPAN({"class": "sic"}), H.SPAN({"class": "corr"})
    out.extend([sic_span, corr_span])
    return out, [(sic_span, sic, depth), (corr_span, corr, depth)]
