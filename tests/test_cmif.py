"""`tei cmif`: letters → CMIF, valid against the bundled schemas/cmif.rng, dates YYYY[-MM[-DD]]."""
from __future__ import annotations

import pytest
from lxml import etree

from conftest import SEED, bundled_relaxng, parse_tei, tei_command as tei, xpath
from tei import ConvertOptions, convert_file
from tei.cmif import CmifOptions, Source, build_cmif, read_authorities
from tei.dates import is_iso_partial
from tei.write import serialize

OPTIONS = CmifOptions(url="https://example.org/letters.xml", date="2026-11-25", editor="Ed Itor")


@pytest.fixture(scope="module")
def cmif_rng() -> etree.RelaxNG:
    return bundled_relaxng("cmif.rng")


@pytest.fixture(scope="module")
def seed_tree() -> etree._ElementTree:
    """The seed without OCR marking: CMIF reads only the header."""
    return convert_file(SEED, ConvertOptions(ocr=False)).tree


def assert_valid(rng: etree.RelaxNG, tree: etree._ElementTree) -> None:
    reparsed = parse_tei(serialize(tree))
    assert rng.validate(reparsed), "\n".join(f"{e.line}: {e.message}" for e in rng.error_log)


def tei_doc(xml_id: str, profile: str, creation: str = "") -> etree._ElementTree:
    return parse_tei(f'''<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="{xml_id}"><teiHeader><fileDesc>
      <titleStmt><title>信 &amp; 电</title></titleStmt>
      <publicationStmt><distributor>banned-historical-archives</distributor><idno type="bha">{xml_id}</idno></publicationStmt>
      <sourceDesc><bibl><title level="m">书</title></bibl></sourceDesc></fileDesc>
      <profileDesc><creation>{creation}</creation>{profile}</profileDesc></teiHeader><text><body><p/></body></text></TEI>'''
                     .encode())


TWO_LETTERS = tei_doc("bha-two", """
  <correspDesc><correspAction type="received"><persName>毛泽东</persName></correspAction>
    <correspAction type="sent"><orgName> 苏共 中央 </orgName><date when="1963-11">十一月</date></correspAction></correspDesc>
  <correspDesc><correspAction type="sent"><persName>甲</persName><date when="1963-02-30x">坏</date></correspAction>
    <correspAction type="received"><persName>乙</persName></correspAction></correspDesc>""",
                      creation='<date when="1960">1960</date>')
ONE_UNDATED = tei_doc("bha-one", """<correspDesc><correspAction type="sent"><persName>甲</persName></correspAction>
  </correspDesc>""", creation='<date from="1960-01" to="1960-03">一九六〇年</date>')
NO_LETTER = tei_doc("bha-none", "")


def test_seed_letter(cmif_rng, seed_tree):
    cmif = build_cmif([Source("seed", seed_tree)], OPTIONS)
    assert_valid(cmif_rng, cmif)
    desc, = xpath(cmif, "//t:correspDesc")
    assert desc.get("source") == "#bha-3383ff062d"
    assert xpath(cmif, "//t:bibl[@xml:id='bha-3383ff062d']/@type") == ["online"]
    assert xpath(desc, "string(t:correspAction[@type='sent']/t:persName)") == "赫鲁晓夫"
    assert xpath(desc, "string(t:correspAction[@type='sent']/t:date/@when)") == "1963-11-29"
    assert xpath(desc, "t:correspAction[@type='received']/*/text()") == ["中国共产党中央委员会", "毛泽东"]
    assert xpath(cmif, "string(//t:publicationStmt/t:idno[@type='url'])") == "https://example.org/letters.xml"
    assert xpath(cmif, "string(//t:licence/@target)") == "https://creativecommons.org/licenses/by/4.0/"
    assert not xpath(cmif, "//@ref")  # no authority URI is invented


def test_one_corresp_desc_per_letter_sent_first_dates_checked(cmif_rng):
    cmif = build_cmif([Source("a", TWO_LETTERS), Source("b", NO_LETTER), Source("c", ONE_UNDATED)], OPTIONS)
    assert_valid(cmif_rng, cmif)
    assert xpath(cmif, "//t:correspDesc/@source") == ["#bha-two", "#bha-two", "#bha-one"]
    assert xpath(cmif, "//t:bibl/@xml:id") == ["bha-two", "bha-one"]  # a document without letters is no source
    first, second, third = xpath(cmif, "//t:correspDesc")
    assert xpath(first, "t:correspAction/@type") == ["sent", "received"]
    assert xpath(first, "string(t:correspAction[@type='sent']/t:orgName)") == "苏共 中央"
    assert xpath(first, "string(t:correspAction[@type='sent']/t:date/@when)") == "1963-11"
    # an ill-formed date is dropped; the creation date is not borrowed for a document of several letters
    assert xpath(second, "t:correspAction[@type='sent']/t:date") == []
    # a single undated letter takes the document's creation date (a range stays a range)
    date, = xpath(third, "t:correspAction[@type='sent']/t:date")
    assert dict(date.attrib) == {"from": "1960-01", "to": "1960-03"}
    for value in xpath(cmif, "//t:correspDesc//t:date/@*"):
        assert is_iso_partial(value)


def test_no_letters_is_still_valid(cmif_rng):
    cmif = build_cmif([Source("b", NO_LETTER)], OPTIONS)
    assert_valid(cmif_rng, cmif)
    assert xpath(cmif, "//t:correspDesc") == []


def test_authorities_give_ref(cmif_rng, seed_tree):
    mapping = read_authorities("# name\tURI\n毛泽东\thttps://www.wikidata.org/entity/Q5816\n\n")
    cmif = build_cmif([Source("seed", seed_tree)], CmifOptions(**{**OPTIONS.__dict__, "authorities": mapping}))
    assert_valid(cmif_rng, cmif)
    assert xpath(cmif, "//t:persName[@ref]/text()") == ["毛泽东"]
    with pytest.raises(ValueError, match="line 2: expected name<TAB>http"):
        read_authorities("a\thttps://x.org/1\nb c\n")


@pytest.mark.parametrize("value", ["1963", "1963-11", "1963-11-29"])
def test_iso_partial_accepts(value):
    assert is_iso_partial(value)


@pytest.mark.parametrize("value", ["63", "1963-13", "1963-11-32", "1963-1-2", "1963-11-29T00:00", ""])
def test_iso_partial_rejects(value):
    assert not is_iso_partial(value)


def test_every_dev_letter_gives_valid_cmif(cmif_rng, corpus_outputs):
    sources = [Source(stem, tree) for stem, tree in corpus_outputs.items()]
    cmif = build_cmif(sources, OPTIONS)
    assert_valid(cmif_rng, cmif)
    expected = sum(len(xpath(tree, "/t:TEI/t:teiHeader/t:profileDesc/t:correspDesc")) for tree in corpus_outputs.values())
    assert len(xpath(cmif, "//t:correspDesc")) == expected


def test_cli(tmp_path, cmif_rng):
    assert tei("convert", "--no-ocr", str(SEED), "-o", str(tmp_path / "in")).returncode == 0
    (tmp_path / "in" / "broken.xml").write_text("<TEI><p></TEI>")
    out = tmp_path / "letters.xml"
    env = {"SOURCE_DATE_EPOCH": "0"}
    result = tei("cmif", str(tmp_path / "in"), "-o", str(out), env=env)
    assert result.returncode == 1
    lines = result.stderr.decode().splitlines()
    assert lines[0].startswith("warning: no --url given; publicationStmt/idno is 'letters.xml'")
    assert any("broken.xml:1: ERR_TAG_NAME_MISMATCH" in line for line in lines)
    assert lines[-1] == f"1 letter(s) from 2 file(s) written to {out}; 1 not well-formed"
    tree = parse_tei(out)
    assert_valid(cmif_rng, tree)
    assert xpath(tree, "string(//t:publicationStmt/t:date/@when)") == "1970-01-01"
    again = tei("cmif", str(tmp_path / "in" / "000_40c4c9e224be5acb.xml"), "--url", "https://example.org/l.xml", env=env)
    assert again.returncode == 0 and again.stdout.startswith(b"<?xml")
    assert xpath(parse_tei(again.stdout), "string(//t:idno)") == "https://example.org/l.xml"
    bad = tei("cmif", str(out), "--authorities", str(tmp_path / "nope.tsv"))
    assert bad.returncode == 2


def test_people_and_places_of_real_letters(cmif_rng):
    """Converted letters of the gold (tests/data/letters/tune): CMIF carries the people the short
    forms resolve to (毛泽东陈伯达 signed, 恩来同志 addressed) and the place of writing (于峡江县)."""
    folder = SEED.parents[1] / "tests" / "data" / "letters" / "tune"
    sources = [Source(name, convert_file(folder / f"{name}.txt", ConvertOptions(ocr=False)).tree)
               for name in ("0d9bb23ba2__maoquanji16", "881fbb422f__maoquanji5")]
    cmif = build_cmif(sources, OPTIONS)
    assert_valid(cmif_rng, cmif)
    first, second = xpath(cmif, "//t:profileDesc/t:correspDesc")
    assert xpath(first, "t:correspAction[@type='sent']/t:persName/text()") == ["毛泽东", "陈伯达"]
    assert xpath(first, "t:correspAction[@type='received']/t:persName/text()") == ["周恩来"]
    assert [etree.QName(e).localname for e in xpath(second, "t:correspAction[@type='sent']/*")] == [
        "persName", "placeName", "date"]
    assert xpath(second, "string(t:correspAction[@type='sent']/t:placeName)") == "峡江县"
