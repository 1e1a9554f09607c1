"""Every corpus document: converts, is valid against tei_all, loses nothing, carries every header field."""
from __future__ import annotations

import re

import pytest

from conftest import xpath
from tei import convert_file, serialize
from independent import body_core, parse_txt, text_reading


def _iso(date: str) -> str | None:
    year, month, day = (int(p) for p in (date.split("-") + ["0", "0"])[:3])
    if year <= 0:
        return None
    return "-".join([f"{year:04d}"] + ([f"{month:02d}"] if month else []) + ([f"{day:02d}"] if month and day else []))


def test_every_document_is_valid_against_tei_all(corpus, corpus_outputs, tei_all):
    invalid = {stem: str(tei_all.error_log.last_error) for stem, tree in corpus_outputs.items()
               if not tei_all.validate(tree)}
    assert len(corpus_outputs) == len(corpus.files) > 0
    assert invalid == {}


def test_every_document_loses_nothing(corpus, corpus_outputs):
    lossy = []
    for stem, tree in corpus_outputs.items():
        _, body, _ = parse_txt((corpus.folder / f"{stem}.txt").read_text(encoding="utf-8"))
        if text_reading(tree.getroot()) != body_core(body):
            lossy.append(stem)
    assert lossy == []


def test_every_header_field_lands_in_its_place(corpus, corpus_outputs):
    wrong = []
    for stem, tree in corpus_outputs.items():
        fields, _, description = parse_txt((corpus.folder / f"{stem}.txt").read_text(encoding="utf-8"))

        def norm(value):
            return re.sub(r"\s+", "", value or "")

        checks = {
            "id": xpath(tree, "string(//t:publicationStmt/t:idno[@type='bha'])") == fields["id"],
            "xml:id": tree.getroot().get("{http://www.w3.org/XML/1998/namespace}id") == f"bha-{fields['id']}",
            "title": norm(xpath(tree, "string(//t:titleStmt/t:title)")) == norm(fields["标题"]),
            "authors": [norm(a) for a in xpath(tree, "//t:titleStmt/t:author/*/text()")]
            == [norm(a) for a in fields["作者"].split(",") if a.strip()],
            "tags": xpath(tree, "//t:keywords/t:term/text()") == [t for t in fields["标签"].split(",") if t.strip()],
            "book": not fields["书籍"] or xpath(tree, "string(//t:sourceDesc/t:bibl/t:title)") == fields["书籍"],
            "book_author": norm(fields["书籍作者"]) in norm(xpath(tree, "string(//t:sourceDesc/t:bibl)")),
            "source": not fields["来源"] or xpath(tree, "string(//t:sourceDesc/t:bibl/t:note[@type='source'])") == fields["来源"],
            "description": not description or norm(description) == norm(xpath(tree, "string(//t:profileDesc/t:abstract)")),
            "date_text": xpath(tree, "string(//t:profileDesc/t:creation)") == fields["日期"],
        }
        dates = [_iso(d) for d in fields["日期"].split(",") if d.strip()]
        if dates and fields["是否是时间段"] == "true" and len(dates) > 1:
            checks["date"] = xpath(tree, "//t:creation/t:date[@from=$f and @to=$t]", f=dates[0], t=dates[-1]) != []
        elif dates and dates[0]:
            checks["date"] = xpath(tree, "string(//t:creation/t:date[1]/@when)") == dates[0]
        wrong += [f"{stem}: {name}" for name, ok in checks.items() if not ok]
    assert wrong == []


@pytest.mark.parametrize("stem, div_type", [
    ("fa920a7fa4__maoquanji24", "telegram"),  # 致邓小平电
    ("00fbe32358__maoquanji16", "letter"),  # 关于财经建设的基本方针给谢觉敌的信
    ("34c1c057e4__GPCRv3", "speech"),  # 周恩来谢富治在军管干部会议上的讲话摘要
    ("552f607ade__wenji6", "article"),
])
def test_document_type_from_title_and_tags(corpus_outputs, stem, div_type):
    assert xpath(corpus_outputs[stem], "string(//t:body/t:div/@type)") == div_type


def test_the_same_bytes_in_another_process(corpus, corpus_conversions):
    """The workers that converted the corpus are other interpreters with other hash seeds: the
    documents with the most OCR marks per character convert to the same bytes here."""
    marked = sorted(corpus.files, key=lambda path: -corpus_conversions[path.stem].data.count(b"<choice>")
                    / max(1, path.stat().st_size))[:3]
    for path in marked:
        assert serialize(convert_file(path).tree) == corpus_conversions[path.stem].data, path.name
