"""The review page: the preview of a converted document (tei.preview) with a panel and keys to
decide each suspected OCR error, add the ones the tool missed, and save the decisions as a
decisions file (tei.decisions), downloaded by the browser: no server, no network.

Keys: j / n next reading, k / p previous (Tab and Shift+Tab too), a accept, r reject, e edit
(type the reading, Enter; Esc cancels), + add the selected text as a missed error, u undo the
current reading's decision, s save. Every key has a button, for mouse and touch.

The page's script places readings and selections in the export body as tei.anchor does: it counts
the non-space characters of the document (corrected readings aside) and maps that count to a body
offset with anchor.core_runs; the body travels in the page (as JSON, not executed) for the
decisions' context.
"""
from __future__ import annotations

import json

from lxml import etree, html
from lxml.html import builder as H

from .anchor import core_runs
from .decisions import COLUMNS, CONTEXT
from .model import Document
from .preview import build_preview

SPACES = "".join(chr(c) for c in range(0x3000 + 1) if chr(c).isspace())
"""The characters Python's str.isspace() calls space (all below U+3001): the page's script counts
characters as tei.anchor does."""

STYLE = """
.review { position: sticky; top: 0; z-index: 3; max-width: 46rem; margin: .8rem auto; padding: .5rem .8rem;
          background: #fff; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.2);
          font: 14px/1.5 system-ui, sans-serif; display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }
.review button { font: inherit; padding: .15rem .5rem; }
.review kbd { font: 12px monospace; padding: 0 .25rem; border: 1px solid #bbb; border-radius: 3px; }
.review #review-status { flex-basis: 100%; margin: 0; color: #3b372f; min-height: 1.5em; }
.ocr.current { outline: 3px solid #1d5fbf; outline-offset: 1px; }
.ocr.decided-accept { box-shadow: inset 0 -3px 0 #3c7a32; }
.ocr.decided-edit, .ocr.decided-add { box-shadow: inset 0 -3px 0 #7a3c9a; }
.ocr.decided-reject { box-shadow: inset 0 -3px 0 #9a3c3c; }
.ocr.decided-reject .corr { text-decoration: line-through; }
.document[data-reading="corrected"] .ocr.decided-reject .sic { display: inline; }
.document[data-reading="corrected"] .ocr.decided-reject .corr { display: none; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var body = Array.from(data.body), runs = data.runs, CONTEXT = data.context, COLUMNS = data.columns;
  var SPACE = {};
  Array.from(data.spaces).forEach(function (c) { SPACE[c] = true; });
  function $(id) { return document.getElementById(id); }
  var doc = $("document"), reviewer = $("reviewer"), statusLine = $("review-status");
  var editor = $("editor"), reading = $("reading"), position = $("position"), saveButton = $("save");
  var marks = [], current = -1, decisions = {}, editing = null;
  var WORDS = {accept: "accepted", reject: "rejected", edit: "edited", add: "added"};

  function say(text) { statusLine.textContent = text; }
  function core(text) { var n = 0; for (var c of text) { if (!SPACE[c]) { n++; } } return n; }
  function slice(a, b) { return body.slice(a, b).join(""); }
  function bodyOffset(k) {  // body offset of the k-th non-space character (tei.anchor.core_runs)
    var lo = 0, hi = runs.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (runs[mid][0] <= k) { lo = mid; } else { hi = mid - 1; } }
    return runs[lo][1] + (k - runs[lo][0]);
  }
  function textNodes() {  // the document's text in order, corrected readings and the archive's footnotes left out
    var out = [], walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      if (!walker.currentNode.parentNode.closest(".corr, .note.apart")) { out.push(walker.currentNode); }
    }
    return out;
  }
  function coreStarts(nodes) {  // text node -> non-space characters before it
    var starts = new Map(), k = 0;
    (nodes || textNodes()).forEach(function (node) { starts.set(node, k); k += core(node.data); });
    return starts;
  }
  function trim(text) {  // [code units of leading space, the text without space at either end]
    var chars = Array.from(text), a = 0, b = chars.length;
    while (a < b && SPACE[chars[a]]) { a++; }
    while (b > a && SPACE[chars[b - 1]]) { b--; }
    return [chars.slice(0, a).join("").length, chars.slice(a, b).join("")];
  }
  function place(starts, node, text) {  // body offset of `text`, which starts at node's start; -1 if not there
    var lead = Array.from(text.slice(0, trim(text)[0])).length;
    var at = bodyOffset(starts.get(node)) - lead;
    return slice(at, at + Array.from(text).length) === text ? at : -1;
  }
  function collect() {  // the readings in document order, each placed in the body once
    var nodes = textNodes(), starts = coreStarts(nodes), first = new Map();
    nodes.forEach(function (node) {
      var sic = node.parentNode.closest(".sic");
      if (sic && !first.has(sic)) { first.set(sic, node); }
    });
    marks = Array.prototype.slice.call(doc.querySelectorAll(".ocr"));
    marks.forEach(function (mark, index) {
      mark.dataset.index = index;
      if (mark.dataset.offset === undefined) {
        var sic = mark.querySelector(".sic"), node = first.get(sic);
        mark.dataset.offset = node ? place(starts, node, sic.textContent) : -1;
        var corr = mark.querySelector(".corr");
        mark.dataset.proposed = corr ? corr.textContent : "";
      }
    });
  }
  function sicOf(mark) { return mark.querySelector(".sic").textContent; }
  function key(offset, sic) { return offset + ":" + sic; }
  function show() {
    var mark = marks[current];
    if (!mark) { position.textContent = "0/" + marks.length; return; }
    var d = decisions[key(mark.dataset.offset, sicOf(mark))];
    position.textContent = (current + 1) + "/" + marks.length + " " + sicOf(mark) + " → " +
      (mark.dataset.proposed || "–") + " (" + mark.dataset.cert + ")" +
      (d ? " · " + WORDS[d.decision] + (d.reading && d.decision !== "accept" ? " " + d.reading : "") : "");
  }
  function go(index) {
    if (!marks.length) { say("no suspected OCR errors in this document"); return; }
    current = Math.max(0, Math.min(marks.length - 1, index));
    marks[current].focus();
    marks[current].scrollIntoView({block: "center"});
  }
  function named() {
    if (reviewer.value.trim()) { return true; }
    say("Type your name in the Reviewer field first: every decision is someone's.");
    reviewer.focus();
    return false;
  }
  function record(mark, decision, text) {
    var offset = Number(mark.dataset.offset), sic = sicOf(mark);
    if (offset < 0) { say("this reading cannot be placed in the export body"); return; }
    var end = offset + Array.from(sic).length;
    decisions[key(offset, sic)] = {
      document: data.document, offset: String(offset), before: slice(Math.max(0, offset - CONTEXT), offset),
      sic: sic, after: slice(end, end + CONTEXT), proposed: mark.dataset.added ? "" : mark.dataset.proposed,
      cert: mark.dataset.added ? "" : mark.dataset.cert, decision: decision, reading: text,
      reviewer: reviewer.value.trim()};
    ["accept", "reject", "edit", "add"].forEach(function (a) { mark.classList.remove("decided-" + a); });
    mark.classList.add("decided-" + decision);
    var corr = mark.querySelector(".corr");
    if (corr && text) { corr.textContent = text; }
    say(sic + " → " + (text || sic) + " " + WORDS[decision]);
    saveButton.textContent = "保存 save " + Object.keys(decisions).length + " decision(s) (s)";
    show();
  }
  function decide(decision) {
    var mark = marks[current];
    if (!mark) { say("no reading chosen: j for the next one"); return; }
    if (!named()) { return; }
    if (decision === "accept" && !mark.dataset.proposed) { say("nothing proposed to accept: e to give the reading"); return; }
    record(mark, decision, decision === "accept" ? mark.dataset.proposed : "");
  }
  function openEditor(mode, sic, target) {
    if (!named()) { return; }
    editing = {mode: mode, sic: sic, target: target};
    editor.hidden = false;
    reading.value = mode === "edit" ? (target.querySelector(".corr") || target.querySelector(".sic")).textContent : sic;
    reading.focus();
    reading.select();
    say((mode === "add" ? "add: " : "edit: ") + sic + " → type the right reading, Enter (Esc cancels)");
  }
  function closeEditor() {
    editor.hidden = true;
    var was = editing;
    editing = null;
    if (was && was.mode === "edit") { was.target.focus(); }
  }
  function commit() {
    var text = reading.value, was = editing;
    if (!was) { return; }
    if (!text || text === was.sic) { say("the reading must differ from the printed text (r rejects a proposal)"); return; }
    closeEditor();
    if (was.mode === "edit") {
      var mark = was.target;
      record(mark, mark.dataset.added ? "add" : text === mark.dataset.proposed ? "accept" : "edit", text);
      return;
    }
    var r = was.target, node = r.node;
    var after = node.splitText(r.end), middle = node.splitText(r.start);
    var span = document.createElement("span"), sicSpan = document.createElement("span"), corr = document.createElement("span");
    span.className = "ocr";
    span.tabIndex = 0;
    span.dataset.cert = "high";
    span.dataset.added = "1";
    span.dataset.tip = was.sic + " → " + text;
    sicSpan.className = "sic";
    corr.className = "corr";
    corr.textContent = text;
    middle.replaceWith(span);
    sicSpan.appendChild(middle);
    span.appendChild(sicSpan);
    span.appendChild(corr);
    span.dataset.offset = r.offset;
    span.dataset.proposed = "";
    bind(span);
    collect();
    current = Number(span.dataset.index);
    record(span, "add", text);
    go(current);
  }
  function addSelection() {
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) { say("select the misread text first, then +"); return; }
    var range = selection.getRangeAt(0), node = range.startContainer;
    if (node !== range.endContainer || node.nodeType !== Node.TEXT_NODE || !doc.contains(node) ||
        node.parentNode.closest(".ocr")) {
      say("select text within one run of plain text (not across a reading or a paragraph)");
      return;
    }
    var cut = trim(node.data.slice(range.startOffset, range.endOffset)), trimmed = cut[1];
    if (!trimmed) { say("select the misread characters"); return; }
    var start = range.startOffset + cut[0], end = start + trimmed.length;
    var offset = bodyOffset(coreStarts().get(node) + core(node.data.slice(0, start)));
    if (slice(offset, offset + Array.from(trimmed).length) !== trimmed) {
      say("this text cannot be placed in the export body");
      return;
    }
    selection.removeAllRanges();
    openEditor("add", trimmed, {node: node, start: start, end: end, offset: offset});
  }
  function undo() {
    var mark = marks[current];
    if (!mark) { return; }
    delete decisions[key(mark.dataset.offset, sicOf(mark))];
    if (mark.dataset.added) {
      var text = document.createTextNode(sicOf(mark)), parent = mark.parentNode;
      mark.replaceWith(text);
      parent.normalize();
      collect();
      current = Math.min(current, marks.length - 1);
    } else {
      ["accept", "reject", "edit", "add"].forEach(function (a) { mark.classList.remove("decided-" + a); });
      var corr = mark.querySelector(".corr");
      if (corr) { corr.textContent = mark.dataset.proposed; }
    }
    say("decision undone");
    saveButton.textContent = "保存 save " + Object.keys(decisions).length + " decision(s) (s)";
    show();
  }
  function field(value) {
    var escaped = value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
    return escaped.indexOf('"') < 0 ? escaped : '"' + escaped.replace(/"/g, '""') + '"';
  }
  function save() {
    var rows = Object.keys(decisions).map(function (k) { return decisions[k]; });
    if (!rows.length) { say("no decisions to save yet"); return; }
    rows.sort(function (x, y) {
      return Number(x.offset) - Number(y.offset) || Array.from(x.sic).length - Array.from(y.sic).length ||
        (x.decision < y.decision ? -1 : x.decision > y.decision ? 1 : 0);
    });
    var lines = [COLUMNS.join("\t")].concat(rows.map(function (row) {
      return COLUMNS.map(function (c) { return field(row[c]); }).join("\t");
    }));
    var stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
    var name = "decisions-" + data.document + "-" + stamp + ".tsv";
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([lines.join("\n") + "\n"], {type: "text/tab-separated-values;charset=utf-8"}));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    say("saved " + rows.length + " decision(s) as " + name + ": keep it with your decisions (tei convert --decisions)");
  }
  function bind(mark) {
    mark.addEventListener("focus", function () {
      if (marks[current]) { marks[current].classList.remove("current"); }
      current = Number(mark.dataset.index);
      mark.classList.add("current");
      show();
    });
  }
  collect();
  marks.forEach(bind);
  show();
  var actions = {j: function () { go(current + 1); }, n: function () { go(current + 1); },
                 k: function () { go(current - 1); }, p: function () { go(current - 1); },
                 a: function () { decide("accept"); }, r: function () { decide("reject"); },
                 e: function () { if (marks[current]) { openEditor("edit", sicOf(marks[current]), marks[current]); } },
                 "+": addSelection, u: undo, s: save};
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (event.target === reading) {
      if (event.key === "Enter") { event.preventDefault(); commit(); }
      if (event.key === "Escape") { event.preventDefault(); closeEditor(); say("cancelled"); }
      return;
    }
    if (event.target === reviewer || !actions[event.key]) { return; }
    event.preventDefault();
    actions[event.key]();
  });
  [["prev", "k"], ["next", "j"], ["accept", "a"], ["reject", "r"], ["edit", "e"], ["add", "+"], ["undo", "u"],
   ["save", "s"]].forEach(function (pair) {
    $(pair[0]).addEventListener("click", function () { actions[pair[1]](); });
  });
  $("add").addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
})();
"""


def build_review(tree: etree._ElementTree, document: Document, reviewer: str = "") -> html.HtmlElement:
    """The review page (as an element tree) for `tree`, converted from `document`."""
    page = build_preview(tree)
    head, body = page.find("head"), page.find("body")
    head.find("title").text = f"审校 Review: {head.find('title').text}"
    head.append(H.STYLE(STYLE))
    body.find_class("controls")[0].addnext(_panel(reviewer))
    data = {"document": document.header.article_id, "body": document.body, "runs": core_runs(document.body),
            "context": CONTEXT, "columns": list(COLUMNS), "spaces": SPACES}
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")  # no </script> inside
    body.append(H.SCRIPT(payload, type="application/json", id="review-data"))
    body.append(H.SCRIPT(SCRIPT))
    return page


def render_review(tree: etree._ElementTree, document: Document, reviewer: str = "") -> bytes:
    """The review page as UTF-8 bytes with an HTML5 doctype."""
    return html.tostring(build_review(tree, document, reviewer), doctype="<!DOCTYPE html>", encoding="utf-8",
                         method="html") + b"\n"


def _panel(reviewer: str) -> html.HtmlElement:
    def button(name: str, label: str, key: str) -> html.HtmlElement:
        return H.E.button(f"{label} ", H.E.kbd(key), {"id": name, "type": "button", "aria-keyshortcuts": key})

    return H.E.section(
        {"class": "review", "id": "review", "aria-label": "审校 review"},
        H.LABEL("审校人 Reviewer ", H.E.input({"id": "reviewer", "value": reviewer, "autocomplete": "name", "size": "12"})),
        H.SPAN({"id": "position"}),
        button("prev", "← 上一个 previous", "k"), button("next", "下一个 next →", "j"),
        button("accept", "接受 accept", "a"), button("reject", "拒绝 reject", "r"), button("edit", "修改 edit", "e"),
        button("add", "新增所选 add selection", "+"), button("undo", "撤销 undo", "u"),
        button("save", "保存 save decisions", "s"),
        H.SPAN({"id": "editor", "hidden": "hidden"},
               H.LABEL("读作 reading ", H.E.input({"id": "reading", "size": "8"})), " Enter ⏎ · Esc"),
        H.P({"id": "review-status", "role": "status", "aria-live": "polite"},
            "j/k: next/previous · a accept · r reject · e edit · select text and + to add · u undo · s save"),
    )
